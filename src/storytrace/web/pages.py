"""Server-rendered HTML pages: Jinja2 templates (``web/templates``) with autoescaping on, so
every value from a report is escaped where it is written. Our pages run one script, served as
a static file (``/static/desk.js``: the live notice), and load nothing from elsewhere.

The story page itself is the HTML report's page (``storytrace.report.html``); ``with_chrome``
adds the desk's bar and live notice to it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from storytrace.report.links import safe_url
from storytrace.web import desk
from storytrace.web.desk import article_href, finding_href, story_href
from storytrace.web.state import Snapshot

__all__ = [
    "article_href",
    "article_page",
    "esc",
    "finding_page",
    "highlighted",
    "message_page",
    "not_found_page",
    "page",
    "queue_page",
    "safe_url",
    "search_page",
    "stories_page",
    "story_fallback",
    "story_href",
    "tracing_notices",
    "with_chrome",
]


def esc(value: Any) -> str:
    """For the few strings built in Python (the API reference): text and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _day(published: Any) -> str:
    """A published value as a date, with the time of day when it has one."""
    text = "" if published is None else str(published)
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?", text)
    if not m:
        return text
    return m.group(1) if not m.group(2) or m.group(2) == "00:00" else f"{m.group(1)} {m.group(2)}"


def _percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "?"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("storytrace.web", "templates"),
        autoescape=True,  # every {{ value }} is escaped; Markup marks the few bodies built elsewhere
        undefined=StrictUndefined,  # a misspelt name fails the page instead of rendering nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(day=_day, percent=_percent, story_href=story_href, article_href=article_href, finding_href=finding_href)
    return env


ENV = _environment()


def render(template: str, **context: Any) -> str:
    base: dict[str, Any] = {
        "title": "storytrace",
        "query": "",
        "notices": [],
        "live": None,
        "downloads": None,
        "bar_downloads": None,
        "active": "",
    }
    return ENV.get_template(template).render({**base, **context})


# ---------------------------------------------------------------------- frame
def page(title: str, body: str, *, query: str = "", notices: list[str] | None = None) -> str:
    """A page around a body that is already HTML (the API reference builds its own)."""
    return render("raw.html", title=title, body=Markup(body), query=query, notices=notices or [], active="docs")


def live_state(snap: Snapshot, every_ms: int) -> dict:
    """What the live script compares /api/status with: this page's trace and what it covered."""
    return {"version": snap.version, "traced": len(snap.articles), "every_ms": every_ms}


def tracing_notices(tracing: bool, snap: Snapshot, stored: int) -> list[str]:
    out = []
    if tracing:
        out.append("A re-trace is running; this page shows the previous trace.")
    untraced = stored - len(snap.articles)
    if untraced > 0:
        out.append(f"{untraced} stored report(s) are not in this trace yet.")
    return out


_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def with_chrome(document: str, live: dict | None, downloads: dict | None = None) -> str:
    """The report renderer's page with the desk's stylesheet and script in its head and the
    desk's bar (with the page's downloads) and live notice at the top of its body."""
    head = render("_head.html", live=live)
    bar = render("_chrome.html", live=live, bar_downloads=downloads)
    m = _HEAD_CLOSE.search(document)
    if m:
        document = document[: m.start()] + head + document[m.start() :]
    m = _BODY_OPEN.search(document)
    return document[: m.end()] + bar + document[m.end() :] if m else bar + document


# ---------------------------------------------------------------------- pages
def queue_page(
    rows: list[dict],
    *,
    total: int,
    offset: int,
    stories_total: int,
    version: int,
    pages: dict,
    story_filter: dict | None,
    **frame: Any,
) -> str:
    return render(
        "queue.html",
        title="storytrace — review queue",
        active="queue",
        rows=rows,
        total=total,
        offset=offset,
        stories_total=stories_total,
        version=version,
        pages=pages,
        story_filter=story_filter,
        **frame,
    )


def stories_page(rows: list[dict], *, total: int, reports: int, version: int, pages: dict, **frame: Any) -> str:
    return render(
        "stories.html",
        title="storytrace — stories",
        active="stories",
        rows=rows,
        total=total,
        reports=reports,
        version=version,
        pages=pages,
        **frame,
    )


