"""``storytrace export``: findings and lineage of a trace for other tools.

Only typer is imported here; the exporters and the pipeline load when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def command(
    trace_json: Path | None = typer.Argument(
        None,
        metavar="TRACE_JSON",
        help="A trace written by `storytrace trace --json` (or `compare --json`). Give it or --db, not both.",
    ),
    db: Path | None = typer.Option(
        None, "--db", metavar="FILE", help="Trace this store (it must exist) instead of reading TRACE_JSON."
    ),
    findings_csv: Path | None = typer.Option(
        None, "--findings-csv", metavar="FILE", help="Write the findings as CSV, one row per finding."
    ),
    findings_parquet: Path | None = typer.Option(
        None, "--findings-parquet", metavar="FILE", help="Write the findings as Parquet."
    ),
    graphml: Path | None = typer.Option(None, "--graphml", metavar="FILE", help="Write the lineage graph as GraphML."),
    gexf: Path | None = typer.Option(None, "--gexf", metavar="FILE", help="Write the lineage graph as GEXF."),
    html: Path | None = typer.Option(None, "--html", metavar="FILE", help="Write the single-file HTML report."),
    spreadsheet_safe: bool = typer.Option(
        False,
        "--spreadsheet-safe",
        help="In the CSV, prefix cells starting with = + - @ with an apostrophe (for Excel and the like).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Say nothing on success."),
) -> None:
    """Export a trace: findings as CSV/Parquet, the lineage graph as GraphML/GEXF, the HTML report."""
    if (trace_json is None) == (db is None):
        _fail("give either TRACE_JSON or --db FILE (one of them)")
    if not any((findings_csv, findings_parquet, graphml, gexf, html)):
        _fail("nothing to write: give at least one of --findings-csv, --findings-parquet, --graphml, --gexf, --html")
    if trace_json is not None:
        doc = _load(trace_json)
    else:
        assert db is not None  # exactly one of the two was given
        doc = _trace(db)

    from storytrace.report import export

    written = []
    if findings_csv:
        rows = export.write_findings_csv(doc, findings_csv, spreadsheet_safe=spreadsheet_safe)
        written.append(f"{findings_csv} ({rows} findings)")
    if findings_parquet:
        rows = export.write_findings_parquet(doc, findings_parquet)
        written.append(f"{findings_parquet} ({rows} findings)")
    if graphml:
        export.write_graphml(doc, graphml)
        written.append(str(graphml))
    if gexf:
        export.write_gexf(doc, gexf)
        written.append(str(gexf))
    if html:
        from storytrace.report.html import write_html

        write_html(doc, html)
        written.append(str(html))
    if not quiet:
        typer.echo("wrote " + ", ".join(written))


def _fail(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise typer.Exit(code=2)


def _load(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{path}: not a trace JSON file ({exc})")
    if not isinstance(doc, dict) or not isinstance(doc.get("articles"), list) or not isinstance(doc.get("stories"), list):
        _fail(f"{path}: not a trace (expected an object with 'articles' and 'stories'; write one with `storytrace trace --json`)")
    return doc


def _trace(db: Path) -> dict:
    if not db.exists():
        _fail(f"{db}: no such store")
    from storytrace import api

    with api.Store(db) as store:
        return api.trace_store(store).to_dict()
