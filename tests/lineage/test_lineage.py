"""The lineage pass on hand-made alignments: each test sets the sentence matches of every
pair (no encoder involved), the whole-text cosine and the term containment, so that the
evidence is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storytrace.align.aligner import SentenceMatch, thresholds
from storytrace.lineage.edge_model import EdgeEvidence, recording_evidence, shipped_edge_model
from storytrace.lineage.lineage import Lineage, PairCache, trace_lineage
from storytrace.model import Article, Sentence

DAY0 = datetime(2024, 3, 1, tzinfo=UTC)


def _article(aid: str, day: int, n: int) -> Article:
    a = Article(id=aid, text=" ".join(f"{aid} sentence {i}." for i in range(n)), published=DAY0 + timedelta(days=day))
    a.sentences = [Sentence(index=i, start=0, end=0, text=f"{aid} sentence {i}.") for i in range(n)]
    return a


def _match(i: int, score: float, source: int | None = None) -> SentenceMatch:
    """A match at ``score``, its relation as the aligner would name it."""
    levels = thresholds()
    if source is None or score < levels.partial:
        return SentenceMatch(i, [], "unsupported", score, 0.0)
    relation = "paraphrase" if score >= levels.paraphrase else "partial"
    return SentenceMatch(i, [source], relation, score, 0.8)


def _pairs(spec: dict[tuple[str, str], list[tuple[float, int | None]]]) -> dict:
    return {key: [_match(i, s, j) for i, (s, j) in enumerate(rows)] for key, rows in spec.items()}


def _trace(articles: list[Article], candidates: dict, cache: PairCache, cosine: float = 0.3, contained: float = 0.3) -> Lineage:
    # the fixtures' texts are word for word alike ("s sentence 0."): the containment is set, not read from them
    return trace_lineage(
        articles,
        candidates,
        cache,
        lambda derived, sources: [cosine] * len(sources),
        lambda derived, sources: (np.full(len(sources), contained), np.full(len(sources), contained)),
    )


def _edges(lineage: Lineage) -> set[tuple[str, str]]:
    return {(e.source, e.derived) for e in lineage.edges}


def test_an_edge_needs_restatement_and_its_confidence_grows_with_it():
    close = thresholds().close
    loose = thresholds().partial + 0.02  # supported, but only just
    source, derived = _article("s", 0, 6), _article("d", 2, 6)
    thin = [(loose, 0)] + [(0.2, None)] * 5  # one loose sentence of six
    cache = PairCache({}, _pairs({("d", "s"): thin}))
    assert _edges(_trace([source, derived], {"d": ["s"]}, cache)) == set()

    full = [(close + 0.05, i) for i in range(6)]  # every sentence restated closely
    cache = PairCache({}, _pairs({("d", "s"): full}))
    lineage = _trace([source, derived], {"d": ["s"]}, cache)
    assert _edges(lineage) == {("s", "d")}
    strong = lineage.edges[0].confidence
    assert strong is not None and 0.5 <= strong <= 1.0
    assert lineage.edges[0].to_dict()["confidence"] == round(strong, 4)

    half = [(close + 0.05, i) for i in range(3)] + [(0.2, None)] * 3
    cache = PairCache({}, _pairs({("d", "s"): half}))
    weaker = _trace([source, derived], {"d": ["s"]}, cache).edges
    assert not weaker or weaker[0].confidence < strong


def test_a_later_report_is_never_a_source():
    close = thresholds().close
    early, late = _article("e", 0, 3), _article("l", 2, 3)
    cache = PairCache({}, _pairs({("e", "l"): [(close + 0.1, i) for i in range(3)]}))
    assert _edges(_trace([early, late], {"e": ["l"]}, cache)) == set()


def test_a_parent_gives_way_to_its_own_parent_only_when_that_one_explains_the_report():
    """u -> a -> d: u supports one sentence of d, only just, a supports all of d closely. Handing
    d to u would leave d with no parent (u's evidence is too thin for an edge), so a stays."""
    loose = thresholds().partial + 0.02
    u, a, d = _article("u", 0, 3), _article("a", 1, 3), _article("d", 2, 4)
    pairs = _pairs(
        {
            ("a", "u"): [(0.85, 0), (0.85, 1), (0.85, 2)],
            ("d", "a"): [(0.85, 0), (0.85, 1), (0.85, 2), (0.85, 2)],
            ("d", "u"): [(loose, 0), (0.3, None), (0.3, None), (0.3, None)],
        }
    )
    lineage = _trace([u, a, d], {"a": ["u"], "d": ["u", "a"]}, PairCache({}, pairs))
    assert _edges(lineage) == {("u", "a"), ("a", "d")}
    assert next(e for e in lineage.edges if e.derived == "d").coverage == 1.0


def test_a_second_parent_must_add_an_edges_worth_of_its_own():
    """a -> b; d restates a closely in four sentences and b in four more, of which only two
    are b's own (b's other two restate a): b's own content is under the coverage bar."""
    a, b, d = _article("a", 0, 4), _article("b", 1, 6), _article("d", 2, 8)
    spec = {
        ("b", "a"): [(0.85, 0), (0.85, 1), (0.85, 2), (0.85, 3), (0.3, None), (0.3, None)],
        ("d", "a"): [(0.85, 0), (0.85, 1), (0.85, 2), (0.85, 3)] + [(0.3, None)] * 4,
        ("d", "b"): [(0.3, None)] * 4 + [(0.9, 0), (0.9, 1), (0.9, 4), (0.9, 5)],
    }
    # d holds nearly every word of a and of b: the sentence credit decides
    lineage = _trace([a, b, d], {"b": ["a"], "d": ["a", "b"]}, PairCache({}, _pairs(spec)), contained=0.9)
    assert _edges(lineage) == {("a", "b"), ("a", "d")}

    # with three sentences of its own (over the coverage bar), b is a parent of d too
    spec[("b", "a")] = [(0.85, 0), (0.85, 1), (0.85, 2), (0.3, None), (0.3, None), (0.3, None)]
    spec[("d", "b")] = [(0.3, None)] * 4 + [(0.9, 2), (0.9, 3), (0.9, 4), (0.9, 5)]
    lineage = _trace([a, b, d], {"b": ["a"], "d": ["a", "b"]}, PairCache({}, _pairs(spec)), contained=0.9)
    assert _edges(lineage) == {("a", "b"), ("a", "d"), ("b", "d")}


def _dated(aid: str, published: datetime, n: int = 3) -> Article:
    a = _article(aid, 0, n)
    a.published = published
    return a


def test_two_reports_of_one_day_without_a_time_have_no_known_order():
    close = thresholds().close
    copy = [(close + 0.1, i) for i in range(3)]
    same_day = [_dated("a", DAY0), _dated("b", DAY0)]
    lineage = _trace(same_day, {"b": ["a"]}, PairCache({}, _pairs({("b", "a"): copy})))
    assert [(e.source, e.derived, e.direction) for e in lineage.edges] == [("a", "b", "unknown")]
    assert lineage.edges[0].to_dict()["direction"] == "unknown"

    # one of them with a time of day is not enough; both with different times are ordered
    morning, evening = DAY0 + timedelta(hours=9), DAY0 + timedelta(hours=18)
    for first, second, known in ((DAY0, evening, "unknown"), (morning, evening, "known")):
        pair = [_dated("a", first), _dated("b", second)]
        lineage = _trace(pair, {"b": ["a"]}, PairCache({}, _pairs({("b", "a"): copy})))
        assert [e.direction for e in lineage.edges] == [known]

    # and reports of different days are ordered by their dates
    days = [_dated("a", DAY0), _dated("b", DAY0 + timedelta(days=1))]
    lineage = _trace(days, {"b": ["a"]}, PairCache({}, _pairs({("b", "a"): copy})))
    assert [e.direction for e in lineage.edges] == ["known"]


def test_the_features_do_not_depend_on_which_text_is_the_longer():
    """A two-sentence claim restated whole inside a twenty-sentence invented text, and a
    twenty-sentence article condensed into two sentences: both restate all of the shorter
    text, and the model reads them alike."""
    expansion = EdgeEvidence(
        n=20, m=2, credited=2, source_used=2, direct=2, source_in_derived=0.9, derived_in_source=0.1, margin=0.2
    )
    condensed = EdgeEvidence(
        n=2, m=20, credited=2, source_used=2, direct=2, source_in_derived=0.1, derived_in_source=0.9, margin=0.2
    )
    assert expansion.vector() == condensed.vector()
    model = shipped_edge_model()
    assert model.probability(expansion) >= model.threshold
    # the same two sentences of a twenty-sentence source inside a twenty-sentence text restate little of either
    diluted = EdgeEvidence(
        n=20, m=20, credited=2, source_used=2, direct=2, source_in_derived=0.1, derived_in_source=0.1, margin=0.2
    )
    assert model.probability(diluted) < model.probability(expansion)


def test_a_source_is_not_outranked_by_its_own_derivative():
    """s -> p; d restates s (and so resembles p, which restates s too, more than s itself):
    p is no rival of s. Its margin is taken over u, the candidate that does not derive from s."""
    close = thresholds().close
    s, u, p, d = _article("s", 0, 3), _article("u", 0, 3), _article("p", 1, 3), _article("d", 2, 3)
    restated = [(close + 0.1, i) for i in range(3)]
    unrelated = [(0.3, None)] * 3
    spec = {("p", "s"): restated, ("p", "u"): unrelated, ("d", "s"): restated, ("d", "p"): unrelated, ("d", "u"): unrelated}
    cosine = {("p", "s"): 0.6, ("d", "s"): 0.4, ("d", "p"): 0.7, ("d", "u"): 0.1, ("p", "u"): 0.1}
    with recording_evidence() as seen:
        lineage = trace_lineage(
            [s, u, p, d],
            {"p": ["s", "u"], "d": ["s", "u", "p"]},
            PairCache({}, _pairs(spec)),
            lambda derived, sources: [cosine.get((derived, x), 0.0) for x in sources],
            lambda derived, sources: (np.full(len(sources), 0.5), np.full(len(sources), 0.5)),
        )
    assert _edges(lineage) == {("s", "p"), ("s", "d")}
    evidence = {(derived, source): e for derived, source, e in seen}
    assert evidence[("d", "s")].margin == pytest.approx(0.4 - 0.1)
