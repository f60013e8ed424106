"""The shipped demo corpus is well formed and contains the cases its README promises."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest

from storytrace.model import parse_published
from storytrace.segment import split_sentences

FIELDS = {"id", "published", "outlet", "title", "text"}


def demo_file(name: str):
    return resources.files("storytrace").joinpath("demo", name)


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    records = []
    for n, line in enumerate(demo_file("corpus.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {n} in corpus.jsonl"
        records.append(json.loads(line))
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    return {r["id"]: r for r in records}


def test_records_have_the_expected_ids_and_fields(corpus):
    assert set(corpus) == {"origin", "copy", "rewrite", "unrelated"}
    for record in corpus.values():
        assert set(record) == FIELDS, record["id"]
        assert all(isinstance(record[k], str) and record[k].strip() for k in FIELDS), record["id"]


def test_dates_are_valid_iso_dates(corpus):
    for record in corpus.values():
        day = date.fromisoformat(record["published"])
        assert parse_published(record["published"]).date() == day
    published = {k: date.fromisoformat(r["published"]) for k, r in corpus.items()}
    assert published["origin"].weekday() == 0  # a Monday, so "on Friday" is 3 days back
    assert (published["copy"] - published["origin"]).days == 1
    assert 8 <= (published["rewrite"] - published["origin"]).days <= 12
    assert published["rewrite"].weekday() in (2, 3)
    # The unrelated report falls in the same week as the origin.
    assert published["unrelated"].isocalendar()[:2] == published["origin"].isocalendar()[:2]


def test_each_text_has_paragraphs(corpus):
    for record in corpus.values():
        text = record["text"]
        paragraphs = text.split("\n\n")
        assert len(paragraphs) >= 5, record["id"]
        assert all(p.strip() and p == p.strip() for p in paragraphs), record["id"]
        assert "\n\n\n" not in text
        sentences = split_sentences(text)
        assert len({s.paragraph for s in sentences}) == len(paragraphs), record["id"]
        assert 9 <= len(sentences) <= 15, (record["id"], len(sentences))


def test_the_story_carries_the_promised_cases(corpus):
    origin, copy, rewrite = (corpus[k]["text"] for k in ("origin", "copy", "rewrite"))
    # origin: figures, named quotes, anonymous source, hedge, relative dates
    for needle in (
        "more than 40 workers",
        "about 1,200 households",
        "3.5 million euros",
        "the harbour master, Ana Ruiz, said",
        "Ruiz added: “",
        "asked not to be named",
        "It is believed that",
        "on Friday",
        "on Thursday",
    ):
        assert needle in origin, needle
    # copy: one sentence fewer, otherwise close to the origin
    assert len(split_sentences(copy)) == len(split_sentences(origin)) - 1
    assert "more than 40 workers" in copy and "on Friday" in copy
    # rewrite: changed number, dropped speaker, kept "on Friday", invented claim, filler
    assert "47 workers" in rewrite and "more than 40" not in rewrite
    assert "We were lucky" not in rewrite and "berth was empty" in rewrite
    assert "on Friday" in rewrite
    assert "Lucas Almeida" in rewrite and "Lucas Almeida" not in origin
    assert "requires cooperation from all parties" in rewrite
    # a paraphrase, not a copy: no origin sentence survives verbatim
    rewrite_sentences = {s.text for s in split_sentences(rewrite)}
    assert not rewrite_sentences & {s.text for s in split_sentences(origin)}


def test_readme_describes_each_report():
    readme = demo_file("README.md").read_text(encoding="utf-8")
    assert "fictional" in readme.lower()
    for word in (
        "`origin`",
        "`copy`",
        "`rewrite`",
        "`unrelated`",
        "number_changed",
        "attribution_dropped",
        "date_shift",
        "unsupported_claim",
        "filler",
    ):
        assert word in readme, word
