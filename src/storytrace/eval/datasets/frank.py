"""FRANK: model summaries of news articles with human factuality judgements."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

from storytrace.eval.datasets.common import _need_files, _record_to_dict, _set_dir


@dataclass
class FrankPair:
    """A news article and a model summary with FRANK's human factuality judgements.

    ``unsupported`` is True when ``Factuality < 1.0`` (at least one summary sentence was
    judged not factual). ``errors`` holds the error-type scores (``RelE``, ``EntE``,
    ``CircE`` = wrong number/date/place, ``OutE``, ``CorefE``, ``LinkE``, ``GramE``,
    ``Other`` and the three groups): 1.0 = no such error, 0.0 = every sentence has it. The
    ``Flip_*`` ablation helpers are left out.
    """

    id: str  # "<hash>:<model_name>"
    article: str
    summary: str
    unsupported: bool
    factuality: float
    errors: dict
    split: str
    dataset: str
    model_name: str
    hash: str
    url: str | None

    to_dict = _record_to_dict


def load_frank(root: str | os.PathLike | None = None) -> Iterator[FrankPair]:
    """Every ``*.jsonl`` in ``DIR/frank/`` whose records have ``article``, ``summary`` and
    ``labels`` (records without them are skipped). Streams one line at a time."""
    folder = _set_dir(root, "frank", "frank_article_summary_labels.jsonl")
    files = _need_files(sorted(folder.glob("*.jsonl")), folder, "frank", "*.jsonl")

    def rows() -> Iterator[FrankPair]:
        for path in files:
            with path.open(encoding="utf-8-sig") as fh:
                for line in fh:
                    if not line.strip():
                        continue
                    row = json.loads(line)
                    if not all(k in row for k in ("article", "summary", "labels")):
                        continue
                    labels = row["labels"] or {}
                    factuality = float(labels["Factuality"])
                    errors = {
                        k: float(v)
                        for k, v in labels.items()
                        if k != "Factuality" and not k.startswith("Flip_") and v is not None
                    }
                    model = str(row.get("model_name", ""))
                    h = str(row.get("hash", ""))
                    yield FrankPair(
                        id=f"{h}:{model}",
                        article=row["article"],
                        summary=row["summary"],
                        unsupported=factuality < 1.0,
                        factuality=factuality,
                        errors=errors,
                        split=str(row.get("split", "")),
                        dataset=str(row.get("dataset", "")),
                        model_name=model,
                        hash=h,
                        url=row.get("url"),
                    )

    return rows()


# ============================================================================ LLMFake
