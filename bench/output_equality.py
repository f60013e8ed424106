"""Same input, same output, before and after a change: the trace JSON of the seeds, the demo
corpus and three llmfake development piles, compared byte for byte with another commit's.

    python bench/output_equality.py --ref 7769a30            # this tree against commit 7769a30
    python bench/output_equality.py --write out/ [--src DIR]  # only write the outputs

``--ref`` checks the commit out into a temporary git worktree and runs the same commands with
that worktree's ``src`` first on ``PYTHONPATH`` (so the old code runs in this venv); both sides
trace the same input files, which are made once, here. Exit status 1 when any output differs.
The piles need ``../shared/datasets`` (skipped, and said, when it is absent).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PILE_SEEDS = (1, 2, 3)
PILE_SOURCES = 12  # each pile: 12 sources, their two rewrites, 12 unrelated reports (48 reports)
GENERATOR = "chatgpt_3.5_generation"  # one folder: the pile does not change when other generators are added


def make_inputs(folder: Path, data: Path) -> dict[str, list[Path]]:
    """The inputs each case traces: file lists, made once and shared by both sides."""
    cases: dict[str, list[Path]] = {}
    seeds = SHARED / "seeds"
    if seeds.is_dir():
        cases["seeds"] = sorted(p for p in seeds.iterdir() if p.suffix == ".txt")
    cases["demo"] = [ROOT / "src" / "storytrace" / "demo" / "corpus.jsonl"]
    if (data / "llmfake").is_dir():
        sys.path.insert(0, str(ROOT / "src"))
        from storytrace.eval.datasets import build_llmfake_pile

        for seed in PILE_SEEDS:
            pile = build_llmfake_pile(data, n_sources=PILE_SOURCES, n_unrelated=PILE_SOURCES, seed=seed, generator=GENERATOR)
            path = folder / f"pile-{seed}.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                for r in pile.reports:
                    row = {k: r[k] for k in ("id", "text", "published", "outlet") if r.get(k) is not None}
                    fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            cases[f"pile-{seed}"] = [path]
    else:
        print(f"no llmfake data at {data}: the piles are skipped", file=sys.stderr)
    return cases


def write_outputs(cases: dict[str, list[Path]], out: Path, src: Path) -> None:
    """Trace each case into a fresh store with the code under ``src``; one JSON per case."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
    for name, paths in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "store.db"
            cmd = [
                sys.executable,
                "-c",
                "from storytrace.cli import app; app()",
                "trace",
                *map(str, paths),
                "--db",
                str(db),
                "--json",
                str(out / f"{name}.json"),
                "--quiet",
                "--encoder",
                "minilm",
            ]
            done = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True)
            if done.returncode not in (0, 1) or not (out / f"{name}.json").exists():
                raise SystemExit(f"{name}: the trace failed ({done.returncode}):\n{done.stderr[-2000:]}")
        print(f"  {name}: written by {src}", file=sys.stderr)


def compare(a: Path, b: Path, names: list[str]) -> bool:
    same = True
    for name in names:
        left, right = (a / f"{name}.json").read_bytes(), (b / f"{name}.json").read_bytes()
        if left == right:
            print(f"{name}: identical ({len(left):,} bytes)")
            continue
        same = False
        print(f"{name}: DIFFERENT")
        diff = difflib.unified_diff(left.decode().splitlines(), right.decode().splitlines(), "before", "after", lineterm="", n=1)
        for k, line in enumerate(diff):
            if k >= 40:
                print("  ...")
                break
            print("  " + line)
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", help="commit to compare this tree against")
    parser.add_argument("--write", type=Path, help="only write this tree's outputs into this folder")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="code to run with --write")
    parser.add_argument("--data", type=Path, default=SHARED / "datasets")
    args = parser.parse_args()
    if not args.ref and not args.write:
        parser.error("give --ref REV or --write DIR")
    with tempfile.TemporaryDirectory(prefix="storytrace-equality-") as tmp:
        work = Path(tmp)
        cases = make_inputs(work, args.data)
        if args.write:
            write_outputs(cases, args.write, args.src)
            return
        tree = work / "ref"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.ref], check=True, capture_output=True
        )
        try:
            write_outputs(cases, work / "before", tree / "src")
            write_outputs(cases, work / "after", ROOT / "src")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
            shutil.rmtree(tree, ignore_errors=True)
        same = compare(work / "before", work / "after", list(cases))
    print("all identical" if same else "outputs differ")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
