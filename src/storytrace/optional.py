"""Optional packages, declared once: which extra installs each, and one clear error when it is missing."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional package is not installed; the message says which extra installs it."""


def requires(module: str, extra: str, what: str | None = None) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` naming the extra that installs it
    (``requires("fastapi", extra="serve")``). ``what`` names the feature in the message."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        feature = what or f"this command ({extra})"
        raise MissingExtra(f"{feature} needs the optional package {package}: pip install 'storytrace[{extra}]'") from exc
