"""Do two sentences say the same thing? A small model over cheap, explainable features.

The features are the embedding cosine (meaning), soft word matching of the contextual
token vectors (BERTScore-like, with the share of words left unmatched), word and character
n-gram overlaps (wording), lengths, and the agreement of numbers, names, dates and
negation (facts). Embeddings alone score "killed about 1,400" and "wounded about 5,400" as
near-identical; the fact features pull such pairs apart.

Every feature is symmetric in the two sentences (a min and a max of the two directions),
because the question — "is one a paraphrase of the other" — is (MRPC's label is).

The model is the mean of two probabilities: a logistic regression on standardised features
and a small gradient-boosted tree ensemble (scikit-learn's HistGradientBoostingClassifier,
exported as plain arrays). Both are fitted on the MRPC training part
(``python -m storytrace.align.train``) and stored in ``pair_model.json`` with the data they
came from and their cross-validated accuracy. Nothing here unpickles anything.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from storytrace.index.features import SentenceFeatures, sentence_features

UNMET_LEVELS = (0.4, 0.5, 0.6, 0.7, 0.8)

FEATURES = (
    "cosine",
    "tokens_mean_min",  # mean best match of one sentence's content tokens in the other (lower direction)
    "tokens_mean_max",
    "tokens_f",  # harmonic mean of the two directions
    *(f"unmet_{int(u * 100)}_{side}" for u in UNMET_LEVELS for side in ("max", "min")),
    "tokens_worst_min",  # the least-matched content token (lower direction)
    "tokens_worst_max",
    "unmet_count",  # content tokens (both sides) with best match < 0.5, capped at 6
    *(f"word{k}_{side}" for k in (1, 2, 3, 4) for side in ("min", "max")),  # word n-gram overlap
    *(f"char{k}_{side}" for k in (3, 5) for side in ("min", "max")),  # character n-grams, no spaces
    "sequence",  # difflib ratio of the word sequences
    "length_ratio",
    "length_diff",
    "length_min",
    "content_jaccard",
    "content_contain_min",
    "content_contain_max",
    "numbers_differ",  # numbers in one sentence only (capped at 4)
    "numbers_shared",
    "numbers_conflict",  # both have numbers and the sets differ
    "numbers_one_side",
    "names_differ",
    "names_shared",
    "names_jaccard",
    "negation_mismatch",
    "content_only_max",  # content words in one sentence only (capped at 10)
    "content_only_min",
    *(f"char{k}s_{side}" for k in (2, 4) for side in ("min", "max")),  # character n-grams with spaces
    "dates_differ",  # month or weekday names differ
    "dollar_mismatch",
    "percent_mismatch",
    "quote_mismatch",
    "digits_differ",  # digit strings in one sentence only (capped at 4)
    "digits_jaccard",
)

MODEL_FILE = Path(__file__).with_name("pair_model.json")
THRESHOLD = 0.5  # probability at or above which a pair is called a paraphrase (not tuned)

_TOKEN = re.compile(r"\w+|[^\w\s]")
_DATE_WORD = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I
)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _overlap(a: Counter, b: Counter) -> tuple[float, float]:
    """Clipped n-gram matches as a share of each side's n-grams (BLEU-style precision both ways)."""
    m = sum((a & b).values())
    return _ratio(m, sum(a.values())), _ratio(m, sum(b.values()))


def _grams(items: Sequence, k: int) -> Counter:
    return Counter(tuple(items[i : i + k]) for i in range(len(items) - k + 1))


def _min_max(pair: tuple[float, float]) -> list[float]:
    return [min(pair), max(pair)]


UNMET = 0.5  # a content token whose best match is below this is taken as not met


