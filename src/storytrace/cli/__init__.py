"""The command line, a thin layer over ``storytrace.api``: one module per command group.

* ``trace``: ``trace``, ``compare``, ``errors``, ``demo``;
* ``ingest``: ``add``, ``watch`` (fetch pages and feeds);
* ``eval``: ``eval`` (the evaluation sets);
* ``serve``: ``serve`` (web UI and JSON API);
* ``export``: ``export`` (findings and the lineage graph for other tools);
* ``spark``: ``spark`` (the trace on a Spark cluster).

Each module keeps its heavy imports inside its commands, so that ``storytrace --help`` does
not load the models.
"""

from __future__ import annotations

import typer

from storytrace.cli import eval as eval_command
from storytrace.cli import export, ingest, serve, spark, trace
from storytrace.cli.common import choose_encoder
from storytrace.cli.help import CompareCommand, PlainCommand, PlainGroup
from storytrace.index.embed import ModelMissing
from storytrace.optional import MissingExtra

__all__ = ["app", "choose_encoder", "main"]

app = typer.Typer(
    cls=PlainGroup,
    add_completion=False,
    no_args_is_help=True,
    help="Trace news stories: which reports tell one story, its origin, which derive from which, what changed.",
)

app.command("trace", cls=PlainCommand)(trace.trace)
app.command("compare", cls=CompareCommand)(trace.compare)
app.command("errors", cls=PlainCommand)(trace.errors)
app.command("demo", cls=PlainCommand)(trace.demo)
app.command("add", cls=PlainCommand)(ingest.add)
app.command("watch", cls=PlainCommand)(ingest.watch)
app.command("eval", cls=PlainCommand)(eval_command.command)
app.command("serve", cls=PlainCommand)(serve.command)
app.command("export", cls=PlainCommand)(export.command)
app.command("spark", cls=PlainCommand)(spark.command)


def main() -> None:
    """The console script: a missing model or optional package is one line naming what to
    install, not a traceback."""
    try:
        app()
    except (ModelMissing, MissingExtra) as exc:
        typer.secho(f"storytrace: {exc}", err=True, fg=typer.colors.RED)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
