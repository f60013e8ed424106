"""Fitting the sentence-pair model: deterministic folds, both halves fitted on synthetic rows
(no data set needed), out-of-fold scores from models that never saw the row."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.align.pairs import THRESHOLD
from storytrace.align.train import FOLDS, fit_pair_model, fold_of, out_of_fold


@pytest.fixture(scope="module")
def rows():
    """Two noisy clusters in two informative columns, plus a constant column."""
    rng = np.random.default_rng(7)
    y = np.arange(120) % 2
    informative = rng.normal(size=(120, 2)) + np.where(y[:, None] == 1, 1.5, -1.5)
    X = np.column_stack([informative, np.full(120, 0.25)])
    return X, y


def test_fold_of_is_the_row_number_modulo_the_folds():
    assert fold_of(7, 3).tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert sorted(set(fold_of(12).tolist())) == list(range(FOLDS))


def test_fit_separates_the_classes_and_keeps_the_settings(rows):
    X, y = rows
    meta = {"data": "synthetic"}
    model = fit_pair_model(X, y, meta)
    p = model.probability(X)
    assert p.shape == (len(y),) and ((p >= 0) & (p <= 1)).all()
    assert p[y == 1].mean() > 0.8 and p[y == 0].mean() < 0.2
    assert model.threshold == THRESHOLD
    assert model.meta == meta and model.meta is not meta
    assert model.trees is not None


def test_a_constant_column_is_not_divided_by_zero(rows):
    X, y = rows
    model = fit_pair_model(X, y)
    assert model.scale[2] == 1.0
    assert np.isfinite(model.probability(X)).all()


def test_out_of_fold_scores_each_row_without_its_fold(rows):
    X, y = rows
    prob = out_of_fold(X, y, folds=3)
    assert prob.shape == (len(y),)
    held_out = fold_of(len(y), 3) == 1
    unseen = fit_pair_model(X[~held_out], y[~held_out]).probability(X[held_out])
    assert np.allclose(prob[held_out], unseen)
    # the clusters are far apart: a model that never saw a row still ranks it right
    assert (prob[y == 1] > 0.5).mean() > 0.9 and (prob[y == 0] < 0.5).mean() > 0.9
