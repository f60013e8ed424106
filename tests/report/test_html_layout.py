"""The HTML report's geometry and naming: a timeline to scale with long gaps behind a break
mark, labels that never overlap, lineage labels clear of every line, reports called by their
title or first sentence, evidence in a colour of its own."""

from __future__ import annotations

import colorsys
import math
import random
import re
from html.parser import HTMLParser

import pytest

from storytrace.report.html import (
    bezier,
    box_touches,
    boxes_overlap,
    full_name,
    graph_layout,
    pack_lanes,
    place_edge_labels,
    render_html,
    report_name,
    time_axis,
)
from tests.report.test_html import seeds_doc, seeds_page  # noqa: F401 - session fixtures
from tests.support.html_report import DERIVED_001, DERIVED_002, ORIGIN, _article, read_marks, small_doc

# ---------------------------------------------------------------------------------------------
# reading a rendered page back


class LayoutReader(HTMLParser):
    """The timeline's labels (band, lane, classes, text, tooltip), dots, breaks and the lineage
    graph's edges (path, label box) and nodes (box, texts), in the order of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: list[dict] = []
        self.dots: list[dict] = []
        self.breaks: list[dict] = []
        self.edges: list[dict] = []
        self.nodes: list[dict] = []
        self.style = ""
        self._stack: list[tuple[str, list[str]]] = []
        self._band = ""
        self._lane = 0
        self._open: dict | None = None  # the label or node whose text is being read
        self._open_depth = 0
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "style":
            self._in_style = True
        if tag == "div" and "tl-band" in classes:
            self._band = classes[1]
        if tag == "div" and "tl-lane" in classes:
            self._lane += 1
        if tag == "span" and "tl-label" in classes and self._open is None:
            self._open = {
                "band": self._band,
                "lane": self._lane,
                "classes": classes,
                "title": a.get("title"),
                "article": a.get("data-article"),
                "text": "",
            }
            self._open_depth = len(self._stack)
            self.labels.append(self._open)
        if tag == "span" and "tl-dot" in classes:
            self.dots.append({"classes": classes, "title": a.get("title"), "article": a.get("data-article")})
        if tag == "span" and "tl-break" in classes:
            self.breaks.append({"classes": classes, "title": a.get("title")})
        if tag == "g" and "edge" in classes:
            self.edges.append({"attrs": a, "path": None, "label": None})
        if tag == "path" and self.edges and self._inside("edge") and self.edges[-1]["path"] is None:
            self.edges[-1]["path"] = a["d"]
        if tag == "rect" and "label-bg" in classes:
            self.edges[-1]["label"] = tuple(float(a[k]) for k in ("x", "y", "width", "height"))
        if tag == "g" and "node" in classes:
            self.nodes.append({"attrs": a, "box": None, "texts": []})
        if tag == "rect" and self.nodes and self._inside("node") and self.nodes[-1]["box"] is None:
            self.nodes[-1]["box"] = tuple(float(a[k]) for k in ("x", "y", "width", "height"))
        if tag == "text" and self._inside("node"):
            self.nodes[-1]["texts"].append({"classes": classes, "text": ""})
        if tag not in ("rect", "path", "circle", "line", "br", "meta", "input"):
            self._stack.append((tag, classes))

    def _inside(self, cls: str) -> bool:
        return any(t == "g" and cls in c for t, c in self._stack)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        for k in range(len(self._stack) - 1, -1, -1):
            if self._stack[k][0] == tag:
                del self._stack[k:]
                break
        if self._open is not None and len(self._stack) <= self._open_depth:
            self._open = None

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        if self._open is not None:
            self._open["text"] += data
        if self._stack and self._stack[-1][0] == "text" and self._inside("node"):
            self.nodes[-1]["texts"][-1]["text"] += data


def read_layout(page: str) -> LayoutReader:
    reader = LayoutReader()
    reader.feed(page)
    reader.close()
    return reader


def _css_percent(style: str, prop: str, cls: str) -> float:
    """The percentage a timeline class sets (the page must carry the rule for every class it uses)."""
    m = re.search(r"\.tl \." + re.escape(cls) + r" \{ " + prop + r": ([0-9.]+)%; \}", style)
    assert m, f"no rule for .{cls}"
    return float(m.group(1))


def _box(reader: LayoutReader, label: dict) -> tuple[float, float]:
    """(left, right) of a timeline label, in percent of the timeline's width."""
    left = next(c for c in label["classes"] if re.fullmatch(r"x\d+", c))
    width = next(c for c in label["classes"] if re.fullmatch(r"w\d+", c))
    a = _css_percent(reader.style, "left", left)
    return a, a + _css_percent(reader.style, "width", width)


