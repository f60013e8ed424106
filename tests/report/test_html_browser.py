"""The HTML report in headless Chromium (the system /usr/bin/chromium): the seeds' report works
(graph, finding highlights, filters, sentence links), fits the window with no label over
another, shows every finding EXPECTED.md lists, and hostile report text never executes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storytrace.report.html import render_html, write_html
from tests.report.test_html import EXPECTED_MARKS
from tests.report.test_html_layout import _crowded_doc
from tests.support.browser import ARGS, CHROMIUM
from tests.support.html_report import (
    DERIVED_001,
    DERIVED_002,
    ORIGIN,
    hostile_trace,
    seeds_available,
    seeds_trace,
)

# records what must never happen: a dialog, a CSP violation (something tried to run or load)
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


# module scope: a second sync Playwright (another test module) cannot start while this one runs
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page that records dialogs, requests, script errors and console errors."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.set_default_timeout(5000)
        self.dialogs, self.requests, self.errors = [], [], []
        self.page.add_init_script(WATCH)
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> None:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.page.close()


def _in_view(page, selector: str) -> list[bool]:
    """For each element: visible inside both the window and its scrolling column."""
    return page.eval_on_selector_all(
        selector,
        """els => els.map(el => {
            const r = el.getBoundingClientRect();
            const body = el.closest('.body');
            const c = body ? body.getBoundingClientRect() : {top: 0, bottom: innerHeight};
            return r.height > 0 && r.bottom > Math.max(0, c.top) && r.top < Math.min(innerHeight, c.bottom);
        })""",
    )


# ---------------------------------------------------------------------------------------------
# the seeds


@pytest.fixture(scope="session")
def seeds_html(tmp_path_factory):
    if not seeds_available():
        pytest.skip("shared seeds not available")
    root = tmp_path_factory.mktemp("browser-seeds")
    doc = seeds_trace(root)
    path = root / "seeds.html"
    write_html(doc, path)
    return doc, path


def _finding_id(doc, derived, kind):
    for k, story in enumerate(doc["stories"]):
        for n, f in enumerate(story["findings"]):
            if f["derived"] == derived and f["type"] == kind and f["derived_span"] and (f["source_span"] or kind == "filler"):
                return f"f{k}-{n}"
    raise AssertionError(f"no {kind} finding for {derived}")


def test_seeds_report_in_chromium(browser, seeds_html):
    doc, path = seeds_html
    w = Watched(browser)
    try:
        w.open(path)
        page = w.page
        # the lineage graph: 000 -> 001 and 000 -> 002 drawn and visible
        for derived in (DERIVED_001, DERIVED_002):
            edge = page.locator(f'svg.lineage g.edge[data-source="{ORIGIN}"][data-derived="{derived}"]')
            assert edge.count() == 1 and edge.first.is_visible()
            assert edge.locator("path").get_attribute("marker-end").startswith("url(#arr-")  # an arrow, source -> derived
        assert page.locator(f'svg.lineage g.edge[data-source="{DERIVED_001}"]').count() == 0

        # a click on a finding highlights its spans on both sides, scrolled into view
        fid = _finding_id(doc, DERIVED_001, "number_changed")
        page.click(f'li[data-finding-id="{fid}"]')
        marks = f'.mark.active[data-f~="{fid}"]'
        assert page.locator(f".side-derived {marks}").count() >= 1
        assert page.locator(f".side-source {marks}").count() >= 1
        assert all(_in_view(page, marks))
        assert page.locator(f".side-derived {marks}").first.inner_text() == "230 hostages"
        assert "more than 200 hostages" in page.locator(f".side-source {marks}").all_inner_texts()
        assert "active" in page.get_attribute(f'li[data-finding-id="{fid}"]', "class")
        assert "230 hostages" in page.inner_text("#st-status")  # explanation read from the JSON block

        # another finding, further down: the first one is no longer active, the new one is in view
        other = _finding_id(doc, DERIVED_002, "filler")
        page.click(f'li[data-finding-id="{other}"]')
        assert page.locator(f'.mark.active[data-f~="{fid}"]').count() == 0
        assert page.locator(f'.mark.active[data-f~="{other}"]').count() >= 1
        assert all(_in_view(page, f'.mark.active[data-f~="{other}"]'))

        # the type filter hides the list items and the marks of that type
        story = page.locator("section.story").first
        story.locator('input.ftype[value="filler"]').uncheck()
        assert page.locator(f'li[data-finding-id="{other}"]').is_hidden()
        assert "off" in page.get_attribute(f'.mark[data-f~="{other}"]', "class").split()
        assert page.locator(f'li[data-finding-id="{fid}"]').is_visible()
        story.locator("button.fall").click()
        assert page.locator(f'li[data-finding-id="{other}"]').is_visible()

        # hovering an aligned sentence marks its partner(s)
        sentence = page.locator(".side-derived .sent[data-partners]").first
        partner = sentence.get_attribute("data-partners").split()[0]
        sentence.hover()
        assert "linked" in page.get_attribute(f"#{partner}", "class").split()

        # a report's label on the timeline leads to its card
        label = page.locator(f'.tl-pub[data-article="{DERIVED_002}"]')
        card = label.get_attribute("data-card")
        label.click()
        assert "flash" in page.get_attribute(f"#{card}", "class").split()
        assert page.get_attribute(f"#{card}", "data-article") == DERIVED_002

        assert page.evaluate("window.__violations") == []  # the CSP hashes match the inline script and style
        assert w.errors == [] and w.dialogs == []
        assert all(url.startswith("file://") for url in w.requests), w.requests
    finally:
        w.close()


# ---------------------------------------------------------------------------------------------
# layout: fits the window, no label over another

# pairs of timeline labels whose boxes meet (half a pixel of antialiasing allowed), labels that
# stick out of their timeline, and labels cut short without their full text in a tooltip
TIMELINE_PROBLEMS = """() => {
  const out = {overlaps: [], outside: [], untold: []};
  for (const tl of document.querySelectorAll('.tl')) {
    const frame = tl.getBoundingClientRect();
    const labels = Array.from(tl.querySelectorAll('.tl-label')).map(el => ({el, r: el.getBoundingClientRect()}));
    labels.forEach((a, i) => {
      if (a.r.left < frame.left - 0.5 || a.r.right > frame.right + 0.5) out.outside.push(a.el.textContent);
      if (a.el.scrollWidth > a.el.clientWidth + 1 && !(a.el.title || '').length) out.untold.push(a.el.textContent);
      labels.slice(0, i).forEach(b => {
        if (a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5 && a.r.top < b.r.bottom - 0.5 && b.r.top < a.r.bottom - 0.5)
          out.overlaps.push([a.el.textContent, b.el.textContent]);
      });
    });
  }
  return out;
}"""

# edge labels over a report's box, and graphs wider than their frame
GRAPH_PROBLEMS = """() => {
  const out = {covered: [], wide: []};
  for (const svg of document.querySelectorAll('svg.lineage')) {
    const frame = svg.parentElement.getBoundingClientRect();
    if (svg.getBoundingClientRect().width > frame.width + 0.5) out.wide.push(svg.getBoundingClientRect().width);
    const nodes = Array.from(svg.querySelectorAll('g.node rect')).map(n => n.getBoundingClientRect());
    for (const label of svg.querySelectorAll('g.edge rect.label-bg')) {
      const r = label.getBoundingClientRect();
      if (nodes.some(n => r.left < n.right && n.left < r.right && r.top < n.bottom && n.top < r.bottom)) out.covered.push(label.parentElement.dataset.derived);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def crowded_html(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser-crowded") / "crowded.html"
    write_html(_crowded_doc(), path)
    return path


@pytest.mark.parametrize("width", [1000, 1400, 1600])
def test_report_fits_the_window(browser, seeds_html, crowded_html, width):
    _, seeds_path = seeds_html
    for path in (seeds_path, crowded_html):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), (path.name, width)
            assert page.locator(".tl .tl-label").count() > 5
            assert page.evaluate(TIMELINE_PROBLEMS) == {"overlaps": [], "outside": [], "untold": []}, (path.name, width)
            assert page.evaluate(GRAPH_PROBLEMS) == {"covered": [], "wide": []}, (path.name, width)
        finally:
            page.close()


# ---------------------------------------------------------------------------------------------
# every finding EXPECTED.md lists, on the page

FIND = """([derived, kind, side, needle]) => {
  const items = document.querySelectorAll(`section.pair[data-derived="${derived}"] li[data-finding-id][data-type="${kind}"]`);
  for (const li of items) {
    const id = li.dataset.findingId;
    const marks = Array.from(document.querySelectorAll(`.side-${side} .mark[data-f~="${id}"]`));
    if (marks.map(m => m.textContent).join('').includes(needle)) return id;
  }
  return null;
}"""


def test_every_expected_finding_is_shown(browser, seeds_html):
    _, path = seeds_html
    w = Watched(browser)
    try:
        w.open(path)
        page = w.page
        for derived, kind, side, needle in EXPECTED_MARKS:
            fid = page.evaluate(FIND, [derived, kind, side, needle])
            assert fid, (derived, kind, side, needle)
            item = page.locator(f'li[data-finding-id="{fid}"]')
            assert item.is_visible()
            item.click()
            marks = f'.side-{side} .mark.active[data-f~="{fid}"]'
            assert any(_in_view(page, marks)), (derived, kind, side, needle)
        # evidence in a source is not painted in the red of an unsupported sentence
        evidence = page.eval_on_selector(
            ".side-source .mark.f.ev:not(.weak):not(.active)", "el => getComputedStyle(el).backgroundColor"
        )
        unsupported = page.eval_on_selector(".side-derived .sent.rel-unsupported", "el => getComputedStyle(el).backgroundColor")
        legend = page.eval_on_selector(".legend .swatch.ev", "el => getComputedStyle(el).backgroundColor")
        assert evidence == legend and evidence != unsupported
        assert w.errors == []
    finally:
        w.close()


# ---------------------------------------------------------------------------------------------
# payloads


@pytest.fixture(scope="session")
def hostile_doc(tmp_path_factory):
    return hostile_trace(tmp_path_factory.mktemp("browser-hostile"))


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_payloads_never_execute(browser, hostile_doc, tmp_path, csp):
    path = tmp_path / "hostile.html"
    path.write_text(render_html(hostile_doc, title="<script>window.__pwned='title'</script>", csp=csp), encoding="utf-8")
    w = Watched(browser)
    try:
        w.open(path)
        page = w.page
        page.wait_for_timeout(150)  # an <img onerror> would fire after the failed load
        # exercise every element: pointer events and clicks (an injected handler would fire), then
        # a few real clicks through the page's own handlers
        page.evaluate(
            """() => document.querySelectorAll('body *').forEach(el => {
                for (const type of ['mouseover', 'mouseenter', 'focus', 'mouseout']) el.dispatchEvent(new Event(type, {bubbles: true}));
                if (!el.closest('a, .filters, #st-status')) el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
            })"""
        )
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(150)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert w.dialogs == []
        assert page.evaluate("window.__violations") == []  # nothing even tried to run or load

        for selector in (".mark", ".sent", "li[data-finding-id]", "svg g.edge rect.label-bg"):
            page.locator(selector).first.click()
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert w.dialogs == []
        assert all(url.startswith("file://") for url in w.requests), w.requests
        assert w.errors == []
        # no element the payloads would create, no event-handler attribute anywhere
        assert page.evaluate("document.scripts.length") == 2
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        handlers = page.evaluate(
            "Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes).map(a => a.name)).filter(n => n.startsWith('on'))"
        )
        assert handlers == []
        assert (
            page.evaluate(
                "Array.from(document.querySelectorAll('a[href]')).map(a => a.protocol).filter(p => p !== 'https:' && p !== 'file:')"
            )
            == []
        )
        # the payloads are shown as text, and the page's own script still works
        text = page.inner_text("body")
        assert "<script>window.__pwned='script';alert('script')</script>" in text
        assert "</script><script>window.__pwned='close-script'" in text
        first = page.locator("li[data-finding-id]").first
        first.click()
        assert "active" in first.get_attribute("class").split()
        assert "__pwned" in page.inner_text("#st-status")  # the hostile explanation, as text
    finally:
        w.close()


def test_report_has_no_network_dependency(browser, hostile_doc, tmp_path):
    """Opened with every non-file request refused, the page still renders and works."""
    path = tmp_path / "offline.html"
    path.write_text(render_html(hostile_doc), encoding="utf-8")
    w = Watched(browser)
    blocked = []
    w.page.route(
        "**/*",
        lambda route: (
            (blocked.append(route.request.url), route.abort()) if not route.request.url.startswith("file:") else route.continue_()
        ),
    )
    try:
        w.open(path)
        assert blocked == []
        assert w.page.locator("svg.lineage g.node").count() >= 3
        assert os.path.getsize(path) > 0
    finally:
        w.close()
