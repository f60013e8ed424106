"""Loaders of storytrace.eval.datasets: on tiny synthetic files, and on ../shared/datasets
when it is there (those tests skip cleanly otherwise)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from storytrace.eval.datasets import (
    LlmfakePair,
    build_llmfake_pile,
    clean_llmfake_pair,
    llmfake_filter_report,
    load_background_tls,
    load_f3,
    load_frank,
    load_llmfake,
    load_ml_crisis,
    load_mrpc,
    load_wikiref,
    strip_chat_residue,
    wikiref_label,
)
from tests.support.paths import DATASETS


def shared_set(name: str) -> Path:
    """The shared datasets folder, or skip when the set is not there (a fresh clone)."""
    if not (DATASETS / name).is_dir():
        pytest.skip(f"evaluation data not available: {DATASETS / name}")
    return DATASETS


# ============================================================================ synthetic files

LONG_SOURCE = (
    "The city council of Northfield voted 7 to 2 on Tuesday to close the old river bridge "
    "for repairs, after inspectors found corrosion in three of its steel supports. The mayor "
    "said the work would take about four months and cost 2.3 million dollars."
)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_missing_sets_raise_file_not_found_naming_the_path(tmp_path):
    loaders = [load_mrpc, load_f3, load_frank, load_llmfake, load_wikiref, load_ml_crisis, load_background_tls]
    for loader in loaders:
        with pytest.raises(FileNotFoundError) as exc:
            loader(tmp_path)
        assert str(tmp_path) in str(exc.value)
    (tmp_path / "mrpc").mkdir()
    with pytest.raises(FileNotFoundError, match="msr_paraphrase_"):
        load_mrpc(tmp_path)


def test_load_mrpc_bom_missing_header_and_bare_quotes(tmp_path):
    folder = tmp_path / "mrpc"
    folder.mkdir()
    header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
    (folder / "msr_paraphrase_train.tsv").write_text(
        header + '1\t11\t12\tHe said "no" twice.\tHe twice said "no".\n' + "0\t13\t14\tSales rose 5%.\tSales fell 5%.\n",
        encoding="utf-8",
    )
    # the raw mirror's form: BOM, no header
    (folder / "msr_paraphrase_test.tsv").write_bytes('\ufeff1\t21\t22\tA "quoted\tB\n'.encode("utf-8"))
    (folder / "notes.tsv").write_text("ignored\n", encoding="utf-8")
    pairs = load_mrpc(tmp_path)
    assert [(p.part, p.label) for p in pairs] == [("test", 1), ("train", 1), ("train", 0)]
    test_pair = pairs[0]
    assert test_pair.s1 == 'A "quoted' and test_pair.s2 == "B" and test_pair.id1 == "21"
    assert pairs[1].s1 == 'He said "no" twice.'
    assert pairs[1].id == "train:11-12"

    (folder / "msr_paraphrase_bad.tsv").write_text("1\t1\tonly three\n", encoding="utf-8")
    with pytest.raises(ValueError, match="msr_paraphrase_bad.tsv:1"):
        load_mrpc(tmp_path)


def test_load_f3(tmp_path):
    folder = tmp_path / "f3"
    folder.mkdir()
    rows = [
        {
            "uuid": "u1",
            "human_content": "src one",
            "ai_content": "der one",
            "ai_generated_label": "fake",
            "Prompt_type": "Critical",
            "dataset_source": "CoAID",
        },
        {
            "uuid": "u2",
            "human_content": "src two",
            "ai_content": "der two",
            "ai_generated_label": "real",
            "Prompt_type": "minor",
            "dataset_source": "FakeNewsNet_Gossipcop",
        },
    ]
    (folder / "pairs.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    out = load_f3(tmp_path)
    assert [(r.id, r.altered, r.strength) for r in out] == [("u1", True, "critical"), ("u2", False, "minor")]
    assert out[0].source_text == "src one" and out[0].derived_text == "der one"
    (folder / "more.jsonl").write_text(json.dumps({**rows[0], "ai_generated_label": "maybe"}) + "\n")
    with pytest.raises(ValueError, match="real/fake"):
        load_f3(tmp_path)


def test_load_frank_streams_every_jsonl(tmp_path):
    folder = tmp_path / "frank"
    folder.mkdir()
    labels = {"Factuality": 0.5, "CircE": 0.5, "EntE": 1.0, "Flip_CircE": 0.5}
    a = {
        "hash": "h1",
        "model_name": "bart",
        "split": "test",
        "dataset": "cnndm",
        "article": "A.",
        "summary": "S.",
        "labels": labels,
        "url": "http://x",
    }
    b = {**a, "model_name": "pgn", "labels": {"Factuality": 1.0}, "split": "valid"}
    (folder / "one.jsonl").write_text(json.dumps(a) + "\n" + json.dumps({"hash": "no labels"}) + "\n")
    (folder / "two.jsonl").write_text(json.dumps(b) + "\n")
    it = load_frank(tmp_path)
    assert iter(it) is it  # a generator, not a list
    out = list(it)
    assert [(r.id, r.unsupported, r.split) for r in out] == [("h1:bart", True, "test"), ("h1:pgn", False, "valid")]
    assert out[0].errors == {"CircE": 0.5, "EntE": 1.0}  # Factuality and Flip_* left out
    assert out[0].factuality == 0.5


def _llmfake_tree(root: Path, n_good: int = 6, n_extra: int = 4) -> None:
    """gen_a/coaid with paraphrase + rewrite files, plus a text-only file."""
    header = ["news_id", "news_text", "label", "theme", "synthetic_misinformation"]
    para, rew = [], []
    for i in range(n_good):
        src = f"Story {i}: " + LONG_SOURCE.replace("Northfield", f"Town{i}")
        para.append(
            [
                str(100 + i),
                src,
                "1",
                "0",
                f"Paraphrase {i}: in Town{i} the council decided, by seven votes to two, that the bridge will shut for four months of repairs.",
            ]
        )
        rew.append(
            [
                str(100 + i),
                src,
                "1",
                "0",
                f"Rewrite {i}: Town{i} is shutting its river bridge for a 2.3 million dollar repair after corroded supports were found.",
            ]
        )
    for i in range(n_extra):  # real-labelled rows: the "rewrite" is the source itself
        src = f"Other item {i}: " + LONG_SOURCE.replace("bridge", f"tunnel {i}")
        para.append([str(200 + i), src, "0", "0", src])
        rew.append([str(200 + i), src, "0", "0", src])
    # a refusal for one paraphrase and a boilerplate page shared by three ids
    para.append(["300", "Fresh " + LONG_SOURCE, "1", "0", "I'm sorry, but I cannot help with rewriting this article."])
    rew.append(["300", "Fresh " + LONG_SOURCE, "1", "0", "Fresh rewrite of the bridge closure story with several more words."])
    for k in range(3):
        para.append([f"40{k}", "Access denied | this site uses a security service", "1", "0", "Access was refused by the site."])
    folder = root / "llmfake" / "gen_a" / "coaid"
    _write_csv(folder / "synthetic-gpt-3.5-turbo_coaid_paraphrase_generation_processed.csv", header, para)
    _write_csv(folder / "synthetic-gpt-3.5-turbo_coaid_rewrite_generation_processed.csv", header, rew)
    _write_csv(
        root / "llmfake" / "gen_a" / "synthetic-gpt-3.5-turbo_hallucination.csv",
        ["label", "prompt", "synthetic misinformation"],
        [["1", "p", "text only"]],
    )


def test_load_llmfake_names_skip_text_only_and_big_fields(tmp_path):
    _llmfake_tree(tmp_path)
    # a field far above csv's default 131,072-character limit
    big = "word " * 60_000
    _write_csv(
        tmp_path
        / "llmfake"
        / "gen_b"
        / "gossipcop"
        / "synthetic-gpt-3.5-turbo_gossipcop_information_manipulation_Total_Fabrication_processed.csv",
        ["news_id", "news_text", "label", "lang", "theme", "synthetic_misinformation"],
        [["gossipcop-1", big, "1", "en", "0", "Short output of the big article with enough words."]],
    )
    recs = list(load_llmfake(tmp_path))
    files = Counter((r.generator, r.subset, r.method) for r in recs)
    assert files == {
        ("gen_a", "coaid", "paraphrase_generation"): 14,
        ("gen_a", "coaid", "rewrite_generation"): 11,
        ("gen_b", "gossipcop", "information_manipulation_Total_Fabrication"): 1,
    }
    assert len(next(r for r in recs if r.generator == "gen_b").source_text) > 200_000
    assert all(isinstance(r.news_id, str) for r in recs)
    shared = {r.news_id: r.source_shared for r in recs if r.method == "paraphrase_generation"}
    assert shared["400"] == 3 and shared["100"] == 1
    only = list(load_llmfake(tmp_path, generator="gen_a", methods=["rewrite_generation"]))
    assert len(only) == 11 and {r.method for r in only} == {"rewrite_generation"}


def test_load_llmfake_reads_column_names_written_other_ways(tmp_path):
    header = ["News_ID", "news text", "Label", "synthetic misinformation"]
    _write_csv(
        tmp_path / "llmfake" / "g" / "gossipcop" / "x_gossipcop_rewrite_generation.csv",
        header,
        [["gossipcop-7", LONG_SOURCE, "1", "A rewrite of the bridge closure story with several more words."]],
    )
    (rec,) = load_llmfake(tmp_path)
    assert rec.news_id == "gossipcop-7" and rec.label == 1
    assert rec.source_text == LONG_SOURCE and rec.derived_text.startswith("A rewrite")


def test_load_llmfake_repairs_macroman_quotes(tmp_path):
    header = ["news_id", "news_text", "label", "theme", "synthetic_misinformation"]
    _write_csv(
        tmp_path / "llmfake" / "g" / "coaid" / "x_coaid_paraphrase_generation.csv",
        header,
        [
            ["1", "Hospitals donÕt allow ÒvisitsÓ now.", "1", "0", "Visits are not allowed."],
            ["2", "Ó is a letter; Òscar stays as it is.", "1", "0", "Nothing to repair here."],
        ],
    )
    a, b = list(load_llmfake(tmp_path))
    assert a.source_text == "Hospitals don\u2019t allow \u201cvisits\u201d now." and a.repaired
    assert b.source_text == "Ó is a letter; Òscar stays as it is." and not b.repaired


def _pair(source: str, derived: str, shared: int = 1) -> dict:
    return {"source_text": source, "derived_text": derived, "source_shared": shared}


def test_clean_rejects_refusals_but_not_stories_that_say_sorry():
    ok, reason = clean_llmfake_pair(_pair(LONG_SOURCE, "I'm sorry, but I can't assist with rewriting this news article."))
    assert (ok, reason) == (False, "refusal")
    ok, reason = clean_llmfake_pair(
        _pair(LONG_SOURCE, "As an AI language model, I must point out that the bridge story above may be inaccurate.")
    )
    assert (ok, reason) == (False, "refusal")
    # the chat styles of open models: a refusal that opens with a warning, or calls itself an AI later on
    for text in (
        "I cannot fulfill your request. I'm just an AI, it's not within my programming to write misleading news.",
        "As a responsible and ethical AI language model, I must inform you that this article spreads false claims.",
        "I must point out that the passage contains claims that are not supported by evidence.",
        "The bridge story is interesting. However, as a helpful AI model I cannot spread rumours about it.",
    ):
        ok, reason = clean_llmfake_pair(_pair(LONG_SOURCE, text))
        assert (ok, reason) == (False, "refusal"), text
    # a news story about an AI model is not a refusal
    news = "The council of Northfield presented a chatbot, a new AI model, to inspect the river bridge supports on Tuesday."
    assert clean_llmfake_pair(_pair(LONG_SOURCE, news)).ok
    # the story itself opens with "Sorry," — not a refusal
    story = "Sorry, Rover. The park has a new favourite dog. " + LONG_SOURCE
    ok, reason = clean_llmfake_pair(
        _pair(story, "Sorry, Rover: the park's new favourite is a terrier, and " + LONG_SOURCE.lower()[:120])
    )
    assert ok and reason == "ok"


def test_clean_rejects_an_output_that_carries_nothing_of_its_source():
    # the instruction echoed back, and a continuation of text the stored source does not hold
    for text in (
        "Please paraphrase the passage in your own words without changing its meaning.",
        "Her hospital sent a bill of 25000 once the doctor cleared her to leave.",
    ):
        assert clean_llmfake_pair(_pair(LONG_SOURCE, text)).reason == "no_source_content", text
    # two content words of the source are enough: a short paraphrase keeps little more
    kept = "Lawmakers in Northfield agreed this week that the crossing shuts while the bridge is mended."
    assert clean_llmfake_pair(_pair(LONG_SOURCE, kept)).ok


def test_clean_strips_chat_residue_instead_of_rejecting():
    body = "Northfield's council voted seven to two to shut the corroded river bridge for four months of repairs."
    check = clean_llmfake_pair(_pair(LONG_SOURCE, "Sure! Here is the paraphrased text:\n\n" + body))
    ok, reason = check
    assert ok and reason == "ok"
    assert check.text == body
    assert "Sure!" in check.stripped and "paraphrased text" in check.stripped
    check = clean_llmfake_pair(_pair(LONG_SOURCE, "Can you paraphrase this passage? Sure! " + body))
    assert check.ok and check.text == body
    check = clean_llmfake_pair(_pair(LONG_SOURCE, f'As a reporter, here is my paraphrased version of the text:\n\n"{body}"'))
    assert check.ok and check.text == body  # the wrapping quotes go with the announcement
    check = clean_llmfake_pair(
        _pair(LONG_SOURCE, body + "\n\nNote: This article is fictional and was generated by an AI language model.")
    )
    assert check.ok and check.text == body
    # nothing to strip: the text is untouched
    check = clean_llmfake_pair(_pair(LONG_SOURCE, body))
    assert check.text == body and check.stripped == ""
    # residue and nothing else
    ok, reason = clean_llmfake_pair(_pair(LONG_SOURCE, "Sure! Here is the rewritten article:"))
    assert (ok, reason) == (False, "empty_derived")
    assert (
        strip_chat_residue("Title: Bridge shut\n\nDate: [Insert Date]\n\nThe bridge is shut.")[0]
        == "Bridge shut\n\nThe bridge is shut."
    )
    assert strip_chat_residue("**Title:** Bridge shut\n\nThe bridge is shut.")[0] == "Bridge shut\n\nThe bridge is shut."
    # the model describing its own edit, at the end
    check = clean_llmfake_pair(
        _pair(LONG_SOURCE, body + "\n\nIn this rewritten version, I have kept the facts and changed the wording.")
    )
    assert check.ok and check.text == body
    check = clean_llmfake_pair(_pair(LONG_SOURCE, body + "\n\nNote: I have paraphrased the original passage."))
    assert check.ok and check.text == body
    # a closing paragraph of the story itself stays
    ending = body + "\n\nThe repairs are due to end in May."
    assert clean_llmfake_pair(_pair(LONG_SOURCE, ending)).text == ending


def test_clean_copy_short_boilerplate_and_near_copy():
    assert tuple(clean_llmfake_pair(_pair(LONG_SOURCE, "  " + LONG_SOURCE.upper() + "\n"))) == (False, "verbatim_copy")
    # the "rewrite" is the uncut original of which the source is the first part
    assert tuple(clean_llmfake_pair(_pair(LONG_SOURCE[:150], LONG_SOURCE))) == (False, "verbatim_copy")
    assert tuple(clean_llmfake_pair(_pair(LONG_SOURCE, ""))) == (False, "empty_derived")
    assert tuple(clean_llmfake_pair(_pair("Martial law is imminent.", "Martial law will soon be declared in the country."))) == (
        False,
        "short_source",
    )
    page = "Access denied | www.example.org blocked this request; to continue reading please enable cookies and then reload this page in your browser."
    assert tuple(clean_llmfake_pair(_pair(page, "The website denied access and asked visitors to enable cookies."))) == (
        False,
        "boilerplate_source",
    )
    shared_page = LONG_SOURCE  # a short text behind three news_ids
    assert tuple(clean_llmfake_pair(_pair(shared_page, "A different wording of the bridge closure story.", shared=3))) == (
        False,
        "boilerplate_source",
    )
    assert tuple(clean_llmfake_pair(_pair(LONG_SOURCE, "Bridge shut."))) == (False, "short_derived")
    # a light edit of the source passes but is flagged
    edited = LONG_SOURCE.replace("Tuesday", "Wednesday")
    check = clean_llmfake_pair(_pair(LONG_SOURCE, edited))
    assert check.ok and check.near_copy and check.containment > 0.9
    far = clean_llmfake_pair(
        _pair(
            LONG_SOURCE,
            "Repairs will close Northfield's old bridge for roughly four months, officials confirmed after a split vote.",
        )
    )
    assert far.ok and not far.near_copy
    # records work as well as mappings
    rec = LlmfakePair("i", "g", "coaid", "paraphrase_generation", "1", LONG_SOURCE, edited, 1, 1, False, "f.csv", 1)
    assert clean_llmfake_pair(rec).ok


def test_build_llmfake_pile_on_synthetic_data(tmp_path):
    _llmfake_tree(tmp_path, n_good=6, n_extra=4)
    pile = build_llmfake_pile(tmp_path, n_sources=3, n_unrelated=2, seed=5)
    assert len(pile.reports) == 3 + 3 * 2 + 2
    assert len(pile.edges) == 6
    roles = Counter(m["role"] for m in pile.info.values())
    assert roles == {"source": 3, "rewrite": 6, "unrelated": 2}
    # news 300 has a refused paraphrase: never a source; the boilerplate page (40x) is
    # never used at all; unrelated reports never share a news_id with a source
    sources = {m["news_id"] for m in pile.info.values() if m["role"] == "source"}
    unrelated = {m["news_id"] for m in pile.info.values() if m["role"] == "unrelated"}
    assert sources <= {"100", "101", "102", "103", "104", "105"}
    assert not sources & unrelated
    assert not {"400", "401", "402"} & (sources | unrelated)
    by_id = {r["id"]: r for r in pile.reports}
    for src, der in pile.edges:
        lag = (date.fromisoformat(by_id[der]["published"]) - date.fromisoformat(by_id[src]["published"])).days
        assert 1 <= lag <= 6
    # rewrites are the cleaned texts, sources the stored ones
    texts = {pile.info[r["id"]]["role"]: r["text"] for r in pile.reports}
    assert texts["rewrite"].startswith(("Paraphrase", "Rewrite")) and texts["source"].startswith("Story")
    assert pile.to_dict() == build_llmfake_pile(tmp_path, n_sources=3, n_unrelated=2, seed=5).to_dict()
    with pytest.raises(ValueError, match="only 6 sources"):
        build_llmfake_pile(tmp_path, n_sources=7, n_unrelated=0, seed=5)
    with pytest.raises(ValueError, match="lag_days"):
        build_llmfake_pile(tmp_path, n_sources=1, n_unrelated=0, methods=("a", "b", "c"), lag_days=(1, 2))


def test_wikiref_labels_and_encoding(tmp_path):
    folder = tmp_path / "wikiref220_news_clustering" / "WikiRef220"
    folder.mkdir(parents=True)
    (folder / "ParisAttacks2015 (12).txt").write_bytes("Headline \x93quoted\x94\r\n\r\nBody caf\xe9.\r\n".encode("latin-1"))
    (folder / "samsung.galaxy.s5.13.txt").write_bytes(b"Galaxy\r\ntext\r\n")
    (folder / "U2.149.txt").write_bytes(b"\r\nBand\r\nundefined in cp1252: \x81\r\n")
    docs = load_wikiref(tmp_path)
    by_id = {d.id: d for d in docs}
    assert [d.label for d in docs] == ["ParisAttacks2015", "U2", "samsung.galaxy.s5"]
    paris = by_id["ParisAttacks2015 (12).txt"]
    assert paris.title == "Headline \u201cquoted\u201d"
    assert paris.text == "Headline \u201cquoted\u201d\n\nBody caf\u00e9.\n"
    assert by_id["U2.149.txt"].title == "Band" and "\x81" in by_id["U2.149.txt"].text  # latin-1 fallback
    assert wikiref_label("malaysia.airlines.flight.10.txt") == "malaysia.airlines.flight"
    assert wikiref_label("stephen.hawking.275.txt") == "stephen.hawking"


def test_load_ml_crisis_tree(tmp_path):
    base = tmp_path / "ml_crisis_tls"
    for lang, topic, day, name, text in [
        ("es", "egypt", "2011-01-26", "gv_3.txt", "Titular\nCuerpo"),
        ("es", "egypt", "2011-01-25", "ext_1.txt", "Otro"),
        ("es", "syria", "2012-05-01", "ext_2.txt", "Siria"),
        ("fr", "libya", "2011-02-14", "gv_1.txt", "Libye"),
    ]:
        p = base / lang / topic / day / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    (base / "es" / "reference").mkdir()
    (base / "es" / "reference" / "egypt.txt").write_text("2011-01-25\nx\n---\n")
    (base / "es" / "egypt" / "notes").mkdir()
    (base / "es" / "egypt" / "notes" / "x.txt").write_text("not dated")
    it = load_ml_crisis(tmp_path, langs=("es",))
    docs = list(it)
    assert [d.id for d in docs] == [
        "es/egypt/2011-01-25/ext_1.txt",
        "es/egypt/2011-01-26/gv_3.txt",
        "es/syria/2012-05-01/ext_2.txt",
    ]
    assert docs[1].published == "2011-01-26" and docs[1].topic == "egypt" and docs[1].title == "Titular"
    assert docs[1].source == "gv" and docs[0].source == "ext"
    assert len(list(load_ml_crisis(tmp_path, langs=("es", "fr")))) == 4
    with pytest.raises(FileNotFoundError, match="it"):
        load_ml_crisis(tmp_path, langs=("it",))


def test_load_background_tls(tmp_path):
    base = tmp_path / "background_summaries_tls"
    ev = base / "events" / "bridge_collapse"
    ev.mkdir(parents=True)
    (ev / "annotator1.tsv").write_text(
        'Date\tUpdate\tBackground\n[2010-04-20]\t"The bridge falls. \\nTwo hurt."\t\n'
        '[2010-04-21]\t"Inquiry opens."\t"On April 20 the bridge fell."\n',
        encoding="utf-8",
    )
    (ev / "annotator2.tsv").write_text('Date\tUpdate\tBackground\n[2010-04-20]\t"Other words."\t\n', encoding="utf-8")
    (base / "splits").mkdir()
    (base / "splits" / "dev.txt").write_text("bridge_collapse")
    out = load_background_tls(tmp_path)
    assert [(u.date, u.event, u.split) for u in out] == [
        ("2010-04-20", "bridge_collapse", "dev"),
        ("2010-04-21", "bridge_collapse", "dev"),
    ]
    assert out[0].text == "The bridge falls. \nTwo hurt." and out[0].background == ""
    assert len(load_background_tls(tmp_path, annotators=("annotator1", "annotator2"))) == 3
    (ev / "annotator1.tsv").write_text('Date\tUpdate\tBackground\n2010-13-40\t"x"\t\n', encoding="utf-8")
    with pytest.raises(ValueError, match="annotator1.tsv:2"):
        load_background_tls(tmp_path)


# ============================================================================ the shared data


@pytest.mark.slow
def test_real_mrpc():
    pairs = load_mrpc(shared_set("mrpc"))
    train = [p for p in pairs if p.part == "train"]
    assert len(train) == 4076
    assert sum(p.label for p in train) == 2753
    assert all(p.s1 and p.s2 for p in pairs)
    if any(p.part == "test" for p in pairs):
        test = [p for p in pairs if p.part == "test"]
        assert (len(test), sum(p.label for p in test)) == (1725, 1147)


@pytest.mark.slow
def test_real_f3():
    pairs = load_f3(shared_set("f3"))
    assert len(pairs) == 993 and len({p.id for p in pairs}) == 993
    assert sum(p.altered for p in pairs) == 609
    assert Counter(p.strength for p in pairs) == {"major": 363, "minor": 340, "critical": 290}
    assert all(p.source_text and p.derived_text for p in pairs)


@pytest.mark.slow
def test_real_frank():
    pairs = list(load_frank(shared_set("frank")))
    assert len(pairs) == 2246 and len({p.id for p in pairs}) == 2246
    assert sum(p.unsupported for p in pairs) == 1436
    assert Counter(p.split for p in pairs) == {"test": 1575, "valid": 671}
    assert Counter(p.dataset for p in pairs) == {"cnndm": 1250, "bbc": 996}
    assert all("CircE" in p.errors and not any(k.startswith("Flip_") for k in p.errors) for p in pairs)


@pytest.mark.slow
def test_real_wikiref():
    docs = load_wikiref(shared_set("wikiref220_news_clustering"))
    labels = Counter(d.label for d in docs)
    assert len(docs) == 220 and len(labels) == 16
    assert {k: v for k, v in labels.items() if v > 5} == {
        "malaysia.airlines.flight": 39,
        "michelle.obama": 38,
        "premier.league": 37,
        "ParisAttacks2015": 36,
        "samsung.galaxy.s5": 35,
    }
    assert all(d.title and "\r" not in d.text for d in docs)


@pytest.mark.slow
def test_real_ml_crisis():
    root = shared_set("ml_crisis_tls")
    counts = {}
    for lang in ("es", "fr", "it"):
        docs = list(load_ml_crisis(root, langs=(lang,)))
        counts[lang] = len(docs)
        assert {d.topic for d in docs} == {"egypt", "libya", "syria", "yemen"}
        assert all(date.fromisoformat(d.published) and d.lang == lang for d in docs)
    assert counts == {"es": 791, "fr": 469, "it": 411}
    es = Counter(d.topic for d in load_ml_crisis(root, langs=("es",)))
    assert es == {"syria": 323, "libya": 195, "egypt": 176, "yemen": 97}


@pytest.mark.slow
def test_real_background_tls():
    updates = load_background_tls(shared_set("background_summaries_tls"))
    events = Counter(u.event for u in updates)
    assert len(updates) == 1091 and len(events) == 14
    assert events["bp_oil_spill"] == 118
    assert not any("\\n" in u.text for u in updates)
    for ev in events:  # each chain is in date order, one update a day
        days = [u.date for u in updates if u.event == ev]
        assert days == sorted(days) and len(set(days)) == len(days)
    assert {u.split for u in updates if u.event in ("swine_flu", "mj_death", "nsa_leak")} == {"train", "dev", "test"}


@pytest.mark.slow
def test_real_llmfake_rows_and_filter():
    root = shared_set("llmfake")
    # the ChatGPT folder's counts: the other generators' folders hold other rows
    recs = list(load_llmfake(root, generator="chatgpt_3.5_generation"))
    per_file = Counter((r.subset, r.method) for r in recs)
    assert per_file[("coaid", "paraphrase_generation")] == 544
    assert per_file[("gossipcop", "rewrite_generation")] == 582
    report = llmfake_filter_report(root)
    chat = "chatgpt_3.5_generation"
    for method in ("paraphrase_generation", "rewrite_generation"):
        # every real-labelled CoAID row and 351 GossipCop rows are copies of the source
        assert report[f"{chat}/coaid/{method}"]["verbatim_copy"] == 458
        assert report[f"{chat}/gossipcop/{method}"]["verbatim_copy"] == 351
        assert report[f"{chat}/coaid/{method}"]["ok"] == 45
        assert report[f"{chat}/gossipcop/{method}"]["ok"] == 221
    # the two "As a journalist, ... paraphrase ...:" answers are stripped, not rejected
    # (5269 then fails on its own: its source is a 19-word claim)
    checks = {
        r.news_id: clean_llmfake_pair(r) for r in recs if r.news_id in ("5269", "5439") and r.method == "paraphrase_generation"
    }
    assert len(checks) == 2
    assert all(c.stripped.startswith("As a journalist") and not c.text.startswith("As a") for c in checks.values())
    assert tuple(checks["5439"]) == (True, "ok") and tuple(checks["5269"]) == (False, "short_source")


@pytest.mark.slow
def test_real_llmfake_pile():
    root = shared_set("llmfake")
    a = build_llmfake_pile(root, n_sources=40, n_unrelated=30, seed=11)
    b = build_llmfake_pile(root, n_sources=40, n_unrelated=30, seed=11)
    c = build_llmfake_pile(root, n_sources=40, n_unrelated=30, seed=12)
    assert a.to_dict() == b.to_dict()
    assert a.to_dict() != c.to_dict()

    by_id = {r["id"]: r for r in a.reports}
    assert len(by_id) == len(a.reports) == 40 * 3 + 30
    assert set(a.groups) == set(by_id)
    assert len(a.edges) == 80
    role = {rid: m["role"] for rid, m in a.info.items()}
    unrelated = {rid for rid, r in role.items() if r == "unrelated"}
    assert len(unrelated) == 30
    children: dict[str, list[str]] = {}
    for src, der in a.edges:
        assert role[src] == "source" and role[der] == "rewrite"
        assert der not in unrelated and src not in unrelated
        lag = (date.fromisoformat(by_id[der]["published"]) - date.fromisoformat(by_id[src]["published"])).days
        assert 1 <= lag <= 6
        assert a.groups[src] == a.groups[der]
        children.setdefault(src, []).append(by_id[der]["published"])
    # the sibling trap: the two rewrites of a source never share a day
    assert all(len(set(days)) == len(days) == 2 for days in children.values())
    # unrelated reports: their own stories, news_ids never used by a source
    source_news = {a.info[rid]["news_id"] for rid, r in role.items() if r == "source"}
    assert not source_news & {a.info[rid]["news_id"] for rid in unrelated}
    assert len({a.groups[rid] for rid in unrelated}) == 30
    assert not {a.groups[rid] for rid in unrelated} & {a.groups[s] for s, _ in a.edges}
    # ids and report fields say nothing about roles
    assert all(set(r) == {"id", "text", "published", "outlet"} for r in a.reports)
    assert all(re.fullmatch(r"r[0-9a-f]{12}", r["id"]) for r in a.reports)
    assert [r["id"] for r in a.reports] == sorted(by_id)  # listed by id, not by role
    assert all(r["text"].strip() for r in a.reports)
    # a different generator folder that is not there
    with pytest.raises(ValueError):
        build_llmfake_pile(root, n_sources=2, n_unrelated=0, seed=1, generator="no_such_generator")
