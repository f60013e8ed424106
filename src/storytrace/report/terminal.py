"""The terminal views of a trace (Rich), and a progress display for long runs.

* :func:`print_summary`: by default one line per story (origin, size, edges, derivatives whose
  facts were altered, findings), fitted to the console's width; ``details=True`` draws each
  story with its edges and every finding of each derived report, wrapped at word boundaries.
* :func:`print_comparison`: a compared pair sentence by sentence (each derived sentence, the
  source sentence it restates, their relation, the findings on it).

Report text is always placed in ``Text`` objects, never parsed as Rich markup. Nothing is cut
at a fixed width: long text wraps at the console's width, and a one-line cell is shortened at
a word boundary.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
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
    number,
    order_unknown,
    ordered_stories,
    percent,
    verdict_text,
)

LISTED = 20  # report ids named in one line of the compact view before "and N more"
STORIES_LISTED = 100  # compact view: the largest stories, one line each; the rest counted
RELATION_STYLE = {"verbatim": "green", "paraphrase": "cyan", "partial": "yellow", "unsupported": "red"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``plural(1, "story", "stories")`` -> "1 story"; ``plural(3, "edge")`` -> "3 edges"."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def shorten(text: Any, width: int) -> str:
    """``text`` on one line of at most ``width`` characters, cut at a word boundary (``…``
    marks the cut). Only a single word longer than the width is cut inside itself."""
    s = " ".join(str(text or "").split())
    if len(s) <= width:
        return s
    if width <= 1:
        return "…"[:width]
    head = s[: width - 1]
    if s[width - 1] != " " and " " in head:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:.-—") + "…"


def _sentence_count(texts: Texts, article_id: Any) -> int:
    return len((texts.articles.get(article_id) or {}).get("sentences") or [])


def _headline(article_id: Any, texts: Texts) -> str:
    """A report's title, else its first sentence."""
    a = texts.articles.get(article_id) or {}
    if a.get("title"):
        return str(a["title"])
    return texts.sentence(article_id, 0) or ""


def _label(article_id: Any, texts: Texts) -> Text:
    """id  date  outlet  “title”: report text is never read as markup, and wraps."""
    a = texts.articles.get(article_id) or {}
    out = Text(str(article_id), style="bold")
    out.append(f"  {a.get('published') or 'undated'}", style="cyan")
    if a.get("outlet"):
        out.append(f"  {' '.join(str(a['outlet']).split())}", style="magenta")
    if a.get("title"):
        out.append(f"  “{' '.join(str(a['title']).split())}”")
    return out


def _altered(story: dict) -> list[str]:
    """Derived reports of the story whose edge verdict says their facts were altered."""
    out: list[str] = []
    for edge in story.get("edges") or []:
        verdict = edge.get("verdict")
        if isinstance(verdict, dict) and verdict.get("facts_altered") and edge.get("derived") not in out:
            out.append(str(edge.get("derived")))
    return out


def _unread_lines(doc: dict) -> list[Text]:
    unread = [a for a in doc.get("articles") or [] if a.get("paraphrase_supported") is False]
    by_language: dict[str, list[str]] = {}
    for a in unread:
        by_language.setdefault(str(a.get("language")), []).append(str(a.get("id")))
    lines = []
    for language, ids in sorted(by_language.items()):
        shown = ", ".join(ids[:LISTED]) + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")
        lines.append(
            Text(
                f"language {language}, not read by the paraphrase models: verbatim reuse only for "
                f"{plural(len(ids), 'report')} ({shown})",
                style="yellow",
            )
        )
    return lines


# ---------------------------------------------------------------------------------- compact view

_COLUMNS = ("reports", "edges", "altered", "findings")


def _story_counts(story: dict) -> dict[str, int]:
    return {
        "reports": len(story.get("articles") or []),
        "edges": len(story.get("edges") or []),
        "altered": len(_altered(story)),
        "findings": len(story.get("findings") or []),
    }


