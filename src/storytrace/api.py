"""The Python API: ingest into a store, trace the store, compare two reports.

from storytrace import api
with api.Store("storytrace.db") as store:
    report = api.ingest(store, ["reports/"])
    result = api.trace_store(store)
    print(result.to_dict()["stories"])
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path

from storytrace.align.aligner import prepare
from storytrace.index.embed import encoder_for, encoder_name
from storytrace.ingest import Rejected, iter_path, walk_files
from storytrace.ingest.budget import Budget, ReportTimeout, deadline, fit
from storytrace.lineage.lineage import PairCache, trace_pair
from storytrace.model import Article, Story, parse_published
from storytrace.pipeline import Progress, TraceResult, audit_result, plan_trace, quiet, sentences_to_embed, story_id, trace
from storytrace.segment import segment
from storytrace.segment.language import annotate_language
from storytrace.store import Store

__all__ = ["Budget", "IngestReport", "Store", "compare", "ingest", "ingest_articles", "read_articles", "trace_store"]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # ids of changed versions stored (``versions=True``)
    warnings: list[Rejected] = field(default_factory=list)  # kept, but guessed or cut (kind "warning")
    excluded: list[str] = field(default_factory=list)  # files of a folder left out by an ``exclude`` pattern
    undated: list[str] = field(default_factory=list)  # reports stored without a publication date (named)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _missing(path: str | Path) -> Rejected:
    return Rejected(input=str(path), record=None, reason=f"{path}: no such file or folder.", kind="missing")


def is_excluded(file: Path, folder: Path, patterns: Iterable[str]) -> bool:
    """Whether a file found in ``folder`` matches a glob: by its name (``EXPECTED.md``,
    ``*.md``) or by its path below the folder (``drafts/*``)."""
    relative = file.relative_to(folder).as_posix()
    return any(fnmatchcase(file.name, p) or fnmatchcase(relative, p) for p in patterns)


def _inputs(
    path: str | Path, max_bytes: int, mapping: dict | None, exclude: Iterable[str] = (), report: IngestReport | None = None
) -> Iterator[tuple[str, Iterable[Article | Rejected]]]:
    """Each file of a path (a folder read recursively, less the files matching an ``exclude``
    glob, listed in ``report.excluded``) with the reports read from it: one file that times out
    does not stop the rest of its folder. A file named itself is read whatever the globs say."""
    if not Path(path).is_dir():
        yield str(path), iter_path(path, max_bytes=max_bytes, mapping=mapping)
        return
    patterns = list(exclude)
    problems: list[Rejected] = []
    for f in walk_files(Path(path), problems):
        if patterns and is_excluded(f, Path(path), patterns):
            if report is not None:
                report.excluded.append(str(f))
            continue
        yield str(f), iter_path(f, max_bytes=max_bytes, mapping=mapping)
    if problems:
        yield str(path), problems


def read_articles(
    paths: Iterable[str | Path],
    report: IngestReport | None = None,
    *,
    max_bytes: int = 50_000_000,
    mapping: dict | None = None,
    budget: Budget | None = None,
    exclude: Iterable[str] = (),
) -> list[Article]:
    """Read files and folders without a store; rejected inputs go to ``report``, and so do the
    files of a folder an ``exclude`` glob leaves out (``report.excluded``)."""
    report = report if report is not None else IngestReport()
    budget = budget or Budget()
    out = []
    for path in paths:
        if not Path(path).exists():
            report.rejected.append(_missing(path))
            continue
        for name, items in _inputs(path, max_bytes, mapping, exclude, report):
            for item, warning in _within_budget(items, budget, name):
                if isinstance(item, Rejected):
                    report.rejected.append(item)
                    continue
                out.append(item)
                if warning:
                    report.warnings.append(warning)
    return out


def _rejected(item: Article, kind: str, problem: str) -> Rejected:
    return Rejected(input=item.origin_path or item.id, record=item.id, reason=f"{_named(item)}: {problem}.", kind=kind)


def _named(item: Article) -> str:
    """The input a report came from, and its id when the input's name does not already say it
    (a record of a JSON Lines file, a feed item)."""
    where = item.origin_path or item.id
    if item.origin_path in (None, item.id) or Path(item.origin_path).stem == item.id:
        return where
    return f"{where} (report {item.id})"


def _warning_of(item: Article, cut: str | None) -> Rejected | None:
    notes = []
    guessed = item.meta.get("encoding_guessed")
    if guessed:
        notes.append(f"its bytes are not UTF-8 and no charset was declared: decoded as {guessed} by detection (a guess)")
    if cut:
        notes.append(cut)
    if not notes:
        return None
    return Rejected(
        input=item.origin_path or item.id, record=item.id, reason=f"{_named(item)}: " + "; ".join(notes) + ".", kind="warning"
    )


def _within_budget(
    items: Iterable[Article | Rejected], budget: Budget, input_name: str | None
) -> Iterator[tuple[Article | Rejected, Rejected | None]]:
    """Each report produced and segmented within the budget (or rejected saying which limit
    it broke), with the warning to keep beside it; a reader that runs past the seconds is
    stopped and the rest of its input reported unread."""
    it = iter(items)
    while True:
        started = time.monotonic()
        current: Article | None = None
        try:
            with deadline(budget.max_seconds):
                item = next(it)
                if isinstance(item, Article):
                    current = item
                    fitted = fit(item, budget, started)
        except StopIteration:
            return
        except ReportTimeout:
            limit = f"max_seconds={budget.max_seconds:g}"
            if current is not None:  # the report was read; its segmentation ran over
                yield _rejected(current, "timeout", f"segmenting it took more than {limit}"), None
                continue
            name = input_name or "input"
            reason = f"{name}: reading it took more than {limit}; the rest of it was not read."
            yield Rejected(input=name, record=None, reason=reason, kind="timeout"), None
            return
        if isinstance(item, Rejected):
            yield item, None
        elif fitted.article is None:
            yield _rejected(item, fitted.kind or "too_large", fitted.problem or "it is over the budget"), None
        else:
            yield fitted.article, _warning_of(fitted.article, fitted.warning)


def ingest_articles(
    store: Store,
    articles: Iterable[Article | Rejected],
    report: IngestReport | None = None,
    *,
    versions: bool = False,
    budget: Budget | None = None,
    input_name: str | None = None,
) -> IngestReport:
    """Store each report atomically; duplicates are skipped, conflicting ids are rejected, a
    report over the ``budget`` is rejected (or cut, when the budget says so) and the rest go on.

    ``versions=True`` (fetched pages and feed items): a stored id with changed text or title
    is kept as a new version ``<id>@v<n>`` linked to the first (ids in ``report.versions``),
    dated by :func:`_version_date`; the same content as the latest version is a no-op.
    ``input_name`` names the input in a rejection when reading it runs out of time."""
    report = report if report is not None else IngestReport()
    for item, warning in _within_budget(articles, budget or Budget(), input_name):
        if isinstance(item, Rejected):
            _reject(store, report, item)
            continue
        annotate_language(item)  # kept with the report, so that a trace of a grown store does not detect it again
        if versions and store.has_article(item.id):
            state, stored_id = store.add_version(_version_date(item, store.published_of(item.id)))
            if state == "version":
                report.versions.append(stored_id)
                _warn(store, report, warning)
                continue
        else:
            state = store.add_article(item)
        if state == "added":
            report.added.append(item.id)
            if item.published is None:  # kept, but it can take part in no edge: the user is told
                report.undated.append(_named(item))
            _warn(store, report, warning)
        elif state == "same":
            report.unchanged.append(item.id)
        else:
            reason = f"{_named(item)}: id {item.id!r} is already stored with other content; give the new report another id."
            _reject(store, report, Rejected(input=item.origin_path or item.id, record=item.id, reason=reason, kind="conflict"))
    return report


def _reject(store: Store, report: IngestReport, rejected: Rejected) -> None:
    report.rejected.append(rejected)
    store.add_rejected(rejected.input, rejected.record, rejected.kind, rejected.reason)


def _warn(store: Store, report: IngestReport, warning: Rejected | None) -> None:
    if warning is not None:
        report.warnings.append(warning)
        store.add_rejected(warning.input, warning.record, warning.kind, warning.reason)


def _version_date(item: Article, first_published) -> Article:
    """A changed version is dated when it changed: the page's modified date when it is later
    than the first's date, else the fetch time; never before the first (the lineage orders
    reports by date, and the version must come after the report it changes)."""

    def when(key: str):
        try:
            return parse_published(item.meta.get(key))
        except (ValueError, TypeError):
            return None

    modified, fetched = when("modified"), when("fetched_at")
    if modified is not None and (first_published is None or modified > first_published):
        date, source = modified, "modified"
    else:
        date, source = fetched or datetime.now(UTC), "fetch"
    if first_published is not None and date < first_published:
        date = first_published  # a clock behind the page's date: same time, the id orders it after
    meta = {**item.meta, "date_from": source}
    if item.published is not None:
        meta["published_page"] = item.published.isoformat()
    return Article(
        id=item.id,
        text=item.text,
        published=date,
        outlet=item.outlet,
        url=item.url,
        title=item.title,
        origin_path=item.origin_path,
        sentences=item.sentences,
        meta=meta,
    )


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    max_bytes: int = 50_000_000,
    mapping: dict | None = None,
    budget: Budget | None = None,
    exclude: Iterable[str] = (),
) -> IngestReport:
    """Ingest files and folders; ``max_bytes`` caps each file (and each decompressed stream),
    ``mapping`` names the CSV/Parquet columns for our fields ({"text": "body", ...}), ``budget``
    limits each report (:class:`~storytrace.ingest.budget.Budget`), ``exclude`` globs leave
    files of a folder out (matched against the file's name and its path below the folder;
    ``report.excluded`` lists them)."""
    report = IngestReport()
    budget = budget or Budget()
    for path in paths:
        if not Path(path).exists():
            _reject(store, report, _missing(path))
            continue
        for name, items in _inputs(path, max_bytes, mapping, exclude, report):
            ingest_articles(store, items, report, budget=budget, input_name=name)
    return report


def trace_store(store: Store, progress: Progress = quiet, audit: bool = True) -> TraceResult:
    """Trace everything stored; keep the new sentence vectors, alignments and the stories."""
    plan = plan_trace(store.articles())
    # the encoder first: stored vectors and alignments are read under its model id
    with encoder_for(sentences_to_embed(plan)):
        vectors = store.vectors()
        pairs = store.pairs()
        result = trace(
            plan.articles,
            stored_vectors=vectors,
            stored_pairs=pairs,
            progress=progress,
            audit=audit,
            plan=plan,
            stored_audits=store.audits,
        )
        return _keep(store, result, vectors, audit)


def _keep(store: Store, result: TraceResult, vectors: dict, audited: bool) -> TraceResult:
    new_vectors = {aid: p.vectors for aid, p in result.prepared.items() if aid not in vectors}
    if new_vectors:
        store.put_vectors(new_vectors)
    if result.cache is not None and result.cache.new:
        store.put_pairs({key: result.cache.pairs[key] for key in sorted(result.cache.new)})
    if audited:  # the audits of this trace's stories, and no others: the table does not grow stale
        store.keep_audits(result.new_audits, result.audits)
    store.save_stories([s.to_dict() for s in result.stories])
    return result


# The edge model's probability below which a pair the user named is "not derived". Lower than
# the model's own threshold (0.5, for choosing among a trace's candidates): the user's naming
# the pair is evidence the model's piles did not have. Development look (llmfake all
# generators, F3; docs/experiments.md, session 11): every unrelated pair, random or of one
# domain, under 0.001; 90 % of 200 F3 derivations at or above 0.01 (the other 10 % are under
# 0.001 too: rewrites that keep no sentence of their source), where 0.5 would have called
# 29 % of them "not derived".
NAMED_PAIR_BAR = 0.01


def compare(source: Article, derived: Article, audit: bool = True, force: bool = False) -> TraceResult:
    """Exactly one pair: align ``derived`` to ``source`` and report coverage (one story).

    The two are compared whatever their dates say; the caller has named the direction. Below
    the edge bar for a named pair (``NAMED_PAIR_BAR``) the pair is "not derived": the story has
    no edge and, unless ``force``, the audit is not run (a fact-checker reads every finding;
    findings between two unrelated reports are noise).
    ``audit=False`` keeps the edge whatever its probability (for callers that audit on their own).
    """
    for a in (source, derived):
        if not a.sentences:
            segment(a)
    prepared = prepare([source, derived])
    cache = PairCache(prepared)
    edge, alignments = trace_pair(derived, source, cache)
    story = Story(id=story_id([source.id]), articles=[source.id, derived.id], origin=source.id)
    story.alignments = alignments
    derives = edge.confidence is not None and edge.confidence >= NAMED_PAIR_BAR
    story.comparison = {"derived": derives, "coverage": round(edge.coverage, 4), "confidence": round(edge.confidence or 0.0, 4)}
    story.edges = [edge] if derives or force or not audit else []
    result = TraceResult(
        articles=[source, derived], stories=[story], cache=cache, prepared=prepared, stats={"encoder": encoder_name()}
    )
    if audit and story.edges:
        audit_result(result)
    return result
