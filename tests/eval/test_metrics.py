"""Metrics of storytrace.eval.metrics on hand-computed values and against brute force."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.eval.metrics import (
    accuracy,
    adjusted_rand_index,
    apply_threshold,
    balanced_accuracy,
    bcubed,
    choose_threshold,
    edge_prf,
    pairwise_prf,
    precision_recall_f1,
    roc_auc,
)

approx = pytest.approx


# --------------------------------------------------------------------------- binary


def test_accuracy_and_balanced_accuracy_on_a_majority_guess():
    y_true = [1, 1, 1, 0]
    y_pred = [1, 1, 1, 1]  # "always positive"
    assert accuracy(y_true, y_pred) == approx(0.75)
    # recall on positives 3/3, on negatives 0/1 -> (1 + 0) / 2
    assert balanced_accuracy(y_true, y_pred) == approx(0.5)


def test_balanced_accuracy_mixed_and_one_class():
    # positives: 2 of 3 found; negatives: 1 of 2 kept -> (2/3 + 1/2) / 2 = 7/12
    assert balanced_accuracy([1, 1, 1, 0, 0], [1, 1, 0, 0, 1]) == approx(7 / 12)
    # one gold class: the recall of that class
    assert balanced_accuracy([1, 1, 1, 1], [1, 0, 1, 1]) == approx(0.75)


def test_precision_recall_f1_counts():
    out = precision_recall_f1([1, 1, 0, 0, 1], [1, 0, 1, 0, 1])
    # tp = items 0 and 4, fp = item 2, fn = item 1, tn = item 3
    assert (out["tp"], out["fp"], out["fn"], out["tn"], out["support"]) == (2, 1, 1, 1, 3)
    assert out["precision"] == approx(2 / 3)
    assert out["recall"] == approx(2 / 3)
    assert out["f1"] == approx(2 / 3)


def test_precision_recall_f1_accepts_booleans_and_vacuous_precision():
    out = precision_recall_f1([True, False], [False, False])  # nothing predicted
    assert out["precision"] == 1.0 and out["recall"] == 0.0 and out["f1"] == 0.0
    out = precision_recall_f1([0, 0], [0, 0])  # nothing to find, nothing claimed
    assert (out["precision"], out["recall"], out["f1"]) == (1.0, 1.0, 1.0)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        accuracy([1, 0], [1])
    with pytest.raises(ValueError):
        pairwise_prf([1, 2, 3], [1, 2])


def test_roc_auc_known_value_and_single_class():
    # the four-point example: of the 4 (pos, neg) pairs, 3 are ordered correctly
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == approx(0.75)
    assert roc_auc([1, 1, 1], [0.2, 0.5, 0.9]) is None
    assert roc_auc([0, 0], [0.2, 0.5]) is None
    assert roc_auc([0, 1], [0.9, 0.1]) == approx(0.0)


# --------------------------------------------------------------------------- threshold


def test_choose_threshold_separable():
    scores = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9]
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    # every cut between 0.4 and 0.6 is perfect: the middle of (0.4, 0.6] is 0.5
    for metric in ("accuracy", "balanced_accuracy", "f1"):
        assert choose_threshold(scores, labels, metric) == approx(0.5)
    assert apply_threshold(scores, 0.5) == [bool(x) for x in labels]


def test_choose_threshold_middle_of_the_plateau():
    # with distinct scores every cut moves accuracy by one item; a tie makes a plateau.
    # distinct scores 0.1 < 0.5 < 0.9; cuts: >=0.1 -> 2/4, >=0.5 -> 3/4, >=0.9 -> 3/4,
    # none -> 2/4. The best cuts form one plateau realised by thresholds in (0.1, 0.9]:
    # its middle is 0.5
    scores = [0.1, 0.5, 0.5, 0.9]
    labels = [0, 1, 0, 1]
    t = choose_threshold(scores, labels, "accuracy")
    assert t == approx(0.5)
    assert accuracy(labels, apply_threshold(scores, t)) == approx(0.75)


def test_choose_threshold_ties_between_plateaus_take_the_lowest_and_order_does_not_matter():
    # cuts: 3/5, 4/5 (>=0.3), 3/5, 4/5 (>=0.7), 3/5, 2/5: two one-cut plateaus tie;
    # the lowest, realised by (0.1, 0.3], is taken: 0.2
    scores = [0.1, 0.3, 0.5, 0.7, 0.9]
    labels = [0, 1, 0, 1, 1]
    assert choose_threshold(scores, labels) == approx(0.2)
    order = [3, 0, 4, 2, 1]
    assert choose_threshold([scores[i] for i in order], [labels[i] for i in order]) == approx(0.2)


def test_choose_threshold_extremes_get_finite_thresholds():
    # all negative: predicting nothing positive is best; above the top score by half a gap
    t = choose_threshold([0.2, 0.4], [0, 0], "accuracy")
    assert t == approx(0.5)
    assert apply_threshold([0.2, 0.4], t) == [False, False]
    # all positive with f1: everything positive is best; below the lowest score
    t = choose_threshold([0.2, 0.4], [1, 1], "f1")
    assert t == approx(0.1)
    assert apply_threshold([0.2, 0.4], t) == [True, True]


def test_choose_threshold_metric_matters():
    # 1 positive among 6: accuracy is best predicting nothing positive (5/6); balanced
    # accuracy prefers the cut ">= 0.6" that catches it: (1 + 3/5) / 2 = 0.8
    scores = [0.1, 0.2, 0.3, 0.6, 0.7, 0.8]
    labels = [0, 0, 0, 1, 0, 0]
    t_acc = choose_threshold(scores, labels, "accuracy")
    t_bal = choose_threshold(scores, labels, "balanced_accuracy")
    assert accuracy(labels, apply_threshold(scores, t_acc)) == approx(5 / 6)
    assert t_acc > 0.8
    # balanced: the cut >= 0.6 gives (1 + 3/5) / 2 = 0.8, the best available
    assert balanced_accuracy(labels, apply_threshold(scores, t_bal)) == approx(0.8)
    assert 0.3 < t_bal <= 0.6


def test_choose_threshold_rejects_unknown_metric():
    with pytest.raises(ValueError):
        choose_threshold([0.1, 0.2], [0, 1], "auc")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(min_value=0, max_value=8), st.booleans()), min_size=1, max_size=25),
    st.sampled_from(["accuracy", "balanced_accuracy", "f1"]),
)
def test_choose_threshold_reaches_the_brute_force_optimum(pairs, metric):
    scores = [s / 8 for s, _ in pairs]
    labels = [y for _, y in pairs]

    def value(preds):
        if metric == "accuracy":
            return accuracy(labels, preds)
        if metric == "balanced_accuracy":
            return balanced_accuracy(labels, preds)
        tp = sum(p and y for p, y in zip(preds, labels, strict=False))
        den = 2 * tp + sum(p != y for p, y in zip(preds, labels, strict=False))
        return 0.0 if den == 0 else 2 * tp / den

    candidates = sorted(set(scores)) + [10.0]
    best = max(value(apply_threshold(scores, c)) for c in candidates)
    t = choose_threshold(scores, labels, metric)
    assert value(apply_threshold(scores, t)) == approx(best)


# --------------------------------------------------------------------------- clustering

# Items 0..6; gold classes A = {0,1,2}, B = {3,4}, C = {5,6}.
GOLD = ["A", "A", "A", "B", "B", "C", "C"]


def test_pairwise_and_bcubed_hand_computed_split():
    pred = ["x", "x", "y", "y", "y", "z", "z"]
    # gold pairs: C(3,2)+C(2,2)+C(2,2) = 3+1+1 = 5; predicted pairs: 1+3+1 = 5
    # shared pairs: {0,1} (A in x), {3,4} (B in y), {5,6} (C in z) = 3  -> P = R = F = 3/5
    out = pairwise_prf(GOLD, pred)
    assert (out["tp_pairs"], out["pred_pairs"], out["true_pairs"]) == (3, 5, 5)
    assert out["precision"] == approx(0.6) and out["recall"] == approx(0.6) and out["f1"] == approx(0.6)
    # BCubed per item (precision, recall):
    #   0,1: x={0,1} all A -> (1, 2/3)     2: y={2,3,4}, 1 A -> (1/3, 1/3)
    #   3,4: y has 2 B     -> (2/3, 1)     5,6: z={5,6}      -> (1, 1)
    # P = (1+1+1/3+2/3+2/3+1+1)/7 = 17/21, R = (2/3+2/3+1/3+1+1+1+1)/7 = 17/21
    b = bcubed(GOLD, pred)
    assert b["precision"] == approx(17 / 21)
    assert b["recall"] == approx(17 / 21)
    assert b["f1"] == approx(17 / 21)


def test_pairwise_and_bcubed_hand_computed_merge():
    pred = ["x", "x", "x", "x", "x", "z", "z"]  # A and B merged
    # predicted pairs: C(5,2)+C(2,2) = 11; shared: A 3 + B 1 + C 1 = 5
    # P = 5/11, R = 5/5, F = 2*(5/11)/(5/11+1) = 10/16
    out = pairwise_prf(GOLD, pred)
    assert out["precision"] == approx(5 / 11)
    assert out["recall"] == approx(1.0)
    assert out["f1"] == approx(0.625)
    # BCubed: A items P 3/5, B items P 2/5, C items P 1; all recalls 1
    # P = (3*3/5 + 2*2/5 + 2*1)/7 = 4.6/7, F = 2P/(P+1) = 9.2/11.6
    b = bcubed(GOLD, pred)
    assert b["precision"] == approx(4.6 / 7)
    assert b["recall"] == approx(1.0)
    assert b["f1"] == approx(9.2 / 11.6)


def test_all_singletons_and_one_cluster():
    singles = list(range(len(GOLD)))
    out = pairwise_prf(GOLD, singles)
    assert out["pred_pairs"] == 0 and out["precision"] == 1.0 and out["recall"] == 0.0 and out["f1"] == 0.0
    b = bcubed(GOLD, singles)
    assert b["precision"] == approx(1.0)
    assert b["recall"] == approx((1 / 3 * 3 + 1 / 2 * 2 + 1 / 2 * 2) / 7)
    one = ["k"] * len(GOLD)
    assert pairwise_prf(GOLD, one)["precision"] == approx(5 / 21)  # 5 gold pairs of C(7,2)=21
    assert bcubed(GOLD, one)["recall"] == approx(1.0)
    # gold all singletons, predicted all singletons: perfect agreement
    assert pairwise_prf([1, 2, 3], ["a", "b", "c"])["f1"] == 1.0


def test_bcubed_satisfies_the_amigo_constraints():
    """The four formal constraints of Amigó, Gonzalo, Artiles & Verdejo (2009)."""
    f = lambda t, p: bcubed(t, p)["f1"]  # noqa: E731 - a one-line key function, named for the lines below
    # 1. cluster homogeneity: splitting a mixed cluster into pure ones is better
    assert f(list("aabb"), [1, 1, 2, 2]) > f(list("aabb"), [1, 1, 1, 1])
    # 2. cluster completeness: joining two clusters of one class is better
    assert f(list("aaaa"), [1, 1, 1, 1]) > f(list("aaaa"), [1, 1, 2, 2])
    # 3. rag bag: a stray item hurts less in a mixed "rag bag" cluster than in a clean one
    gold = ["a"] * 4 + ["c", "d", "e", "f", "g"]
    in_rag_bag = [1] * 4 + [2] * 5
    in_clean = [1] * 4 + [2] * 4 + [1]
    assert bcubed(gold, in_rag_bag)["precision"] == approx(5 / 9)
    assert bcubed(gold, in_clean)["precision"] == approx(4.4 / 9)
    assert f(gold, in_rag_bag) > f(gold, in_clean)
    # 4. size vs quantity: one error in a big cluster beats splitting many small clusters
    gold = ["a"] * 7 + ["b", "b", "c", "c", "d", "d", "e", "e"]
    split_big = [1] * 6 + [2] + [3, 3, 4, 4, 5, 5, 6, 6]
    split_small = [1] * 7 + [3, 30, 4, 40, 5, 50, 6, 60]
    assert f(gold, split_big) > f(gold, split_small)
    # (pairwise F1 famously fails this one: it prefers the small splits)
    assert pairwise_prf(gold, split_big)["f1"] < pairwise_prf(gold, split_small)["f1"]


def test_adjusted_rand_index():
    assert adjusted_rand_index(GOLD, GOLD) == approx(1.0)
    # renaming the clusters changes nothing
    assert adjusted_rand_index(GOLD, [{"A": 9, "B": 7, "C": 8}[g] for g in GOLD]) == approx(1.0)
    assert adjusted_rand_index(GOLD, ["x", "x", "y", "y", "y", "z", "z"]) < 1.0
    # one cluster against a real partition: no better than chance
    assert adjusted_rand_index(GOLD, ["k"] * 7) == approx(0.0)


def test_mappings_align_on_gold_ids_and_missing_items_are_singletons():
    gold = {"r1": "s1", "r2": "s1", "r3": "s2", "r4": "s2"}
    pred = {"r1": 0, "r2": 0, "r3": 1, "extra": 1}  # r4 missing, "extra" ignored
    out = pairwise_prf(gold, pred)
    assert (out["tp_pairs"], out["pred_pairs"], out["true_pairs"]) == (1, 1, 2)
    assert bcubed(gold, pred)["precision"] == approx(1.0)
    # missing-item singletons never collide with a real predicted label
    assert pairwise_prf({"a": 1, "b": 1}, {"a": ("unassigned", "b")})["tp_pairs"] == 0
    assert adjusted_rand_index(gold, {"r1": 5, "r2": 5, "r3": 6, "r4": 6}) == approx(1.0)
    with pytest.raises(TypeError):
        pairwise_prf(gold, [0, 0, 1, 1])


def _brute_pairwise(t, p):
    tp = pp = tt = 0
    for i, j in itertools.combinations(range(len(t)), 2):
        same_t, same_p = t[i] == t[j], p[i] == p[j]
        tp += same_t and same_p
        pp += same_p
        tt += same_t
    return tp, pp, tt


def _brute_bcubed(t, p):
    n = len(t)
    prec = (
        sum(
            sum(1 for j in range(n) if p[j] == p[i] and t[j] == t[i]) / sum(1 for j in range(n) if p[j] == p[i]) for i in range(n)
        )
        / n
    )
    rec = (
        sum(
            sum(1 for j in range(n) if p[j] == p[i] and t[j] == t[i]) / sum(1 for j in range(n) if t[j] == t[i]) for i in range(n)
        )
        / n
    )
    return prec, rec


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=30))
def test_contingency_formulas_match_brute_force(pairs):
    t = [a for a, _ in pairs]
    p = [b for _, b in pairs]
    tp, pp, tt = _brute_pairwise(t, p)
    out = pairwise_prf(t, p)
    assert (out["tp_pairs"], out["pred_pairs"], out["true_pairs"]) == (tp, pp, tt)
    bp, br = _brute_bcubed(t, p)
    b = bcubed(t, p)
    assert b["precision"] == approx(bp) and b["recall"] == approx(br)


def test_pairwise_is_not_quadratic():
    rng = random.Random(7)
    n = 300_000  # ~4.5e10 pairs: a pair loop would never finish
    t = [rng.randrange(5000) for _ in range(n)]
    p = [x // 3 if rng.random() < 0.9 else rng.randrange(5000) for x in t]
    out = pairwise_prf(t, p)  # a pair loop would not return here; counting does
    bcubed(t, p)
    # the same numbers from the contingency table, computed independently
    from collections import Counter

    def c2(k):
        return k * (k - 1) // 2

    tp = sum(c2(k) for k in Counter(zip(t, p, strict=False)).values())
    assert out["precision"] == approx(tp / sum(c2(k) for k in Counter(p).values()))
    assert out["recall"] == approx(tp / sum(c2(k) for k in Counter(t).values()))


# --------------------------------------------------------------------------- edges


def test_edge_prf():
    gold = {("s", "a"), ("s", "b"), ("a", "c")}
    pred = {("s", "a"), ("a", "b"), ("c", "a")}  # one right, one wrong parent, one reversed
    out = edge_prf(gold, pred)
    assert (out["tp"], out["fp"], out["fn"], out["n_true"], out["n_pred"]) == (1, 2, 2, 3, 3)
    assert out["precision"] == approx(1 / 3) and out["recall"] == approx(1 / 3) and out["f1"] == approx(1 / 3)
    # lists and duplicate edges are fine; edges compare as tuples
    out = edge_prf([["s", "a"], ["s", "b"]], [("s", "a"), ("s", "a")])
    assert (out["tp"], out["n_pred"], out["precision"], out["recall"]) == (1, 1, 1.0, 0.5)
    # nothing predicted: vacuous precision, zero recall
    out = edge_prf(gold, set())
    assert (out["precision"], out["recall"], out["f1"]) == (1.0, 0.0, 0.0)
