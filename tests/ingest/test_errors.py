"""Rejected and its kinds: every kind the readers use is one that KINDS documents."""

from __future__ import annotations

import re

from storytrace.ingest.errors import KINDS, WARNING_KINDS, Rejected
from tests.support.paths import ROOT

# the readers, and the API that stores them (missing paths, budgets, conflicts, warnings)
INGEST_SOURCES = sorted((ROOT / "src" / "storytrace" / "ingest").glob("*.py")) + [ROOT / "src" / "storytrace" / "api.py"]


def test_to_dict_carries_every_field():
    rejected = Rejected(input="wire.jsonl", record=3, reason="wire.jsonl line 3: the line is not JSON.", kind="json")
    assert rejected.to_dict() == {
        "input": "wire.jsonl",
        "record": 3,
        "reason": "wire.jsonl line 3: the line is not JSON.",
        "kind": "json",
    }


def test_every_kind_is_explained():
    assert KINDS and all(isinstance(text, str) and text.strip() for text in KINDS.values())


def test_every_kind_used_by_ingest_is_documented():
    # src.reject("kind", ...) and Rejected(..., kind="kind") are the two ways a reader rejects
    used = set()
    for path in INGEST_SOURCES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\breject\(\s*\"(\w+)\"", text))
        used |= set(re.findall(r"\bkind=\"(\w+)\"", text))
    assert used, "the pattern no longer finds how ingest rejects"
    assert used <= set(KINDS) | set(WARNING_KINDS), used - set(KINDS) - set(WARNING_KINDS)
    assert {"missing", "timeout", "too_large", "encoding", "warning"} <= used
