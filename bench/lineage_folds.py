"""Lineage per fold on llmfake piles of every generator, beside a best-parent tf-idf baseline.

    python bench/lineage_folds.py [--train-seeds 1 2 3] [--seeds 101 102 103] [--data ../shared/datasets]

Each pile is built by ``build_llmfake_pile`` from every generator folder (ChatGPT and the
three Llama 2 sizes) and both domains (coaid, gossipcop): sources, their paraphrase and
rewrite dated 1-6 days later, and unrelated sources. A fold is the reports of one generator
or of one domain: a true or predicted edge counts for the fold of its derived report.

For each held-out fold, the edge model is fitted (``storytrace.lineage.train``) on the
training-seed piles without that fold's derived reports, and the measured piles (other
seeds) are traced with it; only that fold's edges are scored. So every number in the "held
out" column comes from a model that saw neither the fold nor the piles. The "shipped" column
is the model in the package (fitted on every fold of the training seeds): a development
number for each fold, measured on other piles.

The baseline is what a plain script would do: tf-idf (sublinear, English stop words) over the
pile, and each dated report derives from the earlier report it is most similar to when that
cosine reaches a threshold, chosen on the training folds of the measured piles only. The
number that counts is the worst fold.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storytrace.eval.metrics import edge_prf, pairwise_prf
from storytrace.lineage.train import BOOTSTRAP, TRAINING_SEEDS, Row, collect, load_piles, trace_pile, train

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


def fold_members(pile) -> dict[str, dict[str, set[str]]]:
    folds: dict[str, dict[str, set[str]]] = {"generator": {}, "domain": {}}
    for rid, info in pile.info.items():
        folds["generator"].setdefault(info["generator"], set()).add(rid)
        folds["domain"].setdefault(info["subset"], set()).add(rid)
    return folds


def edges_of(result) -> set[tuple[str, str]]:
    return {(e.source, e.derived) for s in result.stories for e in s.edges}


GROUP_THRESHOLDS = np.round(np.arange(0.05, 0.601, 0.01), 2)


def average_linkage(reports: list[dict]):
    """The baseline grouping's tree: tf-idf cosine (sublinear, English stop words), average linkage."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([r["text"] for r in reports])
    distance = 1.0 - (matrix @ matrix.T).toarray()
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(np.clip(distance, 0.0, None), checks=False), method="average")


