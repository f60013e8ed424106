"""What adding reports to a traced store costs, beside a full trace of the same store.

    python bench/incremental.py --pile ../scale-piles/pile-3600.jsonl [--new 100] [--no-equality]

The pile's reports are stored but for the ``--new`` latest (by publication date, as a stream
brings them), and traced (the full trace); then the new ones are added and the store is traced
again (the incremental trace: what the store kept — sentence vectors, alignments, audits —
is reused). Unless ``--no-equality``, a fresh store of the whole pile is traced too and its
output compared with the incremental one: they must be equal. Prints one Markdown row with
the seconds per stage of both traces.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storytrace import api  # noqa: E402 - after sys.path
from storytrace.model import Article, parse_published  # noqa: E402 - after sys.path

STAGES = ("plan_s", "align_s", "lineage_s", "group_s", "audit_s")


def read_pile(path: Path) -> list[Article]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Article(id=r["id"], text=r["text"], published=parse_published(r.get("published")), outlet=r.get("outlet")) for r in rows
    ]


def timed_trace(store: api.Store) -> tuple[dict, float, dict]:
    t0 = time.perf_counter()
    result = api.trace_store(store)
    seconds = time.perf_counter() - t0
    return result.to_dict(), seconds, result.stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pile", type=Path, required=True)
    ap.add_argument("--new", type=int, default=100, help="reports added to the traced store")
    ap.add_argument("--no-equality", action="store_true", help="skip the fresh trace of the whole pile")
    args = ap.parse_args()
    arts = read_pile(args.pile)
    arts.sort(key=Article.sort_key)
    old, new = arts[: -args.new], arts[-args.new :]
    with tempfile.TemporaryDirectory(prefix="storytrace-incremental-") as tmp:
        with api.Store(Path(tmp) / "grown.db") as store:
            api.ingest_articles(store, old)
            _, full_s, full_stats = timed_trace(store)
            t0 = time.perf_counter()
            api.ingest_articles(store, new)
            ingest_s = time.perf_counter() - t0
            grown, inc_s, inc_stats = timed_trace(store)
        equal = "not checked"
        if not args.no_equality:
            with api.Store(Path(tmp) / "fresh.db") as store:
                api.ingest_articles(store, arts)
                fresh, _, _ = timed_trace(store)
            equal = "equal" if json.dumps(fresh, sort_keys=True) == json.dumps(grown, sort_keys=True) else "DIFFERENT"

    def stages(stats: dict) -> str:
        return " / ".join(f"{stats.get(k, 0.0):.0f}" for k in STAGES)

    print(
        f"| store | added | full trace s | incremental s (+ ingest) | share | stages full ({' / '.join(STAGES)}) | stages incremental | audits reused | output |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(old):,} | {len(new)} | {full_s:.1f} | {inc_s:.1f} (+{ingest_s:.1f}) | {100 * (inc_s + ingest_s) / full_s:.1f} % | "
        f"{stages(full_stats)} | {stages(inc_stats)} | {inc_stats.get('audits_reused', 0)} | {equal} |"
    )


if __name__ == "__main__":
    main()
