"""Relative days as newsrooms write them (AP style and its kin), table-driven.

The convention, not our outputs, wrote this table: the weekday of publication names that
day; in the past tense a bare weekday is the most recent such day (the day itself included),
in the future tense, with a modal or a reported future ("will", "would", "may", "is due to",
"plans to", "is expected to") the next one (the day itself included); "last" and "next" skip
the day of publication; "today / tonight / yesterday / overnight / last night / this
morning / tomorrow" count from the report's own date.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storytrace.claims.extract import extract_claims, get_nlp
from storytrace.model import Article
from storytrace.segment import split_sentences

MON, TUE, FRI, SUN = "2023-10-30", "2023-10-31", "2023-11-03", "2023-11-05"

CASES = [
    # published on a Tuesday
    (TUE, "The minister resigned on Tuesday.", "2023-10-31"),
    (TUE, "Talks will resume on Tuesday.", "2023-10-31"),
    (TUE, "The talks collapsed on Monday.", "2023-10-30"),
    (TUE, "Rebels attacked the town on Wednesday.", "2023-10-25"),
    (TUE, "He will travel to Paris on Wednesday.", "2023-11-01"),
    (TUE, "The court would rule on Thursday, officials said.", "2023-11-02"),
    (TUE, "He said he would send inspectors on Thursday.", "2023-11-02"),
    (TUE, "The verdict is due on Friday.", "2023-11-03"),
    (TUE, "The company plans to report results on Friday.", "2023-11-03"),
    (TUE, "Voters went to the polls on Sunday.", "2023-10-29"),
    (TUE, "The mayor spoke last Tuesday.", "2023-10-24"),
    (TUE, "The council meets next Tuesday.", "2023-11-07"),
    (TUE, "Police arrested him last Friday.", "2023-10-27"),
    (TUE, "The ship is expected to dock on Monday.", "2023-11-06"),
    (TUE, "Officials met on Saturday.", "2023-10-28"),
    (TUE, "Yesterday the minister resigned.", "2023-10-30"),
    (TUE, "Today the minister resigned.", "2023-10-31"),
    (TUE, "Tonight the minister will speak.", "2023-10-31"),
    (TUE, "Overnight, rockets hit the city.", "2023-10-30"),
    (TUE, "Last night, rockets hit the city.", "2023-10-30"),
    (TUE, "This morning the market fell.", "2023-10-31"),
    (TUE, "Tomorrow the minister flies home.", "2023-11-01"),
    (TUE, "The strike began on Thursday.", "2023-10-26"),
    (TUE, "The strike will begin on Thursday.", "2023-11-02"),
    (TUE, "Ministers may vote on Friday.", "2023-11-03"),
    (TUE, "The aid arrived this past Sunday.", "2023-10-29"),
    (TUE, "Aid arrives this coming Sunday.", "2023-11-05"),
    (TUE, "The ruling came on Tuesday morning.", "2023-10-31"),
    (TUE, "A decision is expected on Wednesday.", "2023-11-01"),
    (TUE, "The envoy flew to Cairo on Friday and met the president.", "2023-10-27"),
    # published on a Friday
    (FRI, "The talks faltered on Friday.", "2023-11-03"),
    (FRI, "The talks faltered on Thursday.", "2023-11-02"),
    (FRI, "The talks will resume on Monday.", "2023-11-06"),
    (FRI, "The talks resumed on Monday.", "2023-10-30"),
    (FRI, "Leaders will meet on Friday.", "2023-11-03"),
    (FRI, "Leaders met last Friday.", "2023-10-27"),
    (FRI, "Leaders will meet next Friday.", "2023-11-10"),
    (FRI, "Yesterday's storm flooded the town.", "2023-11-02"),
    (FRI, "Markets rallied on Wednesday.", "2023-11-01"),
    (FRI, "The plant would reopen on Wednesday, the company said.", "2023-11-08"),
    (FRI, "The plant reopened on Saturday.", "2023-10-28"),
    (FRI, "The plant will reopen on Saturday.", "2023-11-04"),
    (FRI, "The minister is due to speak on Sunday.", "2023-11-05"),
    (FRI, "Officials said on Friday that the plant was safe.", "2023-11-03"),
    # published on a Monday
    (MON, "Protesters gathered on Monday.", "2023-10-30"),
    (MON, "Protesters will gather on Monday.", "2023-10-30"),
    (MON, "Protesters gathered on Sunday.", "2023-10-29"),
    (MON, "Protesters gathered on Tuesday.", "2023-10-24"),
    (MON, "Protesters will gather on Tuesday.", "2023-10-31"),
    (MON, "Protesters gathered last Monday.", "2023-10-23"),
    (MON, "Protesters will gather next Monday.", "2023-11-06"),
    (MON, "Yesterday protesters gathered.", "2023-10-29"),
    (MON, "The president signed the bill last night.", "2023-10-29"),
    (MON, "The president will sign the bill tonight.", "2023-10-30"),
    (MON, "The bill was signed on Saturday.", "2023-10-28"),
    (MON, "The bill is set to be signed on Saturday.", "2023-11-04"),
    (MON, "The bill should pass on Thursday.", "2023-11-02"),
    (MON, "The senator might resign on Friday.", "2023-11-03"),
    (MON, "The storm hit on Friday night.", "2023-10-27"),
    (MON, "The storm hit early on Sunday.", "2023-10-29"),
    (MON, "The storm is forecast to hit on Wednesday.", "2023-11-01"),
    (MON, "He had arrived on Sunday.", "2023-10-29"),
    (MON, "He may have left on Sunday.", "2023-10-29"),
    # published on a Sunday
    (SUN, "The match was played on Sunday.", "2023-11-05"),
    (SUN, "The match will be played on Saturday.", "2023-11-11"),
    (SUN, "The match was played on Saturday.", "2023-11-04"),
]


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.mark.parametrize(("published", "sentence", "expected"), CASES, ids=[f"{p}:{s}" for p, s, _ in CASES])
def test_relative_day_as_newsrooms_write_it(nlp, published, sentence, expected):
    report = Article(id="t", text=sentence, published=datetime.fromisoformat(published).replace(tzinfo=UTC))
    report.sentences = split_sentences(sentence)
    extract_claims(report, nlp=nlp)
    days = [c.value for c in report.claims if c.kind == "date"]
    assert days == [expected]


def test_the_table_covers_the_convention():
    assert len(CASES) >= 60
    # every weekday relation: the day itself, before and after it, in both tenses
    assert {p for p, _, _ in CASES} == {MON, TUE, FRI, SUN}
