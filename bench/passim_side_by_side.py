"""storytrace and passim on the same piles, one after the other: wall time, peak memory of all
processes, and how well each finds the piles' true derivations.

    python bench/passim_side_by_side.py --piles ../scale-piles --sizes 900 3600 10000 \
        --passim-python /path/to/venv-with-passim/bin/python [--rounds 2]

The piles are those of ``bench/scale_corpus.py`` (``pile-N.jsonl`` and ``pile-N.truth.json``).
storytrace runs as a user runs it: ``storytrace trace PILE --fresh --json OUT --quiet`` (the
default encoder, with the claim audit; ``--encoder static`` as a second row). passim (https://github.com/dasmiq/passim, fetched and
installed separately into its own venv; never vendored) runs its pairwise alignment on Spark
``local[2]``: ``seriatim.py --pairwise --all-pairs`` over the same reports, each report its own
series. Where ``--passim-python`` is not given or passim does not import there, its rows are
skipped with a note.

Quality: storytrace's edges against the true (source, derived) edges, precision and recall;
passim gives undirected aligned pairs, scored as pairs (a true edge found in either direction).
Memory: the peak of the resident memory of the tool's process and all its children (Spark's JVM
and Python workers for passim, the worker pool for storytrace), sampled every 0.25 s from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from scale_run import PeakRss  # noqa: E402 - after sys.path

STORYTRACE = shutil.which("storytrace") or str(Path(sys.executable).with_name("storytrace"))


def truth_edges(pile: Path) -> set[tuple[str, str]]:
    truth = json.loads(pile.with_name(pile.name.replace(".jsonl", ".truth.json")).read_text(encoding="utf-8"))
    return {(s, d) for s, d in truth["edges"]}


def score(found: set[tuple[str, str]], truth: set[tuple[str, str]], directed: bool) -> tuple[float, float]:
    if not directed:
        truth = {tuple(sorted(e)) for e in truth}
        found = {tuple(sorted(e)) for e in found}
    hits = len(found & truth)
    return (hits / len(found) if found else 0.0), (hits / len(truth) if truth else 0.0)


def run_storytrace(pile: Path, work: Path, encoder: str = "auto") -> dict:
    out = work / f"trace-{encoder}.json"
    cmd = [STORYTRACE, "trace", str(pile), "--fresh", "--json", str(out), "--quiet", "--encoder", encoder]
    t0 = time.perf_counter()
    with PeakRss() as mem:
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    seconds = time.perf_counter() - t0
    if not out.exists():
        return {"error": (res.stderr or res.stdout).strip().splitlines()[-1:]}
    doc = json.loads(out.read_text(encoding="utf-8"))
    edges = {(e["source"], e["derived"]) for s in doc["stories"] for e in s["edges"]}
    return {"seconds": seconds, "peak_gb": mem.peak_kb / 1e6, "found": edges}


PASSIM_SCRIPT = "import passim.seriatim, sys; print(passim.seriatim.__file__)"


def passim_script(python: str) -> str | None:
    res = subprocess.run([python, "-c", PASSIM_SCRIPT], capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else None


def run_passim(pile: Path, work: Path, python: str, script: str) -> dict:
    docs = work / "passim-in.json"
    with pile.open(encoding="utf-8") as src, docs.open("w", encoding="utf-8") as dst:
        for line in src:
            if line.strip():
                r = json.loads(line)
                dst.write(json.dumps({"id": r["id"], "series": r["id"], "text": r["text"]}) + "\n")
    out = work / "passim-out"
    submit = Path(python).with_name("spark-submit")
    cmd = [
        str(submit),
        "--master",
        "local[2]",
        "--driver-memory",
        "4g",
        script,
        "--pairwise",
        "--all-pairs",
        "--fields",
        "xxhash64(series) as gid",
        "--filterpairs",
        "gid < gid2",
        str(docs),
        str(out),
    ]
    env = dict(os.environ, PYSPARK_PYTHON=python, PYSPARK_DRIVER_PYTHON=python)
    align = out / "align.json"
    done = align / "_SUCCESS"
    t0 = time.perf_counter()
    with PeakRss() as mem:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=work, env=env)
        # the time is taken when the pairwise alignments are written: passim goes on to cluster
        # them with graphframes, whose JVM package Spark fetches from Maven (offline here: that
        # step fails after the alignments are complete, and is not what is compared)
        seconds = None
        while proc.poll() is None:
            if seconds is None and done.exists():
                seconds = time.perf_counter() - t0
            time.sleep(0.1)
        log = proc.stdout.read() if proc.stdout else ""
    if not done.exists():
        return {
            "error": [line for line in log.splitlines() if "Error" in line or "Exception" in line][:2] or log.splitlines()[-2:]
        }
    seconds = seconds if seconds is not None else time.perf_counter() - t0
    pairs = set()
    for part in sorted(align.glob("*.json")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.add((row["id"], row["id2"]))
    return {"seconds": seconds, "peak_gb": mem.peak_kb / 1e6, "found": pairs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--piles", type=Path, default=BENCH.parent.parent / "scale-piles")
    ap.add_argument("--sizes", type=int, nargs="+", default=[900, 3600, 10000])
    ap.add_argument("--passim-python", default=None, help="the Python of a venv where passim is installed")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each tool per pile (alternating)")
    args = ap.parse_args()
    script = passim_script(args.passim_python) if args.passim_python else None
    if args.passim_python and script is None:
        print(f"note: passim does not import in {args.passim_python}; its rows are skipped", file=sys.stderr)
    print(
        "| pile | round | storytrace s (default / static) | peak GB | edge P / R (default / static) | "
        "passim s | passim peak GB | pairs P / R | passim / storytrace (default, static) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        pile = args.piles / f"pile-{size}.jsonl"
        truth = truth_edges(pile)
        for k in range(args.rounds):
            with tempfile.TemporaryDirectory(prefix="storytrace-vs-passim-") as tmp:
                st = run_storytrace(pile, Path(tmp))
                static = run_storytrace(pile, Path(tmp), "static")
                ps = run_passim(pile, Path(tmp), args.passim_python, script) if script else {"error": ["skipped"]}
            print(f"| {size:,} | {k + 1} | {_row(st, static, ps, truth)} |", flush=True)


def _row(st: dict, static: dict, ps: dict, truth: set) -> str:
    def err(r: dict) -> str:
        return "error: " + " ".join(r["error"])[:80]

    ours = [r for r in (st, static) if "error" not in r]
    if len(ours) < 2:
        return " | ".join([err(st if "error" in st else static), "", "", "", "", "", ""])
    cells = [
        f"{st['seconds']:.1f} / {static['seconds']:.1f}",
        f"{st['peak_gb']:.2f} / {static['peak_gb']:.2f}",
        " / ".join("{:.3f} / {:.3f}".format(*score(r["found"], truth, True)) for r in ours),
    ]
    if "error" in ps:
        return " | ".join([*cells, err(ps), "", "", ""])
    p, rec = score(ps["found"], truth, False)
    ratios = f"{ps['seconds'] / st['seconds']:.2f}, {ps['seconds'] / static['seconds']:.2f}"
    return " | ".join([*cells, f"{ps['seconds']:.1f}", f"{ps['peak_gb']:.2f}", f"{p:.3f} / {rec:.3f}", ratios])


if __name__ == "__main__":
    main()
