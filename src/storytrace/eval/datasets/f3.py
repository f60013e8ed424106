"""F3: human articles and their GPT-3.5 derivatives, faithful or with details altered."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from storytrace.eval.datasets.common import _need_files, _record_to_dict, _set_dir


@dataclass
class F3Pair:
    """A human article and a GPT-3.5 derivative of it.

    ``altered`` is True for ``ai_generated_label == "fake"`` (GPT was asked to change key
    details), False for ``"real"`` (asked to paraphrase keeping every key detail).
    ``strength`` is ``Prompt_type`` (minor / major / critical): the perturbation strength for
    altered rows, the name of the paraphrase prompt for the others.
    """

    id: str
    altered: bool
    strength: str
    source_text: str
    derived_text: str
    dataset_source: str
    file: str

    to_dict = _record_to_dict


def load_f3(root: str | os.PathLike | None = None) -> list[F3Pair]:
    """Every ``*.jsonl`` in ``DIR/f3/`` (fields ``human_content``, ``ai_content``,
    ``ai_generated_label``, ``Prompt_type``, ``uuid``, ``dataset_source``)."""
    folder = _set_dir(root, "f3", "pairs.jsonl")
    files = _need_files(sorted(folder.glob("*.jsonl")), folder, "f3", "*.jsonl")
    out: list[F3Pair] = []
    for path in files:
        with path.open(encoding="utf-8-sig") as fh:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                row = json.loads(line)
                label = str(row.get("ai_generated_label", "")).strip().lower()
                if label not in ("real", "fake"):
                    raise ValueError(f"{path}:{line_no}: ai_generated_label must be real/fake, found {label!r}")
                out.append(
                    F3Pair(
                        id=str(row.get("uuid") or f"{path.stem}:{line_no}"),
                        altered=label == "fake",
                        strength=str(row.get("Prompt_type") or "").strip().lower(),
                        source_text=str(row.get("human_content") or ""),
                        derived_text=str(row.get("ai_content") or ""),
                        dataset_source=str(row.get("dataset_source") or ""),
                        file=path.name,
                    )
                )
    return out


# ============================================================================ FRANK