def pair_features(
    a: str,
    b: str,
    cosine: float,
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    fa: SentenceFeatures | None = None,
    fb: SentenceFeatures | None = None,
) -> list[float]:
    """The feature vector (in the order of ``FEATURES``) of the sentence pair ``a``, ``b``.

    ``cosine`` is the cosine of their sentence vectors, ``tokens_*`` their normalised
    content-token vectors (``Embedder.encode_with_tokens``); ``fa``/``fb`` their
    :func:`sentence_features` when already computed.
    """
    fa = fa or sentence_features(a)
    fb = fb or sentence_features(b)
    out: list[float] = [float(cosine)]

    if len(tokens_a) and len(tokens_b):
        sims = tokens_a @ tokens_b.T
        best_a, best_b = sims.max(axis=1), sims.max(axis=0)
        pa, pb = float(best_a.mean()), float(best_b.mean())
        out += [min(pa, pb), max(pa, pb), _ratio(2 * pa * pb, pa + pb)]
        for u in UNMET_LEVELS:
            ua, ub = float((best_a < u).mean()), float((best_b < u).mean())
            out += [max(ua, ub), min(ua, ub)]
        worst = (float(best_a.min()), float(best_b.min()))
        out += [min(worst), max(worst), float(min(int((best_a < 0.5).sum() + (best_b < 0.5).sum()), 6))]
    else:  # a sentence with no content token matches nothing
        out += [0.0, 0.0, 0.0] + [1.0, 1.0] * len(UNMET_LEVELS) + [0.0, 0.0, 6.0]

    wa = [w.lower() for w in _TOKEN.findall(a)]
    wb = [w.lower() for w in _TOKEN.findall(b)]
    for k in (1, 2, 3, 4):
        out += _min_max(_overlap(_grams(wa, k), _grams(wb, k)))
    ca, cb = "".join(a.lower().split()), "".join(b.lower().split())
    for k in (3, 5):
        out += _min_max(_overlap(_grams(ca, k), _grams(cb, k)))
    out.append(difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio() if wa and wb else 0.0)

    la, lb = len(fa.words), len(fb.words)
    out += [_ratio(min(la, lb), max(la, lb)), float(min(abs(la - lb), 20)), float(min(la, lb))]
    shared = fa.content & fb.content
    out += [
        _ratio(len(shared), len(fa.content | fb.content)),
        min(_ratio(len(shared), len(fa.content)), _ratio(len(shared), len(fb.content))),
        max(_ratio(len(shared), len(fa.content)), _ratio(len(shared), len(fb.content))),
    ]
    na, nb = fa.numbers, fb.numbers
    out += [
        float(min(len(na ^ nb), 4)),
        float(min(len(na & nb), 3)),
        float(bool(na) and bool(nb) and na != nb),
        float(bool(na ^ nb)),
    ]
    ma, mb = fa.names, fb.names
    out += [float(min(len(ma ^ mb), 4)), float(min(len(ma & mb), 4)), _ratio(len(ma & mb), len(ma | mb))]
    out.append(float(fa.negated != fb.negated))
    only = (min(len(fa.content - fb.content), 10), min(len(fb.content - fa.content), 10))
    out += [float(max(only)), float(min(only))]

    sa, sb = " ".join(a.lower().split()), " ".join(b.lower().split())
    for k in (2, 4):
        out += _min_max(_overlap(_grams(sa, k), _grams(sb, k)))
    da = {m.lower()[:3] for m in _DATE_WORD.findall(a)}
    db = {m.lower()[:3] for m in _DATE_WORD.findall(b)}
    out.append(float(da != db))
    for sym in ("$", "%", '"'):
        out.append(float((sym in a) != (sym in b)))
    ga, gb = set(re.findall(r"\d+", a)), set(re.findall(r"\d+", b))
    out += [float(min(len(ga ^ gb), 4)), _ratio(len(ga & gb), len(ga | gb)) if ga | gb else 1.0]
    return out


