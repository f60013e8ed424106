"""``storytrace add URL...`` and ``storytrace watch FEED...``: fetch, store, trace.

Both fetch with :func:`storytrace.ingest.fetch.fetch_url` (http/https only; loopback, private,
link-local and multicast addresses refused after DNS resolution and on every redirect unless
``--allow-private``; size and time capped; a User-Agent naming storytrace). A page gives one
report, a feed one per item. A URL already stored whose text or title changed is kept as a new
version (``<id>@v2``, ``@v3`` ...) linked to the first, and every version is compared with the
first: what changed since publication. The outputs are the ones of ``trace`` plus a
``versions`` list (JSON) / section (Markdown).

The fetchers, the store and the pipeline load when a command runs.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import typer

from storytrace.cli.common import (
    DB,
    DEFAULT_DB,
    MAX_CHARS,
    MAX_SECONDS,
    MAX_SENTENCES,
    MAX_TOKENS,
    QUIET_HELP,
    TRUNCATE,
    echo_rejected,
    echo_undated,
    make_budget,
    store_line,
)

__all__ = [
    "add",
    "watch",
    "parse_duration",
    "parse_mapping",
    "parse_size",
    "fetch_items",
    "url_excluded",
    "version_changes",
]


# ---------------------------------------------------------------------------------- option parsing

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?", re.I)
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """``"30s"``, ``"15m"``, ``"1h"``, ``"1h30m"``, ``"90"`` (seconds) -> seconds (> 0)."""
    s = str(text).strip().lower().replace(" ", "")
    if not s:
        raise ValueError("empty duration")
    total, pos = 0.0, 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m or m.end() == pos:
            raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 1h, 1h30m)")
        total += float(m.group(1)) * _DURATION_UNITS[(m.group(2) or "s").lower()]
        pos = m.end()
    if total <= 0:
        raise ValueError(f"the duration must be more than zero: {text!r}")
    return total


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "kib": 2**10,
    "m": 10**6,
    "mb": 10**6,
    "mib": 2**20,
    "g": 10**9,
    "gb": 10**9,
    "gib": 2**30,
    "ki": 2**10,
    "mi": 2**20,
    "gi": 2**30,
}


def parse_size(text: str) -> int:
    """``"50MB"``, ``"200k"``, ``"1MiB"``, ``"40000"`` (bytes) -> bytes (> 0)."""
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (use e.g. 40000, 500KB, 50MB, 1GiB)")
    value = int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "").lower()])
    if value <= 0:
        raise ValueError(f"the size must be more than zero: {text!r}")
    return value


def parse_mapping(values: list[str] | None) -> dict[str, str] | None:
    """``["text=body", "published=date,title=headline"]`` -> ``{"text": "body", ...}`` (our field
    = their column), for CSV/TSV and Parquet."""
    from storytrace.ingest.source import FIELDS

    out: dict[str, str] = {}
    for value in values or []:
        for part in str(value).split(","):
            if not part.strip():
                continue
            ours, sep, theirs = part.partition("=")
            ours, theirs = ours.strip(), theirs.strip()
            if not sep or not ours or not theirs:
                raise ValueError(f"--map wants FIELD=COLUMN, not {part.strip()!r}")
            if ours not in FIELDS:
                raise ValueError(f"--map: {ours!r} is not one of our fields ({', '.join(FIELDS)})")
            out[ours] = theirs
    return out or None


def _bad(option: str, exc: Exception) -> typer.BadParameter:
    return typer.BadParameter(str(exc), param_hint=option)


# ---------------------------------------------------------------------------------- fetching


def _modified_date(result) -> str | None:
    """The page's last-modified date (meta tags, JSON-LD), ISO, or None: a changed page is dated
    by it when it is later than the first version's date."""
    try:
        from htmldate import find_date

        from storytrace.ingest.decode import charset_from_content_type, decode_bytes, sniff_declared_charset
        from storytrace.ingest.html import _parse_date

        declared = charset_from_content_type(result.content_type) or sniff_declared_charset(result.body)
        text, _enc = decode_bytes(result.body, declared=declared)
        found = find_date(text, original_date=False, extensive_search=False, outputformat="%Y-%m-%dT%H:%M:%S%z")
        dt = _parse_date(found)
        return dt.isoformat() if dt else None
    except Exception:  # a date is optional; hostile markup must not stop the fetch
        return None


