"""Hedge claims: "it is believed", "reportedly", "may have" ... (the patterns are in the lexicon)."""

from __future__ import annotations

import re

from storytrace.claims.context import (
    _Ctx,
    _Sent,
)
from storytrace.claims.lexicon import (
    HEDGE_PATTERNS,
    MODAL_HEDGES,
    MODAL_RE,
)
from storytrace.claims.numbers import (
    _norm_space,
)
from storytrace.model import Claim

# ======================================================================================
# Hedges
# ======================================================================================

_HEDGE_RE = re.compile(r"\b(?:" + "|".join(HEDGE_PATTERNS) + r")\b", re.I)


def _hedge_claims(ctx: _Ctx, sent: _Sent) -> list[Claim]:
    text = ctx.text[sent.start : sent.end]
    out: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for m in _HEDGE_RE.finditer(text):
        a, b = sent.start + m.start(), sent.start + m.end()
        taken.append((a, b))
        out.append(
            Claim(
                "hedge",
                sent.index,
                a,
                b,
                text[m.start() : m.end()],
                _norm_space(m.group().lower()),
                {"in_quote": ctx.in_quote(a)},
            )
        )
    doc = sent.doc
    for tok in doc if MODAL_RE.search(text) else ():
        if tok.lower_ in MODAL_HEDGES and tok.tag_ == "MD":
            a, b = sent.s(tok), sent.e(tok)
            if any(x <= a < y for x, y in taken):
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and nxt.lower_ in ("not", "n't", "never"):
                continue
            out.append(Claim("hedge", sent.index, a, b, tok.text, tok.lower_, {"in_quote": ctx.in_quote(a)}))
    return out