def feature_matrix(pairs: Sequence[tuple[str, str]], embedder=None) -> np.ndarray:
    """Feature rows for sentence pairs; each distinct sentence is embedded once."""
    if embedder is None:
        from storytrace.index.embed import get_embedder  # loads the model

        embedder = get_embedder()
    texts = sorted({t for pair in pairs for t in pair})
    if not texts:
        return np.zeros((0, len(FEATURES)))
    pooled, token_vectors = embedder.encode_with_tokens(texts)
    at = {t: k for k, t in enumerate(texts)}
    feats = {t: sentence_features(t) for t in texts}
    rows = [
        pair_features(a, b, float(pooled[at[a]] @ pooled[at[b]]), token_vectors[at[a]], token_vectors[at[b]], feats[a], feats[b])
        for a, b in pairs
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


# ----------------------------------------------------------------------------- the model


class Trees:
    """A gradient-boosted ensemble of binary regression trees, stored as plain arrays.

    Each tree is ``{"feature", "threshold", "left", "right", "value"}`` (node arrays; a
    leaf has feature -1); a row goes left when ``x[feature] <= threshold``. The raw score
    is ``baseline + sum of the leaf values`` (the learning rate is already in the values),
    a log-odds.
    """

    def __init__(self, baseline: float, trees: list[dict]):
        self.baseline = float(baseline)
        self.trees = [{k: np.asarray(v) for k, v in t.items()} for t in trees]

    def raw(self, rows: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        z = np.full(len(rows), self.baseline)
        for t in self.trees:
            node = np.zeros(len(rows), dtype=np.int64)
            for _ in range(len(t["feature"])):  # depth never exceeds the node count
                inner = t["feature"][node] >= 0
                if not inner.any():
                    break
                f = np.where(inner, t["feature"][node], 0)
                go_left = rows[np.arange(len(rows)), f] <= t["threshold"][node]
                node = np.where(inner, np.where(go_left, t["left"][node], t["right"][node]), node)
            z += t["value"][node]
        return z

    @classmethod
    def from_sklearn(cls, model) -> Trees:
        """Export a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
        trees = []
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            leaf = nodes["is_leaf"].astype(bool)
            trees.append(
                {
                    # node fields are unsigned: widen before marking leaves with -1
                    "feature": np.where(leaf, -1, nodes["feature_idx"].astype(np.int64)).tolist(),
                    "threshold": np.where(leaf, 0.0, nodes["num_threshold"]).astype(float).tolist(),
                    "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
                    "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
                    "value": np.where(leaf, nodes["value"], 0.0).astype(float).tolist(),
                }
            )
        return cls(float(np.ravel(model._baseline_prediction)[0]), trees)

    def to_json(self) -> dict:
        return {"baseline": self.baseline, "trees": [{k: v.tolist() for k, v in t.items()} for t in self.trees]}


class PairModel:
    """Mean of a logistic regression's and a tree ensemble's paraphrase probabilities."""

    def __init__(
        self,
        coef: list[float],
        intercept: float,
        mean: list[float],
        scale: list[float],
        meta: dict,
        trees: Trees | None = None,
        threshold: float = THRESHOLD,
    ):
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.meta = meta
        self.trees = trees
        self.threshold = float(threshold)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        p = 1.0 / (1.0 + np.exp(-z))
        if self.trees is not None:
            p = (p + 1.0 / (1.0 + np.exp(-self.trees.raw(rows)))) / 2.0
        return p

    def to_json(self) -> dict:
        out = {
            "features": list(FEATURES),
            "threshold": self.threshold,
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "meta": self.meta,
        }
        if self.trees is not None:
            out["trees"] = self.trees.to_json()
        return out

    def write(self, path: Path) -> None:
        """JSON with one tree per line: small, and diffs stay readable."""
        doc = self.to_json()
        trees = doc.pop("trees", None)
        text = json.dumps(doc, indent=1)
        if trees is not None:
            lines = ",\n  ".join(json.dumps(t, separators=(",", ":")) for t in trees["trees"])
            text = text[:-2] + f',\n "trees": {{\n  "baseline": {trees["baseline"]!r},\n  "trees": [\n  {lines}\n  ]\n }}\n}}'
        path.write_text(text + "\n", encoding="utf-8")


def read_pair_model(path: Path) -> PairModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data["features"] != list(FEATURES):
        raise RuntimeError(f"{path} was fitted on other features; re-run python -m storytrace.align.train")
    trees = Trees(data["trees"]["baseline"], data["trees"]["trees"]) if "trees" in data else None
    return PairModel(
        data["coef"],
        data["intercept"],
        data["mean"],
        data["scale"],
        data.get("meta", {}),
        trees,
        data.get("threshold", THRESHOLD),
    )


@lru_cache(maxsize=1)
def load_pair_model() -> PairModel:
    return read_pair_model(MODEL_FILE)
