"""The single-file HTML report: self-contained, every finding listed and highlighted in place,
hostile report text inert."""

from __future__ import annotations

import json
import re

import pytest

from storytrace.report.html import json_for_script, render_html, safe_url, write_html
from tests.support.html_report import (
    DERIVED_001,
    DERIVED_002,
    ORIGIN,
    PAYLOADS,
    read_marks,
    seeds_available,
    seeds_trace,
    small_doc,
    span_text,
)


@pytest.fixture(scope="session")
def seeds_doc(tmp_path_factory):
    if not seeds_available():
        pytest.skip("shared seeds not available")
    return seeds_trace(tmp_path_factory.mktemp("html-seeds"))


@pytest.fixture(scope="session")
def seeds_page(seeds_doc):
    return render_html(seeds_doc)


# ---------------------------------------------------------------------------------------------
# self-contained


def _assert_self_contained(page: str, doc: dict) -> None:
    reader = read_marks(page)
    urls = {a.get("url") for a in doc["articles"]}
    for tag, attrs in reader.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), tag
        assert "src" not in attrs and "srcset" not in attrs, (tag, attrs)
        for name in ("href", "xlink:href", "action", "poster", "data"):
            value = attrs.get(name)
            if value is None:
                continue
            if value.startswith("#"):
                continue
            # the only links out: an article's own http(s) URL, as a plain link (navigation, not a load)
            assert tag == "a" and "src-url" in (attrs.get("class") or ""), (tag, attrs)
            assert re.match(r"^https?://", value) and value in urls, value
    lowered = page.lower()
    assert "@import" not in lowered
    for m in re.finditer(r"url\(([^)]*)\)", page):
        assert m.group(1).startswith("#"), m.group(0)  # only references inside the page (SVG markers)
    scripts = [attrs for attrs, _ in reader.scripts]
    assert scripts == [{"type": "application/json", "id": "st-data"}, {}]


def test_small_doc_is_self_contained_and_links_only_http_urls():
    doc = small_doc()
    page = render_html(doc)
    _assert_self_contained(page, doc)
    assert 'href="https://example.org/story?a=1&amp;b=2"' in page
    for bad in (
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "//evil.example/x",
        "ftp://x.org/a",
        "http:/x",
        " javascript:x",
    ):
        page = render_html(small_doc(url=bad))
        reader = read_marks(page)
        assert not [a for t, a in reader.tags if t == "a" and "src-url" in (a.get("class") or "")], bad
        assert 'href="' + bad not in page


def test_safe_url():
    assert safe_url("https://a.org/x?y=1") == "https://a.org/x?y=1"
    assert safe_url("HTTP://a.org") == "HTTP://a.org"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "//a.org", "/local", "data:x", "https://a.org/ x", "https:///x", None, 3):
        assert safe_url(bad) is None, bad


def test_seeds_report_is_self_contained(seeds_doc, seeds_page, tmp_path):
    _assert_self_contained(seeds_page, seeds_doc)
    out = tmp_path / "report.html"
    write_html(seeds_doc, out)
    assert out.read_text(encoding="utf-8") == seeds_page  # deterministic
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', seeds_page).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "unsafe-inline" not in csp


# ---------------------------------------------------------------------------------------------
# findings: listed, highlighted


def _check_every_finding(doc: dict, page: str) -> None:
    reader = read_marks(page)
    expected = {}
    for k, story in enumerate(doc["stories"]):
        for n, f in enumerate(story["findings"]):
            expected[f"f{k}-{n}"] = f
    assert set(reader.items) == set(expected)
    for fid, f in expected.items():
        assert reader.items[fid]["data-type"] == f["type"]
        if f["derived_span"]:
            assert reader.text(fid, "derived") == span_text(doc, f["derived"], f["derived_span"]), (fid, f)
        if f["source_span"]:
            assert reader.text(fid, "source") == span_text(doc, f["source"], f["source_span"]), (fid, f)


def test_small_doc_findings_listed_and_highlighted():
    doc = small_doc()
    page = render_html(doc)
    _check_every_finding(doc, page)
    reader = read_marks(page)
    assert reader.text("f0-0", "derived") == "60" and reader.text("f0-0", "source") == "40"
    assert reader.text("f0-1", "derived") == "It was bad."
    assert "no span to highlight" in page  # the finding without evidence says so, and is still listed
    # an unknown finding type still gets a safe class
    assert 'class="t-made_up_type_"' in page


def test_seeds_every_finding_listed_and_highlighted(seeds_doc, seeds_page):
    assert sum(len(s["findings"]) for s in seeds_doc["stories"]) > 20
    _check_every_finding(seeds_doc, seeds_page)


