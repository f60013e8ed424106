"""spaCy's pipeline with thinc's matrix products on blis (thinc's default) and on numpy's BLAS
(storytrace's choice, ``claims/blas.py``): seconds over the same sentences, rounds alternated,
and whether every tag, dependency, head and entity came out the same.

    OPENBLAS_NUM_THREADS=1 python bench/spacy_gemm.py --sentences 3000 --rounds 3

Sentences come from the llmfake rewrites in ../shared/datasets (the demo corpus when absent).
One thread for OpenBLAS, as in storytrace's workers (engines/local.py).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from thinc.api import NumpyOps

from storytrace.claims.blas import NumpyGemmOps
from storytrace.claims.extract import get_nlp
from storytrace.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]


def sentences(limit: int) -> list[str]:
    texts: list[str] = []
    data = ROOT / ".." / "shared" / "datasets" / "llmfake"
    csv.field_size_limit(1 << 30)
    for path in sorted(data.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if rows:
            column = max(rows[0], key=lambda c: len(rows[0][c] or ""))  # the article text
            texts += [r[column] for r in rows[:100]]
    if not texts:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "src" / "storytrace" / "demo").rglob("*.txt"))]
    out = [t[s.start : s.end] for t in texts for s in split_sentences(t)]
    return out[:limit]


def annotations(docs) -> list[tuple]:
    return [
        (
            tuple(t.tag_ for t in d),
            tuple(t.dep_ for t in d),
            tuple(t.head.i for t in d),
            tuple((e.start, e.end, e.label_) for e in d.ents),
        )
        for d in docs
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sents = sentences(args.sentences)
    nlp = get_nlp()
    nodes = [n for _, c in nlp.pipeline if hasattr(c, "model") for n in c.model.walk()]
    ops = {"blis": NumpyOps(), "numpy": NumpyGemmOps()}
    seconds: dict[str, list[float]] = {k: [] for k in ops}
    outputs = {}
    list(nlp.pipe(sents[:200]))  # warm-up
    for _ in range(args.rounds):
        for name, op in ops.items():
            for n in nodes:
                n.ops = op
            t0 = time.perf_counter()
            docs = list(nlp.pipe(sents, batch_size=256))
            seconds[name].append(time.perf_counter() - t0)
            outputs[name] = annotations(docs)
    b, n = statistics.median(seconds["blis"]), statistics.median(seconds["numpy"])
    print(f"{len(sents)} sentences, {args.rounds} rounds, median seconds: blis {b:.2f}, numpy {n:.2f}, speed-up {b / n:.2f}x")
    print("identical annotations:", outputs["blis"] == outputs["numpy"])


if __name__ == "__main__":
    main()
