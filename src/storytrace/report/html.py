"""A single-file HTML report of a trace, made from the trace *dict* (so it works from a JSON file too).

One self-contained page: the CSS and the script are inlined (``html_report.css`` and
``html_report.js`` beside this module), nothing is loaded from anywhere, so the file works
opened from disk. Per story: a timeline of the publication dates and of the event dates the
texts mention, the lineage graph as inline SVG, one panel per derivative and source with the
aligned sentences linked and the findings' spans highlighted in place, the findings list
(filterable by type; a click highlights the finding's spans on both sides with the class
``active``), and the sourcing profile of every report.

Report text is untrusted. Everything taken from the trace goes through :func:`esc` (text and
attribute values), URLs become links only with an http(s) scheme, element ids are made from
indices (never from report ids), and the JSON the script reads is escaped so that no ``<``
can close its ``<script>`` element. As a second line of defence the page carries a
Content-Security-Policy that allows only its own inline script and style (by hash) and no
network access at all, so even a missed escape could neither run a script nor load anything.

Finding spans are character offsets into the report's text (see ``Finding`` in
:mod:`storytrace.model`); the trace dict holds the text sentence by sentence with each
sentence's offsets, so a span is cut at sentence boundaries and placed inside each sentence
it overlaps.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from storytrace.model import FindingType
from storytrace.report._common import (
    FINDING_ORDER,
    arrow,
    as_dict,
    finding_rank,
    not_derived_note,
    number,
    order_note,
    order_unknown,
    percent,
    roles,
    value_text,
)
from storytrace.report.links import safe_url

__all__ = ["esc", "json_for_script", "render_html", "safe_url", "write_html"]

RELATION_ORDER = ("verbatim", "paraphrase", "partial", "unsupported")
# on the source side these types mark what the derivative left out
_DROPPED_TYPES = {"detail_dropped", "entity_dropped", "attribution_dropped"}
# types whose whole-sentence span is the finding itself (the sentence is what is unsupported)
_SENTENCE_TYPES = {"unsupported_claim", "filler"}
_TYPE_LABELS = {t.value: t.label for t in FindingType}
_CSS_TYPE = re.compile(r"[^a-z0-9_]")


# ======================================================================================
# Escaping
# ======================================================================================


def esc(value: Any) -> str:
    """Text or an attribute value, inert in HTML (``None`` is empty)."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def json_for_script(value: Any) -> str:
    """JSON to embed in ``<script type="application/json">``: no ``<``, ``>`` or ``&`` is left
    that could end the element or start a comment, and no line separator that older parsers
    read as a newline."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _type_class(kind: Any) -> str:
    """A CSS-safe class name for a finding type (types are lower-case words; anything else is folded)."""
    return _CSS_TYPE.sub("_", str(kind).lower()) or "other"


def _label(kind: Any) -> str:
    return _TYPE_LABELS.get(str(kind), str(kind).replace("_", " "))


def _short(text: Any, limit: int) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= limit else s[: max(1, limit - 1)].rstrip() + "…"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _day(published: Any) -> str | None:
    """YYYY-MM-DD of a published value (a date or a datetime), or None."""
    if isinstance(published, str) and re.match(r"^\d{4}-\d{2}-\d{2}", published):
        return published[:10]
    return None


# ======================================================================================
# Assets
# ======================================================================================


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    folder = resources.files("storytrace.report")
    return (folder / "html_report.css").read_text(encoding="utf-8"), (folder / "html_report.js").read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _type_css(types: Iterable[str]) -> str:
    """Per finding type: its colour variable (unknown types get the neutral one)."""
    rules = []
    for kind in types:
        cls = _type_class(kind)
        colour = f"var(--c-{cls})" if kind in FINDING_ORDER else "var(--c-other)"
        rules.append(f".t-{cls} {{ --c: {colour}; }}")
    return "\n".join(rules) + "\n"


# ======================================================================================
# The page
# ======================================================================================


def render_html(doc: Any, title: str = "storytrace report", *, csp: bool = True) -> str:
    """The whole trace (a dict or a TraceResult) as one self-contained HTML page.

    ``csp=False`` leaves out the Content-Security-Policy, for a host that adds its own
    scripts or styles to the page; the escaping does not depend on it.
    """
    doc = as_dict(doc)
    page = _Page(doc)
    body = page.body(title)
    css, js = _assets()
    types = sorted({*FINDING_ORDER, *page.types}, key=finding_rank)
    css = css + _type_css(types)
    data = "{}" if not page.script_data else json_for_script(page.script_data)
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    if csp:
        policy = (
            f"default-src 'none'; script-src {_csp_hash(js)}; style-src {_csp_hash(css)}; base-uri 'none'; form-action 'none'"
        )
        head.append(f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">')
    head += [
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="storytrace">',
        f"<title>{esc(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
    ]
    tail = [
        f'<script type="application/json" id="st-data">{data}</script>',
        f"<script>{js}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + ["<body>", body] + tail) + "\n"


def write_html(doc: Any, path: str | os.PathLike, title: str = "storytrace report") -> None:
    """Write the HTML report of the trace (dict or TraceResult) to ``path``."""
    text = render_html(doc, title=title)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


class _Page:
    """Builds the body; collects the finding types present and the data the script reads."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.articles: dict[str, dict] = {}
        for a in doc.get("articles") or []:
            if isinstance(a, dict) and isinstance(a.get("id"), str):
                self.articles.setdefault(a["id"], a)
        # element id of each article's card, by article id (ids are made from indices)
        self.card_ids = {aid: f"a{k}" for k, aid in enumerate(self.articles)}
        self.types: set[str] = set()
        self.script_data: dict = {"findings": {}}

    def body(self, title: str) -> str:
        stories = [s for s in self.doc.get("stories") or [] if isinstance(s, dict)]
        indexed = list(enumerate(stories))
        multi = [(k, s) for k, s in indexed if len(s.get("articles") or []) > 1]
        single = [(k, s) for k, s in indexed if len(s.get("articles") or []) <= 1]
        multi.sort(key=lambda ks: -len(ks[1].get("articles") or []))  # stable: largest first
        n_findings = sum(len(s.get("findings") or []) for s in stories)
        n_edges = sum(len(s.get("edges") or []) for s in stories)
        out = ['<header class="top">', f"<h1>{esc(title)}</h1>"]
        out.append(
            f'<p class="muted">{_plural(len(self.articles), "report")}, {_plural(len(stories), "story", "stories")} '
            f"({len(multi)} with more than one report); {_plural(n_edges, 'derivation edge')}, "
            f"{_plural(n_findings, 'finding')}.</p>"
        )
        if multi or single:
            out.append('<nav class="toc"><ol>')
            for k, story in multi:
                out.append(f'<li><a href="#story-{k}">{self._story_title(story)}</a></li>')
            if single:
                out.append(f'<li><a href="#singles">{_plural(len(single), "single report")}</a></li>')
            out.append("</ol></nav>")
        out.append(self._legend())
        out.append("</header>")
        out.append("<main>")
        for k, story in multi:
            out.append(self._story(k, story))
        if single:
            out.append(self._singles(single))
        if not stories:
            out.append('<p class="muted">The trace holds no stories.</p>')
        out.append("</main>")
        out.append(
            '<div id="st-status" hidden><strong class="st-type"></strong> <span class="st-text"></span>'
            '<button type="button" class="st-prev">previous</button><button type="button" class="st-next">next</button>'
            '<button type="button" class="st-close">close</button></div>'
        )
        return "\n".join(out)

    # ---- small pieces -----------------------------------------------------------------

    def _legend(self) -> str:
        names = [(r, r) for r in RELATION_ORDER] + [("other", "restates another source")]
        rel = " ".join(f'<span><span class="swatch rel-{r}"></span>{label}</span>' for r, label in names)
        return (
            f'<div class="legend small"><strong>Sentences:</strong> {rel}'
            ' <span class="muted">— hover or click a sentence to see what it is aligned to; click a finding to highlight its spans.</span></div>'
        )

    def _story_title(self, story: dict) -> str:
        origin = story.get("origin")
        a = self.articles.get(origin) if isinstance(origin, str) else None
        what = _short(a.get("title") or origin, 90) if a else _short(story.get("id") or "story", 90)
        n = len(story.get("articles") or [])
        return f'{esc(what)} <span class="muted">({_plural(n, "report")})</span>'

    def _tag(self, aid: str) -> str:
        """A short name for a report in tight places: its outlet, else its id."""
        a = self.articles.get(aid) or {}
        return _short(a.get("outlet"), 16) if a.get("outlet") else _short(aid, 12)

    def _article_line(self, aid: Any, role: str | None = None) -> str:
        """role badge, id, date, outlet, title, url (escaped)."""
        a = self.articles.get(aid) if isinstance(aid, str) else None
        bits = []
        if role:
            bits.append(f'<span class="role role-{esc(role)}">{esc(role)}</span>')
        bits.append(f'<span class="id">{esc(aid)}</span>')
        if a is None:
            bits.append('<span class="muted">(not in this trace)</span>')
            return " ".join(bits)
        bits.append(esc(a.get("published") or "undated"))
        if a.get("outlet"):
            bits.append(f"<strong>{esc(a['outlet'])}</strong>")
        line = " · ".join(bits)
        if a.get("title"):
            line += f"<br><em>{esc(a['title'])}</em>"
        url = a.get("url")
        if url:
            link = safe_url(url)
            if link:
                line += f'<br><a class="src-url small" href="{esc(link)}" rel="noopener noreferrer nofollow" target="_blank">{esc(_short(link, 120))}</a>'
            else:
                line += f'<br><span class="small muted">{esc(_short(url, 120))}</span>'
        return line

    # ---- one story ----------------------------------------------------------------------

    def _story(self, k: int, story: dict) -> str:
        members = [m for m in story.get("articles") or [] if isinstance(m, str)]
        role = roles(story)
        edges = [e for e in story.get("edges") or [] if isinstance(e, dict)]
        findings = [f for f in story.get("findings") or [] if isinstance(f, dict)]
        pairs = _pairs(story, edges, findings, self.articles)
        out = [f'<section class="story" id="story-{k}" data-story-id="{esc(story.get("id"))}">']
        out.append(f"<h2>{self._story_title(story)}</h2>")
        origin = story.get("origin")
        out.append(
            f'<p class="small">Story <code>{esc(story.get("id"))}</code>. Origin: '
            + (self._article_line(origin) if origin else "undetermined")
            + f". {_plural(len(edges), 'derivation edge')}, {_plural(len(findings), 'finding')}.</p>"
        )
        note = not_derived_note(story)
        if note:
            out.append(f'<p class="not-derived">The two are {esc(note)}.</p>')
        out.append("<h3>Timeline</h3>")
        out.append(self._timeline(k, members, role))
        out.append("<h3>Lineage</h3>")
        out.append(self._lineage(k, members, edges, role, pairs))
        out.append("<h3>What each derivative changed</h3>")
        if findings:
            out.append(self._filters(findings))
        # finding ids are made from the finding's index in the story, so they are stable
        placed = {n: p for p, pair in enumerate(pairs) for n in pair["findings"]}
        for p, pair in enumerate(pairs):
            out.append(self._pair(k, p, pair, story, role, findings))
        if not pairs:
            out.append('<p class="muted">No derivation found between these reports.</p>')
        lost = [n for n in range(len(findings)) if n not in placed]
        if lost:  # a finding that names no derived report of this story: listed, never dropped
            out.append('<h4>Other findings</h4><ol class="findings">')
            out.extend(self._finding_item(k, n, findings[n], False, False) for n in lost)
            out.append("</ol>")
        out.append("<h3>Reports and their sourcing</h3>")
        out.append('<div class="cards">')
        shown = {pair["derived"] for pair in pairs} | {pair["source"] for pair in pairs if pair["source"]}
        for member in members:
            out.append(self._card(member, role.get(member, "related"), with_text=member not in shown))
        out.append("</div>")
        out.append("</section>")
        return "\n".join(out)

    def _singles(self, single: list[tuple[int, dict]]) -> str:
        out = ['<section class="singles" id="singles">', f"<h2>Single reports ({len(single)})</h2>"]
        out.append('<p class="muted small">Reports that share their story with no other report.</p>')
        out.append('<div class="cards">')
        for _, story in single:
            for member in story.get("articles") or []:
                out.append(self._card(member, None, with_text=False))
        out.append("</div></section>")
        return "\n".join(out)

    # ---- timeline -----------------------------------------------------------------------

    def _timeline(self, k: int, members: list[str], role: dict[str, str]) -> str:
        """Distinct days in order, evenly spaced (a gap label gives the real distance):
        reports above the axis on their publication day, event dates the texts mention below."""
        pubs: dict[str, list[str]] = {}
        events: dict[str, list[tuple[str, str]]] = {}
        undated = []
        for member in members:
            a = self.articles.get(member)
            if a is None:
                continue
            day = _day(a.get("published"))
            if day:
                pubs.setdefault(day, []).append(member)
            else:
                undated.append(member)
            seen = set()
            for d in a.get("dates") or []:
                if not isinstance(d, dict):
                    continue
                when = _day(d.get("date"))
                key = (when, str(d.get("text")))
                if when and key not in seen:
                    seen.add(key)
                    events.setdefault(when, []).append((member, str(d.get("text") or "")))
        days = sorted(set(pubs) | set(events))
        if not days:
            return '<p class="muted">No dates known.</p>'
        col, left, row = 170, 80, 18
        pub_chars, chip_chars = int((col - 26) / 6.4), int((col - 14) / 5.9)
        max_pub = max((len(v) for v in pubs.values()), default=0)
        shown_events = 6
        max_ev = min(shown_events + 1, max((len(v) for v in events.values()), default=0))
        axis_y = 34 + max_pub * row + 8
        height = axis_y + 40 + max_ev * row + 10
        width = left * 2 + col * (len(days) - 1) + 60
        out = [
            f'<div class="scroll-x"><svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="timeline">'
        ]
        out.append(f'<line class="axis" x1="{left - 30}" y1="{axis_y}" x2="{width - 20}" y2="{axis_y}"/>')
        out.append(f'<text x="4" y="{axis_y - 6}" font-size="11" fill="#5b6670">published</text>')
        out.append(f'<text x="4" y="{axis_y + 34}" font-size="11" fill="#5b6670">mentioned</text>')
        for i, day in enumerate(days):
            x = left + i * col
            out.append(f'<line class="tick" x1="{x}" y1="20" x2="{x}" y2="{height - 5}"/>')
            out.append(f'<text x="{x}" y="{axis_y + 16}" font-size="12" text-anchor="middle" font-weight="600">{esc(day)}</text>')
            if i:
                try:
                    gap = (date.fromisoformat(day) - date.fromisoformat(days[i - 1])).days
                    out.append(
                        f'<text x="{x - col / 2}" y="14" font-size="10" text-anchor="middle" fill="#8c959f">+{gap} d</text>'
                    )
                except ValueError:
                    pass
            for r, member in enumerate(pubs.get(day, [])):
                y = axis_y - 14 - r * row
                a = self.articles.get(member) or {}
                rl = role.get(member, "related")
                colour = {"origin": "#1f6feb", "derived": "#b35900"}.get(rl, "#6e7781")
                out.append(
                    f'<g class="pub-mark" data-article="{esc(member)}"><title>{esc(member)} — published {esc(a.get("published"))} ({esc(rl)})</title>'
                    f'<circle class="pub" cx="{x}" cy="{y}" r="6" fill="{colour}"/>'
                    f'<text x="{x + 10}" y="{y + 4}" font-size="11">{esc(_short(self._tag(member), pub_chars))}</text></g>'
                )
            mentions = events.get(day, [])
            for r, (member, text) in enumerate(mentions[:shown_events]):
                y = axis_y + 34 + r * row
                label = _short(f"“{text}” {self._tag(member)}", chip_chars)
                out.append(
                    f'<g class="event-mark" data-article="{esc(member)}"><title>{esc(text)} — mentioned in {esc(member)}, read as {esc(day)}</title>'
                    f'<rect class="chip" x="{x - 6}" y="{y - 12}" width="{min(col - 8, 10 + 5.9 * len(label)):.0f}" height="16" rx="3"/>'
                    f'<text x="{x - 2}" y="{y}" font-size="10.5">{esc(label)}</text></g>'
                )
            if len(mentions) > shown_events:
                y = axis_y + 34 + shown_events * row
                out.append(
                    f'<text x="{x - 2}" y="{y}" font-size="10.5" fill="#5b6670">+{len(mentions) - shown_events} more</text>'
                )
        out.append("</svg></div>")
        if undated:
            out.append(
                '<p class="small muted">Undated: ' + ", ".join(f'<span class="id">{esc(m)}</span>' for m in undated) + "</p>"
            )
        return "\n".join(out)

    # ---- lineage graph ------------------------------------------------------------------

    def _lineage(self, k: int, members: list[str], edges: list[dict], role: dict[str, str], pairs: list[dict]) -> str:
        named = dict.fromkeys(members + [e.get("source") for e in edges] + [e.get("derived") for e in edges])
        nodes = [n for n in named if isinstance(n, str)]
        depth = _depths(nodes, edges, self.articles)
        layers: dict[int, list[str]] = {}
        for n in nodes:
            layers.setdefault(depth[n], []).append(n)
        for level in layers:
            layers[level].sort(key=lambda n: (_day((self.articles.get(n) or {}).get("published")) or "9999", n))
        node_w, node_h, gap_x, gap_y, pad = 190, 52, 150, 34, 16
        pos: dict[str, tuple[int, int]] = {}
        for level, names in layers.items():
            for r, n in enumerate(names):
                pos[n] = (pad + level * (node_w + gap_x), pad + r * (node_h + gap_y))
        width = pad * 2 + (max(layers) + 1) * (node_w + gap_x) - gap_x
        height = pad * 2 + max(len(v) for v in layers.values()) * (node_h + gap_y) - gap_y + 20
        pair_of = {(p["source"], p["derived"]): f"p{k}-{i}" for i, p in enumerate(pairs)}
        out = [
            f'<div class="scroll-x"><svg class="lineage" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="lineage graph">',
            "<defs>",
            f'<marker id="arr-{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>',
            f'<marker id="arr-{k}-x" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrow altered" d="M0,0 L10,5 L0,10 z"/></marker>',
            "</defs>",
        ]
        for e in edges:
            s, d = e.get("source"), e.get("derived")
            if s not in pos or d not in pos:
                continue
            (sx, sy), (dx, dy) = pos[s], pos[d]
            x1: float
            y1: float
            x2: float
            y2: float
            mx: float
            my: float
            x1, y1 = sx + node_w, sy + node_h / 2
            x2, y2 = dx, dy + node_h / 2
            if dx <= sx:  # same layer or backwards (should not happen in a DAG): loop around below
                x1, y1, x2, y2 = sx + node_w / 2, sy + node_h, dx + node_w / 2, dy + node_h
                path = f"M{x1},{y1} C{x1},{y1 + 60} {x2},{y2 + 60} {x2},{y2}"
                mx, my = (x1 + x2) / 2, max(y1, y2) + 40
            else:
                bend = max(40.0, (x2 - x1) / 2)
                path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
                mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            raw_verdict = e.get("verdict")
            verdict = raw_verdict if isinstance(raw_verdict, dict) else {}
            altered = bool(verdict.get("facts_altered"))
            line1 = f"{percent(e.get('coverage'))} {e.get('relation') or ''}".strip()
            line2 = ""
            if "facts_altered" in verdict:
                line2 = ("facts altered" if altered else "facts kept") + (
                    f" {number(verdict.get('score'))}" if verdict.get("score") is not None else ""
                )
            tip = (
                f"{s}{arrow(e)}{d}"
                + order_note(e)
                + f": coverage {percent(e.get('coverage'))}, {e.get('relation')}, {e.get('sentences')} sentences, score {number(e.get('score'))}"
                + (f"; {line2}" if line2 else "")
            )
            pair_id = pair_of.get((s, d), "")
            marker = f"arr-{k}-x" if altered else f"arr-{k}"
            arrowhead = "" if order_unknown(e) else f' marker-end="url(#{marker})"'  # none: order unknown
            w = 12 + 6.2 * max(len(line1), len(line2))
            h = 30 if line2 else 18
            # one group per edge (line and label), so a test or a script finds the edge as one element
            out.append(
                f'<g class="edge{" altered" if altered else ""}{" unordered" if order_unknown(e) else ""}" tabindex="0" data-source="{esc(s)}" data-derived="{esc(d)}" data-pair="{pair_id}">'
                f'<title>{esc(tip)}</title><path d="{path}"{arrowhead}/>'
                f'<rect class="label-bg" x="{mx - w / 2:.1f}" y="{my - h / 2:.1f}" width="{w:.1f}" height="{h}" rx="4"/>'
                f'<text x="{mx:.1f}" y="{my - (2 if line2 else -4):.1f}" font-size="11" text-anchor="middle">{esc(line1)}</text>'
                + (
                    f'<text x="{mx:.1f}" y="{my + 11:.1f}" font-size="11" text-anchor="middle" font-weight="600" fill="{"#b42318" if altered else "#2b8a3e"}">{esc(line2)}</text>'
                    if line2
                    else ""
                )
                + "</g>"
            )
        for n in nodes:
            x, y = pos[n]
            a = self.articles.get(n) or {}
            rl = role.get(n, "related")
            head = _short(a.get("outlet") or n, 26)
            sub = f"{a.get('published') or 'undated'} · {rl}"
            tip = (
                f"{n}" + (f" — {a.get('title')}" if a.get("title") else "") + (f" ({a.get('outlet')})" if a.get("outlet") else "")
            )
            card = self.card_ids.get(n, "")
            out.append(
                f'<g class="node role-{esc(rl)}" tabindex="0" data-article="{esc(n)}" data-card="{card}"><title>{esc(tip)}</title>'
                f'<rect x="{x}" y="{y}" width="{node_w}" height="{node_h}"/>'
                f'<text x="{x + 10}" y="{y + 21}" font-size="13" font-weight="600">{esc(head)}</text>'
                f'<text x="{x + 10}" y="{y + 39}" font-size="11" fill="#5b6670">{esc(_short(sub, 30))}</text></g>'
            )
        out.append("</svg></div>")
        out.append(
            '<p class="small muted">Arrows run from a source to the report derived from it; click an arrow for the side-by-side view, a report for its card.</p>'
        )
        return "\n".join(out)

    # ---- filters ------------------------------------------------------------------------

    def _filters(self, findings: list[dict]) -> str:
        counts: dict[str, int] = {}
        for f in findings:
            counts[str(f.get("type"))] = counts.get(str(f.get("type")), 0) + 1
        self.types.update(counts)
        boxes = []
        for kind in sorted(counts, key=finding_rank):
            cls = _type_class(kind)
            boxes.append(
                f'<label class="t-{cls}"><input type="checkbox" class="ftype" value="{esc(kind)}" checked> '
                f'<span class="swatch fc"></span>{esc(_label(kind))} ({counts[kind]})</label>'
            )
        return (
            '<div class="filters legend small"><strong>Findings:</strong> '
            + " ".join(boxes)
            + '<button type="button" class="fall">all</button><button type="button" class="fnone">none</button></div>'
        )

    # ---- a derivative beside its source -----------------------------------------------------

    def _pair(self, k: int, p: int, pair: dict, story: dict, role: dict[str, str], findings: list[dict]) -> str:
        derived, source = pair["derived"], pair["source"]
        prefix = f"p{k}-{p}"
        edge = pair.get("edge")
        mine = [(n, findings[n]) for n in pair["findings"]]
        head = [f'<section class="pair" id="{prefix}" data-derived="{esc(derived)}" data-source="{esc(source)}">']
        title = f'<span class="id">{esc(derived)}</span>'
        title += f' derived from <span class="id">{esc(source)}</span>' if source else " (no source found)"
        head.append(f"<h4>{title}</h4>")
        if edge:
            verdict = edge.get("verdict") if isinstance(edge.get("verdict"), dict) else {}
            bits = [
                f"coverage {percent(edge.get('coverage'))}",
                esc(edge.get("relation") or ""),
                _plural(int(edge.get("sentences") or 0), "sentence") + " restated",
                f"score {number(edge.get('score'))}",
            ]
            line = " · ".join(b for b in bits if b)
            if "facts_altered" in verdict:
                cls = "verdict-altered" if verdict.get("facts_altered") else "verdict-kept"
                text = "facts altered" if verdict.get("facts_altered") else "facts kept"
                line += f' — verdict: <span class="{cls}">{text}</span> (score {number(verdict.get("score"))})'
            head.append(f'<p class="small">{line}</p>')
        elif source:
            head.append(
                '<p class="small muted">No derivation edge between these two; shown for the findings and alignments that name them.</p>'
            )

        # alignments of this pair: derived sentence -> [(source sentence, relation)]
        d_links: dict[int, list[tuple[int | None, str]]] = {}
        s_links: dict[int, list[tuple[int, str]]] = {}
        elsewhere: set[int] = set()
        for al in story.get("alignments") or []:
            if not isinstance(al, dict) or al.get("derived") != derived or not isinstance(al.get("derived_sentence"), int):
                continue
            i, rel = al["derived_sentence"], str(al.get("relation") or "")
            if al.get("source") is None:
                d_links.setdefault(i, []).append((None, rel or "unsupported"))
            elif al.get("source") == source and isinstance(al.get("source_sentence"), int):
                d_links.setdefault(i, []).append((al["source_sentence"], rel))
                s_links.setdefault(al["source_sentence"], []).append((i, rel))
            else:
                elsewhere.add(i)

        d_marks, s_marks = _Marks(), _Marks()
        for n, f in mine:
            fid = f"f{k}-{n}"
            kind = str(f.get("type"))
            self.types.add(kind)
            d_marks.add_finding(
                self.articles.get(derived),
                f.get("derived_span"),
                f.get("derived_sentence"),
                fid,
                kind,
                f.get("explanation"),
                dropped=False,
            )
            if source is not None and f.get("source") == source:
                s_marks.add_finding(
                    self.articles.get(source),
                    f.get("source_span"),
                    f.get("source_sentence"),
                    fid,
                    kind,
                    f.get("explanation"),
                    dropped=kind in _DROPPED_TYPES,
                )
        for marks, aid in ((d_marks, derived), (s_marks, source)):
            a = self.articles.get(aid) if aid else None
            if a is not None:
                marks.add_context(a)

        def d_class(i: int) -> tuple[str, list[str]]:
            links = d_links.get(i, [])
            partners = [f"{prefix}-s{j}" for j, _ in links if j is not None]
            rels = [r for j, r in links if j is not None]
            if rels:
                return "rel-" + _best(rels), partners
            if i in elsewhere:
                return "rel-other", partners
            if links:
                return "rel-unsupported", partners
            return "", partners

        def s_class(j: int) -> tuple[str, list[str]]:
            links = s_links.get(j, [])
            partners = [f"{prefix}-d{i}" for i, _ in links]
            return ("rel-" + _best([r for _, r in links]) if links else ""), partners

        out = head
        out.append('<div class="pair-grid">')
        out.append(self._column("derived", derived, role, prefix + "-d", d_class, d_marks))
        if source:
            out.append(self._column("source", source, role, prefix + "-s", s_class, s_marks))
        else:
            out.append('<div class="col side-source"><div class="head muted">No source.</div></div>')
        out.append(
            '<div class="col findings"><div class="head"><strong>Findings</strong> '
            + f'<span class="muted">({len(mine)})</span></div><div class="body">'
        )
        if mine:
            out.append('<ol class="findings">')
            for n, f in mine:
                out.append(self._finding_item(k, n, f, d_marks.has(f"f{k}-{n}"), s_marks.has(f"f{k}-{n}")))
            out.append("</ol>")
        else:
            out.append('<p class="muted">None.</p>')
        out.append("</div></div></div></section>")
        return "\n".join(out)

    def _column(self, side: str, aid: str, role: dict[str, str], prefix: str, classify, marks: _Marks) -> str:
        a = self.articles.get(aid)
        out = [
            f'<div class="col side-{side}"><div class="head">{self._article_line(aid, role.get(aid, side))}</div><div class="body">'
        ]
        if a is None:
            out.append('<p class="muted">The text of this report is not in the trace.</p>')
        else:
            out.append(_sentences_html(a, prefix, classify, marks))
        out.append("</div></div>")
        return "".join(out)

    def _finding_item(self, k: int, n: int, f: dict, on_derived: bool, on_source: bool) -> str:
        fid = f"f{k}-{n}"
        kind = str(f.get("type"))
        self.types.add(kind)
        self.script_data["findings"][fid] = {
            "type": kind,
            "derived": f.get("derived"),
            "source": f.get("source"),
            "explanation": f.get("explanation"),
        }
        where = []
        if isinstance(f.get("derived_sentence"), int):
            where.append(f"derived #{f['derived_sentence']}")
        if isinstance(f.get("source_sentence"), int):
            where.append(f"source #{f['source_sentence']}")
        values = []
        if f.get("derived_value") is not None:
            values.append(f"derived: “{esc(_short(value_text(f['derived_value']), 160))}”")
        if f.get("source_value") is not None:
            values.append(f"source: “{esc(_short(value_text(f['source_value']), 160))}”")
        shown = (
            "both sides" if on_derived and on_source else "derived side" if on_derived else "source side" if on_source else None
        )
        return (
            f'<li class="t-{_type_class(kind)}" tabindex="0" data-finding-id="{fid}" data-type="{esc(kind)}">'
            f'<span class="badge">{esc(_label(kind))}</span><span class="muted small">{esc(", ".join(where))}</span><br>'
            f"{esc(f.get('explanation'))}"
            + (f'<span class="values">{" · ".join(values)}</span>' if values else "")
            + ("" if shown else '<span class="values nospan">no span to highlight</span>')
            + "</li>"
        )

    # ---- report cards -------------------------------------------------------------------

    def _card(self, aid: Any, role: str | None, with_text: bool) -> str:
        a = self.articles.get(aid) if isinstance(aid, str) else None
        card_id = self.card_ids.get(aid, "")
        out = [
            f'<div class="card" id="{card_id}" data-article="{esc(aid)}">'
            if card_id
            else f'<div class="card" data-article="{esc(aid)}">'
        ]
        out.append(f"<h4>{self._article_line(aid, role)}</h4>")
        if a is not None:
            out.append(_profile_html(a.get("profile")))
            if with_text and a.get("sentences"):
                marks = _Marks()
                marks.add_context(a)
                n = len(a.get("sentences") or [])
                out.append(f"<details><summary>Text ({_plural(n, 'sentence')})</summary>")
                out.append(_sentences_html(a, f"{card_id}-t", lambda i: ("", []), marks))
                out.append("</details>")
        out.append("</div>")
        return "\n".join(out)


