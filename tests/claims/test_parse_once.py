"""The audit's plumbing: a sentence restated word for word by several reports of one spaCy pass
is parsed once, and what the audit reads is what parsing each report on its own gives; the
per-sentence results the checks ask for repeatedly are computed once and equal a fresh call."""

from __future__ import annotations

from datetime import UTC, datetime

from storytrace.claims import audit_support
from storytrace.claims.audit_support import _negations, _order_words, _polarity, _view, prepare_articles
from storytrace.claims.extract import get_nlp
from storytrace.model import Article

WHEN = datetime(2023, 10, 30, 9, tzinfo=UTC)
SHARED = "Officials said on Friday that 12 people were not hurt before the fire spread to the port of Haifa."
SOURCE = f"{SHARED} The mayor of Haifa, John Kirby, told reporters the port would reopen. “We will rebuild,” he said."
COPY = f"Breaking news from the north. {SHARED} The port was closed."
REWRITE = f"{SHARED} Kirby said the port may not reopen soon."


def _sig(doc) -> list:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc]


def _articles() -> list[Article]:
    return [Article(id=k, text=t, published=WHEN) for k, t in (("s", SOURCE), ("c", COPY), ("r", REWRITE))]


def test_a_shared_sentence_is_parsed_once(monkeypatch):
    nlp = get_nlp()
    seen: list[str] = []
    real = audit_support._DocCollector.__init__

    class Counting:
        def __init__(self, inner):
            self._inner = inner

        def pipe(self, items, **kwargs):
            items = list(items)
            seen.extend(t for t, _ in items)
            return self._inner.pipe(items, **kwargs)

        def __getattr__(self, name):
            return getattr(self._inner, name)

    def init(self, _nlp):
        real(self, Counting(nlp))

    monkeypatch.setattr(audit_support._DocCollector, "__init__", init)
    arts = _articles()
    prepare_articles(arts)
    texts = [a.text[s.start : s.end] for a in arts for s in a.sentences]
    assert texts.count(SHARED) == 3
    assert seen.count(SHARED) == 1
    assert len(seen) == len(set(texts))


def test_the_audit_reads_what_parsing_each_report_alone_gives():
    together = _articles()
    prepare_articles(together)
    for a in together:
        alone = Article(id=a.id, text=a.text, published=WHEN)
        prepare_articles([alone])
        assert [c.to_dict() for c in a.claims] == [c.to_dict() for c in alone.claims]
        mine, theirs = _view(a), _view(alone)
        assert [_sig(s.doc) for s in mine.sents] == [_sig(s.doc) for s in theirs.sents]
    # a restated sentence gets a Doc of its own in every report
    docs = [s.doc for a in together for s in _view(a).sents if s.text == SHARED]
    assert len(docs) == 3 and len({id(d) for d in docs}) == 3


def test_kept_results_equal_a_fresh_computation():
    arts = _articles()
    prepare_articles(arts)
    for s in _view(arts[0]).sents:
        first = _polarity(s)
        assert _polarity(s) is first  # kept
        fresh = _polarity.__wrapped__(s)
        assert {k: [(t.i, neg) for t, neg, _ in v] for k, v in first.items()} == {
            k: [(t.i, neg) for t, neg, _ in v] for k, v in fresh.items()
        }
        assert _negations(s.doc) == _negations.__wrapped__(s.doc)
        assert [(t.i, f) for t, f in _order_words(s.doc)] == [(t.i, f) for t, f in _order_words.__wrapped__(s.doc)]
    # the shared sentence holds a negation and an ordering connective: the kept values are not trivial
    shared = next(s for s in _view(arts[0]).sents if s.text == SHARED)
    assert _negations(shared.doc) >= 1 and _order_words(shared.doc)