def _dot_x(reader: LayoutReader, dot: dict) -> float:
    return _css_percent(reader.style, "left", next(c for c in dot["classes"] if re.fullmatch(r"x\d+", c)))


def _path_points(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path of M, L, C and Q commands (absolute), as the report writes them."""
    tokens = re.findall(r"[MLCQ]|-?[0-9.]+", d)
    points: list[tuple[float, float]] = []
    at = (0.0, 0.0)
    i = 0
    while i < len(tokens):
        cmd = tokens[i]
        i += 1
        n = {"M": 1, "L": 1, "C": 3, "Q": 2}[cmd]
        xy = [(float(tokens[i + 2 * j]), float(tokens[i + 2 * j + 1])) for j in range(n)]
        i += 2 * n
        if cmd in "ML":
            if cmd == "L":
                steps = max(1, math.ceil(math.dist(at, xy[0]) / 3))
                points += [(at[0] + (xy[0][0] - at[0]) * s / steps, at[1] + (xy[0][1] - at[1]) * s / steps) for s in range(steps)]
            at = xy[0]
        elif cmd == "C":
            points += bezier(at, xy[0], xy[1], xy[2])
            at = xy[2]
        else:  # a quadratic corner, as the cubic with the same curve
            c1 = (at[0] + 2 / 3 * (xy[0][0] - at[0]), at[1] + 2 / 3 * (xy[0][1] - at[1]))
            c2 = (xy[1][0] + 2 / 3 * (xy[0][0] - xy[1][0]), xy[1][1] + 2 / 3 * (xy[0][1] - xy[1][1]))
            points += bezier(at, c1, c2, xy[1], steps=12)
            at = xy[1]
    points.append(at)
    return points


# ---------------------------------------------------------------------------------------------
# the time axis


def test_axis_is_to_scale_when_no_gap_stands_out():
    times = [10.0, 11.0, 13.0, 14.0, 16.0]
    axis = time_axis(times)
    assert axis.breaks == ()
    assert axis.x(10.0) == 0.0 and axis.x(16.0) == 1.0
    for t in times + [12.5, 15.25]:
        assert axis.x(t) == pytest.approx((t - 10.0) / 6.0)


def test_a_long_gap_is_drawn_shorter_behind_a_break():
    # gaps 1, 1, 1, 37, 1: the 37 days are more than three times the median (1 day)
    axis = time_axis([0.0, 1.0, 2.0, 3.0, 40.0, 41.0])
    assert len(axis.breaks) == 1
    gap = axis.breaks[0]
    assert (gap.start, gap.end, gap.days) == (3.0, 40.0, 37.0)
    assert [(s.start, s.end) for s in axis.segments] == [(0.0, 3.0), (40.0, 41.0)]
    # drawn at three times the median gap, out of 1 + 1 + 1 + 3 + 1 = 7 such days
    assert axis.x(40.0) - axis.x(3.0) == pytest.approx(3 / 7)
    assert axis.x(3.0) < gap.x < axis.x(40.0)
    # each segment stays to scale, at the same scale
    assert axis.x(1.5) - axis.x(0.0) == pytest.approx(1.5 / 7)
    assert axis.x(40.5) - axis.x(40.0) == pytest.approx(0.5 / 7)


def test_short_gaps_are_never_broken():
    # 1.5 days is more than three times the median gap (a few hours) but under the 2-day floor
    hours = [0.0, 0.1, 0.2, 0.3, 1.8]
    assert time_axis(hours).breaks == ()
    assert time_axis([0.0, 300.0]).breaks == ()  # two dates: nothing to compare the gap with
    single = time_axis([5.0])
    assert single.x(5.0) == 0.5 and single.breaks == ()
    assert time_axis([]).x(1.0) == 0.5


def test_axis_is_deterministic_and_independent_of_order():
    times = [0.0, 1.0, 2.0, 3.0, 40.0, 41.0, 41.5, 2.0]
    shuffled = list(times)
    random.Random(7).shuffle(shuffled)
    assert time_axis(times) == time_axis(shuffled)
    page = render_html(_crowded_doc())
    assert page == render_html(_crowded_doc())


def test_lanes_never_hold_two_boxes_that_meet():
    rng = random.Random(3)
    boxes = [(rng.uniform(0, 90), rng.uniform(2, 20)) for _ in range(60)]
    lanes = pack_lanes(boxes, gap=0.5)
    assert all(lane is not None for lane in lanes)
    for i, (a, wa) in enumerate(boxes):
        for j, (b, wb) in enumerate(boxes[:i]):
            if lanes[i] == lanes[j]:
                assert a + wa + 0.5 <= b or b + wb + 0.5 <= a, (i, j)
    # a box that would need a lane past the limit is left out, not overlapped
    assert pack_lanes([(0, 10), (5, 10), (8, 10)], max_lanes=2) == [0, 1, None]
    assert pack_lanes([(0, 10), (10, 10)]) == [0, 0]


# ---------------------------------------------------------------------------------------------
# the timeline as rendered


def _check_timeline_labels(reader: LayoutReader) -> None:
    """Inside the width; no two labels of one lane of one band meet."""
    by_lane: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for label in reader.labels:
        left, right = _box(reader, label)
        assert 0 <= left and right <= 100.05, label
        by_lane.setdefault((label["band"], label["lane"]), []).append((left, right))
    for spans in by_lane.values():
        spans.sort()
        for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False):
            assert a_end <= b_start + 1e-9, spans


def test_seeds_timeline_is_to_scale_with_the_gap_broken(seeds_doc, seeds_page):  # noqa: F811
    reader = read_layout(seeds_page)
    dots = {d["article"]: _dot_x(reader, d) for d in reader.dots}
    # 30 Oct, 6 Nov, 8 Nov lie on one segment: 7 days then 2 days, to scale (positions are
    # written to a tenth of a percent)
    ratio = (dots[DERIVED_001] - dots[DERIVED_002]) / (dots[DERIVED_002] - dots[ORIGIN])
    assert ratio == pytest.approx(2 / 7, abs=0.01)
    # "on October 7" is 19 days before the next date: drawn shorter, with a break and its length
    assert len(reader.breaks) == 1 and "19 days" in reader.breaks[0]["title"]
    gaps = [label for label in reader.labels if "tl-gap" in label["classes"]]
    assert [g["text"] for g in gaps] == ["⋯ 19 days ⋯"]
    _check_timeline_labels(reader)
    # every report has its label, and the label starts at or before its dot and reaches past it
    pubs = [label for label in reader.labels if "tl-pub" in label["classes"]]
    assert len(pubs) == 3
    for label in pubs:
        left, right = _box(reader, label)
        assert left <= dots[label["article"]] <= right


def _crowded_doc() -> dict:
    """Eight reports over seven weeks, with times of day, the same dates mentioned by many of
    them, a mention five years back, and a lineage that skips layers."""
    published = [
        "2024-01-01T08:00:00+00:00",
        "2024-01-01T15:30:00+00:00",
        "2024-01-02",
        "2024-01-03",
        "2024-01-03",
        "2024-02-20",
        "2024-02-21",
        "2024-02-21T22:00:00+00:00",
    ]
    mentioned = (("last Monday", "2023-12-25"), ("on 3 January", "2024-01-03"), ("in 2019", "2019-05-01"))
    articles = []
    for i, when in enumerate(published):
        dates = [{"sentence": 0, "start": 0, "end": 3, "text": t, "date": d, "relative": True} for t, d in mentioned]
        dates.append({"sentence": 0, "start": 0, "end": 3, "text": "yesterday", "date": when[:10], "relative": True})
        articles.append(
            _article(
                f"r{i}_{'x' * 30}",
                [f"Report {i} opens with a long first sentence about the harbour strike and the stalled talks.", "More."],
                when,
                title=f"Harbour strike, day {i}: unions and port authority trade blame over pay" if i % 2 else None,
                outlet=f"Outlet {i}",
                dates=dates,
            )
        )
    ids = [a["id"] for a in articles]
    links = ((0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 5), (5, 6), (6, 7), (0, 7))
    edges = [
        {
            "source": ids[i],
            "derived": ids[j],
            "coverage": 0.5,
            "relation": "paraphrase",
            "sentences": 2,
            "score": 0.6,
            "verdict": {"facts_altered": j % 2 == 0, "score": 0.5},
        }
        for i, j in links
    ]
    story = {"id": "s", "articles": ids, "origin": ids[0], "edges": edges, "alignments": [], "findings": []}
    return {"articles": articles, "stories": [story]}


def test_crowded_timeline_labels_never_meet():
    reader = read_layout(render_html(_crowded_doc()))
    _check_timeline_labels(reader)
    assert len([label for label in reader.labels if "tl-pub" in label["classes"]]) == 8  # every report
    # 2019, the Christmas week and the seven weeks to 20 February are far from the rest
    assert [b["title"] for b in reader.breaks] == [
        "1699 days left out of scale",
        "7 days left out of scale",
        "48 days left out of scale",
    ]
    # one chip per mentioned day, numbered with every report that mentions it
    chips = [label for label in reader.labels if "tl-chip" in label["classes"]]
    in_2019 = next(c for c in chips if "in 2019" in c["text"])
    assert in_2019["text"].startswith("12345678")
    assert in_2019["title"].count("“in 2019”") == 8


# ---------------------------------------------------------------------------------------------
# the lineage graph


def _check_graph(reader: LayoutReader) -> None:
    """No edge label touches a line (its own or another's), a report's box or another label."""
    curves = [_path_points(e["path"]) for e in reader.edges]
    boxes = [n["box"] for n in reader.nodes]
    labels = [e["label"] for e in reader.edges]
    for i, label in enumerate(labels):
        for curve in curves:
            assert not box_touches(label, curve, 2.0), (reader.edges[i]["attrs"], label)
        for box in boxes:
            assert not boxes_overlap(label, box, 2.0), (label, box)
        for other in labels[:i]:
            assert not boxes_overlap(label, other, 2.0), (label, other)


def test_seeds_graph_labels_are_clear_of_the_arrows(seeds_page):  # noqa: F811
    reader = read_layout(seeds_page)
    assert len(reader.edges) == 2
    _check_graph(reader)


def test_crowded_graph_fits_in_rows_and_routes_around_reports():
    doc = _crowded_doc()
    reader = read_layout(render_html(doc))
    assert len(reader.edges) == 9
    _check_graph(reader)
    width = max(n["box"][0] + n["box"][2] for n in reader.nodes)
    assert width < 1000  # eight reports in six layers: drawn in rows, not 2,500 px of columns
    # r0 -> r7 skips five layers: its line crosses no report's box in between
    boxes = {n["attrs"]["data-article"]: n["box"] for n in reader.nodes}
    skip = next(
        e for e in reader.edges if e["attrs"]["data-derived"].startswith("r7") and e["attrs"]["data-source"].startswith("r0")
    )
    points = _path_points(skip["path"])
    for name, box in boxes.items():
        if not name.startswith(("r0", "r7")):
            assert not box_touches(box, points), name


def test_layout_in_columns_detours_above_a_skipped_report():
    layers = {0: ["a"], 1: ["b"], 2: ["c"]}
    layout = graph_layout(layers, [("a", "b"), ("b", "c"), ("a", "c")], [(120.0, 34.0)] * 3)
    assert not layout.vertical  # three columns still fit
    b = layout.nodes["b"]
    assert not box_touches(b, layout.samples[2])
    assert min(y for _, y in layout.samples[2]) < b[1]  # over the top
    assert all(y >= 0 for _, y, _, _ in layout.labels)


def test_labels_placed_beside_crossing_lines():
    # two lines crossing in an X, and a box at the centre: each label finds a clear place
    curves = [bezier((0, 0), (100, 100), (200, 200), (300, 300)), bezier((0, 300), (100, 200), (200, 100), (300, 0))]
    boxes = place_edge_labels(curves, [(80.0, 30.0), (80.0, 30.0)], [(130.0, 130.0, 40.0, 40.0)], 300.0)
    for label in boxes:
        assert not any(box_touches(label, c, 5.0) for c in curves)
        assert not boxes_overlap(label, (130.0, 130.0, 40.0, 40.0), 5.0)
    assert not boxes_overlap(boxes[0], boxes[1], 5.0)


# ---------------------------------------------------------------------------------------------
# naming


def test_name_is_title_then_first_sentence_then_id():
    titled = _article("a1", ["First sentence here."], "2024-01-01", title="  The   Title ")
    untitled = _article("a2", ["The first sentence, which is the name when there is no title."], "2024-01-01")
    empty = _article("a3", [], "2024-01-01")
    assert full_name(titled) == "The Title"
    assert full_name(untitled) == "The first sentence, which is the name when there is no title."
    assert full_name(empty) == "a3"
    assert full_name(None, "x9") == "x9"
    # shortened at a word, with an ellipsis
    assert report_name(untitled, limit=30) == "The first sentence, which is…"
    assert len(report_name(untitled, limit=30)) <= 30


def test_page_names_reports_by_title_or_first_sentence():
    doc = small_doc()
    doc["articles"].append(_article("D-no-text", [], "2024-01-04"))
    doc["stories"][0]["articles"].append("D-no-text")
    page = render_html(doc)
    reader = read_layout(page)
    names = {n["attrs"]["data-article"]: n["texts"][0]["text"] for n in reader.nodes}
    assert names["A"] == "Storm" and names["B"] == "Copy"
    assert names["C"] == "About 60 people were hurt in"  # the first sentence, wrapped in the box
    assert names["D-no-text"] == "D-no-text"  # nothing else to call it
    pubs = {label["text"] for label in reader.labels if "tl-pub" in label["classes"]}
    assert pubs == {"1Storm", "2Copy", "3About 60 people were hurt in the storm.", "4D-no-text"}
    # the side-by-side heading and the contents name the reports too, the id small beside
    assert re.search(r'<h4><span class="name" title="Copy">Copy</span> <span class="id small muted">B</span>', page)
    assert '<a href="#story-0">Storm <span class="muted">(4 reports)</span></a>' in page


def test_seeds_reports_are_never_named_by_file_id(seeds_page):  # noqa: F811
    reader = read_layout(seeds_page)
    ids = (ORIGIN, DERIVED_001, DERIVED_002)
    for node in reader.nodes:
        name = node["texts"][0]["text"]
        assert not any(i[:6] in name for i in ids), name
        assert node["texts"][-1]["classes"] == ["node-id"]  # the id is there, small, last
    for label in reader.labels:
        assert not any(i[:6] in label["text"] for i in ids), label
    pubs = {label["article"]: label["text"] for label in reader.labels if "tl-pub" in label["classes"]}
    assert pubs[ORIGIN].startswith("1The sources agreed that the talks faltered on Friday")
    assert pubs[DERIVED_002].startswith("2Recent negotiations are actively taking place")
    assert pubs[DERIVED_001].startswith("3Talks to secure the release of 230 hostages")


def test_sentences_and_findings_are_numbered_from_one():
    page = render_html(small_doc())
    # the first sentence of B is the element p0-0-d0 (ids count from 0), shown as sentence 1
    assert '<span class="sent rel-paraphrase" id="p0-0-d0" data-s="0" data-partners="p0-0-s0"><span class="num">1</span>' in page
    item = re.search(r'<li [^>]*data-finding-id="f0-0"[^>]*>(.*?)</li>', page).group(1)
    assert "derived sentence 1, source sentence 1" in item and "#0" not in item


# ---------------------------------------------------------------------------------------------
# evidence


def _hue(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_evidence_has_its_own_colour_in_the_legend(seeds_page):  # noqa: F811
    style = read_layout(seeds_page).style
    colour = dict(re.findall(r"--([a-z_-]+): (#[0-9a-f]{6})", style))
    assert colour["evidence"] != colour["unsupported"]
    # not a red: a hue well away from the "unsupported" one and from every red finding type
    for red in ("unsupported", "c-conflict", "c-unsupported_claim"):
        distance = abs(_hue(colour["evidence"]) - _hue(colour[red]))
        assert min(distance, 360 - distance) > 90, red
    assert re.search(r"\.mark\.f\.ev \{ background: var\(--evidence\);", style)
    assert re.search(r"\.swatch\.ev \{ background: var\(--evidence\);", style)
    legend = re.search(r"<strong>Spans:</strong>(.*?)</div>", seeds_page).group(1)
    assert '<span class="swatch ev"></span>its evidence, in the source' in legend


def test_evidence_marks_are_on_the_source_side_only(seeds_doc, seeds_page):  # noqa: F811
    reader = read_marks(seeds_page)
    sides: dict[str, set[str]] = {"derived": set(), "source": set()}
    side = None
    for tag, attrs in reader.tags:
        classes = (attrs.get("class") or "").split()
        if "side-derived" in classes:
            side = "derived"
        elif "side-source" in classes:
            side = "source"
        elif "findings" in classes:
            side = None
        if tag == "span" and "mark" in classes and "f" in classes and side:
            sides[side].add("ev" in classes)
    assert sides == {"derived": {False}, "source": {True}}
    # the conflict's evidence in 000 is marked as evidence, not in a red
    conflict = next(
        n for n, f in enumerate(seeds_doc["stories"][0]["findings"]) if f["type"] == "conflict" and f["derived"] == DERIVED_002
    )
    assert re.search(
        rf'<span class="mark f t-conflict ev[^"]*" data-f="f0-{conflict}"[^>]*>sending ground forces into Gaza', seeds_page
    )


def test_dates_are_written_without_the_locale():
    page = render_html(small_doc())
    assert "29 Dec 2023" in page and "1 Jan 2024" in page
