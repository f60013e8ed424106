"""The static encoder: distilled once and cached, same interface as the transformer, and a
trace with it still finds the lineage of the demo and seed stories."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from storytrace import api
from storytrace.cli import app
from storytrace.index import embed, static
from storytrace.model import Article, parse_published
from storytrace.pipeline import trace
from tests.support.paths import DEMO, SEEDS


@pytest.fixture
def static_encoder(monkeypatch):
    monkeypatch.setenv(embed.ENV, "static")
    return embed.get_embedder()


def _demo() -> list[Article]:
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    return [Article(id=r["id"], text=r["text"], published=parse_published(r["published"]), outlet=r["outlet"]) for r in rows]


def _edges(result) -> set[tuple[str, str]]:
    return {(e.source, e.derived) for s in result.stories for e in s.edges}


def test_vectors_keep_meaning_apart(static_encoder):
    texts = [
        "The council approved a new budget for the city's schools on Tuesday.",
        "On Tuesday the city council passed a fresh budget for local schools.",
        "A storm knocked out power to thousands of homes along the coast.",
    ]
    vectors, tokens = static_encoder.encode_with_tokens(texts)
    assert vectors.shape == (3, static.DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1
    # content tokens only: "the", "a", "on" and punctuation carry no vector
    assert 0 < len(tokens[0]) < len(texts[0].split())
    # the same word has the same vector wherever it stands: "budget" meets "budget"
    assert (tokens[1] @ tokens[0].T).max() > 0.99
    again, _ = static_encoder.encode_with_tokens(texts)
    assert np.array_equal(vectors, again)


def test_auto_is_the_default_and_means_the_transformer_for_small_work(monkeypatch):
    monkeypatch.delenv(embed.ENV, raising=False)
    assert embed.is_auto()
    assert embed.encoder_name() == "minilm" and embed.dim() == 384
    assert embed.resolve(embed.AUTO_SENTENCES) == "minilm"
    assert embed.resolve(embed.AUTO_SENTENCES + 1) == "static"
    monkeypatch.setenv(embed.ENV, "static")
    assert embed.encoder_name() == "static" and embed.dim() == static.DIM
    assert embed.model_id() != embed.MODEL_ID  # stored vectors of the two never mix


def test_unknown_encoder_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(embed.ENV, "bert-huge")
    with pytest.raises(ValueError, match="bert-huge"):
        embed.encoder_name()
    monkeypatch.delenv(embed.ENV)
    result = CliRunner().invoke(app, ["trace", str(DEMO), "--db", str(tmp_path / "s.db"), "--encoder", "bert-huge", "-q"])
    assert result.exit_code == 2 and "bert-huge" in result.output


def test_demo_lineage_with_the_static_encoder(static_encoder):
    result = trace(_demo())
    assert _edges(result) == {("origin", "copy"), ("origin", "rewrite")}
    story = next(s for s in result.stories if "rewrite" in s.articles)
    assert "unrelated" not in story.articles
    copied = [a.relation for a in story.alignments if a.derived == "copy"]
    assert copied.count("verbatim") >= 0.7 * len(copied)


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_seed_lineage_with_the_static_encoder(static_encoder):
    arts = []
    for path in sorted(SEEDS.glob("0*.txt")):
        text = path.read_text(encoding="utf-8")
        m = re.match(r"^ date (\d{4}-\d\d-\d\d) ", text)
        arts.append(Article(id=path.stem[:3], text=text[m.end() :], published=parse_published(m.group(1))))
    edges = _edges(trace(arts))
    assert ("000", "001") in edges and ("000", "002") in edges
    assert not {("001", "002"), ("002", "001")} & edges


def test_switching_encoders_on_one_store(monkeypatch, tmp_path):
    """Each encoder's vectors are stored under its own id: a trace never reads the other's."""
    db = tmp_path / "store.db"
    monkeypatch.delenv(embed.ENV, raising=False)
    with api.Store(db) as store:
        api.ingest_articles(store, _demo())
        first = api.trace_store(store).to_dict()
    monkeypatch.setenv(embed.ENV, "static")
    with api.Store(db) as store:
        fast = api.trace_store(store)
        assert _edges(fast) == {("origin", "copy"), ("origin", "rewrite")}
    monkeypatch.delenv(embed.ENV)
    with api.Store(db) as store:
        assert api.trace_store(store).to_dict() == first


class _FakeTokenizer:
    def get_vocab_size(self):
        return 300

    def token_to_id(self, token):
        return {"[CLS]": 1, "[SEP]": 2}[token]


class _FakeSession:
    def run(self, _outputs, feeds):
        ids = feeds["input_ids"].astype(np.float32)
        # a deterministic stand-in for the transformer's last hidden state
        hidden = np.sin(ids[..., None] * np.arange(1, 385, dtype=np.float32) / 97.0)
        return [hidden]


class _FakeEmbedder:
    tokenizer = _FakeTokenizer()
    session = _FakeSession()
    input_names = {"input_ids", "attention_mask"}


def test_table_is_cached_and_a_damaged_cache_is_made_again(monkeypatch, tmp_path):
    monkeypatch.setenv("STORYTRACE_CACHE", str(tmp_path))
    calls = []

    def factory():
        calls.append(1)
        return _FakeEmbedder()

    table = static.load_table(factory)
    assert table.shape == (300, static.DIM) and table.dtype == np.float32
    assert np.array_equal(static.load_table(factory), table) and len(calls) == 1  # read from the cache
    static.table_path().write_bytes(b"not a numpy file")
    assert np.array_equal(static.load_table(factory), table) and len(calls) == 2
    assert not list(tmp_path.glob("*.tmp"))  # no half-written file left behind


def test_auto_is_resolved_per_trace_and_restored(monkeypatch):
    """``auto`` picks the static table only for a trace that embeds more than AUTO_SENTENCES
    sentences; an explicit choice is never overridden; after the trace, ``auto`` again."""
    monkeypatch.delenv(embed.ENV, raising=False)
    small = trace(_demo())
    assert small.stats["encoder"] == "minilm" and small.to_dict()["encoder"] == "minilm"
    assert embed.is_auto()
    monkeypatch.setattr(embed, "AUTO_SENTENCES", 5)  # the demo counts as bulk work now
    bulk = trace(_demo())
    assert bulk.stats["encoder"] == "static" and bulk.to_dict()["encoder"] == "static"
    assert embed.is_auto() and embed.encoder_name() == "minilm"
    assert _edges(bulk) == _edges(small) == {("origin", "copy"), ("origin", "rewrite")}
    monkeypatch.setenv(embed.ENV, "minilm")
    assert trace(_demo()).stats["encoder"] == "minilm"
    monkeypatch.setenv(embed.ENV, "static")
    monkeypatch.setattr(embed, "AUTO_SENTENCES", 10**9)
    assert trace(_demo()).stats["encoder"] == "static"


def test_a_store_traced_in_bulk_keeps_the_static_vectors(monkeypatch, tmp_path):
    """The store reads and writes vectors under the encoder auto chose for the whole trace."""
    monkeypatch.delenv(embed.ENV, raising=False)
    monkeypatch.setattr(embed, "AUTO_SENTENCES", 5)
    with api.Store(tmp_path / "store.db") as store:
        api.ingest_articles(store, _demo())
        first = api.trace_store(store)
        assert first.stats["encoder"] == "static"
        assert set(store.vectors()) == set()  # outside the trace, auto means minilm: none stored
        again = api.trace_store(store)
        assert again.prepared == {}  # every vector read back from the store, none made again
        assert again.to_dict() == first.to_dict()


def test_tasks_carry_the_encoder_to_a_worker_whose_environment_says_otherwise(monkeypatch):
    from storytrace.engines.tasks import PairTask, run_pairs
    from storytrace.segment import segment

    arts = {a.id: segment(a) or a for a in _demo()}
    monkeypatch.setenv(embed.ENV, "minilm")
    task = PairTask(pairs=[("rewrite", "origin")], articles=[arts["rewrite"], arts["origin"]], encoder="static")
    out = run_pairs(task)
    assert embed.encoder_name() == "static"  # the task switched this worker
    matches = out[("rewrite", "origin")]
    # scores on the static scale: the same pair under the transformer scores otherwise
    monkeypatch.setenv(embed.ENV, "minilm")
    other = run_pairs(PairTask(pairs=[("rewrite", "origin")], articles=[arts["rewrite"], arts["origin"]], encoder="minilm"))
    assert [m.score for m in matches] != [m.score for m in other[("rewrite", "origin")]]


def test_a_text_seen_before_is_not_tokenised_again_and_gets_the_same_vectors(static_encoder, monkeypatch):
    texts = [
        "The council approved a new budget for the city's schools on Tuesday.",
        "A storm knocked out power to thousands of homes along the coast.",
        "Officials said 12 people were hurt.",
        "",
    ]
    static_encoder._kept.clear()
    first, first_tokens = static_encoder.encode_with_tokens(texts)
    tokenised: list[str] = []
    real = static_encoder.model.tokenizer

    class Counting:
        def encode_batch(self, batch, **kwargs):
            tokenised.extend(batch)
            return real.encode_batch(batch, **kwargs)

    monkeypatch.setattr(static_encoder.model, "tokenizer", Counting())
    new = "Power came back to the coast on Wednesday."
    # other batch mates, another order, repeats: the same numbers as the first time
    again, again_tokens = static_encoder.encode_with_tokens([texts[2], new, texts[0], texts[2]])
    assert tokenised == [new]
    assert np.array_equal(again[0], first[2]) and np.array_equal(again[2], first[0]) and np.array_equal(again[3], first[2])
    assert np.array_equal(again_tokens[2], first_tokens[0])
    monkeypatch.setattr(static_encoder.model, "tokenizer", real)
    static_encoder._kept.clear()
    fresh, fresh_tokens = static_encoder.encode_with_tokens([texts[2], new, texts[0], texts[2]])
    assert np.array_equal(fresh, again) and all(np.array_equal(a, b) for a, b in zip(fresh_tokens, again_tokens, strict=True))
    # the kept rows are bounded
    monkeypatch.setattr(static, "ROWS_KEPT", 2)
    static_encoder.encode_with_tokens(texts)
    assert len(static_encoder._kept) == 2


def test_what_is_kept_per_text_is_let_go_after_aligning(static_encoder):
    from storytrace.align import aligner

    static_encoder.encode_with_tokens(["Officials said 12 people were hurt."])
    aligner._features("Officials said 12 people were hurt.")
    assert static_encoder._kept and aligner._features.cache_info().currsize
    aligner.forget_kept()
    assert not static_encoder._kept and aligner._features.cache_info().currsize == 0
