"""The command line: a thin layer over storytrace.api."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Trace news stories: origin, lineage, what changed.")

DB_HELP = "SQLite store (created if missing)."


def _echo_rejected(rejected) -> None:
    for r in rejected:
        where = f"{r.input}" + (f" [{r.record}]" if r.record not in (None, "") else "")
        typer.secho(f"rejected: {where}: {r.reason}", err=True, fg=typer.colors.YELLOW)


def _write_outputs(doc: dict, json_path: Path | None, md_path: Path | None, html_path: Path | None = None) -> None:
    from storytrace.report import write_json, write_markdown

    if json_path:
        write_json(doc, json_path)
    if md_path:
        write_markdown(doc, md_path)
    if html_path:
        from storytrace.report.html import write_html

        write_html(doc, html_path)


ENCODER_HELP = (
    "Sentence encoder: auto (default: minilm while the trace embeds at most 20,000 sentences, static beyond), "
    "minilm (the transformer: best precision, ~25 reports/s on two cores) or static (a table distilled from the "
    "same weights on first use: 3-4x faster traces of large piles, lower lineage precision; see BENCHMARKS.md, Encoders)."
)


def choose_encoder(name: str) -> None:
    from storytrace.index.embed import use_encoder

    try:
        use_encoder(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--encoder") from None


@app.command()
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
) -> None:
    """Ingest reports into the store and trace every story in it."""
    from storytrace import api
    from storytrace.ingest.commands import parse_mapping, parse_size
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
        report = api.ingest(store, [str(p) for p in paths], max_bytes=cap, mapping=mapping)
        _echo_rejected(report.rejected)
        with TraceProgress(store.count()) as progress:
            result = api.trace_store(store, progress=progress)
    doc = result.to_dict()
    _write_outputs(doc, json_out, md_out, html_out)
    if not quiet:
        print_summary(doc)
        typer.echo(
            f"{len(report.added)} new, {len(report.unchanged)} already stored, {len(report.rejected)} rejected; store: {db}"
        )
        typer.echo(_encoder_line(encoder, result.stats.get("encoder")))
    if report.rejected:
        raise typer.Exit(code=1)


def _encoder_line(asked: str, used: str | None) -> str:
    if asked != "auto" or used is None:
        return f"encoder: {used or asked}"
    from storytrace.index.embed import AUTO_SENTENCES

    if used == "static":
        return f"encoder: static (auto: more than {AUTO_SENTENCES:,} sentences to embed; --encoder minilm for the transformer's precision)"
    return "encoder: minilm (auto)"


@app.command()
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
) -> None:
    """Align DERIVED to SOURCE sentence by sentence: coverage, alignment, findings, verdict."""
    from storytrace import api
    from storytrace.report import print_summary

    choose_encoder(encoder)

    if pairs is not None:
        from storytrace.batch import compare_pairs

        failures = compare_pairs(pairs, json_out)
        raise typer.Exit(code=1 if failures else 0)
    if source is None or derived is None:
        typer.secho("compare needs SOURCE and DERIVED, or --pairs FILE", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    picked = []
    for path in (source, derived):
        report = api.IngestReport()
        articles = api.read_articles([path], report)
        _echo_rejected(report.rejected)
        if len(articles) != 1:
            typer.secho(f"{path}: expected exactly one report, found {len(articles)}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=2)
        picked.append(articles[0])
    if picked[0].id == picked[1].id:
        picked[1].id = picked[1].id + " (derived)"
    result = api.compare(picked[0], picked[1])
    doc = result.to_dict()
    _write_outputs(doc, json_out, md_out, html_out)
    if not quiet:
        print_summary(doc)


@app.command()
def errors(db: Path = typer.Option(Path("storytrace.db"), "--db", help=DB_HELP)) -> None:
    """List the inputs that were rejected, with the reason."""
    from storytrace.store import Store

    if not db.exists():
        typer.secho(f"{db}: no such store", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    with Store(db) as store:
        rows = store.rejected()
    for r in rows:
        where = r["input"] + (f" [{r['record']}]" if r["record"] else "")
        typer.echo(f"{r['kind']}\t{where}\t{r['reason']}")
    if not rows:
        typer.echo("no rejected inputs")


@app.command()
def demo(
    out: Path = typer.Option(Path("storytrace-demo"), "--out", help="Folder for the demo's store and reports."),
) -> None:
    """Trace the shipped example corpus (a fictional story) and write its reports."""
    from importlib import resources

    out.mkdir(parents=True, exist_ok=True)
    corpus = resources.files("storytrace") / "demo" / "corpus.jsonl"
    target = out / "corpus.jsonl"
    target.write_text(corpus.read_text(encoding="utf-8"), encoding="utf-8")
    args = [str(target), "--db", str(out / "demo.db"), "--json", str(out / "trace.json"), "--md", str(out / "trace.md")]
    try:
        import storytrace.report.html  # noqa: F401

        args += ["--html", str(out / "trace.html")]
    except ImportError:
        pass
    app(["trace", *args], standalone_mode=False)
    written = [name for name in ("trace.json", "trace.md", "trace.html") if (out / name).exists()]
    typer.echo(f"demo outputs in {out}/ ({', '.join(written)})")


# Commands that live beside the stage they drive (each module defines ``command``, a plain
# function typer can register, and keeps its heavy imports inside it). A module not written
# yet is skipped; an error inside one that exists is not hidden.
_COMMAND_MODULES = {
    "add": "storytrace.ingest.commands:add",
    "watch": "storytrace.ingest.commands:watch",
    "eval": "storytrace.eval.command:command",
    "serve": "storytrace.web.command:command",
    "export": "storytrace.report.export_command:command",
    "spark": "storytrace.engines.spark_command:command",
}


def _register_commands() -> None:
    import importlib

    for name, target in _COMMAND_MODULES.items():
        module_name, func_name = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that command's module is not part of this build
            raise
        app.command(name)(getattr(module, func_name))


_register_commands()


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
