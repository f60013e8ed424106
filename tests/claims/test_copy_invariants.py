"""Invariants of the audit, property-tested over real news text (``../shared/datasets``):
a word-for-word copy, the same sentences in another order, and a copy published the same day
carry no finding; a copy published later carries nothing but re-datings of relative days."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace import api
from storytrace.model import Article
from tests.support.paths import DATASETS

PUBLISHED = datetime(2023, 10, 31, 9, tzinfo=UTC)


def _real_texts(limit: int = 60) -> list[str]:
    if not (DATASETS / "llmfake").is_dir() and not (DATASETS / "background_summaries_tls").is_dir():
        return []
    from storytrace.eval.datasets import load_background_tls, load_llmfake

    texts: list[str] = []
    try:
        for rec in load_llmfake(DATASETS, methods=("paraphrase_generation",)):
            if 60 <= len(rec.source_text.split()) <= 400:
                texts.append(rec.source_text)
            if len(texts) >= limit:
                break
        texts += [u.text for u in load_background_tls(DATASETS, annotators=("annotator1",)) if len(u.text.split()) >= 40][
            : limit // 2
        ]
    except FileNotFoundError:
        return []
    random.Random(3).shuffle(texts)
    return texts


TEXTS = _real_texts()
needs_data = pytest.mark.skipif(not TEXTS, reason="no ../shared/datasets (llmfake or background_summaries_tls)")
FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _findings(source_text: str, derived_text: str, days: int = 0) -> list[dict]:
    source = Article(id="source", text=source_text, published=PUBLISHED)
    derived = Article(id="derived", text=derived_text, published=PUBLISHED + timedelta(days=days))
    doc = api.compare(source, derived).to_dict()
    return [f for story in doc["stories"] for f in story["findings"]]


@needs_data
@FEW
@given(st.sampled_from(TEXTS) if TEXTS else st.nothing())
def test_a_copy_published_the_same_day_has_no_finding(text):
    assert _findings(text, text) == []


@needs_data
@FEW
@given(st.sampled_from(TEXTS) if TEXTS else st.nothing(), st.randoms(use_true_random=False))
def test_the_same_sentences_in_another_order_have_no_finding(text, rng):
    from storytrace.segment import split_sentences

    sentences = [s.text for s in split_sentences(text)]
    rng.shuffle(sentences)
    assert [f["type"] for f in _findings(text, " ".join(sentences))] == []


@needs_data
@FEW
@given(st.sampled_from(TEXTS) if TEXTS else st.nothing(), st.integers(min_value=1, max_value=3))
def test_a_later_copy_only_re_dates_relative_days(text, days):
    for f in _findings(text, text, days):
        assert f["type"] == "date_shift", f
        # the same words read from another day: a relative expression, and the values differ
        assert f["derived_value"] != f["source_value"], f
