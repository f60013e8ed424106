"""A single-file HTML report of a trace, made from the trace *dict* (so it works from a JSON file too).

One self-contained page: the CSS and the script are inlined (``html_report.css`` and
``html_report.js`` beside this module), nothing is loaded from anywhere, so the file works
opened from disk. Per story: a timeline of the publication dates and of the event dates the
texts mention (to scale, long gaps drawn shorter behind a break mark, every position a
percentage of the page's width), the lineage graph as inline SVG (edge labels beside their
lines), one panel per derivative and source with the aligned sentences linked and the
findings' spans highlighted in place (a source's evidence in a colour of its own), the
findings list (filterable by type; a click highlights the finding's spans on both sides with
the class ``active``), and the sourcing profile of every report. Reports are called by their
title, else their first sentence, with the id small beside; sentences are numbered from 1.

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
import math
import os
import re
import statistics
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date
from functools import lru_cache
from importlib import resources
from typing import Any

from storytrace.model import FindingType, parse_published
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
# timeline layout, in percent of its width: margin at each end, label widths; lanes at most
_TL_PAD = 1.5
_TL_PUB_W = 19.0
_TL_CHIP_W = 15.0
_TL_DAY_LANES = 2
_TL_EVENT_LANES = 6


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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _human_day(day: date, with_year: bool = True) -> str:
    """``30 Oct 2023`` (month names fixed in English, so the page does not depend on the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]}" + (f" {day.year}" if with_year else "")


def _words(text: Any, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary where one is near, with an ellipsis."""
    s = " ".join(str(text or "").split())
    if len(s) <= limit:
        return s
    cut = s[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


# ======================================================================================
# Naming reports
# ======================================================================================


def full_name(article: Any, aid: Any = None) -> str:
    """What people call a report: its title, else its first sentence, else its id."""
    if isinstance(article, dict):
        title = " ".join(str(article.get("title") or "").split())
        if title:
            return title
        for s in article.get("sentences") or []:
            text = " ".join(str(s.get("text") or "").split()) if isinstance(s, dict) else ""
            if text:
                return text
        if aid is None:
            aid = article.get("id")
    return str(aid) if aid is not None else "unnamed report"


def report_name(article: Any, aid: Any = None, limit: int = 80) -> str:
    """:func:`full_name` shortened to ``limit`` characters (the full text goes in a tooltip)."""
    return _words(full_name(article, aid), limit)


# ======================================================================================
# Timeline geometry: a time axis to scale, long gaps compressed behind a break mark
# ======================================================================================


def moment(value: Any) -> float | None:
    """A date or datetime as days since 0001-01-01 (UTC; a time of day is the fraction), or None."""
    try:
        dt = parse_published(value)
    except (TypeError, ValueError):
        return None
    if dt is None:
        return None
    utc = dt.astimezone(UTC)
    return utc.toordinal() + (utc.hour * 3600 + utc.minute * 60 + utc.second) / 86400


@dataclass(frozen=True)
class AxisSegment:
    """A stretch of the axis drawn to scale: times ``start``..``end`` at fractions ``x0``..``x1``."""

    start: float
    end: float
    x0: float
    x1: float


@dataclass(frozen=True)
class AxisBreak:
    """A gap drawn shorter than its length: ``days`` between the segments on either side of ``x``."""

    x: float
    start: float
    end: float

    @property
    def days(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class TimeAxis:
    segments: tuple[AxisSegment, ...]
    breaks: tuple[AxisBreak, ...]

    def x(self, t: float) -> float:
        """Where time ``t`` (days, see :func:`moment`) sits on the axis, as a fraction 0..1."""
        if not self.segments:
            return 0.5
        seg = next((s for s in self.segments if t <= s.end), self.segments[-1])
        if seg.end == seg.start:
            return seg.x0
        t = min(max(t, seg.start), seg.end)
        return seg.x0 + (t - seg.start) / (seg.end - seg.start) * (seg.x1 - seg.x0)


def time_axis(times: Iterable[float], *, break_ratio: float = 3.0, min_break_days: float = 2.0) -> TimeAxis:
    """An axis through the given times, position proportional to time, except that a gap longer
    than ``break_ratio`` times the median gap (and than ``min_break_days``) is drawn at that
    length with a break mark: one stale date weeks before the rest does not squeeze them."""
    points = sorted(set(times))
    if not points:
        return TimeAxis((), ())
    if len(points) == 1:
        return TimeAxis((AxisSegment(points[0], points[0], 0.5, 0.5),), ())
    gaps = [b - a for a, b in zip(points, points[1:], strict=False)]
    limit = max(break_ratio * statistics.median(gaps), min_break_days)
    shown = [min(g, limit) for g in gaps]
    total = sum(shown)
    xs = [0.0]
    for g in shown:
        xs.append(xs[-1] + g / total)
    xs[-1] = 1.0
    segments: list[AxisSegment] = []
    breaks: list[AxisBreak] = []
    first = 0
    for i, g in enumerate(gaps):
        if g > limit:
            segments.append(AxisSegment(points[first], points[i], xs[first], xs[i]))
            breaks.append(AxisBreak((xs[i] + xs[i + 1]) / 2, points[i], points[i + 1]))
            first = i + 1
    segments.append(AxisSegment(points[first], points[-1], xs[first], xs[-1]))
    return TimeAxis(tuple(segments), tuple(breaks))


def pack_lanes(boxes: Iterable[tuple[float, float]], gap: float = 0.0, max_lanes: int | None = None) -> list[int | None]:
    """A lane (row) for each (left, width) box, in the order given, so that no two boxes of a lane
    come closer than ``gap``; None for a box that would need more than ``max_lanes``."""
    lanes: list[list[tuple[float, float]]] = []
    out: list[int | None] = []
    for left, width in boxes:
        right = left + width
        for n, lane in enumerate(lanes):
            if all(right + gap <= a or b + gap <= left for a, b in lane):
                lane.append((left, right))
                out.append(n)
                break
        else:
            if max_lanes is not None and len(lanes) >= max_lanes:
                out.append(None)
                continue
            lanes.append([(left, right)])
            out.append(len(lanes) - 1)
    return out


# ======================================================================================
# Lineage graph geometry: where an edge's label goes
# ======================================================================================

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x, y, width, height

_LABEL_CHAR = 7.0  # px per character of an 11 px edge label, a little over a wide sans-serif's
_NODE_CHARS = 28  # characters per line of a report's name in its 240 px box


def bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 96) -> list[Point]:
    """Points along a cubic Bézier curve, close enough together to test a box against."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append(
            (
                u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1],
            )
        )
    return out


