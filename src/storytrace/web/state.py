"""The server's state: the last trace document (cached) and the one writer.

Readers take ``service.snapshot`` (an immutable object swapped in one assignment) and never
wait for a trace. Writers (ingest, re-trace) hold ``write_lock``. Re-traces are driven by a
worker thread (never the event loop) and coalesce: every write asks for a trace generation,
and one run serves all the requests made before it started. The CPU work itself runs in a
long-lived child process by default, or in the worker thread (``worker="thread"``), where it
competes with the request threads for the GIL (measured: slower reads; BENCHMARKS.md).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field

from storytrace.api import IngestReport, ingest_articles, trace_store
from storytrace.ingest.budget import Budget
from storytrace.store import Store
from storytrace.web.search import ensure_index

log = logging.getLogger("storytrace.web")

SCHEMA_ID = "https://storytrace.dev/schema/trace-1.json"


class TraceFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Snapshot:
    version: int
    doc: dict
    articles: dict[str, dict]
    stories: dict[str, dict]
    story_of: dict[str, str]
    summaries: list[dict]
    summary_of: dict[str, dict]
    complete: bool  # from a trace run by this server (vs. the stories the store kept)
    _json: dict = field(default_factory=dict, compare=False)  # rendered bodies, per story

    def story_doc(self, story_id: str) -> dict | None:
        """One story as a trace document of its own (valid against the trace schema)."""
        story = self.stories.get(story_id)
        if story is None:
            return None
        members = [self.articles[m] for m in story.get("articles", []) if m in self.articles]
        return {"schema": self.doc.get("schema", SCHEMA_ID), "articles": members, "stories": [story]}

    def story_json(self, story_id: str) -> bytes | None:
        """Serialised once per snapshot: story documents can be large and are read often."""
        cached = self._json.get(story_id)
        if cached is None:
            doc = self.story_doc(story_id)
            if doc is None:
                return None
            cached = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            self._json[story_id] = cached  # a benign race: two threads compute the same bytes
        return cached


def summarize(story: dict, articles: dict[str, dict]) -> dict:
    members = story.get("articles") or []
    dates = [articles[m]["published"] for m in members if m in articles and articles[m].get("published")]
    origin = story.get("origin")
    edges = story.get("edges") or []
    return {
        "id": story["id"],
        "size": len(members),
        "origin": origin,
        "origin_title": (articles.get(origin) or {}).get("title") if origin else None,
        "first_published": min(dates) if dates else None,
        "last_published": max(dates) if dates else None,
        "edges": len(edges),
        "findings": len(story.get("findings") or []),
        "altered": sum(1 for e in edges if (e.get("verdict") or {}).get("facts_altered")),
    }


def build_snapshot(doc: dict, version: int, complete: bool) -> Snapshot:
    articles = {a["id"]: a for a in doc.get("articles") or []}
    stories = {s["id"]: s for s in doc.get("stories") or []}
    story_of = {m: s["id"] for s in doc.get("stories") or [] for m in s.get("articles") or []}
    summaries = [summarize(s, articles) for s in doc.get("stories") or []]
    return Snapshot(
        version=version,
        doc=doc,
        articles=articles,
        stories=stories,
        story_of=story_of,
        summaries=summaries,
        summary_of={s["id"]: s for s in summaries},
        complete=complete,
    )


def stored_document(store) -> dict:
    """The trace the store kept (its stories table) with its reports, without tracing: what
    the server shows until its first trace ends. Reports are listed chronologically, as a
    trace lists them; audit extras (sourcing profiles, event dates) come with the re-trace."""
    from storytrace.model import Article

    articles = sorted(store.articles(), key=Article.sort_key)
    ids = {a.id for a in articles}
    stories = [s for s in store.stories() if all(m in ids for m in s.get("articles") or [])]
    return {"schema": SCHEMA_ID, "articles": [a.to_dict() for a in articles], "stories": stories}


def connect(path: str) -> sqlite3.Connection:
    # Autocommit: statements that write manage their own transactions (see ensure_index).
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


class Service:
    def __init__(self, db_path: str, worker: str = "process", budget: Budget | None = None):
        if worker not in ("thread", "process"):
            raise ValueError(f"worker must be 'thread' or 'process', not {worker!r}")
        self.db_path = str(db_path)
        self.budget = budget or Budget()
        # "process": the trace runs in one long-lived child process, so its CPU work does not
        # compete with the request threads for this process's GIL (the models load once in it).
        self.worker = worker
        self._pool: ProcessPoolExecutor | None = None
        self.write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._wanted = 0  # last trace generation asked for
        self._done = 0  # last generation a run finished (ok or not)
        self._ok = 0  # last generation a run finished without error
        self._running = False
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None
        self.last_seconds: float | None = None
        # the store's (row count, last row) when the last trace started: rows another process
        # adds (storytrace watch, trace, ingest) change it, and are then traced here too
        self._traced_rows: tuple[int, int] | None = None
        self._snapshot = build_snapshot({"schema": SCHEMA_ID, "articles": [], "stories": []}, 0, False)

    # ------------------------------------------------------------ life cycle
    def open(self, trace_now: bool = True) -> None:
        """Create the store and its search index if missing, serve the stored trace, and start a
        re-trace in the background (so that the page shows the current code's full trace)."""

        with self.write_lock:
            with Store(self.db_path) as store:  # creates the tables (and WAL mode)
                doc = stored_document(store)
                count = store.count()
            with self.reader() as db:
                ensure_index(db)
                rows = self.stored_rows(db)
        self._snapshot = build_snapshot(doc, 0, False)
        if trace_now and count:
            self.request_trace()
        else:  # what is stored now is not news; what is added from here on is
            self._traced_rows = rows

    def close(self, timeout: float = 60.0) -> None:
        """Let a running trace finish its writes (they are transactions, but a clean end is kinder)."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)
        if self._pool is not None:
            # still busy after the timeout: the child finishes its transaction, then exits
            self._pool.shutdown(wait=not (thread is not None and thread.is_alive()), cancel_futures=True)
            self._pool = None

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        db = connect(self.db_path)
        try:
            yield db
        finally:
            db.close()

    # ------------------------------------------------------------ reading
    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def tracing(self) -> bool:
        with self._cond:
            return self._running

    @staticmethod
    def stored_rows(db: sqlite3.Connection) -> tuple[int, int]:
        count, last = db.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM articles").fetchone()
        return int(count), int(last)

    def notice_store_changes(self, db: sqlite3.Connection) -> bool:
        """Start a re-trace when the store holds rows the last trace did not see (written by
        another process: ``storytrace watch`` polling feeds into the same file). True when one
        was asked for. Cheap: one indexed query; nothing happens while a trace runs."""
        rows = self.stored_rows(db)
        with self._cond:
            if self._running or self._traced_rows is None or rows == self._traced_rows:
                return False
        self.request_trace()
        return True

    # ------------------------------------------------------------ writing
    def ingest(self, items: list) -> IngestReport:
        """Store articles (and rejections) under the writer lock; returns the IngestReport."""

        report = IngestReport()
        with self.write_lock:
            with Store(self.db_path) as store:
                ingest_articles(store, items, report, budget=self.budget, input_name="POST /api/reports")
        return report

    def request_trace(self) -> int:
        with self._cond:
            self._wanted += 1
            gen = self._wanted
            if not self._running:
                self._running = True
                self._thread = threading.Thread(target=self._run, name="storytrace-trace", daemon=True)
                self._thread.start()
            return gen

    def wait(self, gen: int, timeout: float | None = None) -> bool:
        """Wait until a trace covering generation ``gen`` ended. False on timeout; raises
        TraceFailed when that trace failed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._done >= gen, timeout):
                return False
            if self._ok < gen:
                raise TraceFailed(self.last_error or "the trace failed")
            return True

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._done >= self._wanted:
                    self._running = False
                    self._cond.notify_all()
                    return
                target = self._wanted
            started = time.perf_counter()
            try:
                # before the trace reads the store: a row added meanwhile is traced now and once more later
                with self.reader() as db:
                    self._traced_rows = self.stored_rows(db)
                doc = self._trace()
            except Exception as exc:  # noqa: BLE001 - kept for the status and the waiting writers
                log.exception("trace failed")
                with self._cond:
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    self._done = target
                    self._cond.notify_all()
                continue
            snapshot = build_snapshot(doc, target, True)
            with self._cond:
                self._snapshot = snapshot  # readers see the old or the new document, never a mix
                self.last_seconds = round(time.perf_counter() - started, 3)
                self.last_error = None
                self._done = self._ok = target
                self._cond.notify_all()

    def _trace(self) -> dict:
        with self.write_lock:
            if self.worker != "process":
                return trace_document(self.db_path)
            if self._pool is None:
                # spawn, not fork: forking a process that runs threads can copy a held lock
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            try:
                return self._pool.submit(trace_document, self.db_path).result()
            except BrokenProcessPool:
                # the worker died (killed, out of memory): start a new one next time
                self._pool.shutdown(wait=False)
                self._pool = None
                raise


def trace_document(db_path: str) -> dict:
    """Trace the whole store and keep what it learnt (vectors, pairs, stories) in it; in the
    server's worker thread or in its worker process."""

    with Store(db_path) as store:
        return trace_store(store).to_dict()
