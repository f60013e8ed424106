"""``storytrace trace``, ``compare``, ``errors`` and ``demo``: trace reports, compare two.

The pipeline, the store and the reports load when a command runs, not when the CLI starts
(``storytrace --help`` stays instant).
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path

import typer

from storytrace.cli.common import (
    DB_READ,
    DB_TRACE,
    DEFAULT_DB,
    ENCODER_HELP,
    MAX_CHARS,
    MAX_SECONDS,
    MAX_SENTENCES,
    MAX_TOKENS,
    QUIET_HELP,
    TRUNCATE,
    choose_encoder,
    echo_rejected,
    echo_undated,
    encoder_line,
    make_budget,
    store_line,
    write_outputs,
)

DETAILS_HELP = (
    "Draw every story with its derivation edges and every finding of each derived report (default: one line per story)."
)
EXCLUDE_HELP = (
    "Leave out the files of a folder whose name, or path below the folder, matches GLOB; repeatable "
    "(--exclude EXPECTED.md --exclude 'drafts/*'). A file named on the command line is always read."
)


def trace(
    paths: list[Path] = typer.Argument(
        ...,
        metavar="INPUT...",
        help="Files or folders of reports. Folders are read recursively; hidden files are skipped, and so is "
        "whatever --exclude names.",
    ),
    db: Path | None = DB_TRACE,
    fresh: bool = typer.Option(
        False,
        "--fresh",
        help="Trace only the reports of this run, in a temporary store deleted at the end; the --db store is "
        "neither read nor changed.",
    ),
    exclude: list[str] | None = typer.Option(None, "--exclude", metavar="GLOB", help=EXCLUDE_HELP),
    json_out: Path | None = typer.Option(
        None, "--json", metavar="FILE", help="Write the trace as JSON (schema: storytrace/schema/trace.schema.json)."
    ),
    md_out: Path | None = typer.Option(None, "--md", metavar="FILE", help="Write the trace as Markdown."),
    html_out: Path | None = typer.Option(None, "--html", metavar="FILE", help="Write a single-file HTML report."),
    details: bool = typer.Option(False, "--details", help=DETAILS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    column_map: list[str] | None = typer.Option(
        None,
        "--map",
        metavar="FIELD=COLUMN",
        help="CSV/Parquet columns for our fields (id, published, title, text, url, outlet); repeatable or "
        "comma-separated, e.g. --map text=body,published=date.",
    ),
    max_bytes: str = typer.Option(
        "50MB",
        "--max-bytes",
        metavar="SIZE",
        help="Largest input file (and decompressed stream) read; larger ones are rejected. E.g. 500KB, 50MB.",
    ),
    encoder: str = typer.Option("auto", "--encoder", metavar="NAME", help=ENCODER_HELP),
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    max_tokens: int = MAX_TOKENS,
    max_seconds: float = MAX_SECONDS,
    truncate: bool = TRUNCATE,
) -> None:
    """Add reports to the store and trace every story in it: origin, derivations, what changed."""
    if fresh and db is not None:
        raise typer.BadParameter("--fresh traces in a temporary store: leave out --db (or --fresh)", param_hint="--fresh")
    run_trace(
        paths,
        db=db,
        fresh=fresh,
        exclude=exclude or [],
        json_out=json_out,
        md_out=md_out,
        html_out=html_out,
        details=details,
        quiet=quiet,
        column_map=column_map,
        max_bytes=max_bytes,
        encoder=encoder,
        budget_limits=(max_chars, max_sentences, max_tokens, max_seconds, truncate),
    )


def run_trace(
    paths: list[Path],
    *,
    db: Path | None,
    fresh: bool = False,
    exclude: list[str] | None = None,
    json_out: Path | None = None,
    md_out: Path | None = None,
    html_out: Path | None = None,
    details: bool = False,
    quiet: bool = False,
    column_map: list[str] | None = None,
    max_bytes: str = "50MB",
    encoder: str = "auto",
    budget_limits: tuple = (500_000, 10_000, 150_000, 30.0, False),
) -> None:
    from rich.console import Console

    from storytrace import api
    from storytrace.cli.ingest import parse_mapping, parse_size
    from storytrace.report import print_summary
    from storytrace.report.terminal import TraceProgress, closing_line

    choose_encoder(encoder)
    try:
        mapping = parse_mapping(column_map)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--map") from None
    try:
        cap = parse_size(max_bytes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-bytes") from None
    with ExitStack() as stack:
        # --fresh: a store of its own in a temporary folder, removed after the store is closed
        path = (
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storytrace-"))) / "fresh.db"
            if fresh
            else db or DEFAULT_DB
        )
        existed = path.exists()
        store = stack.enter_context(api.Store(path))
        if not quiet:
            typer.echo(store_line(db, store.count(), existed=existed, fresh=fresh))
        budget = make_budget(*budget_limits)
        report = api.ingest(store, [str(p) for p in paths], max_bytes=cap, mapping=mapping, budget=budget, exclude=exclude or ())
        echo_rejected(report.rejected, report.warnings)
        echo_undated(report.undated)
        with TraceProgress(store.count()) as progress:
            result = api.trace_store(store, progress=progress)
    doc = result.to_dict()
    written = write_outputs(doc, json_out, md_out, html_out)
    if not quiet:
        console = Console()
        print_summary(doc, console, details=details)
        excluded = f", {len(report.excluded):,} excluded" if report.excluded else ""
        typer.echo(
            f"read: {len(report.added):,} new, {len(report.unchanged):,} already stored{excluded}, "
            f"{len(report.rejected):,} rejected"
        )
        typer.echo(encoder_line(encoder, result.stats.get("encoder")))
        n_findings = sum(len(s.get("findings") or []) for s in doc.get("stories") or [])
        console.print(closing_line(written, details=details, findings=n_findings))
    if report.rejected:
        raise typer.Exit(code=1)


def compare(
    source: Path | None = typer.Argument(
        None, metavar="SOURCE", help="The earlier report: a file holding one report. Required unless --pairs is given."
    ),
    derived: Path | None = typer.Argument(
        None, metavar="DERIVED", help="The later report, compared with SOURCE. Required unless --pairs is given."
    ),
    json_out: Path | None = typer.Option(
        None, "--json", metavar="FILE", help="Write the comparison as JSON (JSON Lines with --pairs)."
    ),
    md_out: Path | None = typer.Option(None, "--md", metavar="FILE", help="Write the comparison as Markdown."),
    html_out: Path | None = typer.Option(
        None, "--html", metavar="FILE", help="Write the comparison as a single-file HTML report."
    ),
    pairs: Path | None = typer.Option(
        None,
        "--pairs",
        metavar="FILE",
        help="Compare many pairs instead of SOURCE and DERIVED: a JSON Lines file, one pair a line, "
        "{id, source: {id, text, published?}, derived: {...}}; the results go to --json.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    encoder: str = typer.Option("auto", "--encoder", metavar="NAME", help=ENCODER_HELP),
    force: bool = typer.Option(
        False,
        "--force",
        help="Audit the pair even when it is below the edge bar for a named pair (not derived): list its findings anyway.",
    ),
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    max_tokens: int = MAX_TOKENS,
    max_seconds: float = MAX_SECONDS,
    truncate: bool = TRUNCATE,
) -> None:
    """Align DERIVED to SOURCE sentence by sentence: each pair of sentences with its relation
    (verbatim, paraphrase, partial, unsupported) and its findings, the coverage and the verdict."""
    from storytrace import api
    from storytrace.report.terminal import print_comparison

    choose_encoder(encoder)

    budget = make_budget(max_chars, max_sentences, max_tokens, max_seconds, truncate)
    if pairs is not None:
        from storytrace.batch import compare_pairs

        failures = compare_pairs(pairs, json_out, force=force, budget=budget)
        raise typer.Exit(code=1 if failures else 0)
    if source is None or derived is None:
        typer.secho("compare needs SOURCE and DERIVED, or --pairs FILE", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    picked = []
    for path in (source, derived):
        report = api.IngestReport()
        articles = api.read_articles([path], report, budget=budget)
        echo_rejected(report.rejected, report.warnings)
        if len(articles) != 1:
            typer.secho(f"{path}: expected exactly one report, found {len(articles)}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=2)
        picked.append(articles[0])
    if picked[0].id == picked[1].id:
        picked[1].id = picked[1].id + " (derived)"
    result = api.compare(picked[0], picked[1], force=force)
    doc = result.to_dict()
    written = write_outputs(doc, json_out, md_out, html_out)
    if not quiet:
        print_comparison(doc, written=written)


def errors(db: Path | None = DB_READ) -> None:
    """List the inputs that were rejected (and the reports kept with a warning), with the reason."""
    from storytrace.store import Store

    path = db or DEFAULT_DB
    if not path.exists():
        typer.secho(f"{path}: no such store (trace, add or watch create one)", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    with Store(path) as store:
        rows = store.rejected()
    for r in rows:  # tab-separated columns, for scripts: kind, input [record], reason
        where = r["input"] + (f" [{r['record']}]" if r["record"] else "")
        typer.echo(f"{r['kind']}\t{where}\t{r['reason']}")
    if not rows:
        typer.echo("no rejected inputs")


def demo(
    out: Path = typer.Option(Path("storytrace-demo"), "--out", metavar="FOLDER", help="Folder for the demo's store and reports."),
    details: bool = typer.Option(False, "--details", help=DETAILS_HELP),
) -> None:
    """Trace the shipped example corpus (a fictional story) and write its reports."""
    from importlib import resources

    out.mkdir(parents=True, exist_ok=True)
    corpus = resources.files("storytrace") / "demo" / "corpus.jsonl"
    target = out / "corpus.jsonl"
    target.write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    run_trace(
        [target],
        db=out / "demo.db",
        json_out=out / "trace.json",
        md_out=out / "trace.md",
        html_out=out / "trace.html",
        details=details,
    )
