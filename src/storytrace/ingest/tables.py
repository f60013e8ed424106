"""Tables: CSV/TSV with the csv module, Parquet with pyarrow.

Default columns are our field names (``id``, ``published``, ``title``, ``text``, ``url``,
``outlet``); ``mapping`` maps our name to theirs (``{"text": "body", "published": "date"}``).
Column names match exactly, else ignoring case and surrounding spaces. Only ``text`` is
required; a row without an id gets a stable hash of its text.

CSV row numbers count the header as row 1 (as a spreadsheet shows them); Parquet rows count
from 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..model import Article
from .errors import Rejected
from .source import FIELDS, Source, record_to_article

__all__ = ["iter_csv", "iter_parquet", "resolve_columns", "PARQUET_MAGIC"]

PARQUET_MAGIC = b"PAR1"
_FIELD_LIMIT = 2**31 - 1


def _raise_field_limit() -> None:
    # Articles can be longer than csv's default 128 KiB field limit. This is process-wide state;
    # it is only ever raised, never lowered.
    try:
        if csv.field_size_limit() < _FIELD_LIMIT:
            csv.field_size_limit(_FIELD_LIMIT)
    except OverflowError:  # pragma: no cover - 32-bit C long
        csv.field_size_limit(2**31 - 1)


def resolve_columns(columns: Sequence[str], mapping: Mapping[str, str] | None) -> tuple[dict[str, int], str | None]:
    """Our field -> column index, or an error sentence when a required or mapped column is missing."""
    names = [str(c) for c in columns]
    folded: dict[str, int] = {}  # case-folded column name -> its first index
    for i, c in enumerate(names):
        folded.setdefault(c.strip().lower(), i)
    found: dict[str, int] = {}
    mapping = dict(mapping or {})
    for f in FIELDS:
        want = mapping.get(f, f)
        if want in names:
            found[f] = names.index(want)
        elif want.strip().lower() in folded:
            found[f] = folded[want.strip().lower()]
        elif f in mapping:
            return found, f"the mapping names column {want!r} for {f!r}, but the columns are {_cols(names)}"
    if "text" not in found:
        return found, f"it has no 'text' column (columns: {_cols(names)}); pass a mapping such as {{'text': 'body'}}"
    return found, None


def _cols(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:12])
    return shown + (", ..." if len(names) > 12 else "") if names else "none"


def _delimiter(header_line: str, tsv: bool) -> str:
    if tsv:
        return "\t"
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def iter_csv(src: Source, text: str, *, tsv: bool = False) -> Iterator[Article | Rejected]:
    _raise_field_limit()
    text = text.lstrip("\ufeff").replace("\x00", "")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        yield src.reject("empty", "the table has no header and no rows")
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first, tsv))
    header: list[str] | None = None
    cols: dict[str, int] = {}
    row_no = 0
    rows = 0
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            yield src.reject("format", f"the CSV cannot be parsed here ({exc})", record=row_no, where=f"row {row_no}")
            if reader.line_num == before:
                break  # the reader cannot move on
            continue
        row_no += 1
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = row
            cols, problem = resolve_columns(header, src.mapping)
            if problem:
                yield src.reject("format", problem, record=row_no, where=f"row {row_no} (the header)")
                return
            continue
        rows += 1
        where = f"row {row_no}"
        if len(row) != len(header):
            yield src.reject(
                "format", f"the row has {len(row)} fields where the header has {len(header)}", record=row_no, where=where
            )
            continue
        fields = {f: (row[i] if row[i].strip() != "" else None) for f, i in cols.items()}
        if fields.get("text") is None and "text" in cols:
            fields["text"] = ""
        yield record_to_article(
            src, fields, fmt="tsv" if tsv else "csv", where=where, record=row_no, id_required=False, meta={"row": row_no}
        )
    if header is not None and rows == 0:
        yield src.reject("empty", "the table has a header but no rows")


def iter_parquet(src: Source, data: bytes) -> Iterator[Article | Rejected]:
    # about 0.4 s to import: only when a Parquet file is met
    import pyarrow as pa
    import pyarrow.parquet as pq

    if len(data) < 12 or not data.startswith(PARQUET_MAGIC) or not data.endswith(PARQUET_MAGIC):
        yield src.reject("format", "it is not a Parquet file (no PAR1 magic at both ends)")
        return
    try:
        pf = pq.ParquetFile(io.BytesIO(data))
        names = list(pf.schema_arrow.names)
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, KeyError) as exc:
        yield src.reject("format", f"it cannot be read as Parquet ({type(exc).__name__}: {str(exc)[:160]})")
        return
    cols, problem = resolve_columns(names, src.mapping)
    if problem:
        yield src.reject("format", problem)
        return
    wanted = {f: names[i] for f, i in cols.items()}
    row_no = 0
    failed = False
    try:
        for batch in pf.iter_batches(batch_size=1024, columns=sorted(set(wanted.values()))):
            for rec in batch.to_pylist():
                row_no += 1
                fields: dict[str, Any] = {f: rec.get(col) for f, col in wanted.items()}
                if fields.get("text") is None:
                    fields["text"] = ""
                if isinstance(fields.get("id"), str) and not fields["id"].strip():
                    fields["id"] = None
                yield record_to_article(
                    src, fields, fmt="parquet", where=f"row {row_no}", record=row_no, id_required=False, meta={"row": row_no}
                )
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, KeyError) as exc:
        failed = True
        yield src.reject(
            "format",
            f"it could not be read past row {row_no} ({type(exc).__name__}: {str(exc)[:160]})",
            record=row_no + 1,
            where=f"row {row_no + 1}",
        )
    if row_no == 0 and not failed:
        yield src.reject("empty", "the Parquet file has no rows")
