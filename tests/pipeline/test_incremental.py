"""A store that grows is audited only where it changed, and traces exactly as a fresh one.

Each trace keeps the audit of every story by the hash of what the audit reads
(``pipeline.audit_cache``); the next trace takes the stored audit of a story whose inputs did
not change. The output must equal a trace of the same store from scratch: checked on the
shipped demo corpus and the seeds (always) and on an llmfake pile (when ../shared is there),
adding the reports in batches of 1, 10 and 100.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storytrace import api
from storytrace.engines.tasks import AuditOutput
from storytrace.model import Article, Claim, Finding, parse_published
from storytrace.pipeline.audit_cache import Unstorable, decode_output, encode_output
from tests.support.paths import DATASETS
from tests.support.sample import articles, doc_of, sample_rows


def _trace_fresh(tmp_path, arts: list[Article], name: str) -> dict:
    with api.Store(tmp_path / name) as store:
        api.ingest_articles(store, arts)
        return doc_of(api.trace_store(store))


def _trace_in_batches(tmp_path, arts: list[Article], batch: int, name: str) -> tuple[dict, list[dict]]:
    stats = []
    with api.Store(tmp_path / name) as store:
        for k in range(0, len(arts), batch):
            api.ingest_articles(store, arts[k : k + batch])
            result = api.trace_store(store)
            stats.append(result.stats)
        return doc_of(result), stats


def _llmfake_articles(n_sources: int) -> list[Article]:
    from storytrace.eval.datasets import build_llmfake_pile

    pile = build_llmfake_pile(DATASETS, n_sources=n_sources, n_unrelated=n_sources // 2, seed=3)
    return [
        Article(id=r["id"], text=r["text"], published=parse_published(r["published"]), outlet=r.get("outlet"))
        for r in pile.reports
    ]


def test_growing_store_equals_a_fresh_trace_and_reuses_audits(tmp_path):
    arts = articles(sample_rows())
    full = _trace_fresh(tmp_path, arts, "full.db")
    assert any(s["findings"] for s in full["stories"]), "the sample must have audited stories for this to test anything"
    grown, stats = _trace_in_batches(tmp_path, arts, 1, "grown.db")
    assert json.dumps(grown, sort_keys=True) == json.dumps(full, sort_keys=True)
    # tracing the same store again audits nothing: every story's audit is taken from the store
    with api.Store(tmp_path / "grown.db") as store:
        again = api.trace_store(store)
        assert again.stats["audits_reused"] == sum(1 for s in full["stories"] if s["edges"])
        assert not again.new_audits
        assert json.dumps(doc_of(again), sort_keys=True) == json.dumps(full, sort_keys=True)
        # only the audits of the latest trace's stories are kept
        assert store.count("audits") == len(again.audits)


def _with_a_second_altered_story(rows: list[dict]) -> list[dict]:
    """The sample plus a next-day copy of the demo's unrelated report with one figure changed:
    a second story with an altered derivative, so that the test has a story the late report
    does not touch even without ../shared (the demo alone has one audited story)."""
    unrelated = next(r for r in rows if r["id"] == "unrelated")
    assert "30,000 books" in unrelated["text"]
    altered = {**unrelated, "id": "unrelated-altered", "published": "2025-03-13"}
    altered["text"] = unrelated["text"].replace("30,000 books", "80,000 books")
    return [*rows, altered]


def test_a_stored_audit_is_not_used_when_its_inputs_changed(tmp_path):
    arts = articles(_with_a_second_altered_story(sample_rows()))
    with api.Store(tmp_path / "s.db") as store:
        api.ingest_articles(store, arts)
        first = api.trace_store(store).to_dict()
        # poison every stored audit: a story that takes its stored audit shows the poison, a
        # story whose inputs changed (one more report in it) must be audited afresh
        store.db.execute("UPDATE audits SET payload = replace(payload, 'facts_altered\":true', 'facts_altered\":false')")
        store.db.commit()
        derived = next(e["derived"] for s in first["stories"] for e in s["edges"] if e["verdict"]["facts_altered"])
        base = next(a for a in arts if a.id == derived)
        extra = Article(id="late-copy", text=base.text, published=datetime(2030, 1, 1, tzinfo=UTC))
        api.ingest_articles(store, [extra])
        grown = doc_of(api.trace_store(store))
    fresh = _trace_fresh(tmp_path, [*arts, extra], "fresh.db")
    touched = {s["id"]: s for s in fresh["stories"] if "late-copy" in s["articles"]}
    assert touched
    for story in grown["stories"]:
        if story["id"] in touched:
            assert story == touched[story["id"]]
    assert grown != fresh, "no stored audit was reused (the poison shows nowhere)"


@pytest.mark.slow
@pytest.mark.skipif(not (DATASETS / "llmfake").is_dir(), reason="../shared/datasets/llmfake is not here")
@pytest.mark.parametrize("batch", [10, 100])
def test_llmfake_pile_added_in_batches_equals_a_fresh_trace(tmp_path, batch):
    arts = _llmfake_articles(40 if batch == 100 else 16)
    full = _trace_fresh(tmp_path, arts, "full.db")
    grown, stats = _trace_in_batches(tmp_path, arts, batch, "grown.db")
    assert json.dumps(grown, sort_keys=True) == json.dumps(full, sort_keys=True)
    assert sum(s.get("audits_reused", 0) for s in stats) > 0, "every batch re-audited every story"


def test_audit_outputs_come_back_as_the_same_values():
    out = AuditOutput(
        story="s1",
        findings=[
            Finding("number_changed", "d", "s", 2, 3, "“30%” → “50%”", (4, 7), (10, 13), 50.0, 30.0),
            Finding("entity_dropped", "d", "s", None, 1, "names", None, (0, 5), ("A", "B"), ["A", "B"]),
        ],
        verdicts=[{"facts_altered": True, "score": 0.25, "counts": {"conflict": 1}}, None],
        profiles={"d": {"named_sources": ["Kirby"], "span": (1, 2)}},
        claims={"d": [Claim("quantity", 0, 4, 7, "30%", 30.0, {"unit": "%", "range": (1, 2), 3: "x"})]},
    )
    back = decode_output(encode_output(out))
    assert back == out
    assert type(back.findings[1].derived_value) is tuple and type(back.findings[1].source_value) is list
    assert back.claims["d"][0].attrs[3] == "x"


def test_an_unknown_value_type_is_refused_not_mangled():
    out = AuditOutput(story="s", findings=[], verdicts=[], profiles={"d": {"x": {1, 2}}}, claims={})
    with pytest.raises(Unstorable):
        encode_output(out)


def test_language_is_detected_at_ingest_and_not_again(tmp_path, monkeypatch):
    arts = articles(sample_rows())
    with api.Store(tmp_path / "s.db") as store:
        api.ingest_articles(store, arts)
        stored = store.articles()
        assert all("language" in a.meta for a in stored)
        assert {a.language for a in stored} == {a.meta["language"] for a in stored}
        assert "en" in {a.language for a in stored}

        def no_detection(text):
            raise AssertionError("the language of a stored report was detected again")

        monkeypatch.setattr("storytrace.segment.language.detect_language", no_detection)
        api.trace_store(store)
