"""The costly part of lineage, and the decision pass over its results.

Sentence vectors and the alignment of each candidate pair are pure functions of the two
texts: they run as tasks (``engines.tasks``) in a process pool here, on executors with Spark.
Blocks of neighbouring reports are embedded once each, with the pairs inside the block; pairs
across blocks read the token vectors back from a spill folder. The decisions (which sentence
is credited to which source, the walk up, the edges) then run in one pass in date order over
the aligned pairs (``lineage.trace_lineage``); a pair it asks for that no task aligned (the
walk up compares a report's sources with each other) is aligned on the spot from the spilled
vectors: precomputing all such pairs in tasks aligned 2.6 times more pairs than the pass
asked for. So the result is the same as one process doing everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from storytrace.align.aligner import forget_kept
from storytrace.engines.local import Pool, default_workers
from storytrace.engines.tasks import EmbedTask, LazyPrepared, PairTask, run_embed, run_pairs
from storytrace.index.embed import ensure_static_table
from storytrace.lineage.lineage import Containment, Cosine, Lineage, PairCache, trace_lineage
from storytrace.model import Article
from storytrace.pipeline.plan import Plan, compared_positions, direct_pairs, sentence_estimate
from storytrace.segment import segment

# A trace that aligns fewer sentences than this stays in one process: starting workers
# (each loads the models) costs more than it saves.
POOL_MIN_SENTENCES = 4000
TASK_SENTENCES = 1000  # sentences embedded per task: enough to batch the encoder, little memory
PAIR_TASK = 800  # pairs aligned per task across blocks

Progress = Callable[[str, int, int], None]
Mapper = Callable[[Callable, list], Iterator]


def quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


def serial(fn: Callable, items: list) -> Iterator:
    """Run tasks one after the other in this process."""
    return map(fn, items)


class LineageWork:
    """The lineage of a plan: which pairs to align, in which tasks, then the decision pass."""

    def __init__(self, plan: Plan, stored_pairs: dict | None = None, task_sentences: int | None = None):
        self.plan = plan
        self.stored = stored_pairs or {}
        self.limit = task_sentences or TASK_SENTENCES
        self.compared = compared_positions(plan)
        self.direct = [p for p in direct_pairs(plan, self.compared) if p not in self.stored]
        needed = {x for p in self.direct for x in p}
        self.blocks = self._blocks(needed)
        self.sentences = sum(sentence_estimate(a) for b in self.blocks for a in b)
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
                        size += sentence_estimate(arts[k])
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

    def run(self, mapper: Mapper, cache: PairCache, spill: str | None, encoder: str, progress: Progress = quiet) -> None:
        by_id = {a.id: a for a in self.plan.articles}
        block_of = {a.id: k for k, b in enumerate(self.blocks) for a in b}
        inside: list[list[tuple[str, str]]] = [[] for _ in self.blocks]
        across: list[tuple[str, str]] = []
        for d, s in self.direct:
            (inside[block_of[d]] if block_of[d] == block_of[s] else across).append((d, s))
        tasks = [EmbedTask(block=k, articles=b, pairs=inside[k], spill=spill, encoder=encoder) for k, b in enumerate(self.blocks)]
        for k, out in enumerate(mapper(run_embed, tasks)):
            for aid, sents in out.sentences.items():
                if not by_id[aid].sentences:
                    by_id[aid].sentences = sents
            self.vectors.update(out.vectors)
            self.locations.update(out.locations)
            self._keep(cache, out.pairs)
            progress("embed", k + 1, len(tasks))
        self._align(mapper, cache, across, encoder, progress, "align")
        self.stats.update(
            {
                "embed_tasks": len(tasks),
                "pairs_inside_blocks": sum(map(len, inside)),
                "pairs_across_blocks": len(across),
                "aligned_pairs": len(cache.new),
            }
        )

    def _keep(self, cache: PairCache, pairs: dict) -> None:
        cache.pairs.update(pairs)
        cache.new.update(pairs)

    def _align(self, mapper: Mapper, cache: PairCache, pairs: list, encoder: str, progress: Progress, stage: str) -> None:
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
                    encoder=encoder,
                )
            )
        for k, out in enumerate(mapper(run_pairs, tasks)):
            self._keep(cache, out)
            progress(stage, k + 1, len(tasks))

    def decide(self, cache: PairCache) -> Lineage:
        """The lineage pass over the compared reports, in date order, from the aligned pairs."""
        plan = self.plan
        arts = [plan.articles[k] for k in self.compared]
        lazy = LazyPrepared({a.id: a for a in arts}, self.vectors, self.locations)
        cache.prepared = lazy
        candidates = {plan.articles[k].id: [plan.articles[j].id for j in sorted(plan.lineage[k])] for k in self.compared}
        for a in arts:
            if not a.sentences and a.text:
                segment(a)
        lineage = trace_lineage(arts, candidates, cache, self.cosine(), self.containment())
        for aid, vecs in lazy.embedded.items():
            self.vectors.setdefault(aid, vecs)
        cache.prepared = {}  # token vectors are not kept past the lineage pass
        forget_kept()
        return lineage

    def cosine(self) -> Cosine | None:
        """Whole-text cosine from the plan's tf-idf rows (over the whole pile)."""
        similarity = self.plan.similarity
        return similarity.by_id([a.id for a in self.plan.articles]) if similarity is not None else None

    def containment(self) -> Containment | None:
        """Whole-text term containment from the plan's tf-idf rows (over the whole pile)."""
        similarity = self.plan.similarity
        return similarity.containment_by_id([a.id for a in self.plan.articles]) if similarity is not None else None


class StoredVectors:
    """What the store keeps of an embedded article: float16, as the store writes them (they
    were rounded so when made; a float32 copy would double the largest thing a big trace holds)."""

    __slots__ = ("vectors",)

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors.astype(np.float16, copy=False)


def maybe_pool(workers: int | None, sentences: int) -> Pool | None:
    """A process pool when the work pays for starting one (each worker loads the models)."""
    n = default_workers() if workers is None else workers
    if n <= 1 or (workers is None and sentences < POOL_MIN_SENTENCES):
        return None
    ensure_static_table()  # distilled once here, not by every worker at the same time
    return Pool(n)
