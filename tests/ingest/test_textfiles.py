"""Text files read directly (no file system): the seed header, plain text, JSON Lines and JSON,
with the record numbers and kinds of what is rejected."""

from __future__ import annotations

import json

import pytest

from storytrace.ingest.errors import Rejected
from storytrace.ingest.source import Source
from storytrace.ingest.textfiles import has_seed_header, iter_json, iter_jsonl, read_text_file
from storytrace.model import Article

FERRY = "The ferry to Inselby runs twice a day from May."


@pytest.fixture
def src():
    return Source(input="in/report", stem="report-7")


@pytest.mark.parametrize(
    ("text", "seed"),
    [
        (" date 2024-05-02 The ferry runs.", True),
        ("date 2024-05-02\nThe ferry runs.", True),
        ("\ufeff date 2024-05-02 The ferry runs.", True),
        (" date 2024-05-02", True),
        (" date 2024-05-021 The ferry runs.", False),
        ("  date 2024-05-02 two leading spaces", False),
        ("The date 2024-05-02 was set.", False),
    ],
)
def test_seed_header(text, seed):
    assert has_seed_header(text) is seed


def test_a_seed_file_is_dated_and_named_by_its_stem(src):
    (art,) = read_text_file(src, f" date 2024-05-02 {FERRY}\r\n")
    assert isinstance(art, Article)
    assert art.id == "report-7" and art.text == FERRY
    assert art.published is not None and art.published.date().isoformat() == "2024-05-02"
    assert art.meta["format"] == "seed"


def test_plain_text_has_an_unknown_date(src):
    (art,) = read_text_file(src, FERRY)
    assert art.published is None and art.meta == {"format": "text", "date_unknown": True}


@pytest.mark.parametrize(
    ("text", "kind"), [(" date 2024-02-30 text", "date"), (" date 2024-05-02   \n ", "empty"), (" \n\t", "empty")]
)
def test_unusable_text_files_are_rejected(src, text, kind):
    (rejected,) = read_text_file(src, text)
    assert isinstance(rejected, Rejected) and rejected.kind == kind


def test_jsonl_reads_every_line_and_names_the_bad_ones(src):
    lines = [
        json.dumps({"id": "a", "text": FERRY, "author": "K. Lind", "desk": "north"}),
        "",
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"text": FERRY}),
    ]
    items = list(iter_jsonl(src, "\n".join(lines)))
    art = items[0]
    assert isinstance(art, Article)
    assert art.meta["author"] == "K. Lind" and art.meta["extra"] == {"desk": "north"} and art.meta["line"] == 1
    rejected = [(r.record, r.kind) for r in items[1:]]
    assert rejected == [(3, "json"), (4, "json"), (5, "format")]  # line 2 is blank; an id is required


def test_jsonl_without_lines_is_empty(src):
    (rejected,) = iter_jsonl(src, "\n \n")
    assert rejected.kind == "empty"


def test_json_object_and_array(src):
    (one,) = iter_json(src, json.dumps({"id": "x", "text": FERRY}))
    assert isinstance(one, Article) and one.id == "x" and "item" not in one.meta
    items = list(iter_json(src, json.dumps([{"id": "y", "text": FERRY}, 3])))
    assert isinstance(items[0], Article) and items[0].meta["item"] == 1
    assert isinstance(items[1], Rejected) and (items[1].record, items[1].kind) == (2, "json")


def test_json_lines_saved_as_json_are_read_as_lines(src):
    text = json.dumps({"id": "p", "text": FERRY}) + "\n" + json.dumps({"id": "q", "text": FERRY})
    assert [a.id for a in iter_json(src, text)] == ["p", "q"]


@pytest.mark.parametrize(("text", "kind"), [("[]", "empty"), ('"just a string"', "json"), ("{broken", "json"), ("null", "json")])
def test_json_documents_that_are_not_reports(src, text, kind):
    (rejected,) = iter_json(src, text)
    assert isinstance(rejected, Rejected) and rejected.kind == kind