def cut(tree, ids: list[str], threshold: float) -> dict[str, int]:
    """Merge while the average cosine is at least ``threshold``."""
    from scipy.cluster.hierarchy import fcluster

    return dict(zip(ids, fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance").tolist(), strict=True))


def grouping_prf(pile: dict, members: set[str], labels: dict[str, object]) -> dict:
    ids = sorted(i for i in pile["groups"] if i in members)
    return pairwise_prf([pile["groups"][i] for i in ids], [f"{labels[i]}" for i in ids])


def pooled_grouping(piles: list[dict], kind: str, fold: str, labels_of) -> dict:
    """Pairwise grouping P/R/F1 over the fold's reports, counts summed over the piles."""
    tp = predicted = true = 0
    for pile in piles:
        m = grouping_prf(pile, pile["folds"][kind].get(fold, set()), labels_of(pile))
        tp, predicted, true = tp + m["tp_pairs"], predicted + m["pred_pairs"], true + m["true_pairs"]
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def grouping_threshold(training: list) -> float:
    """The baseline grouping threshold with the best pooled pairwise F1 on the training piles."""
    trees = [(t.pile, average_linkage(t.pile.reports)) for t in training]

    def f1(threshold: float) -> float:
        tp = predicted = true = 0
        for pile, tree in trees:
            ids = [r["id"] for r in pile.reports]
            labels = cut(tree, ids, threshold)
            m = pairwise_prf([pile.groups[i] for i in ids], [labels[i] for i in ids])
            tp, predicted, true = tp + m["tp_pairs"], predicted + m["pred_pairs"], true + m["true_pairs"]
        return 2 * tp / (predicted + true) if tp else 0.0

    return max((float(t) for t in GROUP_THRESHOLDS), key=lambda t: (f1(t), -t))


def fold_rows(training: list, measured: list) -> tuple[list[dict], list[dict]]:
    """Per held-out fold: the fold's model (fitted without it) and the shipped one, beside the
    baseline, on the measured piles. Returns the rows and the measured piles' edges."""
    piles = []
    group_at = grouping_threshold(training)
    for traced in measured:
        result = trace_pile(traced)
        ids = [r["id"] for r in traced.pile.reports]
        piles.append(
            {
                "seed": traced.seed,
                "true": set(traced.pile.edges),
                "ours": edges_of(result),
                "parents": best_parents(traced.pile.reports),
                "folds": fold_members(traced.pile),
                "groups": dict(traced.pile.groups),
                "labels": {a: s.id for s in result.stories for a in s.articles},
                "baseline_labels": cut(average_linkage(traced.pile.reports), ids, group_at),
            }
        )
    bootstrap = collect(training, BOOTSTRAP)
    rows = []
    for kind, attr in (("generator", "generator"), ("domain", "domain")):
        names = sorted(set().union(*(p["folds"][kind] for p in piles)))
        for held_out in names:

            def keep(row: Row, held_out: str = held_out, attr: str = attr) -> bool:
                return getattr(row, attr) != held_out

            model = train(training, keep, first=[r for r in bootstrap if keep(r)])
            for pile, traced in zip(piles, measured, strict=True):
                pile["held_out"] = edges_of(trace_pile(traced, model))
            threshold = choose_threshold(piles, kind, [n for n in names if n != held_out])
            rows.append(
                {
                    "kind": kind,
                    "fold": held_out,
                    "held_out": pooled_prf(piles, kind, held_out, lambda p: p["held_out"]),
                    "shipped": pooled_prf(piles, kind, held_out, ours),
                    "baseline": pooled_prf(piles, kind, held_out, baseline(threshold)),
                    "baseline_threshold": threshold,
                    "grouping": pooled_grouping(piles, kind, held_out, lambda p: p["labels"]),
                    "grouping_baseline": pooled_grouping(piles, kind, held_out, lambda p: p["baseline_labels"]),
                    "grouping_baseline_threshold": group_at,
                }
            )
    return rows, piles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--train-seeds", type=int, nargs="+", default=list(TRAINING_SEEDS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103])
    parser.add_argument("--sources", type=int, default=60)
    parser.add_argument("--unrelated", type=int, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if set(args.seeds) & set(args.train_seeds):
        parser.error("the measured seeds must not be training seeds")

    training = load_piles(args.data, args.train_seeds, args.sources, args.unrelated)
    measured = load_piles(args.data, args.seeds, args.sources, args.unrelated)
    rows, piles = fold_rows(training, measured)
    total = edge_prf(set().union(*(p["true"] for p in piles)), set().union(*(p["ours"] for p in piles)))

    print(
        f"training piles: seeds {args.train_seeds}; measured piles: seeds {args.seeds}; {args.sources} sources + {args.unrelated} unrelated each"
    )
    print("| fold | true edges | held-out model P / R / F1 | shipped model P / R / F1 | baseline P / R / F1 (threshold) |")
    print("|---|---|---|---|---|")

    def prf(c: dict) -> str:
        return f"{c['precision']:.3f} / {c['recall']:.3f} / {c['f1']:.3f}"

    for row in rows:
        h = row["held_out"]
        print(
            f"| {row['kind']} {row['fold']} | {h['tp'] + h['fn']} | {prf(h)} | {prf(row['shipped'])} "
            f"| {prf(row['baseline'])} ({row['baseline_threshold']:.2f}) |"
        )
    for kind in ("generator", "domain"):
        of_kind = [r for r in rows if r["kind"] == kind]
        for column in ("held_out", "shipped", "baseline"):
            worst = min(of_kind, key=lambda r, c=column: r[c]["f1"])
            print(f"worst {kind} fold, {column}: F1 {worst[column]['f1']:.3f} ({worst['fold']})")
    print("\nGrouping per fold (the fold's reports; the trace with the shipped model) beside the tf-idf average-linkage")
    print(f"baseline at the threshold chosen on the training piles ({rows[0]['grouping_baseline_threshold']:.2f}):\n")
    print("| fold | trace P / R / F1 | baseline P / R / F1 |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row['kind']} {row['fold']} | {prf(row['grouping'])} | {prf(row['grouping_baseline'])} |")
    print(f"pooled, shipped model: P {total['precision']:.3f} R {total['recall']:.3f} F1 {total['f1']:.3f}")
    if args.json:
        args.json.write_text(
            json.dumps({"seeds": args.seeds, "train_seeds": args.train_seeds, "folds": rows, "pooled_shipped": total}, indent=1)
            + "\n"
        )


if __name__ == "__main__":
    main()
