"""The claim audit of a traced result: findings, verdicts, claims and sourcing profiles."""

from __future__ import annotations

from collections.abc import Callable

from storytrace.engines.tasks import AuditOutput, run_audit
from storytrace.model import Article, Story
from storytrace.pipeline.audit_cache import Unstorable, audit_key, decode_output, encode_output
from storytrace.pipeline.result import TraceResult
from storytrace.pipeline.work import Mapper, Progress, quiet, serial

AUDIT_TASK_ARTICLES = 60


def audit_items(result: TraceResult) -> list[list[tuple[Story, list[Article]]]]:
    """Stories with edges, with the articles their edges name, packed into tasks."""
    return pack(_to_audit(result))


def _to_audit(result: TraceResult) -> list[tuple[Story, list[Article]]]:
    """Each story with edges and the articles its edges name, in the stories' order."""
    by_id = {a.id: a for a in result.articles}
    items = []
    for story in result.stories:
        if not story.edges:
            continue
        ids = {x for e in story.edges for x in (e.source, e.derived) if x in by_id}
        items.append((story, [by_id[a] for a in story.articles if a in ids]))
    return items


def pack(items: list[tuple[Story, list[Article]]]) -> list[list[tuple[Story, list[Article]]]]:
    """Stories to audit, packed into tasks of about AUDIT_TASK_ARTICLES articles."""
    tasks: list[list[tuple[Story, list[Article]]]] = []
    current: list[tuple[Story, list[Article]]] = []
    size = 0
    for story, members in items:
        current.append((story, members))
        size += len(members)
        if size >= AUDIT_TASK_ARTICLES:
            tasks.append(current)
            current, size = [], 0
    if current:
        tasks.append(current)
    return tasks


# Stored audits by key: given the keys a trace needs, the stored outputs of those it has.
AuditLookup = Callable[[list[str]], dict[str, str]]


def audit_result(
    result: TraceResult, mapper: Mapper = serial, progress: Progress = quiet, stored: AuditLookup | None = None
) -> None:
    """The claim audit adds findings and verdicts where it is installed (claims stage).

    ``stored``: audits kept by earlier traces (``pipeline.audit_cache``); a story whose inputs
    are unchanged takes its stored audit instead of a new one. ``result.audits`` gets the key
    of every story audited (stored or new) and ``result.new_audits`` the outputs made here."""
    stories = {s.id: s for s in result.stories}
    by_id = {a.id: a for a in result.articles}
    items = _to_audit(result)
    keys = [audit_key(story, members) for story, members in items]
    found = stored(sorted(set(keys))) if stored is not None and keys else {}
    todo = []
    for (story, members), key in zip(items, keys, strict=True):
        if key in found:
            apply_audit(stories, by_id, [decode_output(found[key])])
        else:
            todo.append((story, members, key))
    result.audits = set(keys)
    result.stats["audits_reused"] = len(items) - len(todo)
    key_of = {story.id: key for story, _, key in todo}
    tasks = pack([(story, members) for story, members, _ in todo])
    for k, outs in enumerate(mapper(run_audit, tasks)):
        apply_audit(stories, by_id, outs)
        for out in outs:
            try:
                result.new_audits[key_of[out.story]] = encode_output(out)
            except Unstorable:
                pass  # audited again next time
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