def _edge_view(snap: Snapshot, story_id: str | None, edge: dict) -> dict:
    verdict = edge.get("verdict") or {}
    source, derived = str(edge.get("source")), str(edge.get("derived"))  # an edge names both
    return {
        "source": source,
        "source_name": desk.report_name(snap.articles.get(source), source),
        "derived": derived,
        "derived_name": desk.report_name(snap.articles.get(derived), derived),
        "coverage": edge.get("coverage"),
        "relation": edge.get("relation"),
        "facts_altered": verdict.get("facts_altered") if "facts_altered" in verdict else None,
        "score": float(verdict.get("score") or 0.0),
        "pair_href": desk.pair_href(story_id, derived, source) if story_id else None,
    }


def article_page(detail: dict, snap: Snapshot, **frame: Any) -> str:
    story = detail.get("story")
    findings = desk.story_findings(snap, story, derived=detail["id"]) if story else []
    flagged = {f["derived_evidence"]["number"] for f in findings if f["derived_evidence"]}
    a = {
        **detail,
        "name": desk.report_name(detail, detail["id"]),
        "safe_url": safe_url(detail.get("url")),
        "story_name": desk.story_name(snap, story) if story else None,
        "sources": [_edge_view(snap, story, e) for e in detail.get("sources") or []],
        "derivatives": [_edge_view(snap, story, e) for e in detail.get("derivatives") or []],
    }
    return render("article.html", title=f"storytrace — {a['name']}", a=a, findings=findings, flagged=flagged, **frame)


def highlighted(snippet: str, marks: list) -> list[tuple[str, bool]]:
    """The snippet cut into (text, is a match) parts; the template escapes each."""
    out, pos = [], 0
    for start, end in marks:
        if start > pos:
            out.append((snippet[pos:start], False))
        out.append((snippet[start:end], True))
        pos = end
    if pos < len(snippet):
        out.append((snippet[pos:], False))
    return out


def search_page(result: dict | None, error: str | None, pages: dict, snap: Snapshot, *, query: str = "", **frame: Any) -> str:
    hits = []
    for h in (result or {}).get("hits") or []:
        hits.append(
            {
                **h,
                "name": desk.report_name(snap.articles.get(h["id"]) or h, h["id"]),
                "href": article_href(h["id"], h.get("sentence")),
                "story_name": desk.story_name(snap, h["story"]) if h.get("story") else None,
                "parts": highlighted(h["snippet"], h["highlights"]),
            }
        )
    return render(
        "search.html",
        title=f"storytrace — search {query}".strip(),
        query=query,
        result=result,
        error=error,
        hits=hits,
        pages=pages,
        **frame,
    )


def finding_page(view: dict, highlight_href: str | None, **frame: Any) -> str:
    return render(
        "finding.html",
        title=f"storytrace — {view['label']} in {view['derived_name']}",
        f=view,
        highlight_href=highlight_href,
        **frame,
    )


def story_fallback(snap: Snapshot, story_id: str, **frame: Any) -> str:
    """The story page when storytrace.report.html is not installed."""
    story = snap.stories[story_id]
    from storytrace.report._common import roles

    role = roles(story)
    members = []
    for m in story.get("articles") or []:
        a = snap.articles.get(m) or {}
        members.append(
            {
                "id": m,
                "role": role.get(m),
                "name": desk.report_name(a, m),
                "outlet": a.get("outlet"),
                "published": a.get("published"),
            }
        )
    name = desk.story_name(snap, story_id)
    return render(
        "story_fallback.html",
        title=f"storytrace — {name}",
        name=name,
        story_id=story_id,
        members=members,
        findings=desk.story_findings(snap, story_id),
        **frame,
    )


def message_page(heading: str, message: str, **frame: Any) -> str:
    return render("message.html", title=f"storytrace — {heading.lower()}", heading=heading, message=message, **frame)


def not_found_page(what: str, **frame: Any) -> str:
    return message_page("Not found", what, **frame)
