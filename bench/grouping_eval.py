"""Story grouping on same-domain sets: storytrace's ``group`` against a tf-idf average-linkage baseline.

    python bench/grouping_eval.py --seed 1 [--data ../shared/datasets] [--sets tls,llmfake] [--json out.json]

Event-level sets (many dated reports of one topic domain, several per story, stories alike in
vocabulary), built at run time from ``--data`` (nothing is copied):

* ``llmfake-gossipcop`` / ``llmfake-coaid``: a source article, its ChatGPT paraphrase and its
  rewrite (rows filtered by ``clean_llmfake_pair``, the cleaned rewrite text used) = one story;
  one subset only (celebrity gossip / COVID). Sources dated over 90 days, rewrites 1-6 days
  after their source on different days.
* ``f3-coaid`` / ``f3-gossipcop``: an F3 human article and its GPT-3.5 derivative(s) = one
  story (paraphrases and altered rewrites alike), one ``dataset_source`` only; sources under
  50 words (CoAID holds tweets) left out. Dated the same way.
* In these four, a story whose source is a near copy (tf-idf cosine >= 0.8) of another kept
  source is dropped: the data holds some articles and tweets under several ids.
* ``tls-<event>``: background_summaries_tls, one major event (e.g. the BP oil spill) per set:
  the three annotators each wrote that day's update independently, so (event, day) is a story
  of three reports and every story of the set shares the event's vocabulary. Each report is
  dated its day plus 0-2 days.

Topic-level sets (``topic-*``: ml_crisis_tls per language, wikiref220): labels are whole topics
("Syria"), not events; reported separately, never used to choose anything.

For each set: (a) ``storytrace.group.stories.group`` exactly as ``pipeline.trace`` calls it
(``make_plan`` candidates) but without lineage links, at its fixed ``JOIN``; (b) the baseline:
tf-idf (scikit-learn, sublinear tf, English stop words) cosine + scipy average linkage, the
threshold chosen on a seeded random half of the stories and scored on the other half; (c) our
``group`` with ``JOIN`` chosen the same way. Each half is its own corpus (idf fitted on it).
Pairwise precision / recall / F1 (``storytrace.eval.metrics.pairwise_prf``). Sweeps: F1 over
``JOIN`` 0.15-0.40 (ours) and over the similarity threshold 0.05-0.60 (baseline: merge while
average cosine >= threshold, i.e. distance threshold 1 - t) on the whole set. Test-half numbers
are means over ``--splits`` seeded splits. Every set has its own random stream (seed and name),
so a set is the same whichever others are run. About a minute for everything on 2 cores.

Development and test: the grouping's time decay and ``JOIN`` were chosen looking at
llmfake-gossipcop, llmfake-coaid, f3-gossipcop and the tls events of the dataset's own train
and dev splits (swine_flu, financial_crisis, iraq_war, haitian_earthquake, mj_death,
bp_oil_spill); f3-coaid and the other eight tls events were only checked afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from storytrace.eval.datasets import clean_llmfake_pair, load_background_tls, load_f3, load_llmfake, load_ml_crisis, load_wikiref
from storytrace.eval.metrics import pairwise_prf
from storytrace.group import stories as stories_mod
from storytrace.model import Article, parse_published
from storytrace.pipeline import make_plan, trace

JOINS = [round(0.15 + 0.01 * k, 2) for k in range(26)]  # 0.15 .. 0.40
SIMS = [round(0.05 + 0.01 * k, 2) for k in range(56)]  # 0.05 .. 0.60
SHOW_JOINS = [0.15, 0.20, 0.25, 0.30, 0.35, 0.40]
SHOW_SIMS = [0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50]
START = date(2020, 3, 2)

Report = tuple[str, str, date | None, str]  # id, text, day, story


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _dated_pairs(stories: list[tuple[str, list[str]]], rng: random.Random, span: int = 90) -> list[Report]:
    """A source and its derivatives per story: source over ``span`` days, derivatives 1-6 days later, distinct days."""
    out: list[Report] = []
    for story, texts in stories:
        day = START + timedelta(days=rng.randrange(span))
        lags = [0] + rng.sample(range(1, 7), len(texts) - 1)
        for k, (text, lag) in enumerate(zip(texts, lags, strict=False)):
            out.append((f"{story}#{k}", text, day + timedelta(days=lag), story))
    return out


def _drop_near_duplicates(stories: list[tuple[str, list[str]]], at: float = 0.8) -> list[tuple[str, list[str]]]:
    """Drop a story whose source text is a near copy (tf-idf cosine >= ``at``) of a kept story's
    source: the data holds the same article (or tweet) under several ids, and two gold stories
    that are one text would be a labelling error, not a grouping error."""
    if len(stories) < 2:
        return stories
    x = TfidfVectorizer(sublinear_tf=True).fit_transform([texts[0] for _, texts in stories])
    s = (x @ x.T).tocsr()
    kept: list[int] = []
    keep_set: set[int] = set()
    for i in range(len(stories)):
        row = s.getrow(i)
        if any(j in keep_set and v >= at for j, v in zip(row.indices, row.data, strict=False) if j != i):
            continue
        kept.append(i)
        keep_set.add(i)
    return [stories[i] for i in kept]


def llmfake_set(data: Path, subset: str, rng: random.Random) -> list[Report]:
    methods = ("paraphrase_generation", "rewrite_generation")
    rows: dict[str, dict] = defaultdict(dict)
    for rec in load_llmfake(data, methods=methods):
        if rec.subset == subset:
            rows[rec.news_id][rec.method] = rec
    stories, seen = [], set()
    for news_id in sorted(rows):
        per = rows[news_id]
        if set(per) != set(methods):
            continue
        checks = [clean_llmfake_pair(per[m]) for m in methods]
        key = _norm(per[methods[0]].source_text)
        if not all(c.ok for c in checks) or key in seen:
            continue
        seen.add(key)
        stories.append((f"{subset}:{news_id}", [per[methods[0]].source_text] + [c.text for c in checks]))
    stories = _drop_near_duplicates(stories)
    rng.shuffle(stories)
    return _dated_pairs(stories, rng)


def f3_set(data: Path, source: str, rng: random.Random, min_words: int = 50) -> list[Report]:
    """Sources of fewer than ``min_words`` words (CoAID holds tweets) are left out."""
    by_source: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    for p in load_f3(data):
        if p.dataset_source != source or not p.source_text.strip() or not p.derived_text.strip():
            continue
        key = _norm(p.source_text)
        first.setdefault(key, p.source_text)
        derived = by_source.setdefault(key, [])
        if _norm(p.derived_text) not in {_norm(d) for d in derived} and _norm(p.derived_text) != key:
            derived.append(p.derived_text)
    stories = [
        (f"f3:{k}", [first[key]] + by_source[key][:5])
        for k, key in enumerate(sorted(by_source))
        if by_source[key] and len(first[key].split()) >= min_words
    ]
    stories = _drop_near_duplicates(stories)
    rng.shuffle(stories)
    return _dated_pairs(stories, rng)


def tls_sets(data: Path, rng) -> dict[str, list[Report]]:
    """One set per event; ``rng(name)`` gives the random stream of set ``name``."""
    updates = load_background_tls(data, annotators=("annotator1", "annotator2", "annotator3"))
    out: dict[str, list[Report]] = defaultdict(list)
    streams: dict[str, random.Random] = {}
    for u in sorted(updates, key=lambda u: u.id):
        if not u.text.strip():
            continue
        name = f"tls-{u.event}"
        r = streams.setdefault(name, rng(name))
        day = date.fromisoformat(u.date) + timedelta(days=r.randrange(3))
        out[name].append((u.id, u.text, day, f"{u.event}:{u.date}"))
    return dict(sorted(out.items()))


def topic_sets(data: Path, rng: random.Random, per_lang: int) -> dict[str, list[Report]]:
    out: dict[str, list[Report]] = {}
    by_lang: dict[str, list[Report]] = defaultdict(list)
    for d in load_ml_crisis(data):
        if len(d.text.split()) <= 1500:
            by_lang[d.lang].append((d.id, d.text, date.fromisoformat(d.published), d.topic))
    for lang, reports in sorted(by_lang.items()):
        rng.shuffle(reports)
        out[f"topic-mlcrisis-{lang}"] = reports[:per_lang]
    out["topic-wikiref220"] = [(d.id, d.text, None, d.label) for d in load_wikiref(data)]
    return out


# ---------------------------------------------------------------------------------------


class _RowCache:
    """``Similarity`` with each report's row against all reports computed once (the sweep
    calls ``group`` many times); same values as ``Similarity.between``."""

    def __init__(self, similarity, n: int):
        self._sim, self._n, self._rows = similarity, n, {}

    def between(self, i: int, others) -> np.ndarray:
        row = self._rows.get(i)
        if row is None:
            row = self._rows[i] = np.asarray(self._sim.between(i, list(range(self._n))), dtype=np.float64)
        return row[np.asarray(list(others), dtype=np.int64)]

    def __getattr__(self, name):
        return getattr(self._sim, name)


def _articles(reports: list[Report]) -> list[Article]:
    arts = [
        Article(id=rid, text=text, published=parse_published(day.isoformat()) if day else None) for rid, text, day, _ in reports
    ]
    return sorted(arts, key=Article.sort_key)


def ours(reports: list[Report], joins: list[float]) -> dict[float, dict]:
    """Our grouping as ``pipeline.trace`` runs it (make_plan -> group), no lineage links."""
    gold = {rid: story for rid, _, _, story in reports}
    arts = _articles(reports)
    plan = make_plan(arts)
    sim = _RowCache(plan.similarity, len(arts))
    out = {}
    for j in joins:
        labels = stories_mod.group(arts, sim, plan.neighbours, set(), join=j)
        out[j] = pairwise_prf([gold[a.id] for a in arts], labels)
    return out


def traced(
    reports: list[Report], stored_pairs: dict | None = None, joins: list[float] | None = None
) -> tuple[dict, dict, str, dict]:
    """The whole trace (``pipeline.trace``: grouping with lineage links), as a user runs it.
    ``stored_pairs``: alignments from an earlier trace of a superset (they depend only on the
    two texts), so that a half of a set traced already is not aligned again. With ``joins``,
    also the trace's grouping (links and lone joins included) at each of those thresholds,
    from the same lineage: {join: prf}."""
    gold = {rid: story for rid, _, _, story in reports}
    arts = _articles(reports)
    module = sys.modules["storytrace.pipeline.trace"]
    shipped, curve = module.group_reports, {}

    def sweep(plan, lineage, join=None):
        order = [gold[a.id] for a in plan.articles]
        for j in joins or ():
            curve[j] = pairwise_prf(order, shipped(plan, lineage, j))
        return shipped(plan, lineage, join)

    module.group_reports = sweep
    try:
        result = trace(arts, stored_pairs=stored_pairs, audit=False)
    finally:
        module.group_reports = shipped
    label = {a: k for k, st in enumerate(result.stories) for a in st.articles}
    return (
        pairwise_prf([gold[a.id] for a in arts], [label[a.id] for a in arts]),
        result.cache.pairs,
        result.stats.get("encoder", ""),
        curve,
    )


def baseline(reports: list[Report], sims: list[float]) -> dict[float, dict]:
    """tf-idf (sublinear tf, English stop words) cosine, average linkage, cut at 1 - t."""
    texts = [t for _, t, _, _ in reports]
    gold = [s for _, _, _, s in reports]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    d = 1.0 - (x @ x.T).toarray()
    np.fill_diagonal(d, 0.0)
    z = linkage(squareform(np.clip(d, 0.0, None), checks=False), method="average")
    return {t: pairwise_prf(gold, fcluster(z, t=1.0 - t + 1e-9, criterion="distance")) for t in sims}


def _best(curve: dict[float, dict]) -> float:
    """The grid value with the best F1; on ties the middle of the widest run of best values."""
    keys = sorted(curve)
    f = np.array([curve[k]["f1"] for k in keys])
    top = np.isclose(f, f.max(), atol=1e-9)
    runs, k = [], 0
    while k < len(keys):
        if top[k]:
            s = k
            while k + 1 < len(keys) and top[k + 1]:
                k += 1
            runs.append((s, k))
        k += 1
    s, e = max(runs, key=lambda r: (r[1] - r[0], -r[0]))
    return keys[(s + e) // 2]


WINDOW = 0.02  # a threshold chosen on other sets: the centre of the best window of this half-width


def _choose_on(others: list[dict], key: str, grid: list[float]) -> float:
    """The grid value whose window (within WINDOW either side) has the best mean F1 over
    ``others``' curves ``key``; ties go to the lower value. A window, not the single best point:
    these curves are flat near their top, so that the point itself flips with one set more or
    less."""
    mean = {x: float(np.mean([o[key][str(x)] for o in others])) for x in grid}
    window = {x: float(np.mean([mean[y] for y in grid if abs(y - x) <= WINDOW + 1e-9])) for x in grid}
    return max(grid, key=lambda x: (round(window[x], 9), -x))


def halves(reports: list[Report], seed: int) -> tuple[list[Report], list[Report]]:
    stories = sorted({s for _, _, _, s in reports})
    random.Random(seed).shuffle(stories)
    a = set(stories[: len(stories) // 2])
    return [r for r in reports if r[3] in a], [r for r in reports if r[3] not in a]


def evaluate(name: str, reports: list[Report], seed: int, join: float, splits: int, with_trace: bool = False) -> dict:
    t0 = time.perf_counter()
    full_ours = ours(reports, sorted(set(JOINS) | {join}))
    full_base = baseline(reports, SIMS)
    extra: dict = {}
    if with_trace:
        full_trace, pairs, encoder, curve = traced(reports, joins=JOINS)
        extra = {
            "trace_full": full_trace,
            "encoder": encoder,
            "curve_trace": {str(k): round(v["f1"], 4) for k, v in curve.items()},
        }
    per_split = []
    for s in range(splits):
        a, b = halves(reports, seed * 1000 + s)
        j_star, t_star = _best(ours(a, JOINS)), _best(baseline(a, SIMS))
        test_ours = ours(b, sorted({join, j_star}))
        per_split.append(
            {
                "fixed": test_ours[join]["f1"],
                "ours_tuned": test_ours[j_star]["f1"],
                "join": j_star,
                "baseline_tuned": baseline(b, [t_star])[t_star]["f1"],
                "threshold": t_star,
            }
        )
        if with_trace:
            per_split[-1]["trace"] = traced(b, pairs)[0]["f1"]
    if with_trace:
        extra["trace_test"] = float(np.mean([p["trace"] for p in per_split]))
    mean = lambda key: float(np.mean([p[key] for p in per_split]))  # noqa: E731 - a one-line key function, named for the lines below
    return {
        "set": name,
        "reports": len(reports),
        "stories": len({s for _, _, _, s in reports}),
        "ours_full": full_ours[join],
        "splits": per_split,
        "ours_fixed_test": mean("fixed"),
        "ours_tuned_test": mean("ours_tuned"),
        "baseline_tuned_test": mean("baseline_tuned"),
        "joins_chosen": [p["join"] for p in per_split],
        "thresholds_chosen": [p["threshold"] for p in per_split],
        "baseline_best_full": {"threshold": _best(full_base), "f1": full_base[_best(full_base)]["f1"]},
        "ours_best_full": {"join": _best(full_ours), "f1": full_ours[_best(full_ours)]["f1"]},
        "curve_ours": {str(k): round(v["f1"], 4) for k, v in full_ours.items()},
        "curve_baseline": {str(k): round(v["f1"], 4) for k, v in full_base.items()},
        **extra,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _prf(m: dict) -> str:
    return f"{m['precision']:.3f} / {m['recall']:.3f} / **{m['f1']:.3f}**"


def _range(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}" if min(values) != max(values) else f"{values[0]:.2f}"


def print_tables(results: list[dict], join: float, splits: int) -> None:
    print(
        f"\n| set | reports | stories | ours JOIN={join}, whole set P / R / F1 | ours JOIN={join}, test halves F1 | "
        "ours, JOIN chosen on dev half: test F1 (JOINs) | baseline, threshold chosen on dev half: test F1 (thresholds) | "
        "best F1 on the whole set: ours (JOIN) / baseline (t) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['set']} | {r['reports']} | {r['stories']} | {_prf(r['ours_full'])} | **{r['ours_fixed_test']:.3f}** | "
            f"{r['ours_tuned_test']:.3f} ({_range(r['joins_chosen'])}) | "
            f"**{r['baseline_tuned_test']:.3f}** ({_range(r['thresholds_chosen'])}) | "
            f"{r['ours_best_full']['f1']:.3f} ({r['ours_best_full']['join']:.2f}) / {r['baseline_best_full']['f1']:.3f} ({r['baseline_best_full']['threshold']:.2f}) |"
        )
    print(f"\nTest-half F1 is the mean over {splits} seeded splits of the stories into a dev half and a test half.")
    print("\nF1 on the whole set by JOIN (ours, J) and by similarity threshold (baseline, B: merge while average cosine >= B):\n")
    print("| set | " + " | ".join(f"J {j:.2f}" for j in SHOW_JOINS) + " | " + " | ".join(f"B {t:.2f}" for t in SHOW_SIMS) + " |")
    print("|---|" + "---|" * (len(SHOW_JOINS) + len(SHOW_SIMS)))
    for r in results:
        co, cb = r["curve_ours"], r["curve_baseline"]
        print(
            f"| {r['set']} | "
            + " | ".join(f"{co[str(j)]:.3f}" for j in SHOW_JOINS)
            + " | "
            + " | ".join(f"{cb[str(t)]:.3f}" for t in SHOW_SIMS)
            + " |"
        )


def _trailing(results: list[dict], key: str) -> str:
    """The sets where ``key`` trails the tuned baseline (test halves) by more than 0.005."""
    return ", ".join(r["set"] for r in results if r[key] < r["baseline_tuned_test"] - 0.005) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sets", default="", help="comma-separated name prefixes (default: every set)")
    parser.add_argument("--topic-per-lang", type=int, default=300, help="ml_crisis reports per language (topic-level sets)")
    parser.add_argument("--no-topic", action="store_true", help="skip the topic-level sets")
    parser.add_argument("--splits", type=int, default=5, help="seeded dev/test splits of the stories per set")
    parser.add_argument(
        "--trace", action="store_true", help="also run the whole trace (grouping with lineage links) on each set and test half"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no datasets folder at {args.data}: nothing to evaluate", file=sys.stderr)
        return
    rng = lambda name: random.Random(f"{args.seed}:{name}")  # noqa: E731 - one stream per set: a set does not depend on which others run
    builders = {
        "llmfake-gossipcop": lambda: llmfake_set(args.data, "gossipcop", rng("llmfake-gossipcop")),
        "llmfake-coaid": lambda: llmfake_set(args.data, "coaid", rng("llmfake-coaid")),
        "f3-coaid": lambda: f3_set(args.data, "CoAID", rng("f3-coaid")),
        "f3-gossipcop": lambda: f3_set(args.data, "FakeNewsNet_Gossipcop", rng("f3-gossipcop")),
    }
    wanted = [w for w in args.sets.split(",") if w]
    pick = (lambda name: any(name.startswith(w) for w in wanted)) if wanted else (lambda name: True)
    sets: dict[str, list[Report]] = {}
    for name, build in builders.items():
        if pick(name):
            sets[name] = build()
    if not wanted or any(w.startswith("tls") for w in wanted):
        sets.update({k: v for k, v in tls_sets(args.data, rng).items() if pick(k)})
    if not args.no_topic and (not wanted or any(w.startswith("topic") for w in wanted)):
        sets.update({k: v for k, v in topic_sets(args.data, rng("topic"), args.topic_per_lang).items() if pick(k)})
    join = stories_mod.JOIN
    results = []
    for name, reports in sets.items():
        results.append(evaluate(name, reports, args.seed, join, args.splits, args.trace))
        print(f"{name}: {results[-1]['seconds']} s", file=sys.stderr, flush=True)
    event = [r for r in results if not r["set"].startswith("topic")]
    topic = [r for r in results if r["set"].startswith("topic")]
    decay = (
        f", GRACE_DAYS {stories_mod.GRACE_DAYS}, DECAY_DAYS {stories_mod.DECAY_DAYS}"
        if hasattr(stories_mod, "DECAY_DAYS")
        else ", no time decay"
    )
    print(f"seed {args.seed}, JOIN {join}, SAMPLE {stories_mod.SAMPLE}{decay}")
    if event:
        print("\n### Event-level sets")
        print_tables(event, join, args.splits)
        m = lambda key: np.mean([r[key] for r in event])  # noqa: E731 - a one-line key function, named for the lines below
        print(
            f"\nMean over the {len(event)} event-level sets, test halves: ours JOIN={join} {m('ours_fixed_test'):.3f}, "
            f"ours JOIN tuned {m('ours_tuned_test'):.3f}, baseline tuned {m('baseline_tuned_test'):.3f}; "
            f"sets where ours at JOIN={join} trails the tuned baseline by more than 0.005: " + _trailing(event, "ours_fixed_test")
        )
    if args.trace and event:
        print("\n### The whole trace (grouping with lineage links), event-level sets\n")
        print(
            "| set | encoder | trace, whole set P / R / F1 | trace, test halves F1 | grouping alone, test halves F1 | baseline tuned on dev half, test F1 |"
        )
        print("|---|---|---|---|---|---|")
        for r in event:
            print(
                f"| {r['set']} | {r['encoder']} | {_prf(r['trace_full'])} | **{r['trace_test']:.3f}** | {r['ours_fixed_test']:.3f} | {r['baseline_tuned_test']:.3f} |"
            )
        m = lambda key: np.mean([r[key] for r in event])  # noqa: E731 - a one-line key function, named for the lines below
        print(
            f"\nMean, test halves: trace {m('trace_test'):.3f}, grouping alone {m('ours_fixed_test'):.3f}, baseline tuned {m('baseline_tuned_test'):.3f}; "
            "sets where the trace trails the tuned baseline by more than 0.005: " + _trailing(event, "trace_test")
        )
    if args.trace and len(event) > 1:
        print("\n### Leave one set out: each threshold chosen on the other event-level sets\n")
        print(
            "The trace's JOIN and the baseline's threshold are each chosen on the 17 other sets the same way: the "
            f"centre of the best {2 * WINDOW:.2f}-wide window of their mean F1 curve.\n"
        )
        print(
            "| set | trace at the shipped JOIN, F1 | trace, JOIN of the other sets: F1 (JOIN) | "
            "baseline, threshold of the other sets: F1 (t) |"
        )
        print("|---|---|---|---|")
        below = []
        for r in event:
            others = [o for o in event if o is not r]
            j = _choose_on(others, "curve_trace", JOINS)
            t = _choose_on(others, "curve_baseline", SIMS)
            ours_f1, base = r["curve_trace"][str(j)], r["curve_baseline"][str(t)]
            r["leave_one_out"] = {"join": j, "trace_f1": ours_f1, "threshold": t, "baseline_f1": base}
            if ours_f1 < base - 0.005:
                below.append(f"{r['set']} ({ours_f1:.3f} vs {base:.3f})")
            print(f"| {r['set']} | {r['trace_full']['f1']:.3f} | **{ours_f1:.3f}** ({j:.2f}) | {base:.3f} ({t:.2f}) |")
        worst = min(event, key=lambda r: r["leave_one_out"]["trace_f1"] - r["leave_one_out"]["baseline_f1"])
        print(
            "\nsets where the trace trails that baseline by more than 0.005: "
            + (", ".join(below) or "none")
            + f"; worst set {worst['set']}; mean trace {np.mean([r['leave_one_out']['trace_f1'] for r in event]):.3f}, "
            f"baseline {np.mean([r['leave_one_out']['baseline_f1'] for r in event]):.3f}"
        )
    if topic:
        print("\n### Topic-level sets (labels are whole topics, not events: for reference only)")
        print_tables(topic, join, args.splits)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
