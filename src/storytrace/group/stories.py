"""Which reports tell the same story: online, time-aware grouping.

Reports are taken in publication order. Each joins the story it is most similar to, by
average linkage over that story's most recent members (so a long-running story follows
its newest turns), or starts a new story when no story reaches JOIN. A strong lineage edge
(``story_links``: two sentences restated closely, not stock text) puts the derived report in
its source's story whatever the wording: a heavy paraphrase may share few words with its
source but it is the same story. A weaker edge does not merge stories (independent reports
of one event share background sentences); it only brings a report the text similarity left
alone to the story it belongs to by lineage (``join_lone_reports``): a lone derivative to its
source's story, a lone source to the one story that holds all its derivatives. Either only
where the words agree (``TextCheck``): no other candidate outside the pair's lineage family is
nearer the derived report than its source.

News stories come in bursts: a member published weeks before a newcomer speaks less for
the newcomer's story than one of the same week. Each member's similarity is therefore
weighted by a mild time decay: 1 within GRACE_DAYS, then 1 / (1 + (gap - GRACE_DAYS) /
DECAY_DAYS) (0.5 at five weeks), never below DECAY_FLOOR (reached at about seven weeks), so
that a report whose average similarity to a story is at least JOIN / DECAY_FLOOR (a reprint)
can join it whatever the gap. Undated reports are not decayed. Without it, same-domain stories weeks or months apart that share
a few names (the same envoy, the same oil port) merged; with it the F1 over JOIN is flatter
and its peak moved less from one set to another (bench/grouping_eval.py).

Similarity of two reports is tf-idf cosine (sublinear term frequency, idf over the
corpus being traced): the strong baseline of the field for same-domain grouping. Blending
document vectors in merged same-domain stories on the development piles (grouping precision
0.80 against 0.97; docs/experiments.md), so paraphrase reaches the grouping through lineage
links instead.
"""

from __future__ import annotations

import re

import numpy as np

from storytrace.align.aligner import thresholds
from storytrace.index.similarity import Similarity
from storytrace.lineage.lineage import MIN_SENTENCES, Lineage
from storytrace.model import Article, Edge

JOIN = 0.25
RECENT = 30  # members of a story that a newcomer is compared with
GRACE_DAYS = 7.0  # members this close in time count in full
DECAY_DAYS = 30.0  # beyond the grace, a member's similarity is divided by 1 + extra days / DECAY_DAYS
DECAY_FLOOR = 0.4  # ... but keeps at least this share of it


def group(
    articles: list[Article],
    similarity: Similarity,
    candidates: dict[int, set[int]],
    links: set[tuple[int, int]],
    join: float | None = None,
) -> list[int]:
    """Story label per article (articles in the order given; labels numbered by first member)."""
    join = JOIN if join is None else join
    order = sorted(range(len(articles)), key=lambda k: articles[k].sort_key())
    rank = {k: r for r, k in enumerate(order)}
    day = np.array([a.published.timestamp() / 86400.0 if a.published is not None else np.nan for a in articles], dtype=np.float64)
    label = [-1] * len(articles)
    members: list[list[int]] = []
    linked: dict[int, set[int]] = {}
    for a, b in links:
        linked.setdefault(a, set()).add(b)
        linked.setdefault(b, set()).add(a)
    for k in order:
        seen = [p for p in set(candidates.get(k, ())) | linked.get(k, set()) if label[p] >= 0]
        stories = sorted({label[p] for p in seen})
        best, best_score = -1, join
        for story in stories:
            if any(label[p] == story for p in linked.get(k, ())):
                score = 1.0 + len([p for p in linked.get(k, ()) if label[p] == story])
            else:
                recent = members[story][-RECENT:]
                score = float((similarity.between(k, recent) * time_decay(day[k], day[recent])).mean())
            if score >= best_score:
                if score > best_score or best < 0 or story < best:
                    best, best_score = story, score
        if best < 0:
            members.append([k])
            label[k] = len(members) - 1
        else:
            members[best].append(k)
            label[k] = best
        # a lineage link to a member of another story merges the two: one story, one lineage
        for p in linked.get(k, ()):
            if label[p] >= 0 and label[p] != label[k]:
                _merge(members, label, label[k], label[p], rank)
    return label


def time_decay(day: float, others: np.ndarray) -> np.ndarray:
    """Weight of members published on days ``others`` for a report of day ``day`` (days as
    floats; NaN = undated, weight 1)."""
    gap = np.abs(np.asarray(others, dtype=np.float64) - day)
    extra = np.nan_to_num(np.maximum(gap - GRACE_DAYS, 0.0), nan=0.0)
    return np.maximum(DECAY_FLOOR, 1.0 / (1.0 + extra / DECAY_DAYS))


def _merge(members: list[list[int]], label: list[int], keep: int, gone: int, rank: dict[int, int]) -> None:
    if keep > gone:
        keep, gone = gone, keep
    for p in members[gone]:
        label[p] = keep
    # members stay in publication order, so that [-RECENT:] are the newest even when the
    # articles were not given in date order
    members[keep] = sorted(members[keep] + members[gone], key=rank.__getitem__)
    members[gone] = []


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
