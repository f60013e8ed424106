"""Exports of a trace *dict* for other tools: findings as CSV or Parquet, the lineage graph as
GraphML or GEXF (Gephi, Cytoscape, networkx).

Findings: one row per finding, with its story, the two reports, the sentences (index and
text), the spans and values on both sides and the explanation (``FINDING_COLUMNS``).
Values that are not strings (a date, a number) are written as JSON text.

Graph: one node per report of the trace (every story, so singletons too) with ``published``,
``outlet``, ``title``, ``url``, ``role`` (origin / derived / related / single) and ``story``;
one directed edge per derivation, source -> derived, with ``coverage``, ``relation``,
``sentences``, ``score`` and the verdict (``facts_altered``, ``verdict_score``, ``verdict``).
An attribute that is unknown is left out rather than written empty, and characters that XML
1.0 cannot hold (control characters from a badly decoded page) are dropped from text.

pyarrow and networkx are imported when an export needs them.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from typing import Any

from storytrace.report._common import Texts, as_dict, value_text

__all__ = [
    "FINDING_COLUMNS",
    "finding_rows",
    "lineage_graph",
    "write_findings_csv",
    "write_findings_parquet",
    "write_gexf",
    "write_graphml",
]

# (name, kind) — kind is the Parquet type: str, int (nullable)
FINDING_COLUMNS: list[tuple[str, str]] = [
    ("story", "str"),
    ("finding", "int"),  # index of the finding within its story
    ("type", "str"),
    ("derived", "str"),
    ("source", "str"),
    ("derived_sentence", "int"),
    ("source_sentence", "int"),
    ("derived_start", "int"),
    ("derived_end", "int"),
    ("source_start", "int"),
    ("source_end", "int"),
    ("derived_value", "str"),
    ("source_value", "str"),
    ("explanation", "str"),
    ("derived_sentence_text", "str"),
    ("source_sentence_text", "str"),
]

# characters a spreadsheet reads as the start of a formula
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _span(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return _int(value[0]), _int(value[1])
    return None, None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    return value_text(value)


def finding_rows(doc: Any) -> Iterator[dict[str, Any]]:
    """One dict per finding (keys: ``FINDING_COLUMNS``), stories in document order."""
    doc = as_dict(doc)
    texts = Texts(doc)
    for story in doc.get("stories") or []:
        if not isinstance(story, dict):
            continue
        for n, f in enumerate(story.get("findings") or []):
            if not isinstance(f, dict):
                continue
            d_start, d_end = _span(f.get("derived_span"))
            s_start, s_end = _span(f.get("source_span"))
            yield {
                "story": _str(story.get("id")),
                "finding": n,
                "type": _str(f.get("type")),
                "derived": _str(f.get("derived")),
                "source": _str(f.get("source")),
                "derived_sentence": _int(f.get("derived_sentence")),
                "source_sentence": _int(f.get("source_sentence")),
                "derived_start": d_start,
                "derived_end": d_end,
                "source_start": s_start,
                "source_end": s_end,
                "derived_value": _str(f.get("derived_value")),
                "source_value": _str(f.get("source_value")),
                "explanation": _str(f.get("explanation")),
                "derived_sentence_text": texts.sentence(f.get("derived"), f.get("derived_sentence")),
                "source_sentence_text": texts.sentence(f.get("source"), f.get("source_sentence")),
            }


def _spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_findings_csv(doc: Any, path: str | os.PathLike, spreadsheet_safe: bool = False) -> int:
    """Write the findings as CSV (UTF-8, header row; an empty cell is a missing value).

    ``spreadsheet_safe`` prefixes text cells that start with ``= + - @`` with an apostrophe,
    so that a spreadsheet opening the file shows report text instead of evaluating it; the
    file is then no longer a faithful copy of the text. Returns the number of rows.
    """
    names = [name for name, _ in FINDING_COLUMNS]
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for row in finding_rows(doc):
            if spreadsheet_safe:
                row = {k: _spreadsheet_safe(v) for k, v in row.items()}
            writer.writerow(row)
            count += 1
    return count


def write_findings_parquet(doc: Any, path: str | os.PathLike) -> int:
    """Write the findings as Parquet (string and nullable int64 columns). Returns the number of rows."""
    # about 0.4 s to import: only when Parquet is written
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(finding_rows(doc))
    types = {"str": pa.string(), "int": pa.int64()}
    schema = pa.schema([pa.field(name, types[kind], nullable=True) for name, kind in FINDING_COLUMNS])
    columns = {name: [r[name] for r in rows] for name, _ in FINDING_COLUMNS}
    table = pa.Table.from_pydict(columns, schema=schema)
    pq.write_table(table, path)
    return len(rows)


# ======================================================================================
# The lineage graph
# ======================================================================================


def _xml_text(value: Any) -> str:
    return _NOT_XML.sub("", str(value))


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes a GraphML/GEXF writer accepts: no None, text XML-safe."""
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        out[key] = _xml_text(value) if isinstance(value, str) else value
    return out


