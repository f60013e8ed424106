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
from storytrace.index.embed import ModelMissing
from storytrace.optional import MissingExtra

__all__ = ["app", "choose_encoder", "main"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Trace news stories: origin, lineage, what changed.")

app.command("trace")(trace.trace)
app.command("compare")(trace.compare)
app.command("errors")(trace.errors)
app.command("demo")(trace.demo)
app.command("add")(ingest.add)
app.command("watch")(ingest.watch)
app.command("eval")(eval_command.command)
app.command("serve")(serve.command)
app.command("export")(export.command)
app.command("spark")(spark.command)


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
