"""Which reports tell the same story: average-linkage grouping over the candidate pairs.

Stories are built bottom-up, the closest two first, while the average similarity of their
members (``score``) is at least JOIN: average linkage, the tuned tf-idf baseline of the field
for same-domain grouping, so that the grouping never splits what that baseline keeps whole
because of the order in which reports arrived (the online grouping it replaces, which
attached each report in date order to its best story, did, and trailed the baseline on five
of 18 dated sets; bench/grouping_eval.py). Only stories with a candidate pair between them
are compared (``make_plan``'s term and MinHash neighbours), and a story's similarity is
averaged over at most SAMPLE of its members (spread over its life), so that each merge costs
a bounded amount whatever the size of the pile or the story.

A strong lineage edge (``story_links``: two sentences restated closely, not stock text) puts
the derived report in its source's story whatever the wording: a heavy paraphrase may share
few words with its source but it is the same story. A weaker edge does not merge stories
(independent reports of one event share background sentences); it only brings a report the
text similarity left alone to the story it belongs to by lineage (``join_lone_reports``): a
lone derivative to its source's story, a lone source to the one story that holds all its
derivatives. Either only where the words agree (``TextCheck``): no other candidate outside
the pair's lineage family is nearer the derived report than its source.

News stories come in bursts: a member published weeks before a newcomer speaks less for
the newcomer's story than one of the same week. Each pair's similarity is therefore
weighted by a mild time decay: 1 within GRACE_DAYS, then 1 / (1 + (gap - GRACE_DAYS) /
DECAY_DAYS) (0.5 at five weeks), never below DECAY_FLOOR (reached at about seven weeks), so
that reprints join whatever the gap. Undated reports are not decayed.

Similarity of two reports is tf-idf cosine (sublinear term frequency, idf over the
corpus being traced). Blending document vectors in merged same-domain stories on the
development piles (grouping precision 0.80 against 0.97; docs/experiments.md), so
paraphrase reaches the grouping through lineage links instead.

JOIN was chosen on every dated set of bench/: on the 18 sets of bench/grouping_eval.py the
mean F1 (with lineage links and lone joins) is flat from 0.29 to 0.34 (the leave-one-set-out
choice falls in 0.31-0.34, and the trace is level with or above the baseline on 17 of 18
sets anywhere in it); on the llmfake piles per held-out fold of bench/lineage_folds.py the
lower end keeps more heavy rewrites (worst fold 0.875 at 0.29 against 0.861 at 0.33), so 0.29.
"""

from __future__ import annotations

import heapq
import re

import numpy as np

from storytrace.align.aligner import thresholds
from storytrace.index.similarity import Similarity
from storytrace.lineage.lineage import MIN_SENTENCES, Lineage
from storytrace.model import Article, Edge

JOIN = 0.29
SAMPLE = 30  # members of a story that stand for it in an average (spread over its life)
GRACE_DAYS = 7.0  # members this close in time count in full
DECAY_DAYS = 30.0  # beyond the grace, a pair's similarity is divided by 1 + extra days / DECAY_DAYS
DECAY_FLOOR = 0.4  # ... but keeps at least this share of it


def group(
    articles: list[Article],
    similarity: Similarity,
    candidates: dict[int, set[int]],
    links: set[tuple[int, int]],
    join: float | None = None,
) -> list[int]:
    """Story label per article (articles in the order given; labels numbered by first member
    in publication order). ``links`` are pairs that share a story whatever their words."""
    links = set(links) | same_text_links(articles)
    return _Agglomeration(articles, similarity, candidates, links).run(JOIN if join is None else join)


def same_text_links(articles: list[Article]) -> set[tuple[int, int]]:
    """Reports with the same words (a wire story printed by many outlets) are one story from
    the start: their similarity is 1, so average linkage would join them anyway, one merge at
    a time, each making every candidate entry of the growing story stale (work that grows
    with the square of the number of copies)."""
    first: dict[str, int] = {}
    out: set[tuple[int, int]] = set()
    for k, a in enumerate(articles):
        key = " ".join((a.text or "").lower().split())
        if not key:
            continue
        if key in first:
            out.add((first[key], k))
        else:
            first[key] = k
    return out