def _compact(stories: list[dict], texts: Texts, width: int) -> list[Text]:
    """One line per story: rank, counts in aligned columns, then the origin fitted to what is
    left of the line."""
    counts = [_story_counts(s) for s in stories]
    rank_width = len(str(len(stories)))
    widths = {c: max([len(c)] + [len(f"{n[c]:,}") for n in counts]) for c in _COLUMNS}
    head = Text(" " * rank_width + "  ", style="dim")
    head.append("  ".join(c.rjust(widths[c]) for c in _COLUMNS) + "  origin", style="dim")
    lines = [head]
    for rank, (story, n) in enumerate(zip(stories, counts, strict=True), start=1):
        line = Text(f"{rank:>{rank_width}}. ", style="dim")
        for column in _COLUMNS:
            cell = f"{n[column]:,}".rjust(widths[column])
            style = "bold red" if column == "altered" and n[column] else ("yellow" if column == "findings" and n[column] else "")
            line.append(cell, style=style)
            line.append("  ")
        origin = story.get("origin")
        room = max(width - line.cell_len, 12)
        if origin is None:
            line.append(shorten("undetermined", room), style="dim")
        else:
            name = shorten(str(origin), room)
            line.append(name, style="bold")
            room -= len(name) + 2
            headline = _headline(origin, texts)
            if headline and room >= 8:
                headline = " ".join(headline.split())
                quoted = headline if headline[0] in "“\"‘'" else f"“{headline}”"  # no quote marks twice
                line.append("  " + shorten(quoted, room))
        lines.append(line)
    return lines


def _id_list(label: str, ids: list[str], width: int) -> Text:
    """``label (N): a, b, c and 9 more`` on one line of the console's width."""
    line = Text(f"{label} ({len(ids):,}): ", style="dim")
    shown: list[str] = []
    for k, rid in enumerate(ids):
        rest = len(ids) - k - 1
        tail = f" and {rest:,} more" if rest else ""
        candidate = ", ".join([*shown, rid])
        if line.cell_len + len(candidate) + len(tail) > width and shown:
            break
        shown.append(rid)
    line.append(", ".join(shown))
    if len(shown) < len(ids):
        line.append(f" and {len(ids) - len(shown):,} more", style="dim")
    return line


# ---------------------------------------------------------------------------------- details view


def _finding_line(f: dict) -> Text:
    item = Text(str(f.get("type")), style="yellow")
    if f.get("derived_sentence") is not None:
        item.append(f" #{f['derived_sentence']}", style="dim")
    explanation = " ".join(str(f.get("explanation") or "(no explanation)").split())
    item.append(f"  {explanation}")
    return item


def _by_sentence(f: dict) -> tuple:
    ds = f.get("derived_sentence")
    return (finding_rank(str(f.get("type"))), ds if isinstance(ds, int) else 10**9)


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
        branch = tree.add(Text(plural(len(edges), "derivation edge"), style="dim"))
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
        summary = Text(f"{plural(len(findings), 'finding')}: ", style="bold")
        summary.append(", ".join(f"{kind} {counts[kind]}" for kind in sorted(counts, key=finding_rank)), style="yellow")
        branch = tree.add(summary)
        for derived in derived_reports(story):
            mine = sorted((f for f in findings if f.get("derived") == derived), key=_by_sentence)
            if not mine:
                continue
            sources = [str(e.get("source")) for e in edges if e.get("derived") == derived]
            head = Text(str(derived), style="bold")
            if sources:
                head.append(" derived from " + ", ".join(sources), style="dim")
            head.append(f"  ({plural(len(mine), 'finding')})", style="dim")
            node = branch.add(head)
            for f in mine:
                node.add(_finding_line(f))

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

    title = Text.assemble(("story ", "dim"), (str(story.get("id")), "bold"), f"  {plural(len(members), 'report')}")
    return Panel(tree, title=title, title_align="left", expand=False)


# ---------------------------------------------------------------------------------- the summary


def _header(doc: dict, multi: list[dict], single: list[dict]) -> Text:
    stories = doc.get("stories") or []
    n_findings = sum(len(s.get("findings") or []) for s in stories)
    n_edges = sum(len(s.get("edges") or []) for s in stories)
    return Text.assemble(
        ("storytrace  ", "bold"),
        f"{plural(len(doc.get('articles') or []), 'report')}, {plural(len(stories), 'story', 'stories')} ",
        f"({len(multi):,} traced, {len(single):,} single), {plural(n_edges, 'edge')}, {plural(n_findings, 'finding')}",
    )


def closing_line(written: Sequence[Any], *, details: bool, findings: int) -> Text:
    """The last line of a run: the files written, and where the rest of the trace is."""
    names = [str(w) for w in written]
    line = Text("wrote " + ", ".join(names) if names else "no file written", style="bold" if names else "dim")
    full = next((n for n in names if n.endswith((".html", ".htm"))), None) or next((n for n in names if n.endswith(".md")), None)
    if not details and findings:
        where = f"or open {full}" if full else "--md FILE or --html FILE"
        line.append(f"; the findings of each derived report: --details, {where}", style="dim")
    elif not full:
        line.append("; sentence by sentence: --md FILE or --html FILE", style="dim")
    return line


