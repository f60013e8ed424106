"""Where the false and missed edges of a trace of a scale pile come from, by dataset.

    python bench/edge_errors.py --pile ../scale-piles/pile-5000.jsonl [--encoder static]

Prints precision and recall of the source -> derived edges against the pile's truth file,
the false edges counted by (source's dataset, derived's dataset, same story?) and the missed
ones by (source's dataset, derived's dataset). No claim audit.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from scale_run import read_pile
from storytrace.index.embed import CHOICES, DEFAULT_ENCODER, use_encoder
from storytrace.pipeline import trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pile", type=Path, required=True)
    parser.add_argument("--encoder", choices=CHOICES, default=DEFAULT_ENCODER)
    args = parser.parse_args()
    use_encoder(args.encoder)
    truth = json.loads(args.pile.with_suffix("").with_suffix(".truth.json").read_text(encoding="utf-8"))
    gold = {tuple(e) for e in truth["edges"]}
    reports = truth["reports"]
    result = trace(list(read_pile(args.pile)), audit=False)
    edges = {(e.source, e.derived) for s in result.stories for e in s.edges}

    def kind(i: str) -> str:
        return reports[i]["dataset"] + ("/synthetic" if reports[i].get("synthetic") else "")

    false = Counter((kind(s), kind(d), reports[s]["story"] == reports[d]["story"]) for s, d in edges - gold)
    missed = Counter((kind(s), kind(d)) for s, d in gold - edges)
    print(
        f"edges {len(edges)}, precision {len(edges & gold) / max(len(edges), 1):.3f}, recall {len(edges & gold) / max(len(gold), 1):.3f}"
    )
    print(f"false edges ({sum(false.values())}), by (source dataset, derived dataset, same story):")
    for key, n in false.most_common():
        print(f"  {key}: {n}")
    print(f"missed edges ({sum(missed.values())}), by (source dataset, derived dataset):")
    for key, n in missed.most_common():
        print(f"  {key}: {n}")


if __name__ == "__main__":
    main()