# What EXPECTED.md asks for, as (derived report, finding type, side, text that must be marked).
EXPECTED_MARKS = [
    (DERIVED_001, "number_changed", "derived", "230 hostages"),
    (DERIVED_001, "number_changed", "source", "more than 200 hostages"),
    (DERIVED_001, "detail_dropped", "derived", "four hostages"),
    (DERIVED_001, "detail_dropped", "source", "4 women hostages"),
    (DERIVED_001, "detail_dropped", "derived", "various foreign countries"),
    (DERIVED_001, "entity_dropped", "source", "Qatar"),
    (DERIVED_001, "entity_dropped", "source", "John Kirby"),
    (DERIVED_001, "entity_dropped", "source", "Jason Strazioso"),
    (DERIVED_001, "date_shift", "derived", "early on Friday"),
    (DERIVED_001, "date_shift", "source", "early on Friday"),
    (DERIVED_001, "unsupported_claim", "derived", "Both Hamas and Israel have taken firm stances on these issues."),
    (DERIVED_001, "unsupported_claim", "derived", "children, elderly"),
    (DERIVED_001, "unsupported_claim", "derived", "accusations of psychological terror"),
    (DERIVED_001, "filler", "derived", "The situation remains highly complex"),
    (DERIVED_001, "filler", "derived", "negotiators remain hopeful"),
    (DERIVED_002, "detail_changed", "derived", "four hostages, including two Americans and two Israelis"),
    (DERIVED_002, "entity_added", "derived", "Egypt"),
    (DERIVED_002, "entity_added", "derived", "Herzi Halevi"),
    (DERIVED_002, "entity_added", "derived", "Joe Biden"),
    (DERIVED_002, "entity_added", "derived", "Benjamin Netanyahu"),
    (DERIVED_002, "conflict", "derived", "delay any ground invasion"),
    (DERIVED_002, "conflict", "source", "sending ground forces into Gaza"),
    (DERIVED_002, "unsupported_claim", "derived", "urged Israel to delay any ground invasion"),
    (DERIVED_002, "unsupported_claim", "derived", "Biden initially suggested a ceasefire"),
    (DERIVED_002, "filler", "derived", "Continued efforts and collaboration among all involved parties are vital"),
    (DERIVED_002, "filler", "derived", "the ultimate release of the hostages depends on achieving a comprehensive agreement"),
    # and the rest of what EXPECTED.md lists
    (DERIVED_001, "entity_dropped", "source", "International Committee of the Red Cross"),
    (DERIVED_001, "framing_changed", "derived", "devastating terrorist attack"),
    (DERIVED_001, "framing_changed", "source", "surprise attack"),
    (DERIVED_001, "order_changed", "source", "before Israel began the second phase of its attack"),
    (DERIVED_002, "unsupported_claim", "derived", "this demand is non-negotiable"),
    (DERIVED_002, "unsupported_claim", "derived", "efforts would be made to provide fuel"),
    (
        DERIVED_002,
        "unsupported_claim",
        "derived",
        "Biden recently discussed the situation with Israeli Prime Minister Benjamin Netanyahu",
    ),
]


def test_seeds_expected_findings_are_highlighted_in_place(seeds_doc, seeds_page):
    reader = read_marks(seeds_page)
    story_k = next(k for k, s in enumerate(seeds_doc["stories"]) if ORIGIN in s["articles"])
    findings = seeds_doc["stories"][story_k]["findings"]
    missing = []
    for derived, kind, side, needle in EXPECTED_MARKS:
        ids = [f"f{story_k}-{n}" for n, f in enumerate(findings) if f["derived"] == derived and f["type"] == kind]
        if not any(needle in reader.text(fid, side) for fid in ids):
            missing.append((derived, kind, side, needle))
    assert not missing, missing
    # at least three quotes of 000 that 001 restates without their speaker, speaker marked in 000
    dropped = [
        f"f{story_k}-{n}" for n, f in enumerate(findings) if f["derived"] == DERIVED_001 and f["type"] == "attribution_dropped"
    ]
    assert len([fid for fid in dropped if reader.text(fid, "source")]) >= 3


def test_seeds_graph_and_alignment_links(seeds_doc, seeds_page):
    reader = read_marks(seeds_page)
    edges = {
        (a.get("data-source"), a.get("data-derived"))
        for t, a in reader.tags
        if t == "g" and "edge" in (a.get("class") or "").split()
    }
    assert (ORIGIN, DERIVED_001) in edges and (ORIGIN, DERIVED_002) in edges
    assert (DERIVED_001, DERIVED_002) not in edges and (DERIVED_002, DERIVED_001) not in edges
    ids = {a.get("id") for _, a in reader.tags if a.get("id")}
    sentences = [a for t, a in reader.tags if t == "span" and "sent" in (a.get("class") or "").split()]
    linked = [a for a in sentences if a.get("data-partners")]
    assert len(linked) > 10
    for a in linked:  # every partner exists, and links back
        for partner in a["data-partners"].split():
            assert partner in ids
            back = next(b for b in sentences if b.get("id") == partner)
            assert a["id"] in back["data-partners"].split()
    classes = {c for a in sentences for c in (a.get("class") or "").split()}
    assert {"rel-paraphrase", "rel-partial", "rel-unsupported"} <= classes


