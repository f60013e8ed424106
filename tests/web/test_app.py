"""storytrace serve: JSON API, search, writes and their auth, escaping, the bind check, the cache."""

from __future__ import annotations

import re
import sqlite3
import threading
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402 - after importorskip
from typer.testing import CliRunner  # noqa: E402 - after importorskip

from storytrace.model import Article, parse_published  # noqa: E402 - after importorskip
from storytrace.report import validate_trace  # noqa: E402 - after importorskip
from storytrace.store import Store  # noqa: E402 - after importorskip
from storytrace.web import binding  # noqa: E402 - after importorskip
from storytrace.web.app import create_app  # noqa: E402 - after importorskip
from storytrace.web.search import ensure_index, search  # noqa: E402 - after importorskip
from tests.support.web_corpus import PAYLOAD_ID, PAYLOAD_TEXT, RAW_PAYLOADS, corpus, demo_reports  # noqa: E402 - see above

LOCAL = "http://127.0.0.1"
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """One traced store for the read tests: the demo story, the unrelated report, the payload."""
    db = tmp_path_factory.mktemp("web") / "store.db"
    app = create_app(db, trace_on_start=False)
    with TestClient(app, base_url=LOCAL) as c:
        r = c.post("/api/reports", json=corpus())
        assert r.status_code == 200, r.text
        body = r.json()
        assert sorted(body["added"]) == sorted(x["id"] for x in corpus())
        assert body["traced"] is True
        yield c


def _story_of(client, article_id: str) -> str:
    return client.get("/api/articles/" + quote(article_id, safe="")).json()["story"]


# ------------------------------------------------------------------ read API
def test_list_stories(client):
    r = client.get("/api/stories")
    assert r.status_code == 200
    doc = r.json()
    assert doc["tracing"] is False and doc["trace_version"] >= 1
    by_origin = {s["origin"]: s for s in doc["stories"]}
    crane = by_origin["origin"]
    assert crane["size"] == 4  # origin, copy, rewrite, the payload rewrite
    assert crane["origin_title"] == "Crane collapse halts work at Valmare container port"
    assert crane["first_published"] == "2025-03-10" and crane["last_published"] == "2025-03-20"
    assert crane["edges"] >= 3 and crane["findings"] > 0
    assert 1 <= crane["altered"] <= crane["edges"]
    assert by_origin["unrelated"]["size"] == 1
    assert doc["total"] == len(doc["stories"])
    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert page["stories"] == doc["stories"][1:2]


def test_story_is_a_valid_trace_document(client):
    sid = _story_of(client, "copy")
    r = client.get(f"/api/stories/{sid}")
    assert r.status_code == 200
    doc = r.json()
    validate_trace(doc)
    assert [s["id"] for s in doc["stories"]] == [sid]
    assert {a["id"] for a in doc["articles"]} == {"origin", "copy", "rewrite", PAYLOAD_ID}
    assert ("origin", "copy") in {(e["source"], e["derived"]) for e in doc["stories"][0]["edges"]}
    assert client.get("/api/stories/story-nope").status_code == 404


def test_article_detail(client):
    r = client.get("/api/articles/copy")
    assert r.status_code == 200
    a = r.json()
    assert a["role"] == "derived" and a["story"] == _story_of(client, "origin")
    assert [e["source"] for e in a["sources"]] == ["origin"]
    assert all(a["text"][s["start"] : s["end"]] == s["text"] for s in a["sentences"])
    assert len(a["sentences"]) >= 10
    origin = client.get("/api/articles/origin").json()
    assert origin["role"] == "origin" and "copy" in {e["derived"] for e in origin["derivatives"]}
    # an id with a slash and markup round-trips through the URL
    evil = client.get("/api/articles/" + quote(PAYLOAD_ID, safe="")).json()
    assert evil["id"] == PAYLOAD_ID and evil["text"] == PAYLOAD_TEXT
    assert client.get("/api/articles/nope").status_code == 404


