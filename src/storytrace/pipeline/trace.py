"""The end-to-end trace, read top to bottom in ``run``:

plan (candidates) -> align (the costly tasks) -> decide lineage -> group (with the lineage
links) -> stories -> audit.

Each stage takes values and returns new ones. ``trace(articles)`` is the Python API. It is
deterministic: the same set of articles gives the same stories, edges and alignments,
whatever order they were read in, and whether the work ran in one process, in a pool of
processes or on Spark (``storytrace.engines``: they only schedule the tasks).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from storytrace.group.stories import TextCheck, group, join_lone_reports, story_links
from storytrace.index.embed import encoder_for, tokens_worth_spilling
from storytrace.lineage.lineage import Lineage, PairCache
from storytrace.model import Article
from storytrace.pipeline.audit import AuditLookup, audit_result
from storytrace.pipeline.plan import Plan, plan_trace, sentences_to_embed
from storytrace.pipeline.result import TraceResult
from storytrace.pipeline.stories import make_stories
from storytrace.pipeline.work import LineageWork, Mapper, Progress, StoredVectors, maybe_pool, quiet, serial


@dataclass(frozen=True)
class TraceOptions:
    """How a trace runs (never what it finds: every option gives the same result).

    ``workers``: processes for the costly tasks (None: the CPU count when the work is large
    enough to pay for starting them). ``mapper(fn, items)`` runs tasks elsewhere (an engine);
    results come back in the order of ``items``. ``task_sentences``: about how many sentences
    one embedding task holds. ``spill``: token vectors go to a temporary folder (or this
    folder) that every task can read, so that no report is embedded twice; False where tasks
    share no disk. ``audit``: run the claim audit."""

    audit: bool = True
    workers: int | None = None
    mapper: Mapper | None = None
    task_sentences: int | None = None
    spill: bool | str = True
    progress: Progress = quiet


def trace(
    articles: list[Article],
    stored_vectors: dict[str, np.ndarray] | None = None,
    stored_pairs: dict | None = None,
    progress: Progress = quiet,
    audit: bool = True,
    workers: int | None = None,
    mapper: Mapper | None = None,
    task_sentences: int | None = None,
    spill: bool | str = True,
    plan: Plan | None = None,
    stored_audits: AuditLookup | None = None,
) -> TraceResult:
    """Trace a pile of reports. ``stored_vectors`` / ``stored_pairs`` are what a store kept
    from earlier runs (sentence vectors per article, alignments per pair), so that only new
    work is done. ``plan``: ``plan_trace(articles)`` when the caller made it already (to
    choose the encoder before reading stored vectors). The other arguments are the fields of
    ``TraceOptions``. The encoder ``auto`` is resolved here, from the number of sentences the
    trace embeds."""
    options = TraceOptions(
        audit=audit, workers=workers, mapper=mapper, task_sentences=task_sentences, spill=spill, progress=progress
    )
    return run(plan if plan is not None else plan_trace(articles), options, stored_vectors, stored_pairs, stored_audits)


def run(
    plan: Plan,
    options: TraceOptions | None = None,
    stored_vectors: dict[str, np.ndarray] | None = None,
    stored_pairs: dict | None = None,
    stored_audits: AuditLookup | None = None,
) -> TraceResult:
    """The stages, in order, over a plan."""
    options = options or TraceOptions()
    progress = options.progress
    stats: dict = dict(plan.stats)
    start = time.perf_counter()
    articles = plan.articles
    progress("candidates", len(articles), len(articles))
    work = LineageWork(plan, stored_pairs, options.task_sentences)
    with encoder_for(sentences_to_embed(plan)) as encoder, _Executor(options, work.sentences) as ex:
        stats["encoder"] = encoder
        cache = align(work, ex, encoder, stored_pairs, progress, stats)
        lineage = decide_lineage(work, cache, progress, stats)
        stats["embedded_reports"] = len(work.vectors)
        stats["embedded_sentences"] = sum(len(v) for v in work.vectors.values())
        prepared = {aid: StoredVectors(v) for aid, v in work.vectors.items() if aid not in (stored_vectors or {})}

        t0 = time.perf_counter()
        labels = group_reports(plan, lineage)
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
        if options.audit:
            t0 = time.perf_counter()
            audit_result(result, ex.mapper, progress, stored_audits)
            stats["audit_s"] = time.perf_counter() - t0
    stats["total_s"] = time.perf_counter() - start + plan.stats.get("plan_s", 0.0)
    return result


def align(
    work: LineageWork, ex: _Executor, encoder: str, stored_pairs: dict | None, progress: Progress, stats: dict
) -> PairCache:
    """Sentence vectors and the alignment of every candidate pair (the costly tasks)."""
    t0 = time.perf_counter()
    cache = PairCache({}, stored_pairs)
    work.run(ex.mapper, cache, ex.folder, encoder, progress)
    stats.update(work.stats)
    stats["align_s"] = time.perf_counter() - t0
    return cache


def decide_lineage(work: LineageWork, cache: PairCache, progress: Progress, stats: dict) -> Lineage:
    """Who derives from whom, in one pass in date order over the aligned pairs."""
    t0 = time.perf_counter()
    lineage = work.decide(cache)
    progress("lineage", len(work.plan.articles), len(work.plan.articles))
    stats["lineage_s"] = time.perf_counter() - t0
    stats["lineage_extra_pairs"] = len(cache.new) - work.stats["aligned_pairs"]  # aligned on the spot
    return lineage


def group_reports(plan: Plan, lineage: Lineage, join: float | None = None) -> list[int]:
    """Story labels by text similarity and the strong lineage links; a lone report joins its
    story by a weaker edge. ``join``: the grouping threshold (default ``group.stories.JOIN``)."""
    articles = plan.articles
    assert plan.similarity is not None
    index = {a.id: k for k, a in enumerate(articles)}
    check = TextCheck(lineage, articles, index, plan.similarity, plan.neighbours)
    links = story_links(lineage, articles, index, check)
    labels = group(articles, plan.similarity, plan.neighbours, links, join)
    return join_lone_reports(lineage, labels, index, check)


class _Executor:
    """Where the tasks run (the caller's mapper, a pool of our own, or this process) and the
    spill folder they share; both are released on exit."""

    def __init__(self, options: TraceOptions, sentences: int):
        self.options = options
        self.pool = None
        if options.mapper is not None:
            self.mapper: Mapper = options.mapper
        else:
            self.pool = maybe_pool(options.workers, sentences)
            self.mapper = self.pool.map if self.pool is not None else serial
        spill = options.spill
        self.folder: str | None = None
        if spill and tokens_worth_spilling():
            self.folder = spill if isinstance(spill, str) else tempfile.mkdtemp(prefix="storytrace-spill-")

    def __enter__(self) -> _Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()
        if self.folder is not None and not isinstance(self.options.spill, str):
            shutil.rmtree(self.folder, ignore_errors=True)
