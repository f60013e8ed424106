"""LLMFake: news articles and their rewrites by language models, read from the paired CSV files."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storytrace.eval.datasets.common import _need_files, _norm, _read_text, _record_to_dict, _set_dir

# CSV fields in LLMFake hold whole articles (and, in the full set, long tweet lists).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class LlmfakePair:
    """One paired LLMFake row: a human source article and an LLM output derived from it.

    ``label`` is the FakeNewsNet/CoAID veracity of the *source* (1 = misinformation).
    ``source_shared`` = how many distinct ``news_id`` of the same file carry the same source
    text (after whitespace/case normalisation): boilerplate pages are shared by many.
    ``repaired`` = the Mac-Roman quote mojibake of CoAID (``ÒquoteÓ``, ``donÕt``) was
    repaired in the texts.
    """

    id: str  # "<generator>/<subset>/<method>/<news_id>"
    generator: str
    subset: str
    method: str
    news_id: str
    source_text: str
    derived_text: str
    label: int | None
    source_shared: int
    repaired: bool
    file: str  # path relative to DIR/llmfake
    row: int  # 1-based data row in the file

    to_dict = _record_to_dict


_LLMFAKE_SUBSETS = ("coaid", "gossipcop", "politifact")
_MACROMAN_SIGNS = re.compile(r"\wÕ\w|Ò\S[^\n]{0,400}?\SÓ|Ô\S[^\n]{0,100}?\SÕ")
_MACROMAN_QUOTES = str.maketrans({"Ò": "\u201c", "Ó": "\u201d", "Ô": "\u2018", "Õ": "\u2019"})
_MACROMAN_SPACED = {" É ": " \u2026 ", " Ð ": " \u2013 ", " Ñ ": " \u2014 "}


def _repair_macroman(text: str) -> tuple[str, bool]:
    """Undo Mac-Roman-read-as-Latin-1 punctuation (``Ò Ó Ô Õ`` for curly quotes).

    Only applied to a text that shows the pattern (a letter-``Õ``-letter apostrophe or a
    ``Ò…Ó`` pair), so legitimate accented capitals elsewhere are left alone; ``É Ð Ñ``
    (ellipsis, en and em dash in Mac Roman) are mapped only between spaces.
    """
    if not _MACROMAN_SIGNS.search(text):
        return text, False
    fixed = text.translate(_MACROMAN_QUOTES)
    for bad, good in _MACROMAN_SPACED.items():
        fixed = fixed.replace(bad, good)
    return fixed, fixed != text


def _llmfake_names(rel: Path) -> tuple[str, str, str]:
    """(generator, subset, method) from a path relative to DIR/llmfake."""
    generator = rel.parts[0] if len(rel.parts) > 1 else ""
    stem = rel.stem
    if stem.endswith("_processed"):
        stem = stem[: -len("_processed")]
    subset = next((p.lower() for p in rel.parts[1:-1] if p.lower() in _LLMFAKE_SUBSETS), "")
    method = stem
    m = re.search(r"(?:^|_)(" + "|".join(_LLMFAKE_SUBSETS) + r")_(.+)$", stem, flags=re.IGNORECASE)
    if m:
        subset = subset or m.group(1).lower()
        method = m.group(2)
    else:
        m = re.search(r"turbo_(.+)$", stem)
        if m:
            method = m.group(1)
    if not subset and len(rel.parts) > 2:
        subset = rel.parts[-2]
    return generator, subset, method


def load_llmfake(
    root: str | os.PathLike | None = None,
    *,
    generator: str | None = None,
    methods: Iterable[str] | None = None,
) -> Iterator[LlmfakePair]:
    """Every CSV under ``DIR/llmfake/**/`` that has the columns ``news_text`` and
    ``synthetic_misinformation`` (the text-only synthetic sets are skipped).

    ``generator`` is the folder right under ``llmfake`` (e.g. ``chatgpt_3.5_generation``;
    authoritative — the file names say gpt-3.5 everywhere), ``subset`` comes from the path
    (coaid / gossipcop / politifact) and ``method`` from the file name (e.g.
    ``paraphrase_generation``, ``information_manipulation_Total_Fabrication``). Pass
    ``generator`` / ``methods`` to read only those files. Rows come back raw: run
    :func:`clean_llmfake_pair` before calling one a derivative. One file is held in memory
    at a time (to count shared source texts).
    """
    folder = _set_dir(root, "llmfake", "<generator>/<subset>/*.csv")
    files = _need_files(sorted(folder.rglob("*.csv")), folder, "llmfake", "*.csv")
    wanted = set(methods) if methods is not None else None

    def rows() -> Iterator[LlmfakePair]:
        for path in files:
            rel = path.relative_to(folder)
            gen, subset, method = _llmfake_names(rel)
            if generator is not None and gen != generator:
                continue
            if wanted is not None and method not in wanted:
                continue
            text = _read_text(path, ("utf-8-sig", "cp1252", "latin-1"))
            reader = csv.DictReader(io.StringIO(text, newline=""))
            # column names as written by hand vary ("synthetic misinformation", "News_Text")
            reader.fieldnames = [re.sub(r"[\s_]+", "_", f.strip().lower()) for f in reader.fieldnames or []]
            fields = reader.fieldnames
            if "news_text" not in fields or "synthetic_misinformation" not in fields:
                continue  # a text-only synthetic set: no source article
            raw = list(reader)
            shared: dict[str, set] = defaultdict(set)
            for i, r in enumerate(raw):
                shared[_norm(r.get("news_text") or "")].add(str(r.get("news_id") or f"row{i + 1}"))
            for i, r in enumerate(raw, start=1):
                news_id = str(r.get("news_id") or f"row{i}").strip()
                source, fixed_s = _repair_macroman(r.get("news_text") or "")
                derived, fixed_d = _repair_macroman(r.get("synthetic_misinformation") or "")
                try:
                    label: int | None = int(float(r.get("label") or ""))
                except ValueError:
                    label = None
                yield LlmfakePair(
                    id=f"{gen}/{subset}/{method}/{news_id}",
                    generator=gen,
                    subset=subset,
                    method=method,
                    news_id=news_id,
                    source_text=source.strip(),
                    derived_text=derived.strip(),
                    label=label,
                    source_shared=len(shared[_norm(r.get("news_text") or "")]),
                    repaired=fixed_s or fixed_d,
                    file=rel.as_posix(),
                    row=i,
                )

    return rows()
