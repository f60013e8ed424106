"""Stories from the grouping's labels and the lineage: members, origin, edges, alignments."""

from __future__ import annotations

import hashlib

from storytrace.lineage.lineage import Lineage, origin_of
from storytrace.model import Alignment, Article, Edge, Story


def story_id(member_ids: list[str]) -> str:
    """Named by its earliest member, so that the id is stable as the story grows later."""
    return "story-" + hashlib.sha1(member_ids[0].encode("utf-8")).hexdigest()[:10]


def make_stories(articles: list[Article], labels: list[int], lineage: Lineage) -> list[Story]:
    """Stories from grouping labels; edges, alignments and parents are handed out in one pass
    each (not one scan per story: a 40k pile has ~20k stories)."""
    groups: dict[int, list[Article]] = {}
    label_of: dict[str, int] = {}
    for a, label in zip(articles, labels, strict=False):
        groups.setdefault(label, []).append(a)
        label_of[a.id] = label
    edges: dict[int, list[Edge]] = {}
    for e in lineage.edges:
        if e.derived in label_of and label_of.get(e.source) == label_of[e.derived]:
            edges.setdefault(label_of[e.derived], []).append(e)
    aligned: dict[int, list[Alignment]] = {}
    for al in lineage.alignments:
        if al.derived in label_of:
            aligned.setdefault(label_of[al.derived], []).append(al)
    parents: dict[int, dict[str, list[str]]] = {}
    for k, v in lineage.parents.items():
        if k in label_of:
            parents.setdefault(label_of[k], {})[k] = v
    stories = []
    for label, members in groups.items():
        members.sort(key=Article.sort_key)
        story = Story(id=story_id([a.id for a in members]), articles=[a.id for a in members])
        story.origin = origin_of(members, parents.get(label, {}))
        story.edges = edges.get(label, [])
        story.alignments = aligned.get(label, [])
        stories.append(story)
    stories.sort(key=lambda s: (-len(s.articles), s.articles[0]))
    return stories
