"""Helpers shared by the Markdown and terminal reports; they read the trace *dict*."""

from __future__ import annotations

import json
from typing import Any

from storytrace.model import FINDING_TYPES

FINDING_ORDER = list(FINDING_TYPES)  # the reports list findings in the model's order


def as_dict(result: Any) -> dict:
    """Accept a trace dict or anything with ``to_dict()`` (a TraceResult)."""
    if isinstance(result, dict):
        return result
    if hasattr(result, "to_dict"):
        return result.to_dict()
    raise TypeError(f"expected a trace dict or a TraceResult, got {type(result).__name__}")


def finding_rank(kind: str) -> tuple[int, str]:
    try:
        return (FINDING_ORDER.index(kind), kind)
    except ValueError:
        return (len(FINDING_ORDER), kind)


def ordered_stories(doc: dict) -> tuple[list[dict], list[dict]]:
    """(stories of two or more reports, largest first; singletons), stable within a size."""
    stories = list(doc.get("stories") or [])
    multi = [s for s in stories if len(s.get("articles") or []) > 1]
    single = [s for s in stories if len(s.get("articles") or []) <= 1]
    multi.sort(key=lambda s: -len(s["articles"]))
    return multi, single


def roles(story: dict) -> dict[str, str]:
    derived = {e.get("derived") for e in story.get("edges") or []}
    out = {}
    for member in story.get("articles") or []:
        if member == story.get("origin"):
            out[member] = "origin"
        elif member in derived:
            out[member] = "derived"
        else:
            out[member] = "related"
    return out


def derived_reports(story: dict) -> list[str]:
    """Members that are derived from something (edges, alignments or findings), chronological."""
    seen = set()
    for group in ("edges", "alignments", "findings"):
        for item in story.get(group) or []:
            if item.get("derived") is not None:
                seen.add(item["derived"])
    members = list(story.get("articles") or [])
    ordered = [m for m in members if m in seen]
    return ordered + sorted(seen - set(members))


def percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "?"


def number(value: Any, digits: int = 2) -> str:
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return "?"


def order_unknown(edge: dict) -> bool:
    """Same-day reports without a time of day: either may be the source (drawn without an arrow)."""
    return edge.get("direction") == "unknown"


def arrow(edge: dict) -> str:
    return " — " if order_unknown(edge) else " → "


UNKNOWN_ORDER_NOTE = "same day, order unknown"


def order_note(edge: dict) -> str:
    """What follows the two ids of an edge of unknown order (nothing otherwise)."""
    return f" ({UNKNOWN_ORDER_NOTE})" if order_unknown(edge) else ""


def not_derived_note(story: dict) -> str | None:
    """For a compared pair below the edge bar: "not derived (coverage 4 %, ...)"."""
    comparison = story.get("comparison") or {}
    if comparison.get("derived") is not False:
        return None
    forced = " (audited anyway: --force)" if story.get("edges") else "; no findings listed (--force lists them)"
    return f"not derived (coverage {percent(comparison.get('coverage'))}, edge confidence {number(comparison.get('confidence'))}){forced}"


def verdict_text(verdict: Any) -> str | None:
    if not isinstance(verdict, dict) or "facts_altered" not in verdict:
        return None
    label = "facts altered" if verdict.get("facts_altered") else "facts kept"
    if verdict.get("score") is not None:
        label += f" (score {number(verdict['score'])})"
    return label


class Texts:
    """Look up sentence texts (and spans inside them) of the reports in a trace dict."""

    def __init__(self, doc: dict):
        # ids are taken as the document gives them; lookups with a missing id (None) find nothing
        self.articles: dict[Any, dict] = {a["id"]: a for a in doc.get("articles") or [] if isinstance(a, dict) and "id" in a}
        self._sentences: dict[Any, dict[int, dict]] = {}
        for article_id, article in self.articles.items():
            self._sentences[article_id] = {s["index"]: s for s in article.get("sentences") or [] if "index" in s}

    def sentence(self, article_id: Any, index: Any) -> str | None:
        if article_id is None or index is None:
            return None
        s = self._sentences.get(article_id, {}).get(index)
        return None if s is None else s.get("text")

    def span(self, article_id: Any, span: Any) -> str | None:
        """The text of character offsets [start, end) when one sentence holds them."""
        if article_id is None or not span or len(span) != 2:
            return None
        start, end = span
        for s in self._sentences.get(article_id, {}).values():
            text, s0, s1 = s.get("text", ""), s.get("start", 0), s.get("end", 0)
            if s0 <= start <= end <= s1 and len(text) == s1 - s0:
                return text[start - s0 : end - s0]
        return None


def value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
