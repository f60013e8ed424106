"""The server's snapshot of a trace: story summaries, the story a report is in, and a story as
a trace document of its own (serialised once)."""

from __future__ import annotations

import json

from storytrace.web.state import SCHEMA_ID, build_snapshot, summarize

ARTICLES = {
    "o": {"id": "o", "title": "Crane falls at Valmare", "published": "2025-03-10"},
    "d1": {"id": "d1", "published": "2025-03-12"},
    "d2": {"id": "d2", "published": None},
    "lone": {"id": "lone", "published": "2025-01-02"},
}
STORY = {
    "id": "s-crane",
    "origin": "o",
    "articles": ["o", "d1", "d2"],
    "edges": [
        {"source": "o", "derived": "d1", "verdict": {"facts_altered": True}},
        {"source": "o", "derived": "d2", "verdict": {"facts_altered": False}},
    ],
    "findings": [{"type": "number_changed", "derived": "d1"}],
}
LONE = {"id": "s-lone", "origin": None, "articles": ["lone"]}
DOC = {"schema": "https://example.org/trace.json", "articles": list(ARTICLES.values()), "stories": [STORY, LONE]}


def test_summary_counts_and_dates():
    assert summarize(STORY, ARTICLES) == {
        "id": "s-crane",
        "size": 3,
        "origin": "o",
        "origin_title": "Crane falls at Valmare",
        "first_published": "2025-03-10",
        "last_published": "2025-03-12",
        "edges": 2,
        "findings": 1,
        "altered": 1,
    }


def test_summary_of_a_story_without_origin_or_dates():
    story = {"id": "s", "articles": ["d2", "not-in-the-trace"]}
    summary = summarize(story, ARTICLES)
    assert summary["size"] == 2
    assert summary["origin"] is None and summary["origin_title"] is None
    assert summary["first_published"] is None and summary["last_published"] is None
    assert (summary["edges"], summary["findings"], summary["altered"]) == (0, 0, 0)


def test_snapshot_indexes_reports_and_stories():
    snap = build_snapshot(DOC, version=3, complete=True)
    assert snap.version == 3 and snap.complete
    assert set(snap.articles) == set(ARTICLES)
    assert snap.story_of == {"o": "s-crane", "d1": "s-crane", "d2": "s-crane", "lone": "s-lone"}
    assert [s["id"] for s in snap.summaries] == ["s-crane", "s-lone"]
    assert snap.summary_of["s-lone"]["size"] == 1


def test_story_doc_holds_the_story_and_only_its_members():
    snap = build_snapshot(DOC, version=1, complete=False)
    doc = snap.story_doc("s-crane")
    assert doc["schema"] == "https://example.org/trace.json"
    assert doc["stories"] == [STORY]
    assert [a["id"] for a in doc["articles"]] == ["o", "d1", "d2"]
    assert snap.story_doc("no-such-story") is None


def test_story_doc_falls_back_to_the_schema_id():
    snap = build_snapshot({"articles": [], "stories": [{"id": "s", "articles": []}]}, version=1, complete=True)
    assert snap.story_doc("s")["schema"] == SCHEMA_ID


def test_story_json_is_the_story_doc_serialised_once():
    snap = build_snapshot(DOC, version=1, complete=True)
    body = snap.story_json("s-lone")
    assert json.loads(body) == snap.story_doc("s-lone")
    assert snap.story_json("s-lone") is body
    assert snap.story_json("no-such-story") is None


def test_an_empty_document_gives_an_empty_snapshot():
    snap = build_snapshot({}, version=0, complete=False)
    assert snap.articles == {} and snap.stories == {} and snap.summaries == [] and snap.story_of == {}
