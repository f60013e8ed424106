"""Candidate pairs grow with the pile, not its square, whatever the pile: many copies of one
text, a feed of near-identical items; and where no LSH bucket is large they are exactly the
pairs rensa's LSH query finds."""

from __future__ import annotations

import pytest

from storytrace.group.stories import group
from storytrace.index.candidates import BUCKET_ALL, BUCKET_FIRST, BUCKET_WINDOW, LSH_BANDS, lsh_pairs, lsh_pairs_rensa
from storytrace.index.similarity import Similarity
from storytrace.model import Article

STORIES = [
    "The council approved the harbour plan on Monday after a long debate about moorings and costs.",
    "A ferry ran aground near the island; the coastguard said all forty passengers were safe.",
    "The mill will close in June, its owner told workers, blaming the price of energy this winter.",
    "Floods cut the coast road twice this week and the school bus now takes the hill route.",
]


def variants() -> list[str]:
    """Texts with a few collisions and no large bucket: each story in three wordings."""
    out = []
    for s in STORIES:
        out += [s, s.replace("the", "a", 1), s + " More follows."]
    return out


def test_the_pairs_are_rensas_where_no_bucket_is_large():
    texts = variants()
    assert lsh_pairs(texts) == lsh_pairs_rensa(texts)
    assert lsh_pairs(texts)  # the wordings of a story collide


def test_many_copies_cost_pairs_linear_in_their_number():
    counts = {}
    for n in (200, 400, 800):
        pairs = lsh_pairs([STORIES[0]] * n)
        counts[n] = len(pairs)
        assert len(pairs) <= n * (BUCKET_FIRST + BUCKET_WINDOW)
        # every copy is paired with the earliest (its likely origin) and with its predecessor
        assert all((0, k) in pairs and (k - 1, k) in pairs for k in range(1, n))
    assert counts[800] <= 2.2 * counts[400] and counts[400] <= 2.2 * counts[200]


def test_near_identical_items_cost_pairs_linear_in_their_number():
    def feed(n):
        return [f"Item {k} of a long feed, posted today." for k in range(n)]

    # pairs per item level off (each band's bucket gives an item at most FIRST + WINDOW partners)
    per_item = [len(lsh_pairs(feed(n))) / n for n in (1000, 2000, 4000)]
    assert per_item[2] <= 1.1 * per_item[1] <= 1.21 * per_item[0]
    assert per_item[2] <= LSH_BANDS * (BUCKET_FIRST + BUCKET_WINDOW)


def test_a_small_bucket_pairs_everyone():
    n = BUCKET_ALL
    pairs = lsh_pairs([STORIES[1]] * n)
    assert pairs == {(a, b) for a in range(n) for b in range(a + 1, n)}


def test_copies_of_one_text_are_one_story_however_many():
    # 40 copies of one story among other stories: every word of the copies is in more than
    # half of the reports, but the document frequencies count one text once
    texts = [STORIES[0]] * 40 + STORIES[1:]
    articles = [Article(id=f"r{k:03d}", text=t) for k, t in enumerate(texts)]
    similarity = Similarity(texts)
    assert similarity.tfidf is not None
    assert float(similarity.between(0, [39])[0]) > 0.99
    candidates: dict[int, set[int]] = {}
    for a, b in lsh_pairs(texts):
        candidates.setdefault(a, set()).add(b)
        candidates.setdefault(b, set()).add(a)
    labels = group(articles, similarity, candidates, set())
    assert len(set(labels[:40])) == 1 and len(set(labels)) == 4


def test_containment_reads_each_way():
    """A short text whose words all reappear in a long one: contained one way, not the other."""
    short = "Black cats in Vietnam are killed as a cure."
    long = short + " Reporters documented the practice. Animal groups protested loudly. Doctors warned against it."
    other = "The council approved the budget for schools."
    similarity = Similarity([short, long, other])
    in_long, long_in = similarity.containment(1, [0, 2])
    assert in_long[0] == pytest.approx(1.0)  # every term of the short text is in the long one
    assert 0.0 < long_in[0] < 0.6  # the long one's own words are not in the short one
    assert in_long[1] == 0.0 and long_in[1] == 0.0
