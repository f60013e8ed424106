"""Is a credited source an edge? One calibrated logistic model over the pair's evidence.

Replaces the hand rules that decided it (a coverage share, a count of sentences, one close
restatement, a short-report exemption), each chosen on one generator's habits. The features
are what the lineage pass already has for a derived report B and a source A it credited:

* the credit: share of B's sentences credited to A, how many, their best and mean score,
  how many are close restatements, how many are verbatim;
* the use of the source: share of A's sentences that B restates (a short source restated in
  full inside a long invented text is a derivation though it is a small share of B);
* the direct support: share of B's sentences A supports at all, credited or not;
* the sizes (log sentence counts of B and of A);
* the whole text: tf-idf cosine of B and A, A's rank by that cosine among B's candidate
  sources, and its margin over the best other candidate.

The model is fitted by ``python -m storytrace.lineage.train`` on llmfake piles of every
generator and domain (``../shared/datasets``) and stored as ``edge_model.json`` beside this
file; its probability is the edge's ``confidence``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("edge_model.json")
VERSION = 1
FEATURES = (
    "share",
    "log_count",
    "best",
    "mean",
    "log_close",
    "close_share",
    "verbatim_share",
    "source_used",
    "direct",
    "log_n",
    "log_m",
    "cosine",
    "log_rank",
    "margin",
)


@dataclass(frozen=True)
class EdgeEvidence:
    """What the lineage pass knows of one (derived, credited source) pair."""

    n: int  # sentences of the derived report
    m: int  # sentences of the source
    scores: tuple[float, ...]  # score of each derived sentence credited to the source
    close: int  # of those, restated closely
    verbatim: int  # of those, verbatim
    source_used: int  # distinct source sentences they restate
    direct: int  # derived sentences the source supports, credited or not
    cosine: float  # tf-idf cosine of the two texts
    rank: int  # how many other candidate sources have a higher cosine
    margin: float  # cosine minus the best other candidate's

    def vector(self) -> list[float]:
        c = len(self.scores)
        n, m = max(self.n, 1), max(self.m, 1)
        return [
            c / n,
            math.log1p(c),
            max(self.scores, default=0.0),
            sum(self.scores) / c if c else 0.0,
            math.log1p(self.close),
            self.close / n,
            self.verbatim / c if c else 0.0,
            min(self.source_used / m, 1.0),
            self.direct / n,
            math.log(n),
            math.log(m),
            self.cosine,
            math.log1p(self.rank),
            self.margin,
        ]


@dataclass(frozen=True)
class EdgeModel:
    """Standardised logistic regression: p = sigmoid(w . (x - mean) / scale + b)."""

    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]
    threshold: float = 0.5
    meta: dict = field(default_factory=dict)

    def probability(self, evidence: EdgeEvidence) -> float:
        z = self.intercept
        for w, x, mu, s in zip(self.coef, evidence.vector(), self.mean, self.scale, strict=True):
            z += w * (x - mu) / s
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def to_json(self) -> dict:
        return {
            "version": VERSION,
            "features": list(FEATURES),
            "coef": self.coef,
            "intercept": self.intercept,
            "mean": self.mean,
            "scale": self.scale,
            "threshold": self.threshold,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict, source: str = "edge model") -> EdgeModel:
        if data.get("version") != VERSION or tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{source}: not an edge model of version {VERSION} with features {FEATURES}")
        return cls(
            coef=[float(x) for x in data["coef"]],
            intercept=float(data["intercept"]),
            mean=[float(x) for x in data["mean"]],
            scale=[float(x) for x in data["scale"]],
            threshold=float(data.get("threshold", 0.5)),
            meta=dict(data.get("meta", {})),
        )


def read_edge_model(path: str | Path) -> EdgeModel:
    with open(path, encoding="utf-8") as f:
        return EdgeModel.from_json(json.load(f), str(path))


@lru_cache(maxsize=1)
def shipped_edge_model() -> EdgeModel:
    return read_edge_model(MODEL_FILE)


_override: ContextVar[EdgeModel | None] = ContextVar("edge_model", default=None)
_recorder: ContextVar[list | None] = ContextVar("edge_recorder", default=None)


def current_edge_model() -> EdgeModel:
    """The model the lineage pass uses: the shipped one unless ``using_edge_model`` says otherwise."""
    return _override.get() or shipped_edge_model()


@contextmanager
def using_edge_model(model: EdgeModel) -> Iterator[None]:
    """Trace with another model (the per-fold evaluation fits one per held-out fold)."""
    token = _override.set(model)
    try:
        yield
    finally:
        _override.reset(token)


@contextmanager
def recording_evidence() -> Iterator[list]:
    """Collect (derived, source, evidence) of every first decision the lineage pass makes
    for a derived report: the training rows of ``storytrace.lineage.train``."""
    rows: list = []
    token = _recorder.set(rows)
    try:
        yield rows
    finally:
        _recorder.reset(token)


def record(derived: str, source: str, evidence: EdgeEvidence) -> None:
    rows = _recorder.get()
    if rows is not None:
        rows.append((derived, source, evidence))
