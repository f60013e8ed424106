"""The JSON Schema of a trace document, and validation against it.

``validate_trace(doc)`` checks the shape (``schema/trace.schema.json``, draft 2020-12) and,
unless ``references=False``, that the ids and sentence indices the stories use point at
reports and sentences that exist in the document. Either failure raises
``jsonschema.ValidationError`` whose message starts with the JSON path of the bad value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_FILE = "trace.schema.json"


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("storytrace").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict:
    """The trace schema as a fresh dict (callers may modify it)."""
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def json_path(parts: Iterable[Any]) -> str:
    """``["stories", 0, "origin"]`` -> ``$.stories[0].origin``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}"
    return out


def _error(
    message: str, path: list, instance: Any = None, cause: jsonschema.ValidationError | None = None
) -> jsonschema.ValidationError:
    where = json_path(path)
    kwargs: dict[str, Any] = {"path": path}
    if instance is not None:
        kwargs["instance"] = instance
    if cause is not None:
        kwargs.update(
            validator=cause.validator,
            validator_value=cause.validator_value,
            schema=cause.schema,
            schema_path=cause.absolute_schema_path,
        )
        if instance is None:
            kwargs["instance"] = cause.instance
    return jsonschema.ValidationError(f"trace document invalid at {where}: {message}", **kwargs)


def validate_trace(doc: Any, references: bool = True) -> None:
    """Raise ``jsonschema.ValidationError`` if ``doc`` is not a valid trace document."""
    if hasattr(doc, "to_dict") and not isinstance(doc, dict):
        doc = doc.to_dict()
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        raise _error(error.message, list(error.absolute_path), cause=error)
    if references:
        _check_references(doc)


def _check_references(doc: dict) -> None:
    sentences: dict[str, int] = {}
    for k, article in enumerate(doc["articles"]):
        if article["id"] in sentences:
            raise _error(f"duplicate report id {article['id']!r}", ["articles", k, "id"], article["id"])
        sentences[article["id"]] = len(article["sentences"])

    def known(value: Any, path: list) -> None:
        if value is not None and value not in sentences:
            raise _error(f"unknown report id {value!r}", path, value)

    def in_range(article_id: Any, index: Any, path: list) -> None:
        if article_id is None or index is None:
            return
        count = sentences[article_id]
        if count and index >= count:
            raise _error(f"sentence {index} out of range: report {article_id!r} has {count} sentences", path, index)

    placed: dict[str, str] = {}
    for s, story in enumerate(doc["stories"]):
        base = ["stories", s]
        members = set()
        for k, member in enumerate(story["articles"]):
            known(member, base + ["articles", k])
            if member in placed:
                raise _error(f"report {member!r} is already a member of story {placed[member]!r}", base + ["articles", k], member)
            placed[member] = story["id"]
            members.add(member)
        if story["origin"] is not None and story["origin"] not in members:
            raise _error(f"origin {story['origin']!r} is not a member of the story", base + ["origin"], story["origin"])
        for e, edge in enumerate(story["edges"]):
            for key in ("source", "derived"):
                known(edge[key], base + ["edges", e, key])
            if edge["derived"] not in members:
                raise _error(
                    f"derived report {edge['derived']!r} is not a member of the story",
                    base + ["edges", e, "derived"],
                    edge["derived"],
                )
        for group in ("alignments", "findings"):
            for i, item in enumerate(story[group]):
                path = base + [group, i]
                known(item["derived"], path + ["derived"])
                known(item["source"], path + ["source"])
                in_range(item["derived"], item["derived_sentence"], path + ["derived_sentence"])
                in_range(item["source"], item["source_sentence"], path + ["source_sentence"])
