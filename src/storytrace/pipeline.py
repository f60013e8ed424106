"""The end-to-end trace: signatures -> candidates -> lineage -> group -> stories -> audit.

``trace(articles)`` is the Python API. It is deterministic: the same set of articles gives
the same stories, edges and alignments, whatever order they were read in, and whether the
work ran in one process, in a pool of processes or on Spark (``storytrace.engines``).

Only what a decision needs is computed (the scale design, see BENCHMARKS.md "Scale"):

* every report: a tf-idf row (shared with the grouping) and a MinHash; candidates come from
  these (``index.candidates``), not from sentence vectors;
* sentence segmentation and vectors only for reports in a pair that lineage must align
  (dated, and close enough in rare terms or shingles to be a copy or a rewrite);
* the claim audit (spaCy) only for reports in an edge.

Lineage runs in two steps. The costly one, sentence vectors and the alignment of each
candidate pair, is a pure function of the two texts: it runs as tasks (``engines.tasks``)
in a process pool here, on executors with Spark. Blocks of neighbouring reports are embedded
once each, with the pairs inside the block; pairs across blocks read the token vectors back
from a spill folder. The decisions (which sentence is credited to which source, the walk
up, the edges) then run in one pass in date order over the aligned pairs, exactly as
``lineage.trace_lineage`` always did; a pair it asks for that no task aligned (the walk up
compares a report's sources with each other) is aligned on the spot from the spilled
vectors: precomputing all such pairs in tasks aligned 2.6 times more pairs than the pass
asked for. So the result is the same as one process doing everything.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from storytrace.engines.tasks import AuditOutput, EmbedTask, LazyPrepared, PairTask, prepare_many, run_audit, run_embed, run_pairs
from storytrace.index.embed import encoder_for, encoder_name, tokens_worth_spilling
from storytrace.model import Alignment, Article, Edge, Story
from storytrace.segment import segment

# A trace that aligns fewer sentences than this stays in one process: starting workers
# (each loads the models) costs more than it saves.
POOL_MIN_SENTENCES = 4000
TASK_SENTENCES = 1000  # sentences embedded per task: enough to batch the encoder, little memory
PAIR_TASK = 800  # pairs aligned per task across blocks
AUDIT_TASK_ARTICLES = 60
GROUP_MIN_COSINE = 0.1  # a candidate this far apart cannot bring a story near JOIN


@dataclass
class TraceResult:
    articles: list[Article]
    stories: list[Story]
    cache: object | None = None  # a PairCache: alignments per (derived, source), ``new`` ones
    prepared: dict = field(default_factory=dict)  # article id -> object with ``vectors`` (embedded in this run)
    stats: dict = field(default_factory=dict)  # counts and seconds per stage

    def to_dict(self) -> dict:
        encoder = {"encoder": self.stats["encoder"]} if "encoder" in self.stats else {}
        return {
            "schema": "https://storytrace.dev/schema/trace-1.json",
            **encoder,
            "articles": [_with_sentences(a).to_dict() for a in self.articles],
            "stories": [s.to_dict() for s in self.stories],
        }


def _with_sentences(a: Article) -> Article:
    # reports that were never compared are segmented only when written out
    if not a.sentences and a.text:
        segment(a)
    return a


Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


# ---------------------------------------------------------------------------------------
# the plan: signatures and candidates for every report (cheap, in the driver)


@dataclass
class Plan:
    articles: list[Article]  # sorted by Article.sort_key
    similarity: object  # group.stories.Similarity over the texts
    neighbours: dict[int, set[int]]  # grouping candidates, by position
    lineage: dict[int, set[int]]  # pairs that lineage aligns, by position (both dated)
    components: list[list[int]]  # connected components of ``lineage`` (positions, sorted)
    stats: dict = field(default_factory=dict)

    def release(self) -> None:
        """Once the trace has grouped: only ``articles`` and ``stats`` are kept."""
        self.similarity = None
        self.neighbours, self.lineage, self.components = {}, {}, []


def make_plan(articles: list[Article], doc_vectors: np.ndarray | None = None) -> Plan:
    """Signatures and candidate pairs for sorted, unique ``articles`` (no models needed)."""
    import time

    from storytrace.group.stories import Similarity
    from storytrace.index.candidates import (
        LINEAGE_MIN_CONTAIN,
        LINEAGE_MIN_COSINE,
        lsh_pairs,
        pair_scores,
        term_neighbours,
    )

    stats: dict = {}
    t0 = time.perf_counter()
    texts = [a.text for a in articles]
    n = len(articles)
    # with VECTOR_WEIGHT = 0 the grouping never reads document vectors: a zero column keeps its shape
    similarity = Similarity(texts, doc_vectors if doc_vectors is not None else np.zeros((n, 1), dtype=np.float32))
    stats["tfidf_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = lsh_pairs(texts)
    stats["minhash_lsh_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if similarity.tfidf is not None and n > 1:
        idf = _idf_of(similarity)
        pairs = term_neighbours(similarity.tfidf, idf) | lsh
    else:
        idf, pairs = None, set(lsh)
    ordered = sorted(pairs)
    if idf is not None:
        cos, a_in_b, b_in_a = pair_scores(similarity.tfidf, idf, ordered)
    else:
        cos = a_in_b = b_in_a = np.ones(len(ordered), dtype=np.float32)
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


def _idf_of(similarity) -> np.ndarray:
    """The idf of the grouping's tf-idf rows, recovered from the matrix itself (the fitted
    vectorizer is not kept): log((1 + n) / (1 + df)) + 1, as scikit-learn's smooth idf."""
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


