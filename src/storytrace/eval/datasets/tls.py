"""background_summaries_tls: day-by-day updates of major events, written by three annotators."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from storytrace.eval.datasets.common import _record_to_dict, _set_dir


@dataclass
class TimelineUpdate:
    """One dated update of a major-event timeline (Background Summarization, EMNLP 2023)."""

    id: str  # "<event>/<annotator>/<YYYY-MM-DD>"
    event: str  # the story label
    date: str  # ISO date
    text: str  # the "Update" column
    background: str  # the "Background" column ("" on the first date)
    annotator: str
    split: str | None  # train / dev / test from splits/*.txt, when present

    to_dict = _record_to_dict


def _tls_text(value: str | None) -> str:
    # the TSVs store line breaks inside a field as the two characters backslash + n
    return (value or "").replace("\\n", "\n").strip()


def load_background_tls(
    root: str | os.PathLike | None = None, annotators: Iterable[str] = ("annotator1",)
) -> list[TimelineUpdate]:
    """``DIR/background_summaries_tls/events/<event>/<annotator>.tsv`` (columns ``Date``
    ``[YYYY-MM-DD]``, ``Update``, ``Background``) -> dated updates, usable as dated
    same-domain story chains (label = event). Literal ``\\n`` in the fields become line
    breaks. Events without the annotator's file are skipped."""
    base = _set_dir(root, "background_summaries_tls", "events/<event>/annotator1.tsv")
    events_dir = base / "events"
    if not events_dir.is_dir():
        raise FileNotFoundError(f"background_summaries_tls: expected the folder {events_dir}")
    split_of: dict[str, str] = {}
    for split_file in sorted((base / "splits").glob("*.txt")) if (base / "splits").is_dir() else []:
        for line in split_file.read_text(encoding="utf-8").split():
            split_of[line.strip()] = split_file.stem
    annotators = list(annotators)
    out: list[TimelineUpdate] = []
    found = False
    for event_dir in sorted(p for p in events_dir.iterdir() if p.is_dir()):
        for ann in annotators:
            path = event_dir / f"{ann}.tsv"
            if not path.is_file():
                continue
            found = True
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for line_no, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
                    raw_date = (row.get("Date") or "").strip().strip("[]").strip()
                    try:
                        day = date.fromisoformat(raw_date)
                    except ValueError as exc:
                        raise ValueError(f"{path}:{line_no}: not a [YYYY-MM-DD] date: {row.get('Date')!r}") from exc
                    out.append(
                        TimelineUpdate(
                            id=f"{event_dir.name}/{ann}/{day.isoformat()}",
                            event=event_dir.name,
                            date=day.isoformat(),
                            text=_tls_text(row.get("Update")),
                            background=_tls_text(row.get("Background")),
                            annotator=ann,
                            split=split_of.get(event_dir.name),
                        )
                    )
    if not found:
        raise FileNotFoundError(f"background_summaries_tls: no {'/'.join(annotators)}.tsv files under {events_dir}")
    return out
