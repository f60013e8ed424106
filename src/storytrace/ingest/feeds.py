"""RSS 0.9x/1.0/2.0 and Atom feeds with feedparser: each item one Article."""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ..model import Article
from .decode import clean_line, normalise_text, stable_id
from .errors import Rejected
from .html import domain_of, html_to_text
from .source import Source

__all__ = ["looks_like_feed", "iter_feed", "FEED_CONTENT_TYPES"]

FEED_CONTENT_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",  # older servers (Python's http.server among them) still send the x- forms
    "application/x-atom+xml",
    "application/feed+json",  # not parsed (JSON Feed), listed so that it is recognised and refused clearly
    "application/xml",
    "text/xml",
)

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|RDF)[\s>]", re.I)


def looks_like_feed(text: str) -> bool:
    """Whether a decoded document starts like an RSS or Atom feed (the root element, in 2 KB)."""
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    if not head.startswith("<"):
        return False
    head = re.sub(r"<!--.*?-->", "", head, flags=re.S)
    return bool(_FEED_ROOT.search(head))


def _struct_to_dt(t: Any) -> datetime | None:
    if not t:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(tuple(t)[:9]), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _plain(value: str | None, content_type: str | None) -> str:
    if not value:
        return ""
    if content_type and content_type.lower() in ("text/plain", "text"):
        return normalise_text(value)
    return html_to_text(value)


def _item_text(entry: Any) -> tuple[str, str]:
    """(plain text, where it came from): the fullest ``content`` (content:encoded, atom:content),
    else the summary/description."""
    best = ""
    for c in entry.get("content") or []:
        try:
            text = _plain(c.get("value"), c.get("type"))
        except Exception:  # lxml on hostile markup; the summary may still do
            text = ""
        if len(text) > len(best):
            best = text
    if best:
        return best, "content"
    detail = entry.get("summary_detail") or {}
    try:
        summary = _plain(entry.get("summary"), detail.get("type"))
    except Exception:
        summary = ""
    return summary, "summary"


def iter_feed(src: Source, data: bytes) -> Iterator[Article | Rejected]:
    """Parse feed bytes (feedparser does the encoding: BOM, XML declaration, fallbacks)."""
    import feedparser  # about 0.2 s to import: only when a feed is met

    try:
        # a stream, never bytes or str: feedparser.parse treats a string as a URL or a file name
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is lenient; this is a last resort
        yield src.reject("format", f"feedparser failed on it ({type(exc).__name__}: {exc})")
        return
    entries = parsed.get("entries") or []
    version = parsed.get("version") or ""
    if not entries:
        if not version:
            why = parsed.get("bozo_exception")
            detail = f" ({str(why)[:120]})" if why else ""
            yield src.reject("format", f"it is not an RSS or Atom feed{detail}")
        else:
            yield src.reject("empty", f"the feed ({version}) has no items")
        return
    feed = parsed.get("feed") or {}
    feed_title = clean_line(feed.get("title"))
    outlet = feed_title or domain_of(feed.get("link"))
    for i, entry in enumerate(entries, start=1):
        where = f"item {i}"
        try:
            title = clean_line(entry.get("title"))
            link = clean_line(entry.get("link"))
            text, text_from = _item_text(entry)
            if text and title:
                first, _, rest = text.partition("\n")
                if clean_line(first) == title and rest.strip():
                    text = normalise_text(rest)
            ident = clean_line(entry.get("id")) or link
            label = f" ({ident or title})" if (ident or title) else ""
            if not text:
                yield src.reject("no_text", f"the feed item{label} has no content and no summary", record=i, where=where)
                continue
            # dict.get: FeedParserDict.get maps missing keys (updated <-> published) with a warning
            pub_parsed = dict.get(entry, "published_parsed")
            published = _struct_to_dt(pub_parsed) or _struct_to_dt(dict.get(entry, "updated_parsed"))
            meta: dict[str, Any] = {"item": i, "text_from": text_from, "feed_version": version}
            raw_date = dict.get(entry, "published") or dict.get(entry, "updated")
            if published is None and raw_date:
                meta["date_unparsed"] = str(raw_date)[:200]
            if published is not None and not _struct_to_dt(pub_parsed):
                meta["date_from"] = "updated"
            author = clean_line(entry.get("author"))
            if author:
                meta["author"] = author
            if feed.get("link"):
                meta["feed_link"] = clean_line(feed.get("link"))
            if not ident:
                ident = stable_id(outlet, title, published.isoformat() if published else "", text)
                meta["id_from"] = "content_hash"
            yield src.article(
                id=ident, text=text, fmt="feed", published=published, outlet=outlet, url=link, title=title, meta=meta
            )
        except Exception as exc:  # one odd item must not lose the others
            yield src.reject("format", f"the feed item could not be read ({type(exc).__name__}: {exc})", record=i, where=where)
