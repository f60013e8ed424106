"""``storytrace trace``, ``compare``, ``errors`` and ``demo``: trace reports, compare two.

The pipeline, the store and the reports load when a command runs, not when the CLI starts
(``storytrace --help`` stays instant).
"""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.common import (
    DB_HELP,
    ENCODER_HELP,
    MAX_CHARS,
    MAX_SECONDS,
    MAX_SENTENCES,
    MAX_TOKENS,
    TRUNCATE,
    choose_encoder,
    echo_rejected,
    encoder_line,
    make_budget,
    write_outputs,
)


def trace(
    paths: list[Path] = typer.Argument(..., help="Files or folders of reports (read recursively)."),
    db: Path = typer.Option(Path("storytrace.db"), "--db", help=DB_HELP),
    json_out: Path | None = typer.Option(
        None, "--json", help="Write the trace as JSON (schema: storytrace/schema/trace.schema.json)."
    ),
    md_out: Path | None = typer.Option(None, "--md", help="Write the trace as Markdown."),
    html_out: Path | None = typer.Option(None, "--html", help="Write a single-file HTML report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No terminal summary."),
    column_map: list[str] | None = typer.Option(
        None,
        "--map",
        help="CSV/Parquet columns for our fields (id, published, title, text, url, outlet): FIELD=COLUMN, repeatable or comma-separated, e.g. --map text=body,published=date.",
    ),
    max_bytes: str = typer.Option(
        "50MB",
        "--max-bytes",
        help="Largest input file (and decompressed stream) read; larger ones are rejected. E.g. 500KB, 50MB.",
    ),
    encoder: str = typer.Option("auto", "--encoder", help=ENCODER_HELP),
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    max_tokens: int = MAX_TOKENS,
    max_seconds: float = MAX_SECONDS,
    truncate: bool = TRUNCATE,
) -> None:
    """Ingest reports into the store and trace every story in it."""
    from storytrace import api
    from storytrace.cli.ingest import parse_mapping, parse_size
    from storytrace.report import print_summary
    from storytrace.report.terminal import TraceProgress

    choose_encoder(encoder)

    try:
        mapping = parse_mapping(column_map)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--map") from None
    try:
        cap = parse_size(max_bytes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-bytes") from None
    with api.Store(db) as store:
        budget = make_budget(max_chars, max_sentences, max_tokens, max_seconds, truncate)
        report = api.ingest(store, [str(p) for p in paths], max_bytes=cap, mapping=mapping, budget=budget)
        echo_rejected(report.rejected, report.warnings)
        with TraceProgress(store.count()) as progress:
            result = api.trace_store(store, progress=progress)
    doc = result.to_dict()
    write_outputs(doc, json_out, md_out, html_out)
    if not quiet:
        print_summary(doc)
        typer.echo(
            f"{len(report.added)} new, {len(report.unchanged)} already stored, {len(report.rejected)} rejected; store: {db}"
        )
        typer.echo(encoder_line(encoder, result.stats.get("encoder")))
    if report.rejected:
        raise typer.Exit(code=1)


def compare(
    source: Path | None = typer.Argument(None, help="The earlier report (one file holding one report)."),
    derived: Path | None = typer.Argument(None, help="The later report."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the comparison as JSON (JSON Lines with --pairs)."),
    md_out: Path | None = typer.Option(None, "--md", help="Write the comparison as Markdown."),
    html_out: Path | None = typer.Option(None, "--html", help="Write the comparison as a single-file HTML report."),
    pairs: Path | None = typer.Option(
        None, "--pairs", help="JSON Lines of pairs {id, source:{id,text,published?}, derived:{...}}."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
    encoder: str = typer.Option("auto", "--encoder", help=ENCODER_HELP),
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
    """Align DERIVED to SOURCE sentence by sentence: coverage, alignment, findings, verdict."""
    from storytrace import api
    from storytrace.report import print_summary

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
    write_outputs(doc, json_out, md_out, html_out)
    if not quiet:
        print_summary(doc)


def errors(db: Path = typer.Option(Path("storytrace.db"), "--db", help=DB_HELP)) -> None:
    """List the inputs that were rejected (and the reports kept with a warning), with the reason."""
    from storytrace.store import Store

    if not db.exists():
        typer.secho(f"{db}: no such store", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    with Store(db) as store:
        rows = store.rejected()
    for r in rows:  # tab-separated columns, for scripts: kind, input [record], reason
        where = r["input"] + (f" [{r['record']}]" if r["record"] else "")
        typer.echo(f"{r['kind']}\t{where}\t{r['reason']}")
    if not rows:
        typer.echo("no rejected inputs")


def demo(
    out: Path = typer.Option(Path("storytrace-demo"), "--out", help="Folder for the demo's store and reports."),
) -> None:
    """Trace the shipped example corpus (a fictional story) and write its reports."""
    from importlib import resources

    out.mkdir(parents=True, exist_ok=True)
    corpus = resources.files("storytrace") / "demo" / "corpus.jsonl"
    target = out / "corpus.jsonl"
    target.write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    trace(
        paths=[target],
        db=out / "demo.db",
        json_out=out / "trace.json",
        md_out=out / "trace.md",
        html_out=out / "trace.html",
        quiet=False,
        column_map=None,
        max_bytes="50MB",
        encoder="auto",
        max_chars=500_000,
        max_sentences=10_000,
        max_tokens=150_000,
        max_seconds=30.0,
        truncate=False,
    )
    written = [name for name in ("trace.json", "trace.md", "trace.html") if (out / name).exists()]
    typer.echo(f"demo outputs in {out}/ ({', '.join(written)})")
