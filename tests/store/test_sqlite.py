"""kill -9 during a long ingest: what was committed survives, no report is half-written, and a
re-run finishes the job without storing anything twice.

A child process ingests thousands of small JSON Lines reports into a store (one transaction per
report); the test waits until some are committed, SIGKILLs it, checks the store, then re-runs
the ingest to completion."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storytrace import api
from storytrace.model import Article
from storytrace.segment import segment
from storytrace.store import Store

N = 6_000  # seconds of ingest (about 1,000 reports a second): the kill lands in the middle
KILL_AFTER = 300  # committed reports seen before the kill

INGEST = """
import sys
from storytrace import api
with api.Store(sys.argv[1]) as store:
    report = api.ingest(store, [sys.argv[2]])
print(len(report.added), len(report.unchanged), len(report.rejected))
"""

OUTLETS = ["Coastal Wire", "Harbour Ledger", "Island Gazette", "Saltmarsh Post"]


def report(i: int) -> dict:
    """A small report with two or three sentences; every one different."""
    text = (
        f"The council of district {i} approved {i % 97 + 3} new moorings on Monday. "
        f"The plan costs {i * 7 % 1000 + 100} thousand euros, a spokesperson said."
    )
    if i % 3 == 0:
        text += f" Work on berth {i % 41} starts in {['May', 'June', 'July'][i % 3]}."
    return {
        "id": f"r{i:05d}",
        "published": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
        "outlet": OUTLETS[i % 4],
        "title": f"Moorings for district {i}",
        "text": text,
    }


def run_ingest(db: Path, corpus: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, str(db), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,
    )


def committed(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or its schema not yet written
        return 0


def check_rows(db: Path, source: dict[str, dict], resegment=lambda aid: True) -> list[str]:
    """Every stored report complete and equal to its source (its sentences too, for the ids
    ``resegment`` picks); returns the ids in commit order."""
    with Store(db) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        articles = store.articles()
    ids = [a.id for a in articles]
    for a in articles:
        src = source[a.id]
        assert a.text == src["text"] and a.title == src["title"] and a.outlet == src["outlet"]
        assert a.published_iso == src["published"]
        assert len(a.sentences) == (3 if int(a.id[1:]) % 3 == 0 else 2)
        if not resegment(a.id):
            continue
        # the sentences were written with the report: the same split a fresh segmentation gives
        fresh = Article(id=a.id, text=src["text"])
        segment(fresh)
        assert [(s.start, s.end) for s in a.sentences] == [(s.start, s.end) for s in fresh.sentences]
    return ids


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_during_ingest_loses_nothing_and_rerun_completes(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    source = {}
    with corpus.open("w", encoding="utf-8") as fh:
        for i in range(N):
            r = report(i)
            source[r["id"]] = r
            fh.write(json.dumps(r) + "\n")
    db = tmp_path / "store.db"

    child = run_ingest(db, corpus)
    deadline = time.monotonic() + 60
    while committed(db) < KILL_AFTER:
        assert child.poll() is None, f"the ingest ended before it was killed: {child.communicate()}"
        assert time.monotonic() < deadline, "the ingest committed nothing in 60 s"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    ids = check_rows(db, source)
    assert KILL_AFTER <= len(ids) < N
    # one transaction per report, in file order: what survived is exactly the first k lines
    assert ids == [f"r{i:05d}" for i in range(len(ids))]

    rerun = run_ingest(db, corpus)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    added, unchanged, rejected = map(int, out.split())
    assert (added, unchanged, rejected) == (N - len(ids), len(ids), 0)

    k = len(ids)  # re-segmenting all would take long: a sample, and the reports around the kill
    final = check_rows(db, source, resegment=lambda aid: int(aid[1:]) % 50 == 0 or abs(int(aid[1:]) - k) < 20)
    assert sorted(final) == sorted(source)  # every report exactly once
    with Store(db) as store:
        assert store.count() == N and store.count("rejected") == 0


SLOW_INGEST = """
import sys, time
from storytrace import api
from storytrace.ingest import budget

real = budget.segment
def segment(article):  # the hostile report's processing: slow, and it says so
    if "hostile" in article.text:
        print("processing", flush=True)
        time.sleep(float(sys.argv[3]))
    return real(article)
budget.segment = segment
with api.Store(sys.argv[1]) as store:
    report = api.ingest(store, sys.argv[4:], budget=api.Budget(max_seconds=float(sys.argv[2])))
print(len(report.added), len(report.unchanged), ",".join(r.kind for r in report.rejected), flush=True)
"""


def _snapshot(db: Path) -> tuple:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        articles = con.execute("SELECT * FROM articles ORDER BY id").fetchall()
        rejected = con.execute("SELECT input, record, kind, reason FROM rejected ORDER BY seq").fetchall()
        return articles, rejected
    finally:
        con.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_while_a_hostile_report_is_processed_leaves_the_store_as_before(tmp_path):
    good = [tmp_path / f"good{i}.txt" for i in range(3)]
    for i, path in enumerate(good):
        path.write_text(f" date 2024-05-0{i + 1} Report {i} of the harbour works. The council met on Monday.", encoding="utf-8")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(" date 2024-05-09 A hostile report that takes long. " * 3, encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text(" date 2024-05-10 A later report about the ferry. It sailed at noon.", encoding="utf-8")
    db = tmp_path / "store.db"
    with api.Store(db) as store:
        assert len(api.ingest(store, [str(p) for p in good]).added) == 3
    before = _snapshot(db)

    args = [sys.executable, "-c", SLOW_INGEST, str(db), "600", "600", str(hostile), str(later)]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "processing"  # killed inside the hostile report
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert _snapshot(db) == before

    # the same batch within a budget of seconds: the hostile report is rejected, the rest goes on
    rerun = subprocess.run([*args[:4], "1", "5", *args[6:]], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.splitlines()[-1] == "1 0 timeout"
    articles, rejected = _snapshot(db)
    assert articles[:3] == before[0]  # ordered by id: good0-2 untouched, then later
    assert len(articles) == 4 and [r[2] for r in rejected] == ["timeout"]
