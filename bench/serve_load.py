"""Load on `storytrace serve`: concurrent readers while one writer posts reports.

    python bench/serve_load.py --readers 8 --writes 4 [--seed-reports 60] [--data ../shared/datasets]

Starts the server (a subprocess, on a free loopback port, a fresh store), fills the store
with one POST of an llmfake pile (sources, their ChatGPT paraphrases and rewrites, unrelated
sources; or the shipped demo corpus when ../shared is absent), then runs N reader threads
(httpx) over GET /api/stories, /api/stories/{id}, /api/articles/{id}, /api/search and the
HTML story page while one writer POSTs the held-back reports one request at a time (each
write re-traces the store). Prints the errors (anything but 2xx; must be 0) and latency
percentiles per endpoint, for reads while no write was in flight and while one was (the
re-trace runs in the server's worker thread then).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "crane",
    "port",
    "vaccine",
    "virus",
    "police",
    "health",
    "government",
    "study",
    '"public health"',
    "covid*",
    "health NOT virus",
    "title:news",
]


def corpus(data: Path, n_sources: int, seed: int) -> list[dict]:
    if (data / "llmfake").is_dir():
        sys.path.insert(0, str(ROOT / "src"))
        from storytrace.eval.datasets import build_llmfake_pile

        pile = build_llmfake_pile(data, n_sources=n_sources, n_unrelated=n_sources, seed=seed)
        return sorted(pile.reports, key=lambda r: (r["published"], r["id"]))
    demo = ROOT / "src" / "storytrace" / "demo" / "corpus.jsonl"
    return [json.loads(line) for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument(
        "--sources", type=int, default=12, help="llmfake sources (each with 2 rewrites) plus as many unrelated reports"
    )
    ap.add_argument("--writes", type=int, default=4, help="reports the writer posts, one per request (held back from the seed)")
    ap.add_argument("--readers", type=int, default=8)
    ap.add_argument("--min-seconds", type=float, default=20.0, help="read at least this long")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--trace-worker", choices=["thread", "process"], default="process")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args()

    load_before = os.getloadavg()[0]  # other work on the machine skews every number below
    reports = corpus(args.data, args.sources, args.seed)
    held = reports[-args.writes :] if args.writes else []
    seed_reports = reports[: len(reports) - len(held)]
    work = Path(tempfile.mkdtemp(prefix="serve-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storytrace.cli",
            "serve",
            "--db",
            str(work / "store.db"),
            "--port",
            str(port),
            "--trace-worker",
            args.trace_worker,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=work,
    )
    try:
        client = httpx.Client(base_url=base, timeout=600)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/api/status").raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start; see " + str(work / "server.log")) from None
                time.sleep(0.2)
        t0 = time.perf_counter()
        r = client.post("/api/reports", json=seed_reports)
        r.raise_for_status()
        seed_seconds = time.perf_counter() - t0
        print(f"seeded {len(seed_reports)} reports in {seed_seconds:.1f} s (first trace, models loaded)")

        stories = [s["id"] for s in client.get("/api/stories", params={"limit": 1000}).json()["stories"]]
        article_ids = [a["id"] for a in seed_reports]
        samples: dict[str, list[tuple[float, bool]]] = {}
        errors: list[str] = []
        writing = threading.Event()
        stop = threading.Event()
        lock = threading.Lock()
        write_times: list[float] = []

        def reader(k: int) -> None:
            rng = random.Random(args.seed * 1000 + k)
            with httpx.Client(base_url=base, timeout=120) as c:
                while not stop.is_set():
                    kind = rng.choice(["list", "story", "article", "search", "story_html"])
                    if kind == "list":
                        url, params = "/api/stories", None
                    elif kind == "story":
                        url, params = f"/api/stories/{rng.choice(stories)}", None
                    elif kind == "story_html":
                        url, params = f"/stories/{rng.choice(stories)}", None
                    elif kind == "article":
                        url, params = f"/api/articles/{rng.choice(article_ids)}", None
                    else:
                        url, params = "/api/search", {"q": rng.choice(WORDS)}
                    during = writing.is_set()
                    t = time.perf_counter()
                    try:
                        resp = c.get(url, params=params)
                        ok = 200 <= resp.status_code < 300
                        if not ok:
                            msg = f"{kind} {url} {resp.status_code} {resp.text[:200]}"
                    except httpx.HTTPError as exc:
                        ok, msg = False, f"{kind} {url} {type(exc).__name__}: {exc}"
                    dt = time.perf_counter() - t
                    with lock:
                        samples.setdefault(kind, []).append((dt, during or writing.is_set()))
                        if not ok:
                            errors.append(msg)

        threads = [threading.Thread(target=reader, args=(k,), daemon=True) for k in range(args.readers)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(5.0)  # some reads with no write in flight first
        for report in held:
            writing.set()
            t = time.perf_counter()
            r = client.post("/api/reports", json=report)
            write_times.append(time.perf_counter() - t)
            writing.clear()
            if r.status_code != 200 or not r.json()["traced"]:
                errors.append(f"write {report['id']} {r.status_code} {r.text[:200]}")
            time.sleep(1.0)
        while time.perf_counter() - start < args.min_seconds:
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(150)
        elapsed = time.perf_counter() - start
        status = client.get("/api/status").json()
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    total = sum(len(v) for v in samples.values())
    out = {
        "reports": len(reports),
        "stories": status["stories"],
        "readers": args.readers,
        "trace_worker": args.trace_worker,
        "writes": len(write_times),
        "seconds": round(elapsed, 1),
        "requests": total,
        "errors": len(errors),
        "seed_post_seconds": round(seed_seconds, 2),
        "write_seconds": [round(w, 2) for w in write_times],
        "last_trace_seconds": status["last_trace_seconds"],
        "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "endpoints": {},
    }
    print(
        f"{total} reads in {elapsed:.1f} s ({total / elapsed:.0f}/s) by {args.readers} readers; "
        f"{len(write_times)} writes; {len(errors)} errors; store {status['articles']} reports, {status['stories']} stories"
    )
    print(f"trace worker: {args.trace_worker}; 1-min load average before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}")
    print(f"write (POST one report + re-trace): {', '.join(f'{w:.2f}' for w in write_times)} s")
    print(f"{'endpoint':<12}{'n idle':>8}{'p50 ms':>9}{'p99 ms':>9}{'n write':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for kind in ["list", "story", "story_html", "article", "search"]:
        idle = [d * 1000 for d, w in samples.get(kind, []) if not w]
        busy = [d * 1000 for d, w in samples.get(kind, []) if w]
        out["endpoints"][kind] = {
            "idle": {"n": len(idle), "p50_ms": round(pct(idle, 0.5), 1), "p99_ms": round(pct(idle, 0.99), 1)},
            "during_write": {"n": len(busy), "p50_ms": round(pct(busy, 0.5), 1), "p99_ms": round(pct(busy, 0.99), 1)},
        }
        print(
            f"{kind:<12}{len(idle):>8}{pct(idle, 0.5):>9.1f}{pct(idle, 0.99):>9.1f}{len(busy):>9}{pct(busy, 0.5):>9.1f}{pct(busy, 0.99):>9.1f}"
        )
    for e in errors[:10]:
        print("error:", e)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    if errors:
        print(f"store and server log kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
