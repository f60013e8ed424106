"""Evaluation metrics for ``storytrace eval``, implemented once.

Three families:

* binary decisions (paraphrase / derived / facts altered): :func:`accuracy`,
  :func:`balanced_accuracy`, :func:`precision_recall_f1`, :func:`roc_auc`, and
  :func:`choose_threshold` to pick a score threshold on development data;
* story grouping (a clustering of reports): :func:`pairwise_prf`, :func:`bcubed`,
  :func:`adjusted_rand_index`;
* lineage (a set of directed ``(source, derived)`` edges): :func:`edge_prf`.

Conventions, the same everywhere in this module:

* Binary labels are anything truthy/falsy (``1``/``0``, ``True``/``False``); scores are
  floats where larger means "more positive". A score is predicted positive when
  ``score >= threshold`` (:func:`apply_threshold`).
* A precision whose denominator is zero (nothing was predicted) is *vacuously* 1.0 and a
  recall whose denominator is zero (nothing was to be found) is 1.0; F1 is the harmonic
  mean and 0.0 when both precision and recall are 0. So predicting nothing when there is
  something to find scores P=1, R=0, F1=0, and predicting nothing when there is nothing to
  find scores 1/1/1.
* Clusterings are given either as two equally long sequences of labels (item ``i`` has
  gold label ``true[i]`` and predicted label ``pred[i]``) or as two mappings
  ``item id -> label``. With mappings the items are those of the gold mapping; an item the
  prediction does not mention is counted as a singleton cluster of its own, and predicted
  items absent from the gold mapping are ignored.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.metrics.cluster import contingency_matrix

# labels and scores come as lists or as numpy arrays
Labels = Sequence[Any] | np.ndarray
Scores = Sequence[float] | np.ndarray

__all__ = [
    "accuracy",
    "balanced_accuracy",
    "precision_recall_f1",
    "roc_auc",
    "apply_threshold",
    "choose_threshold",
    "pairwise_prf",
    "bcubed",
    "adjusted_rand_index",
    "edge_prf",
]


# ----------------------------------------------------------------------------- helpers


def _as_binary(values: Iterable[Any]) -> np.ndarray:
    return np.asarray([bool(v) for v in values], dtype=bool)


def _check_same_length(a: Labels, b: Labels, what: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{what}: {len(a)} gold values but {len(b)} predicted values")


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _ratio(num: float, den: float) -> float:
    """num/den with the module's vacuous convention (0/0 -> 1.0)."""
    return 1.0 if den == 0 else num / den


# ----------------------------------------------------------------------------- binary


def accuracy(y_true: Labels, y_pred: Labels) -> float:
    """Share of items whose predicted label equals the gold label."""
    _check_same_length(y_true, y_pred, "accuracy")
    if len(y_true) == 0:
        raise ValueError("accuracy of an empty set is undefined")
    return float(skm.accuracy_score(_as_binary(y_true), _as_binary(y_pred)))


def balanced_accuracy(y_true: Labels, y_pred: Labels) -> float:
    """Mean of the recall on positives and the recall on negatives.

    Insensitive to class balance: always answering the majority class scores 0.5. When the
    gold labels hold a single class it is the recall on that class.
    """
    _check_same_length(y_true, y_pred, "balanced_accuracy")
    if len(y_true) == 0:
        raise ValueError("balanced accuracy of an empty set is undefined")
    with warnings.catch_warnings():  # one gold class: sklearn warns, then averages what it has
        warnings.simplefilter("ignore")
        return float(skm.balanced_accuracy_score(_as_binary(y_true), _as_binary(y_pred)))


def precision_recall_f1(y_true: Labels, y_pred: Labels) -> dict:
    """Precision, recall and F1 of the positive class, with the confusion counts.

    Returns ``{"precision", "recall", "f1", "tp", "fp", "fn", "tn", "support"}`` where
    ``support`` is the number of gold positives. Zero denominators follow the module
    convention (vacuous 1.0).
    """
    _check_same_length(y_true, y_pred, "precision_recall_f1")
    if len(y_true) == 0:
        tn = fp = fn = tp = 0
    else:
        cm = skm.confusion_matrix(_as_binary(y_true), _as_binary(y_pred), labels=[False, True])
        (tn, fp), (fn, tp) = (int(v) for v in cm[0]), (int(v) for v in cm[1])
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "support": tp + fn,
    }


def roc_auc(y_true: Labels, scores: Scores) -> float | None:
    """Area under the ROC curve of ``scores`` for the gold binary labels.

    ``None`` when the gold labels hold only one class (the AUC is then undefined).
    """
    _check_same_length(y_true, scores, "roc_auc")
    t = _as_binary(y_true)
    if t.size == 0 or t.all() or not t.any():
        return None
    s = np.asarray(scores, dtype=float)
    if not np.all(np.isfinite(s)):
        raise ValueError("roc_auc: scores must be finite numbers")
    return float(skm.roc_auc_score(t, s))


