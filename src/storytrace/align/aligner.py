"""Sentence alignment of a later report to an earlier one.

Every sentence of the derived report gets the source sentence(s) it restates, with a
relation and a score:

* ``verbatim``: the same words (sequence similarity ≥ 0.9);
* ``paraphrase``: support score ≥ PARAPHRASE (see ``score_matrix``);
* ``partial``: restates part of it, or part of the sentence is new (≥ PARTIAL);
* ``unsupported``: nothing in the source says it, or most of the sentence is new
  (no more than MIN_MET of its content words are met in the matched source sentences).

A derived sentence may merge two or three source sentences; a further source sentence is
added when it is itself a partial match and meets words of the derived sentence that the
first one left unmet.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storytrace.index.embed import dim, encoder_name, get_embedder
from storytrace.index.features import SentenceFeatures, sentence_features
from storytrace.model import Article

PARAPHRASE = 0.62
PARTIAL = 0.53  # chosen on development data; see BENCHMARKS.md ("alignment thresholds")
VERBATIM = 0.9
MAX_SOURCES = 3
MIN_GAIN = 0.06  # a further source sentence must meet this much more of the derived sentence
MIN_MET = 0.4  # a sentence with no more than this share of its content words met is mostly new
UNMET = 0.5


@dataclass(frozen=True)
class Thresholds:
    """The score levels of one encoder: its scores sit on their own scale."""

    partial: float
    paraphrase: float
    min_met: float
    unmet: float
    min_coverage: float  # lineage: share of a report credited to a source for an edge
    close: float  # lineage: "closely restated", above the paraphrase bar (an edge needs one such sentence)


# minilm: the constants above (seed reports, f3, llmfake seeds 1-2); static: swept on the
# llmfake development piles, seeds 1-2 (BENCHMARKS.md, "Encoders"); its paraphrase bar keeps
# the minilm gap above partial
THRESHOLDS = {
    "minilm": Thresholds(partial=PARTIAL, paraphrase=PARAPHRASE, min_met=MIN_MET, unmet=UNMET, min_coverage=0.35, close=0.7),
    "static": Thresholds(partial=0.6, paraphrase=0.69, min_met=0.3, unmet=0.5, min_coverage=0.4, close=0.7),
}


def thresholds() -> Thresholds:
    return THRESHOLDS[encoder_name()]


class Prepared:
    """What the aligner needs of an article, computed once.

    Sentence vectors are stored with the article; the token vectors are large, so they are
    computed only when an alignment needs them. Each article is embedded on its own, in a
    fixed batch order, so its vectors do not depend on what else is traced with it.
    """

    def __init__(self, article: Article, vectors: np.ndarray, tokens: list[np.ndarray] | None = None):
        self.article = article
        self.vectors = vectors
        self._tokens = tokens
        self.features: list[SentenceFeatures] = [_features(s.text) for s in article.sentences]

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def tokens(self) -> list[np.ndarray]:
        if self._tokens is None:
            self.vectors, self._tokens = embed_article(self.article)
        return self._tokens


# A report is prepared again where a task or the lineage pass aligns it after another process
# (or an evicted cache entry) prepared it: its sentences' features are a pure function of
# their text, kept per process for the last FEATURES_KEPT sentences (about 16 MB). Callers
# read them and never change them.
FEATURES_KEPT = 4096
_features = lru_cache(maxsize=FEATURES_KEPT)(sentence_features)


def forget_kept() -> None:
    """Let go of what this process keeps per text for preparing reports (features, the static
    encoder's rows): once it is done aligning, so that they do not add to the audit's memory."""
    from storytrace.index import static

    _features.cache_clear()
    static.forget_rows()


def embed_article(article: Article) -> tuple[np.ndarray, list[np.ndarray]]:
    texts = [s.text for s in article.sentences]
    if not texts:
        return np.zeros((0, dim()), np.float32), []
    pooled, tokens = get_embedder().encode_with_tokens(texts)
    # rounded to what the store keeps, so a fresh trace and a stored one compute alike
    pooled = pooled.astype(np.float16).astype(np.float32)
    return pooled, [t.astype(np.float16).astype(np.float32) for t in tokens]


def prepare(articles: list[Article], stored_vectors: dict[str, np.ndarray] | None = None) -> dict[str, Prepared]:
    """Sentence vectors for the given (segmented) articles: from the store, or embedded now."""
    out = {}
    for a in articles:
        vectors = (stored_vectors or {}).get(a.id)
        if vectors is not None and len(vectors) == len(a.sentences):
            out[a.id] = Prepared(a, vectors.astype(np.float32))
        else:
            pooled, tokens = embed_article(a)
            out[a.id] = Prepared(a, pooled, tokens)
    return out


@dataclass(slots=True)  # a large trace holds a million of these
class SentenceMatch:
    derived_sentence: int
    source_sentences: list[int]  # best first; empty when unsupported
    relation: str
    score: float  # support of the derived sentence by its best source sentence
    coverage: float  # share of the derived sentence's content words met by the matched source sentences
    extra_best: tuple[int, ...] = ()  # for an unsupported sentence: the closest source sentences anyway


def _token_coverage(d_tokens: np.ndarray, source_tokens: list[np.ndarray]) -> np.ndarray:
    """For each token of the derived sentence, its best match among the given source sentences."""
    if len(d_tokens) == 0:
        return np.zeros(0)
    stacked = [t for t in source_tokens if len(t)]
    if not stacked:
        return np.zeros(len(d_tokens))
    return (d_tokens @ np.vstack(stacked).T).max(axis=1)


def score_matrix(derived: Prepared, source: Prepared) -> np.ndarray:
    """S[i, j]: how well source sentence j supports derived sentence i (about 0..1).

    Half meaning (sentence cosine), half words (the mean best match of derived sentence i's
    content tokens among sentence j's, as in BERTScore precision), plus a little for the
    facts a paraphrase keeps: a number of the same value, a shared name.
    """
    n, m = len(derived.features), len(source.features)
    if n == 0 or m == 0:
        return np.zeros((n, m))
    cos = derived.vectors @ source.vectors.T
    words = np.zeros((n, m))
    d_len = np.array([len(t) for t in derived.tokens])
    s_len = np.array([len(t) for t in source.tokens])
    s_cols = np.flatnonzero(s_len)
    if d_len.sum() and len(s_cols) > WORD_CANDIDATES:
        _words_near(derived, source, cos, d_len, s_len, s_cols, words)
    elif d_len.sum() and s_len.sum():
        sims = np.vstack([t for t in derived.tokens if len(t)]) @ np.vstack([t for t in source.tokens if len(t)]).T
        s_starts = np.concatenate([[0], np.cumsum(s_len[s_cols])[:-1]])
        best = np.maximum.reduceat(sims, s_starts, axis=1)  # (derived tokens, source sentences with tokens)
        d_rows = np.flatnonzero(d_len)
        d_starts = np.concatenate([[0], np.cumsum(d_len[d_rows])[:-1]])
        means = np.add.reduceat(best, d_starts, axis=0) / d_len[d_rows][:, None]
        words[np.ix_(d_rows, s_cols)] = means
    score = 0.5 * cos + 0.5 * words
    for i, fd in enumerate(derived.features):
        if not (fd.numbers or fd.names):
            continue
        for j, fs in enumerate(source.features):
            if fd.numbers and fs.numbers:
                # each shared value is a kept fact; two are rarely a coincidence
                score[i, j] += NUMBER_BONUS * min(len(fd.numbers & fs.numbers), 2)
            if fd.names and fs.names:
                score[i, j] += NAME_BONUS * min(len(fd.names & fs.names), 2)
    return score


NUMBER_BONUS = 0.05
NAME_BONUS = 0.02
# Word matching is the costly half (every token against every token, 40 % of a trace's
# time on long reports). Against a long source it is made only with the sentences nearest
# in meaning to each derived sentence and those sharing content words with it; the others
# score half their cosine plus the bonuses: they share too little to be restated.
WORD_CANDIDATES = 6
SHARED_WORDS = 2


def _words_near(derived: Prepared, source: Prepared, cos: np.ndarray, d_len, s_len, s_cols, words: np.ndarray) -> None:
    stacked = np.vstack([source.tokens[j] for j in s_cols])
    starts = np.concatenate([[0], np.cumsum(s_len[s_cols])[:-1]])
    rows_of = {int(j): np.arange(starts[k], starts[k] + s_len[j]) for k, j in enumerate(s_cols)}
    cos_cols = cos[:, s_cols]
    source_content = [source.features[j].content for j in s_cols]
    for i in np.flatnonzero(d_len):
        # the nearest sentences by cosine (ties by position, so the result is deterministic),
        # and any that shares SHARED_WORDS content words: a merged restatement's second
        # sentence can be far in meaning and near in wording
        content = derived.features[i].content
        wordy = [k for k, c in enumerate(source_content) if len(content & c) >= SHARED_WORDS]
        near = np.union1d(s_cols[np.argsort(-cos_cols[i], kind="stable")[:WORD_CANDIDATES]], s_cols[wordy]).astype(np.int64)
        sims = derived.tokens[i] @ stacked[np.concatenate([rows_of[int(j)] for j in near])].T
        seg = np.concatenate([[0], np.cumsum(s_len[near])[:-1]])
        words[i, near] = np.maximum.reduceat(sims, seg, axis=1).mean(axis=0)


def align(derived: Prepared, source: Prepared, probs: np.ndarray | None = None) -> list[SentenceMatch]:
    """Align each sentence of ``derived`` to the sentence(s) of ``source`` it restates."""
    if probs is None:
        probs = score_matrix(derived, source)
    levels = thresholds()
    partial, unmet, min_met = levels.partial, levels.unmet, levels.min_met
    # a sentence found word for word in the source is restated verbatim, however short or
    # plain ("Just no."): a copy must never read as new text
    identical: dict[tuple[str, ...], int] = {}
    for j, f in enumerate(source.features):
        if f.words:
            identical.setdefault(tuple(f.words), j)
    matches = []
    for i in range(len(derived.features)):
        if probs.shape[1] == 0:
            matches.append(SentenceMatch(i, [], "unsupported", 0.0, 0.0))
            continue
        same = identical.get(tuple(derived.features[i].words))
        if same is not None:
            matches.append(SentenceMatch(i, [same], "verbatim", max(float(probs[i, same]), 1.0), 1.0))
            continue
        order = np.argsort(-probs[i], kind="stable")
        best = int(order[0])
        score = float(probs[i, best])
        if score < partial:
            matches.append(SentenceMatch(i, [], "unsupported", score, 0.0, (best,)))
            continue
        chosen = [best]
        d_tok = derived.tokens[i]
        met = _token_coverage(d_tok, [source.tokens[best]])
        for j in order[1 : MAX_SOURCES * 3]:
            if len(chosen) >= MAX_SOURCES or probs[i, j] < partial:
                break
            more = np.maximum(met, _token_coverage(d_tok, [source.tokens[j]]))
            if len(met) and (more >= unmet).mean() - (met >= unmet).mean() >= MIN_GAIN:
                chosen.append(int(j))
                met = more
        coverage = float((met >= unmet).mean()) if len(met) else 0.0
        if coverage <= min_met:
            matches.append(SentenceMatch(i, [], "unsupported", score, coverage, tuple(chosen)))
            continue
        d_words, s_words = derived.features[i].words, source.features[best].words
        sequence = difflib.SequenceMatcher(None, d_words, s_words, autojunk=False).ratio() if d_words else 0.0
        if sequence >= VERBATIM:
            relation = "verbatim"
        elif score >= levels.paraphrase:
            relation = "paraphrase"
        else:
            relation = "partial"
        matches.append(SentenceMatch(i, chosen, relation, score, coverage))
    return matches
