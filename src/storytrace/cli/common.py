"""What the commands share: option help, the encoder choice, writing the outputs."""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.index.embed import AUTO_SENTENCES, use_encoder

DB_HELP = "SQLite store (created if missing)."


def echo_rejected(rejected) -> None:
    for r in rejected:
        where = f"{r.input}" + (f" [{r.record}]" if r.record not in (None, "") else "")
        typer.secho(f"rejected: {where}: {r.reason}", err=True, fg=typer.colors.YELLOW)


def write_outputs(doc: dict, json_path: Path | None, md_path: Path | None, html_path: Path | None = None) -> None:
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
