"""``storytrace compare --pairs PAIRS.jsonl``: audit many (source, derived) pairs in one process.

Each input line is ``{"id", "source": {"id"?, "text", "published"?}, "derived": {...}}``;
each output line is ``{"id", "coverage", "verdict", "findings"}``, in input order. A line
that cannot be read or audited yields ``{"id", "line", "error"}`` naming the line and the
reason, and the rest go on. The models (sentence embedder, spaCy) are loaded once; claims
are extracted for a chunk of pairs in one spaCy pass before each pair is compared with
:func:`storytrace.api.compare`, so the result of a pair is the same as comparing it alone.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from storytrace.model import Article, parse_published

__all__ = ["compare_pairs", "iter_pairs"]

CHUNK = 32  # pairs whose claims are extracted in one spaCy pass


class PairError(ValueError):
    """A line that is not a usable pair."""


def _article(side: Any, name: str, pair_id: str) -> Article:
    if not isinstance(side, dict):
        raise PairError(f"'{name}' must be an object with 'text'")
    text = side.get("text")
    if not isinstance(text, str) or not text.strip():
        raise PairError(f"'{name}.text' is missing, empty or not a string")
    try:
        published = parse_published(side.get("published"))
    except ValueError as exc:
        raise PairError(f"'{name}.published': {exc}") from None
    aid = side.get("id")
    aid = str(aid) if aid not in (None, "") else f"{pair_id}/{name}"
    return Article(id=aid, text=text, published=published)


def _parse_line(line: str) -> tuple[str, Article, Article]:
    try:
        row = json.loads(line.strip())
    except json.JSONDecodeError as exc:
        raise PairError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise PairError("not a JSON object")
    pid = row.get("id")
    if pid in (None, ""):
        raise PairError("'id' is missing")
    pid = str(pid)
    source = _article(row.get("source"), "source", pid)
    derived = _article(row.get("derived"), "derived", pid)
    if derived.id == source.id:
        derived.id = derived.id + " (derived)"
    return pid, source, derived


def _loose_id(line: str) -> str | None:
    """The pair's id, when the line still says it (even if it is not valid JSON)."""
    try:
        row = json.loads(line.strip())
        return str(row["id"]) if isinstance(row, dict) and row.get("id") not in (None, "") else None
    except (json.JSONDecodeError, KeyError, TypeError):
        m = re.match(r'\s*\{\s*"id"\s*:\s*"((?:[^"\\]|\\.)*)"', line)
        return m.group(1) if m else None


def iter_pairs(lines: Iterator[str]) -> Iterator[tuple[int, str | None, tuple[str, Article, Article] | None, str | None]]:
    """(line number, id, (id, source, derived) or None, error or None) for each non-blank line."""
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed = _parse_line(line)
            yield n, parsed[0], parsed, None
        except PairError as exc:
            yield n, _loose_id(line), None, f"line {n}: {exc}"


def _result(pid: str, source: Article, derived: Article, force: bool = False) -> dict:
    from storytrace import api

    result = api.compare(source, derived, force=force)
    story = result.stories[0]
    comparison = story.comparison or {}
    return {
        "id": pid,
        "derived": comparison.get("derived"),
        "coverage": comparison.get("coverage"),
        "confidence": comparison.get("confidence"),
        "verdict": story.edges[0].verdict if story.edges else None,
        "findings": [f.to_dict() for f in story.findings],
    }


def _write(out: TextIO, doc: dict) -> None:
    out.write(json.dumps(doc, ensure_ascii=False) + "\n")


def _fit_pair(n: int, parsed: tuple[str, Article, Article], budget) -> tuple[tuple[str, Article, Article] | None, str | None]:
    """Both reports of a pair within the budget per report (segmented), or the line's error."""
    from storytrace.ingest.budget import ReportTimeout, deadline, fit

    pid, *sides = parsed
    fitted = []
    for name, article in zip(("source", "derived"), sides, strict=True):
        try:
            with deadline(budget.max_seconds):
                got = fit(article, budget)
        except ReportTimeout:
            return None, f"line {n}: '{name}': segmenting it took more than max_seconds={budget.max_seconds:g}"
        if got.article is None:
            return None, f"line {n}: '{name}': {got.problem}"
        fitted.append(got.article)
    return (pid, fitted[0], fitted[1]), None


def compare_pairs(pairs_path: str | Path, out_path: str | Path | None, force: bool = False, budget=None) -> int:
    """Audit every pair of ``pairs_path`` (JSON Lines) into ``out_path`` (JSON Lines; standard
    output when None); a pair below the edge bar is "not derived" and gets no findings unless
    ``force``; a report over the ``budget`` per report fails its line. Returns the number of
    lines that failed."""
    from storytrace.claims.audit import prepare_articles
    from storytrace.ingest.budget import Budget

    budget = budget or Budget()

    failures = 0
    out: TextIO = open(out_path, "w", encoding="utf-8") if out_path is not None else sys.stdout
    try:
        with open(pairs_path, encoding="utf-8-sig") as fh:
            chunk: list[tuple[int, str | None, Any, str | None]] = []

            def flush() -> None:
                nonlocal failures
                for k, (n, pid, parsed, _error) in enumerate(chunk):
                    if parsed is not None:
                        chunk[k] = (n, pid, *_fit_pair(n, parsed, budget))
                ready = [item for item in chunk if item[2] is not None]
                articles = [a for item in ready for a in item[2][1:]]
                try:
                    prepare_articles(articles)  # one spaCy pass for the chunk
                except Exception:  # noqa: BLE001 - each pair is retried (and named) on its own below
                    pass
                for n, pid, parsed, error in chunk:
                    if parsed is not None:
                        try:
                            _write(out, _result(parsed[0], parsed[1], parsed[2], force=force))
                            continue
                        except Exception as exc:  # noqa: BLE001 - one bad pair must not stop the batch
                            error = f"line {n}: the comparison failed: {type(exc).__name__}: {exc}"
                    failures += 1
                    _write(out, {"id": pid, "line": n, "error": error})
                out.flush()
                chunk.clear()

            for item in iter_pairs(fh):
                chunk.append(item)
                if len(chunk) >= CHUNK:
                    flush()
            flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return failures