# ======================================================================================
# Pairs, depths
# ======================================================================================


def _pairs(story: dict, edges: list[dict], findings: list[dict], articles: dict[Any, dict]) -> list[dict]:
    """The (derived, source) panels of a story: one per edge, then any pair that only findings
    or alignments name; every finding goes to exactly one panel (its derived report and source,
    else the first panel of its derived report)."""
    pairs: list[dict] = []
    index: dict[tuple, int] = {}

    def add(derived: Any, source: Any, edge: dict | None = None) -> None:
        key = (derived, source)
        if key in index:
            if edge is not None and pairs[index[key]]["edge"] is None:
                pairs[index[key]]["edge"] = edge
            return
        index[key] = len(pairs)
        pairs.append({"derived": derived, "source": source, "edge": edge, "findings": []})

    def order(e: dict) -> tuple:
        d = articles.get(e.get("derived")) or {}
        return (_day(d.get("published")) or "9999", str(e.get("derived")), str(e.get("source")))

    for e in sorted(edges, key=order):
        if isinstance(e.get("derived"), str) and isinstance(e.get("source"), str):
            add(e["derived"], e["source"], e)
    for al in story.get("alignments") or []:
        if isinstance(al, dict) and isinstance(al.get("derived"), str) and isinstance(al.get("source"), str):
            add(al["derived"], al["source"])
    for f in findings:
        if isinstance(f.get("derived"), str) and isinstance(f.get("source"), str):
            add(f["derived"], f["source"])
    for n, f in enumerate(findings):
        derived = f.get("derived")
        if not isinstance(derived, str):
            continue
        key = (derived, f.get("source"))
        if key not in index:
            first = next((i for i, p in enumerate(pairs) if p["derived"] == derived), None)
            if first is None:
                add(derived, None)
                first = index[(derived, None)]
            pairs[first]["findings"].append(n)
        else:
            pairs[index[key]]["findings"].append(n)
    return pairs