# ------------------------------------------------------------------ search
def test_search_ranks_and_highlights(client):
    r = client.get("/api/search", params={"q": "library"})
    assert r.status_code == 200
    res = r.json()
    assert res["total"] == 1 and res["hits"][0]["id"] == "unrelated"
    hit = res["hits"][0]
    assert hit["story"] == _story_of(client, "unrelated")
    assert hit["highlights"] and all(hit["snippet"][s:e].lower().startswith("librar") for s, e in hit["highlights"])
    crane = client.get("/api/search", params={"q": "crane AND title:safety"}).json()
    assert [h["id"] for h in crane["hits"]] == ["rewrite"]
    phrase = client.get("/api/search", params={"q": '"Santa Lúcia"'}).json()
    assert {h["id"] for h in phrase["hits"]} == {"origin", "copy", "rewrite", PAYLOAD_ID}
    assert client.get("/api/search", params={"q": "crane", "limit": 2}).json()["hits"].__len__() == 2


@pytest.mark.parametrize("q", ['"unterminated', "covid-19", "AND", "crane OR", "nosuchcolumn:word", "*"])
def test_bad_search_syntax_is_400(client, q):
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 400
    assert "FTS5" in r.json()["detail"]
    page = client.get("/search", params={"q": q})
    assert page.status_code == 400 and "cannot parse the search query" in page.text


def test_empty_search_query(client):
    assert client.get("/api/search", params={"q": "  "}).status_code == 400
    assert client.get("/api/search").status_code == 422  # q is required
    assert client.get("/search").status_code == 200  # the empty search page


def test_fts_index_built_for_old_store_and_kept_by_trigger(tmp_path):
    path = tmp_path / "old.db"
    with Store(path) as store:  # a store from before the index existed
        store.add_article(
            Article(id="a", text="The mayor opened a bridge.", title="Bridge", published=parse_published("2024-01-01"))
        )
    db = sqlite3.connect(path, isolation_level=None)
    assert ensure_index(db) is True
    assert ensure_index(db) is False  # already there
    assert [h.id for h in search(db, "bridge")[1]] == ["a"]
    with Store(path) as store:  # any later writer updates it inside its own insert
        store.add_article(Article(id="b", text="A second bridge was closed for repairs."))
    total, hits = search(db, "bridge")
    assert total == 2 and [h.id for h in hits] == ["a", "b"]  # the title match weighs more
    db.close()


# ------------------------------------------------------------------ writes
def test_post_is_idempotent_and_reports_rejections(client):
    version = client.get("/api/stories").json()["trace_version"]
    again = client.post("/api/reports", json=demo_reports()[0])
    assert again.status_code == 200
    body = again.json()
    assert body["added"] == [] and body["unchanged"] == ["origin"] and body["trace_version"] == version
    assert [s["origin"] for s in body["stories"]] == ["origin"]

    changed = dict(demo_reports()[0], text="Entirely different text about a ferry.")
    mixed = client.post("/api/reports", json=[demo_reports()[1], changed, {"id": "x", "text": "t", "published": "yesterday"}, 7])
    assert mixed.status_code == 207
    m = mixed.json()
    assert m["unchanged"] == ["copy"]
    kinds = {(r["item"], r["kind"]) for r in m["rejected"]}
    assert kinds == {(2, "conflict"), (3, "date"), (4, "json")}
    # each rejection answers with the id it was sent (none for the item that is not an object)
    assert {r["item"]: r["id"] for r in m["rejected"]} == {2: changed["id"], 3: "x", 4: None}
    assert all(r["reason"] for r in m["rejected"])

    none = client.post("/api/reports", json=[{"text": "no id"}])
    assert none.status_code == 422 and none.json()["rejected"][0]["kind"] == "format"
    assert client.get("/api/stories").json()["trace_version"] == version  # nothing added, no re-trace


