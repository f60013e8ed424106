"""``storytrace spark INPUT OUTPUT [--master URL]``: the trace on Spark (see engines/spark.py).

pyspark is the ``spark`` extra: it is imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from storytrace.cli.common import choose_encoder
from storytrace.optional import MissingExtra, requires


def command(
    input: Path = typer.Argument(
        ...,
        metavar="INPUT",
        help="Reports as JSON Lines or Parquet (a file or a folder): id, text, published?, outlet?, url?, title?",
    ),
    output: Path = typer.Argument(
        ...,
        metavar="OUTPUT",
        help="Output folder: stories/, edges/, alignments/, findings/, articles/ (Parquet) and trace.json.",
    ),
    master: str = typer.Option(
        "local[*]", "--master", metavar="URL", help="Spark master URL (local[*], spark://host:7077, yarn, k8s://...)."
    ),
    audit: bool = typer.Option(True, "--audit/--no-audit", help="Run the claim audit on derived reports, or skip it."),
    conf: list[str] = typer.Option(
        [], "--conf", metavar="KEY=VALUE", help="An extra Spark setting; repeatable (--conf spark.executor.memory=4g)."
    ),
    task_sentences: int = typer.Option(
        0, "--task-sentences", metavar="N", help="About how many sentences one embedding task holds (0: the default, 1000)."
    ),
    encoder: str = typer.Option(
        "auto",
        "--encoder",
        metavar="NAME",
        help="Sentence encoder: auto, minilm or static (see `storytrace trace --help`).",
    ),
) -> None:
    """Trace reports on Spark: the same stories, edges and findings as `storytrace trace`."""
    try:
        requires("pyspark", extra="spark", what="storytrace spark")
    except MissingExtra as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2) from None
    from storytrace.engines.spark import run  # after the check: it imports pyspark

    choose_encoder(encoder)

    settings = {}
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep:
            typer.secho(f"--conf {item!r}: expected KEY=VALUE", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=2)
        settings[key] = value
    counts = run(str(input), str(output), master=master, audit=audit, conf=settings, task_sentences=task_sentences or None)
    typer.echo(json.dumps({k: v for k, v in counts.items() if k != "stats"}))