# ---------------------------------------------------------------------------------------------
# layout


def test_lineage_layers_follow_derivation_and_survive_a_cycle():
    doc = small_doc()
    page = render_html(doc)
    xs = {}
    for m in re.finditer(r'<g class="node[^"]*"[^>]*data-article="([^"]+)"[^>]*>.*?<rect x="(\d+)"', page):
        xs[m.group(1)] = int(m.group(2))
    assert xs["A"] < xs["B"] < xs["C"]
    story = doc["stories"][0]
    story["edges"].append({"source": "C", "derived": "A", "coverage": 0.1, "relation": "partial", "sentences": 1, "score": 0.1})
    page = render_html(doc)  # must terminate and still draw every node
    assert all(f'data-article="{x}"' in page for x in ("A", "B", "C"))


def test_empty_and_minimal_documents():
    page = render_html({"schema": "x", "articles": [], "stories": []})
    assert "The trace holds no stories." in page
    page = render_html(
        {
            "articles": [{"id": "x"}],
            "stories": [{"id": "s", "articles": ["x", "y"], "findings": [{"type": "filler", "derived": "y"}]}],
        }
    )
    assert 'data-finding-id="f0-0"' in page and "not in this trace" in page


# ---------------------------------------------------------------------------------------------
# escaping


EVIL = "\"'><script>alert(1)</script><img src=x onerror=alert(2)></style><!--"


def _no_active_markup(page: str) -> None:
    reader = read_marks(page)
    assert [t for t, _ in reader.tags if t == "script"] == ["script", "script"]
    for tag, attrs in reader.tags:
        assert tag not in ("img", "iframe", "object", "embed", "base", "link", "form"), (tag, attrs)
        if tag == "meta":  # only the page's own: no injected refresh
            assert (
                "charset" in attrs
                or attrs.get("name") in ("viewport", "referrer", "generator")
                or attrs.get("http-equiv") == "Content-Security-Policy"
            ), attrs
        assert not [n for n in attrs if n.startswith("on")], (tag, attrs)
        for value in attrs.values():
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
    assert [t for t, _ in reader.tags if t == "style"] == ["style"]


def test_hostile_text_is_escaped_everywhere():
    doc = small_doc(EVIL, url="javascript:alert(3)")
    page = render_html(doc, title=EVIL)
    _no_active_markup(page)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the JSON for the script cannot close its element, and still holds the text exactly
    reader = read_marks(page)
    raw = reader.scripts[0][1]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["findings"]["f0-0"]["explanation"] == f"60 where the source says 40{EVIL}"
    # and the findings are still all there and highlighted
    _check_every_finding(doc, page)


def test_json_for_script_escapes_closing_tags():
    text = json_for_script({"a": "</script><!--&\u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!--&\u2028"}


def test_traced_payload_report_renders_inert(tmp_path_factory):
    from tests.support.html_report import hostile_trace

    doc = hostile_trace(tmp_path_factory.mktemp("html-hostile"))
    assert any(s["findings"] for s in doc["stories"]), "the hostile corpus should produce findings"
    page = render_html(doc)
    _no_active_markup(page)
    for p in PAYLOADS:
        assert p not in page
    reader = read_marks(page)
    links = [a["href"] for t, a in reader.tags if t == "a" and "href" in a and not a["href"].startswith("#")]
    assert set(links) == {'https://example.org/a?<b>="x"'}  # the one http(s) URL; javascript: and // are text only
    assert "javascript:window.__pwned=&#x27;url&#x27;" in page
    _check_every_finding(doc, page)


# ---------------------------------------------------------------------------------------------
# the command line


def test_compare_writes_html(tmp_path):
    from typer.testing import CliRunner

    from storytrace.cli import app

    source = tmp_path / "a.txt"
    derived = tmp_path / "b.txt"
    source.write_text(
        " date 2024-03-04 Officials said 1,200 dockworkers walked out on Monday. The port handles 40 percent of grain exports. Talks resume on Thursday.",
        encoding="utf-8",
    )
    derived.write_text(
        " date 2024-03-06 Officials said 3,000 dockworkers walked out on Monday. The port handles 40 percent of grain exports. <script>alert(1)</script>",
        encoding="utf-8",
    )
    out = tmp_path / "compare.html"
    result = CliRunner().invoke(app, ["compare", str(source), str(derived), "--html", str(out), "-q"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'class="edge' in page and 'data-source="a"' in page and 'data-derived="b"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'data-type="number_changed"' in page  # 1,200 -> 3,000
