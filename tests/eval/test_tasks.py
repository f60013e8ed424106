"""`storytrace eval`: the task helpers, the pair model, and each task run on a small sample
through the CLI.

Tests on real data copy (or link) a slice of a set from ../shared/datasets into a tmp
folder laid out the same way, with a renamed or extra file of the set's own pattern, and
check that every such file is read; they skip cleanly when the data is absent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.eval import tasks
from storytrace.eval.datasets import load_f3, load_frank, load_llmfake, load_ml_crisis, load_mrpc, load_wikiref
from tests.support.paths import DATASETS

runner = CliRunner()


def shared_set(name: str) -> Path:
    if not (DATASETS / name).is_dir():
        pytest.skip(f"evaluation data not available: {DATASETS / name}")
    return DATASETS / name


def run_cli(*args: str) -> dict:
    """Run `storytrace eval ...` with --json into a tmp file next to the data; return the JSON."""
    out = Path(args[args.index("--data") + 1]) / "result.json"
    result = runner.invoke(app, ["eval", *args, "--json", str(out), "--quiet"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "|" in result.output  # the metric table was printed
    return json.loads(out.read_text())


def in_unit(value, low: float = 0.0, high: float = 1.0) -> bool:
    return value is not None and low <= value <= high


# ============================================================================ helpers


def test_sample_is_deterministic_proportional_and_keeps_order():
    items = [(i, "pos" if i % 3 else "neg") for i in range(90)]
    a = tasks.sample(items, 30, key=lambda x: x[0], stratum=lambda x: x[1])
    b = tasks.sample(list(reversed(items)), 30, key=lambda x: x[0], stratum=lambda x: x[1])
    assert sorted(a) == sorted(b)  # the file order does not decide the sample
    assert a == sorted(a)
    assert sum(x[1] == "pos" for x in a) == 20  # two thirds, as in the set
    assert a != items[:30]  # not simply the head of the file
    assert tasks.sample(items, None, key=lambda x: x[0]) == items
    assert len(tasks.sample(items, 1, key=lambda x: x[0], stratum=lambda x: x[1])) == 1


def test_binary_metrics_known_values():
    m = tasks.binary_metrics([1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0, 0], [0.9, 0.8, 0.3, 0.7, 0.2, 0.1, 0.4, 0.35])
    assert m["n"] == 8 and m["positives"] == 3
    assert m["recall"] == pytest.approx(2 / 3) and m["specificity"] == pytest.approx(4 / 5)
    assert m["balanced_accuracy"] == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert m["precision"] == pytest.approx(2 / 3) and m["accuracy"] == pytest.approx(6 / 8)
    # 0.9 and 0.8 beat all five negatives, 0.3 beats two: 12 of 15 pairs ordered right
    assert m["roc_auc"] == pytest.approx(12 / 15)


def test_clustering_metrics_counts_topics_and_stories():
    m = tasks.clustering_metrics(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert (m["topics"], m["stories"]) == (2, 2)
    assert m["precision"] == pytest.approx(1 / 3) and m["recall"] == pytest.approx(1 / 2)
    assert -1 <= m["ari"] < 1 and 0 < m["bcubed_f1"] < 1


def _story(sid, articles, origin, edges):
    return SimpleNamespace(
        id=sid, articles=articles, origin=origin, edges=[SimpleNamespace(source=s, derived=d) for s, d in edges]
    )


def test_lineage_metrics_sibling_chain_counts_for_the_source_not_for_the_edge():
    pile = SimpleNamespace(
        reports=[{"id": i} for i in ("s", "r1", "r2", "u")],
        edges={("s", "r1"), ("s", "r2")},
        groups={"s": "A", "r1": "A", "r2": "A", "u": "B"},
        info={"s": {"role": "source"}, "r1": {"role": "rewrite"}, "r2": {"role": "rewrite"}, "u": {"role": "unrelated"}},
    )
    # the sibling trap: r2 credited to r1 instead of s
    result = SimpleNamespace(
        stories=[_story("x", ["s", "r1", "r2"], "s", [("s", "r1"), ("r1", "r2")]), _story("y", ["u"], "u", [])]
    )
    m = tasks.lineage_metrics(pile, result)
    assert (m["precision"], m["recall"]) == (0.5, 0.5)
    assert m["source_recall"] == 1.0  # s is still r2's ancestor
    assert m["origin_recall"] == 1.0
    assert m["unrelated_linked"] == 0
    assert m["grouping"]["ari"] == pytest.approx(1.0)
    # the wrong origin, an unrelated report linked
    result = SimpleNamespace(stories=[_story("x", ["s", "r1", "r2", "u"], "u", [("u", "r1")])])
    m = tasks.lineage_metrics(pile, result)
    assert m["recall"] == 0.0 and m["source_recall"] == 0.0 and m["origin_recall"] == 0.0
    assert m["unrelated_linked"] == 1


def test_format_table_aligns_columns():
    text = tasks.format_table(("a", "value"), [["x", 0.5], ["longer", None]])
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1
    assert "0.500" in text and "n/a" in text


def _audit_row(rid, label, strength, keys, sentences=5):
    from collections import Counter

    return {"id": rid, "info": {"label": label, "strength": strength}, "keys": Counter(keys), "sentences": sentences}


def test_split_dev_test_is_seeded_stratified_and_disjoint():
    rows = [_audit_row(f"p{k}", k % 3 == 0, ("minor", "major")[k % 2], {}) for k in range(40)]
    stratum = lambda r: (r["info"]["label"], r["info"]["strength"])  # noqa: E731 - a one-line key function, named for the lines below
    dev, test = tasks.split_dev_test(rows, stratum)
    assert len(dev) == 20 and len(test) == 20
    assert {r["id"] for r in dev}.isdisjoint({r["id"] for r in test})
    assert sum(r["info"]["label"] for r in dev) in (6, 7)  # the class balance is kept
    dev2, _ = tasks.split_dev_test(list(reversed(rows)), stratum)
    assert {r["id"] for r in dev2} == {r["id"] for r in dev}  # not file order


def test_heldout_weights_are_chosen_on_the_dev_half_only():
    from storytrace.claims import audit

    # altered pairs carry "entity_added" findings (two each); kept pairs carry one
    rows = [_audit_row(f"a{k}", True, "major", {"entity_added": 2}) for k in range(20)]
    rows += [_audit_row(f"k{k}", False, "major", {"entity_added": 1}) for k in range(20)]
    # the stored-weight evidence is what the verdict computes from the same keys
    ev = tasks.evidence_of(rows[:1], dict(audit.WEIGHTS), audit.SHARE_WEIGHT)
    assert ev[0] == pytest.approx(2 * audit.WEIGHTS["entity_added"])
    result = tasks.heldout_weights(rows)
    assert result["dev_pairs"] == 20 and result["test_pairs"] == 20
    w = result["refit"]["weights"]["entity_added"]
    assert 2 * w >= audit.THRESHOLD > w  # the grid point that separates the two
    assert result["refit"]["balanced_accuracy"] == 1.0
    # the weights come from the development half alone: the same as chosen on it directly, and
    # unchanged when the test half's labels are flipped (the split is kept: strength strata)
    dev, test = tasks.split_dev_test(rows, lambda r: (bool(r["info"]["label"]), r["info"].get("strength")))
    weights, share = tasks.choose_weights(dev)
    assert result["refit"]["weights"] == {k: weights[k] for k in tasks.WEIGHT_GRID if k != "share"} | {"share": share}
    for r in test:
        r["info"]["label"] = not r["info"]["label"]
    assert tasks.choose_weights(dev) == (weights, share)
    assert (
        tasks.binary_metrics([r["info"]["label"] for r in test], tasks.evidence_of(test, weights, share) >= audit.THRESHOLD)[
            "balanced_accuracy"
        ]
        == 0.0
    )
    # a development half with one class gives no held-out number
    assert tasks.heldout_weights([_audit_row("x", True, "major", {}), _audit_row("y", True, "major", {})]) is None


# ============================================================================ the pair model


def test_tree_export_reproduces_sklearn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from storytrace.align.pairs import Trees

    rng = np.random.RandomState(0)
    X = rng.randn(400, 4)
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # OpenMP threads crawl on a busy machine
        model = HistGradientBoostingClassifier(max_iter=25, max_leaf_nodes=8, random_state=0).fit(X, y)
    exported = Trees.from_sklearn(model).to_json()
    trees = Trees(exported["baseline"], json.loads(json.dumps(exported["trees"])))
    assert np.allclose(1 / (1 + np.exp(-trees.raw(X))), model.predict_proba(X)[:, 1], atol=1e-12)


def test_pair_features_are_symmetric_and_catch_a_changed_number():
    from storytrace.align.pairs import FEATURES, pair_features
    from storytrace.index.features import sentence_features

    rng = np.random.RandomState(1)
    ta = rng.randn(5, 8)
    tb = rng.randn(7, 8)
    ta /= np.linalg.norm(ta, axis=1, keepdims=True)
    tb /= np.linalg.norm(tb, axis=1, keepdims=True)
    a = "The council voted 7 to 2 on Tuesday to close the bridge."
    b = "On Tuesday the council voted 5 to 4 to shut the old bridge, officials said."
    ab = pair_features(a, b, 0.8, ta, tb)
    assert len(ab) == len(FEATURES)
    assert np.allclose(ab, pair_features(b, a, 0.8, tb, ta))
    f = dict(zip(FEATURES, ab, strict=False))
    assert f["numbers_conflict"] == 1.0 and f["numbers_differ"] == 4.0
    same = dict(zip(FEATURES, pair_features(a, a, 1.0, ta, ta, sentence_features(a), sentence_features(a)), strict=False))
    assert same["numbers_conflict"] == 0.0 and same["word4_min"] == 1.0 and same["unmet_50_max"] == 0.0


def test_stored_pair_model_is_fitted_on_train_only_and_loads():
    from storytrace.align.pairs import FEATURES, load_pair_model

    model = load_pair_model()
    assert model.meta["parts"] == ["train"]
    assert model.meta["cv_accuracy"] >= 0.77  # the development number of BENCHMARKS.md
    assert model.trees is not None and len(model.coef) == len(FEATURES)
    p = model.probability(np.tile(model.mean, (2, 1)))
    assert p.shape == (2,) and np.all((p > 0) & (p < 1))


# ============================================================================ the CLI without data


def test_cli_rejects_unknown_task_and_missing_set(tmp_path):
    result = runner.invoke(app, ["eval", "nonsense", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "unknown task" in result.output
    result = runner.invoke(app, ["eval", "facts", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "f3" in result.output
    result = runner.invoke(app, ["eval", "facts", "--data", str(tmp_path / "absent")])
    assert result.exit_code == 2


MRPC_HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
PARAPHRASES = [
    ("The council voted on Tuesday to close the bridge.", "On Tuesday, the council voted to shut the bridge."),
    ("Sales rose 5 percent in the third quarter.", "Third-quarter sales were up 5 percent."),
    ("The mayor said repairs would take four months.", "Repairs will take four months, the mayor said."),
    ("Police arrested two men after the robbery.", "Two men were arrested by police following the robbery."),
]
NOT_PARAPHRASES = [
    ("The council voted on Tuesday to close the bridge.", "The bridge carries 20,000 cars a day."),
    ("Sales rose 5 percent in the third quarter.", "Sales fell 12 percent in the second quarter."),
    ("The mayor said repairs would take four months.", "The governor criticised the mayor over the budget."),
    ("Police arrested two men after the robbery.", "The bank reopened on Monday with extra guards."),
]


def test_paraphrase_scores_an_unseen_part_with_the_stored_model(tmp_path):
    folder = tmp_path / "mrpc"
    folder.mkdir()
    lines = [f"1\t{k}\t{k + 100}\t{a}\t{b}\n" for k, (a, b) in enumerate(PARAPHRASES)]
    lines += [f"0\t{k + 10}\t{k + 110}\t{a}\t{b}\n" for k, (a, b) in enumerate(NOT_PARAPHRASES)]
    (folder / "msr_paraphrase_test.tsv").write_text(MRPC_HEADER + "".join(lines[::2]), encoding="utf-8")
    (folder / "msr_paraphrase_heldout_b.tsv").write_text("".join(lines[1::2]), encoding="utf-8")  # no header
    doc = run_cli("paraphrase", "--data", str(tmp_path))
    m = doc["metrics"]["mrpc"]
    assert doc["task"] == "paraphrase"
    assert m["n"] == 8 and set(m["by_part"]) == {"test", "heldout_b"}  # both files read
    assert m["mode"].startswith("stored model")
    assert all(in_unit(m[k]) for k in ("accuracy", "f1", "precision", "recall", "roc_auc"))
    assert m["accuracy"] >= 0.75  # these pairs are easy; the stored model must get most of them
    assert doc["settings"]["model"]["parts"] == ["train"]


# ============================================================================ real data, small samples


def _copy_lines(src: Path, dst: Path, lines: list[str]) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("".join(lines), encoding="utf-8")


def test_mrpc_every_file_of_the_pattern_and_paraphrase_task(tmp_path):
    src = shared_set("mrpc") / "msr_paraphrase_train.tsv"
    lines = src.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    _copy_lines(src, tmp_path / "mrpc" / "msr_paraphrase_train.tsv", [header] + rows[:60])
    _copy_lines(src, tmp_path / "mrpc" / "msr_paraphrase_heldout.tsv", [header] + rows[-40:])
    (tmp_path / "mrpc" / "notes.txt").write_text("not a data file\n")
    loaded = load_mrpc(tmp_path)
    assert len(loaded) == 100 and {p.part for p in loaded} == {"train", "heldout"}

    doc = run_cli("paraphrase", "--data", str(tmp_path))
    m = doc["metrics"]["mrpc"]
    assert m["n"] == 40 and m["mode"] == "stored model on part(s) heldout"
    assert m["by_part"]["train"]["mode"].startswith("cross-validated")  # never the model that saw it
    assert m["by_part"]["train"]["n"] == 60
    for part in m["by_part"].values():
        assert all(in_unit(part[k]) for k in ("accuracy", "f1", "roc_auc"))
        assert 0 < part["recall"] < 1 or 0 < part["specificity"] < 1  # not one answer for every pair
    assert m["roc_auc"] > 0.6


def test_f3_every_jsonl_and_facts_task(tmp_path):
    src = shared_set("f3") / "pairs.jsonl"
    lines = [line for line in src.read_text(encoding="utf-8").splitlines(keepends=True) if line.strip()]
    fake = [line for line in lines if '"ai_generated_label": "fake"' in line][:3]
    real = [line for line in lines if '"ai_generated_label": "real"' in line][:3]
    _copy_lines(src, tmp_path / "f3" / "pairs.jsonl", fake[:2] + real[:2])
    _copy_lines(src, tmp_path / "f3" / "more_pairs.jsonl", fake[2:] + real[2:])
    assert len(load_f3(tmp_path)) == 6

    doc = run_cli("facts", "--data", str(tmp_path))
    m = doc["metrics"]["f3"]
    assert m["n"] == 6 and m["positives"] == 3
    assert in_unit(m["balanced_accuracy"]) and in_unit(m["roc_auc"])
    assert m["balanced_accuracy"] >= 0.66  # the audit tells most of these apart
    assert set(m["by_strength"]) <= {"minor", "major", "critical"} and m["by_strength"]
    assert doc["settings"]["threshold"] > 0
    held = m.get("heldout")  # 3 + 3 pairs: a dev half of 3, with both classes
    if held is not None:
        assert held["dev_pairs"] + held["test_pairs"] == 6
        assert in_unit(held["refit"]["balanced_accuracy"]) and set(held["refit"]["weights"]) == set(tasks.WEIGHT_GRID)


def test_frank_every_jsonl_and_support_task(tmp_path):
    src = shared_set("frank") / "frank_article_summary_labels.jsonl"
    picked = {"pos": [], "neg": []}
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["dataset"] != "bbc":  # short articles: a fast test
                continue
            kind = "pos" if row["labels"]["Factuality"] < 1 else "neg"
            if len(picked[kind]) < 3:
                picked[kind].append(line)
            if all(len(v) == 3 for v in picked.values()):
                break
    _copy_lines(src, tmp_path / "frank" / "part_a.jsonl", picked["pos"][:2] + picked["neg"][:2])
    _copy_lines(src, tmp_path / "frank" / "part_b.jsonl", picked["pos"][2:] + picked["neg"][2:])
    assert len(list(load_frank(tmp_path))) == 6

    doc = run_cli("support", "--data", str(tmp_path))
    m = doc["metrics"]["frank"]
    assert m["n"] == 6 and m["positives"] == 3
    assert in_unit(m["balanced_accuracy"]) and in_unit(m["roc_auc"])
    assert set(m["by_dataset"]) == {"bbc"}


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        dst.symlink_to(src)
    except OSError:  # no symlinks on this file system
        shutil.copyfile(src, dst)


def test_llmfake_renamed_generator_folder_and_lineage_task(tmp_path):
    base = shared_set("llmfake")
    files = sorted((base / "chatgpt_3.5_generation" / "coaid").glob("*_coaid_*_generation_processed.csv"))
    wanted = [f for f in files if "paraphrase_generation" in f.name or "rewrite_generation" in f.name]
    assert len(wanted) == 2
    for f in wanted:  # another generator folder and another file-name prefix, same pattern
        _link(f, tmp_path / "llmfake" / "other_model" / "coaid" / f.name.replace("synthetic-gpt-3.5-turbo", "copy"))
    rows = list(load_llmfake(tmp_path))
    assert rows and {r.generator for r in rows} == {"other_model"}
    assert {r.method for r in rows} == {"paraphrase_generation", "rewrite_generation"}

    doc = run_cli("lineage", "--data", str(tmp_path), "--limit", "3")
    m = doc["metrics"]["llmfake"]
    assert m["n_true"] == 6 and m["reports"] == 12  # 3 sources x 2 rewrites, + 3 unrelated
    assert all(in_unit(m[k]) for k in ("precision", "recall", "f1", "source_recall", "origin_recall"))
    assert m["f1"] >= 0.5  # clean paraphrases of their sources: most edges are found
    assert m["by_seed"]["101"]["grouping"]["ari"] > 0


def test_grouping_sets_with_extra_files_and_grouping_task(tmp_path):
    wiki = shared_set("wikiref220_news_clustering") / "WikiRef220"
    crisis = shared_set("ml_crisis_tls")
    target = tmp_path / "wikiref220_news_clustering" / "WikiRef220"
    picked = []
    for prefix in ("malaysia.airlines.flight.", "premier.league."):  # two topics, four short articles each
        files = [p for p in sorted(wiki.glob(prefix + "*.txt")) if p.stat().st_size < 6000]
        picked += files[:4]
    assert len(picked) == 8
    for p in picked:
        _link(p, target / p.name)
    shutil.copyfile(picked[0], target / "extra.topic.1.txt")  # an extra file of the pattern: its own topic
    assert len(load_wikiref(tmp_path)) == len(picked) + 1
    assert "extra.topic" in {d.label for d in load_wikiref(tmp_path)}

    # a language folder under another name, two topics, a few dates
    for topic in ("libya", "syria"):
        days = sorted(p for p in (crisis / "it" / topic).iterdir() if p.is_dir() and p.name[:2] == "20")[:3]
        for day in days:
            for f in sorted(day.glob("*.txt"))[:1]:
                if f.stat().st_size < 8000:
                    _link(f, tmp_path / "ml_crisis_tls" / "xx" / topic / day.name / f.name)
    docs = list(load_ml_crisis(tmp_path, langs=["xx"]))
    assert docs and {d.topic for d in docs} <= {"libya", "syria"}

    doc = run_cli("grouping", "--data", str(tmp_path))
    wm = doc["metrics"]["wikiref220_news_clustering"]
    assert wm["n"] == len(picked) + 1
    cm = doc["metrics"]["ml_crisis_tls"]
    assert set(cm["by_lang"]) == {"xx"} and cm["n"] == len(docs)
    for m in (wm, cm):
        assert all(in_unit(m[k]) for k in ("precision", "recall", "f1", "bcubed_f1"))
        assert in_unit(m["ari"], -1.0, 1.0)
        assert 1 <= m["stories"] <= m["n"]
    assert wm["bcubed_f1"] > 0.3 and wm["stories"] < wm["n"]  # something was grouped


def test_cap_words_cuts_long_documents_at_a_word_boundary():
    text = "one two\n\nthree  four five"
    assert tasks.cap_words(text, 3) == ("one two\n\nthree", True)
    assert tasks.cap_words(text, 5) == (text, False)
    assert tasks.cap_words("", 2) == ("", False)
