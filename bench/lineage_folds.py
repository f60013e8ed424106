"""Lineage per fold on llmfake piles of every generator, beside a best-parent tf-idf baseline.

    python bench/lineage_folds.py --seeds 1 2 3 [--data ../shared/datasets] [--json folds.json]

Each pile is built by ``build_llmfake_pile`` from every generator folder (ChatGPT and the
three Llama 2 sizes) and both domains (coaid, gossipcop): sources, their paraphrase and
rewrite dated 1-6 days later, and unrelated sources. The whole pile is traced once; the
edges are then scored per fold, a fold being the reports of one generator or of one domain:
a true edge counts for the fold of its derived report, a predicted edge for the fold of its
derived report.

The baseline is what a plain script would do: tf-idf (sublinear, English stop words) over the
pile, and each dated report derives from the earlier report it is most similar to when that
cosine reaches a threshold. The threshold is chosen on the training folds only (every other
generator, or the other domain) and scored on the held-out fold, so the baseline never sees
the fold it is measured on. storytrace's own thresholds were chosen on earlier ChatGPT piles
(docs/experiments.md), so its ChatGPT fold is a development number and the Llama 2 folds are
not. The number that counts is the worst fold.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storytrace.eval.datasets import build_llmfake_pile
from storytrace.eval.metrics import edge_prf
from storytrace.model import Article, parse_published
from storytrace.pipeline import trace

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
# The baseline's threshold for a single pile (bench/lineage_eval.py): the choice of this script on
# seeds 1-3 (every leave-one-out fold chose 0.25 or 0.26); never chosen on seeds 101-103.
BASELINE_THRESHOLD = 0.26


def best_parents(reports: list[dict]) -> dict[str, tuple[str, float]]:
    """Each dated report's most similar strictly earlier report, with the cosine."""
    texts = [r["text"] for r in reports]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    similarity = (matrix @ matrix.T).toarray()
    days = [r["published"] for r in reports]
    best: dict[str, tuple[str, float]] = {}
    for i, report in enumerate(reports):
        earlier = [j for j in range(len(reports)) if days[j] < days[i]]
        if not earlier:
            continue
        j = max(earlier, key=lambda k: (similarity[i, k], reports[k]["id"]))
        best[report["id"]] = (reports[j]["id"], float(similarity[i, j]))
    return best


def baseline_edges(parents: dict[str, tuple[str, float]], threshold: float) -> set[tuple[str, str]]:
    return {(source, derived) for derived, (source, score) in parents.items() if score >= threshold}


def restrict(edges: Iterable[tuple[str, str]], members: set[str]) -> set[tuple[str, str]]:
    return {e for e in edges if e[1] in members}


def pooled_prf(piles: list[dict], kind: str, fold: str, predict: Callable[[dict], set[tuple[str, str]]]) -> dict:
    """Edge precision/recall of one fold, counts summed over the piles."""
    tp = fp = fn = 0
    for pile in piles:
        members = pile["folds"][kind].get(fold, set())
        predicted = restrict(predict(pile), members)
        true = restrict(pile["true"], members)
        tp += len(predicted & true)
        fp += len(predicted - true)
        fn += len(true - predicted)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def ours(pile: dict) -> set[tuple[str, str]]:
    return pile["ours"]


def baseline(threshold: float) -> Callable[[dict], set[tuple[str, str]]]:
    return lambda pile: baseline_edges(pile["parents"], threshold)


def choose_threshold(piles: list[dict], kind: str, folds: list[str]) -> float:
    """The baseline threshold with the best F1 over the given (training) folds, pooled."""

    def f1(t: float) -> float:
        counts = [pooled_prf(piles, kind, fold, baseline(t)) for fold in folds]
        tp, fp, fn = (sum(c[k] for c in counts) for k in ("tp", "fp", "fn"))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    return max((float(t) for t in THRESHOLDS), key=lambda t: (f1(t), -t))


def load_pile(data: Path, seed: int, sources: int, unrelated: int) -> dict:
    pile = build_llmfake_pile(data, n_sources=sources, n_unrelated=unrelated, seed=seed)
    articles = [
        Article(id=r["id"], text=r["text"], published=parse_published(r["published"]), outlet=r.get("outlet"))
        for r in pile.reports
    ]
    result = trace(articles, audit=False)
    folds: dict[str, dict[str, set[str]]] = {"generator": {}, "domain": {}}
    for rid, info in pile.info.items():
        folds["generator"].setdefault(info["generator"], set()).add(rid)
        folds["domain"].setdefault(info["subset"], set()).add(rid)
    return {
        "seed": seed,
        "true": set(pile.edges),
        "ours": {(e.source, e.derived) for s in result.stories for e in s.edges},
        "parents": best_parents(pile.reports),
        "folds": folds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sources", type=int, default=60)
    parser.add_argument("--unrelated", type=int, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    piles = [load_pile(args.data, seed, args.sources, args.unrelated) for seed in args.seeds]
    rows = []
    for kind in ("generator", "domain"):
        names = sorted(set().union(*(p["folds"][kind] for p in piles)))
        for held_out in names:
            training = [n for n in names if n != held_out]
            threshold = choose_threshold(piles, kind, training)
            rows.append(
                {
                    "kind": kind,
                    "fold": held_out,
                    "ours": pooled_prf(piles, kind, held_out, ours),
                    "baseline": pooled_prf(piles, kind, held_out, baseline(threshold)),
                    "baseline_threshold": threshold,
                }
            )
    total = edge_prf(set().union(*(p["true"] for p in piles)), set().union(*(p["ours"] for p in piles)))

    print(f"piles: seeds {args.seeds}, {args.sources} sources + {args.unrelated} unrelated each")
    print("| fold | true edges | ours P / R / F1 | baseline P / R / F1 (threshold chosen on the other folds) |")
    print("|---|---|---|---|")
    for row in rows:
        o, b = row["ours"], row["baseline"]
        print(
            f"| {row['kind']} {row['fold']} | {o['tp'] + o['fn']} | {o['precision']:.3f} / {o['recall']:.3f} / {o['f1']:.3f} "
            f"| {b['precision']:.3f} / {b['recall']:.3f} / {b['f1']:.3f} ({row['baseline_threshold']:.2f}) |"
        )
    for kind in ("generator", "domain"):
        of_kind = [r for r in rows if r["kind"] == kind]
        worst_ours = min(of_kind, key=lambda r: r["ours"]["f1"])
        worst_base = min(of_kind, key=lambda r: r["baseline"]["f1"])
        print(
            f"worst {kind} fold: ours F1 {worst_ours['ours']['f1']:.3f} ({worst_ours['fold']}), "
            f"baseline F1 {worst_base['baseline']['f1']:.3f} ({worst_base['fold']})"
        )
    print(f"pooled, ours: P {total['precision']:.3f} R {total['recall']:.3f} F1 {total['f1']:.3f}")
    if args.json:
        args.json.write_text(json.dumps({"seeds": args.seeds, "folds": rows, "pooled_ours": total}, indent=1) + "\n")


if __name__ == "__main__":
    main()