def lineage_graph(doc: Any):
    """The trace as a ``networkx.DiGraph``: reports as nodes, derivations as edges (source -> derived)."""
    import networkx as nx  # optional (the "export" extra), and about 0.6 s to import

    doc = as_dict(doc)
    graph = nx.DiGraph()
    articles = {a["id"]: a for a in doc.get("articles") or [] if isinstance(a, dict) and isinstance(a.get("id"), str)}
    story_of: dict[str, tuple[str, str]] = {}  # report -> (story id, role)
    edges: list[tuple[Any, dict]] = []  # (story id, edge)
    for story in doc.get("stories") or []:
        if not isinstance(story, dict):
            continue
        members = [m for m in story.get("articles") or [] if isinstance(m, str)]
        story_edges = [e for e in story.get("edges") or [] if isinstance(e, dict)]
        derived_ids = {e.get("derived") for e in story_edges}
        for m in members:
            if len(members) == 1:
                role = "single"
            elif m == story.get("origin"):
                role = "origin"
            elif m in derived_ids:
                role = "derived"
            else:
                role = "related"
            story_of.setdefault(m, (str(story.get("id")), role))
        edges.extend((story.get("id"), e) for e in story_edges)
    for aid in list(articles) + [m for m in story_of if m not in articles]:
        a = articles.get(aid) or {}
        story_id, role = story_of.get(aid, (None, "single"))
        graph.add_node(
            _xml_text(aid),
            **_clean(
                {
                    "label": a.get("title") or aid,
                    "published": a.get("published"),
                    "date_known": bool(a.get("date_known")) if "date_known" in a else None,
                    "outlet": a.get("outlet"),
                    "title": a.get("title"),
                    "url": a.get("url"),
                    "role": role,
                    "story": story_id,
                }
            ),
        )
    for story_id, e in edges:
        source_id, derived_id = e.get("source"), e.get("derived")
        if not isinstance(source_id, str) or not isinstance(derived_id, str):
            continue
        raw_verdict = e.get("verdict")
        verdict = raw_verdict if isinstance(raw_verdict, dict) else {}
        altered = verdict.get("facts_altered")
        graph.add_edge(
            _xml_text(source_id),
            _xml_text(derived_id),
            **_clean(
                {
                    "story": story_id,
                    "coverage": _float(e.get("coverage")),
                    "relation": e.get("relation"),
                    "sentences": _int(e.get("sentences")),
                    "score": _float(e.get("score")),
                    "facts_altered": bool(altered) if altered is not None else None,
                    "verdict_score": _float(verdict.get("score")),
                    "verdict": None if altered is None else ("facts altered" if altered else "facts kept"),
                }
            ),
        )
    return graph


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def write_graphml(doc: Any, path: str | os.PathLike) -> None:
    """Write the lineage graph as GraphML."""
    import networkx as nx  # optional (the "export" extra), and about 0.6 s to import

    nx.write_graphml(lineage_graph(doc), path, encoding="utf-8")


def write_gexf(doc: Any, path: str | os.PathLike) -> None:
    """Write the lineage graph as GEXF 1.2."""
    import networkx as nx  # optional (the "export" extra), and about 0.6 s to import

    nx.write_gexf(lineage_graph(doc), path, encoding="utf-8")