def print_summary(
    result: Any, console: Console | None = None, *, details: bool = False, written: Sequence[Any] | None = None
) -> None:
    """Print a trace (dict or TraceResult) to ``console`` (default: stdout).

    Compact by default (one line per story); ``details=True`` draws every story of two or more
    reports with its edges and the findings of each derived report. ``written`` (the files the
    run wrote) adds the closing line; leave it out when the caller says nothing more."""
    doc = as_dict(result)
    console = console or Console()
    texts = Texts(doc)
    multi, single = ordered_stories(doc)
    console.print(_header(doc, multi, single))
    for line in _unread_lines(doc):
        console.print(line)
    single_ids = [str(m) for s in single for m in s.get("articles") or []]
    if details:
        for story in multi:
            console.print(_story_panel(story, texts))
        if single_ids:
            line = Text(f"single reports ({len(single_ids):,}): ", style="dim")
            line.append(", ".join(single_ids))
            console.print(line)
    else:
        shown = multi[:STORIES_LISTED]
        if shown:
            for line in _compact(shown, texts, console.width):
                console.print(line, no_wrap=True, overflow="ellipsis")
        if len(multi) > len(shown):
            rest = multi[len(shown) :]
            sizes = sorted({len(s.get("articles") or []) for s in rest})
            size = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]}"
            console.print(
                Text(f"… and {plural(len(rest), 'smaller story', 'smaller stories')} ({size} reports each)", style="dim")
            )
        if single_ids:
            console.print(_id_list("single reports", single_ids, console.width), no_wrap=True, overflow="ellipsis")
    if written is not None:
        n_findings = sum(len(s.get("findings") or []) for s in doc.get("stories") or [])
        console.print(closing_line(written, details=details, findings=n_findings))


# ---------------------------------------------------------------------------------- compare


def _relation(name: Any, score: Any = None) -> Text:
    out = Text(str(name), style=RELATION_STYLE.get(str(name), ""))
    if score is not None:
        out.append(f" {number(score)}", style="dim")
    return out


def _pair_rows(
    derived: Any, index: int, rows: list[dict], findings: list[dict], texts: Texts, source_id: Any, label_width: int
) -> tuple[Text, Table]:
    """The heading and the rows of one derived sentence: its text, each source sentence it
    restates (or none), the findings on it. Every pair's labels take ``label_width``, so that
    the text column starts at one place all the way down."""
    heading = Text(f"#{index} ", style="bold")
    # one sentence restating several source sentences carries one relation and score per row
    kinds = list(dict.fromkeys((r.get("relation"), r.get("score")) for r in rows)) or [("not aligned", None)]
    for k, (relation, score) in enumerate(kinds):
        if k:
            heading.append(" + ", style="dim")
        heading.append_text(_relation(relation, score))
    if len(rows) > 1:
        heading.append(f"  restates {len(rows)} source sentences", style="dim")
    rows = sorted(
        rows, key=lambda r: (str(r.get("source")), r.get("source_sentence") if isinstance(r.get("source_sentence"), int) else -1)
    )
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim", min_width=label_width)
    grid.add_column(overflow="fold")
    derived_text = texts.sentence(derived, index) or ""
    grid.add_row("derived", Text(" ".join(derived_text.split())))
    for r in rows:
        src, ss = r.get("source"), r.get("source_sentence")
        if src is None or ss is None:
            grid.add_row("source", Text("nothing in the source restates it", style="dim"))
            continue
        text = " ".join((texts.sentence(src, ss) or "").split())
        cell = Text(f"#{ss} ", style="dim")
        if src != source_id:
            cell.append(f"({src}) ", style="dim")
        if r.get("relation") == "verbatim" and text == " ".join(derived_text.split()):
            cell.append("the same words", style="dim")
        else:
            cell.append(text)
        grid.add_row("source", cell)
    for f in sorted(findings, key=_by_sentence):
        grid.add_row(Text(str(f.get("type")), style="yellow"), Text(" ".join(str(f.get("explanation") or "").split())))
    return heading, grid