def fetch_items(url: str, *, allow_private: bool = False, max_bytes: int = 10_000_000, timeout: float = 20.0) -> list:
    """Fetch one URL: its Articles (a page: one, a feed: one per item) and Rejected ones; a
    refusal or a network error is a Rejected, never raised. Each Article's meta carries
    ``fetched_at`` and, for a page, its ``modified`` date when it declares one."""
    from storytrace.ingest.errors import Rejected
    from storytrace.ingest.fetch import FetchError, FetchRefused, FetchTooLarge, articles_from_fetch, fetch_url
    from storytrace.model import Article

    try:
        result = fetch_url(url, allow_private=allow_private, max_bytes=max_bytes, timeout=timeout)
    except FetchTooLarge as exc:
        return [Rejected(url, None, f"{url}: {exc}.", "too_large")]
    except FetchRefused as exc:
        return [Rejected(url, None, f"{url}: refused: {exc}.", "fetch")]
    except FetchError as exc:
        return [Rejected(url, None, f"{url}: {exc}.", "fetch")]
    except Exception as exc:  # a bug must not lose the other URLs of the batch
        return [
            Rejected(
                url, None, f"{url}: unexpected error while fetching it ({type(exc).__name__}: {str(exc)[:200]}).", "internal"
            )
        ]
    try:
        items = articles_from_fetch(result)
    except Exception as exc:
        return [
            Rejected(url, None, f"{url}: unexpected error while reading it ({type(exc).__name__}: {str(exc)[:200]}).", "internal")
        ]
    modified = None
    if any(isinstance(a, Article) and a.meta.get("format") == "html" for a in items):
        modified = _modified_date(result)
    for a in items:
        if isinstance(a, Article):
            a.meta.setdefault("fetched_at", result.fetched_at.isoformat())
            if modified and a.meta.get("format") == "html":
                a.meta["modified"] = modified
    return items


# ---------------------------------------------------------------------------------- versions


def version_changes(store, result) -> list[dict]:
    """Every stored version compared with the first version of its URL (``api.compare``: the
    pair is aligned and audited whatever the lineage made of it); ``in_trace`` says whether the
    trace itself found the edge first -> version."""
    import copy

    from storytrace import api

    by_id = {a.id: a for a in result.articles}
    traced = {(e.source, e.derived) for s in result.stories for e in s.edges}
    out = []
    for v in store.versions():
        first, version = by_id.get(v["first"]), by_id.get(v["id"])
        if first is None or version is None:
            continue
        # copies: the audit writes each article's sourcing profile, which the trace already set
        pair = api.compare(copy.deepcopy(first), copy.deepcopy(version))
        story = pair.stories[0]
        out.append(
            {
                "url": version.url or first.url,
                "first": first.id,
                "version": version.id,
                "n": v["n"],
                "first_published": first.published_iso,
                "published": version.published_iso,
                "in_trace": (first.id, version.id) in traced,
                "edge": story.edges[0].to_dict(),
                "findings": [f.to_dict() for f in story.findings],
            }
        )
    return out


def versions_markdown(changes: list[dict]) -> str:
    from storytrace.report.markdown import code, escape

    if not changes:
        return ""
    lines = ["", "## Changed versions of stored pages", ""]
    for c in changes:
        edge = c["edge"]
        lines.append(f"### {code(c['first'])} → {code(c['version'])} (version {c['n']})")
        lines.append("")
        lines.append(
            f"{escape(c['url'])}: first published {escape(c['first_published'] or 'undated')}, this version "
            f"{escape(c['published'] or 'undated')}; {round(100 * edge['coverage'])}% of its sentences restate the first "
            f"({escape(edge['relation'])}); edge in the trace: {'yes' if c['in_trace'] else 'no'}."
        )
        lines.append("")
        if c["findings"]:
            for f in c["findings"]:
                lines.append(f"* **{escape(f['type'])}**: {escape(f['explanation'], 300)}")
        else:
            lines.append("No finding: the changes alter no checked claim.")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- shared run


def url_excluded(url: str | None, patterns: list[str]) -> bool:
    """Whether a fetched page or feed item's URL matches one of the ``--exclude`` globs."""
    from fnmatch import fnmatchcase

    return bool(url) and any(fnmatchcase(str(url), p) for p in patterns)


