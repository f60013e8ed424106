"""Fit the sentence-pair model on the MRPC training part and store its weights.

    python -m storytrace.align.train --data ../shared/datasets

Only the training part is used; the test part stays unseen for `storytrace eval paraphrase`.
Each pair is used in both orders, because the aligner asks the directed question
"does D restate S" and MRPC's label is symmetric.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from storytrace.align.pairs import FEATURES, MODEL_FILE, PairModel, pair_features, token_support
from storytrace.index.embed import get_embedder
from storytrace.index.features import sentence_features


def pair_matrix(pairs: list[tuple[str, str]]) -> np.ndarray:
    """Feature rows for (derived, source) sentence pairs."""
    embedder = get_embedder()
    texts = sorted({t for pair in pairs for t in pair})
    pooled, token_vectors = embedder.encode_with_tokens(texts)
    vectors = dict(zip(texts, pooled))
    tokens = dict(zip(texts, token_vectors))
    feats = {t: sentence_features(t) for t in texts}
    rows = []
    for d, s in pairs:
        cosine = float(vectors[d] @ vectors[s])
        rows.append(pair_features(cosine, feats[d], feats[s], token_support(tokens[d], tokens[s])))
    return np.asarray(rows)


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.preprocessing import StandardScaler

    from storytrace.eval.datasets import load_mrpc

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/datasets", type=Path)
    parser.add_argument("--out", default=MODEL_FILE, type=Path)
    args = parser.parse_args()

    records = [r for r in load_mrpc(args.data) if _part(r) == "train"]
    pairs = [(_get(r, "s2"), _get(r, "s1")) for r in records] + [(_get(r, "s1"), _get(r, "s2")) for r in records]
    labels = np.asarray([int(_get(r, "label")) for r in records] * 2)
    X = pair_matrix(pairs)
    scaler = StandardScaler().fit(X)
    Xs = scaler.transform(X)
    model = LogisticRegression(C=1.0, max_iter=2000)
    # grouped folds would be stricter; both orders of a pair share a fold by construction below
    n = len(records)
    folds = np.arange(2 * n) % n % 5
    scores = cross_val_score(model, Xs, labels, cv=[(np.where(folds != k)[0], np.where(folds == k)[0]) for k in range(5)])
    model.fit(Xs, labels)
    fitted = PairModel(
        model.coef_[0].tolist(),
        float(model.intercept_[0]),
        scaler.mean_.tolist(),
        scaler.scale_.tolist(),
        {
            "fitted_on": "MRPC training part (msr_paraphrase_train.tsv), both pair orders",
            "pairs": n,
            "cv_accuracy": round(float(scores.mean()), 4),
        },
    )
    args.out.write_text(json.dumps(fitted.to_json(), indent=1) + "\n")
    print(f"{n} pairs, 5-fold accuracy {scores.mean():.4f}; weights written to {args.out}")
    for name, c in zip(FEATURES, model.coef_[0]):
        print(f"  {name:20s} {c:+.3f}")


def _get(record, key):
    return record[key] if isinstance(record, dict) else getattr(record, key)


def _part(record) -> str:
    return str(_get(record, "part"))


if __name__ == "__main__":
    main()
