"""Reports of a trace: JSON (validated against ``schema/trace.schema.json``), Markdown, terminal."""

from __future__ import annotations

import json
import os
from typing import Any

from storytrace.report._common import as_dict
from storytrace.report.markdown import to_markdown
from storytrace.report.schema import load_schema, validate_trace
from storytrace.report.terminal import TraceProgress, print_summary

__all__ = [
    "TraceProgress",
    "load_schema",
    "print_summary",
    "to_json",
    "to_markdown",
    "validate_trace",
    "write_json",
    "write_markdown",
]


def to_json(result: Any) -> str:
    """The trace as JSON text: UTF-8 characters kept, indent 2, keys in the order given, newline-terminated."""
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"


def write_json(result: Any, path: str | os.PathLike) -> None:
    """Write the trace (dict or TraceResult) as JSON to ``path``."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(to_json(result))


def write_markdown(result: Any, path: str | os.PathLike) -> None:
    """Write the Markdown report of the trace (dict or TraceResult) to ``path``."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(to_markdown(result))
