"""storytrace serve in a real browser: a uvicorn server on a free loopback port, headless
chromium (the system one) through playwright. Pages render, nothing loads from elsewhere, and
the hostile report's payloads run nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
sync_api = pytest.importorskip("playwright.sync_api")

from storytrace.web.app import create_app  # noqa: E402 - after importorskip
from tests.support.browser import CHROMIUM, chromium, serving  # noqa: E402 - see above
from tests.support.web_corpus import PAYLOAD_ID, corpus  # noqa: E402 - after importorskip

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no system chromium at /usr/bin/chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # the thread worker here (test_web uses the default child process): both paths get run
    app = create_app(tmp_path_factory.mktemp("browser") / "store.db", trace_on_start=False, trace_worker="thread")
    with serving(app, corpus()) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _watched_page(browser):
    page = browser.new_page()
    seen = {"dialogs": [], "console": [], "requests": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["console"].append(m.text))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return page, seen


def test_pages_render_and_payloads_stay_inert(server, browser):
    story = httpx.get(server + "/api/articles/" + quote(PAYLOAD_ID, safe="")).json()["story"]
    page, seen = _watched_page(browser)

    page.goto(server + "/stories")
    assert page.title() == "storytrace — stories"
    assert page.locator("main table tbody tr").count() == 2  # the crane story and the library report
    page.click(f"a[href='/stories/{story}']")
    page.wait_for_load_state("load")
    assert story in page.title()
    body = page.inner_text("body")
    assert "Crane collapse halts work at Valmare container port" in body
    assert "Crane <b>down</b>" in body  # the payload title is shown as text

    page.goto(server + "/articles/" + quote(PAYLOAD_ID, safe=""))
    body = page.inner_text("body")
    assert "<script>window.__pwned=1</script>Crane <b>down</b>" in body
    assert page.locator("a[href^='javascript:']").count() == 0

    page.goto(server + "/search?q=" + quote("witnesses painted"))
    assert page.locator("mark").count() >= 2
    assert "<img src=x onerror=alert(1)>" in page.inner_text("main")

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert seen["dialogs"] == []
    assert seen["errors"] == []
    assert not [u for u in seen["requests"] if not u.startswith(server)], "a page loaded something from elsewhere"
    page.close()


def test_story_page_scripts_allowed_by_csp(server, browser):
    """The report renderer's own script (if any) runs under the page's script hashes: the
    browser reports no Content-Security-Policy violation."""
    stories = httpx.get(server + "/api/stories").json()["stories"]
    page, seen = _watched_page(browser)
    for s in stories:
        page.goto(server + f"/stories/{s['id']}")
        page.wait_for_load_state("load")
    violations = [m for m in seen["console"] if "Content Security Policy" in m]
    assert violations == []
    assert seen["errors"] == [] and seen["dialogs"] == []
    page.goto(server + "/docs")
    assert "/api/reports" in page.inner_text("body")
    page.close()
