"""Coverage-guided fuzzing of the parsers (atheris / libFuzzer), one process per target.

    PYTHONPATH=src python bench/fuzz/run.py --total 1000000 --jobs 2 --workdir /tmp/st-fuzz
    PYTHONPATH=src python bench/fuzz/run.py --targets csv,jsonl --runs 20000
    PYTHONPATH=src python bench/fuzz/run.py --replay claims FILE...   # run saved inputs again

Each target gets a seed folder built at run time (hand-written examples of its format and real
texts from ../shared/datasets wrapped in it, see corpus.py) and a corpus folder libFuzzer grows;
both live in ``--workdir`` (a temporary folder by default), never in the repository.

What is counted, per target:

* inputs: calls of the target (seeds included), counted by the target process itself;
* crashes: inputs on which the parser raised or broke an invariant (targets.py says which);
  they do not stop the run: the first input of each distinct failure (exception type and the
  innermost storytrace frame) is saved to ``--crash-dir`` with its traceback;
* hangs: inputs that ran over ``--timeout`` seconds: libFuzzer stops the process and saves the
  input; the runner starts the target again for the inputs left, on the grown corpus;
* deaths: the process died some other way (a segfault in a C extension, out of memory).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SLOW = 1.0  # seconds: an input this slow is listed (not a hang; the hang limit is --timeout)
FLUSH = 1.0  # seconds between the target process's counter writes

# Pure-Python packages (besides storytrace) whose coverage guides each target. Listed here, not
# in targets.py, because that module imports storytrace and must be imported under atheris.
INSTRUMENT: dict[str, tuple[str, ...]] = {
    "decode": ("charset_normalizer",),
    "html": ("trafilatura", "htmldate", "justext", "courlan"),
    "feed": ("feedparser",),
    "warc": ("warcio",),
    "sniffed": ("feedparser",),
    "segment": ("pysbd",),
}


def _signature(exc: BaseException) -> tuple[str, str]:
    """(short id, description) of a failure: its type, the innermost storytrace frame, the last frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/storytrace/" in f.filename and "/bench/" not in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    last = frames[-1] if frames else None

    def loc(f: traceback.FrameSummary | None) -> str:
        return f"{Path(f.filename).name}:{f.lineno}:{f.name}" if f else "?"

    # the message of an invariant names the check; of other exceptions it varies with the input
    kind = type(exc).__name__ + (f"({re.sub(r'[0-9]+', 'N', str(exc))[:60]})" if type(exc).__name__ == "InvariantError" else "")
    desc = f"{kind} at {loc(where)} (raised in {loc(last)})"
    return hashlib.sha1(desc.encode()).hexdigest()[:10], desc


# --- the target process ------------------------------------------------------------------------


