"""Text files: the seed format (`` date YYYY-MM-DD `` header), plain text, JSON Lines and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..model import Article, parse_published
from .decode import normalise_text
from .errors import Rejected
from .source import Source, record_to_article

__all__ = ["SEED_HEADER", "has_seed_header", "read_text_file", "iter_jsonl", "iter_json"]

#: The seed header: a leading space (tolerated missing), the word ``date``, an ISO date, then
#: the first line of the text (or the end of the line).
SEED_HEADER = re.compile(r"\A[ \t]?date[ \t]+(\d{4}-\d{2}-\d{2})(?=[ \t\n]|\Z)[ \t]*")


def has_seed_header(text: str) -> bool:
    return bool(SEED_HEADER.match(text.lstrip("\ufeff")))


def read_text_file(src: Source, text: str) -> Iterator[Article | Rejected]:
    """A seed-format report (dated) or a plain text file (date unknown)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    m = SEED_HEADER.match(text)
    if m:
        day = m.group(1)
        try:
            published = parse_published(day)
        except ValueError:
            yield src.reject("date", f"the date header says {day}, which is not a valid date", record=1, where="line 1")
            return
        body = normalise_text(text[m.end() :])
        if not body:
            yield src.reject("empty", f"the file has a date header ({day}) but no text")
            return
        yield src.article(id=src.stem, text=body, fmt="seed", published=published)
        return
    body = normalise_text(text)
    if not body:
        yield src.reject("empty", "the file has no text (only whitespace or control characters)")
        return
    yield src.article(id=src.stem, text=body, fmt="text", published=None)


_KNOWN = ("id", "text", "published", "outlet", "url", "title")


def _object_to_article(src: Source, obj: Any, *, fmt: str, where: str | None, record: int | None) -> Article | Rejected:
    if not isinstance(obj, dict):
        return src.reject("json", f"the value is a JSON {_json_type(obj) or 'null'}, not an object", record=record, where=where)
    fields = {k: obj.get(k) for k in _KNOWN}
    extra = {k: v for k, v in obj.items() if k not in _KNOWN}
    meta: dict[str, Any] = {}
    if isinstance(extra.get("author"), str):
        meta["author"] = extra.pop("author")
    if extra:
        meta["extra"] = extra
    if record is not None:
        meta["line" if fmt == "jsonl" else "item"] = record
    return record_to_article(src, fields, fmt=fmt, where=where, record=record, id_required=True, meta=meta)


def _json_type(v: Any) -> str | None:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(v))


def _loads(line: str) -> Any:
    return json.loads(line, strict=False)


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg}: column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "not usable JSON (nested too deeply)"
    return f"not valid JSON ({exc})"


def iter_jsonl(src: Source, text: str) -> Iterator[Article | Rejected]:
    """One JSON object per line; blank lines are skipped; every bad line is rejected by number."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    seen = False
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        seen = True
        where = f"line {n}"
        try:
            obj = _loads(line)
        except (ValueError, RecursionError) as exc:
            yield src.reject("json", _json_problem(exc), record=n, where=where)
            continue
        yield _object_to_article(src, obj, fmt="jsonl", where=where, record=n)
    if not seen:
        yield src.reject("empty", "the file has no JSON lines")


def iter_json(src: Source, text: str) -> Iterator[Article | Rejected]:
    """A .json file: one object, or an array of objects; JSON Lines saved as .json also work."""
    text = text.lstrip("\ufeff")
    try:
        doc = _loads(text)
    except (ValueError, RecursionError) as exc:
        lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{"):
            try:
                _loads(lines[0])
            except (ValueError, RecursionError):
                pass
            else:
                yield from iter_jsonl(src, text)
                return
        if isinstance(exc, json.JSONDecodeError):
            yield src.reject("json", f"not valid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno})")
        else:
            yield src.reject("json", _json_problem(exc))
        return
    if isinstance(doc, dict):
        yield _object_to_article(src, doc, fmt="json", where=None, record=None)
    elif isinstance(doc, list):
        if not doc:
            yield src.reject("empty", "the JSON array is empty")
        for i, obj in enumerate(doc, start=1):
            yield _object_to_article(src, obj, fmt="json", where=f"item {i}", record=i)
    else:
        yield src.reject("json", f"the document is a JSON {_json_type(doc) or 'null'}, not an object or an array of objects")
