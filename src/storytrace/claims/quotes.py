"""Quotations at the text level: the spans of direct quotes, curly or straight, across
sentence and paragraph breaks."""

from __future__ import annotations

import re

from storytrace.claims.context import (
    _Ctx,
)
from storytrace.claims.numbers import (
    _norm_space,
)
from storytrace.segment.sentences import container_quote

# ======================================================================================
# Quotes (text level)
# ======================================================================================


def _paragraph_spans(ctx: _Ctx) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur: list[int] | None = None
    cur_par = None
    for s in ctx.sents:
        if cur is not None and s.paragraph == cur_par:
            cur[1] = s.end
        else:
            if cur is not None:
                spans.append((cur[0], cur[1]))
            cur = [s.start, s.end]
            cur_par = s.paragraph
    if cur is not None:
        spans.append((cur[0], cur[1]))
    return spans


def _find_quote_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of each quotation, marks included; an unclosed one ends its paragraph."""
    spans: list[tuple[int, int, bool]] = []
    for ps, pe in paragraphs:
        seg = text[ps:pe]
        open_at = None
        for m in re.finditer(r"[“”]", seg):
            if m.group() == "“":
                if open_at is not None:
                    spans.append((ps + open_at, ps + m.start(), False))
                open_at = m.start()
            elif open_at is not None:
                spans.append((ps + open_at, ps + m.end(), True))
                open_at = None
        if open_at is not None:
            spans.append((ps + open_at, pe, False))
        spans.extend(_pair_straight_quotes(seg, ps, pe))
        # single curly quotes, British style: ‘ opens after a space, ’ closes before a non-letter
        for m in re.finditer(r"(?:^|(?<=[\s(\[—–-]))‘(?=\S)", seg):
            close = re.compile(r"(?<=\S)’(?=[\s.,;:!?)\]—–]|$)").search(seg, m.end() + 1)
            if close and close.start() - m.start() < 600:
                spans.append((ps + m.start(), ps + close.end(), True))
    wrap = container_quote(text)
    if wrap is not None:  # marks around the whole report quote nobody (see container_quote)
        spans = [sp for sp in spans if (sp[0], sp[1]) != (wrap[0], wrap[1] + 1)]
    spans.sort()
    # drop spans nested in another (e.g. single quotes inside double quotes)
    out: list[tuple[int, int, bool]] = []
    for sp in spans:
        if out and sp[0] < out[-1][1]:
            continue
        out.append(sp)
    return out


def _pair_straight_quotes(seg: str, ps: int, pe: int) -> list[tuple[int, int, bool]]:
    """Pair straight double quotes by the side they stand on: an opening mark follows a space
    (or the start) and precedes a word, a closing mark follows a word. A mark that can only
    open while a quotation is open starts a new one, the old one ending just before it."""
    out: list[tuple[int, int, bool]] = []
    open_at = None
    n = len(seg)
    for m in re.finditer(r'"', seg):
        i = m.start()
        before = seg[i - 1] if i > 0 else " "
        after = seg[i + 1] if i + 1 < n else " "
        can_open = (before.isspace() or before in "([{—–-/:") and not after.isspace()
        can_close = not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-'’" or i + 1 == n)
        if open_at is None:
            if can_open or not can_close:
                open_at = i
        elif can_close or not can_open:
            out.append((ps + open_at, ps + i + 1, True))
            open_at = None
        else:
            out.append((ps + open_at, ps + i, False))
            open_at = i
    if open_at is not None and open_at + 1 < n and not seg[open_at + 1].isspace():
        out.append((ps + open_at, pe, False))
    return out


def _quote_inner(text: str, qs: int, qe: int, closed: bool) -> str:
    inner = text[qs + 1 : qe - 1] if closed else text[qs + 1 : qe]
    inner = _norm_space(inner)
    return inner.rstrip(",").strip()


def _word_count(s: str) -> int:
    return len(re.findall(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?", s))
