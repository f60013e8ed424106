"""Server-rendered HTML pages. Every value from a report goes through ``esc`` (or ``quote`` in
a URL); the pages carry no script and load nothing from elsewhere."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from storytrace.report.links import safe_url
from storytrace.web.state import Snapshot

CSS = """
:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#666;--line:#ddd;--accent:#0a58ca;--warn:#b3261e;--mark:#fff3a3}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#161617;--muted:#a0a0a0;--line:#333;--accent:#7ab0ff;--warn:#ff8a80;--mark:#5c4d00}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{border-bottom:1px solid var(--line);padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header .brand{font-weight:700;text-decoration:none;color:var(--fg)}header a{color:var(--accent)}
form.search{margin-left:auto;display:flex;gap:.4rem}input[type=search]{min-width:16rem;padding:.3rem .5rem;font:inherit}
main{max-width:70rem;margin:0 auto;padding:1rem}a{color:var(--accent)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted)}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}.warn{color:var(--warn)}.error{border:1px solid var(--warn);color:var(--warn);padding:.6rem;border-radius:4px}
mark{background:var(--mark);color:inherit}ol.sentences li{margin:.3rem 0}.pill{display:inline-block;padding:0 .4rem;border:1px solid var(--line);border-radius:1rem;font-size:.85em}
.hit{margin:1rem 0}.hit .meta{font-size:.9em}nav.pages{margin:1rem 0;display:flex;gap:1rem}code{font-size:.9em}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def article_href(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def story_href(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def page(title: str, body: str, *, query: str = "", notice: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        '<header><a class="brand" href="/">storytrace</a><a href="/">stories</a><a href="/docs">API</a>'
        '<form class="search" action="/search" method="get" role="search">'
        f'<input type="search" name="q" value="{esc(query)}" placeholder="search reports (FTS5)" aria-label="search">'
        '<button type="submit">Search</button></form></header>'
        f"<main>{notice}{body}</main></body></html>\n"
    )


def tracing_notice(tracing: bool, snap: Snapshot, stored: int) -> str:
    parts = []
    if tracing:
        parts.append("A re-trace is running; this page shows the previous trace.")
    untraced = stored - len(snap.articles)
    if untraced > 0:
        parts.append(f"{untraced} stored report(s) are not in this trace yet.")
    return f'<p class="muted">{esc(" ".join(parts))}</p>' if parts else ""


def _label(article: dict | None, article_id: str) -> str:
    title = (article or {}).get("title")
    return esc(title) if title else f"<code>{esc(article_id)}</code>"


def _pager(base: str, params: dict, offset: int, limit: int, total: int) -> str:
    links = []
    if offset > 0:
        links.append(f'<a href="{esc(base + "?" + urlencode({**params, "offset": max(0, offset - limit)}))}">previous</a>')
    if offset + limit < total:
        links.append(f'<a href="{esc(base + "?" + urlencode({**params, "offset": offset + limit}))}">next</a>')
    return f'<nav class="pages">{"".join(links)}</nav>' if links else ""


def index_page(snap: Snapshot, offset: int, limit: int, notice: str) -> str:
    rows = []
    for s in snap.summaries[offset : offset + limit]:
        origin = s["origin"]
        origin_cell = (
            f'<a href="{esc(article_href(origin))}">{_label(snap.articles.get(origin), origin)}</a>'
            if origin
            else '<span class="muted">none found</span>'
        )
        dates = esc(s["first_published"] or "undated")
        if s["last_published"] and s["last_published"] != s["first_published"]:
            dates += " – " + esc(s["last_published"])
        altered = f'<span class="warn">{s["altered"]}</span>' if s["altered"] else "0"
        rows.append(
            f'<tr><td><a href="{esc(story_href(s["id"]))}"><code>{esc(s["id"])}</code></a></td>'
            f'<td class="n">{s["size"]}</td><td>{origin_cell}</td><td>{dates}</td>'
            f'<td class="n">{s["edges"]}</td><td class="n">{s["findings"]}</td><td class="n">{altered}</td></tr>'
        )
    total = len(snap.summaries)
    if not rows:
        table = "<p>No stories yet. Add reports with <code>storytrace trace</code> or <code>POST /api/reports</code>.</p>"
    else:
        table = (
            "<table><thead><tr><th>story</th><th>reports</th><th>origin</th><th>published</th>"
            "<th>edges</th><th>findings</th><th>altered</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    head = f'<h1>Stories</h1><p class="muted">{total} stories, {len(snap.articles)} reports (trace {snap.version}).</p>'
    return page("storytrace — stories", head + table + _pager("/", {}, offset, limit, total), notice=notice)


def _edge_rows(edges: Iterable[dict], snap: Snapshot) -> str:
    out = []
    for e in edges:
        verdict = e.get("verdict") or {}
        v = ""
        if "facts_altered" in verdict:
            v = '<span class="warn">facts altered</span>' if verdict["facts_altered"] else "facts kept"
        out.append(
            f'<tr><td><a href="{esc(article_href(e["source"]))}">{_label(snap.articles.get(e["source"]), e["source"])}</a></td>'
            f'<td><a href="{esc(article_href(e["derived"]))}">{_label(snap.articles.get(e["derived"]), e["derived"])}</a></td>'
            f'<td class="n">{esc(_pct(e.get("coverage")))}</td><td>{esc(e.get("relation"))}</td><td>{v}</td></tr>'
        )
    return "".join(out)


def _pct(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "?"


def _findings_list(findings: list[dict]) -> str:
    if not findings:
        return '<p class="muted">No findings.</p>'
    items = [
        f'<li><span class="pill">{esc(f.get("type"))}</span> '
        f'<span class="muted">sentence {esc(f.get("derived_sentence"))}</span> {esc(f.get("explanation"))}</li>'
        for f in findings
    ]
    return "<ul>" + "".join(items) + "</ul>"


def story_fallback(snap: Snapshot, story_id: str) -> str:
    """The story page when storytrace.report.html is not installed."""
    story = snap.stories[story_id]
    roles = _roles(story)
    members = []
    for m in story.get("articles") or []:
        a = snap.articles.get(m) or {}
        members.append(
            f'<tr><td>{esc(roles.get(m))}</td><td><a href="{esc(article_href(m))}">{_label(a, m)}</a></td>'
            f"<td>{esc(a.get('published') or 'undated')}</td><td>{esc(a.get('outlet') or '')}</td></tr>"
        )
    edges = story.get("edges") or []
    body = (
        f"<h1>Story <code>{esc(story_id)}</code></h1>"
        "<h2>Reports</h2><table><thead><tr><th>role</th><th>report</th><th>published</th><th>outlet</th></tr></thead>"
        f"<tbody>{''.join(members)}</tbody></table>"
        "<h2>Derivation edges</h2>"
        + (
            "<table><thead><tr><th>source</th><th>derived</th><th>coverage</th><th>relation</th><th>verdict</th></tr></thead>"
            f"<tbody>{_edge_rows(edges, snap)}</tbody></table>"
            if edges
            else '<p class="muted">No edges.</p>'
        )
        + "<h2>Findings</h2>"
        + _findings_list(story.get("findings") or [])
        + f'<p><a href="/api/stories/{esc(quote(story_id, safe=""))}">JSON</a></p>'
    )
    return page(f"storytrace — {story_id}", body)


def _roles(story: dict) -> dict[str, str]:
    derived = {e.get("derived") for e in story.get("edges") or []}
    return {
        m: "origin" if m == story.get("origin") else "derived" if m in derived else "related" for m in story.get("articles") or []
    }


_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def with_nav(document: str) -> str:
    """Put a way back to the list at the top of a page the report renderer wrote."""
    # No style attribute: the renderer's own CSP allows only its stylesheet (by hash).
    nav = '<nav class="st-serve-nav"><a href="/">← all stories</a> · <a href="/search">search</a></nav>'
    m = _BODY_OPEN.search(document)
    return document[: m.end()] + nav + document[m.end() :] if m else nav + document


def article_page(detail: dict, snap: Snapshot) -> str:
    aid = detail["id"]
    meta = [esc(detail.get("published") or "undated")]
    if detail.get("outlet"):
        meta.append(esc(detail["outlet"]))
    url = detail.get("url")
    if url:
        target = safe_url(url)
        meta.append(f'<a href="{esc(target)}" rel="noopener noreferrer nofollow">{esc(url)}</a>' if target else esc(url))
    story = detail.get("story")
    where = (
        f'<p>{esc(detail.get("role") or "member")} of story <a href="{esc(story_href(story))}"><code>{esc(story)}</code></a></p>'
        if story
        else '<p class="muted">Not traced yet.</p>'
    )
    parts = [
        f"<h1>{esc(detail.get('title') or aid)}</h1>",
        f'<p class="muted"><code>{esc(aid)}</code> · {" · ".join(meta)}</p>',
        where,
    ]
    if detail.get("sources"):
        parts.append(
            "<h2>Derived from</h2><table><thead><tr><th>source</th><th>derived</th><th>coverage</th><th>relation</th><th>verdict</th>"
            f"</tr></thead><tbody>{_edge_rows(detail['sources'], snap)}</tbody></table>"
        )
    if detail.get("derivatives"):
        parts.append(
            "<h2>Derivatives</h2><table><thead><tr><th>source</th><th>derived</th><th>coverage</th><th>relation</th><th>verdict</th>"
            f"</tr></thead><tbody>{_edge_rows(detail['derivatives'], snap)}</tbody></table>"
        )
    if detail.get("findings"):
        parts.append("<h2>Findings</h2>" + _findings_list(detail["findings"]))
    sentences = "".join(f'<li value="{s["index"] + 1}">{esc(s["text"])}</li>' for s in detail["sentences"])
    parts.append(
        f'<h2>Text</h2><ol class="sentences">{sentences}</ol>' if sentences else f"<h2>Text</h2><p>{esc(detail['text'])}</p>"
    )
    parts.append(f'<p><a href="/api/articles/{esc(quote(aid, safe=""))}">JSON</a></p>')
    return page(f"storytrace — {detail.get('title') or aid}", "".join(parts))


def highlighted(snippet: str, marks: list) -> str:
    out, pos = [], 0
    for start, end in marks:
        out.append(esc(snippet[pos:start]))
        out.append(f"<mark>{esc(snippet[start:end])}</mark>")
        pos = end
    out.append(esc(snippet[pos:]))
    return "".join(out)


def search_page(query: str, result: dict | None, error: str | None, offset: int, limit: int) -> str:
    parts = ["<h1>Search</h1>"]
    if error:
        parts.append(f'<p class="error" role="alert">{esc(error)}</p>')
    elif result is None:
        parts.append(
            '<p class="muted">Full-text search over titles and texts (SQLite FTS5): words, "quoted phrases", '
            "AND / OR / NOT, prefix*, title:word.</p>"
        )
    else:
        parts.append(f'<p class="muted">{result["total"]} report(s) match <code>{esc(query)}</code>.</p>')
        for h in result["hits"]:
            meta = [esc(h.get("published") or "undated")]
            if h.get("outlet"):
                meta.append(esc(h["outlet"]))
            if h.get("story"):
                meta.append(f'story <a href="{esc(story_href(h["story"]))}"><code>{esc(h["story"])}</code></a>')
            parts.append(
                f'<div class="hit"><a href="{esc(article_href(h["id"]))}">{_label(h, h["id"])}</a>'
                f'<div class="meta muted">{" · ".join(meta)}</div><div>{highlighted(h["snippet"], h["highlights"])}</div></div>'
            )
        parts.append(_pager("/search", {"q": query}, offset, limit, result["total"]))
    return page(f"storytrace — search {query}".strip(), "".join(parts), query=query)


def not_found_page(what: str) -> str:
    return page("storytrace — not found", f"<h1>Not found</h1><p>{esc(what)}</p>")