def _depths(nodes: list[str], edges: list[dict], articles: dict[str, dict]) -> dict[str, int]:
    """Layer of each node: the longest chain of derivations above it (Kahn's order; nodes in a
    cycle, which a lineage should not have, are placed after their placed sources)."""
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for e in edges:
        s, d = e.get("source"), e.get("derived")
        if s in parents and d in parents and s != d:
            parents[d].append(s)
            children[s].append(d)
    depth: dict[str, int] = {}
    waiting = {n: len(set(parents[n])) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    while True:
        while ready:
            n = ready.pop(0)
            depth[n] = max((depth[p] + 1 for p in parents[n] if p in depth), default=0)
            for c in dict.fromkeys(children[n]):
                waiting[c] -= 1
                if waiting[c] == 0:
                    ready.append(c)
        rest = [n for n in nodes if n not in depth]
        if not rest:
            return depth
        # break a cycle at its earliest report
        rest.sort(key=lambda n: (_day((articles.get(n) or {}).get("published")) or "9999", n))
        ready.append(rest[0])
        waiting[rest[0]] = 0


def _best(relations: list[str]) -> str:
    known = [r for r in relations if r in RELATION_ORDER]
    if not known:
        return "other"
    return min(known, key=RELATION_ORDER.index)


# ======================================================================================
# Sentences with marks
# ======================================================================================


class _Marks:
    """Annotations of one report in one panel, as article-text offsets: findings, direct
    quotes, date expressions. Rendered as flat segments, so overlapping marks never nest."""

    def __init__(self) -> None:
        self.by_sentence: dict[int, list[tuple[int, int, str, Any]]] = {}
        self.ids: set[str] = set()
        self._sentences: list[dict] = []

    def has(self, fid: str) -> bool:
        return fid in self.ids

    def _bind(self, article: dict) -> list[dict]:
        if not self._sentences:
            self._sentences = [
                s for s in article.get("sentences") or [] if isinstance(s, dict) and isinstance(s.get("index"), int)
            ]
        return self._sentences

    def _place(self, article: dict, start: int, end: int, kind: str, payload: Any) -> bool:
        """Cut [start, end) at sentence boundaries; True when some part landed in a sentence."""
        placed = False
        for s in self._bind(article):
            s0, s1, text = s.get("start"), s.get("end"), s.get("text") or ""
            if not isinstance(s0, int) or not isinstance(s1, int) or s1 - s0 != len(text):
                continue
            a, b = max(start, s0), min(end, s1)
            if a < b:
                self.by_sentence.setdefault(s["index"], []).append((a - s0, b - s0, kind, payload))
                placed = True
        return placed

    def add_finding(
        self, article: dict | None, span: Any, sentence: Any, fid: str, kind: str, explanation: Any, dropped: bool
    ) -> None:
        if article is None:
            return
        sents = {s["index"]: s for s in self._bind(article)}
        info = {"id": fid, "type": kind, "tip": str(explanation or ""), "dropped": dropped}
        if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(v, int) for v in span) and span[0] < span[1]:
            start, end = span
            # a whole-sentence span of a "this part is missing/altered" finding says only
            # "in this sentence": drawn lightly, so the specific spans stand out
            whole = any(s.get("start") == start and s.get("end") == end for s in sents.values())
            info["weak"] = whole and kind not in _SENTENCE_TYPES
            info["size"] = end - start
            if self._place(article, start, end, "f", info):
                self.ids.add(fid)
                return
        if isinstance(sentence, int) and sentence in sents:
            s = sents[sentence]
            info = dict(info, weak=kind not in _SENTENCE_TYPES, size=len(s.get("text") or ""))
            self.by_sentence.setdefault(sentence, []).append((0, len(s.get("text") or ""), "f", info))
            self.ids.add(fid)

    def add_context(self, article: dict) -> None:
        """Direct quotes (profile) and date expressions (dates), as extra styling."""
        raw_profile = article.get("profile")
        profile = raw_profile if isinstance(raw_profile, dict) else {}
        for q in profile.get("direct_quotes") or []:
            span = q.get("span") if isinstance(q, dict) else None
            if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(v, int) for v in span):
                speaker = q.get("speaker")
                self._place(article, span[0], span[1], "q", f"direct quote of {speaker}" if speaker else "direct quote")
        for d in article.get("dates") or []:
            if isinstance(d, dict) and isinstance(d.get("start"), int) and isinstance(d.get("end"), int):
                when = d.get("date")
                self._place(
                    article, d["start"], d["end"], "dt", f"“{d.get('text')}” read as {when}" if when else f"“{d.get('text')}”"
                )

    def render(self, index: int, text: str) -> str:
        items = self.by_sentence.get(index)
        if not items:
            return esc(text)
        cuts = sorted({0, len(text), *(a for a, _, _, _ in items), *(b for _, b, _, _ in items)})
        out = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = esc(text[a:b])
            here = [(kind, payload) for s, e, kind, payload in items if s <= a and b <= e]
            if not here:
                out.append(piece)
                continue
            found = [p for kind, p in here if kind == "f"]
            classes, tips, attrs = [], [], ""
            if found:
                # the most specific finding colours the segment: strong before weak, short before long
                found.sort(key=lambda p: (p.get("weak", False), p.get("size", 0), finding_rank(p["type"])))
                top = found[0]
                classes += ["mark", "f", f"t-{_type_class(top['type'])}"]
                if all(p.get("weak") for p in found):
                    classes.append("weak")
                if any(p.get("dropped") for p in found):
                    classes.append("dropped")
                attrs = f' data-f="{" ".join(dict.fromkeys(p["id"] for p in found))}"'
                tips += [f"{_label(p['type'])}: {p['tip']}" for p in found]
            if any(kind == "q" for kind, _ in here):
                classes += ["q"] if "mark" in classes else ["mark", "q"]
                tips += [p for kind, p in here if kind == "q"][:1]
            if any(kind == "dt" for kind, _ in here):
                classes.append("dt")
                tips += [p for kind, p in here if kind == "dt"][:1]
            out.append(f'<span class="{" ".join(classes)}"{attrs} title="{esc(chr(10).join(tips))}">{piece}</span>')
        return "".join(out)


