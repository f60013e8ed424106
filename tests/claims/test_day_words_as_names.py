"""A day word with a capital letter inside a sentence names a show or a paper, not a day.

News prose writes "today", "tonight", "tomorrow", "yesterday" in lower case inside a
sentence; "the Today show", "The Tonight Show", "Entertainment Tonight", "USA Today" are
names. A date read from them is re-dated by every copy published on another day (a false
`date_shift` between faithful rewrites). The day word still counts at the start of a sentence
or a quotation and in a headline written in title case. Cases written here from the convention.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from storytrace.claims.extract import extract_claims
from storytrace.model import Article

PUBLISHED = datetime(2018, 5, 9, tzinfo=UTC)
DAY_WORD = re.compile(r"\b(?:today|tonight|tomorrow|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)

CASES = [
    ("The nominees were announced on NBC's Today show.", []),
    ("The band played live on the Today show in New York.", []),
    ("She told Entertainment Tonight that she was fine.", []),
    ("The singer appeared on The Tonight Show with the host.", []),
    ("The figures were first reported by USA Today and then by the agency.", []),
    ("Today the council approved the plan.", ["Today"]),
    ("The council approved the plan today.", ["today"]),
    ("The council will vote tomorrow on the plan.", ["tomorrow"]),
    ('"Today we celebrate," the mayor said.', ["Today"]),
    ("The minister said: Today is a good day for the town.", ["Today"]),
    ("Storm Hits Coast Today As Thousands Flee", ["Today"]),
    ("Officials met on Tuesday and again today.", ["on Tuesday", "today"]),
]


@pytest.mark.parametrize(("sentence", "dates"), CASES)
def test_day_words_read_as_dates_only_where_news_writes_dates(sentence, dates):
    article = Article("x", sentence, published=PUBLISHED)
    extract_claims(article)
    found = [c.text for c in article.claims if c.kind == "date" and DAY_WORD.search(c.text)]
    assert found == dates
