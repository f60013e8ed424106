"""``storytrace eval TASK --data DIR [--json FILE] [--limit N]``

The tasks load models and data only when run.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

TASK_HELP = "The task to measure: grouping, lineage, facts, support, paraphrase, or all (every task in turn)."


def command(
    task: str = typer.Argument(..., metavar="TASK", help=TASK_HELP),
    data: Path = typer.Option(
        ...,
        "--data",
        metavar="FOLDER",
        help="The datasets folder: each set is read from FOLDER/SET/ (e.g. ../shared/datasets).",
    ),
    json_out: Path | None = typer.Option(
        None, "--json", metavar="FILE", help="Write the metrics (plain names: balanced_accuracy, roc_auc, f1, ...) as JSON."
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        min=1,
        metavar="N",
        help="A small deterministic sample: N pairs (facts, support, paraphrase), N documents per set or language (grouping), N sources of one pile (lineage).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines on stderr."),
) -> None:
    """Measure storytrace on an evaluation set and print the metric table."""
    from storytrace.eval.tasks import TASKS, run

    name = task.strip().lower()
    names = list(TASKS) if name == "all" else [name]
    if any(n not in TASKS for n in names):
        typer.secho(f"unknown task {task!r}: choose one of {', '.join(TASKS)} or all", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    if not data.is_dir():
        typer.secho(
            f"{data}: no such folder (give the datasets folder, e.g. --data ../shared/datasets)", err=True, fg=typer.colors.RED
        )
        raise typer.Exit(code=2)

    def progress(message: str) -> None:
        if not quiet:
            typer.echo(message, err=True)

    results = {}
    failed = []
    for n in names:
        try:
            result = run(n, data, limit=limit, progress=progress)
        except FileNotFoundError as exc:
            typer.secho(f"{n}: {exc}", err=True, fg=typer.colors.RED)
            failed.append(n)
            continue
        results[n] = result
        typer.echo(f"\n## {n}  ({result.seconds:.0f} s, data: {result.data}{', limit ' + str(limit) if limit else ''})\n")
        typer.echo(result.table)
        for note in result.notes:
            typer.echo(f"  * {note}")
    if json_out is not None and results:
        doc = results[names[0]].to_dict() if name != "all" else {"tasks": {n: r.to_dict() for n, r in results.items()}}
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(doc, indent=1, default=_plain) + "\n", encoding="utf-8")
    if failed:
        raise typer.Exit(code=2)


def _plain(value):
    """numpy scalars and sets, as JSON."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