def boxes_overlap(a: Box, b: Box, margin: float = 0.0) -> bool:
    return (
        a[0] < b[0] + b[2] + margin
        and b[0] < a[0] + a[2] + margin
        and a[1] < b[1] + b[3] + margin
        and b[1] < a[1] + a[3] + margin
    )


def box_touches(box: Box, points: Iterable[Point], margin: float = 0.0) -> bool:
    x, y, w, h = box
    return any(x - margin <= px <= x + w + margin and y - margin <= py <= y + h + margin for px, py in points)


def place_edge_labels(
    curves: list[list[Point]], sizes: list[tuple[float, float]], obstacles: list[Box], width: float, clearance: float = 5.0
) -> list[Box]:
    """A box for each edge's label, beside its own curve and as near its middle as it can be,
    touching no curve (its own included), no node and no label placed before it; inside
    ``width``, never above y = 0 (the drawing grows downwards for a label placed under it)."""
    placed: list[Box] = []
    # each curve's bounding box: most candidates are tested against a box, not every point
    bounds = [
        (
            min(x for x, _ in c),
            min(y for _, y in c),
            max(x for x, _ in c) - min(x for x, _ in c),
            max(y for _, y in c) - min(y for _, y in c),
        )
        for c in curves
    ]
    for curve, (w, h) in zip(curves, sizes, strict=True):
        choice = None
        # nearest the line first, then a little further out
        for gap in (clearance + 2, clearance + 14, clearance + 30):
            for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88):
                px, py = curve[round(t * (len(curve) - 1))]
                # above, below, right, left of the point; then above and below, starting or ending at it
                offsets = (
                    (-w / 2, -h - gap),
                    (-w / 2, gap),
                    (gap, -h / 2),
                    (-w - gap, -h / 2),
                    (gap, -h - gap),
                    (-w - gap, -h - gap),
                    (gap, gap),
                    (-w - gap, gap),
                )
                for dx, dy in offsets:
                    box = (px + dx, py + dy, w, h)
                    if box[0] < 0 or box[0] + w > width or box[1] < 0:
                        continue
                    if any(boxes_overlap(box, o, clearance) for o in [*obstacles, *placed]):
                        continue
                    if any(
                        boxes_overlap(box, b, clearance) and box_touches(box, c, clearance)
                        for c, b in zip(curves, bounds, strict=True)
                    ):
                        continue
                    choice = box
                    break
                if choice is not None:
                    break
            if choice is not None:
                break
        if choice is None:  # nowhere clear beside the curve: under everything drawn, below its middle
            px, _ = curve[len(curve) // 2]
            bottom = max([b[1] + b[3] for b in [*obstacles, *placed]] + [py for c in curves for _, py in c])
            choice = (min(max(px - w / 2, 0.0), max(0.0, width - w)), bottom + gap, w, h)
        placed.append(choice)
    return placed


_NODE_W, _NODE_H = 240, 78  # a report's box in the lineage graph, px
_GRAPH_PAD = 16
# px: a graph wider than this in columns (read at 3/4 size on a 1,000 px page) is drawn in
# rows, when rows are narrower
_GRAPH_FIT = 1200


@dataclass(frozen=True)
class GraphLayout:
    """Where the lineage graph's parts go: a box per report; per link, its SVG path, points
    along it (for the tests and for placing labels) and its label's box; the drawing's size."""

    vertical: bool
    width: int
    height: int
    nodes: dict[str, Box]
    paths: list[str]
    samples: list[list[Point]]
    labels: list[Box]


def _link_curve(src: Box, dst: Box, vertical: bool) -> tuple[Point, Point, Point, Point]:
    """From the side of the source that faces the derived report to the facing side of it; a
    report at or before its source's layer (a cycle) is reached by a loop outside them."""
    sx, sy, w, h = src
    dx, dy, _, _ = dst
    if not vertical and dx > sx:
        p0, p3 = (sx + w, sy + h / 2), (dx, dy + h / 2)
        bend = max(40.0, (p3[0] - p0[0]) / 2)
        return p0, (p0[0] + bend, p0[1]), (p3[0] - bend, p3[1]), p3
    if vertical and dy > sy:
        p0, p3 = (sx + w / 2, sy + h), (dx + w / 2, dy)
        bend = max(30.0, (p3[1] - p0[1]) / 2)
        return p0, (p0[0], p0[1] + bend), (p3[0], p3[1] - bend), p3
    if vertical:  # loop around on the right
        p0, p3 = (sx + w, sy + h / 2), (dx + w, dy + h / 2)
        return p0, (p0[0] + 60, p0[1]), (p3[0] + 60, p3[1]), p3
    p0, p3 = (sx + w / 2, sy + h), (dx + w / 2, dy + h)  # loop around below
    return p0, (p0[0], p0[1] + 60), (p3[0], p3[1] + 60), p3


def _detour(src: Box, dst: Box, vertical: bool, boxes: list[Box], gap: float, lane: float) -> list[Point]:
    """The corners of a route around every box, for a link that skips layers: out into the gap
    beside the source, round the outside of the drawing (above the columns; right of the rows,
    ``lane`` px out, so that a label fits between the boxes and the route), back through the
    gap beside the derived report."""
    sx, sy, w, h = src
    dx, dy, _, _ = dst
    if not vertical:
        top = min(b[1] for b in boxes) - 30
        xa, xb = sx + w + gap / 2, dx - gap / 2
        return [(sx + w, sy + h / 2), (xa, sy + h / 2), (xa, top), (xb, top), (xb, dy + h / 2), (dx, dy + h / 2)]
    right = max(b[0] + b[2] for b in boxes) + lane
    ya, yb = sy + h + gap / 2, dy - gap / 2
    return [(sx + w / 2, sy + h), (sx + w / 2, ya), (right, ya), (right, yb), (dx + w / 2, yb), (dx + w / 2, dy)]


def _rounded_path(points: list[Point], radius: float = 12.0) -> str:
    """An SVG path through the points with rounded corners."""
    out = ["M{:.1f},{:.1f}".format(*points[0])]
    for prev, corner, nxt in zip(points, points[1:], points[2:], strict=False):
        into, out_of = math.dist(prev, corner), math.dist(corner, nxt)
        r = min(radius, into / 2, out_of / 2)
        if r <= 0:
            continue
        a = (corner[0] + (prev[0] - corner[0]) * r / into, corner[1] + (prev[1] - corner[1]) * r / into)
        b = (corner[0] + (nxt[0] - corner[0]) * r / out_of, corner[1] + (nxt[1] - corner[1]) * r / out_of)
        out.append("L{:.1f},{:.1f} Q{:.1f},{:.1f} {:.1f},{:.1f}".format(*a, *corner, *b))
    out.append("L{:.1f},{:.1f}".format(*points[-1]))
    return " ".join(out)


def _along(points: list[Point], step: float = 4.0) -> list[Point]:
    """Points every ``step`` px along a polyline."""
    out = [points[0]]
    for a, b in zip(points, points[1:], strict=False):
        n = max(1, math.ceil(math.dist(a, b) / step))
        out.extend((a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(1, n + 1))
    return out


def _cubic_path(c: tuple[Point, Point, Point, Point]) -> str:
    return "M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}".format(*(v for point in c for v in point))


def graph_layout(
    layers: dict[int, list[str]], links: list[tuple[str, str]], label_sizes: list[tuple[float, float]]
) -> GraphLayout:
    """Layers as columns (a source left of what derives from it), or as rows when the columns
    would not fit a page and rows are narrower; a link whose curve would cross a report goes
    around the outside instead; each link's label is placed by :func:`place_edge_labels`."""
    w, h, pad = _NODE_W, _NODE_H, _GRAPH_PAD
    across_gap, stack_gap = 210, 44  # columns: room for labels between them; reports in a column
    row_gap, side_gap = 112, 40  # rows: room for labels between them; reports side by side
    depth = max(layers) + 1
    widest = max(len(v) for v in layers.values())
    in_columns = 2 * pad + depth * (w + across_gap) - across_gap
    in_rows = 2 * pad + widest * (w + side_gap) - side_gap
    vertical = in_columns > _GRAPH_FIT and in_rows < in_columns
    nodes: dict[str, Box] = {}
    for level in sorted(layers):
        names = layers[level]
        for r, n in enumerate(names):
            if vertical:
                first = (in_rows - (len(names) * (w + side_gap) - side_gap)) / 2  # each row centred
                nodes[n] = (first + r * (w + side_gap), float(pad + level * (h + row_gap)), float(w), float(h))
            else:
                nodes[n] = (float(pad + level * (w + across_gap)), float(pad + r * (h + stack_gap)), float(w), float(h))
    all_boxes = list(nodes.values())
    routes: list[tuple[str, tuple]] = []  # ("curve", four points) or ("detour", corners)
    for s, d in links:
        curve = _link_curve(nodes[s], nodes[d], vertical)
        points = bezier(*curve, steps=48)
        if any(box_touches(b, points, 2) for n, b in nodes.items() if n not in (s, d)):
            gap = row_gap if vertical else across_gap
            lane = 30 + max((lw for lw, _ in label_sizes), default=0.0) + 16
            routes.append(("detour", tuple(_detour(nodes[s], nodes[d], vertical, all_boxes, gap, lane))))
        else:
            routes.append(("curve", curve))

    def sampled(kind: str, points: tuple) -> list[Point]:
        return bezier(*points) if kind == "curve" else _along(list(points))

    # a route outside the boxes gets room beyond it for its label: everything moves over
    widest_label = max((lw for lw, _ in label_sizes), default=0.0) + 8
    tallest_label = max((lh for _, lh in label_sizes), default=0.0) + 8
    ys = [y for kind, points in routes for _, y in sampled(kind, points)]
    node_top = min(b[1] for b in all_boxes)
    shift = node_top - min(ys) + tallest_label if ys and min(ys) < node_top - 1 else 0.0
    if shift:
        nodes = {n: (x, y + shift, bw, bh) for n, (x, y, bw, bh) in nodes.items()}
        routes = [(kind, tuple((x, y + shift) for x, y in points)) for kind, points in routes]
    samples = [sampled(kind, points) for kind, points in routes]
    paths = [_cubic_path(points) if kind == "curve" else _rounded_path(list(points)) for kind, points in routes]
    node_right = max(b[0] + b[2] for b in nodes.values())
    route_right = max((x for s in samples for x, _ in s), default=0.0)
    bound = max(node_right, route_right) + (widest_label if route_right > node_right + 1 else 0.0) + pad
    if not vertical:
        bound = max(bound, float(in_columns))
    labels = place_edge_labels(samples, label_sizes, list(nodes.values()), bound)
    right = max([node_right, route_right, *(x + lw for x, _, lw, _ in labels)]) + pad
    bottom = max(
        [*(b[1] + b[3] for b in nodes.values()), *(y for s in samples for _, y in s), *(y + lh for _, y, _, lh in labels)]
    )
    return GraphLayout(vertical, math.ceil(right), math.ceil(bottom + pad), nodes, paths, samples, labels)


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


def _position_css(lefts: Iterable[int], widths: Iterable[int]) -> str:
    """The timeline's position and width classes in use (tenths of a percent)."""
    rules = [f".tl .x{v} {{ left: {v / 10:g}%; }}" for v in sorted(lefts)]
    rules += [f".tl .w{v} {{ width: {v / 10:g}%; }}" for v in sorted(widths)]
    return "\n".join(rules) + "\n" if rules else ""


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
    css = css + _type_css(types) + _position_css(page.lefts, page.widths)
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
        # timeline positions and widths in use, in tenths of a percent (see _at)
        self.lefts: set[int] = set()
        self.widths: set[int] = set()
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
        spans = (
            '<span><span class="swatch finding"></span>a finding, in the derivative (the colour of its type)</span> '
            '<span><span class="swatch ev"></span>its evidence, in the source</span> '
            '<span><span class="sample ev dropped">struck through</span>: left out by the derivative</span> '
            '<span><span class="sample q">italic</span>: a direct quote</span> '
            '<span><span class="sample dt">dotted</span>: a date</span>'
        )
        return (
            f'<div class="legend small"><strong>Sentences:</strong> {rel}'
            ' <span class="muted">— hover or click a sentence to see what it is aligned to; click a finding to highlight its spans.</span></div>'
            f'<div class="legend small"><strong>Spans:</strong> {spans}</div>'
        )

    def _story_title(self, story: dict) -> str:
        origin = story.get("origin")
        a = self.articles.get(origin) if isinstance(origin, str) else None
        what = report_name(a, origin, 90) if a else _short(story.get("id") or "story", 90)
        n = len(story.get("articles") or [])
        return f'{esc(what)} <span class="muted">({_plural(n, "report")})</span>'

    def _name(self, aid: Any, limit: int = 80) -> str:
        """A report's name (title, else first sentence) with its full text as a tooltip, and its id small beside."""
        a = self.articles.get(aid) if isinstance(aid, str) else None
        if a is None:
            return f'<span class="id">{esc(aid)}</span>'
        whole = full_name(a, aid)
        tip = whole if a.get("title") else f"{whole} (first sentence: the report has no title)"
        name = f'<span class="name" title="{esc(tip)}">{esc(report_name(a, aid, limit))}</span>'
        return name if whole == aid else f'{name} <span class="id small muted">{esc(aid)}</span>'

    def _article_line(self, aid: Any, role: str | None = None) -> str:
        """role badge, name (title, else first sentence), then id, date, outlet and url (escaped)."""
        a = self.articles.get(aid) if isinstance(aid, str) else None
        badge = f'<span class="role role-{esc(role)}">{esc(role)}</span> ' if role else ""
        if a is None:
            return f'{badge}<span class="id">{esc(aid)}</span> <span class="muted">(not in this trace)</span>'
        whole = full_name(a, aid)
        tip = whole if a.get("title") else f"{whole} (first sentence: the report has no title)"
        line = f'{badge}<strong class="name" title="{esc(tip)}">{esc(report_name(a, aid, 110))}</strong>'
        bits = [] if whole == aid else [f'<span class="id">{esc(aid)}</span>']
        bits.append(esc(a.get("published") or "undated"))
        if a.get("outlet"):
            bits.append(esc(a["outlet"]))
        line += '<br><span class="meta small muted">' + " · ".join(bits) + "</span>"
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

    def _at(self, percent_value: float) -> str:
        """The class that puts an element's left edge at a percentage of the timeline's width
        (a class, not a style attribute: the page's policy allows only its own stylesheet)."""
        tenths = round(min(max(percent_value, 0.0), 100.0) * 10)
        self.lefts.add(tenths)
        return f"x{tenths}"

    def _wide(self, percent_value: float) -> str:
        tenths = round(min(max(percent_value, 0.0), 100.0) * 10)
        self.widths.add(tenths)
        return f"w{tenths}"

    def _timeline(self, k: int, members: list[str], role: dict[str, str]) -> str:
        """Reports above the axis at their publication time, the dates their texts mention
        below it; the axis is to scale except across gaps drawn shorter behind a break mark.
        Every position is a percentage of the container's width, so the timeline fits any
        width; labels are packed into lanes so that none overlaps another, and a label too
        long for its box ends in an ellipsis with the full text in its tooltip."""
        reports: list[tuple[float, str]] = []
        undated: list[str] = []
        mentions: dict[tuple[str, str], list[str]] = {}  # (day, report) -> the texts that name that day
        for member in members:
            a = self.articles.get(member)
            if a is None:
                continue
            t = moment(a.get("published"))
            if t is None:
                undated.append(member)
            else:
                reports.append((t, member))
            for d in a.get("dates") or []:
                when = _day(d.get("date")) if isinstance(d, dict) else None
                if when is None or moment(when) is None:
                    continue
                texts = mentions.setdefault((when, member), [])
                text = " ".join(str(d.get("text") or "").split())
                if text and text not in texts:
                    texts.append(text)
        if not reports and not mentions:
            return '<p class="muted">No dates known.</p>' + self._undated(undated)
        reports.sort()
        number = {m: n for n, (_, m) in enumerate(reports, start=1)}
        number.update({m: len(reports) + n for n, m in enumerate(undated, start=1)})
        mention_times = {day: float(date.fromisoformat(day).toordinal()) for day, _ in mentions}
        axis = time_axis([t for t, _ in reports] + list(mention_times.values()))

        def place(fraction: float) -> float:  # a fraction of the axis -> a percentage of the width
            return _TL_PAD + fraction * (100 - 2 * _TL_PAD)

        def at(t: float) -> float:
            return place(axis.x(t))

        def anchored(x: float, width: float) -> float:  # the box starts at its point, kept inside
            return min(max(x - 0.6, 0.0), 100.0 - width)

        days = sorted({date.fromordinal(int(t)) for t, _ in reports} | {date.fromisoformat(d) for d, _ in mentions})

        # reports: one label each, every one shown
        pub_boxes = [(anchored(at(t), _TL_PUB_W), _TL_PUB_W) for t, _ in reports]
        pub_lanes = pack_lanes(pub_boxes, gap=0.8)
        pub_rows: dict[int, list[str]] = {}
        dots = []
        for (t, member), (left, width), lane in zip(reports, pub_boxes, pub_lanes, strict=True):
            a = self.articles.get(member) or {}
            rl = role.get(member, "related")
            tip = f"{number[member]}. {full_name(a, member)} — {member}, published {a.get('published')} ({rl})"
            pub_rows.setdefault(lane or 0, []).append(
                f'<span class="tl-label tl-pub role-{esc(rl)} {self._at(left)} {self._wide(width)}" data-article="{esc(member)}" '
                f'data-card="{self.card_ids.get(member, "")}" '
                f'title="{esc(tip)}"><span class="tl-n">{number[member]}</span>{esc(report_name(a, member, 120))}</span>'
            )
            dots.append(
                f'<span class="tl-dot role-{esc(rl)} {self._at(at(t))}" data-article="{esc(member)}" title="{esc(tip)}"></span>'
            )

        # under the axis: the gaps drawn shorter, then the days (those with a report first); a
        # day label that finds no room is left out (its tick keeps the date in a tooltip)
        pub_days = {date.fromordinal(int(t)) for t, _ in reports}
        segment_ends = {date.fromordinal(int(s.start)) for s in axis.segments} | {
            date.fromordinal(int(s.end)) for s in axis.segments
        }
        day_items: list[tuple[tuple, str, float, str, str]] = []  # (priority, class, x, text, tooltip)
        for b in axis.breaks:
            gap = round(b.days)
            first, last = _human_day(date.fromordinal(int(b.start))), _human_day(date.fromordinal(int(b.end)))
            tip = f"{_plural(gap, 'day')} from {first} to {last}, drawn shorter than the rest of the axis"
            day_items.append(((0, b.x), "tl-gap", place(b.x), f"⋯ {_plural(gap, 'day')} ⋯", tip))
        previous_year = None
        for day in days:
            text = _human_day(day, with_year=day.year != previous_year)
            previous_year = day.year
            rank = 1 if day in pub_days else 2 if day in segment_ends else 3
            day_items.append(((rank, day.toordinal()), "tl-day", at(day.toordinal()), text, _human_day(day)))
        day_items.sort(key=lambda item: item[0])
        day_boxes = []
        for _, _, x, text, _ in day_items:
            width = min(14.0, 1.5 + 0.8 * len(text))
            day_boxes.append((min(max(x - width / 2, 0.0), 100.0 - width), width))
        day_lanes = pack_lanes(day_boxes, gap=0.6, max_lanes=_TL_DAY_LANES)
        day_rows: dict[int, list[tuple[float, str]]] = {}
        for (_, cls, _, text, tip), (left, width), lane in zip(day_items, day_boxes, day_lanes, strict=True):
            if lane is not None:
                day_rows.setdefault(lane, []).append(
                    (
                        left,
                        f'<span class="tl-label {cls} {self._at(left)} {self._wide(width)}" title="{esc(tip)}">{esc(text)}</span>',
                    )
                )

        # the dates the texts mention: one chip per day, numbered with the reports that mention it
        by_day: dict[str, dict[str, list[str]]] = {}
        for (when, member), texts in mentions.items():
            by_day.setdefault(when, {})[member] = texts
        chips = sorted(by_day.items())
        chip_boxes = [(anchored(at(mention_times[when]), _TL_CHIP_W), _TL_CHIP_W) for when, _ in chips]
        chip_lanes = pack_lanes(chip_boxes, gap=0.6, max_lanes=_TL_EVENT_LANES)
        chip_rows: dict[int, list[str]] = {}
        for (when, texts_of), (left, width), lane in zip(chips, chip_boxes, chip_lanes, strict=True):
            if lane is None:
                continue
            readers = sorted(texts_of, key=lambda m: number[m])
            said = list(dict.fromkeys(t for m in readers for t in texts_of[m]))
            tip = f"{_human_day(date.fromisoformat(when))}, as the reports read their own words:\n" + "\n".join(
                f"{number[m]}. {', '.join(f'“{t}”' for t in texts_of[m]) or 'a date'} — {full_name(self.articles.get(m), m)} ({m})"
                for m in readers
            )
            badges = "".join(f'<span class="tl-n">{number[m]}</span>' for m in readers)
            chip_rows.setdefault(lane, []).append(
                f'<span class="tl-label tl-chip {self._at(left)} {self._wide(width)}" data-day="{esc(when)}" title="{esc(tip)}">'
                f"{badges}{esc(', '.join(f'“{t}”' for t in said))}</span>"
            )
        left_out = sum(1 for lane in chip_lanes if lane is None)

        out = ['<div class="tl" role="group" aria-label="timeline">']
        out.append('<div class="tl-guides">')
        out.extend(f'<span class="tl-guide {self._at(at(day.toordinal()))}"></span>' for day in days)
        out.append("</div>")
        out.append('<div class="tl-band tl-pubs">')
        for lane in sorted(pub_rows, reverse=True):  # lane 0 nearest the axis
            out.append('<div class="tl-lane">' + "".join(pub_rows[lane]) + "</div>")
        out.append("</div>")
        out.append('<div class="tl-axis">')
        out.extend(
            f'<span class="tl-tick {self._at(at(day.toordinal()))}" title="{esc(_human_day(day))}"></span>' for day in days
        )
        out.extend(
            f'<span class="tl-break {self._at(place(b.x))}" title="{esc(_plural(round(b.days), "day"))} left out of scale"></span>'
            for b in axis.breaks
        )
        out.extend(dots)
        out.append("</div>")
        out.append('<div class="tl-band tl-days">')
        for lane in sorted(day_rows):
            out.append('<div class="tl-lane">' + "".join(html for _, html in sorted(day_rows[lane])) + "</div>")
        out.append("</div>")
        if chip_rows:
            out.append('<div class="tl-band tl-events">')
            for lane in sorted(chip_rows):
                out.append('<div class="tl-lane">' + "".join(chip_rows[lane]) + "</div>")
            out.append("</div>")
        out.append("</div>")
        note = (
            "Above the axis: each report at its publication date (numbered in order of publication); "
            "below: the dates their texts mention (numbered with the reports that mention them), each read against its report's own date. "
            "The axis is to scale, except where “⋯” marks a gap drawn shorter."
        )
        if left_out:
            note += f" {_plural(left_out, 'more mentioned day')} not drawn (no room; each report's text marks its dates)."
        out.append(f'<p class="small muted">{note}</p>')
        out.append(self._undated(undated, number))
        return "\n".join(out)

    def _undated(self, undated: list[str], number: dict[str, int] | None = None) -> str:
        if not undated:
            return ""
        named = []
        for m in undated:
            a = self.articles.get(m)
            n = f"{number[m]}. " if number and m in number else ""
            named.append(f'{n}{esc(report_name(a, m, 60))} <span class="id">{esc(m)}</span>')
        return '<p class="small muted">Undated: ' + "; ".join(named) + "</p>"

    # ---- lineage graph ------------------------------------------------------------------

    def _lineage(self, k: int, members: list[str], edges: list[dict], role: dict[str, str], pairs: list[dict]) -> str:
        """Reports as boxes in layers (a source left of what derives from it), edges as curves
        with an arrow, each edge's label set beside its curve, clear of every curve and box.
        The SVG is drawn at its natural size and scales down to fit a narrower page."""
        named = dict.fromkeys(members + [e.get("source") for e in edges] + [e.get("derived") for e in edges])
        nodes = [n for n in named if isinstance(n, str)]
        depth = _depths(nodes, edges, self.articles)
        layers: dict[int, list[str]] = {}
        for n in nodes:
            layers.setdefault(depth[n], []).append(n)
        for level in layers:
            layers[level].sort(key=lambda n: (_day((self.articles.get(n) or {}).get("published")) or "9999", n))
        pair_of = {(p["source"], p["derived"]): f"p{k}-{i}" for i, p in enumerate(pairs)}
        drawn = []  # (edge, label lines)
        for e in edges:
            if e.get("source") not in depth or e.get("derived") not in depth:
                continue
            raw_verdict = e.get("verdict")
            verdict = raw_verdict if isinstance(raw_verdict, dict) else {}
            lines = [f"{percent(e.get('coverage'))} {_short(e.get('relation') or '', 24)}".strip()]
            if "facts_altered" in verdict:
                lines.append(
                    ("facts altered" if verdict.get("facts_altered") else "facts kept")
                    + (f" {number(verdict.get('score'))}" if verdict.get("score") is not None else "")
                )
            drawn.append((e, lines))
        sizes = [(16 + _LABEL_CHAR * max(len(t) for t in lines), 6.0 + 14 * len(lines)) for _, lines in drawn]
        layout = graph_layout(layers, [(e["source"], e["derived"]) for e, _ in drawn], sizes)
        width, height = layout.width, layout.height
        node_w, node_h = _NODE_W, _NODE_H
        pos = {n: (round(x), round(y)) for n, (x, y, _, _) in layout.nodes.items()}

        out = [
            f'<div class="graph"><svg class="lineage" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="lineage graph">',
            "<defs>",
            f'<marker id="arr-{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>',
            f'<marker id="arr-{k}-x" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrow altered" d="M0,0 L10,5 L0,10 z"/></marker>',
        ]
        # node text is cut to the box (the estimate of a text's width can be off by a few pixels)
        out.extend(
            f'<clipPath id="clip-{k}-{i}"><rect x="{x + 4}" y="{y}" width="{node_w - 8}" height="{node_h}"/></clipPath>'
            for i, (x, y) in enumerate(pos.values())
        )
        out.append("</defs>")
        for (e, lines), path, (bx, by, bw, bh) in zip(drawn, layout.paths, layout.labels, strict=True):
            s, d = e["source"], e["derived"]
            altered = bool((e.get("verdict") or {}).get("facts_altered")) if isinstance(e.get("verdict"), dict) else False
            tip = (
                f"{self._plain_name(s)}{arrow(e)}{self._plain_name(d)}"
                + order_note(e)
                + f": coverage {percent(e.get('coverage'))}, {e.get('relation')}, {e.get('sentences')} sentences, score {number(e.get('score'))}"
                + (f"; {lines[1]}" if len(lines) > 1 else "")
            )
            marker = f"arr-{k}-x" if altered else f"arr-{k}"
            arrowhead = "" if order_unknown(e) else f' marker-end="url(#{marker})"'  # none: order unknown
            texts = [
                f'<text class="edge-label" x="{bx + bw / 2:.1f}" y="{by + 15:.1f}" font-size="11" text-anchor="middle">{esc(lines[0])}</text>'
            ]
            if len(lines) > 1:
                colour = "#b42318" if altered else "#2b8a3e"
                texts.append(
                    f'<text class="edge-label" x="{bx + bw / 2:.1f}" y="{by + 29:.1f}" font-size="11" text-anchor="middle" font-weight="600" fill="{colour}">{esc(lines[1])}</text>'
                )
            # one group per edge (line and label), so a test or a script finds the edge as one element
            out.append(
                f'<g class="edge{" altered" if altered else ""}{" unordered" if order_unknown(e) else ""}" tabindex="0" '
                f'data-source="{esc(s)}" data-derived="{esc(d)}" data-pair="{pair_of.get((s, d), "")}">'
                f'<title>{esc(tip)}</title><path d="{path}"{arrowhead}/>'
                f'<rect class="label-bg" x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bh}" rx="4"/>'
                + "".join(texts)
                + "</g>"
            )
        clip_of = {n: i for i, n in enumerate(pos)}
        for n in nodes:
            x, y = pos[n]
            a = self.articles.get(n) or {}
            rl = role.get(n, "related")
            whole = full_name(a, n)
            name_lines = textwrap.wrap(whole, _NODE_CHARS) or [n]
            if len(name_lines) > 2:
                name_lines = [name_lines[0], _words(" ".join(name_lines[1:]), _NODE_CHARS)]
            when = moment(a.get("published"))
            day = _human_day(date.fromordinal(int(when))) if when is not None else "undated"
            meta = " · ".join([day, rl] + ([str(a["outlet"])] if a.get("outlet") else []))
            tip = f"{whole} — {n} · {a.get('published') or 'undated'} · {rl}" + (f" · {a['outlet']}" if a.get("outlet") else "")
            card = self.card_ids.get(n, "")
            texts = [
                f'<text x="{x + 10}" y="{y + 19 + 16 * r}" font-size="12" font-weight="600">{esc(line)}</text>'
                for r, line in enumerate(name_lines)
            ]
            texts.append(f'<text x="{x + 10}" y="{y + 55}" font-size="10.5" fill="#5b6670">{esc(_short(meta, 38))}</text>')
            if whole != n:  # the id, small, under a name taken from the report
                texts.append(
                    f'<text class="node-id" x="{x + 10}" y="{y + 70}" font-size="10" fill="#5b6670">{esc(_short(n, 34))}</text>'
                )
            out.append(
                f'<g class="node role-{esc(rl)}" tabindex="0" data-article="{esc(n)}" data-card="{card}"><title>{esc(tip)}</title>'
                f'<rect x="{x}" y="{y}" width="{node_w}" height="{node_h}"/>'
                f'<g clip-path="url(#clip-{k}-{clip_of[n]})">' + "".join(texts) + "</g></g>"
            )
        out.append("</svg></div>")
        out.append(
            '<p class="small muted">Arrows run from a source to the report derived from it; click an arrow for the side-by-side view, a report for its card.</p>'
        )
        return "\n".join(out)

    def _plain_name(self, aid: Any) -> str:
        return report_name(self.articles.get(aid) if isinstance(aid, str) else None, aid, 60)

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
        title = self._name(derived, 60) + (
            f' <span class="muted">derived from</span> {self._name(source, 60)}' if source else " (no source found)"
        )
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

        d_marks, s_marks = _Marks(), _Marks(evidence=True)
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
        # sentences are numbered from 1 for people (the trace and the element ids count from 0)
        where = []
        if isinstance(f.get("derived_sentence"), int):
            where.append(f"derived sentence {f['derived_sentence'] + 1}")
        if isinstance(f.get("source_sentence"), int):
            where.append(f"source sentence {f['source_sentence'] + 1}")
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

    def __init__(self, evidence: bool = False) -> None:
        # on the source side a finding's span is its evidence: drawn in the evidence colour,
        # never in a finding type's (several are reds that read as "unsupported")
        self.evidence = evidence
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
                if self.evidence:
                    classes.append("ev")
                attrs = f' data-f="{" ".join(dict.fromkeys(p["id"] for p in found))}"'
                lead = "evidence of " if self.evidence else ""
                tips += [f"{lead}{_label(p['type'])}: {p['tip']}" for p in found]
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
            f'<span class="{cls}" id="{prefix}{i}" data-s="{i}"{attrs}><span class="num">{i + 1}</span>{marks.render(i, s.get("text") or "")}</span> '
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