def _ingest_urls(
    store, urls: list[str], *, allow_private: bool, max_bytes: int, timeout: float, budget=None, exclude: list[str] | None = None
):
    from storytrace import api
    from storytrace.model import Article

    report = api.IngestReport()
    patterns = list(exclude or [])
    for url in urls:
        items = fetch_items(url, allow_private=allow_private, max_bytes=max_bytes, timeout=timeout)
        if patterns:
            kept = []
            for item in items:
                if isinstance(item, Article) and url_excluded(item.url or url, patterns):
                    report.excluded.append(item.url or url)
                else:
                    kept.append(item)
            items = kept
        api.ingest_articles(store, items, report, versions=True, budget=budget, input_name=url)
    return report


def _trace_and_write(
    store, json_out: Path | None, md_out: Path | None, html_out: Path | None, quiet: bool, details: bool = False
) -> tuple[dict, list[Path]]:
    """Trace the store, write the outputs asked for and print the summary: the trace and the
    files written."""
    from storytrace import api
    from storytrace.report import print_summary, to_markdown, write_json
    from storytrace.report.terminal import TraceProgress, plural

    with TraceProgress(store.count()) as progress:
        result = api.trace_store(store, progress=progress)
    doc = result.to_dict()
    changes = version_changes(store, result)
    if changes:
        doc["versions"] = changes
    written: list[Path] = []
    if json_out:
        write_json(doc, json_out)
        written.append(json_out)
    if md_out:
        Path(md_out).write_text(to_markdown(doc) + versions_markdown(changes), encoding="utf-8")
        written.append(md_out)
    if html_out:
        from storytrace.report.html import write_html

        write_html(doc, html_out)
        written.append(html_out)
    if not quiet:
        print_summary(doc, details=details)
        for c in changes:
            kinds = ", ".join(sorted({f["type"] for f in c["findings"]})) or "no finding"
            typer.echo(
                f"version {c['version']} of {c['first']}: coverage {round(100 * c['edge']['coverage'])}%, "
                f"{plural(len(c['findings']), 'finding')} ({kinds})"
            )
    return doc, written


def _closing(doc: dict, written: list[Path], details: bool) -> None:
    from rich.console import Console

    from storytrace.report.terminal import closing_line

    n_findings = sum(len(s.get("findings") or []) for s in doc.get("stories") or [])
    Console().print(closing_line(written, details=details, findings=n_findings))


def _counts(report) -> str:
    excluded = f", {len(report.excluded):,} excluded" if report.excluded else ""
    return (
        f"{len(report.added):,} new, {len(report.versions):,} new version{'s' if len(report.versions) != 1 else ''}, "
        f"{len(report.unchanged):,} unchanged{excluded}, {len(report.rejected):,} rejected"
    )


_URL_OPTIONS_HELP = {
    "allow_private": "Also fetch from loopback, private, link-local and multicast addresses (a local server).",
    "max_bytes": "Largest response body fetched (after decompression), e.g. 10MB.",
    "timeout": "Time limit per URL, in seconds (every redirect included).",
    "exclude": "Skip the pages and feed items whose URL matches GLOB; repeatable (--exclude '*/live/*').",
    "details": "Draw every story with its derivation edges and every finding of each derived report "
    "(default: one line per story).",
}


def _open_store(db: Path | None):
    """The store, and the line saying which it is and what it already holds."""
    from storytrace.store import Store

    path = db or DEFAULT_DB
    existed = path.exists()
    store = Store(path)
    return store, store_line(db, store.count(), existed=existed)


# ---------------------------------------------------------------------------------- commands


def add(
    urls: list[str] = typer.Argument(..., metavar="URL...", help="Pages or feeds to fetch (http or https)."),
    db: Path | None = DB,
    allow_private: bool = typer.Option(False, "--allow-private", help=_URL_OPTIONS_HELP["allow_private"]),
    exclude: list[str] | None = typer.Option(None, "--exclude", metavar="GLOB", help=_URL_OPTIONS_HELP["exclude"]),
    json_out: Path | None = typer.Option(
        None, "--json", metavar="FILE", help="Write the trace as JSON (with a 'versions' list)."
    ),
    md_out: Path | None = typer.Option(None, "--md", metavar="FILE", help="Write the trace as Markdown."),
    html_out: Path | None = typer.Option(None, "--html", metavar="FILE", help="Write a single-file HTML report."),
    details: bool = typer.Option(False, "--details", help=_URL_OPTIONS_HELP["details"]),
    max_bytes: str = typer.Option("10MB", "--max-bytes", metavar="SIZE", help=_URL_OPTIONS_HELP["max_bytes"]),
    timeout: float = typer.Option(20.0, "--timeout", metavar="SECONDS", help=_URL_OPTIONS_HELP["timeout"], min=0.1),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    max_tokens: int = MAX_TOKENS,
    max_seconds: float = MAX_SECONDS,
    truncate: bool = TRUNCATE,
) -> None:
    """Fetch pages (or feeds) and trace them with everything stored; a changed page is kept as a new version."""
    try:
        cap = parse_size(max_bytes)
    except ValueError as exc:
        raise _bad("--max-bytes", exc) from None
    store, line = _open_store(db)
    with store:
        if not quiet:
            typer.echo(line)
        budget = make_budget(max_chars, max_sentences, max_tokens, max_seconds, truncate)
        report = _ingest_urls(
            store,
            list(urls),
            allow_private=allow_private,
            max_bytes=cap,
            timeout=timeout,
            budget=budget,
            exclude=exclude,
        )
        echo_rejected(report.rejected, report.warnings)
        echo_undated(report.undated)
        doc, written = _trace_and_write(store, json_out, md_out, html_out, quiet, details)
    if not quiet:
        typer.echo(f"fetched: {_counts(report)}")
        _closing(doc, written, details)
    if report.rejected:
        raise typer.Exit(code=1)


