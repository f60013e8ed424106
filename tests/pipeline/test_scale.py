"""The scale design (issue 7): cheap candidates, blocks of aligned pairs, batching, the pool."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from storytrace.model import Article, parse_published
from tests.support.paths import DATASETS, ROOT
from tests.support.sample import articles, doc_of, sample_rows

# ------------------------------------------------------------------------------ candidates


PARA = [
    "The mayor of Lisbon, Ana Ferreira, opened the new Alcantara bridge on Monday after four years of work.",
    "The bridge cost 320 million euros and carries 60,000 cars a day, the city said.",
    "Critics in the Loures district say the toll of 2.40 euros is too high for commuters.",
]


def _corpus() -> list[Article]:
    source = " ".join(PARA)
    rewrite = (
        "Ana Ferreira, Lisbon's mayor, inaugurated the Alcantara bridge on Monday following four years of construction. "
        "According to the city, the 320 million euro bridge will carry 60,000 vehicles daily. "
        "Residents of Loures complain that the 2.40 euro toll is too steep for commuters."
    )
    summary = "Lisbon mayor Ana Ferreira opened the 320 million euro Alcantara bridge; Loures commuters object to the toll."
    others = [
        "Heavy rain flooded parts of Valencia on Tuesday, and the regional government closed schools in Torrent and Paiporta.",
        "The central bank of Norway kept its policy rate at 4.5 percent, citing stubborn inflation in services.",
        "A new exhibition of Hokusai prints opens at the Ashmolean museum in Oxford next month.",
        "Farmers in Brittany blocked roads near Rennes to protest against falling milk prices and new rules.",
    ]
    arts = [
        Article(id="src", text=source, published=parse_published("2024-03-01")),
        Article(id="rw", text=rewrite, published=parse_published("2024-03-02")),
        Article(id="sum", text=summary, published=parse_published("2024-03-03")),
        Article(id="undated", text=source + " More to follow.", published=None),
    ]
    arts += [Article(id=f"o{k}", text=t, published=parse_published(f"2024-03-0{k + 1}")) for k, t in enumerate(others)]
    return sorted(arts, key=Article.sort_key)


def test_plan_finds_paraphrase_and_summary_without_vectors():
    from storytrace.pipeline import make_plan

    arts = _corpus()
    plan = make_plan(arts)
    pos = {a.id: k for k, a in enumerate(plan.articles)}
    pairs = {(plan.articles[a].id, plan.articles[b].id) for a, bs in plan.lineage.items() for b in bs}
    assert ("src", "rw") in pairs and ("src", "sum") in pairs
    # undated reports take part in no edge, so lineage never aligns them
    assert pos["undated"] not in plan.lineage
    # unrelated reports are not compared, so they are never embedded
    assert not any(plan.articles[k].id.startswith("o") for comp in plan.components for k in comp)
    # but the undated near-copy is still a grouping neighbour of its source
    assert pos["undated"] in plan.neighbours.get(pos["src"], set())


def test_plan_is_deterministic_and_order_free():
    from storytrace.pipeline import make_plan

    arts = _corpus()
    a = make_plan(arts)
    b = make_plan(sorted(_corpus()[::-1], key=Article.sort_key))
    assert a.lineage == b.lineage and a.neighbours == b.neighbours and a.components == b.components


def test_term_neighbours_skip_common_terms():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storytrace.index.candidates import term_neighbours

    # 60 reports share the word "market" and nothing else: no pairs from a common word
    texts = [f"market report number{k} zebra{k} quagga{k}" for k in range(60)] + [
        "Xanthippe Quorvald visited Ulan",
        "Quorvald and Xanthippe left Ulan",
    ]
    x = TfidfVectorizer().fit_transform(texts)
    df = np.bincount(x.indices, minlength=x.shape[1])
    idf = (np.log((1 + x.shape[0]) / (1 + df)) + 1).astype(np.float32)
    import storytrace.index.candidates as c

    saved = c.DF_CAP_MIN
    c.DF_CAP_MIN = 10
    try:
        pairs = term_neighbours(x, idf)
    finally:
        c.DF_CAP_MIN = saved
    assert pairs == {(60, 61)}


# ------------------------------------------------------------------------------ batching


def test_encoder_output_does_not_depend_on_batch_mates():
    """prepare_many batches the sentences of many reports together; this is why it may."""
    from storytrace.align.aligner import prepare
    from storytrace.engines.tasks import prepare_many
    from storytrace.segment import segment

    arts = articles(sample_rows())
    for a in arts:
        segment(a)
    alone = prepare(arts)
    together, fresh = prepare_many(arts)
    assert sorted(fresh) == sorted(a.id for a in arts)
    for a in arts:
        assert np.array_equal(alone[a.id].vectors, together[a.id].vectors)
        assert len(alone[a.id].tokens) == len(together[a.id].tokens)
        for x, y in zip(alone[a.id].tokens, together[a.id].tokens, strict=False):
            assert np.array_equal(x, y)


# ------------------------------------------------------------------------------ components


@pytest.mark.parametrize("spill", [True, False])
def test_blocks_of_pairs_then_one_lineage_pass_equal_one_pass(tmp_path, spill):
    from storytrace.align.aligner import prepare
    from storytrace.index.embed import encoder_name
    from storytrace.lineage.lineage import PairCache, trace_lineage
    from storytrace.pipeline import LineageWork, make_plan
    from storytrace.segment import segment

    arts = sorted(articles(sample_rows()), key=Article.sort_key)
    plan = make_plan(arts)
    work = LineageWork(plan, task_sentences=1)  # one report a block: pairs cross blocks
    assert len(work.blocks) >= 3
    cache = PairCache({})
    work.run(map, cache, str(tmp_path) if spill else None, encoder_name())
    assert work.stats["pairs_across_blocks"] > 0
    blocks = work.decide(cache)

    fresh = sorted(articles(sample_rows()), key=Article.sort_key)
    for a in fresh:
        segment(a)
    cands = {plan.articles[k].id: [plan.articles[j].id for j in sorted(v)] for k, v in plan.lineage.items()}
    whole = trace_lineage(fresh, cands, PairCache(prepare(fresh)))
    assert whole.edges
    assert [e.to_dict() for e in blocks.edges] == [e.to_dict() for e in whole.edges]
    assert [a.to_dict() for a in blocks.alignments] == [a.to_dict() for a in whole.alignments]
    assert blocks.parents == whole.parents


def test_pool_gives_the_same_trace_as_one_process():
    from storytrace.pipeline import trace

    rows = sample_rows()
    serial = trace(articles(rows), workers=1, task_sentences=1)
    pooled = trace(articles(rows), workers=2, task_sentences=1)
    assert doc_of(serial) == doc_of(pooled)
    assert any(s.edges for s in serial.stories) and any(s.findings for s in serial.stories)


def test_audit_reads_only_edge_participants():
    from storytrace.pipeline import trace

    result = trace(articles(sample_rows()), workers=1)
    in_edges = {x for s in result.stories for e in s.edges for x in (e.source, e.derived)}
    for a in result.articles:
        assert ("profile" in a.meta) == (a.id in in_edges)
    # findings only on derived reports with an edge
    assert {f.derived for s in result.stories for f in s.findings} <= {e.derived for s in result.stories for e in s.edges}


@pytest.mark.slow
@pytest.mark.skipif(not (DATASETS / "llmfake").is_dir(), reason="needs ../shared/datasets")
def test_scale_corpus_is_nested_and_deterministic(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("scale_corpus", ROOT / "bench" / "scale_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scale_corpus"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    real = mod.real_units(DATASETS)
    units = list(__import__("itertools").islice(mod.synthetic_units(real, 0), 30))
    again = list(__import__("itertools").islice(mod.synthetic_units(real, 0), 30))
    assert [u.texts for u in units] == [u.texts for u in again]
    stories = [u for u in units if u.kind == "story"]
    assert stories and all(len(u.texts) == len(u.derived_info) + 1 for u in stories)
    rows = mod.place(stories[0], 0, 99)
    assert rows[0]["_truth"]["role"] == "source"
    assert all(r["published"] > rows[0]["published"] for r in rows[1:])
