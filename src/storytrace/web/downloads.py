"""The JSON and CSV downloads every desk page offers (``?format=json`` / ``?format=csv``).

Report text ends up in the CSV cells, and a spreadsheet runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a formula: such cells are
written with a leading apostrophe, which spreadsheets show as text and do not evaluate.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from fastapi.responses import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # a number, even a negative one, is not a formula
    if isinstance(value, (list, tuple)):
        value = "; ".join(csv_cell(v) for v in value)
    elif not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_text(rows: Iterable[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def filename(stem: str, ext: str) -> str:
    return (_FILENAME.sub("_", stem).strip("_.") or "storytrace")[:100] + "." + ext


def csv_response(rows: Iterable[dict], columns: list[str], stem: str) -> Response:
    return Response(
        csv_text(rows, columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename(stem, "csv")}"'},
    )


def json_response(value: Any, stem: str) -> Response:
    body = value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename(stem, "json")}"'},
    )
