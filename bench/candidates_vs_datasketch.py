"""Candidate stage against datasketch MinHash-LSH at matched recall (issue 7).

    python bench/candidates_vs_datasketch.py --pile ../scale-piles/pile-5000.jsonl [--json out.json]

``bench/scale_run.py`` compares like for like (same word 3-shingles, 128 permutations,
threshold 0.3): that baseline finds copies only, so its recall of true (source, derived)
pairs is tiny on rewrites. This script asks the other question: how much work does
datasketch need to *reach* the recall of our candidate stage? It runs datasketch on sets
that paraphrases keep (content words, no stop words) at falling thresholds and reports, per
configuration, seconds, candidate pairs and recall of the gold pairs, beside our stage
(``pipeline.make_plan``: tf-idf rows, rensa MinHash LSH, rare-term neighbours, pair filter).

Low thresholds make LSH return most of the pile: run it on the 5k pile (the 0.05 setting
holds millions of pairs in memory).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_run import _recall, datasketch_baseline, datasketch_pairs, machine, read_pile  # noqa: E402 - after sys.path

_WORD = re.compile(r"\w+")
CONFIGS = [  # (shingle size, drop stop words, LSH threshold)
    (1, True, 0.2),
    (1, True, 0.1),
    (1, True, 0.05),
]


def _sets(texts: list[str], size: int, drop_stop: bool) -> list[list[bytes]]:
    from spacy.lang.en.stop_words import STOP_WORDS

    out = []
    for text in texts:
        words = [w for w in _WORD.findall(text.lower()) if not (drop_stop and w in STOP_WORDS)]
        grams = {" ".join(words[i : i + size]) for i in range(max(len(words) - size + 1, 1))}
        out.append([g.encode("utf-8") for g in sorted(grams)] or [b""])
    return out


def datasketch_config(articles, gold, size: int, drop_stop: bool, threshold: float, plan) -> dict:
    """One datasketch configuration, then the filter our stage applies to its own candidates
    (tf-idf cosine or containment), so that both sides end with the pairs lineage would align.
    The filter's seconds include computing the tf-idf rows it reads."""
    t0 = time.perf_counter()
    pairs = datasketch_pairs(_sets([a.text for a in articles], size, drop_stop), threshold)
    seconds = time.perf_counter() - t0
    kept, filter_s = _filtered(articles, pairs, plan)
    return {
        "shingle": size,
        "no_stop_words": drop_stop,
        "threshold": threshold,
        "seconds": seconds,
        "pairs": len(pairs),
        "recall": _recall(articles, pairs, gold),
        "filtered_pairs": len(kept),
        "filtered_recall": _recall(articles, kept, gold),
        "seconds_with_filter": seconds + filter_s,
    }


def _filtered(articles, pairs, plan) -> tuple[set[tuple[int, int]], float]:

    from storytrace.index.candidates import LINEAGE_MIN_CONTAIN, LINEAGE_MIN_COSINE, pair_scores
    from storytrace.index.similarity import Similarity
    from storytrace.pipeline import idf_of

    t0 = time.perf_counter()
    similarity = Similarity([a.text for a in articles])
    ordered = sorted(pairs)
    cos, _, b_in_a = pair_scores(similarity.tfidf, idf_of(similarity), ordered)
    dated = [a.published is not None for a in articles]
    kept = {
        p
        for k, p in enumerate(ordered)
        if dated[p[0]] and dated[p[1]] and (cos[k] >= LINEAGE_MIN_COSINE or b_in_a[k] >= LINEAGE_MIN_CONTAIN)
    }
    return kept, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pile", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from storytrace.model import Article
    from storytrace.pipeline import make_plan

    truth = json.loads(args.pile.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
    gold = {tuple(e) for e in truth["edges"]}
    articles = sorted(read_pile(args.pile), key=Article.sort_key)
    t0 = time.perf_counter()
    plan = make_plan(articles)
    ours_s = time.perf_counter() - t0
    lineage_pairs = {(a, b) for a, bs in plan.lineage.items() for b in bs if a < b}
    ours = {
        "seconds": ours_s,
        "tfidf_s": plan.stats["tfidf_s"],
        "pairs": len(lineage_pairs),
        "recall": _recall(articles, lineage_pairs, gold),
    }
    rows = [dict(datasketch_baseline(articles, gold), shingle=3, no_stop_words=False, threshold=0.3)]
    for size, drop, threshold in CONFIGS:
        rows.append(datasketch_config(articles, gold, size, drop, threshold, plan))
        print(json.dumps(rows[-1]), flush=True)
    result = {
        "machine": machine(),
        "pile": str(args.pile),
        "reports": len(articles),
        "gold_pairs": len(gold),
        "ours": ours,
        "datasketch": rows,
    }
    print(
        "| candidate stage | LSH pairs, recall | seconds | pairs to align after the filter, recall | seconds with the filter | ours faster by |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| storytrace (tf-idf + rensa LSH + rare terms + filter) | | | {ours['pairs']:,}, {ours['recall']:.3f} | {ours_s:.2f} | |"
    )
    for r in rows:
        label = f"datasketch, word {r['shingle']}-grams{' without stop words' if r['no_stop_words'] else ''}, threshold {r['threshold']}"
        if "filtered_pairs" in r:
            print(
                f"| {label} | {r['pairs']:,}, {r['recall']:.3f} | {r['seconds']:.2f} | {r['filtered_pairs']:,}, {r['filtered_recall']:.3f} | {r['seconds_with_filter']:.2f} | {r['seconds_with_filter'] / ours_s:.1f}x |"
            )
        else:
            print(
                f"| {label} | {r['pairs']:,}, {r['recall']:.3f} | {r['seconds']:.2f} | | | {r['seconds'] / ours_s:.1f}x (no filter) |"
            )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
