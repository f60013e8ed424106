"""What a trace returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from storytrace.lineage.lineage import PairCache
from storytrace.model import Article, Story
from storytrace.segment import segment

SCHEMA = "https://storytrace.dev/schema/trace-1.json"


@dataclass
class TraceResult:
    articles: list[Article]
    stories: list[Story]
    cache: PairCache | None = None  # alignments per (derived, source); ``cache.new``: made in this run
    prepared: dict = field(default_factory=dict)  # article id -> object with ``vectors`` (embedded in this run)
    stats: dict = field(default_factory=dict)  # counts and seconds per stage
    audits: set[str] = field(default_factory=set)  # keys of the stories' audits (pipeline.audit_cache)
    new_audits: dict[str, str] = field(default_factory=dict)  # key -> stored form, audited in this run

    def to_dict(self) -> dict:
        encoder = {"encoder": self.stats["encoder"]} if "encoder" in self.stats else {}
        return {
            "schema": SCHEMA,
            **encoder,
            "articles": [_with_sentences(a).to_dict() for a in self.articles],
            "stories": [s.to_dict() for s in self.stories],
        }


def _with_sentences(a: Article) -> Article:
    # reports that were never compared are segmented only when written out
    if not a.sentences and a.text:
        segment(a)
    return a
