"""Two quoted sentences in a row are two sentences (pysbd keeps a run of quotations whole)."""

from __future__ import annotations

import pytest

from storytrace.segment import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"We are close friends." "I am fond of him," she added.',
            ['"We are close friends."', '"I am fond of him," she added.'],
        ),
        (
            "“It has been a battle for me.” “I wanted to set a standard.” She left.",
            ["“It has been a battle for me.”", "“I wanted to set a standard.”", "She left."],
        ),
        ("He said “yes.” Then he left.", ["He said “yes.”", "Then he left."]),
        # no capital after the opening mark: one quotation goes on
        ("“It was late.” “and dark,” she said.", ["“It was late.” “and dark,” she said."]),
    ],
)
def test_a_closed_quotation_then_an_opened_one_splits(text, expected):
    assert [s.text for s in split_sentences(text)] == expected
