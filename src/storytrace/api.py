"""The Python API: ingest into a store, trace the store, compare two reports.

    from storytrace import api
    with api.Store("storytrace.db") as store:
        report = api.ingest(store, ["reports/"])
        result = api.trace_store(store)
        print(result.to_dict()["stories"])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from storytrace.ingest import Rejected, iter_path
from storytrace.model import Article
from storytrace.pipeline import Progress, TraceResult, _quiet, trace
from storytrace.segment import segment
from storytrace.store import Store

__all__ = ["IngestReport", "Store", "compare", "ingest", "ingest_articles", "read_articles", "trace_store"]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def read_articles(paths: Iterable[str | Path], report: IngestReport | None = None) -> list[Article]:
    """Read files and folders without a store; rejected inputs go to ``report``."""
    report = report if report is not None else IngestReport()
    out = []
    for path in paths:
        if not Path(path).exists():
            report.rejected.append(Rejected(input=str(path), record=None, reason=f"{path}: no such file or folder", kind="format"))
            continue
        for item in iter_path(path):
            if isinstance(item, Rejected):
                report.rejected.append(item)
            else:
                out.append(item)
    return out


def ingest_articles(store: Store, articles: Iterable[Article | Rejected], report: IngestReport | None = None) -> IngestReport:
    """Store each report atomically; duplicates are skipped, conflicting ids are rejected."""
    report = report if report is not None else IngestReport()
    for item in articles:
        if isinstance(item, Rejected):
            report.rejected.append(item)
            store.add_rejected(item.input, item.record, item.kind, item.reason)
            continue
        if not item.sentences:
            segment(item)
        state = store.add_article(item)
        if state == "added":
            report.added.append(item.id)
        elif state == "same":
            report.unchanged.append(item.id)
        else:
            reason = f"id {item.id!r} is already stored with other content; give the new report another id"
            rejected = Rejected(input=item.origin_path or item.id, record=item.id, reason=reason, kind="conflict")
            report.rejected.append(rejected)
            store.add_rejected(rejected.input, rejected.record, rejected.kind, rejected.reason)
    return report


def ingest(store: Store, paths: Iterable[str | Path]) -> IngestReport:
    report = IngestReport()
    for path in paths:
        if not Path(path).exists():
            rejected = Rejected(input=str(path), record=None, reason=f"{path}: no such file or folder", kind="format")
            report.rejected.append(rejected)
            store.add_rejected(rejected.input, rejected.record, rejected.kind, rejected.reason)
            continue
        ingest_articles(store, iter_path(path), report)
    return report


def trace_store(store: Store, progress: Progress = _quiet, audit: bool = True) -> TraceResult:
    """Trace everything stored; keep the new sentence vectors, alignments and the stories."""
    articles = store.articles()
    vectors = store.vectors()
    pairs = store.pairs()
    result = trace(articles, stored_vectors=vectors, stored_pairs=pairs, progress=progress, audit=audit)
    new_vectors = {aid: p.vectors for aid, p in result.prepared.items() if aid not in vectors}
    if new_vectors:
        store.put_vectors(new_vectors)
    if result.cache is not None and result.cache.new:
        store.put_pairs({key: result.cache.pairs[key] for key in sorted(result.cache.new)})
    store.save_stories([s.to_dict() for s in result.stories])
    return result


def compare(source: Article, derived: Article, audit: bool = True) -> TraceResult:
    """Exactly one pair: align ``derived`` to ``source`` and report coverage (one story).

    The two are compared whatever their dates say; the caller has named the direction.
    """
    from storytrace.align.aligner import prepare
    from storytrace.lineage.lineage import PairCache, trace_pair
    from storytrace.model import Story
    from storytrace.pipeline import _audit, story_id

    for a in (source, derived):
        if not a.sentences:
            segment(a)
    prepared = prepare([source, derived])
    cache = PairCache(prepared)
    edge, alignments = trace_pair(derived, source, cache)
    story = Story(id=story_id([source.id]), articles=[source.id, derived.id], origin=source.id)
    story.edges = [edge]
    story.alignments = alignments
    result = TraceResult(articles=[source, derived], stories=[story], cache=cache, prepared=prepared)
    if audit:
        _audit(result)
    return result