def print_comparison(result: Any, console: Console | None = None, *, written: Sequence[Any] | None = None) -> None:
    """Print a compared pair (``storytrace compare``): the verdict, then each sentence of the
    derived report beside the source sentence it restates, with the relation (verbatim,
    paraphrase, partial, unsupported) and the findings on that sentence."""
    doc = as_dict(result)
    console = console or Console()
    texts = Texts(doc)
    stories = doc.get("stories") or []
    if not stories:
        console.print(Text("storytrace compare: nothing to compare", style="dim"))
        return
    story = stories[0]
    members = list(story.get("articles") or [])
    source_id = story.get("origin") if story.get("origin") is not None else (members[0] if members else None)
    derived_id = next((m for m in members if m != source_id), None)
    edges = story.get("edges") or []
    edge = next((e for e in edges if e.get("derived") == derived_id), None)

    console.print(Text.assemble(("storytrace compare  ", "bold"), (str(source_id), "bold"), " → ", (str(derived_id), "bold")))
    intro = Table.grid(padding=(0, 1))
    intro.add_column(no_wrap=True, style="dim")
    intro.add_column(overflow="fold")
    intro.add_row("source", _label(source_id, texts))
    intro.add_row("derived", _label(derived_id, texts))
    console.print(Padding(intro, (0, 0, 0, 2)))

    alignments = [a for a in story.get("alignments") or [] if a.get("derived") == derived_id]
    n_sentences = _sentence_count(texts, derived_id)
    note = not_derived_note(story)
    verdict_line = Text()
    if note:
        verdict_line.append(note, style="yellow")
    if edge is not None:
        if note:
            verdict_line.append("; ")
        credited = int(edge.get("sentences") or 0)
        verdict_line.append(
            f"coverage {percent(edge.get('coverage'))}: {plural(credited, 'sentence')} of {n_sentences:,} "
            f"{'restates' if credited == 1 else 'restate'} the source; {edge.get('relation')}"
        )
        if order_unknown(edge):
            verdict_line.append(f" ({UNKNOWN_ORDER_NOTE})", style="yellow")
        verdict = verdict_text(edge.get("verdict"))
        if verdict:
            altered = bool((edge.get("verdict") or {}).get("facts_altered"))
            verdict_line.append("; ")
            verdict_line.append(verdict, style="bold red" if altered else "green")
    if verdict_line.plain:
        console.print(verdict_line)

    by_sentence: dict[int, list[dict]] = {}
    for a in alignments:
        if isinstance(a.get("derived_sentence"), int):
            by_sentence.setdefault(a["derived_sentence"], []).append(a)
    findings = [f for f in story.get("findings") or [] if f.get("derived") in (derived_id, None)]
    findings_at: dict[int, list[dict]] = {}
    loose: list[dict] = []
    for f in findings:
        ds = f.get("derived_sentence")
        if isinstance(ds, int):
            findings_at.setdefault(ds, []).append(f)
        else:
            loose.append(f)
    relations = Counter(str(rows[0].get("relation")) for rows in by_sentence.values() if rows)
    if relations:
        line = Text("sentences: ", style="dim")
        order = [*RELATION_STYLE, *sorted(set(relations) - set(RELATION_STYLE))]
        line.append_text(Text(", ").join(_relation(k).append(f" {relations[k]:,}") for k in order if relations.get(k)))
        line.append(f"; {plural(len(findings), 'finding')}", style="yellow" if findings else "dim")
        console.print(line)

    indices = sorted(set(range(n_sentences)) | set(by_sentence) | set(findings_at))
    label_width = max(
        [len("derived")] + [len(str(f.get("type"))) for f in findings if isinstance(f.get("derived_sentence"), int)]
    )
    for index in indices:
        heading, grid = _pair_rows(
            derived_id, index, by_sentence.get(index, []), findings_at.get(index, []), texts, source_id, label_width
        )
        console.print()
        console.print(heading)
        console.print(Padding(grid, (0, 0, 0, 2)))
    if loose:
        console.print()
        console.print(Text("findings not tied to one sentence of the derived report", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for f in sorted(loose, key=_by_sentence):
            text = Text(" ".join(str(f.get("explanation") or "").split()))
            ss = f.get("source_sentence")
            quoted = texts.sentence(f.get("source"), ss) if ss is not None else None
            if quoted:
                text.append(f"  (source #{ss}: {' '.join(quoted.split())})", style="dim")
            grid.add_row(Text(str(f.get("type")), style="yellow"), text)
        console.print(Padding(grid, (0, 0, 0, 2)))
    if written is not None:
        console.print()
        console.print(_written_line(written))


def _written_line(written: Iterable[Any]) -> Text:
    names = [str(w) for w in written]
    return Text("wrote " + ", ".join(names), style="bold") if names else Text("no file written", style="dim")


# ---------------------------------------------------------------------------------- progress


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
