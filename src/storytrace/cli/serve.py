"""``storytrace serve``: the web UI and JSON API over a store.

FastAPI, uvicorn and the pipeline load only when the server starts (they are the ``serve``
extra, and ``storytrace --help`` should not load them).
"""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.common import MAX_CHARS, MAX_SECONDS, MAX_SENTENCES, MAX_TOKENS, TRUNCATE, make_budget
from storytrace.cli.ingest import parse_size
from storytrace.optional import MissingExtra, requires
from storytrace.web.binding import MIN_TOKEN, BindRefused, check_bind, is_loopback


def command(
    db: Path = typer.Option(
        Path("storytrace.db"), "--db", metavar="FILE", help="The SQLite store to serve (created if missing)."
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", metavar="ADDRESS", help="Address to listen on. Anything but loopback needs --token."
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, metavar="PORT", help="TCP port to listen on."),
    token: str | None = typer.Option(
        None,
        "--token",
        envvar="STORYTRACE_TOKEN",
        metavar="TOKEN",
        help="Bearer token that writes (POST /api/reports) must carry.",
    ),
    trace_worker: str = typer.Option(
        "process",
        "--trace-worker",
        metavar="process|thread",
        help="Run re-traces in a child 'process' (reads stay fast while tracing) or in a 'thread' of the server.",
    ),
    max_body: str = typer.Option("20MB", "--max-body", metavar="SIZE", help="Largest POST body read (413 beyond it), e.g. 5MB."),
    max_reports: int = typer.Option(1000, "--max-reports", min=1, metavar="N", help="Most reports in one POST (413 beyond it)."),
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    max_tokens: int = MAX_TOKENS,
    max_seconds: float = MAX_SECONDS,
    truncate: bool = TRUNCATE,
) -> None:
    """Serve the store: HTML UI at /, JSON API under /api, API reference at /docs."""
    token = token or None
    if trace_worker not in ("thread", "process"):
        typer.secho("--trace-worker must be 'thread' or 'process'", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2)
    try:
        check_bind(host, token)
    except BindRefused as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2) from None
    if token and len(token) < MIN_TOKEN:
        typer.secho(f"warning: the token is shorter than {MIN_TOKEN} characters", err=True, fg=typer.colors.YELLOW)
    try:
        uvicorn = requires("uvicorn", extra="serve", what="storytrace serve")
        requires("fastapi", extra="serve", what="storytrace serve")
        requires("jinja2", extra="serve", what="storytrace serve")
    except MissingExtra as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(code=2) from None
    from storytrace.web.app import create_app  # after the check: it imports FastAPI

    try:
        body_cap = parse_size(max_body)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max-body") from None
    app = create_app(
        db,
        token=token,
        open_writes=is_loopback(host),
        trace_worker=trace_worker,
        budget=make_budget(max_chars, max_sentences, max_tokens, max_seconds, truncate),
        max_body=body_cap,
        max_reports=max_reports,
    )
    writes = "need the token" if token else "open to loopback clients only"
    typer.echo(f"storytrace serving {db} on http://{_netloc(host, port)}/  (writes {writes})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
