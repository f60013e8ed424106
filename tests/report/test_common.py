"""The helpers the Markdown and terminal reports share, on small trace dicts written here."""

from __future__ import annotations

import pytest

from storytrace.report._common import (
    FINDING_ORDER,
    Texts,
    as_dict,
    derived_reports,
    finding_rank,
    number,
    ordered_stories,
    percent,
    roles,
    value_text,
    verdict_text,
)


class _Traced:
    def to_dict(self):
        return {"stories": []}


def test_as_dict_accepts_a_dict_or_a_result():
    doc = {"articles": []}
    assert as_dict(doc) is doc
    assert as_dict(_Traced()) == {"stories": []}
    with pytest.raises(TypeError, match="list"):
        as_dict([])


def test_finding_rank_follows_the_order_and_puts_unknown_kinds_last():
    kinds = ["filler", "made_up", "conflict", "another", "number_changed"]
    assert sorted(kinds, key=finding_rank) == ["conflict", "number_changed", "filler", "another", "made_up"]
    assert finding_rank(FINDING_ORDER[0])[0] == 0


def test_ordered_stories_puts_the_largest_first_and_singletons_apart():
    stories = [
        {"id": "s1", "articles": ["a"]},
        {"id": "s2", "articles": ["b", "c"]},
        {"id": "s3", "articles": ["d", "e", "f"]},
        {"id": "s4", "articles": ["g", "h"]},
        {"id": "s5", "articles": []},
    ]
    multi, single = ordered_stories({"stories": stories})
    assert [s["id"] for s in multi] == ["s3", "s2", "s4"]  # stable within a size
    assert [s["id"] for s in single] == ["s1", "s5"]
    assert ordered_stories({}) == ([], [])


def test_roles_of_members():
    story = {"origin": "o", "articles": ["o", "d", "r"], "edges": [{"source": "o", "derived": "d"}]}
    assert roles(story) == {"o": "origin", "d": "derived", "r": "related"}


def test_derived_reports_in_member_order_then_the_rest_sorted():
    story = {
        "articles": ["o", "late", "early"],
        "edges": [{"source": "o", "derived": "early"}],
        "alignments": [{"derived": "late"}, {"derived": None}],
        "findings": [{"derived": "zz-outside"}, {"derived": "aa-outside"}],
    }
    assert derived_reports(story) == ["late", "early", "aa-outside", "zz-outside"]


@pytest.mark.parametrize(("value", "text"), [(0.5, "50%"), (1, "100%"), ("0.251", "25%"), (None, "?"), ("n/a", "?")])
def test_percent(value, text):
    assert percent(value) == text


@pytest.mark.parametrize(("value", "digits", "text"), [(0.456, 2, "0.46"), (3, 0, "3"), (None, 2, "?"), ("x", 1, "?")])
def test_number(value, digits, text):
    assert number(value, digits) == text


def test_verdict_text():
    assert verdict_text({"facts_altered": True, "score": 0.8}) == "facts altered (score 0.80)"
    assert verdict_text({"facts_altered": False}) == "facts kept"
    assert verdict_text({"score": 0.8}) is None
    assert verdict_text(None) is None


def test_value_text():
    assert value_text("2,000") == "2,000"
    assert value_text({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}'
    assert value_text([1, 2]) == "[1, 2]"


FIRST, SECOND = "The ferry runs daily.", "Tickets cost 3 euros."
DOC = {
    "articles": [
        {
            "id": "wire",
            "sentences": [
                {"index": 0, "start": 0, "end": len(FIRST), "text": FIRST},
                {"index": 1, "start": len(FIRST) + 1, "end": len(FIRST) + 1 + len(SECOND), "text": SECOND},
            ],
        },
        {"no_id": True},
    ]
}
THREE = len(FIRST) + 1 + SECOND.index("3")  # the offset of "3" in the report


def test_texts_sentence_lookup():
    texts = Texts(DOC)
    assert texts.sentence("wire", 1) == "Tickets cost 3 euros."
    assert texts.sentence("wire", 7) is None
    assert texts.sentence("missing", 0) is None
    assert texts.sentence(None, 0) is None and texts.sentence("wire", None) is None


def test_texts_span_inside_one_sentence():
    texts = Texts(DOC)
    assert texts.span("wire", [THREE, THREE + 1]) == "3"
    assert texts.span("wire", [4, 9]) == "ferry"


def test_texts_span_across_sentences_or_malformed_is_none():
    texts = Texts(DOC)
    assert texts.span("wire", [4, THREE]) is None
    assert texts.span("wire", [1]) is None
    assert texts.span("wire", None) is None
    assert texts.span(None, [0, 2]) is None


def test_texts_span_of_a_sentence_whose_offsets_disagree_with_its_text_is_none():
    doc = {"articles": [{"id": "w", "sentences": [{"index": 0, "start": 0, "end": 99, "text": FIRST}]}]}
    assert Texts(doc).span("w", [4, 9]) is None


def test_an_edge_of_unknown_order_is_drawn_without_an_arrow_in_every_report():
    from rich.console import Console

    from storytrace.report.html import render_html
    from storytrace.report.markdown import to_markdown as render_markdown
    from storytrace.report.terminal import print_summary

    edge = {"source": "a", "derived": "b", "coverage": 1.0, "relation": "copy", "sentences": 1, "score": 1.0}
    doc = {
        "articles": [
            {
                "id": x,
                "published": "2024-05-06",
                "date_known": True,
                "outlet": None,
                "url": None,
                "title": None,
                "sentences": [{"index": 0, "start": 0, "end": 4, "text": "Same."}],
            }
            for x in ("a", "b")
        ],
        "stories": [{"id": "s", "articles": ["a", "b"], "origin": "a", "edges": [], "alignments": [], "findings": []}],
    }
    for direction, shown in (("unknown", True), ("known", False)):
        doc["stories"][0]["edges"] = [{**edge, "direction": direction}]
        markdown = render_markdown(doc)
        console = Console(record=True, width=200)
        print_summary(doc, console, details=True)
        terminal = console.export_text()
        html = render_html(doc)
        assert ("`a` — `b` (same day, order unknown)" in markdown) is shown
        assert ("a — b  (same day, order unknown)" in terminal) is shown
        assert ('class="edge unordered"' in html) is shown
        assert ("marker-end" in html.split('class="edge')[1].split("</g>")[0]) is not shown
