"""The plan of a trace: signatures and candidate pairs for every report (cheap, no models).

Every report gets a tf-idf row (shared with the grouping) and a MinHash; the candidates come
from these (``index.candidates``), not from sentence vectors. Only the reports in a pair that
lineage must align (dated, and close enough in rare terms or shingles to be a copy or a
rewrite) are segmented and embedded later.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from storytrace.index.candidates import LINEAGE_MIN_CONTAIN, LINEAGE_MIN_COSINE, lsh_pairs, pair_scores, term_neighbours
from storytrace.index.similarity import Similarity
from storytrace.lineage.lineage import may_derive
from storytrace.model import Article
from storytrace.segment.language import annotate_language

GROUP_MIN_COSINE = 0.1  # a candidate this far apart cannot bring a story near JOIN


@dataclass
class Plan:
    articles: list[Article]  # sorted by Article.sort_key
    similarity: Similarity | None  # tf-idf over the texts (None once released)
    neighbours: dict[int, set[int]]  # grouping candidates, by position
    lineage: dict[int, set[int]]  # pairs that lineage aligns, by position (both dated)
    components: list[list[int]]  # connected components of ``lineage`` (positions, sorted)
    stats: dict = field(default_factory=dict)

    def release(self) -> None:
        """Once the trace has grouped: only ``articles`` and ``stats`` are kept."""
        self.similarity = None
        self.neighbours, self.lineage, self.components = {}, {}, []


def make_plan(articles: list[Article]) -> Plan:
    """Signatures and candidate pairs for sorted, unique ``articles`` (no models needed)."""
    stats: dict = {}
    t0 = time.perf_counter()
    for report in articles:
        annotate_language(report)  # a report the models cannot read is traced by verbatim reuse only
    stats["language_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    texts = [a.text for a in articles]
    n = len(articles)
    similarity = Similarity(texts)
    stats["tfidf_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = lsh_pairs(texts)
    stats["minhash_lsh_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if similarity.tfidf is not None and n > 1:
        idf = idf_of(similarity)
        pairs = term_neighbours(similarity.tfidf, idf) | lsh
    else:
        idf, pairs = None, set(lsh)
    ordered = sorted(pairs)
    if idf is not None:
        cos, _, b_in_a = pair_scores(similarity.tfidf, idf, ordered)
    else:
        cos = b_in_a = np.ones(len(ordered), dtype=np.float32)
    neighbours: dict[int, set[int]] = {}
    lineage: dict[int, set[int]] = {}
    for k, (a, b) in enumerate(ordered):
        hit = (a, b) in lsh
        if hit or cos[k] >= GROUP_MIN_COSINE:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
        if articles[a].published is None or articles[b].published is None:
            continue  # undated reports take part in no edge
        # positions are in date order and a < b: b is the later report, the one that may derive
        if hit or cos[k] >= LINEAGE_MIN_COSINE or b_in_a[k] >= LINEAGE_MIN_CONTAIN:
            lineage.setdefault(a, set()).add(b)
            lineage.setdefault(b, set()).add(a)
    stats["candidates_s"] = time.perf_counter() - t0
    stats["candidate_pairs"] = len(ordered)
    stats["lineage_pairs"] = sum(len(v) for v in lineage.values()) // 2
    components = _components(lineage)
    stats["components"] = len(components)
    stats["compared_reports"] = sum(len(c) for c in components)
    return Plan(articles, similarity, neighbours, lineage, components, stats)


def idf_of(similarity: Similarity) -> np.ndarray:
    """The idf of the grouping's tf-idf rows, recovered from the matrix itself (the fitted
    vectorizer is not kept): log((1 + n) / (1 + df)) + 1, as scikit-learn's smooth idf."""
    assert similarity.tfidf is not None
    x = similarity.tfidf.tocsr()
    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64)
    return (np.log((1 + x.shape[0]) / (1 + df)) + 1).astype(np.float32)


def _components(graph: dict[int, set[int]]) -> list[list[int]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, others in graph.items():
        for b in others:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in sorted(graph):
        groups.setdefault(find(x), []).append(x)
    return sorted(groups.values(), key=lambda c: c[0])


def plan_trace(articles: list[Article]) -> Plan:
    """The plan of a trace of ``articles`` (cheap: no models)."""
    t0 = time.perf_counter()
    articles = sorted(_unique(articles), key=Article.sort_key)
    plan = make_plan(articles)
    plan.stats["plan_s"] = time.perf_counter() - t0
    return plan


def sentences_to_embed(plan: Plan) -> int:
    """About how many sentences the trace of ``plan`` embeds, if nothing is stored (counted
    once per plan: the store and the trace both ask)."""
    if "sentences_to_embed" not in plan.stats:
        by_id = {a.id: a for a in plan.articles}
        needed = {x for p in direct_pairs(plan, compared_positions(plan)) for x in p}
        plan.stats["sentences_to_embed"] = sum(sentence_estimate(by_id[i]) for i in needed)
    return plan.stats["sentences_to_embed"]


def compared_positions(plan: Plan) -> list[int]:
    return sorted({k for comp in plan.components for k in comp})


def direct_pairs(plan: Plan, compared: list[int]) -> list[tuple[str, str]]:
    """The pairs lineage asks for first: each report against its earlier candidates."""
    arts = plan.articles
    return [(arts[k].id, arts[j].id) for k in compared for j in sorted(plan.lineage[k]) if j < k and may_derive(arts[k], arts[j])]


_ENDS = re.compile(r"[.!?][\"”’)]?\s")


def sentence_estimate(a: Article) -> int:
    # before segmentation: sentence ends are a good guess, and cost nothing
    return len(a.sentences) or len(_ENDS.findall(a.text)) + 1


def _unique(articles: list[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for a in articles:
        seen.setdefault(a.id, a)
    return list(seen.values())