def apply_threshold(scores: Scores, threshold: float) -> list[bool]:
    """Predicted labels for ``scores``: positive when ``score >= threshold``."""
    return [float(s) >= threshold for s in scores]


def choose_threshold(scores: Scores, labels: Labels, metric: str = "accuracy") -> float:
    """The score threshold that maximises ``metric`` on development data.

    ``metric`` is ``"accuracy"``, ``"balanced_accuracy"`` or ``"f1"``. Items with
    ``score >= threshold`` are predicted positive (:func:`apply_threshold`).

    Only the order of the scores matters, so the candidates are the ``m + 1`` cuts of the
    ``m`` distinct scores ``u_0 < ... < u_{m-1}``: cut ``k`` predicts positive exactly the
    items scoring at least ``u_k`` (cut ``m`` predicts nothing positive), and every
    threshold in ``(u_{k-1}, u_k]`` realises it. Several cuts can reach the best value; the
    answer is deterministic: among the runs of consecutive best cuts (plateaus) the widest
    one is taken (the lowest one on a tie), and the threshold returned is the middle of the
    score interval that realises that plateau, ``(u_{i-1} + u_j) / 2`` for the plateau
    ``i..j``. Below ``u_0`` and above ``u_{m-1}`` the scores are extended by one mean gap
    between distinct scores (1.0 when there is one distinct score), so that "everything
    positive" and "nothing positive" also get a finite threshold.
    """
    if metric not in ("accuracy", "balanced_accuracy", "f1"):
        raise ValueError(f"unknown metric {metric!r}: use 'accuracy', 'balanced_accuracy' or 'f1'")
    _check_same_length(labels, scores, "choose_threshold")
    if len(scores) == 0:
        raise ValueError("choose_threshold needs at least one scored item")
    s = np.asarray(scores, dtype=float)
    if not np.all(np.isfinite(s)):
        raise ValueError("choose_threshold: scores must be finite numbers")
    y = _as_binary(labels)

    uniq, inverse = np.unique(s, return_inverse=True)  # ascending distinct scores
    m = uniq.size
    pos_at = np.bincount(inverse, weights=y.astype(float), minlength=m)
    neg_at = np.bincount(inverse, weights=(~y).astype(float), minlength=m)
    # cut k (0..m): positive iff score >= uniq[k]; counts of positives/negatives at or above
    tp = np.concatenate([np.cumsum(pos_at[::-1])[::-1], [0.0]])
    fp = np.concatenate([np.cumsum(neg_at[::-1])[::-1], [0.0]])
    n_pos = float(y.sum())
    n_neg = float((~y).sum())
    fn = n_pos - tp
    tn = n_neg - fp

    if metric == "accuracy":
        values = (tp + tn) / (n_pos + n_neg)
    elif metric == "balanced_accuracy":
        rates = []
        if n_pos:
            rates.append(tp / n_pos)
        if n_neg:
            rates.append(tn / n_neg)
        values = np.mean(rates, axis=0)
    else:  # f1 = 2tp / (2tp + fp + fn), 0 when nothing is positive on either side
        den = 2 * tp + fp + fn
        values = np.divide(2 * tp, den, out=np.zeros_like(den), where=den > 0)

    best = float(values.max())
    is_best = np.isclose(values, best, rtol=0.0, atol=1e-12)
    runs: list[tuple[int, int]] = []
    k = 0
    while k <= m:
        if is_best[k]:
            start = k
            while k + 1 <= m and is_best[k + 1]:
                k += 1
            runs.append((start, k))
        k += 1
    i, j = max(runs, key=lambda r: (r[1] - r[0], -r[0]))

    gap = float(uniq[-1] - uniq[0]) / (m - 1) if m > 1 else 1.0
    lower = float(uniq[i - 1]) if i > 0 else float(uniq[0]) - gap
    upper = float(uniq[j]) if j < m else float(uniq[-1]) + gap
    return (lower + upper) / 2.0


# ----------------------------------------------------------------------------- clustering


def _aligned_labels(true_labels: Any, pred_labels: Any) -> tuple[list, list]:
    if isinstance(true_labels, Mapping):
        if not isinstance(pred_labels, Mapping):
            raise TypeError("give both clusterings as mappings (id -> label) or both as sequences")
        t, p = [], []
        for item, label in true_labels.items():
            t.append(("gold", label))
            if item in pred_labels:
                p.append(("pred", pred_labels[item]))
            else:
                p.append(("unassigned", item))  # a singleton of its own
        return t, p
    if isinstance(pred_labels, Mapping):
        raise TypeError("give both clusterings as mappings (id -> label) or both as sequences")
    t = list(true_labels)
    p = list(pred_labels)
    _check_same_length(t, p, "clustering")
    return t, p


