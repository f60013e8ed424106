"""Story grouping (``group.stories.group``) on small same-domain piles written for these tests.

One trade (refining and crude transport), several stories a week that share its vocabulary
(crude, barrels, refinery, fire, the same company): the grouping must keep them apart, put a
loose paraphrase in its story, not depend on the order the reports are given in, and weigh
time (a follow-up months later is a new story unless it is a near copy). It must also reach
what a plain tf-idf average-linkage baseline reaches at its best threshold, without tuning.
bench/grouping_eval.py measures the same on real data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from storytrace.eval.metrics import pairwise_prf
from storytrace.group import stories
from storytrace.group.stories import JOIN, group, time_decay
from storytrace.index.similarity import Similarity
from storytrace.model import Article, parse_published

FIRE = [  # a fire at one refinery
    "A fire broke out on Monday at the Harbor Point refinery near Corpus Christi, shutting its 210,000 barrel-per-day crude unit. "
    "Valdane Energy, which owns the plant, said no workers were hurt and crews contained the blaze by evening. Gasoline futures rose on the news.",
    "Valdane Energy halted the main crude unit at its Harbor Point refinery after a blaze on Monday. The Corpus Christi plant processes about "
    "210,000 barrels a day; the company said firefighters put the fire out within hours and nobody was injured. Traders pushed gasoline futures higher.",
    "Firefighters contained a Monday fire at Valdane's Harbor Point refinery in Corpus Christi. The 210,000 barrel-a-day crude unit stays shut "
    "while inspectors assess the damage, the company said, adding that no one was hurt.",
]
OTHER_FIRE = [  # the same week, the same company, another plant, another fire
    "A fire at Valdane Energy's Lakeside refinery in Lake Charles forced the shutdown of a 95,000 barrel-per-day coker on Thursday. "
    "Two contractors were treated for smoke inhalation, the company said.",
    "Valdane Energy shut a coker at its Lake Charles plant, the Lakeside refinery, after a Thursday fire; two contract workers received "
    "treatment for smoke inhalation. The unit handles about 95,000 barrels a day.",
    "Two contract workers were treated for smoke inhalation after fire hit the coker at Lakeside, Valdane's Lake Charles refinery, on Thursday. "
    "The 95,000 barrel-a-day unit is shut.",
]
TARIFF = [  # a pipeline tariff ruling
    "Federal regulators on Tuesday rejected a tariff increase on the Coastal Link crude pipeline, which carries 300,000 barrels per day to export "
    "terminals. Shippers had argued the higher rates would make Gulf crude less competitive abroad. Oil prices were little changed.",
    "The Coastal Link pipeline may not raise its tariffs, federal regulators ruled on Tuesday, siding with shippers who said the increase would "
    "hurt exports of Gulf crude. The line moves about 300,000 barrels a day to coastal export terminals.",
    "Shippers on the Coastal Link crude line won a ruling on Tuesday when federal regulators turned down the operator's proposed tariff increase. "
    "The 300,000 barrel-per-day pipeline feeds export terminals on the Gulf; crude prices barely moved.",
]
LEASE = [  # an offshore lease sale
    "The government's offshore lease sale drew 48 bids on Wednesday, with Northmere Oil winning 12 deepwater blocks for a combined 86 million "
    "dollars. Analysts said interest in new drilling remains muted despite higher crude prices.",
    "Northmere Oil took 12 deepwater blocks in Wednesday's offshore lease auction, paying 86 million dollars. The sale attracted 48 bids in total, "
    "a sign that appetite for new offshore drilling is still weak, analysts said.",
]
# shares the names and numbers of FIRE but hardly a phrase
PARAPHRASE = (
    "Nobody was injured when flames swept through part of the Harbor Point plant owned by Valdane Energy on Monday; the Corpus Christi "
    "site's 210,000 barrel daily crude unit is offline."
)
FOLLOW_UP = (
    "Valdane Energy restarted the crude unit at its Harbor Point refinery in Corpus Christi, weeks after a fire shut the 210,000 "
    "barrel-per-day unit. Inspectors cleared the plant, the company said."
)

START = date(2031, 5, 5)  # a Monday


def _report(rid: str, text: str, day: int | None, story: str) -> tuple[Article, str]:
    published = parse_published((START + timedelta(days=day)).isoformat()) if day is not None else None
    return Article(id=rid, text=text, published=published), story


def _week() -> list[tuple[Article, str]]:
    """Four stories of one trade in one week, plus a loose paraphrase of the first."""
    rows = [_report(f"fire-{k}", t, d, "fire") for k, (t, d) in enumerate(zip(FIRE, (0, 0, 1), strict=False))]
    rows += [_report(f"other-{k}", t, d, "other") for k, (t, d) in enumerate(zip(OTHER_FIRE, (3, 3, 4), strict=False))]
    rows += [_report(f"tariff-{k}", t, d, "tariff") for k, (t, d) in enumerate(zip(TARIFF, (1, 1, 2), strict=False))]
    rows += [_report(f"lease-{k}", t, d, "lease") for k, (t, d) in enumerate(zip(LEASE, (2, 3), strict=False))]
    rows.append(_report("paraphrase", PARAPHRASE, 2, "fire"))
    return rows


def _all_pairs(n: int) -> dict[int, set[int]]:
    return {i: set(range(n)) - {i} for i in range(n)}


def _partition(rows: list[tuple[Article, str]], join: float | None = None, candidates=None) -> set[frozenset[str]]:
    articles = [a for a, _ in rows]
    similarity = Similarity([a.text for a in articles])
    labels = group(articles, similarity, candidates or _all_pairs(len(articles)), set(), join=join)
    out: dict[int, set[str]] = {}
    for a, label in zip(articles, labels, strict=False):
        out.setdefault(label, set()).add(a.id)
    return {frozenset(v) for v in out.values()}


def _gold(rows: list[tuple[Article, str]]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, story in rows:
        out.setdefault(story, set()).add(a.id)
    return {frozenset(v) for v in out.values()}


def _story_of(partition: set[frozenset[str]], rid: str) -> frozenset[str]:
    return next(s for s in partition if rid in s)


def test_same_trade_stories_stay_apart_and_the_paraphrase_joins():
    rows = _week()
    got = _partition(rows)
    # two fires of one company in one week are two stories
    assert _story_of(got, "fire-0") != _story_of(got, "other-0")
    # the loose paraphrase (no shared phrase, the same names and numbers) joins its story
    assert "paraphrase" in _story_of(got, "fire-0")
    assert got == _gold(rows)


def test_grouping_does_not_hinge_on_the_exact_threshold():
    # the stories of one trade stay apart well beyond the band where the leave-one-set-out
    # choice of JOIN falls on real data (0.29-0.34); the loose paraphrase joins by its words at
    # JOIN and below (above it, in the pipeline, it comes in by its lineage link, not given here)
    rows = _week()
    gold = _gold(rows)
    for join in (JOIN - 0.1, JOIN - 0.05, JOIN):
        assert _partition(rows, join=join) == gold, join
    without_paraphrase = {s - {"paraphrase"} for s in gold} - {frozenset()}
    for join in (JOIN + 0.03, JOIN + 0.05):
        assert {s - {"paraphrase"} for s in _partition(rows, join=join)} - {frozenset()} == without_paraphrase, join


def test_order_of_the_input_does_not_matter():
    rows = _week()
    expected = _partition(rows)
    for seed in range(5):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        assert _partition(shuffled) == expected


def test_same_partition_with_the_pipelines_candidates():
    from storytrace.pipeline import make_plan

    rows = sorted(_week(), key=lambda r: r[0].sort_key())
    articles = [a for a, _ in rows]
    plan = make_plan(articles)
    labels = group(articles, plan.similarity, plan.neighbours, set())
    got: dict[int, set[str]] = {}
    for a, label in zip(articles, labels, strict=False):
        got.setdefault(label, set()).add(a.id)
    assert {frozenset(v) for v in got.values()} == _gold(rows)


def test_a_follow_up_joins_within_the_week_but_not_months_later():
    base = [_report(f"fire-{k}", t, d, "fire") for k, (t, d) in enumerate(zip(FIRE, (0, 0, 1), strict=False))]
    base += [_report(f"tariff-{k}", t, d, "tariff") for k, (t, d) in enumerate(zip(TARIFF, (1, 1, 2), strict=False))]
    soon = _partition(base + [_report("follow-up", FOLLOW_UP, 4, "fire")])
    assert "follow-up" in _story_of(soon, "fire-0")
    late = _partition(base + [_report("follow-up", FOLLOW_UP, 130, "fire")])
    assert _story_of(late, "follow-up") == frozenset({"follow-up"})
    # an undated report is not penalised for its date
    undated = _partition(base + [_report("follow-up", FOLLOW_UP, None, "fire")])
    assert "follow-up" in _story_of(undated, "fire-0")


def test_a_reprint_joins_its_story_whatever_the_gap():
    # the decay never takes more than 1 - DECAY_FLOOR of a similarity: a reprint a year later still joins
    base = [_report("fire-0", FIRE[0], 0, "fire")]
    base += [_report(f"tariff-{k}", t, d, "tariff") for k, (t, d) in enumerate(zip(TARIFF, (1, 1, 2), strict=False))]
    base += [_report(f"lease-{k}", t, d, "lease") for k, (t, d) in enumerate(zip(LEASE, (2, 3), strict=False))]
    reprint = FIRE[0].replace("Gasoline futures rose on the news.", "Gasoline futures climbed.")
    got = _partition(base + [_report("reprint", reprint, 400, "fire")])
    assert _story_of(got, "fire-0") == frozenset({"fire-0", "reprint"})


def test_time_decay_shape():
    days = np.array([100.0, 100 - stories.GRACE_DAYS, 100 - stories.GRACE_DAYS - stories.DECAY_DAYS, -1000.0, np.nan])
    w = time_decay(100.0, days)
    assert w[0] == w[1] == 1.0
    assert w[2] == pytest.approx(0.5)
    assert w[3] == pytest.approx(stories.DECAY_FLOOR)
    assert w[4] == 1.0
    assert np.all(time_decay(np.nan, days) == 1.0)


def test_reaches_the_tfidf_average_linkage_baseline_without_tuning():
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = _week()
    gold = [story for _, story in rows]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([a.text for a, _ in rows])
    d = np.clip(1.0 - (x @ x.T).toarray(), 0.0, None)
    np.fill_diagonal(d, 0.0)
    z = linkage(squareform(d, checks=False), method="average")
    best_baseline = max(
        pairwise_prf(gold, fcluster(z, t=1.0 - t, criterion="distance"))["f1"] for t in np.arange(0.05, 0.61, 0.01)
    )
    articles = [a for a, _ in rows]
    similarity = Similarity([a.text for a in articles])
    ours = pairwise_prf(gold, group(articles, similarity, _all_pairs(len(articles)), set()))["f1"]
    assert ours >= best_baseline - 1e-9
    assert ours == pytest.approx(1.0)
