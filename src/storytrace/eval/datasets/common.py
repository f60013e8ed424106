"""Shared by the loaders: where the data sets are, and reading their files."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path


def default_datasets_dir() -> Path:
    """``$STORYTRACE_DATASETS`` if set, else ``../shared/datasets`` from the working directory."""
    env = os.environ.get("STORYTRACE_DATASETS")
    return Path(env) if env else Path.cwd().parent / "shared" / "datasets"


def _set_dir(root: str | os.PathLike | None, name: str, expected: str) -> Path:
    base = Path(root) if root is not None else default_datasets_dir()
    folder = base / name
    if not folder.is_dir():
        raise FileNotFoundError(f"{name}: expected {expected} under {folder}, but that folder does not exist")
    return folder


def _need_files(files: list[Path], folder: Path, name: str, pattern: str) -> list[Path]:
    if not files:
        raise FileNotFoundError(f"{name}: no {pattern} files in {folder}")
    return files


def _read_text(path: Path, encodings: Iterable[str] = ("utf-8-sig",)) -> str:
    """Read a text file trying ``encodings`` in order; the last one is used with replacement."""
    data = path.read_bytes()
    encodings = list(encodings)
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode(encodings[-1], errors="replace")


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _record_to_dict(self) -> dict:
    return dataclasses.asdict(self)


# ============================================================================ MRPC


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
