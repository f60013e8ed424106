"""WikiRef220: news articles clustered by topic (undated)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from storytrace.eval.datasets.common import _need_files, _newlines, _read_text, _record_to_dict, _set_dir


@dataclass
class WikirefDoc:
    """One WikiRef220 article; ``label`` is the topic (the file-name stem without the
    trailing ``.N`` or `` (N)`` counter). No dates."""

    id: str  # the file name
    label: str
    title: str
    text: str

    to_dict = _record_to_dict


_WIKIREF_COUNTER = (re.compile(r"^(.*\S) \(\d+\)$"), re.compile(r"^(.*\S)\.\d+$"))


def wikiref_label(file_name: str) -> str:
    """``'ParisAttacks2015 (3).txt'`` -> ``'ParisAttacks2015'``,
    ``'samsung.galaxy.s5.13.txt'`` -> ``'samsung.galaxy.s5'``, ``'U2.149.txt'`` -> ``'U2'``."""
    stem = file_name[:-4] if file_name.lower().endswith(".txt") else file_name
    for pattern in _WIKIREF_COUNTER:
        m = pattern.match(stem)
        if m:
            return m.group(1)
    return stem


def load_wikiref(root: str | os.PathLike | None = None) -> list[WikirefDoc]:
    """Every ``*.txt`` in ``DIR/wikiref220_news_clustering/WikiRef220/``.

    The files are Windows-1252 (Latin-1 as a fallback) with CRLF line ends; texts come back
    with ``\\n`` line ends. The title is the first non-empty line.
    """
    base = _set_dir(root, "wikiref220_news_clustering", "WikiRef220/*.txt")
    folder = base / "WikiRef220"
    if not folder.is_dir():
        raise FileNotFoundError(f"wikiref220_news_clustering: expected the folder {folder}")
    files = _need_files(sorted(folder.glob("*.txt")), folder, "wikiref220_news_clustering", "*.txt")
    out = []
    for path in files:
        text = _newlines(_read_text(path, ("cp1252", "latin-1")))
        title = next((line.strip() for line in text.split("\n") if line.strip()), "")
        out.append(WikirefDoc(id=path.name, label=wikiref_label(path.name), title=title, text=text))
    return out


# ============================================================================ ML-Crisis