def test_post_body_errors(client):
    assert client.post("/api/reports", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert client.post("/api/reports", json=[]).status_code == 400
    assert client.post("/api/reports", json="a string").status_code == 400
    assert client.post("/api/reports", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
    assert client.post("/api/reports", json=[{"id": str(k), "text": "x"} for k in range(1001)]).status_code == 413


def test_post_limits_per_report_and_per_request(tmp_path):
    from storytrace.ingest.budget import Budget

    app = create_app(tmp_path / "b.db", trace_on_start=False, budget=Budget(max_chars=200), max_body=5_000, max_reports=3)
    with TestClient(app, base_url=LOCAL) as c:
        big = {"id": "big", "text": "Words of a long report. " * 20, "published": "2024-01-02"}
        r = c.post("/api/reports", json=[big])
        assert r.status_code == 422
        [rej] = r.json()["rejected"]
        assert (rej["item"], rej["id"], rej["kind"]) == (1, "big", "too_large") and "max_chars=200" in rej["reason"]
        many = c.post("/api/reports", json=[{"id": str(k), "text": "x"} for k in range(4)])
        assert many.status_code == 413 and "at most 3" in many.json()["detail"]
        body = c.post("/api/reports", json=[{"id": "a", "text": "y" * 6_000}])
        assert body.status_code == 413 and "5000 bytes" in body.json()["detail"]


@pytest.fixture()
def empty_app(tmp_path):
    def make(**kwargs):
        return create_app(tmp_path / "new.db", trace_on_start=False, **kwargs)

    return make


def test_token_required_when_set(empty_app):
    with TestClient(empty_app(token=TOKEN), base_url=LOCAL) as c:
        bad = [{"text": "no id"}]  # accepted requests answer 422 here, without a trace
        r = c.post("/api/reports", json=bad)
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert c.post("/api/reports", json=bad, headers={"Authorization": "Basic abc"}).status_code == 401
        assert c.post("/api/reports", json=bad, headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert c.post("/api/reports", json=bad, headers={"Authorization": "Bearer " + TOKEN[:-1]}).status_code == 403
        assert c.post("/api/reports", json=bad, headers={"Authorization": "Bearer " + TOKEN}).status_code == 422
        assert c.get("/api/status").json()["writes"] == "token"
        assert c.get("/api/stories").status_code == 200  # reads stay open


def test_writes_without_token(empty_app):
    bad = [{"text": "no id"}]
    with TestClient(empty_app(open_writes=False), base_url=LOCAL) as c:
        r = c.post("/api/reports", json=bad)
        assert r.status_code == 403 and "--token" in r.json()["detail"]
    with TestClient(empty_app(), base_url=LOCAL) as c:
        assert c.post("/api/reports", json=bad).status_code == 422  # loopback, no token: allowed
        # a page elsewhere in the user's browser must not write: foreign Host (DNS rebinding) or Origin
        assert c.post("/api/reports", json=bad, headers={"host": "evil.example"}).status_code == 403
        assert c.post("/api/reports", json=bad, headers={"origin": "http://evil.example"}).status_code == 403
        assert c.post("/api/reports", json=bad, headers={"origin": "null"}).status_code == 403
        assert c.post("/api/reports", json=bad, headers={"origin": "http://127.0.0.1:8000"}).status_code == 422


def test_bind_check():
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        binding.check_bind(host, None)
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.org"):
        with pytest.raises(binding.BindRefused):
            binding.check_bind(host, None)
        binding.check_bind(host, TOKEN)


def test_serve_cli_refuses_public_bind_without_token(tmp_path, monkeypatch):
    import uvicorn

    from storytrace.cli import app as cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.delenv("STORYTRACE_TOKEN", raising=False)
    runner = CliRunner()
    r = runner.invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--host", "0.0.0.0", "--port", "9"])
    assert r.exit_code == 2 and "without a token" in r.output and calls == []
    r = runner.invoke(
        cli, ["serve", "--db", str(tmp_path / "s.db"), "--host", "0.0.0.0", "--port", "9"], env={"STORYTRACE_TOKEN": TOKEN}
    )
    assert r.exit_code == 0, r.output
    app, kw = calls[-1]
    assert kw["host"] == "0.0.0.0" and kw["port"] == 9 and app.state.token == TOKEN
    r = runner.invoke(cli, ["serve", "--db", str(tmp_path / "s.db")])
    assert r.exit_code == 0 and calls[-1][1]["host"] == "127.0.0.1" and calls[-1][0].state.token is None
    assert calls[-1][0].state.service.worker == "process"
    r = runner.invoke(cli, ["serve", "--db", str(tmp_path / "s.db"), "--trace-worker", "fork"])
    assert r.exit_code == 2 and len(calls) == 2


# ------------------------------------------------------------------ HTML and escaping
def _assert_escaped(html: str) -> None:
    for raw in RAW_PAYLOADS:
        assert raw not in html, raw


def test_pages_escape_payloads(client):
    sid = _story_of(client, PAYLOAD_ID)
    home = client.get("/")
    assert home.status_code == 200 and f"/stories/{sid}" in home.text
    story = client.get(f"/stories/{sid}")
    article = client.get("/articles/" + quote(PAYLOAD_ID, safe=""))
    found = client.get("/search", params={"q": "witnesses painted"})
    for r in (home, story, article, found):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["content-security-policy"]
        _assert_escaped(r.text)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;Crane &lt;b&gt;down&lt;/b&gt;" in article.text
    assert "&lt;img src=x onerror=" in article.text
    assert "<mark>" in found.text and "&lt;script&gt;" in found.text
    # our own pages run one script, our static file, and nothing inline
    for r in (home, article, found):
        tags = re.findall(r"<script\b[^>]*>", r.text, re.IGNORECASE)
        assert tags == ['<script src="/static/desk.js" defer>']
        assert "script-src 'self';" in r.headers["content-security-policy"]
        assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_html_not_found(client):
    assert client.get("/stories/story-nope").status_code == 404
    r = client.get("/articles/" + quote("<b>x</b>", safe=""))
    assert r.status_code == 404 and "<b>x</b>" not in r.text


# ------------------------------------------------------------------ OpenAPI and /docs
def test_openapi_and_docs_page(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/search", "/api/reports"} <= set(paths)
    assert "post" in paths["/api/reports"] and "get" in paths["/api/search"]
    assert {"StorySummary", "StoryList", "ReportIn", "SearchResults", "IngestResult"} <= set(spec["components"]["schemas"])
    assert "400" in paths["/api/search"]["get"]["responses"]
    assert not any(p in paths for p in ("/", "/docs", "/search"))  # pages are not API
    docs = client.get("/docs")
    assert docs.status_code == 200
    text = docs.text
    for p in paths:
        assert p in text
    assert "ReportIn" in text and "<table>" in text
    assert "<script" not in text.lower()
    assert not re.search(r"(src|href)=\"(https?:)?//", text)  # nothing loaded from elsewhere
    assert client.get("/redoc").status_code == 404


# ------------------------------------------------------------------ empty store, cache
def test_new_empty_store(tmp_path):
    path = tmp_path / "fresh" / "new.db"
    path.parent.mkdir()
    with TestClient(create_app(path), base_url=LOCAL) as c:
        assert c.get("/api/stories").json()["total"] == 0
        assert c.get("/api/status").json()["articles"] == 0
        assert c.get("/api/search", params={"q": "anything"}).json()["total"] == 0
        home = c.get("/")
        assert home.status_code == 200 and "No stories yet" in home.text
        assert c.get("/docs").status_code == 200
    assert path.exists()


def test_readers_keep_previous_trace_while_retracing(tmp_path):
    """A re-trace runs in a worker thread; until it ends readers get the previous document."""
    app = create_app(tmp_path / "c.db", trace_on_start=False)
    service = app.state.service
    release = threading.Event()
    started = threading.Event()

    def slow_trace():
        started.set()
        assert release.wait(30)
        return {
            "schema": "x",
            "articles": [{"id": "n", "published": None, "sentences": []}],
            "stories": [{"id": "story-n", "articles": ["n"], "origin": "n", "edges": [], "alignments": [], "findings": []}],
        }

    service._trace = slow_trace
    with TestClient(app, base_url=LOCAL) as c:
        gen = service.request_trace()
        assert started.wait(10)
        during = c.get("/api/stories").json()
        assert during["tracing"] is True and during["total"] == 0 and during["trace_version"] == 0
        gen2 = service.request_trace()  # asked while running: one more run serves it
        release.set()
        assert service.wait(gen2, 30)
        after = c.get("/api/stories").json()
        assert after["tracing"] is False and after["trace_version"] == gen2 > gen
        assert [s["id"] for s in after["stories"]] == ["story-n"]


def test_failed_retrace_is_reported_and_reads_go_on(tmp_path):
    app = create_app(tmp_path / "f.db", trace_on_start=False, trace_worker="thread")
    service = app.state.service

    def broken():
        raise RuntimeError("model file missing")

    service._trace = broken
    with TestClient(app, base_url=LOCAL) as c:
        r = c.post("/api/reports", json={"id": "a", "text": "The mayor opened a bridge.", "published": "2024-01-01"})
        assert r.status_code == 500 and "re-trace failed" in r.json()["detail"] and "model file missing" in r.json()["detail"]
        status = c.get("/api/status").json()
        assert status["articles"] == 1 and status["trace_version"] == 0 and "model file missing" in status["last_error"]
        assert c.get("/api/stories").status_code == 200
        assert c.get("/api/articles/a").json()["story"] is None  # stored, not traced yet
        assert "not in this trace yet" in c.get("/").text
