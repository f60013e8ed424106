"""MRPC (Microsoft Research Paraphrase Corpus): sentence pairs labelled paraphrase or not."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from storytrace.eval.datasets.common import _need_files, _record_to_dict, _set_dir


@dataclass
class MrpcPair:
    """One MRPC sentence pair. ``label`` 1 = paraphrase (``Quality`` column)."""

    id: str  # "<part>:<#1 ID>-<#2 ID>"
    label: int
    s1: str
    s2: str
    id1: str
    id2: str
    part: str  # the file-name part: "train", "test", ...

    to_dict = _record_to_dict


_MRPC_HEADER = ("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String")


def load_mrpc(root: str | os.PathLike | None = None) -> list[MrpcPair]:
    """Every ``msr_paraphrase_*.tsv`` in ``DIR/mrpc/``.

    Tab-separated, read with ``csv.QUOTE_NONE`` (sentences contain bare quotes). A UTF-8 BOM
    and a missing header line are tolerated (the raw mirror has both quirks). A row that
    does not have the five fields raises ``ValueError`` naming the file and line.
    """
    folder = _set_dir(root, "mrpc", "msr_paraphrase_*.tsv")
    files = _need_files(sorted(folder.glob("msr_paraphrase_*.tsv")), folder, "mrpc", "msr_paraphrase_*.tsv")
    out: list[MrpcPair] = []
    for path in files:
        part = path.stem[len("msr_paraphrase_") :]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            for line_no, row in enumerate(reader, start=1):
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if line_no == 1 and row[0].strip().lstrip("\ufeff") == _MRPC_HEADER[0]:
                    continue
                if len(row) != 5:
                    raise ValueError(f"{path}:{line_no}: expected 5 tab-separated fields, found {len(row)}")
                quality, id1, id2, s1, s2 = (f.strip() for f in row)
                if quality not in ("0", "1"):
                    raise ValueError(f"{path}:{line_no}: Quality must be 0 or 1, found {quality!r}")
                out.append(MrpcPair(f"{part}:{id1}-{id2}", int(quality), s1, s2, id1, id2, part))
    return out


# ============================================================================ F3
