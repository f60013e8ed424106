"""A Markdown report of a trace, made from the trace *dict* (so it works from a JSON file too).

All text that comes from the reports (titles, outlets, sentences, values) goes through
``escape``: it cannot break a table, start a heading or a list, open a code span, or
inject HTML when the Markdown is rendered.
"""

from __future__ import annotations

import re
from typing import Any

from storytrace.report._common import (
    Texts,
    arrow,
    as_dict,
    derived_reports,
    finding_rank,
    not_derived_note,
    number,
    order_note,
    ordered_stories,
    percent,
    roles,
    value_text,
    verdict_text,
)

_BACKSLASHED = re.compile(r"([\\`*_\[\]|~])")
_LEADING_MARK = re.compile(r"^([#+\-=])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")


def escape(text: Any, limit: int | None = None) -> str:
    """Make report text inert inline Markdown: one line, no HTML, no table breaks."""
    if text is None:
        return ""
    s = " ".join(str(text).split())  # newlines would end a table row or a list item
    if limit is not None and len(s) > limit:
        s = s[: max(1, limit - 1)].rstrip() + "…"
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _BACKSLASHED.sub(r"\\\1", s)
    # a heading, list item or setext underline only starts a line, but the text may be placed at one
    s = _LEADING_MARK.sub(r"\\\1", s)
    return _LEADING_NUMBER.sub(r"\1\\\2", s)


