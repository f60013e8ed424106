"""What the desk pages show, computed from a trace snapshot: names of reports and stories, the
story list, the review queue (derivatives whose facts were altered), the pairs of a story page,
and each finding with its evidence. Plain dicts, so the same rows feed the HTML templates, the
JSON and the CSV downloads.

Sentence numbers shown to people count from 1 (``#s1`` is a report's first sentence); the
trace and the JSON API keep their 0-based ``derived_sentence`` / ``index``.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urlencode

from storytrace.report._common import finding_rank, value_text
from storytrace.web.state import Snapshot

NAME_LIMIT = 140  # characters of a title or first sentence used as a name
# on these types the derived report has nothing to point at: the finding is what it left out
DROPPED_TYPES = {"detail_dropped", "entity_dropped", "attribution_dropped"}
# on these the source has nothing to point at: the derived report says it on its own
UNSOURCED_TYPES = {"unsupported_claim", "entity_added", "filler"}


# ---------------------------------------------------------------------- links
def article_href(article_id: str, sentence: int | None = None) -> str:
    """``sentence``: 0-based index of the sentence to open at (the anchor counts from 1)."""
    href = "/articles/" + quote(article_id, safe="")
    return href + f"#s{sentence + 1}" if sentence is not None else href


def story_href(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def pair_href(story_id: str, derived: str, source: str | None) -> str:
    return story_href(story_id) + "/pair?" + urlencode({"derived": derived, "source": source or ""})


def finding_href(story_id: str, number: int) -> str:
    """``number``: the finding's place in its story, counting from 1."""
    return story_href(story_id) + f"/findings/{number}"