def _contingency(true_labels: Any, pred_labels: Any) -> tuple[Any, int]:
    t, p = _aligned_labels(true_labels, pred_labels)
    if not t:
        raise ValueError("clustering metrics of an empty set are undefined")
    # map arbitrary hashable labels to integer codes (sklearn wants sortable labels)
    t_codes = _codes(t)
    p_codes = _codes(p)
    return contingency_matrix(t_codes, p_codes, sparse=True), len(t)


def _codes(labels: list[Hashable]) -> np.ndarray:
    index: dict[Hashable, int] = {}
    return np.asarray([index.setdefault(lab, len(index)) for lab in labels], dtype=np.int64)


def _pairs(n: np.ndarray) -> float:
    n = np.asarray(n, dtype=float)
    return float(np.sum(n * (n - 1) / 2.0))


def pairwise_prf(true_labels: Any, pred_labels: Any) -> dict:
    """Pairwise precision, recall and F1 of a clustering.

    Over all unordered pairs of items, a pair is *positive* when both items share a
    cluster. Precision = share of the predicted same-cluster pairs that are also gold
    same-cluster pairs; recall = share of the gold same-cluster pairs that are predicted.
    Computed from the contingency table (cell, row and column sizes ``n`` contribute
    ``n(n-1)/2`` pairs each), so it is linear in the number of items, not quadratic.

    Returns ``{"precision", "recall", "f1", "tp_pairs", "pred_pairs", "true_pairs"}``.
    """
    table, _ = _contingency(true_labels, pred_labels)
    tp_pairs = _pairs(table.data)
    true_pairs = _pairs(np.asarray(table.sum(axis=1)).ravel())
    pred_pairs = _pairs(np.asarray(table.sum(axis=0)).ravel())
    precision = _ratio(tp_pairs, pred_pairs)
    recall = _ratio(tp_pairs, true_pairs)
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "tp_pairs": int(tp_pairs),
        "pred_pairs": int(pred_pairs),
        "true_pairs": int(true_pairs),
    }


def bcubed(true_labels: Any, pred_labels: Any) -> dict:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009).

    For each item ``e``: precision(e) = share of the items in e's predicted cluster that
    share e's gold label; recall(e) = share of the items with e's gold label that are in
    e's predicted cluster (each item counts itself). Precision and recall are the means
    over items, F1 their harmonic mean. Computed from the contingency table: a cell of
    size ``n`` in gold class of size ``a`` and predicted cluster of size ``b`` contributes
    ``n * n / b`` to the precision sum and ``n * n / a`` to the recall sum.

    Returns ``{"precision", "recall", "f1"}``.
    """
    table, n_items = _contingency(true_labels, pred_labels)
    coo = table.tocoo()
    row_sizes = np.asarray(table.sum(axis=1)).ravel().astype(float)
    col_sizes = np.asarray(table.sum(axis=0)).ravel().astype(float)
    cells = coo.data.astype(float)
    precision = float(np.sum(cells * cells / col_sizes[coo.col])) / n_items
    recall = float(np.sum(cells * cells / row_sizes[coo.row])) / n_items
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def adjusted_rand_index(true_labels: Any, pred_labels: Any) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) via scikit-learn: 1 for identical
    partitions, about 0 for a random one, negative when worse than chance."""
    t, p = _aligned_labels(true_labels, pred_labels)
    if not t:
        raise ValueError("clustering metrics of an empty set are undefined")
    return float(skm.adjusted_rand_score(_codes(t), _codes(p)))


# ----------------------------------------------------------------------------- edges


def edge_prf(true_edges: Iterable[tuple], pred_edges: Iterable[tuple]) -> dict:
    """Precision, recall and F1 of predicted lineage edges against gold edges.

    Edges are directed ``(source, derived)`` tuples compared exactly (a reversed edge is a
    false positive *and* a false negative). Duplicates count once.

    Returns ``{"precision", "recall", "f1", "tp", "fp", "fn", "n_true", "n_pred"}``.
    """
    gold = {tuple(e) for e in true_edges}
    pred = {tuple(e) for e in pred_edges}
    tp = len(gold & pred)
    precision = _ratio(tp, len(pred))
    recall = _ratio(tp, len(gold))
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "tp": tp,
        "fp": len(pred) - tp,
        "fn": len(gold) - tp,
        "n_true": len(gold),
        "n_pred": len(pred),
    }
