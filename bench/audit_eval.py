"""How well the claim audit tells kept facts from altered ones, and how fast it is.

    python bench/audit_eval.py                         # f3, frank and the synthetic check
    python bench/audit_eval.py --sets f3 --fit         # f3, plus the cross-validated weight search
    python bench/audit_eval.py --sets frank --limit 600

* f3 (../shared/datasets/f3): every (human article -> GPT-3.5 derivative) pair is compared
  exactly as ``storytrace compare`` does it (segment, embed, align, audit). Reported: balanced
  accuracy of ``verdict.facts_altered`` against the ``altered`` label and ROC AUC of
  ``verdict.score``, overall and per strength (minor / major / critical); the findings per
  pair on the faithful ("real") paraphrases; pairs per second, for the audit alone (claim
  extraction with spaCy + the audit) and end to end.
* frank (../shared/datasets/frank): (article -> model summary), the summary as the derived
  report; positive = ``Factuality < 1`` (some summary content is unsupported or wrong).
* synthetic: the one-fact alterations and benign rewordings of ``tests/claims/test_audit.py``
  (paragraphs written for the tests): how many alterations are reported with the right finding
  type and value, how many benign rewordings are judged ``facts_altered: false``.
* ``--fit``: the grid search that chose the free weights of ``storytrace.claims.audit.WEIGHTS``
  (and ``SHARE_WEIGHT``), 5-fold cross-validated on f3: the cross-validated balanced accuracy,
  and the weights the search picks on all of f3.

The datasets are read from ``--datasets`` (default ``../shared/datasets``); a missing set is
skipped with a note. Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storytrace.claims import audit  # noqa: E402 - after sys.path
from storytrace.eval.metrics import balanced_accuracy, roc_auc  # noqa: E402 - after sys.path
from storytrace.eval.tasks import compare_and_audit  # noqa: E402 - after sys.path
from storytrace.model import Article  # noqa: E402 - after sys.path


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def run_pairs(pairs: list[tuple[str, str, str, dict]], label: str) -> tuple[list[dict], dict]:
    """Compare and audit (id, source text, derived text, info) pairs; time the parts."""
    return compare_and_audit(pairs, label, progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True))


def report_binary(rows: list[dict], title: str, groups: str | None = None) -> None:
    y = [r["info"]["label"] for r in rows]
    pred = [r["verdict"]["facts_altered"] for r in rows]
    score = [r["verdict"]["score"] for r in rows]
    print(
        f"{title}: n={len(rows)} (positive {sum(y)}), balanced accuracy {_fmt(balanced_accuracy(y, pred))}, ROC AUC {_fmt(roc_auc(y, score))}"
    )
    if groups:
        for g in sorted({r["info"][groups] for r in rows}):
            sub = [r for r in rows if r["info"][groups] == g]
            ys = [r["info"]["label"] for r in sub]
            ps = [r["verdict"]["facts_altered"] for r in sub]
            ss = [r["verdict"]["score"] for r in sub]
            pos = [p for p, t in zip(ps, ys, strict=False) if t]
            neg = [p for p, t in zip(ps, ys, strict=False) if not t]
            print(
                f"  {groups}={g}: n={len(sub)}, balanced accuracy {_fmt(balanced_accuracy(ys, ps))}, ROC AUC {_fmt(roc_auc(ys, ss))}, "
                f"altered caught {np.mean(pos) if pos else float('nan'):.3f}, kept judged kept {1 - np.mean(neg) if neg else float('nan'):.3f}"
            )


def report_timing(timing: dict) -> None:
    print(
        f"  speed: audit {timing['audit_pairs_per_s']:.1f} pairs/s (claims+parse {timing['claims_s']:.1f}s, audit {timing['audit_s']:.1f}s); "
        f"end to end {timing['end_to_end_pairs_per_s']:.1f} pairs/s ({timing['total_s']:.0f}s, alignment {timing['align_s']:.1f}s)"
    )


def eval_f3(datasets: Path, limit: int | None, fit: bool) -> None:
    from storytrace.eval.datasets import load_f3

    try:
        data = load_f3(datasets)
    except FileNotFoundError as exc:
        print(f"f3: skipped ({exc})")
        return
    data = data[:limit] if limit else data
    pairs = [(p.id, p.source_text, p.derived_text, {"label": p.altered, "strength": p.strength}) for p in data]
    rows, timing = run_pairs(pairs, "f3")
    report_binary(rows, "f3 facts_altered", groups="strength")
    real = [r for r in rows if not r["info"]["label"]]
    if real:
        per = Counter()
        for r in real:
            per.update(r["types"])
        alter = [sum(c for k, c in r["keys"].items() if audit.WEIGHTS.get(k, 0) > 0) for r in real]
        print(
            f"  faithful paraphrases (n={len(real)}): {sum(sum(r['types'].values()) for r in real) / len(real):.2f} findings per pair, "
            f"{np.mean(alter):.2f} weighted (alteration) findings per pair, {np.mean([a > 0 for a in alter]):.3f} of pairs with any; judged altered {np.mean([r['verdict']['facts_altered'] for r in real]):.3f}"
        )
        print("  per type on faithful pairs: " + ", ".join(f"{k} {v / len(real):.2f}" for k, v in sorted(per.items())))
    report_timing(timing)
    if fit:
        fit_weights(rows)


# the weights the search may set (the others are fixed by what the finding means)
GRID = {
    "unsupported_claim:event": [0.25, 0.34, 0.5, 0.75],
    "unsupported_claim:detail": [0.34, 0.5, 1.0],
    "unsupported_claim:source": [0.5, 1.0],
    "unsupported_claim:echo": [0.0, 0.25, 0.34, 0.5],
    "entity_added": [0.25, 0.34, 0.5],
    "entity_added:norp": [0.25, 0.5],
    "attribution_dropped": [0.5, 1.0],
    "share": [0.0, 0.5, 1.0, 1.5],
}


def fit_weights(rows: list[dict]) -> None:
    from sklearn.model_selection import StratifiedKFold

    keys = sorted({k for r in rows for k in r["keys"]} | set(audit.WEIGHTS))
    X = np.array([[r["keys"].get(k, 0) for k in keys] for r in rows], float)
    share = np.array([sum(r["keys"].get(k, 0) for k in audit._SENTENCE_CLAIMS) / max(1, r["sentences"]) for r in rows])
    y = np.array([bool(r["info"]["label"]) for r in rows])
    names = list(GRID)
    combos = list(itertools.product(*GRID.values()))

    def evidence(combo) -> np.ndarray:
        w = dict(audit.WEIGHTS)
        w.update({k: v for k, v in zip(names, combo, strict=False) if k != "share"})
        return X @ np.array([w.get(k, 0.0) for k in keys]) + dict(zip(names, combo, strict=False))["share"] * share

    E = [evidence(c) for c in combos]

    def best(idx) -> int:
        return max(range(len(combos)), key=lambda c: balanced_accuracy(y[idx], E[c][idx] >= audit.THRESHOLD))

    pred = np.zeros(len(y), bool)
    score = np.zeros(len(y))
    folds = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        c = best(train)
        pred[test] = E[c][test] >= audit.THRESHOLD
        score[test] = E[c][test]
        folds.append(balanced_accuracy(y[test], pred[test]))
    c = best(np.arange(len(y)))
    print(
        f"  fit: 5-fold cross-validated balanced accuracy {balanced_accuracy(y, pred):.3f} (folds {', '.join(f'{f:.3f}' for f in folds)}), ROC AUC {roc_auc(y, score):.3f}"
    )
    print(
        "  fit: weights chosen on all of f3: "
        + ", ".join(f"{k}={v}" for k, v in zip(names, combos[c], strict=False))
        + f" (balanced accuracy {balanced_accuracy(y, E[c] >= audit.THRESHOLD):.3f})"
    )
    now = {k: audit.WEIGHTS.get(k) for k in names if k != "share"} | {"share": audit.SHARE_WEIGHT}
    print("  fit: weights in storytrace.claims.audit: " + ", ".join(f"{k}={v}" for k, v in now.items()))


def eval_frank(datasets: Path, limit: int | None) -> None:
    from storytrace.eval.datasets import load_frank

    try:
        data = list(load_frank(datasets))
    except FileNotFoundError as exc:
        print(f"frank: skipped ({exc})")
        return
    data = data[:limit] if limit else data
    pairs = [(p.id, p.article, p.summary, {"label": p.unsupported, "dataset": p.dataset}) for p in data]
    rows, timing = run_pairs(pairs, "frank")
    report_binary(rows, "frank unsupported summary content (Factuality < 1)", groups="dataset")
    report_timing(timing)


def eval_synthetic() -> None:
    sys.path.insert(0, str(ROOT))  # the test module imports its paths from the tests package
    tests = importlib.import_module("tests.claims.test_audit")
    caught = 0
    by_kind: Counter = Counter()
    missed = []
    for case in tests.ONE_FACT_CASES:
        source, derived = tests.one_fact_pair(case)
        findings, verdict = tests.compare(source, derived)
        kind, value = case[4], case[5]
        ok = any(
            f.type == kind
            and value.lower() in (tests._value_text(f.derived_value) + " | " + tests._value_text(f.source_value)).lower()
            for f in findings
        )
        caught += ok
        by_kind[case[1].split()[0]] += ok
        if not ok:
            missed.append(f"{case[0]}/{case[1]}")
    benign_ok = 0
    for name, _what, change in tests.BENIGN_CASES:
        text = tests.PARAGRAPHS[name]
        _, verdict = tests.compare(
            Article(f"{name}-s", text, published=tests.PUBLISHED), Article(f"{name}-d", change(text), published=tests.PUBLISHED)
        )
        benign_ok += not verdict["facts_altered"]
    print(
        f"synthetic one-fact alterations: {caught}/{len(tests.ONE_FACT_CASES)} reported with the right type and value"
        + (f" (missed: {', '.join(missed)})" if missed else "")
    )
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))
    print(f"synthetic benign rewordings judged facts_altered=false: {benign_ok}/{len(tests.BENIGN_CASES)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--sets", default="f3,frank,synthetic", help="comma-separated: f3, frank, synthetic")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pairs of each set")
    ap.add_argument("--fit", action="store_true", help="with f3: the cross-validated weight search")
    args = ap.parse_args()
    sets = {s.strip() for s in args.sets.split(",") if s.strip()}
    if "synthetic" in sets:
        eval_synthetic()
    if "f3" in sets:
        eval_f3(args.datasets, args.limit, args.fit)
    if "frank" in sets:
        eval_frank(args.datasets, args.limit)


if __name__ == "__main__":
    main()