def worker(name: str, stats_path: Path, crash_dir: Path, libfuzzer_args: list[str]) -> None:
    import logging
    import warnings

    import atheris

    warnings.simplefilter("ignore")  # feedparser, bs4, trafilatura: warnings are not failures
    logging.disable(logging.CRITICAL)
    sys.setrecursionlimit(10_000)

    # instrument storytrace and the pure-Python parsers it calls, so that coverage guides the
    # search; the targets module imports storytrace, so it is imported inside the block too
    instrument = INSTRUMENT.get(name, ())
    with atheris.instrument_imports(include=["storytrace", *instrument]):
        from bench.fuzz.targets import TARGETS

        for mod in ("storytrace.ingest.files", "storytrace.ingest.feeds", "storytrace.ingest.warc", *instrument):
            __import__(mod)
        __import__("storytrace.segment.sentences")
        if name == "claims":
            __import__("storytrace.claims.extract")
    run = TARGETS[name].run
    planned = int(os.environ.get("STORYTRACE_FUZZ_RUNS", "0"))

    stats = {"target": name, "inputs": 0, "crashes": 0, "failures": {}, "slow": [], "started": time.time()}
    last = [time.monotonic()]

    def flush() -> None:
        stats["seconds"] = time.time() - stats["started"]
        tmp = stats_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stats))
        os.replace(tmp, stats_path)

    def one(data: bytes) -> None:
        stats["inputs"] += 1
        t0 = time.perf_counter()
        try:
            run(data)
        except Exception as exc:  # every exception is a finding: record it and go on
            stats["crashes"] += 1
            sig, desc = _signature(exc)
            f = stats["failures"].setdefault(sig, {"desc": desc, "count": 0})
            f["count"] += 1
            if f["count"] == 1:
                base = crash_dir / f"{name}-{sig}"
                base.with_suffix(".bin").write_bytes(data)
                base.with_suffix(".txt").write_text(f"{desc}\n\n" + "".join(traceback.format_exception(exc)))
                f["file"] = str(base.with_suffix(".bin"))
                flush()
        dt = time.perf_counter() - t0
        if dt > SLOW and len(stats["slow"]) < 20:
            path = crash_dir / f"{name}-slow-{hashlib.sha1(data).hexdigest()[:10]}.bin"
            path.write_bytes(data)
            stats["slow"].append({"seconds": round(dt, 2), "file": str(path), "bytes": len(data)})
        now = time.monotonic()
        if now - last[0] > FLUSH or stats["inputs"] == planned:  # libFuzzer exits at -runs without a hook
            last[0] = now
            flush()

    flush()
    atheris.Setup([sys.argv[0], *libfuzzer_args], one)
    atheris.Fuzz()


# --- the runner --------------------------------------------------------------------------------


def build_seeds(names: list[str], workdir: Path) -> dict[str, Path]:
    from bench.fuzz.corpus import dataset_texts, seeds

    real = dataset_texts()
    print(
        f"seeds: {len(real)} real texts from ../shared/datasets"
        if real
        else "seeds: ../shared/datasets absent, hand-written only"
    )
    out = {}
    for name in names:
        d = workdir / "seeds" / name
        d.mkdir(parents=True, exist_ok=True)
        n = 0
        for data in seeds(name, real):
            (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
            n += 1
        out[name] = d
    return out


def _read_stats(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {"inputs": 0, "crashes": 0, "failures": {}, "slow": [], "seconds": 0.0}


def fuzz_target(name: str, runs: int, seconds: float | None, seed_dir: Path, args: argparse.Namespace) -> dict:
    """Run one target until ``runs`` inputs (or ``seconds``) are done, restarting it after a hang."""
    from bench.fuzz.targets import TARGETS

    target = TARGETS[name]
    work = Path(args.workdir)
    corpus = work / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    crash_dir = Path(args.crash_dir)
    crash_dir.mkdir(parents=True, exist_ok=True)
    total = {"target": name, "inputs": 0, "crashes": 0, "hangs": [], "deaths": [], "failures": {}, "slow": [], "seconds": 0.0}
    t_end = time.time() + seconds if seconds else None
    for attempt in range(args.max_restarts + 1):
        left = runs - total["inputs"]
        if left <= 0 or (t_end and time.time() >= t_end - 1):
            break
        stats_path = work / "stats" / f"{name}.{attempt}.json"
        stats_path.parent.mkdir(parents=True, exist_ok=True)
        log = work / "logs" / f"{name}.{attempt}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        lf_args = [
            f"-runs={left}",
            f"-timeout={args.timeout}",
            f"-max_len={target.max_len}",
            f"-rss_limit_mb={args.rss_mb}",
            f"-artifact_prefix={crash_dir}/{name}-",
            "-print_final_stats=1",
            "-reload=0",
        ]
        if t_end:
            lf_args.append(f"-max_total_time={max(1, int(t_end - time.time()))}")
        cmd = [sys.executable, __file__, "--worker", name, "--stats", str(stats_path), "--crash-dir", str(crash_dir), "--"]
        cmd += [*lf_args, str(corpus), str(seed_dir)]
        env = dict(
            os.environ,
            STORYTRACE_FUZZ_RUNS=str(left),
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        )
        with log.open("wb") as lf:
            rc = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env, cwd=str(work)).returncode
        st = _read_stats(stats_path)
        total["inputs"] += st.get("inputs", 0)
        total["crashes"] += st.get("crashes", 0)
        total["seconds"] += st.get("seconds", 0.0)
        total["slow"] += st.get("slow", [])
        for sig, f in st.get("failures", {}).items():
            g = total["failures"].setdefault(sig, {"desc": f["desc"], "count": 0, "file": f.get("file")})
            g["count"] += f["count"]
        if rc == 0:
            continue  # done (runs or time reached)
        text = log.read_text(errors="replace")
        artifact = re.findall(r"Test unit written to (\S+)", text)
        entry = {"rc": rc, "log": str(log), "input": artifact[-1] if artifact else None}
        if "ALARM: working on the last Unit" in text or "-timeout=" in text and "timeout" in (entry["input"] or ""):
            total["hangs"].append(entry)
        else:
            m = re.search(r"==\d+== ERROR: libFuzzer: (.*)", text)
            entry["what"] = m.group(1) if m else text.strip().splitlines()[-1:]
            total["deaths"].append(entry)
        print(f"  {name}: process ended (rc {rc}) after {total['inputs']} inputs: {entry}", flush=True)
    total["exec_per_s"] = round(total["inputs"] / total["seconds"], 1) if total["seconds"] else 0.0
    return total


