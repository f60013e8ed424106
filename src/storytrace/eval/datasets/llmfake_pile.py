"""LLMFake piles: dated reports with gold lineage, built from the cleaned pairs."""

from __future__ import annotations

import hashlib
import os
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from storytrace.eval.datasets.common import _norm
from storytrace.eval.datasets.llmfake import LlmfakePair, load_llmfake
from storytrace.eval.datasets.llmfake_clean import (
    BOILERPLATE_SHARED,
    MIN_SOURCE_WORDS,
    PairCheck,
    _source_problem,
    clean_llmfake_pair,
)


@dataclass
class Pile:
    """A dated pile of reports with gold lineage, built from LLMFake.

    ``reports``: ``{"id", "text", "published" (ISO date), "outlet"}`` dicts, ordered by id
    (ids are opaque hashes, so the order says nothing about roles). ``edges``: gold
    ``(source_id, derived_id)``. ``groups``: report id -> story label. ``info``: per report
    id the provenance (role source / rewrite / unrelated, generator, subset, news_id,
    method, near_copy, what was stripped) — for diagnostics, never to be shown to the
    tracer.
    """

    reports: list[dict]
    edges: set[tuple[str, str]]
    groups: dict[str, str]
    info: dict[str, dict] = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "reports": list(self.reports),
            "edges": sorted([list(e) for e in self.edges]),
            "groups": dict(self.groups),
            "info": dict(self.info),
            "params": dict(self.params),
        }


_OUTLETS = tuple(f"outlet-{c}" for c in "abcdefghijkl")


def _report_id(seed: int, *parts: str) -> str:
    h = hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf-8")).hexdigest()
    return "r" + h[:12]


