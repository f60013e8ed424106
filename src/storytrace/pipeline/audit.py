"""The claim audit of a traced result: findings, verdicts, claims and sourcing profiles."""

from __future__ import annotations

from storytrace.engines.tasks import AuditOutput, run_audit
from storytrace.model import Article, Story
from storytrace.pipeline.result import TraceResult
from storytrace.pipeline.work import Mapper, Progress, quiet, serial

AUDIT_TASK_ARTICLES = 60


def audit_items(result: TraceResult) -> list[list[tuple[Story, list[Article]]]]:
    """Stories with edges, with the articles their edges name, packed into tasks."""
    by_id = {a.id: a for a in result.articles}
    tasks: list[list[tuple[Story, list[Article]]]] = []
    current: list[tuple[Story, list[Article]]] = []
    size = 0
    for story in result.stories:
        if not story.edges:
            continue
        ids = {x for e in story.edges for x in (e.source, e.derived) if x in by_id}
        members = [by_id[a] for a in story.articles if a in ids]
        current.append((story, members))
        size += len(members)
        if size >= AUDIT_TASK_ARTICLES:
            tasks.append(current)
            current, size = [], 0
    if current:
        tasks.append(current)
    return tasks


def audit_result(result: TraceResult, mapper: Mapper = serial, progress: Progress = quiet) -> None:
    """The claim audit adds findings and verdicts where it is installed (claims stage)."""
    tasks = audit_items(result)
    stories = {s.id: s for s in result.stories}
    by_id = {a.id: a for a in result.articles}
    for k, outs in enumerate(mapper(run_audit, tasks)):
        apply_audit(stories, by_id, outs)
        progress("audit", k + 1, len(tasks))


def apply_audit(stories: dict[str, Story], by_id: dict[str, Article], outs: list[AuditOutput]) -> None:
    for out in outs:
        story = stories[out.story]
        story.findings = out.findings
        for e, verdict in zip(story.edges, out.verdicts, strict=False):
            e.verdict = verdict
        for aid, profile in out.profiles.items():
            by_id[aid].meta["profile"] = profile
        for aid, claims in out.claims.items():
            by_id[aid].claims = claims