# ---------------------------------------------------------------------------------------
# tasks: pure functions of their inputs, run in this process, a worker or a Spark executor


Mapper = Callable[[Callable, list], Iterator]


def _serial(fn: Callable, items: list) -> Iterator:
    return map(fn, items)


def trace(
    articles: list[Article],
    stored_vectors: dict[str, np.ndarray] | None = None,
    stored_pairs: dict | None = None,
    progress: Progress = _quiet,
    audit: bool = True,
    workers: int | None = None,
    mapper: Mapper | None = None,
    task_sentences: int | None = None,
    spill: bool | str = True,
    plan: Plan | None = None,
) -> TraceResult:
    """Trace a pile of reports. ``stored_vectors`` / ``stored_pairs`` are what a store kept
    from earlier runs (sentence vectors per article, alignments per pair), so that only new
    work is done. ``workers``: processes for the costly tasks (default: the CPU count when
    the work is large enough to pay for starting them). ``mapper(fn, items)`` runs tasks
    elsewhere (an engine); results must come back in the order of ``items``.
    ``task_sentences``: about how many sentences one embedding task holds (TASK_SENTENCES).
    ``spill``: token vectors go to a temporary folder (or this folder) that every task can
    read, so that no report is embedded twice; False where tasks share no disk.
    ``plan``: ``plan_trace(articles)`` when the caller made it already (to choose the encoder
    before reading stored vectors).

    The encoder ``auto`` is resolved here, from the number of sentences the trace embeds."""
    if plan is None:
        plan = plan_trace(articles)
    with encoder_for(sentences_to_embed(plan)) as encoder:
        result = _trace(plan, stored_vectors, stored_pairs, progress, audit, workers, mapper, task_sentences, spill)
        result.stats["encoder"] = encoder
        return result


def plan_trace(articles: list[Article]) -> Plan:
    """The plan of a trace of ``articles`` (cheap: no models)."""
    import time

    from storytrace.group.stories import VECTOR_WEIGHT

    t0 = time.perf_counter()
    articles = sorted(_unique(articles), key=Article.sort_key)
    # document vectors (only if the grouping blends them) are made with the default encoder
    doc_vectors = _all_document_vectors(articles, None) if VECTOR_WEIGHT else None
    plan = make_plan(articles, doc_vectors)
    plan.stats["plan_s"] = time.perf_counter() - t0
    return plan


def sentences_to_embed(plan: Plan) -> int:
    """About how many sentences the trace of ``plan`` embeds, if nothing is stored (counted
    once per plan: the store and the trace both ask)."""
    if "sentences_to_embed" not in plan.stats:
        by_id = {a.id: a for a in plan.articles}
        needed = {x for p in _direct_pairs(plan, _compared(plan)) for x in p}
        plan.stats["sentences_to_embed"] = sum(_sentence_estimate(by_id[i]) for i in needed)
    return plan.stats["sentences_to_embed"]


