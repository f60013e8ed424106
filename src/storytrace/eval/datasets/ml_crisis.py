"""ml_crisis_tls: dated articles of four crisis topics in Spanish, French and Italian."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from storytrace.eval.datasets.common import _newlines, _read_text, _record_to_dict, _set_dir


@dataclass
class CrisisDoc:
    """A dated article of the ML-Crisis collection; ``topic`` is the story label."""

    id: str  # "<lang>/<topic>/<YYYY-MM-DD>/<file>"
    lang: str
    topic: str
    published: str  # ISO date (the folder name)
    text: str
    title: str
    source: str  # file-name prefix: "gv" (Global Voices) or "ext" (other outlets)

    to_dict = _record_to_dict


def load_ml_crisis(root: str | os.PathLike | None = None, langs: Iterable[str] = ("es", "fr", "it")) -> Iterator[CrisisDoc]:
    """``DIR/ml_crisis_tls/<lang>/<topic>/<YYYY-MM-DD>/*.txt`` for each language, in
    lexicographic path order; the ``reference`` timelines and folders that are not dates
    are skipped. Streams one file at a time."""
    base = _set_dir(root, "ml_crisis_tls", "<lang>/<topic>/<YYYY-MM-DD>/*.txt")
    langs = list(langs)
    for lang in langs:
        if not (base / lang).is_dir():
            raise FileNotFoundError(f"ml_crisis_tls: expected the language folder {base / lang}")

    def docs() -> Iterator[CrisisDoc]:
        for lang in langs:
            for topic_dir in sorted(p for p in (base / lang).iterdir() if p.is_dir()):
                if topic_dir.name == "reference":
                    continue
                for day_dir in sorted(p for p in topic_dir.iterdir() if p.is_dir()):
                    try:
                        day = date.fromisoformat(day_dir.name)
                    except ValueError:
                        continue
                    for path in sorted(day_dir.glob("*.txt")):
                        text = _newlines(_read_text(path, ("utf-8-sig", "cp1252")))
                        title = next((line.strip() for line in text.split("\n") if line.strip()), "")
                        yield CrisisDoc(
                            id=path.relative_to(base).as_posix(),
                            lang=lang,
                            topic=topic_dir.name,
                            published=day.isoformat(),
                            text=text,
                            title=title,
                            source=path.stem.split("_", 1)[0] if "_" in path.stem else "",
                        )

    return docs()


# ============================================================================ background TLS