class _Agglomeration:
    """Average linkage over a sparse graph of candidate stories, best pair first. A heap entry
    records the versions of its two stories; a story changes version when it grows, so an entry
    about an older version is scored again when it comes up instead of being trusted."""

    def __init__(self, articles: list[Article], similarity: Similarity, candidates: dict[int, set[int]], links):
        n = len(articles)
        self.similarity = similarity
        self.order = sorted(range(n), key=lambda k: articles[k].sort_key())
        self.rank = {k: r for r, k in enumerate(self.order)}
        self.day = np.array([a.published.timestamp() / 86400.0 if a.published is not None else np.nan for a in articles])
        self.root = list(range(n))
        for a, b in sorted(links):
            self._union(a, b)
        self.members: dict[int, list[int]] = {}
        for k in self.order:  # members kept in publication order
            self.members.setdefault(self._find(k), []).append(k)
        self.adjacent: dict[int, set[int]] = {r: set() for r in self.members}
        for k in range(n):
            for p in candidates.get(k, ()):
                a, b = self._find(k), self._find(p)
                if a != b:
                    self.adjacent[a].add(b)
                    self.adjacent[b].add(a)
        self.version = dict.fromkeys(self.members, 0)

    def _find(self, k: int) -> int:
        while self.root[k] != k:
            self.root[k] = self.root[self.root[k]]
            k = self.root[k]
        return k

    def _union(self, a: int, b: int) -> int:
        a, b = self._find(a), self._find(b)
        keep, gone = min(a, b), max(a, b)
        self.root[gone] = keep
        return keep

    def score(self, a: int, b: int) -> float:
        """Average time-weighted similarity of stories a and b (over SAMPLE members of each)."""
        left, right = _spread(self.members[a]), _spread(self.members[b])
        values = np.asarray(self.similarity.block(left, right), dtype=np.float64)
        weights = time_decay(self.day[left][:, None], self.day[right][None, :])
        return float(np.sum(values * weights)) / (len(left) * len(right))

    def run(self, join: float) -> list[int]:
        heap: list[tuple[float, int, int, int, int]] = []
        firsts = [(a, b) for a in sorted(self.adjacent) for b in sorted(self.adjacent[a]) if a < b]
        for (a, b), value in zip(firsts, self._first_scores(firsts), strict=True):
            if value >= join:
                heapq.heappush(heap, (-value, a, b, self.version[a], self.version[b]))
        while heap:
            _, a, b, va, vb = heapq.heappop(heap)
            a, b = self._find(a), self._find(b)
            if a == b:
                continue
            if (self.version[a], self.version[b]) != (va, vb):
                self._push(heap, min(a, b), max(a, b), join)  # one of them grew: score it again
                continue
            self._merge(a, b)
        label = [-1] * len(self.root)
        stories = sorted(self.members, key=lambda r: self.rank[self.members[r][0]])
        for number, story in enumerate(stories):
            for k in self.members[story]:
                label[k] = number
        return label

    def _first_scores(self, pairs: list[tuple[int, int]]) -> list[float]:
        """score() of every candidate pair before any merge, in one pass where both stories
        are single reports (all of them but those joined by lineage links)."""
        single = [len(self.members[a]) == 1 and len(self.members[b]) == 1 for a, b in pairs]
        left = np.array([self.members[a][0] for (a, _), one in zip(pairs, single, strict=True) if one], dtype=np.int64)
        right = np.array([self.members[b][0] for (_, b), one in zip(pairs, single, strict=True) if one], dtype=np.int64)
        quick = iter(self.similarity.pairs(left, right) * time_decay(self.day[left], self.day[right]))
        return [float(next(quick)) if one else self.score(a, b) for (a, b), one in zip(pairs, single, strict=True)]

    def _push(self, heap: list, a: int, b: int, join: float) -> None:
        value = self.score(a, b)
        if value >= join:
            heapq.heappush(heap, (-value, a, b, self.version[a], self.version[b]))

    def _merge(self, a: int, b: int) -> None:
        keep = self._union(a, b)
        gone = b if keep == a else a
        self.members[keep] = sorted(self.members[keep] + self.members.pop(gone), key=self.rank.__getitem__)
        self.version[keep] += 1
        for c in self.adjacent.pop(gone):
            self.adjacent[c].discard(gone)
            if c != keep:
                self.adjacent[c].add(keep)
                self.adjacent[keep].add(c)
        self.adjacent[keep].discard(gone)


def _spread(members: list[int]) -> list[int]:
    """At most SAMPLE members, evenly spaced over the story's life (first and last included)."""
    n = len(members)
    if n <= SAMPLE:
        return members
    return [members[round(j * (n - 1) / (SAMPLE - 1))] for j in range(SAMPLE)]


def time_decay(day: float | np.ndarray, others: np.ndarray) -> np.ndarray:
    """Weight of members published on days ``others`` for a report of day ``day`` (days as
    floats; NaN = undated, weight 1)."""
    gap = np.abs(np.asarray(others, dtype=np.float64) - day)
    extra = np.nan_to_num(np.maximum(gap - GRACE_DAYS, 0.0), nan=0.0)
    return np.maximum(DECAY_FLOOR, 1.0 / (1.0 + extra / DECAY_DAYS))


