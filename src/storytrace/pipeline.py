"""The end-to-end trace: segment -> index -> candidates -> lineage -> group -> stories -> audit.

``trace(articles)`` is the Python API. It is deterministic: the same set of articles gives
the same stories, edges and alignments, whatever order they were read in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from storytrace.align.aligner import Prepared, prepare
from storytrace.group.stories import Similarity, group
from storytrace.index.candidates import candidate_pairs, document_vector
from storytrace.lineage.lineage import PairCache, origin_of, trace_lineage
from storytrace.model import Article, Story
from storytrace.segment import segment


@dataclass
class TraceResult:
    articles: list[Article]
    stories: list[Story]
    cache: PairCache | None = None
    prepared: dict[str, Prepared] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "schema": "https://storytrace.dev/schema/trace-1.json",
            "articles": [a.to_dict() for a in self.articles],
            "stories": [s.to_dict() for s in self.stories],
        }


Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def trace(
    articles: list[Article],
    stored_vectors: dict[str, np.ndarray] | None = None,
    stored_pairs: dict | None = None,
    progress: Progress = _quiet,
    audit: bool = True,
) -> TraceResult:
    """Trace a pile of reports. ``stored_vectors`` / ``stored_pairs`` are what a store kept
    from earlier runs (sentence vectors per article, alignments per pair), so that only new
    work is done."""
    articles = sorted(_unique(articles), key=Article.sort_key)
    for a in articles:
        if not a.sentences and a.text:
            segment(a)
    prepared: dict[str, Prepared] = {}
    step = 64
    for start in range(0, len(articles), step):
        prepared.update(prepare(articles[start : start + step], stored_vectors))
        progress("embed", min(start + step, len(articles)), len(articles))
    cache = PairCache(prepared, stored_pairs)

    index = {a.id: k for k, a in enumerate(articles)}
    texts = [a.text for a in articles]
    dim = next((p.vectors.shape[1] for p in prepared.values() if p.vectors.ndim == 2 and len(p.vectors)), 384)
    doc_vectors = np.vstack([document_vector(prepared[a.id].vectors) for a in articles]) if articles else np.zeros((0, dim))
    pairs = candidate_pairs(texts, doc_vectors)
    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    progress("candidates", len(articles), len(articles))

    by_ids = {articles[k].id: [articles[j].id for j in sorted(v)] for k, v in neighbours.items()}
    lineage = trace_lineage(articles, by_ids, cache)
    progress("lineage", len(articles), len(articles))

    links = {(index[e.source], index[e.derived]) for e in lineage.edges}
    labels = group(articles, Similarity(texts, doc_vectors), neighbours, links)
    progress("group", len(articles), len(articles))

    stories = _stories(articles, labels, lineage)
    result = TraceResult(articles=articles, stories=stories, cache=cache, prepared=prepared)
    if audit:
        _audit(result)
    return result


def _unique(articles: list[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for a in articles:
        seen.setdefault(a.id, a)
    return list(seen.values())


def story_id(member_ids: list[str]) -> str:
    """Named by its earliest member, so that the id is stable as the story grows later."""
    return "story-" + hashlib.sha1(member_ids[0].encode("utf-8")).hexdigest()[:10]


def _stories(articles: list[Article], labels: list[int], lineage) -> list[Story]:
    groups: dict[int, list[Article]] = {}
    for a, label in zip(articles, labels):
        groups.setdefault(label, []).append(a)
    stories = []
    for members in groups.values():
        members.sort(key=Article.sort_key)
        ids = {a.id for a in members}
        story = Story(id=story_id([a.id for a in members]), articles=[a.id for a in members])
        story.origin = origin_of(members, {k: v for k, v in lineage.parents.items() if k in ids})
        story.edges = [e for e in lineage.edges if e.derived in ids and e.source in ids]
        story.alignments = [al for al in lineage.alignments if al.derived in ids]
        stories.append(story)
    stories.sort(key=lambda s: (-len(s.articles), s.articles[0]))
    return stories


def _audit(result: TraceResult) -> None:
    """The claim audit adds findings and verdicts where it is installed (claims stage)."""
    try:
        from storytrace.claims.audit import audit_story  # noqa: PLC0415
    except ImportError:
        return
    by_id = {a.id: a for a in result.articles}
    for story in result.stories:
        audit_story(story, by_id)
