"""The desk in a real browser (headless system chromium through playwright) on the demo corpus:
a new user gets from / to a derivative whose facts were altered and its findings' evidence in
at most three clicks; search opens a report at the matching sentence; the pages fit 1,000 and
1,600 px wide windows; a POST shows on an open story page as "new reports — reload"."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
sync_api = pytest.importorskip("playwright.sync_api")

from storytrace.web.app import create_app  # noqa: E402 - after importorskip
from tests.support.browser import CHROMIUM, chromium, serving  # noqa: E402 - see above
from tests.support.web_corpus import PAYLOAD_ID, demo_reports, payload_report  # noqa: E402 - after importorskip

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no system chromium at /usr/bin/chromium")

LATE_TITLE = "Ninety workers evacuated as Valmare crane falls"


def _late_report() -> dict:
    """One more derivative of the demo's origin, posted while a story page is open."""
    origin = demo_reports()[0]
    text = origin["text"].replace("more than 40 workers", "90 workers").replace("1,200 households", "9,000 households")
    return {"id": "late", "published": "2025-03-25", "outlet": "Harbour Wire", "title": LATE_TITLE, "text": text}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = create_app(
        tmp_path_factory.mktemp("desk-browser") / "store.db", trace_on_start=False, trace_worker="thread", live_poll=0.3
    )
    with serving(app, demo_reports() + [payload_report()]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"error: {e}"))
    tab.on("console", lambda m: problems.append(f"console: {m.text}") if "Content Security Policy" in m.text else None)
    tab.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield tab
    context.close()
    assert problems == []  # no script error, no CSP violation, no dialog on any page


def _in_view(tab, selector: str) -> bool:
    return tab.evaluate(
        "(sel) => { const r = document.querySelector(sel).getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight; }",
        selector,
    )


def test_from_the_queue_to_altered_facts_and_their_evidence(server, page):
    page.goto(server + "/")
    assert page.title() == "storytrace — review queue"
    first = page.locator("tr.queue-row").first
    derived = first.get_attribute("data-derived")
    assert derived in ("rewrite", PAYLOAD_ID)  # the two derivatives of the demo whose facts were altered
    clicks = 0

    first.locator("a.pair-link").click()  # 1: the derivative beside its source
    clicks += 1
    page.wait_for_url(re.compile(r"/stories/[^/#]+#p\d+-\d+$"))
    panel = page.locator("section.pair:target")
    assert panel.get_attribute("data-derived") == derived
    assert _in_view(page, "section.pair:target")
    assert "facts altered" in panel.inner_text()
    items = panel.locator("li[data-finding-id]")
    assert items.count() >= 1

    items.first.click()  # 2: a finding, its spans highlighted on both sides
    clicks += 1
    assert panel.locator(".col.side-derived .mark.active").count() >= 1
    assert page.locator("#st-status").is_visible()
    assert clicks <= 3

    # or from the queue straight to a finding's evidence, in words and quoted sentences
    page.goto(server + "/queue")
    page.locator("tr.queue-row").first.locator("td >> text=/\\d+ findings?/").click()  # 1
    page.wait_for_url(re.compile(r"/stories/[^/]+/findings/\d+$"))
    assert page.locator("blockquote.evidence").count() >= 1 or page.locator(".evidence-missing").count() >= 1
    assert page.locator("blockquote.evidence mark").count() >= 1
    page.locator("a.open-pair").click()  # 2: the same finding highlighted side by side
    page.wait_for_url(re.compile(r"/stories/[^/#]+#f\d+-\d+$"))
    assert page.locator("li[data-finding-id].active").count() == 1
    assert page.locator(".mark.active").count() >= 1


def test_search_opens_the_report_at_the_matching_sentence(server, page):
    page.goto(server + "/")
    page.fill("nav.desk-nav input[name=q]", "households")
    page.press("nav.desk-nav input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=households"))
    hit = page.locator("a.hit-link").first
    href = hit.get_attribute("href")
    assert re.search(r"#s\d+$", href)
    hit.click()
    page.wait_for_url(re.compile(r"/articles/.+#s\d+$"))
    target = page.locator("ol.sentences li:target")
    assert target.count() == 1
    assert "households" in target.inner_text()
    assert target.get_attribute("value") == href.rsplit("#s", 1)[1]  # numbered as the anchor, from 1
    assert _in_view(page, "ol.sentences li:target")


@pytest.mark.parametrize("width", [1000, 1600])
def test_pages_fit_the_window(server, browser, width, tmp_path):
    story = httpx.get(server + "/api/articles/origin").json()["story"]
    paths = {
        "queue": "/",
        "stories": "/stories",
        "story": f"/stories/{story}",
        "finding": f"/stories/{story}/findings/1",
        "article": "/articles/" + quote(PAYLOAD_ID, safe=""),
        "search": "/search?q=crane",
    }
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        for name, path in paths.items():
            tab.goto(server + path)
            tab.wait_for_load_state("load")
            shot = tmp_path / f"{name}-{width}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 0
            scroll, inner = tab.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
            assert scroll <= inner, f"{name} at {width}px scrolls sideways ({scroll} > {inner})"
    finally:
        context.close()


def test_open_story_page_tells_of_a_post_and_reloads(server, page):
    """Last in this module: it adds a report to the store."""
    story = httpx.get(server + "/api/articles/origin").json()["story"]
    page.goto(server + f"/stories/{story}")
    live = page.locator("#desk-live")
    assert live.is_hidden() and LATE_TITLE not in page.inner_text("body")

    r = httpx.post(server + "/api/reports", json=_late_report(), timeout=300)
    assert r.status_code == 200 and r.json()["traced"] is True
    assert [s["id"] for s in r.json()["stories"]] == [story]  # it joined the open story

    page.locator("#desk-live .desk-live-reload").wait_for(state="visible", timeout=30_000)
    assert "1 new report traced — reload" in live.inner_text()
    page.locator("#desk-live .desk-live-reload").click()
    page.wait_for_load_state("load")
    assert LATE_TITLE in page.inner_text("body")
    assert page.locator("#desk-live").is_hidden()