def plan(names: list[str], total: int | None, runs: int | None) -> dict[str, int]:
    from bench.fuzz.targets import TARGETS

    if runs:
        return dict.fromkeys(names, runs)
    assert total
    weight = sum(TARGETS[n].share for n in names)
    return {n: max(100, int(total * TARGETS[n].share / weight)) for n in names}


def print_table(results: list[dict]) -> None:
    print(
        f"\n{'target':10} {'inputs':>10} {'crashes':>8} {'distinct':>8} {'hangs':>6} {'deaths':>6} {'slow>1s':>7} {'exec/s':>8}"
    )
    for r in results:
        print(
            f"{r['target']:10} {r['inputs']:>10} {r['crashes']:>8} {len(r['failures']):>8} {len(r['hangs']):>6} "
            f"{len(r['deaths']):>6} {len(r['slow']):>7} {r['exec_per_s']:>8}"
        )
    print(
        f"{'total':10} {sum(r['inputs'] for r in results):>10} {sum(r['crashes'] for r in results):>8} "
        f"{sum(len(r['failures']) for r in results):>8} {sum(len(r['hangs']) for r in results):>6} "
        f"{sum(len(r['deaths']) for r in results):>6}"
    )
    for r in results:
        for sig, f in r["failures"].items():
            print(f"  {r['target']} {sig} x{f['count']}: {f['desc']}\n      reproducer: {f.get('file')}")
        for h in r["hangs"]:
            print(f"  {r['target']} HANG: {h['input']} (log {h['log']})")
        for d in r["deaths"]:
            print(f"  {r['target']} DEATH: {d.get('what')} {d['input']} (log {d['log']})")


def replay(name: str, files: list[str]) -> int:
    """Run saved inputs through a target without the fuzzer; prints each outcome, returns failures."""
    from bench.fuzz.targets import TARGETS

    bad = 0
    for f in files:
        t0 = time.perf_counter()
        try:
            TARGETS[name].run(Path(f).read_bytes())
            print(f"{f}: ok ({time.perf_counter() - t0:.2f}s)")
        except Exception as exc:
            bad += 1
            print(f"{f}: {_signature(exc)[1]} ({time.perf_counter() - t0:.2f}s)")
            traceback.print_exception(exc, limit=-3)
    return bad