class TextCheck:
    """Whether the words agree with a lineage edge source -> derived: no grouping candidate of
    the derived report outside the pair's lineage family (the two reports and every report
    with an edge to or from either) is closer to it in words than its source. A heavy
    paraphrase is still nearest its own source (or a copy of it, which is family); reports of
    two stories written from one template ("In a shocking revelation, ...") restate each
    other's boilerplate while each is nearer its own story's reports. An undated report takes
    part in no edge, so whether it is family cannot be told: it does not count (a digest that
    quotes the whole story is nearer every member than they are to each other)."""

    def __init__(
        self,
        lineage: Lineage,
        articles: list[Article],
        index: dict[str, int],
        similarity: Similarity,
        neighbours: dict[int, set[int]],
    ):
        self.similarity, self.neighbours = similarity, neighbours
        self.undated = {k for k, a in enumerate(articles) if a.published is None}
        self.related: dict[int, set[int]] = {}
        for s, t, _ in _positions(lineage, index):
            self.related.setdefault(s, set()).add(t)
            self.related.setdefault(t, set()).add(s)

    def agrees(self, src: int, derived: int) -> bool:
        family = {src, derived} | self.related.get(src, set()) | self.related.get(derived, set())
        outside = sorted(self.neighbours.get(derived, set()) - family - self.undated)
        if not outside:
            return True
        values = self.similarity.between(derived, [src] + outside)
        return bool(values[0] >= values[1:].max())


def story_links(
    lineage: Lineage, articles: list[Article], index: dict[str, int], check: TextCheck | None = None
) -> set[tuple[int, int]]:
    """The lineage edges that join two reports into one story whatever their words: at least
    two sentences restated closely (each at ``close``) that are not stock text, and (with a
    ``check``) words that do not point to another story. A loose edge, or one
    shared sentence (the same event's background told anew, as independent reports of one
    event do), leaves the grouping to the text similarity; an edge between two stories is then
    not shown. Stock text: a sentence found word for word in more than the two reports of the
    pair (an outlet's trailer, "Reporting by ...; Editing by ..."); copies of one story that
    share it are joined by their text similarity anyway."""
    close = thresholds().close
    strong = [e for e in lineage.edges if e.sentences >= MIN_SENTENCES]
    if not strong:
        return set()
    by_id = {a.id: a for a in articles}
    seen: dict[str, set[str]] = {}
    for a in articles:
        for sent in a.sentences:
            seen.setdefault(_stock_key(sent.text), set()).add(a.id)
    credited: dict[tuple[str, str], set[int]] = {}  # the derived sentences restated closely
    restated_by: dict[tuple[str, int], set[str]] = {}  # a source sentence: the reports restating it
    used: dict[tuple[str, str, int], set[int]] = {}  # a derived sentence: its source sentences
    for al in lineage.alignments:
        if al.source is None or al.source_sentence is None:
            continue  # an unsupported sentence (both are set or neither)
        if al.score >= close:
            credited.setdefault((al.source, al.derived), set()).add(al.derived_sentence)
        restated_by.setdefault((al.source, al.source_sentence), set()).add(al.derived)
        used.setdefault((al.source, al.derived, al.derived_sentence), set()).add(al.source_sentence)
    stock_sources = {key for key, derived in restated_by.items() if len(derived) > 2}
    links = set()
    for e in strong:
        sentences = by_id[e.derived].sentences
        own = [
            i
            for i in credited.get((e.source, e.derived), ())
            if i < len(sentences)
            and len(seen[_stock_key(sentences[i].text)]) <= 2
            and not all((e.source, j) in stock_sources for j in used[(e.source, e.derived, i)])
        ]
        pair = (index[e.source], index[e.derived])
        if len(own) >= MIN_SENTENCES and (check is None or check.agrees(*pair)):
            links.add(pair)
    return links


def join_lone_reports(lineage: Lineage, labels: list[int], index: dict[str, int], check: TextCheck | None = None) -> list[int]:
    """A report that the text similarity left alone in its story joins the story it belongs
    to by lineage edges too weak to join stories (one restated sentence: a heavy rewrite):
    a lone derivative its source's story; then a lone source the story that holds all its
    derivatives, if they are all in one (two heavy rewrites of it, grouped with each other by
    their own words). With a ``check``, only along an edge the words agree with. It only
    ever adds a lone report to a story: two stories are never merged by such an edge. Returns
    the new labels; ``labels`` is left as it was."""
    labels = list(labels)
    size: dict[int, int] = {}
    for label in labels:
        size[label] = size.get(label, 0) + 1

    def move(k: int, story: int) -> None:
        size[labels[k]] -= 1
        labels[k] = story
        size[story] += 1

    positions = _positions(lineage, index)
    for src, d, _ in sorted(positions, key=lambda p: (-p[2].score, p[2].source, p[2].derived)):
        if labels[d] != labels[src] and size[labels[d]] == 1 and (check is None or check.agrees(src, d)):
            move(d, labels[src])
    targets: dict[int, set[int]] = {}
    for src, d, _ in positions:
        targets.setdefault(src, set()).add(d)
    for src in sorted(targets):
        stories = {labels[d] for d in targets[src]}
        if size[labels[src]] != 1 or len(stories) != 1 or labels[src] in stories:
            continue
        if check is None or any(check.agrees(src, d) for d in targets[src]):
            move(src, stories.pop())
    return labels


def _positions(lineage: Lineage, index: dict[str, int]) -> list[tuple[int, int, Edge]]:
    """(source, derived, edge) for the edges whose two reports are both in ``index``."""
    return [(index[e.source], index[e.derived], e) for e in lineage.edges if e.source in index and e.derived in index]


def _stock_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
