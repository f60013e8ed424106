"""The trace's costly tasks, as pure functions of their inputs (a worker or an executor runs them).

* ``run_embed``: a block of reports is segmented and embedded once (one length-sorted batch
  stream: the encoder's output for a sentence does not depend on its batch mates, checked in
  tests/test_scale.py), the pairs inside the block are aligned, and the token vectors are
  written to a spill folder when there is one (float16: what the aligner rounds them to
  anyway), so that no report is embedded twice.
* ``run_pairs``: pairs whose reports lie in different blocks, read back from the spill folder
  (or, without a shared folder, embedded again in the task: a Spark cluster).
* ``run_audit``: the claim audit of blocks of stories, reading only the edge participants.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from storytrace.align.aligner import Prepared, align, forget_kept
from storytrace.index.embed import dim, encoder_name, get_embedder, use_encoder
from storytrace.model import Article, Claim, Finding, Sentence, Story
from storytrace.segment import segment

# where a report's token vectors are: (file, first row of each sentence, rows of each sentence)
Location = tuple[str, np.ndarray, np.ndarray]


def prepare_many(articles: list[Article], stored_vectors: dict[str, np.ndarray] | None = None):
    """``aligner.prepare`` for many articles at once, with one batch stream for all their
    sentences (less padding, fewer calls, the same numbers). Returns (prepared by id, ids
    embedded now)."""

    stored_vectors = stored_vectors or {}
    out: dict = {}
    todo: list[Article] = []
    for a in articles:
        vectors = stored_vectors.get(a.id)
        if vectors is not None and len(vectors) == len(a.sentences):
            out[a.id] = Prepared(a, vectors.astype(np.float32))
        else:
            todo.append(a)
    texts = [s.text for a in todo for s in a.sentences]
    if texts:
        pooled, tokens = get_embedder().encode_with_tokens(texts)
    else:
        pooled, tokens = np.zeros((0, dim()), np.float32), []
    at = 0
    for a in todo:
        n = len(a.sentences)
        # rounded to what the store keeps, as aligner.embed_article does
        vecs = pooled[at : at + n].astype(np.float16).astype(np.float32) if n else np.zeros((0, dim()), np.float32)
        toks = [t.astype(np.float16).astype(np.float32) for t in tokens[at : at + n]]
        out[a.id] = Prepared(a, vecs, toks)
        at += n
    return out, [a.id for a in todo]


def _segmented(a: Article) -> Article:
    if not a.sentences and a.text:
        segment(a)
    return a


# ------------------------------------------------------------------------------ embed blocks


@dataclass
class EmbedTask:
    block: int
    articles: list[Article]  # each report of the trace is in at most one block
    pairs: list[tuple[str, str]]  # (derived, source), both in the block
    spill: str | None = None  # a folder every worker can read, or None
    encoder: str | None = None  # the trace's encoder (an executor's environment may not say it)


@dataclass
class EmbedOutput:
    sentences: dict[str, list[Sentence]]
    vectors: dict[str, np.ndarray]  # sentence vectors, float16 (exact: they were rounded so)
    locations: dict[str, Location]
    pairs: dict  # (derived, source) -> list[SentenceMatch]


def _use(encoder: str | None) -> None:
    """A worker takes the encoder its task names; in the driver (tasks run in this process)
    the trace has chosen it already, and the choice is left as the trace set it."""
    if encoder is not None and encoder != encoder_name():
        use_encoder(encoder)


def run_embed(task: EmbedTask) -> EmbedOutput:

    _use(task.encoder)
    arts = [_segmented(a) for a in task.articles]
    prepared, _ = prepare_many(arts)
    pairs = {(d, s): align(prepared[d], prepared[s]) for d, s in task.pairs}
    locations: dict[str, Location] = {}
    if task.spill is not None:
        rows: list[np.ndarray] = []
        starts: dict[str, np.ndarray] = {}
        lengths: dict[str, np.ndarray] = {}
        at = 0
        for a in arts:
            toks = prepared[a.id].tokens
            lens = np.array([len(t) for t in toks], dtype=np.int64)
            starts[a.id] = (
                at + np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64) if len(lens) else np.zeros(0, np.int64)
            )
            lengths[a.id] = lens
            at += int(lens.sum())
            rows.extend(t for t in toks if len(t))
        path = os.path.join(task.spill, f"tokens-{task.block}.npy")
        data = np.vstack(rows).astype(np.float16) if rows else np.zeros((0, 384), np.float16)
        np.save(path, data)
        locations = {a.id: (path, starts[a.id], lengths[a.id]) for a in arts}
    return EmbedOutput(
        sentences={a.id: a.sentences for a in arts},
        vectors={a.id: prepared[a.id].vectors.astype(np.float16) for a in arts},
        locations=locations,
        pairs=pairs,
    )


# ------------------------------------------------------------------------------ pairs across blocks


_FILES: OrderedDict[str, np.ndarray] = OrderedDict()  # per process: the last few spill files
_FILES_KEPT = 6


def _spill_rows(path: str) -> np.ndarray:
    if path in _FILES:
        _FILES.move_to_end(path)
        return _FILES[path]
    data = np.load(path)
    _FILES[path] = data
    while len(_FILES) > _FILES_KEPT:
        _FILES.popitem(last=False)
    return data


def load_prepared(a: Article, vectors: np.ndarray, location: Location):
    """A Prepared from the sentence vectors and the spilled token vectors (no encoder)."""

    path, starts, lengths = location
    rows = _spill_rows(path)
    tokens = [rows[s : s + n].astype(np.float32) for s, n in zip(starts, lengths, strict=False)]
    return Prepared(_segmented(a), vectors.astype(np.float32), tokens)


@dataclass
class PairTask:
    pairs: list[tuple[str, str]]
    articles: list[Article]  # every report the pairs name (segmented)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)  # empty: embed in the task
    encoder: str | None = None


def run_pairs(task: PairTask) -> dict:

    _use(task.encoder)
    by_id = {a.id: _segmented(a) for a in task.articles}
    prepared = {}
    missing = []
    for aid, a in by_id.items():
        if aid in task.locations and aid in task.vectors:
            prepared[aid] = load_prepared(a, task.vectors[aid], task.locations[aid])
        else:
            missing.append(a)
    if missing:
        prepared.update(prepare_many(sorted(missing, key=Article.sort_key))[0])
    return {(d, s): align(prepared[d], prepared[s]) for d, s in task.pairs}


class LazyPrepared(Mapping):
    """Prepared reports for the lineage pass in the driver, made when it asks for a pair no
    task aligned: from the spill folder when the report was embedded there, else embedded on
    the spot (the same numbers). Only the last few are kept."""

    def __init__(
        self, articles: dict[str, Article], vectors: dict[str, np.ndarray], locations: dict[str, Location], keep: int = 256
    ):
        self._articles = articles
        self._vectors = vectors
        self._locations = locations
        self._made: OrderedDict[str, object] = OrderedDict()
        self._keep = keep
        self.embedded: dict[str, np.ndarray] = {}  # reports embedded here (for the store)

    def __getitem__(self, key: str):
        if key in self._made:
            self._made.move_to_end(key)
            return self._made[key]
        a = _segmented(self._articles[key])
        if key in self._locations and key in self._vectors:
            p = load_prepared(a, self._vectors[key], self._locations[key])
        else:
            p = prepare_many([a])[0][key]
            p.tokens  # noqa: B018 - embed now, so that the vectors below are this run's
            self.embedded[key] = p.vectors
        self._made[key] = p
        while len(self._made) > self._keep:
            self._made.popitem(last=False)
        return p

    def __contains__(self, key) -> bool:
        return key in self._articles

    def __iter__(self):
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)


# ------------------------------------------------------------------------------ audit


@dataclass
class AuditOutput:
    story: str
    findings: list[Finding]
    verdicts: list[dict | None]  # per edge of the story, in order
    profiles: dict[str, dict]
    claims: dict[str, list[Claim]]


def run_audit(items: list[tuple[Story, list[Article]]]) -> list[AuditOutput]:
    """Audit stories (each with the articles its edges name). The audit of a derived report
    reads only it, its sources and its alignments, so spaCy runs on nothing else."""
    try:
        from storytrace.claims.audit import audit_story
        from storytrace.claims.audit_support import prepare_articles
    except ImportError:
        return []
    forget_kept()  # a worker that aligned before keeps nothing of it into the audit
    # one spaCy pass over every report of the task, not one per story: larger batches, and
    # each story's audit then reads the parses kept for its reports
    prepare_articles([_segmented(a) for _, members in items for a in members])
    out = []
    for story, members in items:
        by_id = {a.id: a for a in members}
        sub = Story(
            id=story.id,
            articles=[a for a in story.articles if a in by_id],
            origin=story.origin,
            edges=story.edges,
            alignments=story.alignments,
        )
        audit_story(sub, by_id)
        out.append(
            AuditOutput(
                story=story.id,
                findings=sub.findings,
                verdicts=[e.verdict for e in sub.edges],
                profiles={a.id: a.meta["profile"] for a in members if "profile" in a.meta},
                claims={a.id: a.claims for a in members},
            )
        )
    return out
