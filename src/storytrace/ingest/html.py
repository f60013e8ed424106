"""HTML pages: main text and metadata with trafilatura; HTML fragments (feed content) to plain text.

Extraction settings, and why:

* ``include_comments=False``: reader comments are not the report.
* ``favor_precision=True`` and a ``prune_xpath`` that removes navigation, footers, page
  banners and cookie/consent/GDPR boxes before extraction: on a page with no article,
  trafilatura's fallbacks otherwise return whatever text is left (typically the cookie banner),
  and such a page must be rejected ("no_text"), never become a one-line Article.
* the date comes from the page markup only (``extensive_search=False``): meta tags, JSON-LD,
  ``<time>``; free-text and copyright-year guesses are not publication dates. The page URL is
  not given to the date search either, because htmldate lets a date in the URL win over the
  page's own ``article:published_time``.
* paragraphs are kept: trafilatura puts one block per line; they are joined by blank lines.
  A first line equal to the title (the headline repeated in the body) is dropped.
"""

from __future__ import annotations

import html as html_std
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..model import parse_published
from .decode import clean_line, normalise_text

__all__ = ["ExtractionError", "PageInfo", "extract_page", "html_to_text", "looks_like_html", "domain_of"]

_LOWER = "translate(@{a},'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"


def _contains(word: str) -> str:
    return " or ".join(f"contains({_LOWER.format(a=a)},'{word}')" for a in ("class", "id"))


PRUNE_XPATH = [
    "//nav",
    "//footer",
    "//*[@role='navigation' or @role='contentinfo' or @role='banner' or @role='search']",
    "//*[" + " or ".join(_contains(w) for w in ("cookie", "consent", "gdpr")) + "]",
]

_DATE_PARAMS = {"original_date": True, "extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


class ExtractionError(Exception):
    """The HTML extractor itself failed on a page (reported as a "format" rejection)."""


@dataclass
class PageInfo:
    text: str
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    outlet: str | None = None  # the site name, else the domain of the canonical URL
    url: str | None = None  # the canonical URL the page declares (og:url / rel=canonical)
    description: str | None = None
    extra: dict = field(default_factory=dict)


def domain_of(url: str | None) -> str | None:
    """``https://www.example.org/a`` -> ``example.org`` (None for anything without a host)."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    v = value.strip()
    m = re.fullmatch(r"(.*[T ]\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(\d\d)", v)
    if m:  # htmldate's %z gives +0200; fromisoformat on 3.11 wants +02:00
        v = f"{m.group(1)}{m.group(2)}:{m.group(3)}"
    try:
        return parse_published(v)
    except ValueError:
        return None


_HTML_SNIFF = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


def looks_like_html(text: str) -> bool:
    """Whether a document (already decoded) starts like an HTML page."""
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    if not head.startswith("<"):
        return False
    return bool(_HTML_SNIFF.search(head))


def extract_page(html: str, *, url: str | None = None) -> PageInfo | None:
    """Main text and metadata of an HTML page, or None when no article text can be extracted.

    ``url`` is where the page came from (a WARC target URI, a fetched URL); it is only used as
    the last fallback for the URL and the outlet.
    """
    import trafilatura  # heavy import, only when HTML is met

    if not html or not html.strip():
        return None
    # lxml refuses str input that carries an XML encoding declaration; the text is decoded already.
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    try:
        doc = trafilatura.bare_extraction(
            html,
            include_comments=False,
            favor_precision=True,
            with_metadata=True,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            prune_xpath=PRUNE_XPATH,
            date_extraction_params=dict(_DATE_PARAMS),
        )
    except Exception as exc:  # a third-party parser on untrusted markup: report, never crash ingest
        raise ExtractionError(f"trafilatura failed on this page ({type(exc).__name__}: {exc})") from exc
    if doc is None:
        return None
    assert not isinstance(doc, dict)  # as_dict is left False: trafilatura returns its Document
    raw = doc.text or ""
    title = clean_line(doc.title)
    lines = [ln.strip() for ln in normalise_text(raw).split("\n")]
    lines = [ln for ln in lines if ln]
    if lines and title and clean_line(lines[0]) == title:
        lines = lines[1:]
    text = normalise_text("\n\n".join(lines))
    if not text:
        return None
    canonical = clean_line(doc.url)
    outlet = clean_line(doc.sitename) or domain_of(canonical) or domain_of(url)
    return PageInfo(
        text=text,
        title=title,
        published=_parse_date(doc.date),
        author=clean_line(doc.author),
        outlet=outlet,
        url=canonical,
        description=clean_line(doc.description),
    )


_BLOCK_TAGS = frozenset(
    "p div section article header footer aside main blockquote pre figure figcaption "
    "h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr hr address details summary".split()
)
_SKIP_TAGS = frozenset("script style noscript template iframe object embed svg math head title button select".split())


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed item content): block elements become paragraphs,
    ``<br>`` a line break, scripts and styles are dropped, whitespace inside a block collapses."""
    # about 0.1 s to import: only when a feed item carries HTML
    import lxml.etree
    import lxml.html

    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment and "&" not in fragment:
        return normalise_text(fragment)
    fragment = re.sub(r"^\s*<\?xml[^>]*\?>", "", fragment, count=1)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError, TypeError):
        return normalise_text(html_std.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    parts: list[str] = []

    def inline(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    # iterative depth-first walk (no recursion limit on deeply nested markup)
    # Any: lxml ships no type information, and the walk meets elements, comments and processing instructions
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if closing:
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if el.tail and el is not root:
                parts.append(inline(el.tail))
            continue
        if tag is None or tag in _SKIP_TAGS:  # comments, processing instructions, scripts ...
            if el.tail and el is not root:
                parts.append(inline(el.tail))
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n\n")
        elif tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(el.text if tag == "pre" else inline(el.text))
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(list(el)))
    text = re.sub(r" {2,}", " ", "".join(parts))
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return normalise_text(text)


def article_from_html(
    src,
    html: str,
    *,
    article_id: str,
    fmt: str = "html",
    url: str | None = None,
    capture_date: datetime | None = None,
    record: int | str | None = None,
    where: str | None = None,
    meta: dict | None = None,
):
    """An Article from an HTML page, or a Rejected ("no_text" when nothing is extracted).

    ``url`` (a WARC target URI, a fetched URL) becomes the Article's url; without it the page's
    canonical URL is used. ``capture_date`` is the fallback date when the page has none
    (``meta["date_from"]`` says "page" or "capture").
    """
    try:
        page = extract_page(html, url=url)
    except ExtractionError as exc:
        return src.reject("format", str(exc), record=record, where=where)
    if page is None:
        what = url or "the page"
        return src.reject(
            "no_text",
            f"no article text could be extracted from {what} (only navigation or boilerplate, or nothing)",
            record=record,
            where=where,
        )
    m = dict(meta or {})
    m.update({"author": page.author, "description": page.description})
    if url and page.url and page.url != url:
        m["canonical_url"] = page.url
    published = page.published
    if published is not None:
        m["date_from"] = "page"
    elif capture_date is not None:
        published = capture_date
        m["date_from"] = "capture"
    return src.article(
        id=article_id,
        text=page.text,
        fmt=fmt,
        published=published,
        outlet=page.outlet,
        url=url or page.url,
        title=page.title,
        meta=m,
    )
