"""Who derives from whom: sentence credit, edges with coverage, the origin.

Each sentence of a report is credited to the one earlier report that explains it best.
A rule keeps a common ancestor from creating false edges (the "sibling trap": two
rewrites of one source resemble each other, often more than either resembles the source);
on an exact tie the earlier supporter wins.

* walk up: when the best supporter B got that very sentence from an earlier report A
  (B's sentence is itself aligned to A) and A also relates to it (a score of at least
  the partial level, within CHAIN_MARGIN of B's), the credit goes to A if A supports it, and to
  nobody if A's support is too thin (what is left is wording the siblings share); unless
  the sentence is a verbatim copy of B's wording and not of A's. Content B added of its own stays with B, so
  a real chain A -> B -> C is still found when C carries something only B has.

Which credited sources are edges is one calibrated model's decision (``edge_model``: the
share of the shorter of the two texts the credit covers, in sentences and in words, the
credited count, the whole-text cosine's margin over the other candidates that do
not derive from the source, and the support the source lost to other candidates); its
probability is the edge's ``confidence``. Same-day reports without a time of day have no known order: their edge is
marked ``direction: unknown``. A pair the models cannot read as paraphrase (another
language, or two languages) counts verbatim sentences only. The walk up is also made per
report: a parent B whose own parent A supports ``min_coverage`` of the report, and
which is credited with fewer than MIN_SENTENCES sentences of content A does not have,
gives way to A (after the baseline lesson in ../shared/notes/BASELINES.md), if A then
explains the report. Publication dates order the candidates: a report never derives from a
later one, and undated reports take part in no edge.

(A kept-lede rule, an orphan story member that restates an earlier member's opening
sentence closely deriving from it, was removed: the per-fold ablation showed the pipeline
better without it on the Llama 2 13B and coaid folds, and its worst folds higher.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.align.aligner import Prepared, SentenceMatch, align, thresholds
from storytrace.index.similarity import Similarity
from storytrace.lineage.edge_model import EdgeEvidence, EdgeModel, current_edge_model, record
from storytrace.model import Alignment, Article, Edge
from storytrace.segment.language import paraphrase_possible

CHAIN_MARGIN = 0.2
MIN_SENTENCES = 2
COPY_SHARE = 0.8


def may_derive(derived: Article, source: Article) -> bool:
    """Publication dates order the candidates; same-day reports are ordered by time, then id."""
    if derived.published is None or source.published is None:
        return False
    if source.published.date() > derived.published.date():
        return False
    return source.sort_key() < derived.sort_key()


def order_known(a: Article, b: Article) -> bool:
    """Do the dates tell which of two dated reports came first? Not for two of the same day
    of which one has no time of day, nor for two of the same instant."""
    if a.published is None or b.published is None:
        return False
    if a.published.date() != b.published.date():  # the day as may_derive reads it
        return True
    return a.time_known and b.time_known and a.published != b.published


def direction(derived: Article, source: Article) -> str:
    return "known" if order_known(derived, source) else "unknown"


@dataclass
class Lineage:
    edges: list[Edge]
    alignments: list[Alignment]  # for every derived report: each sentence's source(s) or none
    parents: dict[str, list[str]]


class PairCache:
    """Alignments of (derived, source) pairs, computed once: they depend only on the two texts."""

    def __init__(self, prepared: Mapping[str, Prepared], stored: dict | None = None):
        self.prepared = prepared
        self.pairs: dict[tuple[str, str], list[SentenceMatch]] = dict(stored or {})
        self.new: set[tuple[str, str]] = set()
        # the reports being traced: a pair the models cannot read as paraphrase (another
        # language, or two languages) is read as verbatim reuse only; the stored alignment
        # itself is kept as computed
        self.articles: dict[str, Article] = {}

    def get(self, derived: str, source: str) -> list[SentenceMatch]:
        key = (derived, source)
        if key not in self.pairs:
            self.pairs[key] = align(self.prepared[derived], self.prepared[source])
            self.new.add(key)
        return self._readable(key, self.pairs[key])

    def _readable(self, key: tuple[str, str], matches: list[SentenceMatch]) -> list[SentenceMatch]:
        a, b = self.articles.get(key[0]), self.articles.get(key[1])
        if a is None or b is None or paraphrase_possible(a, b):
            return matches
        return [
            m if m.relation == "verbatim" else SentenceMatch(m.derived_sentence, [], "unsupported", m.score, 0.0) for m in matches
        ]


def _supported(match: SentenceMatch) -> bool:
    return match.relation != "unsupported"


Cosine = Callable[[str, list[str]], "Sequence[float] | np.ndarray"]
Containment = Callable[[str, list[str]], "tuple[np.ndarray, np.ndarray]"]


def text_similarity(articles: list[Article]) -> tuple[Cosine, Containment]:
    """Whole-text tf-idf cosine and term containment over these articles (when the caller has
    no plan's rows)."""
    similarity = Similarity([a.text for a in articles])
    ids = [a.id for a in articles]
    return similarity.by_id(ids), similarity.containment_by_id(ids)


@dataclass
class _Decision:
    """The edge decision for one derived report over its date-valid candidate sources."""

    derived: Article
    matches: dict[str, list[SentenceMatch]]
    sizes: dict[str, int]
    cosine: dict[str, float]
    contained: dict[str, tuple[float, float]]  # (source's terms in derived, derived's in source)
    model: EdgeModel
    parents: Mapping[str, Collection[str]]  # the edges decided so far

    def evidence(self, sid: str, credited: list[int]) -> EdgeEvidence:
        m = self.matches[sid]
        # rivals: the other candidates, but not the source's own derivatives (they carry its content)
        others = [c for s, c in self.cosine.items() if s != sid and sid not in ancestors(s, self.parents)]
        cos = self.cosine.get(sid, 0.0)
        source_in_derived, derived_in_source = self.contained.get(sid, (0.0, 0.0))
        return EdgeEvidence(
            n=len(self.derived.sentences),
            m=self.sizes.get(sid, 1),
            credited=len(credited),
            source_used=len({j for i in credited for j in m[i].source_sentences}),
            direct=sum(_supported(x) for x in m),
            source_in_derived=source_in_derived,
            derived_in_source=derived_in_source,
            margin=cos - max(others, default=0.0),
        )

    def edges(self, credit: list[str | None], record_first: bool = False) -> dict[str, float]:
        """The credited sources that are edges, with the model's probability."""
        credited: dict[str, list[int]] = {}
        for i, c in enumerate(credit):
            if c is not None:
                credited.setdefault(c, []).append(i)
        out: dict[str, float] = {}
        for sid in sorted(credited):
            evidence = self.evidence(sid, credited[sid])
            if record_first:
                record(self.derived.id, sid, evidence)
            p = self.model.probability(evidence)
            if p >= self.model.threshold:
                out[sid] = p
        return out


def trace_lineage(
    articles: list[Article],
    candidates: dict[str, list[str]],
    cache: PairCache,
    cosine: Cosine | None = None,
    containment: Containment | None = None,
) -> Lineage:
    """``candidates[d]``: ids of reports worth comparing with d (any date order).
    ``cosine(d, sources)``: whole-text similarity of d with each source; ``containment(d,
    sources)``: the share of each source's terms found in d and of d's in each source (both
    tf-idf over these articles when not given)."""
    by_id = {a.id: a for a in articles}
    cache.articles.update(by_id)
    if cosine is None or containment is None:
        own_cosine, own_containment = text_similarity(articles)
        cosine, containment = cosine or own_cosine, containment or own_containment
    model = current_edge_model()
    levels = thresholds()
    partial = levels.partial
    edges: list[Edge] = []
    alignments: list[Alignment] = []
    parents: dict[str, list[str]] = {}
    for derived in sorted(articles, key=Article.sort_key):
        near = {s for s in candidates.get(derived.id, ()) if s in by_id}
        # the parents of a candidate are candidates too: the walk up needs them
        near |= {p for s in list(near) for p in parents.get(s, ()) if p in by_id}
        sources = sorted((by_id[s] for s in near if may_derive(derived, by_id[s])), key=Article.sort_key)
        if not sources or not derived.sentences:
            continue
        matches = {s.id: cache.get(derived.id, s.id) for s in sources}
        order = {s.id: k for k, s in enumerate(sources)}  # earlier first
        ids = [s.id for s in sources]
        in_derived, in_source = containment(derived.id, ids)
        decision = _Decision(
            derived,
            matches,
            {s.id: max(len(s.sentences), 1) for s in sources},
            dict(zip(ids, (float(x) for x in cosine(derived.id, ids)), strict=True)),
            {sid: (float(a), float(b)) for sid, a, b in zip(ids, in_derived, in_source, strict=True)},
            model,
            parents,
        )
        credit: list[str | None] = []
        for i in range(len(derived.sentences)):
            supporters = [s.id for s in sources if _supported(matches[s.id][i])]
            if supporters:
                related = [s.id for s in sources if matches[s.id][i].score >= partial]
                credit.append(_credit(i, supporters, related, matches, order, cache, parents))
            else:
                credit.append(None)
        n = len(derived.sentences)
        edge_sources = decision.edges(credit, record_first=True)
        credit = walk_up_report(credit, edge_sources, decision, order, parents, cache)
        edge_sources = decision.edges(credit)
        for i, sid in enumerate(credit):
            if sid is not None and sid not in edge_sources:
                alternatives = [s for s in edge_sources if _supported(matches[s][i])]
                credit[i] = max(alternatives, key=lambda s: (matches[s][i].score, -order[s])) if alternatives else None
        if not edge_sources:
            continue
        parents[derived.id] = sorted(edge_sources, key=lambda s: order[s])
        for sid in parents[derived.id]:
            credited = [matches[sid][i] for i, c in enumerate(credit) if c == sid]
            coverage = len(credited) / n
            edges.append(
                Edge(
                    source=sid,
                    derived=derived.id,
                    coverage=coverage,
                    relation=_relation(credited, coverage),
                    sentences=len(credited),
                    score=sum(m.score for m in credited) / len(credited) if credited else 0.0,
                    confidence=edge_sources[sid],
                    direction=direction(derived, by_id[sid]),
                )
            )
        for i, sid in enumerate(credit):
            if sid is None:
                best = max((matches[s][i].score for s in edge_sources), default=0.0)
                alignments.append(Alignment(derived.id, i, None, None, "unsupported", best))
                continue
            m = matches[sid][i]
            for j in m.source_sentences:
                alignments.append(Alignment(derived.id, i, sid, j, m.relation, m.score))
    return Lineage(edges=edges, alignments=alignments, parents=parents)


def walk_up_report(
    credit: list[str | None],
    edge_sources: dict[str, float],
    decision: _Decision,
    order: dict[str, int],
    parents: dict[str, list[str]],
    cache: PairCache,
) -> list[str | None]:
    """Walk up at report level: a parent B whose own parent A explains this report too, and
    which adds too little of its own, gives way to A. Returns the credit, moved or not."""
    matches = decision.matches
    n = len(credit)
    need = min(MIN_SENTENCES, n)
    min_coverage = thresholds().min_coverage
    for b in sorted(edge_sources, key=lambda x: -order[x]):
        for a in parents.get(b, ()):
            if a not in matches:
                continue
            if a in edge_sources:
                # both explain this report: B stays only as the one it copied word for word
                via_b = [matches[b][i] for i, c in enumerate(credit) if c == b]
                if sum(m.relation == "verbatim" for m in via_b) >= COPY_SHARE * len(via_b):
                    continue
            direct = sum(_supported(m) for m in matches[a]) / n
            back = cache.get(b, a)
            own = sum(
                1
                for i, c in enumerate(credit)
                if c == b and not any(_supported(back[j]) for j in matches[b][i].source_sentences if j < len(back))
            )
            if direct >= min_coverage and (own < need or (a in edge_sources and own / n < min_coverage)):
                moved = [(a if _supported(matches[a][i]) else None) if c == b else c for i, c in enumerate(credit)]
                # only when A then explains the report: else the report would lose B and gain nothing
                if a in decision.edges(moved):
                    credit = moved
                    break
    return credit


def ancestors(report: str, parents: Mapping[str, Collection[str]]) -> set[str]:
    """Every report ``report`` derives from, directly or through others."""
    seen: set[str] = set()
    todo = list(parents.get(report, ()))
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(parents.get(p, ()))
    return seen


def _credit(
    i: int,
    supporters: list[str],
    related: list[str],
    matches: dict,
    order: dict,
    cache: PairCache,
    parents: dict[str, list[str]] | None = None,
) -> str | None:
    """``supporters`` align sentence i; ``related`` (a superset) at least score the partial level on it."""
    best = max(supporters, key=lambda s: (matches[s][i].score, -order[s]))
    changed = True
    while changed:
        changed = False
        best_match = matches[best][i]
        for older in related:
            if order[older] >= order[best]:
                continue
            older_match = matches[older][i]
            gap = best_match.score - older_match.score
            copied_wording = best_match.relation == "verbatim" and older_match.relation != "verbatim"
            if gap <= CHAIN_MARGIN and not copied_wording and older in supporters and older in ancestors(best, parents or {}):
                # B derives from A and A supports the sentence well enough itself: the simpler
                # story is that this report took it from A too, even where B reworded A
                best, changed = older, True
                break
            if gap <= CHAIN_MARGIN and not copied_wording and _carried(best, best_match, older, cache):
                if older not in supporters:
                    # B's support is only content B carried from A, and A does not support
                    # the sentence: what remains is the wording siblings share. Unsupported.
                    return None
                best, changed = older, True
                break
    return best


def _carried(via: str, match: SentenceMatch, older: str, cache: PairCache) -> bool:
    """Did ``via`` get the matched sentence from ``older``?"""
    if (via, older) not in cache.pairs and not (
        via in cache.prepared
        and older in cache.prepared
        and may_derive(cache.prepared[via].article, cache.prepared[older].article)
    ):
        return False
    back = cache.get(via, older)
    return any(_supported(back[j]) for j in match.source_sentences if j < len(back))


def _relation(credited: list[SentenceMatch], coverage: float) -> str:
    """copy (mostly verbatim), paraphrase (half the report or more), or partial."""
    verbatim = sum(m.relation == "verbatim" for m in credited)
    if credited and verbatim >= COPY_SHARE * len(credited):
        return "copy"
    return "paraphrase" if coverage >= 0.5 else "partial"


def _edge_of(derived: Article, source: str, matches: list[SentenceMatch]) -> tuple[Edge, list[Alignment]]:
    """Every sentence the source supports is credited to it."""
    alignments: list[Alignment] = []
    credited = [m for m in matches if _supported(m)]
    for m in matches:
        if not _supported(m):
            alignments.append(Alignment(derived.id, m.derived_sentence, None, None, "unsupported", m.score))
            continue
        for j in m.source_sentences:
            alignments.append(Alignment(derived.id, m.derived_sentence, source, j, m.relation, m.score))
    coverage = len(credited) / max(len(matches), 1)
    score = sum(m.score for m in credited) / len(credited) if credited else 0.0
    edge = Edge(source, derived.id, coverage, _relation(credited, coverage), len(credited), score)
    return edge, alignments


def origin_of(members: list[Article], parents: dict[str, list[str]]) -> str | None:
    """The earliest report of the story that derives from nothing in it."""
    ids = {a.id for a in members}
    roots = [a for a in sorted(members, key=Article.sort_key) if not set(parents.get(a.id, ())) & ids]
    return roots[0].id if roots else (sorted(members, key=Article.sort_key)[0].id if members else None)


def trace_pair(derived: Article, source: Article, cache: PairCache) -> tuple[Edge, list[Alignment]]:
    """One named pair (``compare``): every supported sentence is credited to the source, and
    the edge model says how likely the pair is a derivation at all (``confidence``; the
    source as the only candidate, the cosine over the two texts)."""
    cache.articles.update({derived.id: derived, source.id: source})
    matches = cache.get(derived.id, source.id)
    edge, alignments = _edge_of(derived, source.id, matches)  # the user named the direction
    cosine, containment = text_similarity([source, derived])
    in_derived, in_source = containment(derived.id, [source.id])
    decision = _Decision(
        derived,
        {source.id: matches},
        {source.id: len(source.sentences)},
        {source.id: float(cosine(derived.id, [source.id])[0])},
        {source.id: (float(in_derived[0]), float(in_source[0]))},
        current_edge_model(),
        {},
    )
    credited = [i for i, m in enumerate(matches) if _supported(m)]
    edge.confidence = decision.model.probability(decision.evidence(source.id, credited)) if credited else 0.0
    return edge, alignments
