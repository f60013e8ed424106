"""What the commands share: option help, the encoder choice, the store line, writing the outputs."""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.index.embed import AUTO_SENTENCES, use_encoder

DEFAULT_DB = Path("storytrace.db")
DB_HELP = (
    "The SQLite store the reports are added to (created if missing). Everything stored by earlier runs "
    "is traced again with them; every run says how many reports that is."
)
DB_READ_HELP = "The SQLite store to read. It must exist (trace, add and watch create it)."
QUIET_HELP = "Print no summary; rejected inputs and warnings still go to stderr."

# The budget per report (storytrace.ingest.budget.Budget; its defaults, kept here as literals so
# that `storytrace --help` does not import the pipeline). One option object serves every command.
MAX_CHARS = typer.Option(500_000, "--max-chars", min=1, metavar="N", help="Most characters of text one report may have.")
MAX_SENTENCES = typer.Option(10_000, "--max-sentences", min=1, metavar="N", help="Most sentences one report may have.")
MAX_TOKENS = typer.Option(
    150_000, "--max-tokens", min=1, metavar="N", help="Most tokens (words and punctuation marks) one report may have."
)
MAX_SECONDS = typer.Option(
    30.0, "--max-seconds", min=0.01, metavar="SECONDS", help="Most seconds reading and segmenting one report may take."
)
TRUNCATE = typer.Option(
    False,
    "--truncate",
    help="Cut a report over the budget at a sentence boundary and keep it with a warning, instead of rejecting it.",
)


def _db_option(text: str):
    """``--db FILE``: unset means the default store in the working directory (so that a command
    can tell whether one was named)."""
    return typer.Option(None, "--db", metavar="FILE", show_default=str(DEFAULT_DB), help=text)


DB = _db_option(DB_HELP)  # add, watch
DB_TRACE = _db_option(DB_HELP + " See --fresh.")
DB_READ = _db_option(DB_READ_HELP)  # errors


def store_line(db: Path | None, earlier: int, *, existed: bool, fresh: bool = False) -> str:
    """Which store a run uses and what it already holds: everything in it is traced."""
    if fresh:
        return "store: a temporary one (--fresh): only the reports read now are traced"
    name = db if db is not None else DEFAULT_DB
    if not existed:
        return f"store: {name} (new)"
    if not earlier:
        return f"store: {name}, no reports from earlier runs"
    return (
        f"store: {name}, {earlier:,} report{'s' if earlier != 1 else ''} from earlier runs, traced with these "
        "(--fresh traces only the files named now)"
    )


def make_budget(max_chars: int, max_sentences: int, max_tokens: int, max_seconds: float, truncate: bool):
    from storytrace.ingest.budget import Budget

    return Budget(
        max_chars=max_chars, max_sentences=max_sentences, max_tokens=max_tokens, max_seconds=max_seconds, truncate=truncate
    )


def echo_rejected(rejected, warnings=()) -> None:
    """One line per rejected input (its reason names the input and where in it) and per warning."""
    for r in rejected:
        typer.secho(f"rejected [{r.kind}]: {r.reason}", err=True, fg=typer.colors.YELLOW)
    for w in warnings:
        typer.secho(f"warning: {w.reason}", err=True, fg=typer.colors.YELLOW)


def echo_undated(undated: list[str], *, shown: int = 5) -> None:
    """Reports stored without a date join stories but can be nobody's source or derivative;
    a file that is not a report at all (a folder's README or specification) shows up here."""
    if not undated:
        return
    names = ", ".join(undated[:shown]) + (f" and {len(undated) - shown:,} more" if len(undated) > shown else "")
    one = len(undated) == 1
    typer.secho(
        f"undated: {len(undated):,} {'report has' if one else 'reports have'} no publication date and "
        f"{'takes' if one else 'take'} part in no edge: {names} "
        f"({'give it a date, or leave it out' if one else 'give each a date, or leave them out'} with --exclude)",
        err=True,
        fg=typer.colors.YELLOW,
    )


def write_outputs(doc: dict, json_path: Path | None, md_path: Path | None, html_path: Path | None = None) -> list[Path]:
    """Write the outputs asked for; the paths written, in that order."""
    from storytrace.report import write_json, write_markdown

    written = []
    if json_path:
        write_json(doc, json_path)
        written.append(json_path)
    if md_path:
        write_markdown(doc, md_path)
        written.append(md_path)
    if html_path:
        from storytrace.report.html import write_html

        write_html(doc, html_path)
        written.append(html_path)
    return written


ENCODER_HELP = (
    "Sentence encoder: auto (minilm while the trace embeds at most 20,000 sentences, static beyond), "
    "minilm (the transformer: best precision, ~25 reports/s on two cores) or static (a table distilled from the "
    "same weights on first use: 3-4x faster traces of large piles, lower lineage precision; see BENCHMARKS.md, Encoders)."
)


def choose_encoder(name: str) -> None:
    try:
        use_encoder(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--encoder") from None


def encoder_line(asked: str, used: str | None) -> str:
    if asked != "auto" or used is None:
        return f"encoder: {used or asked}"
    if used == "static":
        return f"encoder: static (auto: more than {AUTO_SENTENCES:,} sentences to embed; --encoder minilm for the transformer's precision)"
    return "encoder: minilm (auto)"