def _trace(
    plan: Plan, stored_vectors, stored_pairs, progress: Progress, audit: bool, workers, mapper, task_sentences, spill
) -> TraceResult:
    import time

    from storytrace.group.stories import TextCheck, group, join_lone_reports, story_links
    from storytrace.lineage.lineage import PairCache, attach_by_lede

    stats: dict = {}
    start = time.perf_counter()
    articles = plan.articles
    stats.update(plan.stats)
    progress("candidates", len(articles), len(articles))

    work = LineageWork(plan, stored_pairs, task_sentences)
    own_pool = None
    if mapper is None:
        own_pool = _maybe_pool(workers, work.sentences)
        mapper = own_pool.map if own_pool is not None else _serial
    folder = None
    if spill and tokens_worth_spilling():
        folder = spill if isinstance(spill, str) else tempfile.mkdtemp(prefix="storytrace-spill-")
    try:
        t0 = time.perf_counter()
        cache = PairCache({}, stored_pairs)
        work.run(mapper, cache, folder, progress)
        stats.update(work.stats)
        stats["align_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        lineage = work.decide(cache)
        progress("lineage", len(articles), len(articles))
        stats["lineage_s"] = time.perf_counter() - t0
        stats["lineage_extra_pairs"] = len(cache.new) - work.stats["aligned_pairs"]  # aligned on the spot
        prepared = {aid: _Vectors(v) for aid, v in work.vectors.items() if aid not in (stored_vectors or {})}
        stats["embedded_reports"] = len(work.vectors)
        stats["embedded_sentences"] = sum(len(v) for v in work.vectors.values())

        t0 = time.perf_counter()
        index = {a.id: k for k, a in enumerate(articles)}
        check = TextCheck(lineage, articles, index, plan.similarity, plan.neighbours)
        links = story_links(lineage, articles, index, check)
        labels = group(articles, plan.similarity, plan.neighbours, links)
        join_lone_reports(lineage, labels, index, check)
        attach_by_lede(lineage, articles, labels, cache)
        progress("group", len(articles), len(articles))
        stories = make_stories(articles, labels, lineage)
        stats["group_s"] = time.perf_counter() - t0
        stats["stories"] = len(stories)
        stats["edges"] = len(lineage.edges)
        result = TraceResult(articles=articles, stories=stories, cache=cache, prepared=prepared, stats=stats)
        # the plan and the lineage work are spent: their candidate graphs and tf-idf rows are
        # let go before the audit, the stage whose results grow the driver the most
        plan.release()
        del work, lineage
        if audit:
            t0 = time.perf_counter()
            audit_result(result, mapper, progress)
            stats["audit_s"] = time.perf_counter() - t0
    finally:
        if own_pool is not None:
            own_pool.close()
        if folder is not None and not isinstance(spill, str):
            shutil.rmtree(folder, ignore_errors=True)
    stats["total_s"] = time.perf_counter() - start + plan.stats.get("plan_s", 0.0)
    return result


def _compared(plan: Plan) -> list[int]:
    return sorted({k for comp in plan.components for k in comp})


def _direct_pairs(plan: Plan, compared: list[int]) -> list[tuple[str, str]]:
    """The pairs lineage asks for first: each report against its earlier candidates."""
    from storytrace.lineage.lineage import may_derive

    arts = plan.articles
    return [(arts[k].id, arts[j].id) for k in compared for j in sorted(plan.lineage[k]) if j < k and may_derive(arts[k], arts[j])]


class LineageWork:
    """The lineage of a plan: which pairs to align, in which tasks, then the decision pass."""

    def __init__(self, plan: Plan, stored_pairs: dict | None = None, task_sentences: int | None = None):
        self.plan = plan
        self.stored = stored_pairs or {}
        self.limit = task_sentences or TASK_SENTENCES
        arts = plan.articles
        self.compared = _compared(plan)
        self.direct = [p for p in _direct_pairs(plan, self.compared) if p not in self.stored]
        needed = {x for p in self.direct for x in p}
        self.blocks = self._blocks(needed)
        self.sentences = sum(_sentence_estimate(a) for b in self.blocks for a in b)
        self.vectors: dict[str, np.ndarray] = {}
        self.locations: dict = {}
        self.stats: dict = {}

    def _blocks(self, needed: set[str]) -> list[list[Article]]:
        """Reports to embed, in breadth-first order over the candidate graph (neighbours land
        in one block, so most pairs are inside a block), cut every ``limit`` sentences."""
        arts, graph = self.plan.articles, self.plan.lineage
        blocks: list[list[Article]] = []
        block: list[Article] = []
        size = 0
        seen: set[int] = set()
        for root in self.compared:
            if root in seen:
                continue
            seen.add(root)
            queue = [root]
            while queue:
                nxt: list[int] = []
                for k in queue:
                    if arts[k].id in needed:
                        block.append(arts[k])
                        size += _sentence_estimate(arts[k])
                        if size >= self.limit:
                            blocks.append(block)
                            block, size = [], 0
                    for j in sorted(graph.get(k, ())):
                        if j not in seen:
                            seen.add(j)
                            nxt.append(j)
                queue = nxt
        if block:
            blocks.append(block)
        return blocks

    def run(self, mapper: Mapper, cache, spill: str | None, progress: Progress = _quiet) -> None:
        by_id = {a.id: a for a in self.plan.articles}
        block_of = {a.id: k for k, b in enumerate(self.blocks) for a in b}
        inside = [[] for _ in self.blocks]
        across = []
        for d, s in self.direct:
            (inside[block_of[d]] if block_of[d] == block_of[s] else across).append((d, s))
        encoder = encoder_name()
        tasks = [EmbedTask(block=k, articles=b, pairs=inside[k], spill=spill, encoder=encoder) for k, b in enumerate(self.blocks)]
        for k, out in enumerate(mapper(run_embed, tasks)):
            for aid, sents in out.sentences.items():
                if not by_id[aid].sentences:
                    by_id[aid].sentences = sents
            self.vectors.update(out.vectors)
            self.locations.update(out.locations)
            self._keep(cache, out.pairs)
            progress("embed", k + 1, len(tasks))
        self._align(mapper, cache, across, progress, "align")
        self.stats.update(
            {
                "embed_tasks": len(tasks),
                "pairs_inside_blocks": sum(map(len, inside)),
                "pairs_across_blocks": len(across),
                "aligned_pairs": len(cache.new),
            }
        )

    def _keep(self, cache, pairs: dict) -> None:
        cache.pairs.update(pairs)
        cache.new.update(pairs)

    def _align(self, mapper: Mapper, cache, pairs: list, progress: Progress, stage: str) -> None:
        by_id = {a.id: a for a in self.plan.articles}
        tasks = []
        for start in range(0, len(pairs), PAIR_TASK):
            chunk = pairs[start : start + PAIR_TASK]
            ids = sorted({x for p in chunk for x in p})
            tasks.append(
                PairTask(
                    pairs=chunk,
                    articles=[by_id[i] for i in ids],
                    vectors={i: self.vectors[i] for i in ids if i in self.vectors and i in self.locations},
                    locations={i: self.locations[i] for i in ids if i in self.locations},
                    encoder=encoder_name(),
                )
            )
        for k, out in enumerate(mapper(run_pairs, tasks)):
            self._keep(cache, out)
            progress(stage, k + 1, len(tasks))

    def decide(self, cache):
        """The lineage pass over the compared reports, in date order, from the aligned pairs."""
        from storytrace.lineage.lineage import trace_lineage

        plan = self.plan
        arts = [plan.articles[k] for k in self.compared]
        lazy = LazyPrepared({a.id: a for a in arts}, self.vectors, self.locations)
        cache.prepared = lazy
        candidates = {plan.articles[k].id: [plan.articles[j].id for j in sorted(plan.lineage[k])] for k in self.compared}
        for a in arts:
            if not a.sentences and a.text:
                segment(a)
        lineage = trace_lineage(arts, candidates, cache)
        for aid, vecs in lazy.embedded.items():
            self.vectors.setdefault(aid, vecs)
        cache.prepared = {}  # token vectors are not kept past the lineage pass
        return lineage


_ENDS = re.compile(r"[.!?][\"”’)]?\s")


def _sentence_estimate(a: Article) -> int:
    # before segmentation: sentence ends are a good guess, and cost nothing
    return len(a.sentences) or len(_ENDS.findall(a.text)) + 1


class _Vectors:
    """What the store keeps of an embedded article: float16, as the store writes them (they
    were rounded so when made; a float32 copy would double the largest thing a big trace holds)."""

    __slots__ = ("vectors",)

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors.astype(np.float16, copy=False)


def _all_document_vectors(articles: list[Article], stored_vectors) -> np.ndarray:
    """Only when the grouping blends document vectors (VECTOR_WEIGHT > 0): every report embedded."""
    from storytrace.index.candidates import document_vector

    for a in articles:
        if not a.sentences and a.text:
            segment(a)
    prepared, _ = prepare_many(articles, stored_vectors)
    return np.vstack([document_vector(prepared[a.id].vectors) for a in articles]) if articles else np.zeros((0, 384), np.float32)


def _unique(articles: list[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for a in articles:
        seen.setdefault(a.id, a)
    return list(seen.values())


def story_id(member_ids: list[str]) -> str:
    """Named by its earliest member, so that the id is stable as the story grows later."""
    return "story-" + hashlib.sha1(member_ids[0].encode("utf-8")).hexdigest()[:10]


def make_stories(articles: list[Article], labels: list[int], lineage) -> list[Story]:
    """Stories from grouping labels; edges, alignments and parents are handed out in one pass
    each (not one scan per story: a 40k pile has ~20k stories)."""
    from storytrace.lineage.lineage import origin_of

    groups: dict[int, list[Article]] = {}
    label_of: dict[str, int] = {}
    for a, label in zip(articles, labels, strict=False):
        groups.setdefault(label, []).append(a)
        label_of[a.id] = label
    edges: dict[int, list[Edge]] = {}
    for e in lineage.edges:
        if e.derived in label_of and label_of.get(e.source) == label_of[e.derived]:
            edges.setdefault(label_of[e.derived], []).append(e)
    aligned: dict[int, list[Alignment]] = {}
    for al in lineage.alignments:
        if al.derived in label_of:
            aligned.setdefault(label_of[al.derived], []).append(al)
    parents: dict[int, dict[str, list[str]]] = {}
    for k, v in lineage.parents.items():
        if k in label_of:
            parents.setdefault(label_of[k], {})[k] = v
    stories = []
    for label, members in groups.items():
        members.sort(key=Article.sort_key)
        story = Story(id=story_id([a.id for a in members]), articles=[a.id for a in members])
        story.origin = origin_of(members, parents.get(label, {}))
        story.edges = edges.get(label, [])
        story.alignments = aligned.get(label, [])
        stories.append(story)
    stories.sort(key=lambda s: (-len(s.articles), s.articles[0]))
    return stories


def _stories(articles: list[Article], labels: list[int], lineage) -> list[Story]:
    return make_stories(articles, labels, lineage)


def audit_items(result: TraceResult) -> list[list[tuple[Story, list[Article]]]]:
    """Stories with edges, with the articles their edges name, packed into tasks."""
    by_id = {a.id: a for a in result.articles}
    tasks: list[list[tuple[Story, list[Article]]]] = []
    current: list[tuple[Story, list[Article]]] = []
    size = 0
    for story in result.stories:
        if not story.edges:
            continue
        ids = {x for e in story.edges for x in (e.source, e.derived) if x in by_id}
        members = [by_id[a] for a in story.articles if a in ids]
        current.append((story, members))
        size += len(members)
        if size >= AUDIT_TASK_ARTICLES:
            tasks.append(current)
            current, size = [], 0
    if current:
        tasks.append(current)
    return tasks


def audit_result(result: TraceResult, mapper: Mapper = _serial, progress: Progress = _quiet) -> None:
    """The claim audit adds findings and verdicts where it is installed (claims stage)."""
    tasks = audit_items(result)
    stories = {s.id: s for s in result.stories}
    by_id = {a.id: a for a in result.articles}
    for k, outs in enumerate(mapper(run_audit, tasks)):
        apply_audit(stories, by_id, outs)
        progress("audit", k + 1, len(tasks))


def apply_audit(stories: dict[str, Story], by_id: dict[str, Article], outs: list[AuditOutput]) -> None:
    for out in outs:
        story = stories[out.story]
        story.findings = out.findings
        for e, verdict in zip(story.edges, out.verdicts, strict=False):
            e.verdict = verdict
        for aid, profile in out.profiles.items():
            by_id[aid].meta["profile"] = profile
        for aid, claims in out.claims.items():
            by_id[aid].claims = claims


def _audit(result: TraceResult) -> None:
    audit_result(result)


def _maybe_pool(workers: int | None, sentences: int):
    from storytrace.engines.local import Pool, default_workers
    from storytrace.index import static

    n = default_workers() if workers is None else workers
    if n <= 1 or (workers is None and sentences < POOL_MIN_SENTENCES):
        return None
    static.ensure_table()  # distilled once here, not by every worker at the same time
    return Pool(n)
