"""The one data model every stage reads and adds to.

Ingest makes Articles; segment adds Sentences; claims adds Claims; group makes Stories;
align adds Alignments; lineage adds Edges; the audit adds Findings. Everything is a plain
dataclass so that the store, the reports and the engines (local, Spark) can serialise it
the same way (``to_dict``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any


def parse_published(value: Any) -> datetime | None:
    """Normalise a publication date (ISO date, ISO datetime, date, datetime) to an aware datetime.

    Raises ValueError for a value that is present but not a date, so that ingest can name it.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"not an ISO date or datetime: {value!r}") from exc
    else:
        raise ValueError(f"not a date: {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


def has_time_of_day(dt: datetime) -> bool:
    """A date alone is read as midnight UTC, so midnight UTC counts as no time of day."""
    utc = dt.astimezone(UTC)
    return (utc.hour, utc.minute, utc.second, utc.microsecond) != (0, 0, 0, 0)


def format_published(dt: datetime | None) -> str | None:
    """A date at midnight UTC prints as a plain date, anything else as an ISO datetime."""
    if dt is None:
        return None
    utc = dt.astimezone(UTC)
    return utc.isoformat() if has_time_of_day(utc) else utc.date().isoformat()


@dataclass(slots=True)  # many of these in a large trace: no per-instance dict
class Sentence:
    index: int
    start: int  # character offsets into Article.text
    end: int
    text: str
    paragraph: int = 0

    def to_dict(self) -> dict:
        return {"index": self.index, "start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)  # many of these in a large trace: no per-instance dict
class Claim:
    """A checkable unit inside a sentence: a quantity, an entity, a quote, a date, ..."""

    kind: str  # quantity | entity | quote | attribution | hedge | date
    sentence: int
    start: int  # character offsets into Article.text
    end: int
    text: str
    value: Any = None  # normalised value: a number, a canonical name, an ISO date, quote text
    attrs: dict = field(default_factory=dict)  # unit, modifier, label, speaker, resolved_from, ...

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            **({"attrs": self.attrs} if self.attrs else {}),
        }


@dataclass
class Article:
    id: str
    text: str
    published: datetime | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    origin_path: str | None = None  # where it was read from
    sentences: list[Sentence] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    language: str | None = None  # ISO 639-1, detected (segment/language.py); None: not known

    @property
    def date_known(self) -> bool:
        return self.published is not None

    @property
    def time_known(self) -> bool:
        """A time of day was given (``has_time_of_day``)."""
        return self.published is not None and has_time_of_day(self.published)

    @property
    def published_iso(self) -> str | None:
        return format_published(self.published)

    def sort_key(self) -> tuple:
        """Chronological order; undated reports sort last, ties broken by id."""
        if self.published is None:
            return (1, 0.0, self.id)
        return (0, self.published.timestamp(), self.id)

    def content_hash(self) -> str:
        """Identity of the content, so that re-ingesting the same report is a no-op."""
        h = hashlib.sha256()
        for part in (self.id, self.text, self.published_iso or "", self.outlet or "", self.title or "", self.url or ""):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()

    def to_dict(self) -> dict:
        return (
            {
                "id": self.id,
                "published": self.published_iso,
                "date_known": self.date_known,
                "outlet": self.outlet,
                "url": self.url,
                "title": self.title,
                "sentences": [s.to_dict() for s in self.sentences],
            }
            | ({"profile": self.meta["profile"]} if "profile" in self.meta else {})
            | self._language_dict()
            | self._dates_dict()
        )

    def _language_dict(self) -> dict:
        """Once detected: the language, and whether the paraphrase models read it (when not,
        the report was traced by verbatim reuse only)."""
        if "language" not in self.meta:
            return {}
        return {"language": self.language, "paraphrase_supported": bool(self.meta.get("paraphrase_supported", True))}

    def _dates_dict(self) -> dict:
        """Event dates the text mentions (absolute or relative, resolved against this report's
        own date), once claims were extracted: what a timeline shows beside publication dates."""
        dates = [
            {
                "sentence": c.sentence,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "date": c.value if isinstance(c.value, str) else None,
                "relative": bool(c.attrs.get("relative")),
            }
            for c in self.claims
            if c.kind == "date"
        ]
        return {"dates": dates} if self.claims else {}


@dataclass(slots=True)  # many of these in a large trace: no per-instance dict
class Alignment:
    """A sentence of a derived report restates a sentence of an earlier one (or nothing)."""

    derived: str
    derived_sentence: int
    source: str | None
    source_sentence: int | None
    relation: str  # verbatim | paraphrase | partial | unsupported
    score: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self) | {"score": round(self.score, 4)}


