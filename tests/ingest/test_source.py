"""What every reader shares: Source.reject's one-sentence reasons, Source.article's normalised
fields and meta, and record_to_article on good and broken records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storytrace.ingest.decode import normalise_text, stable_id
from storytrace.ingest.errors import Rejected
from storytrace.ingest.source import Source, record_to_article
from storytrace.model import Article

TEXT = "The council of Inselby approved the new ferry timetable on Tuesday."


@pytest.fixture
def src():
    return Source(input="exports/wire.jsonl", stem="wire")


def record(src, fields, *, id_required=False, meta=None):
    return record_to_article(src, fields, fmt="jsonl", where="line 4", record=4, id_required=id_required, meta=meta)


# ------------------------------------------------------------------------------ Source


def test_reject_names_the_input_and_ends_the_sentence(src):
    rejected = src.reject("json", "  the line is not JSON  ", record=4, where="line 4")
    assert rejected == Rejected(
        input="exports/wire.jsonl", record=4, reason="exports/wire.jsonl line 4: the line is not JSON.", kind="json"
    )


def test_reject_keeps_a_sentence_that_already_ends(src):
    assert src.reject("empty", "nothing here!").reason == "exports/wire.jsonl: nothing here!"


def test_article_normalises_fields_and_records_the_format(src):
    art = src.article(id="a1", text=TEXT, fmt="csv", outlet="  Island \n Gazette ", title=None, meta={"row": 2, "skip": None})
    assert art.outlet == "Island Gazette"
    assert art.title is None
    assert art.origin_path == "exports/wire.jsonl"
    assert art.meta == {"format": "csv", "row": 2, "date_unknown": True}


def test_article_with_a_date_is_not_marked_unknown(src):
    when = datetime(2024, 5, 2, tzinfo=UTC)
    art = src.article(id="a1", text=TEXT, fmt="json", published=when, origin_path="elsewhere.json")
    assert art.published == when
    assert "date_unknown" not in art.meta
    assert art.origin_path == "elsewhere.json"


# ------------------------------------------------------------------------------ record_to_article


def test_a_complete_record_becomes_an_article(src):
    art = record(
        src,
        {
            "id": " wire-7 ",
            "text": TEXT,
            "published": " 2024-05-02 ",
            "title": "Ferry",
            "outlet": "Gazette",
            "url": "https://example.org/f",
        },
    )
    assert isinstance(art, Article)
    assert (art.id, art.title, art.outlet, art.url) == ("wire-7", "Ferry", "Gazette", "https://example.org/f")
    assert art.published is not None and art.published.date().isoformat() == "2024-05-02"
    assert art.meta["format"] == "jsonl"


def test_a_numeric_id_is_kept_as_text(src):
    art = record(src, {"id": 17, "text": TEXT})
    assert isinstance(art, Article) and art.id == "17"


def test_without_an_id_the_text_gives_one(src):
    art = record(src, {"text": TEXT}, meta={"line": 4})
    assert isinstance(art, Article)
    assert art.id == stable_id(normalise_text(TEXT))
    assert art.meta["id_from"] == "text_hash" and art.meta["line"] == 4


def test_utf8_bytes_are_decoded(src):
    art = record(src, {"id": "b", "text": "Café in Inselby reopens.".encode()})
    assert isinstance(art, Article) and art.text == "Café in Inselby reopens."


def test_fields_that_are_not_one_line_values_are_dropped(src):
    art = record(src, {"id": "x", "text": TEXT, "title": ["a", "b"], "outlet": {"name": "G"}, "url": b"https://x"})
    assert isinstance(art, Article)
    assert art.title is None and art.outlet is None and art.url is None


@pytest.mark.parametrize(
    ("fields", "id_required", "kind", "words"),
    [
        ({"id": "a"}, False, "format", "no 'text' field"),
        ({"id": "a", "text": b"\xff\xfe\xfa"}, False, "encoding", "not valid UTF-8"),
        ({"id": "a", "text": 12}, False, "format", "is a int, not a string"),
        ({"id": True, "text": TEXT}, False, "format", "not a string or a number"),
        ({"id": ["a"], "text": TEXT}, False, "format", "not a string or a number"),
        ({"text": TEXT}, True, "format", "no 'id' field"),
        ({"id": "  ", "text": TEXT}, True, "format", "no 'id' field"),
        ({"id": "a", "text": TEXT, "published": "2024-13-45"}, False, "date", "'published' value"),
        ({"id": "a", "text": TEXT, "published": 20240502}, False, "date", "'published' value"),
        ({"id": "a", "text": "  \n\t "}, False, "empty", "text is empty"),
    ],
)
def test_broken_records_are_rejected_with_the_reason(src, fields, id_required, kind, words):
    rejected = record(src, fields, id_required=id_required)
    assert isinstance(rejected, Rejected)
    assert rejected.kind == kind
    assert rejected.record == 4
    assert rejected.reason.startswith("exports/wire.jsonl line 4: ") and words in rejected.reason