def build_llmfake_pile(
    root: str | os.PathLike | None = None,
    n_sources: int = 20,
    methods: Iterable[str] = ("paraphrase_generation", "rewrite_generation"),
    n_unrelated: int = 20,
    seed: int = 0,
    generator: str | None = None,
    *,
    start: str = "2020-03-02",
    span_days: int = 42,
    lag_days: tuple[int, int] = (1, 6),
    allow_near_copy: bool = True,
) -> Pile:
    """A pile of dated reports with gold lineage, for the tracer.

    * ``n_sources`` sources, each with one rewrite per method in ``methods``. A source
      qualifies only when every chosen method has a rewrite that passes
      :func:`clean_llmfake_pair` (and is not a near copy when ``allow_near_copy`` is
      False); the rewrite text is the cleaned one. Sources are dated over ``span_days``
      days from ``start``.
    * Each rewrite is dated ``lag_days`` (1–6) days after its source, the rewrites of one
      source on *different* days: the earlier rewrite is a date-valid but false parent of
      the later one (the sibling trap). Gold edges go source -> rewrite only.
    * ``n_unrelated`` further sources from the same subsets (different news_ids and
      different texts), dated over the same span, whose rewrites are not included. Their
      source must pass the source rules (not short, not boilerplate).
    * Reports get opaque ids (a hash), a neutral random outlet, and story labels
      ``"<subset>:<news_id>"``. With ``generator=None`` every generator folder is used (a
      news_id is used once). Everything is deterministic for a given ``seed`` and data.

    Raises ``ValueError`` when the data cannot supply the requested numbers.
    """
    methods = tuple(methods)
    if not methods:
        raise ValueError("methods must name at least one generation method")
    if len(set(methods)) != len(methods):
        raise ValueError(f"methods repeat: {methods}")
    lo, hi = lag_days
    if lo < 1 or hi < lo or hi - lo + 1 < len(methods):
        raise ValueError(f"lag_days {lag_days} cannot give {len(methods)} rewrites distinct days after the source")
    if n_sources < 0 or n_unrelated < 0:
        raise ValueError("n_sources and n_unrelated must be >= 0")
    start_day = date.fromisoformat(start)

    by_key: dict[tuple[str, str, str], dict[str, LlmfakePair]] = defaultdict(dict)
    any_row: dict[tuple[str, str, str], LlmfakePair] = {}
    for rec in load_llmfake(root, generator=generator):
        key = (rec.generator, rec.subset, rec.news_id)
        any_row.setdefault(key, rec)
        if rec.method in methods:
            by_key[key][rec.method] = rec
    if generator is not None and not any_row:
        raise ValueError(f"llmfake: no paired files for generator {generator!r}")

    # candidate sources: every method present and clean
    checks: dict[tuple[str, str, str], dict[str, PairCheck]] = {}
    for key in sorted(by_key):
        per = by_key[key]
        if set(per) != set(methods):
            continue
        results = {m: clean_llmfake_pair(per[m]) for m in methods}
        if all(r.ok and (allow_near_copy or not r.near_copy) for r in results.values()):
            checks[key] = results

    rng = random.Random(seed)
    candidates = sorted(checks)
    rng.shuffle(candidates)
    chosen: list[tuple[str, str, str]] = []
    used_ids: set[tuple[str, str]] = set()
    used_texts: set[str] = set()
    for key in candidates:
        if len(chosen) == n_sources:
            break
        text_key = _norm(by_key[key][methods[0]].source_text)
        if (key[1], key[2]) in used_ids or text_key in used_texts:
            continue
        chosen.append(key)
        used_ids.add((key[1], key[2]))
        used_texts.add(text_key)
    if len(chosen) < n_sources:
        raise ValueError(f"llmfake: only {len(chosen)} sources have clean rewrites for all of {methods} (asked for {n_sources})")

    subsets = {key[1] for key in chosen}
    unrelated_pool = []
    for key in sorted(any_row):
        rec = any_row[key]
        if key[1] not in subsets or (key[1], key[2]) in used_ids:
            continue
        if _source_problem(rec.source_text, rec.source_shared, MIN_SOURCE_WORDS, BOILERPLATE_SHARED):
            continue
        unrelated_pool.append(key)
    rng.shuffle(unrelated_pool)
    unrelated: list[tuple[str, str, str]] = []
    for key in unrelated_pool:
        if len(unrelated) == n_unrelated:
            break
        text_key = _norm(any_row[key].source_text)
        if (key[1], key[2]) in used_ids or text_key in used_texts:
            continue
        unrelated.append(key)
        used_ids.add((key[1], key[2]))
        used_texts.add(text_key)
    if len(unrelated) < n_unrelated:
        raise ValueError(
            f"llmfake: only {len(unrelated)} further usable sources in subsets {sorted(subsets)} "
            f"(asked for {n_unrelated} unrelated reports)"
        )

    reports: list[dict] = []
    edges: set[tuple[str, str]] = set()
    groups: dict[str, str] = {}
    info: dict[str, dict] = {}

    def add(rid: str, text: str, day: date, story: str, meta: dict) -> None:
        if rid in groups:
            raise RuntimeError(f"report id collision: {rid}")
        reports.append({"id": rid, "text": text, "published": day.isoformat(), "outlet": rng.choice(_OUTLETS)})
        groups[rid] = story
        info[rid] = meta

    for key in chosen:
        gen, subset, news_id = key
        story = f"{subset}:{news_id}"
        source_day = start_day + timedelta(days=rng.randrange(span_days))
        sid = _report_id(seed, gen, subset, news_id, "source")
        first = checks[key][methods[0]]
        add(
            sid,
            first.source_text,
            source_day,
            story,
            {
                "role": "source",
                "generator": gen,
                "subset": subset,
                "news_id": news_id,
                "method": None,
                "source_cut": len(first.source_text) == 4000,
            },
        )
        lags = rng.sample(range(lo, hi + 1), len(methods))
        for method, lag in zip(methods, lags, strict=False):
            check = checks[key][method]
            did = _report_id(seed, gen, subset, news_id, method)
            add(
                did,
                check.text,
                source_day + timedelta(days=lag),
                story,
                {
                    "role": "rewrite",
                    "generator": gen,
                    "subset": subset,
                    "news_id": news_id,
                    "method": method,
                    "lag_days": lag,
                    "near_copy": check.near_copy,
                    "stripped": check.stripped,
                    "containment": round(check.containment, 4),
                },
            )
            edges.add((sid, did))

    for key in unrelated:
        gen, subset, news_id = key
        rec = any_row[key]
        rid = _report_id(seed, gen, subset, news_id, "unrelated")
        day = start_day + timedelta(days=rng.randrange(span_days + hi))
        add(
            rid,
            rec.source_text,
            day,
            f"{subset}:{news_id}",
            {"role": "unrelated", "generator": gen, "subset": subset, "news_id": news_id, "method": None},
        )

    reports.sort(key=lambda r: r["id"])
    params = {
        "n_sources": n_sources,
        "methods": list(methods),
        "n_unrelated": n_unrelated,
        "seed": seed,
        "generator": generator,
        "start": start,
        "span_days": span_days,
        "lag_days": [lo, hi],
        "allow_near_copy": allow_near_copy,
    }
    return Pile(reports=reports, edges=edges, groups=groups, info=info, params=params)


def llmfake_filter_report(root: str | os.PathLike | None = None, **clean_kwargs: Any) -> dict:
    """Counts of :func:`clean_llmfake_pair` outcomes per ``generator/subset/method``:
    ``{"<gen>/<subset>/<method>": {"rows": n, "ok": n, "near_copy": n, "stripped": n,
    "<reason>": n, ...}}``. Handy to report how a run filtered the data."""
    out: dict[str, Counter] = defaultdict(Counter)
    for rec in load_llmfake(root):
        check = clean_llmfake_pair(rec, **clean_kwargs)
        c = out[f"{rec.generator}/{rec.subset}/{rec.method}"]
        c["rows"] += 1
        c[check.reason] += 1
        if check.ok and check.near_copy:
            c["near_copy"] += 1
        if check.ok and check.stripped:
            c["stripped"] += 1
    return {k: dict(v) for k, v in sorted(out.items())}


# ============================================================================ WikiRef220
