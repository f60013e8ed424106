"""Response and request shapes of the JSON API (they are what /openapi.json documents)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class StorySummary(BaseModel):
    id: str
    size: int = Field(description="Number of reports in the story.")
    origin: str | None = Field(None, description="Id of the origin report, null when none was found.")
    origin_title: str | None = None
    first_published: str | None = Field(None, description="Earliest publication date of a member (ISO).")
    last_published: str | None = Field(None, description="Latest publication date of a member (ISO).")
    edges: int = Field(description="Derivation edges (source -> derived report).")
    findings: int = Field(description="Audit findings over all derived reports.")
    altered: int = Field(description="Edges whose verdict says the derived report altered the facts.")


class StoryList(BaseModel):
    total: int
    offset: int
    limit: int
    trace_version: int = Field(description="Increases with every completed re-trace.")
    tracing: bool = Field(description="A re-trace is running; the list is the previous trace until it ends.")
    stories: list[StorySummary]


class TraceDocument(BaseModel):
    """A trace document (schema: storytrace/schema/trace.schema.json) holding one story and its reports."""

    model_config = ConfigDict(extra="allow")
    schema_: str = Field(alias="schema")
    articles: list[dict[str, Any]]
    stories: list[dict[str, Any]]


class SentenceOut(BaseModel):
    index: int
    start: int
    end: int
    text: str


class ArticleDetail(BaseModel):
    id: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    text: str
    sentences: list[SentenceOut]
    story: str | None = Field(None, description="Id of the story holding the report; null until it is traced.")
    role: str | None = Field(None, description="origin, derived or related within its story.")
    sources: list[dict[str, Any]] = Field(default_factory=list, description="Edges into this report.")
    derivatives: list[dict[str, Any]] = Field(default_factory=list, description="Edges out of this report.")
    findings: list[dict[str, Any]] = Field(default_factory=list, description="Audit findings on this report.")


class SearchHit(BaseModel):
    id: str
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    story: str | None = None
    snippet: str = Field(description="Plain text around the best match.")
    highlights: list[tuple[int, int]] = Field(description="[start, end) offsets of matched terms in the snippet.")
    sentence: int | None = Field(
        None, description="0-based index of the sentence holding the first match (the page /articles/{id}#s{n} counts from 1)."
    )


class SearchResults(BaseModel):
    query: str
    total: int
    offset: int
    limit: int
    hits: list[SearchHit]


class FindingTypeCount(BaseModel):
    type: str
    count: int


class QueueItem(BaseModel):
    score: float = Field(description="The verdict's score: how strongly the findings say the facts were altered.")
    story: str
    story_name: str = Field(description="The story's origin title (or first sentence).")
    derived: str
    derived_name: str = Field(description="The derived report's title (or first sentence).")
    derived_outlet: str | None = None
    derived_published: str | None = None
    source: str | None = None
    source_name: str | None = None
    source_outlet: str | None = None
    source_published: str | None = None
    relation: str | None = None
    coverage: float | None = None
    findings: int = Field(description="Findings on this derivative against this source.")
    types: list[FindingTypeCount] = Field(description="Finding types and how many of each, in the reports' order.")
    href: str = Field(description="The pair's permalink: the story page opened at this derivative beside its source.")
    first_finding_href: str | None = Field(None, description="Permalink of the pair's first finding.")


class QueueList(BaseModel):
    """Derivatives whose verdict says the facts were altered: verdict score first, then newest."""

    total: int
    offset: int
    limit: int
    trace_version: int
    tracing: bool
    items: list[QueueItem]


class ReportIn(BaseModel):
    """One report to ingest. POST /api/reports takes one of these or a list of them."""

    id: str = Field(description="Unique id; re-posting the same id with the same content is a no-op.")
    text: str
    published: str | None = Field(None, description="ISO date or datetime.")
    title: str | None = None
    outlet: str | None = None
    url: str | None = None


class RejectedOut(BaseModel):
    item: int | None = Field(None, description="1-based position in the posted list.")
    id: str | None = None
    kind: str
    reason: str


class IngestResult(BaseModel):
    added: list[str]
    unchanged: list[str]
    rejected: list[RejectedOut]
    traced: bool = Field(description="The stories below come from a trace that includes the accepted reports.")
    trace_version: int
    stories: list[StorySummary] = Field(description="Stories holding the accepted reports.")


class Status(BaseModel):
    articles: int
    stories: int
    traced_articles: int
    trace_version: int
    tracing: bool
    last_trace_seconds: float | None = None
    last_error: str | None = None
    writes: str = Field(description="token, open (loopback, no token) or closed.")
