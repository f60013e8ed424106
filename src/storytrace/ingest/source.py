"""What every reader shares: the input being read, how to reject, how to build an Article."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..model import Article, parse_published
from .decode import clean_line, normalise_text, stable_id
from .errors import Rejected

#: Our field names, in the order the default columns list them.
FIELDS = ("id", "published", "title", "text", "url", "outlet")


@dataclass
class Source:
    """One input being read: its name as given (path or URL), the id stem, limits and options."""

    input: str
    stem: str
    max_bytes: int = 50_000_000
    mapping: Mapping[str, str] | None = None
    extra: dict = field(default_factory=dict)

    def reject(self, kind: str, problem: str, *, record: int | str | None = None, where: str | None = None) -> Rejected:
        """A Rejected whose reason is one sentence naming the input (and where in it)."""
        problem = problem.strip()
        if problem and problem[-1] not in ".!?":
            problem += "."
        loc = f" {where}" if where else ""
        return Rejected(input=self.input, record=record, reason=f"{self.input}{loc}: {problem}", kind=kind)

    def article(
        self,
        *,
        id: str,
        text: str,
        fmt: str,
        published: datetime | None = None,
        outlet: str | None = None,
        url: str | None = None,
        title: str | None = None,
        meta: dict | None = None,
        origin_path: str | None = None,
    ) -> Article:
        """An Article with normalised text and one-line fields; meta records the format and
        whether the date is unknown."""
        m: dict[str, Any] = {"format": fmt}
        if self.extra.get("encoding_guessed"):
            m["encoding_guessed"] = self.extra["encoding_guessed"]
        if meta:
            m.update({k: v for k, v in meta.items() if v is not None})
        if published is None:
            m["date_unknown"] = True
        return Article(
            id=id,
            text=normalise_text(text),
            published=published,
            outlet=clean_line(outlet),
            url=clean_line(url),
            title=clean_line(title),
            origin_path=origin_path if origin_path is not None else self.input,
            meta=m,
        )


def _describe(value: Any) -> str:
    r = repr(value)
    return r if len(r) <= 60 else r[:57] + "..."


def record_to_article(
    src: Source,
    fields: Mapping[str, Any],
    *,
    fmt: str,
    where: str | None,
    record: int | str | None,
    id_required: bool,
    meta: dict | None = None,
) -> Article | Rejected:
    """Turn one structured record (a JSON object, a CSV row, a Parquet row) with our field names
    into an Article, or say precisely what is wrong with it."""
    text = fields.get("text")
    if text is None:
        return src.reject("format", "the record has no 'text' field", record=record, where=where)
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            return src.reject("encoding", "the 'text' value is bytes that are not valid UTF-8", record=record, where=where)
    if not isinstance(text, str):
        return src.reject("format", f"the 'text' value is a {type(text).__name__}, not a string", record=record, where=where)

    raw_id = fields.get("id")
    if isinstance(raw_id, bool) or isinstance(raw_id, (list, dict)):
        return src.reject("format", f"the 'id' value {_describe(raw_id)} is not a string or a number", record=record, where=where)
    art_id = clean_line(raw_id) if raw_id is not None else None
    if art_id is None and id_required:
        return src.reject("format", "the record has no 'id' field (or it is empty)", record=record, where=where)

    raw_date = fields.get("published")
    if isinstance(raw_date, str):
        raw_date = raw_date.strip()
    try:
        if raw_date is not None and not isinstance(raw_date, (str, date, datetime)):
            raise ValueError(raw_date)
        published = parse_published(raw_date)
    except (ValueError, OverflowError):
        return src.reject(
            "date", f"the 'published' value {_describe(raw_date)} is not an ISO date or datetime", record=record, where=where
        )

    body = normalise_text(text)
    if not body:
        return src.reject("empty", "the record's text is empty", record=record, where=where)
    if art_id is None:
        art_id = stable_id(body)
        meta = {**(meta or {}), "id_from": "text_hash"}

    def opt(name: str) -> str | None:
        v = fields.get(name)
        if v is None or isinstance(v, (list, dict, bytes, bytearray)):
            return None
        return clean_line(v)

    return src.article(
        id=art_id,
        text=body,
        fmt=fmt,
        published=published,
        outlet=opt("outlet"),
        url=opt("url"),
        title=opt("title"),
        meta=meta,
    )
