"""A compact terminal summary of a trace (rich), and a progress display for long runs."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from rich.tree import Tree

from storytrace.report._common import (
    UNKNOWN_ORDER_NOTE,
    Texts,
    arrow,
    as_dict,
    derived_reports,
    finding_rank,
    not_derived_note,
    order_unknown,
    ordered_stories,
    percent,
    verdict_text,
)

FINDINGS_SHOWN = 3  # per derived report
TITLE_WIDTH = 70


LISTED = 20  # report ids named per language before "and N more"


def _short(text: Any, limit: int = TITLE_WIDTH) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _label(article_id: str, texts: Texts) -> Text:
    """id  date  outlet  “title” — always a Text, so report text is never read as markup."""
    a = texts.articles.get(article_id) or {}
    out = Text(str(article_id), style="bold")
    out.append(f"  {a.get('published') or 'undated'}", style="cyan")
    if a.get("outlet"):
        out.append(f"  {_short(a['outlet'], 30)}", style="magenta")
    if a.get("title"):
        out.append(f"  “{_short(a['title'])}”")
    return out


def _story_panel(story: dict, texts: Texts) -> Panel:
    members = story.get("articles") or []
    tree = Tree(
        Text.assemble(("origin ", "dim"), _label(story["origin"], texts))
        if story.get("origin")
        else Text("origin undetermined", style="dim")
    )

    edges = story.get("edges") or []
    note = not_derived_note(story)
    if note:
        tree.add(Text(note, style="yellow"))
    if edges:
        branch = tree.add(Text(f"{len(edges)} derivation edge{'s' if len(edges) != 1 else ''}", style="dim"))
        for edge in edges:
            line = Text()
            line.append(str(edge.get("source")), style="bold")
            line.append(arrow(edge))
            line.append(str(edge.get("derived")), style="bold")
            if order_unknown(edge):
                line.append(f"  ({UNKNOWN_ORDER_NOTE})", style="yellow")
            line.append(f"  coverage {percent(edge.get('coverage'))}")
            line.append(f"  {edge.get('relation')}", style="cyan")
            verdict = verdict_text(edge.get("verdict"))
            if verdict:
                altered = bool(edge["verdict"].get("facts_altered"))
                line.append(f"  {verdict}", style="bold red" if altered else "green")
            branch.add(line)
    elif not note:
        tree.add(Text("no derivation edges", style="dim"))

    unplaced = [m for m in members if m != story.get("origin") and m not in {e.get("derived") for e in edges}]
    if unplaced:
        related = tree.add(Text("related (no edge)", style="dim"))
        for member in unplaced:
            related.add(_label(member, texts))

    findings = story.get("findings") or []
    if findings:
        counts = Counter(str(f.get("type")) for f in findings)
        summary = Text(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: ", style="bold")
        summary.append(", ".join(f"{kind} {counts[kind]}" for kind in sorted(counts, key=finding_rank)), style="yellow")
        branch = tree.add(summary)
        for derived in derived_reports(story):
            mine = [f for f in findings if f.get("derived") == derived]
            if not mine:
                continue
            node = branch.add(Text(str(derived), style="bold"))
            mine.sort(
                key=lambda f: (
                    finding_rank(str(f.get("type"))),
                    f.get("derived_sentence") if isinstance(f.get("derived_sentence"), int) else 10**9,
                )
            )
            for f in mine[:FINDINGS_SHOWN]:
                item = Text(f"{f.get('type')}", style="yellow")
                if f.get("derived_sentence") is not None:
                    item.append(f" #{f['derived_sentence']}", style="dim")
                item.append(f"  {_short(f.get('explanation'), 100)}")
                node.add(item)
            if len(mine) > FINDINGS_SHOWN:
                node.add(Text(f"… {len(mine) - FINDINGS_SHOWN} more", style="dim"))

    profiles = [(m, (texts.articles.get(m) or {}).get("profile")) for m in members]
    profiled = [(m, p) for m, p in profiles if isinstance(p, dict)]
    if profiled:
        branch = tree.add(Text("sourcing", style="dim"))
        for member, p in profiled:
            line = Text(str(member), style="bold")
            line.append(
                f"  quotes {len(p.get('direct_quotes') or [])}, named {len(p.get('named_sources') or [])}, "
                f"anonymous {len(p.get('anonymous_sources') or [])}, vague {len(p.get('vague_attributions') or [])}, "
                f"hedges {len(p.get('hedges') or [])}"
            )
            branch.add(line)

    title = Text.assemble(("story ", "dim"), (str(story.get("id")), "bold"), f"  {len(members)} reports")
    return Panel(tree, title=title, title_align="left", expand=False)


def print_summary(result: Any, console: Console | None = None) -> None:
    """Print a compact summary of a trace (dict or TraceResult) to ``console`` (default: stdout)."""
    doc = as_dict(result)
    console = console or Console()
    texts = Texts(doc)
    multi, single = ordered_stories(doc)
    n_articles = len(doc.get("articles") or [])
    n_findings = sum(len(s.get("findings") or []) for s in doc.get("stories") or [])
    n_stories = len(doc.get("stories") or [])
    console.print(
        Text.assemble(
            ("storytrace  ", "bold"),
            f"{n_articles} report{'s' if n_articles != 1 else ''}, ",
            f"{n_stories} stor{'y' if n_stories == 1 else 'ies'} ({len(multi)} traced, {len(single)} single), ",
            f"{n_findings} finding{'s' if n_findings != 1 else ''}",
        )
    )
    unread = [a for a in doc.get("articles") or [] if a.get("paraphrase_supported") is False]
    if unread:
        by_language: dict[str, list[str]] = {}
        for a in unread:
            by_language.setdefault(str(a.get("language")), []).append(str(a.get("id")))
        for language, ids in sorted(by_language.items()):
            shown = ", ".join(ids[:LISTED]) + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")
            console.print(
                Text(
                    f"language {language}, not read by the paraphrase models: verbatim reuse only for "
                    f"{len(ids)} report{'s' if len(ids) != 1 else ''} ({shown})",
                    style="yellow",
                )
            )
    for story in multi:
        console.print(_story_panel(story, texts))
    if single:
        ids = [m for s in single for m in s.get("articles") or []]
        line = Text(f"single reports ({len(ids)}): ", style="dim")
        line.append(", ".join(str(i) for i in ids))
        console.print(line)


class TraceProgress:
    """Progress for ``storytrace.pipeline.trace(..., progress=...)``: ``(stage, done, total)``.

    Shows a rich progress bar only for long runs (more than ``threshold`` articles, taken from
    ``articles`` when given, else from the totals reported) and only when both stdout and the
    console are terminals; otherwise every call is a silent no-op. Use as a context manager::

        with TraceProgress(articles=len(articles)) as progress:
            result = trace(articles, progress=progress)
    """

    def __init__(self, articles: int | None = None, threshold: int = 50, console: Console | None = None, quiet: bool = False):
        self.articles = articles
        self.threshold = threshold
        self.console = console
        self.quiet = quiet
        self._progress: Progress | None = None
        self._tasks: dict[str, Any] = {}
        self._disabled = quiet or not self._terminal() or (articles is not None and articles <= threshold)

    def _terminal(self) -> bool:
        stdout = sys.stdout
        try:
            if stdout is None or not stdout.isatty():
                return False
        except (AttributeError, ValueError):
            return False
        if self.console is None:
            self.console = Console(stderr=True)
        return bool(self.console.is_terminal)

    @property
    def active(self) -> bool:
        return self._progress is not None

    def __enter__(self) -> TraceProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        self._tasks.clear()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._disabled:
            return
        if self._progress is None:
            if self.articles is None and total <= self.threshold:
                return
            self._progress = Progress(
                TextColumn("{task.description:<12}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self._progress.start()
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1))
        self._progress.update(task, completed=min(done, total), total=max(total, 1))
