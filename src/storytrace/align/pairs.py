"""Does sentence D restate sentence S? A small logistic model over cheap, explainable features.

The features are the embedding cosine (meaning), content-word overlap (wording), and the
agreement of numbers, names and negation (facts). Embeddings alone score "killed about
1,400" and "wounded about 5,400" as near-identical; the fact features pull such pairs
apart. Weights are fitted on the MRPC training part (``python -m storytrace.align.train``)
and stored in ``pair_model.json`` with the data they came from.
"""

from __future__ import annotations

import difflib
import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from storytrace.index.features import SentenceFeatures

FEATURES = (
    "cosine",
    "contain_d_in_s",
    "contain_s_in_d",
    "jaccard",
    "sequence",
    "length_ratio",
    "numbers_d_only",
    "numbers_s_only",
    "numbers_shared",
    "names_d_only",
    "names_s_only",
    "names_shared",
    "negation_mismatch",
    "tokens_d_in_s",
    "tokens_s_in_d",
    "tokens_d_unmet",
)

MODEL_FILE = Path(__file__).with_name("pair_model.json")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def token_support(d_tokens: np.ndarray, s_tokens: np.ndarray) -> tuple[float, float, float]:
    """Soft word matching between two sentences' contextual token vectors.

    Returns the mean best match of D's tokens in S, of S's tokens in D, and the share of D's
    tokens with no good match in S (new content).
    """
    if len(d_tokens) == 0 or len(s_tokens) == 0:
        return 0.0, 0.0, 1.0
    sims = d_tokens @ s_tokens.T
    best_d = sims.max(axis=1)
    best_s = sims.max(axis=0)
    return float(best_d.mean()), float(best_s.mean()), float((best_d < UNMET).mean())


UNMET = 0.5  # a content token whose best match is below this is taken as not met


def pair_features(
    cosine: float,
    d: SentenceFeatures,
    s: SentenceFeatures,
    tokens: tuple[float, float, float] = (0.0, 0.0, 1.0),
    weights: dict | None = None,
) -> list[float]:
    """Feature vector for "D restates S". ``tokens`` is ``token_support(D, S)``;
    ``weights`` (word -> idf) sharpens the overlaps."""
    shared = d.content & s.content
    if weights:
        w = lambda words: sum(weights.get(x, 1.0) for x in words)  # noqa: E731
        contain_d = _ratio_f(w(shared), w(d.content))
        contain_s = _ratio_f(w(shared), w(s.content))
        jaccard = _ratio_f(w(shared), w(d.content | s.content))
    else:
        contain_d = _ratio(len(shared), len(d.content))
        contain_s = _ratio(len(shared), len(s.content))
        jaccard = _ratio(len(shared), len(d.content | s.content))
    seq = difflib.SequenceMatcher(None, d.words, s.words, autojunk=False).ratio() if d.words and s.words else 0.0
    lengths = (len(d.words), len(s.words))
    return [
        float(cosine),
        contain_d,
        contain_s,
        jaccard,
        seq,
        _ratio(min(lengths), max(lengths)),
        min(len(d.numbers - s.numbers), 3) / 3,
        min(len(s.numbers - d.numbers), 3) / 3,
        min(len(d.numbers & s.numbers), 3) / 3,
        min(len(d.names - s.names), 3) / 3,
        min(len(s.names - d.names), 3) / 3,
        min(len(d.names & s.names), 3) / 3,
        float(d.negated != s.negated),
        *tokens,
    ]


def _ratio_f(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


class PairModel:
    def __init__(self, coef: list[float], intercept: float, mean: list[float], scale: list[float], meta: dict):
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.meta = meta

    def probability(self, rows: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "meta": self.meta,
        }


@lru_cache(maxsize=1)
def load_pair_model() -> PairModel:
    data = json.loads(MODEL_FILE.read_text())
    if data["features"] != list(FEATURES):
        raise RuntimeError(f"{MODEL_FILE} was fitted on other features; re-run python -m storytrace.align.train")
    return PairModel(data["coef"], data["intercept"], data["mean"], data["scale"], data.get("meta", {}))


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