def _sentences_html(article: dict, prefix: str, classify, marks: _Marks) -> str:
    """The report's sentences in paragraphs (a gap of two or more characters between two
    sentences is read as a paragraph break: the text between them is not in the trace)."""
    out = ["<p>"]
    previous_end = None
    for s in article.get("sentences") or []:
        if not isinstance(s, dict) or not isinstance(s.get("index"), int):
            continue
        i = s["index"]
        if previous_end is not None and isinstance(s.get("start"), int) and s["start"] - previous_end >= 2:
            out.append("</p><p>")
        previous_end = s.get("end") if isinstance(s.get("end"), int) else previous_end
        rel, partners = classify(i)
        cls = "sent" + (f" {rel}" if rel else "")
        attrs = f' data-partners="{" ".join(partners)}"' if partners else ""
        out.append(
            f'<span class="{cls}" id="{prefix}{i}" data-s="{i}"{attrs}><span class="num">{i}</span>{marks.render(i, s.get("text") or "")}</span> '
        )
    out.append("</p>")
    return "".join(out)


# ======================================================================================
# Sourcing profile
# ======================================================================================

_PROFILE_ROWS = (
    ("direct_quotes", "direct quotes"),
    ("named_sources", "named sources"),
    ("anonymous_sources", "anonymous sources"),
    ("vague_attributions", "vague attributions"),
    ("hedges", "hedges"),
)


def _profile_item(item: Any) -> str:
    if isinstance(item, dict):
        text = item.get("text") or item.get("phrase") or item.get("source") or ""
        speaker = item.get("speaker")
        line = f"“{esc(_short(text, 140))}”" if item.get("text") else esc(_short(text, 140))
        return line + (f' <span class="muted">— {esc(speaker)}</span>' if speaker else "")
    return esc(_short(item, 140))


def _profile_html(profile: Any) -> str:
    if not isinstance(profile, dict):
        return '<p class="small muted">No sourcing profile.</p>'
    rows = []
    for key, label in _PROFILE_ROWS:
        raw_items = profile.get(key)
        items = raw_items if isinstance(raw_items, list) else []
        cell = "; ".join(_profile_item(v) for v in items[:8]) + (
            f' <span class="muted">(+{len(items) - 8})</span>' if len(items) > 8 else ""
        )
        cell = cell or '<span class="muted">none</span>'
        rows.append(f"<tr><th>{label}</th><td>{len(items)}</td><td>{cell}</td></tr>")
    return '<table class="profile"><caption class="small muted">Sourcing</caption>' + "".join(rows) + "</table>"
