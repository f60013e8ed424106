"""Lineage and grouping on an llmfake development pile: edge precision/recall, grouping, time, memory.

    python bench/lineage_eval.py --sources 60 --unrelated 60 --seed 1 [--data ../shared/datasets]

A pile = sources, their paraphrase and rewrite by one language model (dated 1-6 days after the source, on
different days: the sibling trap), and unrelated sources from the same subsets
(see storytrace.eval.datasets.build_llmfake_pile for the filters). Every generator folder is
used (ChatGPT and three Llama 2 sizes). Beside the trace, in the same run: the best-parent
tf-idf baseline of bench/lineage_folds.py at its fixed threshold.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from lineage_folds import BASELINE_THRESHOLD, baseline_edges, best_parents
from storytrace.eval.datasets import build_llmfake_pile
from storytrace.eval.metrics import adjusted_rand_index, bcubed, edge_prf, pairwise_prf
from storytrace.index.embed import CHOICES, DEFAULT_ENCODER, use_encoder
from storytrace.model import Article, parse_published
from storytrace.pipeline import trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--sources", type=int, default=60)
    parser.add_argument("--unrelated", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--encoder", choices=CHOICES, default=DEFAULT_ENCODER)
    args = parser.parse_args()
    use_encoder(args.encoder)

    pile = build_llmfake_pile(args.data, n_sources=args.sources, n_unrelated=args.unrelated, seed=args.seed)
    articles = [
        Article(id=r["id"], text=r["text"], published=parse_published(r["published"]), outlet=r.get("outlet"))
        for r in pile.reports
    ]
    start = time.perf_counter()
    result = trace(articles, audit=False)
    seconds = time.perf_counter() - start
    predicted = {(e.source, e.derived) for s in result.stories for e in s.edges}
    label = {a: s.id for s in result.stories for a in s.articles}
    ids = sorted(pile.groups)
    gold, pred = [pile.groups[i] for i in ids], [label[i] for i in ids]
    unrelated = {i for i, info in pile.info.items() if info.get("role") == "unrelated"}
    metrics = {
        "reports": len(articles),
        "edges": edge_prf(pile.edges, predicted),
        "baseline_edges": edge_prf(pile.edges, baseline_edges(best_parents(pile.reports), BASELINE_THRESHOLD)),
        "baseline_threshold": BASELINE_THRESHOLD,
        "unrelated_linked": sum(1 for s, d in predicted if s in unrelated or d in unrelated),
        "grouping": {**pairwise_prf(gold, pred), "bcubed_f1": bcubed(gold, pred)["f1"], "ari": adjusted_rand_index(gold, pred)},
        "seconds": round(seconds, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    print(json.dumps(metrics, indent=1, default=float))
    if args.json:
        args.json.write_text(json.dumps(metrics, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
