"""storytrace: trace news stories (group reports, find origin and derivatives, align
sentences, audit what each derivative changed).

The public API::

    import storytrace
    result = storytrace.trace(articles)          # a TraceResult: stories, edges, findings
    result = storytrace.compare(source, derived)  # exactly one pair
    with storytrace.Store("storytrace.db") as store: ...

and the data model (``Article``, ``Sentence``, ``Claim``, ``Story``, ``Alignment``, ``Edge``,
``Finding``). Names are loaded on first use, so that ``import storytrace`` (and the CLI's
``--help``) does not load the models and scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "trace": "storytrace.pipeline",
    "TraceOptions": "storytrace.pipeline",
    "TraceResult": "storytrace.pipeline",
    "compare": "storytrace.api",
    "Store": "storytrace.store",
    "Alignment": "storytrace.model",
    "Article": "storytrace.model",
    "Claim": "storytrace.model",
    "Edge": "storytrace.model",
    "Finding": "storytrace.model",
    "Sentence": "storytrace.model",
    "Story": "storytrace.model",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'storytrace' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