def code(text: Any, table: bool = False) -> str:
    """An inline code span for an id: safe whatever backticks (or, in a table, pipes) it holds."""
    s = " ".join(str(text).split())
    runs = [len(r) for r in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    if table:
        s = s.replace("|", "\\|")  # GFM tables unescape \| even inside code spans
    return f"{fence}{pad}{s}{pad}{fence}"


def _quote(text: Any, limit: int | None = None) -> str:
    return f"“{escape(text, limit)}”"


def _date(article: dict | None) -> str:
    if not article or not article.get("published"):
        return "undated"
    return escape(article["published"])


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    out = [_row(header), "|" + "|".join(f" {a or '---'} " for a in (align or ["---"] * len(header))) + "|"]
    out.extend(_row(r) for r in rows)
    return out


def _describe(article_id: str, texts: Texts) -> str:
    """`id` — date, outlet, “title”."""
    a = texts.articles.get(article_id)
    bits = [_date(a)]
    if a and a.get("outlet"):
        bits.append(escape(a["outlet"]))
    if a and a.get("title"):
        bits.append(_quote(a["title"]))
    return f"{code(article_id)} — " + ", ".join(bits)


def to_markdown(result: Any, title: str = "storytrace report") -> str:
    """The whole trace as Markdown."""
    doc = as_dict(result)
    texts = Texts(doc)
    multi, single = ordered_stories(doc)
    n_articles = len(doc.get("articles") or [])
    n_stories = len(doc.get("stories") or [])
    n_findings = sum(len(s.get("findings") or []) for s in doc.get("stories") or [])
    n_edges = sum(len(s.get("edges") or []) for s in doc.get("stories") or [])

    lines = [f"# {escape(title)}", ""]
    lines.append(
        f"{_plural(n_articles, 'report')}, {_plural(n_stories, 'story', 'stories')} "
        f"({len(multi)} with more than one report, {_plural(len(single), 'single report')}); "
        f"{_plural(n_edges, 'derivation edge')}, {_plural(n_findings, 'finding')}."
    )
    lines.append("")
    for story in multi:
        lines.extend(_story(story, texts))
    if single:
        lines.append(f"## Single reports ({len(single)})")
        lines.append("")
        for story in single:
            for member in story.get("articles") or []:
                lines.append(f"- {_describe(member, texts)} (story {code(story.get('id', '?'))})")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _story(story: dict, texts: Texts) -> list[str]:
    members = story.get("articles") or []
    role = roles(story)
    lines = [f"## Story {code(story.get('id', '?'))} — {_plural(len(members), 'report')}", ""]
    origin = story.get("origin")
    lines.append(f"**Origin:** {_describe(origin, texts)}" if origin else "**Origin:** undetermined")
    lines.append("")

    lines.append("### Timeline")
    lines.append("")
    rows = []
    for member in members:
        a = texts.articles.get(member) or {}
        rows.append(
            [_date(a), code(member, table=True), escape(a.get("outlet")), escape(a.get("title")), role.get(member, "related")]
        )
    lines.extend(_table(["Date", "Report", "Outlet", "Title", "Role"], rows))
    lines.append("")
    lines.extend(_profiles(members, texts))

    edges = story.get("edges") or []
    lines.append("### Derivation edges")
    lines.append("")
    note = not_derived_note(story)
    if note:
        lines.append(f"The two are {escape(note)}.")
        lines.append("")
    elif not edges:
        lines.append("No derivation edges.")
    for edge in edges:
        line = (
            f"- {code(edge.get('source'))}{arrow(edge)}{code(edge.get('derived'))}"
            + order_note(edge)
            + f": coverage {percent(edge.get('coverage'))}, "
            f"{escape(edge.get('relation'))}, {_plural(int(edge.get('sentences') or 0), 'sentence')}, "
            f"score {number(edge.get('score'))}"
        )
        verdict = verdict_text(edge.get("verdict"))
        if verdict:
            line += f" — verdict: **{verdict}**"
        lines.append(line)
    lines.append("")

    alignments = story.get("alignments") or []
    findings = story.get("findings") or []
    for derived in derived_reports(story):
        sources = [e.get("source") for e in edges if e.get("derived") == derived]
        head = f"### Derived report {code(derived)}"
        if sources:
            head += " from " + ", ".join(code(s) for s in sources)
        lines.extend([head, ""])
        mine = sorted((al for al in alignments if al.get("derived") == derived), key=lambda al: _int(al.get("derived_sentence")))
        if mine:
            lines.append("#### Sentence alignment")
            lines.append("")
            rows = []
            previous = object()
            for al in mine:
                ds = al.get("derived_sentence")
                # a sentence aligned to several source sentences: its text only on the first row
                repeat = ds == previous
                previous = ds
                src, ss = al.get("source"), al.get("source_sentence")
                if src is None or ss is None:
                    source_cell = "—"
                else:
                    source_cell = f"{code(src, table=True)} #{ss}"
                    source_text = texts.sentence(src, ss)
                    if source_text:
                        source_cell += f": {escape(source_text)}"
                derived_cell = "″" if repeat else escape(texts.sentence(derived, ds) or "")
                rows.append(
                    ["" if repeat else str(ds), derived_cell, escape(al.get("relation")), source_cell, number(al.get("score"))]
                )
            lines.extend(
                _table(
                    ["#", "Derived sentence", "Relation", "Source sentence", "Score"], rows, ["--:", "---", "---", "---", "--:"]
                )
            )
            lines.append("")
        lines.extend(_findings([f for f in findings if f.get("derived") == derived], texts))
    return lines


def _items(values: Any, key: str = "text") -> list[str]:
    out = []
    for v in values or []:
        out.append(str(v.get(key) or "") if isinstance(v, dict) else str(v))
    return [v for v in out if v]


def _profiles(members: list[str], texts: Texts) -> list[str]:
    """Who each report quotes and cites: the sourcing profile the audit attaches."""
    rows = []
    for member in members:
        p = (texts.articles.get(member) or {}).get("profile")
        if not isinstance(p, dict):
            continue
        quotes = p.get("direct_quotes") or []
        speakers = sorted({str(q.get("speaker")) for q in quotes if isinstance(q, dict) and q.get("speaker")})
        quoted = f"{len(quotes)}" + (f" ({escape(', '.join(speakers), 120)})" if speakers else "")
        rows.append(
            [
                code(member, table=True),
                quoted,
                escape(", ".join(_items(p.get("named_sources"))), 120) or "—",
                escape(", ".join(_items(p.get("anonymous_sources"))), 120) or "—",
                escape(", ".join(_items(p.get("vague_attributions"))), 120) or "—",
                escape(", ".join(_items(p.get("hedges"))), 120) or "—",
            ]
        )
    if not rows:
        return []
    return [
        "### Sourcing",
        "",
        *_table(["Report", "Direct quotes", "Named sources", "Anonymous sources", "Vague attributions", "Hedges"], rows),
        "",
    ]


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 10**9


def _findings(findings: list[dict], texts: Texts) -> list[str]:
    if not findings:
        return []
    lines = [f"#### Findings ({len(findings)})", ""]
    by_type: dict[str, list[dict]] = {}
    for f in findings:
        by_type.setdefault(str(f.get("type")), []).append(f)
    for kind in sorted(by_type, key=finding_rank):
        items = by_type[kind]
        label = kind if re.fullmatch(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*", kind) else escape(kind)  # intraword _ is inert
        lines.append(f"**{label}** ({len(items)})")
        lines.append("")
        for f in items:
            lines.append("- " + _finding(f, texts))
        lines.append("")
    return lines


def _side(label: str, article_id: Any, sentence: Any, span: Any, value: Any, texts: Texts) -> str | None:
    parts = []
    quoted = texts.span(article_id, span)
    if quoted:
        parts.append(_quote(quoted))
    elif span:
        parts.append(f"chars {escape(span[0])}–{escape(span[1])}")
    if value is not None and (not isinstance(value, str) or value != quoted):
        parts.append(f"value {_quote(value_text(value), 200)}")
    if not parts and sentence is not None:
        text = texts.sentence(article_id, sentence)
        if text:
            parts.append(_quote(text, 200))
    if not parts:
        return None
    where = f"{label} {code(article_id)}" if article_id is not None else label
    if sentence is not None:
        where += f" #{sentence}"
    return f"{where}: " + ", ".join(parts)


def _finding(f: dict, texts: Texts) -> str:
    out = escape(f.get("explanation") or "(no explanation)")
    candidates = [
        _side("derived", f.get("derived"), f.get("derived_sentence"), f.get("derived_span"), f.get("derived_value"), texts),
        _side("source", f.get("source"), f.get("source_sentence"), f.get("source_span"), f.get("source_value"), texts),
    ]
    sides = [s for s in candidates if s]
    if sides:
        out += " — " + "; ".join(sides)
    return out