@dataclass
class Edge:
    source: str
    derived: str
    coverage: float  # share of the derived report's sentences this source supports
    relation: str  # copy | paraphrase | partial
    sentences: int = 0  # how many derived sentences are credited to this source
    score: float = 0.0
    verdict: dict | None = None
    confidence: float | None = None  # the edge model's probability (compare: the named source as the only candidate)
    direction: str = "known"  # "unknown": same day, no time of day on one of them; either may be the source

    def to_dict(self) -> dict:
        d = {
            "source": self.source,
            "derived": self.derived,
            "coverage": round(self.coverage, 4),
            "relation": self.relation,
            "sentences": self.sentences,
            "score": round(self.score, 4),
        }
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 4)
        d["direction"] = self.direction
        if self.verdict is not None:
            d["verdict"] = self.verdict
        return d


class FindingType(StrEnum):
    """Every kind of finding, in the order the reports list them. The audit emits only these;
    the reports' order and labels come from here, and tests check the schema's enum and the
    HTML report's colours against it."""

    CONFLICT = "conflict"
    NUMBER_CHANGED = "number_changed"
    DATE_SHIFT = "date_shift"
    QUOTE_ALTERED = "quote_altered"
    ATTRIBUTION_DROPPED = "attribution_dropped"
    DETAIL_CHANGED = "detail_changed"
    ENTITY_DROPPED = "entity_dropped"
    ENTITY_ADDED = "entity_added"
    DETAIL_DROPPED = "detail_dropped"
    UNSUPPORTED_CLAIM = "unsupported_claim"
    FRAMING_CHANGED = "framing_changed"
    ORDER_CHANGED = "order_changed"
    FILLER = "filler"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


FINDING_TYPES = tuple(t.value for t in FindingType)


@dataclass
class Finding:
    type: str
    derived: str
    source: str | None
    derived_sentence: int | None
    source_sentence: int | None
    explanation: str
    derived_span: tuple[int, int] | None = None  # character offsets into the derived text
    source_span: tuple[int, int] | None = None
    derived_value: Any = None
    source_value: Any = None

    def to_dict(self) -> dict:
        return {
            "type": self.type,
            "derived": self.derived,
            "source": self.source,
            "derived_sentence": self.derived_sentence,
            "source_sentence": self.source_sentence,
            "derived_span": list(self.derived_span) if self.derived_span else None,
            "source_span": list(self.source_span) if self.source_span else None,
            "derived_value": self.derived_value,
            "source_value": self.source_value,
            "explanation": self.explanation,
        }


@dataclass
class Story:
    id: str
    articles: list[str]  # ids, chronological
    origin: str | None = None
    edges: list[Edge] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # ``compare`` only: whether the named pair is a derivation at all (the edge bar), its
    # coverage and the edge model's probability
    comparison: dict | None = None

    def to_dict(self) -> dict:
        d: dict[str, Any] = {
            "id": self.id,
            "articles": list(self.articles),
            "origin": self.origin,
            "edges": [e.to_dict() for e in self.edges],
            "alignments": [a.to_dict() for a in self.alignments],
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.comparison is not None:
            d["comparison"] = self.comparison
        return d
