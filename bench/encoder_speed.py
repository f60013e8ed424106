"""Sentences per second of the two sentence encoders, with the content-token vectors the
aligner needs, on sentences of a pile (`bench/scale_corpus.py` writes piles).

    python bench/encoder_speed.py --pile ../scale-piles/pile-5000.jsonl [--sentences 5000]

The transformer runs with its default threads (both cores); the static encoder in one thread.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from storytrace.index import embed
from storytrace.model import Article
from storytrace.segment import segment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pile", type=Path, default=Path(__file__).resolve().parents[2] / "scale-piles" / "pile-5000.jsonl")
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--minilm-sentences", type=int, default=1000, help="the transformer is slow: a smaller sample")
    args = parser.parse_args()
    sentences: list[str] = []
    with args.pile.open(encoding="utf-8") as fh:
        for line in fh:
            a = Article(id="x", text=json.loads(line)["text"])
            segment(a)
            sentences += [s.text for s in a.sentences]
            if len(sentences) >= args.sentences:
                break
    sentences = sentences[: args.sentences]
    out = {}
    for name, n in (("static", len(sentences)), ("minilm", min(args.minilm_sentences, len(sentences)))):
        embed.use_encoder(name)
        encoder = embed.get_embedder()  # the static table is distilled here on first use
        encoder.encode_with_tokens(sentences[:20])
        start = time.perf_counter()
        encoder.encode_with_tokens(sentences[:n])
        seconds = time.perf_counter() - start
        out[name] = {"sentences": n, "seconds": round(seconds, 2), "sentences_per_s": round(n / seconds, 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