def minimize(name: str, path: str, budget: float = 120.0) -> bytes:
    """Shrink a failing input while it fails the same way (same signature): chunk deletion,
    halving the chunk size down to one byte, within ``budget`` seconds. Writes FILE.min."""
    from bench.fuzz.targets import TARGETS

    run = TARGETS[name].run

    def sig(data: bytes) -> str | None:
        try:
            run(data)
        except Exception as exc:
            return _signature(exc)[0]
        return None

    data = Path(path).read_bytes()
    want = sig(data)
    if want is None:
        raise SystemExit(f"{path} does not fail on {name}")
    t_end = time.time() + budget
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and time.time() < t_end:
        i, shrunk = 0, False
        while i < len(data) and time.time() < t_end:
            cand = data[:i] + data[i + chunk :]
            if cand and sig(cand) == want:
                data, shrunk = cand, True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    Path(path + ".min").write_bytes(data)
    print(f"{path}: {len(data)} bytes, still {want}: {data!r}")
    return data


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        sep = argv.index("--")
        p = argparse.ArgumentParser()
        p.add_argument("--worker")
        p.add_argument("--stats", type=Path)
        p.add_argument("--crash-dir", type=Path)
        a = p.parse_args(argv[:sep])
        worker(a.worker, a.stats, a.crash_dir, argv[sep + 1 :])
        return 0
    from bench.fuzz.targets import TARGETS

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--targets", default=",".join(TARGETS), help="comma-separated (default: all)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--total", type=int, help="inputs across the targets, shared by their weights")
    g.add_argument("--runs", type=int, help="inputs per target")
    p.add_argument("--seconds", type=float, help="at most this long per target")
    p.add_argument("--seconds-for", default="", metavar="NAME=S,...", help="per-target seconds, over --seconds")
    p.add_argument("--jobs", type=int, default=2, help="targets fuzzed at once")
    p.add_argument("--timeout", type=int, default=10, help="seconds one input may take before it is a hang")
    p.add_argument("--rss-mb", type=int, default=4096)
    p.add_argument("--max-restarts", type=int, default=20)
    p.add_argument("--workdir", help="seeds, corpus, logs (default: a new temporary folder)")
    p.add_argument("--crash-dir", help="reproducers (default: WORKDIR/crashes)")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--replay", nargs="+", metavar=("TARGET", "FILE"), help="run saved inputs through a target")
    p.add_argument("--minimize", nargs=2, metavar=("TARGET", "FILE"), help="shrink a failing input (writes FILE.min)")
    a = p.parse_args(argv)
    if a.minimize:
        minimize(*a.minimize)
        return 0
    if a.replay:
        return 1 if replay(a.replay[0], a.replay[1:]) else 0
    names = [n for n in a.targets.split(",") if n]
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        p.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    a.workdir = a.workdir or tempfile.mkdtemp(prefix="storytrace-fuzz-")
    a.crash_dir = a.crash_dir or str(Path(a.workdir) / "crashes")
    Path(a.workdir).mkdir(parents=True, exist_ok=True)
    seconds = {k: float(v) for k, v in (kv.split("=") for kv in a.seconds_for.split(",") if kv)}
    if not (a.total or a.runs or a.seconds or seconds):
        a.runs = 10_000
    runs = plan(names, a.total, a.runs) if (a.total or a.runs) else dict.fromkeys(names, 2**31 - 1)
    # the longest-running targets first, so that the workers finish about together
    order = sorted(names, key=lambda n: (-seconds.get(n, a.seconds or 0), TARGETS[n].share))
    print(f"workdir {a.workdir}; crashes to {a.crash_dir}; per-input limit {a.timeout}s; plan {runs}", flush=True)
    seed_dirs = build_seeds(names, Path(a.workdir))
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = {n: pool.submit(fuzz_target, n, runs[n], seconds.get(n, a.seconds), seed_dirs[n], a) for n in order}
        results = []
        for n in names:
            r = futures[n].result()
            print(f"  done {n}: {r['inputs']} inputs, {r['crashes']} crashes, {len(r['hangs'])} hangs", flush=True)
            results.append(r)
    print_table(results)
    print(f"wall time {time.time() - t0:.0f}s")
    if a.json:
        Path(a.json).write_text(json.dumps({"results": results, "args": vars(a)}, indent=1, default=str))
    failed = any(r["crashes"] or r["hangs"] or r["deaths"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