def watch(
    feeds: list[str] = typer.Argument(..., metavar="FEED...", help="Feeds (or pages) to poll (http or https)."),
    every: str = typer.Option("15m", "--every", metavar="DURATION", help="Time between polls: 30s, 15m, 1h, 1h30m."),
    once: bool = typer.Option(False, "--once", help="Poll once and stop."),
    polls: int | None = typer.Option(
        None, "--polls", min=1, metavar="N", help="Stop after this many polls (default: run until interrupted)."
    ),
    db: Path | None = DB,
    allow_private: bool = typer.Option(False, "--allow-private", help=_URL_OPTIONS_HELP["allow_private"]),
    exclude: list[str] | None = typer.Option(None, "--exclude", metavar="GLOB", help=_URL_OPTIONS_HELP["exclude"]),
    json_out: Path | None = typer.Option(
        None, "--json", metavar="FILE", help="Rewrite the trace as JSON after each poll that stored something."
    ),
    md_out: Path | None = typer.Option(
        None, "--md", metavar="FILE", help="Rewrite the trace as Markdown after each poll that stored something."
    ),
    html_out: Path | None = typer.Option(
        None, "--html", metavar="FILE", help="Rewrite a single-file HTML report after each poll that stored something."
    ),
    details: bool = typer.Option(False, "--details", help=_URL_OPTIONS_HELP["details"]),
    max_bytes: str = typer.Option("10MB", "--max-bytes", metavar="SIZE", help=_URL_OPTIONS_HELP["max_bytes"]),
    timeout: float = typer.Option(20.0, "--timeout", metavar="SECONDS", help=_URL_OPTIONS_HELP["timeout"], min=0.1),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the count of each poll, no trace summary."),
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    max_tokens: int = MAX_TOKENS,
    max_seconds: float = MAX_SECONDS,
    truncate: bool = TRUNCATE,
) -> None:
    """Poll feeds: store and trace what is new; a changed item or page becomes a new version, compared with the first."""
    try:
        interval = parse_duration(every)
    except ValueError as exc:
        raise _bad("--every", exc) from None
    try:
        cap = parse_size(max_bytes)
    except ValueError as exc:
        raise _bad("--max-bytes", exc) from None
    limit = 1 if once else polls
    budget = make_budget(max_chars, max_sentences, max_tokens, max_seconds, truncate)
    rejected = 0
    done = 0
    name = db or DEFAULT_DB
    try:
        store, line = _open_store(db)
        with store:
            typer.echo(line)
            while True:
                done += 1
                report = _ingest_urls(
                    store,
                    list(feeds),
                    allow_private=allow_private,
                    max_bytes=cap,
                    timeout=timeout,
                    budget=budget,
                    exclude=exclude,
                )
                rejected += len(report.rejected)
                echo_rejected(report.rejected, report.warnings)
                echo_undated(report.undated)
                # the first poll always traces, so that the outputs exist; later ones only when something changed
                if done == 1 or report.added or report.versions:
                    _trace_and_write(store, json_out, md_out, html_out, quiet, details)
                typer.echo(f"poll {done}: {_counts(report)}; store: {name}")
                if limit is not None and done >= limit:
                    break
                time.sleep(interval)
    except KeyboardInterrupt:  # every report stored so far is committed
        typer.echo(f"stopped after {done} poll{'s' if done != 1 else ''}", err=True)
    if rejected:
        raise typer.Exit(code=1)
