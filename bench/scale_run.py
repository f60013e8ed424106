"""Scale benchmark: trace the piles of bench/scale_corpus.py and measure what it costs.

    python bench/scale_run.py --piles ../scale-piles --sizes 5000 10000 20000 40000 [--no-audit] [--json out.json]

Each size runs in a fresh process (so that memory is that size's own), reading its pile as a
stream of JSON lines. Per size: end-to-end seconds and reports/s for grouping + lineage and
for the full trace with the claim audit, seconds per stage, derived pairs (edges) audited a
second, peak RSS of the process and its workers (sampled from /proc), edge precision/recall
against the pile's truth, and the held-out budget ``N/200 + derived/20`` seconds. Across
sizes: the growth exponent of total time, log(t2/t1)/log(n2/n1).

Side by side on the same pile: the candidate stage (tf-idf rows, MinHash LSH, rare-term
neighbours, pair scores) against a datasketch MinHash-LSH baseline (128 permutations, word
3-shingles, threshold 0.3, ``MinHash.bulk``): seconds, throughput ratio and recall of the
true (source, derived) pairs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

# ------------------------------------------------------------------------------ memory


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (kB)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            with open(f"/proc/{entry}/status") as fh:
                kb = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = kb
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class PeakRss:
    def __init__(self, every: float = 0.25):
        self.peak_kb = 0
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))


# ------------------------------------------------------------------------------ one size


def read_pile(path: Path):
    from storytrace.model import Article, parse_published

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                yield Article(
                    id=r["id"],
                    text=r["text"],
                    published=parse_published(r.get("published")),
                    outlet=r.get("outlet"),
                    title=r.get("title"),
                )


def _shingles(text: str) -> list[bytes]:
    from storytrace.index.candidates import shingles

    return [s.encode("utf-8") for s in shingles(text)] or [b""]


def datasketch_pairs(sets: list[list[bytes]], threshold: float, params: tuple[int, int] | None = None) -> set[tuple[int, int]]:
    """Unordered pairs (i < j) that datasketch's MinHash-LSH returns for these shingle sets."""
    from datasketch import MinHash, MinHashLSH

    from storytrace.index.candidates import NUM_PERM

    hashes = MinHash.bulk(sets, num_perm=NUM_PERM, seed=1)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=params)
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            session.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def datasketch_baseline(articles, gold: set[tuple[str, str]]) -> dict:
    """MinHash-LSH with datasketch: same shingles, permutations and bands as ours."""
    from storytrace.index.candidates import LSH_BANDS, NUM_PERM

    t0 = time.perf_counter()
    pairs = datasketch_pairs([_shingles(a.text) for a in articles], 0.3, (LSH_BANDS, NUM_PERM // LSH_BANDS))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "pairs": len(pairs), "recall": _recall(articles, pairs, gold)}


def _recall(articles, pairs: set[tuple[int, int]], gold: set[tuple[str, str]]) -> float:
    pos = {a.id: k for k, a in enumerate(articles)}
    found = sum(1 for s, d in gold if (min(pos[s], pos[d]), max(pos[s], pos[d])) in pairs)
    return found / max(len(gold), 1)


def run_one(pile: Path, audit: bool, workers: int | None, baseline: bool) -> dict:
    from storytrace.eval.metrics import pairwise_prf
    from storytrace.model import Article
    from storytrace.pipeline import trace

    truth = json.loads(pile.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
    gold = {tuple(e) for e in truth["edges"]}
    out: dict = {"pile": str(pile)}
    with PeakRss() as rss:
        t0 = time.perf_counter()
        articles = list(read_pile(pile))
        out["read_s"] = time.perf_counter() - t0
        stages: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            stages[stage] = stages.get(stage, 0.0) + now - last[0]
            last[0] = now
            if done == total or done % 10 == 0:
                print(f"  {stage} {done}/{total} at {now - t0:.0f} s", file=sys.stderr, flush=True)

        cpu0 = os.times()
        t0 = time.perf_counter()
        result = trace(articles, progress=progress, audit=audit, workers=workers)
        total = time.perf_counter() - t0
        cpu1 = os.times()
    n = len(result.articles)
    stats = dict(result.stats)
    audit_s = stats.get("audit_s", 0.0)
    edges = {(e.source, e.derived) for s in result.stories for e in s.edges}
    derived = len({d for _, d in edges})
    tp = len(edges & gold)
    order = sorted(truth["reports"])
    label = {a: s.id for s in result.stories for a in s.articles}
    grouping = pairwise_prf([truth["reports"][i]["story"] for i in order], [label[i] for i in order])
    # wikiref topics and the timeline events are labelled by topic, not by story: left out here
    story_level = [i for i in order if truth["reports"][i]["dataset"] not in ("wikiref", "tls")]
    grouping_stories = pairwise_prf([truth["reports"][i]["story"] for i in story_level], [label[i] for i in story_level])
    by_dataset: dict[str, list[int]] = {}
    for s_, d_ in gold:
        by_dataset.setdefault(truth["reports"][d_]["dataset"], [0, 0])
        by_dataset[truth["reports"][d_]["dataset"]][0] += 1
        by_dataset[truth["reports"][d_]["dataset"]][1] += (s_, d_) in edges
    out.update(
        {
            "reports": n,
            "encoder": stats.get("encoder"),
            "synthetic": sum(1 for t in truth["reports"].values() if t.get("synthetic")),
            "total_s": total,
            "group_lineage_s": total - audit_s,
            "reports_per_s_group_lineage": n / max(total - audit_s, 1e-9),
            "reports_per_s_total": n / max(total, 1e-9),
            "audit_s": audit_s,
            "edges": len(edges),
            "derived_with_edge": derived,
            "derived_pairs_per_s_audit": len(edges) / audit_s if audit_s else None,
            "budget_s": n / 200 + derived / 20,
            "gold_derived": len({d for _, d in gold}),
            "budget_gold_s": n / 200 + len({d for _, d in gold}) / 20,
            "edge_precision": tp / max(len(edges), 1),
            "edge_recall": tp / max(len(gold), 1),
            "grouping_pairwise_f1": grouping["f1"],
            "grouping_pairwise_f1_story_level": grouping_stories["f1"],
            "edge_recall_by_dataset": {k: v[1] / v[0] for k, v in sorted(by_dataset.items())},
            "peak_rss_mb": rss.peak_kb / 1024,
            "cpu_user_s": (cpu1.user - cpu0.user) + (cpu1.children_user - cpu0.children_user),
            "cpu_system_s": (cpu1.system - cpu0.system) + (cpu1.children_system - cpu0.children_system),
            "stats": stats,
            "progress_stages_s": stages,
        }
    )
    # candidate recall of true pairs, ours: the pairs lineage aligns and all candidate pairs
    if baseline:
        from storytrace.pipeline import make_plan

        fresh = sorted((Article(id=a.id, text=a.text, published=a.published) for a in result.articles), key=Article.sort_key)
        t0 = time.perf_counter()
        plan = make_plan(fresh)
        ours_s = time.perf_counter() - t0
        lineage_pairs = {(a, b) for a, bs in plan.lineage.items() for b in bs if a < b}
        base = datasketch_baseline(fresh, gold)
        ours_no_tfidf = ours_s - plan.stats["tfidf_s"]
        from storytrace.index.candidates import lsh_pairs

        t0 = time.perf_counter()
        lsh = lsh_pairs([a.text for a in fresh])  # like for like: our MinHash-LSH alone
        lsh_s = time.perf_counter() - t0
        out["candidates"] = {
            "ours_s": ours_s,
            "ours_tfidf_s": plan.stats["tfidf_s"],
            "ours_recall_lineage_pairs": _recall(fresh, lineage_pairs, gold),
            "ours_lineage_pairs": len(lineage_pairs),
            "datasketch_s": base["seconds"],
            "datasketch_recall": base["recall"],
            "datasketch_pairs": base["pairs"],
            "speedup": base["seconds"] / max(ours_s, 1e-9),
            "speedup_tfidf_shared": base["seconds"] / max(ours_no_tfidf, 1e-9),
            "rensa_lsh_s": lsh_s,
            "rensa_lsh_recall": _recall(fresh, lsh, gold),
            "rensa_lsh_speedup": base["seconds"] / max(lsh_s, 1e-9),
        }
    return out


# ------------------------------------------------------------------------------ driver


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        mem = (
            f"{int(next(line.split()[1] for line in open('/proc/meminfo') if line.startswith('MemTotal'))) / 1024 / 1024:.1f} GiB"
        )
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "load_avg_at_start": os.getloadavg(),
    }


def markdown(results: dict) -> str:
    """The BENCHMARKS.md tables for a results file."""
    rows = results["sizes"]
    out = [
        "| reports | synthetic | compared (embedded) | sentences embedded | aligned pairs | edges | edge P / R | grouping + lineage | reports/s | audit | derived pairs/s (audit) | total | budget N/200 + derived/20 | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        st = r["stats"]
        out.append(
            f"| {r['reports']:,} | {r.get('synthetic', 0):,} | {st['compared_reports']:,} | {st['embedded_sentences']:,} | {st['aligned_pairs']:,} | {r['edges']:,} "
            f"| {r['edge_precision']:.3f} / {r['edge_recall']:.3f} | {r['group_lineage_s']:.0f} s | {r['reports_per_s_group_lineage']:.1f} "
            f"| {r['audit_s']:.0f} s | {r['derived_pairs_per_s_audit'] or 0:.1f} | {r['total_s']:.0f} s | {r['budget_s']:.0f} s | {r['peak_rss_mb'] / 1024:.2f} GB |"
        )
    out += [
        "",
        "| reports | candidates + MinHash (s) | embed + align blocks (s) | lineage pass (s) | grouping (s) | audit (s) | CPU user (s) | load avg after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        st = r["stats"]
        cand = st["tfidf_s"] + st["minhash_lsh_s"] + st["candidates_s"]
        out.append(
            f"| {r['reports']:,} | {cand:.1f} | {st['align_s']:.0f} | {st['lineage_s']:.0f} | {st['group_s']:.1f} | {st.get('audit_s', 0):.0f} | {r['cpu_user_s']:.0f} | {r.get('load_avg_after', ['?'])[0]:.1f} |"
        )
    if any("candidates" in r for r in rows):
        out += [
            "",
            "| reports | our candidate stage (s) | of which tf-idf (s) | recall of true pairs | datasketch MinHash-LSH (s) | its recall | ratio | ratio, tf-idf counted as grouping's | rensa MinHash-LSH alone (s), recall, ratio |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            c = r.get("candidates")
            if not c:
                continue
            out.append(
                f"| {r['reports']:,} | {c['ours_s']:.2f} | {c['ours_tfidf_s']:.2f} | {c['ours_recall_lineage_pairs']:.3f} | {c['datasketch_s']:.2f} | {c['datasketch_recall']:.3f} "
                f"| {c['speedup']:.1f}x | {c['speedup_tfidf_shared']:.1f}x | {c.get('rensa_lsh_s', float('nan')):.2f}, {c.get('rensa_lsh_recall', float('nan')):.3f}, {c.get('rensa_lsh_speedup', float('nan')):.1f}x |"
            )
    if len(rows) > 1:
        out += [
            "",
            "| from | to | exponent, total wall time | grouping + lineage wall time | total CPU time (all processes) |",
            "|---|---|---|---|---|",
        ]
        spans = list(zip(rows, rows[1:], strict=False)) + ([(rows[0], rows[-1])] if len(rows) > 2 else [])

        def exp(key, a, b):
            return math.log(key(b) / key(a)) / math.log(b["reports"] / a["reports"])

        def cpu(r):
            return r["cpu_user_s"] + r["cpu_system_s"]

        for a, b in spans:
            out.append(
                f"| {a['reports']:,} | {b['reports']:,} | {exp(lambda r: r['total_s'], a, b):.2f} | {exp(lambda r: r['group_lineage_s'], a, b):.2f} | {exp(cpu, a, b):.2f} |"
            )
    return "\n".join(out)


def main() -> None:
    from storytrace.index.embed import CHOICES, DEFAULT_ENCODER, use_encoder

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--piles", type=Path, default=Path(__file__).resolve().parents[2] / "scale-piles")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000, 40000])
    parser.add_argument("--no-audit", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--workers", type=int)
    parser.add_argument(
        "--encoder", choices=CHOICES, default=DEFAULT_ENCODER, help="sentence encoder (inherited by each size's process)"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: run one pile in this process
    parser.add_argument("--report", type=Path, help="print the Markdown tables of a results file and exit")
    args = parser.parse_args()
    if args.report:
        print(markdown(json.loads(args.report.read_text(encoding="utf-8"))))
        return
    if args.one:
        print("RESULT " + json.dumps(run_one(args.one, not args.no_audit, args.workers, not args.no_baseline), default=float))
        return
    use_encoder(args.encoder)  # each size's process inherits it
    results = {
        "machine": machine(),
        "encoder": args.encoder,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "sizes": [],
    }
    for size in args.sizes:
        pile = args.piles / f"pile-{size}.jsonl"
        cmd = (
            [sys.executable, __file__, "--one", str(pile)]
            + (["--no-audit"] if args.no_audit else [])
            + (["--no-baseline"] if args.no_baseline else [])
        )
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)  # progress goes to stderr
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise SystemExit(f"size {size} failed")
        r = json.loads(line[len("RESULT ") :])
        r["load_avg_after"] = os.getloadavg()
        results["sizes"].append(r)
        print(
            json.dumps(
                {
                    k: (round(v, 3) if isinstance(v, float) else v)
                    for k, v in r.items()
                    if k not in ("stats", "progress_stages_s")
                },
                default=str,
            ),
            flush=True,
        )
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")
    sizes = results["sizes"]
    growth = []
    for a, b in zip(sizes, sizes[1:], strict=False):
        for key in ("total_s", "group_lineage_s"):
            growth.append(
                {
                    "from": a["reports"],
                    "to": b["reports"],
                    "time": key,
                    "exponent": math.log(b[key] / a[key]) / math.log(b["reports"] / a["reports"]),
                }
            )
    if len(sizes) > 2:
        for key in ("total_s", "group_lineage_s"):
            growth.append(
                {
                    "from": sizes[0]["reports"],
                    "to": sizes[-1]["reports"],
                    "time": key,
                    "exponent": math.log(sizes[-1][key] / sizes[0][key]) / math.log(sizes[-1]["reports"] / sizes[0]["reports"]),
                }
            )
    results["growth"] = growth
    for g in growth:
        print(json.dumps(g))
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
