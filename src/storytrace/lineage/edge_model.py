"""Is a credited source an edge? One calibrated logistic model over the pair's evidence.

Replaces the hand rules that decided it (a coverage share, a count of sentences, one close
restatement, a short-report exemption), each chosen on one generator's habits. The features
are what the lineage pass already has for a derived report B and a source A it credited,
each read so that it does not depend on which of the two texts is the longer (one generator
condenses a long article into a few sentences, another restates a one-line claim inside a
long invented text; both are derivations):

* ``restated``: the share of the shorter side that the credit covers: the share of B's
  sentences credited to A, or the share of A's sentences they restate, whichever is larger;
* ``contained``: the same for words: the idf-weighted share of A's terms found in B, or of
  B's found in A, whichever is larger;
* ``log_count``: how many of B's sentences are credited to A (log);
* ``margin``: tf-idf cosine of B and A minus that of the most similar other candidate
  source that does not itself derive from A (a report closer to one of A's derivatives
  than to A still carries A's content: the sibling of a rewrite is no rival of its source);
* ``elsewhere``: the share of B's sentences that A supports but that were credited to
  another candidate (A is then more likely a sibling of B than its source).

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
VERSION = 2
FEATURES = ("restated", "contained", "log_count", "margin", "elsewhere")


@dataclass(frozen=True)
class EdgeEvidence:
    """What the lineage pass knows of one (derived, credited source) pair."""

    n: int  # sentences of the derived report
    m: int  # sentences of the source
    credited: int  # derived sentences credited to the source
    source_used: int  # distinct source sentences they restate
    direct: int  # derived sentences the source supports, credited or not
    source_in_derived: float  # idf-weighted share of the source's terms found in the derived report
    derived_in_source: float  # and of the derived report's terms found in the source
    margin: float  # tf-idf cosine minus the best other candidate's that does not derive from the source

    def vector(self) -> list[float]:
        c = self.credited
        n, m = max(self.n, 1), max(self.m, 1)
        return [
            max(c / n, min(self.source_used / m, 1.0)),
            max(self.source_in_derived, self.derived_in_source),
            math.log1p(c),
            self.margin,
            max(self.direct - c, 0) / n,
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
