"""Fit the edge model on llmfake piles of every generator and domain, store it as JSON.

    python -m storytrace.lineage.train --data ../shared/datasets [--seeds 1 2 3] [--out FILE]

Each seed builds one pile (``build_llmfake_pile``: sources, a paraphrase and a rewrite of
each by one of the generators, unrelated sources; ChatGPT and three Llama 2 sizes, coaid and
gossipcop). The pile is traced and every (derived report, credited source) pair the lineage
pass decides on is a training row, labelled by the pile's true edges. The rows depend on the
decisions already taken (a parent's own parents are candidates too), so the rows are
collected twice: first under a bootstrap model (an edge restates at least 0.35 of the
shorter text, after the old coverage rule), then under the model fitted on those rows; the
stored model is fitted on the second collection. Seeds 101-103 are never used here: they are
the piles ``bench/lineage_folds.py`` measures on.

The model is a logistic regression over standardised features (C=1), threshold 0.5.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storytrace.lineage.edge_model import FEATURES, MODEL_FILE, EdgeEvidence, EdgeModel, recording_evidence, using_edge_model

LOGISTIC_C = 1.0
TRAINING_SEEDS = (1, 2, 3)
SOURCES = 60
UNRELATED = 60
BOOTSTRAP = EdgeModel(
    coef=[10.0] + [0.0] * (len(FEATURES) - 1), intercept=-3.5, mean=[0.0] * len(FEATURES), scale=[1.0] * len(FEATURES)
)


@dataclass(frozen=True)
class Row:
    seed: int
    derived: str
    source: str
    evidence: EdgeEvidence
    label: bool
    generator: str  # of the derived report
    domain: str


@dataclass
class TracedPile:
    """A pile, its articles and the alignments already computed (reused by every later trace)."""

    seed: int
    pile: object
    articles: list
    pairs: dict


def load_piles(data: Path, seeds: list[int], sources: int = SOURCES, unrelated: int = UNRELATED) -> list[TracedPile]:
    from storytrace.eval.datasets import build_llmfake_pile
    from storytrace.model import Article, parse_published

    out = []
    for seed in seeds:
        pile = build_llmfake_pile(data, n_sources=sources, n_unrelated=unrelated, seed=seed)
        articles = [
            Article(id=r["id"], text=r["text"], published=parse_published(r["published"]), outlet=r.get("outlet"))
            for r in pile.reports
        ]
        out.append(TracedPile(seed, pile, articles, {}))
    return out


def trace_pile(traced: TracedPile, model: EdgeModel | None = None):
    """Trace the pile (under ``model`` when given), keeping its alignments for the next trace."""
    from storytrace.model import Article
    from storytrace.pipeline import trace

    fresh = [Article(id=a.id, text=a.text, published=a.published, outlet=a.outlet) for a in traced.articles]
    if model is None:
        result = trace(fresh, stored_pairs=traced.pairs, audit=False)
    else:
        with using_edge_model(model):
            result = trace(fresh, stored_pairs=traced.pairs, audit=False)
    assert result.cache is not None
    traced.pairs = dict(result.cache.pairs)
    return result


def collect(piles: list[TracedPile], model: EdgeModel) -> list[Row]:
    rows: list[Row] = []
    for traced in piles:
        pile = traced.pile
        true = set(pile.edges)  # type: ignore[attr-defined]
        info = pile.info  # type: ignore[attr-defined]
        with recording_evidence() as seen:
            trace_pile(traced, model)
        for derived, source, evidence in seen:
            rows.append(
                Row(
                    traced.seed,
                    derived,
                    source,
                    evidence,
                    (source, derived) in true,
                    info[derived]["generator"],
                    info[derived]["subset"],
                )
            )
    return rows


def fit_edge_model(rows: list[Row], meta: dict | None = None) -> EdgeModel:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    X = np.array([r.evidence.vector() for r in rows], dtype=np.float64)
    y = np.array([r.label for r in rows], dtype=int)
    if len(set(y.tolist())) < 2:
        raise ValueError("edge model: the training rows hold only one class")
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    with threadpool_limits(1):
        fit = LogisticRegression(C=LOGISTIC_C, max_iter=5000).fit((X - mean) / scale, y)
    return EdgeModel(fit.coef_[0].tolist(), float(fit.intercept_[0]), mean.tolist(), scale.tolist(), 0.5, dict(meta or {}))


def train(piles: list[TracedPile], keep=lambda row: True, meta: dict | None = None, first: list[Row] | None = None) -> EdgeModel:
    """Bootstrap collection, a first fit, a second collection under it, the final fit.
    ``keep`` selects the training rows (a fold held out); ``first``: the bootstrap
    collection, already filtered, when the caller made it."""
    if first is None:
        first = [r for r in collect(piles, BOOTSTRAP) if keep(r)]
    second = [r for r in collect(piles, fit_edge_model(first)) if keep(r)]
    counts = {"rows": len(second), "true": sum(r.label for r in second)}
    return fit_edge_model(second, {**(meta or {}), **counts})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(TRAINING_SEEDS))
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    piles = load_piles(args.data, args.seeds)
    model = train(
        piles,
        meta={
            "trained_on": f"llmfake piles, seeds {args.seeds}, {SOURCES} sources + {UNRELATED} unrelated, every generator and domain",
            "command": "python -m storytrace.lineage.train --data ../shared/datasets",
        },
    )
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    weights = ", ".join(f"{f} {w:+.2f}" for f, w in zip(FEATURES, model.coef, strict=True))
    print(f"{args.out}: {model.meta['rows']} rows ({model.meta['true']} true); weights {weights}")


if __name__ == "__main__":
    main()