# ---------------------------------------------------------------------- names
def shorten(text: str, limit: int = NAME_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def report_name(article: dict | None, article_id: str) -> str:
    """A report's title, else its first sentence, else its id."""
    article = article or {}
    title = article.get("title")
    if isinstance(title, str) and title.strip():
        return shorten(title)
    for sentence in article.get("sentences") or []:
        text = sentence.get("text") if isinstance(sentence, dict) else None
        if isinstance(text, str) and text.strip():
            return shorten(text)
    text = article.get("text")
    if isinstance(text, str) and text.strip():
        return shorten(text.strip().splitlines()[0])
    return article_id


def _chronological(members: list[str], articles: dict[str, dict]) -> list[str]:
    # undated reports after dated ones; the id breaks ties so the order never depends on the trace's
    return sorted(members, key=lambda m: ((articles.get(m) or {}).get("published") or "\uffff", m))


def story_name(snap: Snapshot, story_id: str) -> str:
    """The origin's name; without an origin, the earliest report's; else the story id."""
    story = snap.stories.get(story_id) or {}
    origin = story.get("origin")
    if isinstance(origin, str) and origin in snap.articles:
        return report_name(snap.articles[origin], origin)
    members = [m for m in story.get("articles") or [] if m in snap.articles]
    if members:
        first = _chronological(members, snap.articles)[0]
        return report_name(snap.articles[first], first)
    return story_id


def _cached(snap: Snapshot, key: str, build):
    value = snap._json.get(("desk", key))
    if value is None:
        value = build()
        snap._json[("desk", key)] = value  # a benign race: two threads build the same rows
    return value


# ---------------------------------------------------------------------- the story list
def story_rows(snap: Snapshot) -> list[dict]:
    """One row per story, in the trace's order (largest first), named and dated."""

    def build() -> list[dict]:
        rows = []
        for summary in snap.summaries:
            story = snap.stories.get(summary["id"]) or {}
            members = _chronological([m for m in story.get("articles") or [] if m in snap.articles], snap.articles)
            outlets: list[str] = []
            for m in members:
                outlet = snap.articles[m].get("outlet")
                if outlet and outlet not in outlets:
                    outlets.append(outlet)
            rows.append(
                {
                    "id": summary["id"],
                    "name": story_name(snap, summary["id"]),
                    "outlets": outlets,
                    "first_published": summary["first_published"],
                    "last_published": summary["last_published"],
                    "size": summary["size"],
                    "edges": summary["edges"],
                    "findings": summary["findings"],
                    "altered": summary["altered"],
                    "href": story_href(summary["id"]),
                }
            )
        return rows

    return _cached(snap, "stories", build)


STORY_COLUMNS = ["id", "name", "outlets", "first_published", "last_published", "size", "edges", "findings", "altered", "href"]


# ---------------------------------------------------------------------- the review queue
def _score(edge: dict) -> float:
    try:
        return float((edge.get("verdict") or {}).get("score") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def queue_rows(snap: Snapshot) -> list[dict]:
    """Every derivation edge whose verdict says the facts were altered, most severe first
    (verdict score), then the newest derivative first; ties in story and report id order."""

    def build() -> list[dict]:
        rows = []
        for story_id, story in snap.stories.items():
            by_pair: dict[tuple, list[tuple[int, dict]]] = {}
            for n, f in enumerate(_findings(story), 1):
                by_pair.setdefault((f.get("derived"), f.get("source")), []).append((n, f))
            for edge in story.get("edges") or []:
                if not (edge.get("verdict") or {}).get("facts_altered"):
                    continue
                derived, source = edge.get("derived"), edge.get("source")
                mine = by_pair.get((derived, source), [])
                counts: dict[str, int] = {}
                for _n, f in mine:
                    counts[str(f.get("type"))] = counts.get(str(f.get("type")), 0) + 1
                d, s = snap.articles.get(derived) or {}, snap.articles.get(source) or {}
                rows.append(
                    {
                        "story": story_id,
                        "story_name": story_name(snap, story_id),
                        "derived": derived,
                        "derived_name": report_name(d, derived),
                        "derived_outlet": d.get("outlet"),
                        "derived_published": d.get("published"),
                        "source": source,
                        "source_name": report_name(s, source),
                        "source_outlet": s.get("outlet"),
                        "source_published": s.get("published"),
                        "score": round(_score(edge), 4),
                        "relation": edge.get("relation"),
                        "coverage": edge.get("coverage"),
                        "findings": len(mine),
                        "types": [{"type": t, "count": counts[t]} for t in sorted(counts, key=finding_rank)],
                        "href": pair_href(story_id, derived, source),
                        "first_finding_href": finding_href(story_id, mine[0][0]) if mine else None,
                    }
                )
        # three stable sorts, last key first
        rows.sort(key=lambda r: (r["story"], r["derived"], r["source"] or ""))
        rows.sort(key=lambda r: r["derived_published"] or "", reverse=True)  # undated last
        rows.sort(key=lambda r: r["score"], reverse=True)
        return rows

    return _cached(snap, "queue", build)


QUEUE_COLUMNS = [
    "score",
    "story",
    "story_name",
    "derived",
    "derived_name",
    "derived_outlet",
    "derived_published",
    "source",
    "source_name",
    "source_outlet",
    "source_published",
    "relation",
    "coverage",
    "findings",
    "types",
    "href",
]


def queue_csv_row(row: dict) -> dict:
    return {**row, "types": [f"{t['type']} ×{t['count']}" for t in row["types"]]}


# ---------------------------------------------------------------------- pairs of a story page
_PAIR_TAG = re.compile(r"<section\b[^>]*\bclass=\"pair\"[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"\b([a-z-]+)=\"([^\"]*)\"", re.IGNORECASE)
_FINDING_ID = re.compile(r"\bdata-finding-id=\"(f\d+-(\d+))\"")


def page_pairs(page: str) -> list[dict]:
    """The side-by-side panels of a rendered story page: element id, derived and source ids
    (the renderer writes ``<section class="pair" id=.. data-derived=.. data-source=..>``)."""
    out = []
    for tag in _PAIR_TAG.findall(page):
        attrs = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(tag)}
        if "id" in attrs:
            out.append({"id": attrs["id"], "derived": attrs.get("data-derived", ""), "source": attrs.get("data-source") or None})
    return out


def pair_anchor(page: str, derived: str, source: str | None) -> str | None:
    for pair in page_pairs(page):
        if pair["derived"] == derived and pair["source"] == (source or None):
            return pair["id"]
    return None


def finding_anchor(page: str, number: int) -> str | None:
    """The element id the story page gives the story's finding ``number`` (from 1); its script
    opens the page with that finding highlighted when the address ends in ``#<id>``."""
    for fid, index in _FINDING_ID.findall(page):
        if int(index) == number - 1:
            return fid
    return None


# ---------------------------------------------------------------------- findings and evidence
def _evidence(article: dict | None, article_id: str | None, index: Any, span: Any) -> dict | None:
    """The sentence a finding points at, split around its span so the span can be marked."""
    if not isinstance(index, int) or article is None or article_id is None:
        return None
    sentences = article.get("sentences") or []
    if not 0 <= index < len(sentences):
        return None
    s = sentences[index]
    text = s.get("text") or ""
    before, marked, after = text, "", ""
    if isinstance(span, (list, tuple)) and len(span) == 2 and isinstance(s.get("start"), int):
        a = max(int(span[0]), s["start"]) - s["start"]
        b = min(int(span[1]), s.get("end", s["start"] + len(text))) - s["start"]
        if 0 <= a < b <= len(text):
            before, marked, after = text[:a], text[a:b], text[b:]
    return {
        "number": index + 1,
        "text": text,
        "before": before,
        "marked": marked,
        "after": after,
        "href": article_href(article_id, index),
    }


def _missing_derived(kind: str) -> str:
    if kind in DROPPED_TYPES:
        return "No sentence of the derived report: this is what it left out."
    return "The finding points at no particular sentence of the derived report."


def _missing_source(kind: str, source: Any) -> str:
    if not source:
        return "No source report is named for this finding."
    if kind in UNSOURCED_TYPES:
        return "No sentence of the source says this: the derived report adds it."
    return "The finding points at no particular sentence of the source."


def _findings(story: dict | None) -> list[dict]:
    return [f for f in (story or {}).get("findings") or [] if isinstance(f, dict)]


def finding_view(snap: Snapshot, story_id: str, number: int) -> dict | None:
    """Finding ``number`` (from 1) of a story with its evidence, or None."""
    findings = _findings(snap.stories.get(story_id))
    if not 1 <= number <= len(findings):
        return None
    return _view(snap, story_id, findings, number)


def _view(snap: Snapshot, story_id: str, findings: list[dict], number: int) -> dict:
    f = findings[number - 1]
    kind = str(f.get("type"))
    derived, source = f.get("derived"), f.get("source")
    d_article = snap.articles.get(derived) if isinstance(derived, str) else None
    s_article = snap.articles.get(source) if isinstance(source, str) else None
    return {
        "story": story_id,
        "story_name": story_name(snap, story_id),
        "number": number,
        "total": len(findings),
        "type": kind,
        "label": kind.replace("_", " "),
        "explanation": f.get("explanation") or "",
        "derived": derived,
        "derived_name": report_name(d_article, derived) if isinstance(derived, str) else None,
        "derived_href": article_href(derived) if isinstance(derived, str) else None,
        "source": source,
        "source_name": report_name(s_article, source) if isinstance(source, str) else None,
        "source_href": article_href(source) if isinstance(source, str) else None,
        "derived_evidence": _evidence(d_article, derived, f.get("derived_sentence"), f.get("derived_span")),
        "source_evidence": _evidence(s_article, source, f.get("source_sentence"), f.get("source_span")),
        "derived_missing": _missing_derived(kind),
        "source_missing": _missing_source(kind, source),
        "derived_value": None if f.get("derived_value") is None else value_text(f["derived_value"]),
        "source_value": None if f.get("source_value") is None else value_text(f["source_value"]),
        "href": finding_href(story_id, number),
        "pair_href": pair_href(story_id, derived, source) if isinstance(derived, str) else None,
        "raw": f,
    }


def story_findings(snap: Snapshot, story_id: str, derived: str | None = None, source: Any = ...) -> list[dict]:
    """Every finding of a story as a view (optionally only those on ``derived``, and from ``source``)."""
    findings = _findings(snap.stories.get(story_id))
    out = []
    for n, f in enumerate(findings, 1):
        if derived is not None and f.get("derived") != derived:
            continue
        if source is not ... and (f.get("source") or None) != (source or None):
            continue
        out.append(_view(snap, story_id, findings, n))
    return out


FINDING_COLUMNS = [
    "story",
    "number",
    "type",
    "derived",
    "derived_sentence",
    "derived_text",
    "derived_value",
    "source",
    "source_sentence",
    "source_text",
    "source_value",
    "explanation",
    "href",
]


def finding_csv_row(view: dict) -> dict:
    """One finding as a flat row; sentence numbers count from 1, as on the pages."""
    d, s = view["derived_evidence"], view["source_evidence"]
    return {
        **view,
        "derived_sentence": d["number"] if d else None,
        "derived_text": d["text"] if d else view["derived_missing"],
        "source_sentence": s["number"] if s else None,
        "source_text": s["text"] if s else view["source_missing"],
    }


def finding_json(view: dict) -> dict:
    """A finding as the trace holds it, with its place, links and the evidence sentences."""
    return {
        "story": view["story"],
        "number": view["number"],
        "finding": view["raw"],
        "derived_sentence_text": (view["derived_evidence"] or {}).get("text"),
        "source_sentence_text": (view["source_evidence"] or {}).get("text"),
        "href": view["href"],
        "pair_href": view["pair_href"],
    }
