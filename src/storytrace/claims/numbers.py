"""Numbers as news writes them: digits, number words, scales, ranges and modifiers ("more than
40", "3.5 million", "a dozen"). Read by the quantity claims (claims/extract.py) and the dates."""

from __future__ import annotations

import re

from storytrace.claims.lexicon import (
    BIG_SCALES,
    MODIFIER_PHRASES,
    ONES,
    SCALE_ABBR,
    TENS,
    VAGUE_SCALES,
)


def _norm_space(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


_NUM_TOKEN_RE = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+|[a-z]+")


def _parse_number(text: str) -> tuple[float | None, bool]:
    """Value of a number phrase ("1,400", "3.5 million", "twenty-five", "a dozen", "$2bn").

    Returns (value, vague); vague is True for "dozens", "hundreds of thousands", "a couple".
    """
    t = text.lower().replace("-", " ").replace("–", " ").replace("’", "'")
    toks = _NUM_TOKEN_RE.findall(t)
    total = 0.0
    current: float | None = None
    seen = False
    vague = False
    seen_digits = False
    prev = ""
    for i, w in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if w[0].isdigit() or w[0] == ".":
            if seen_digits:
                break  # a second written-out figure ("2,000 and 3,000"): not part of this value
            seen_digits = True
            digits = w.replace(",", "")
            try:
                v = float(digits)
            except ValueError:
                break
            current = (current or 0.0) + v
            seen = True
        elif w in ONES or w in TENS:
            if seen_digits or (prev in ONES) or (prev in TENS and w in TENS):
                break  # "3 one", "two three": separate numbers
            current = (current or 0.0) + (ONES[w] if w in ONES else TENS[w])
            seen = True
        elif w in ("a", "an"):
            if current is None and (nxt in BIG_SCALES or nxt in ("hundred", "dozen", "couple")):
                current = 1.0
                if nxt == "couple":
                    current = None
        elif w == "half":
            current = (current or 0.0) + 0.5
            seen = True
        elif w == "couple":
            current = (current or 0.0) + 2.0
            seen = True
            vague = True
        elif w == "dozen":
            current = (current if current is not None else 1.0) * 12.0
            seen = True
        elif w == "hundred":
            current = (current if current is not None else 1.0) * 100.0
            seen = True
        elif w in BIG_SCALES:
            total += (current if current is not None else 1.0) * BIG_SCALES[w]
            current = None
            seen = True
        elif w in SCALE_ABBR and prev and (prev[0].isdigit() or prev[0] == "."):
            total += (current if current is not None else 1.0) * SCALE_ABBR[w]
            current = None
        elif w in VAGUE_SCALES:
            base = VAGUE_SCALES[w]
            current = base * 2.0 if current is None else current * base
            seen = True
            vague = True
        elif w in ("and", "of"):
            pass
        elif w in ("percent", "per", "cent", "pc"):
            pass
        else:
            if seen:
                break
        prev = w
    if not seen:
        return None, False
    return total + (current or 0.0), vague


def parse_number(text: str) -> float | None:
    """Numeric value of a number phrase, or None ("about 1,400" -> 1400.0, "$2bn" -> 2e9)."""
    return _parse_number(text)[0]


_RANGE_RE = re.compile(
    r"^(?:between\s+)?(?P<a>[\w.,]+(?:\s+[\w.,]+)?)\s*(?:-|–|—|\bto\b|\band\b|\bor\b)\s*(?P<b>[\w.,]+(?:\s+[\w.,]+)*)$"
)


def _parse_quantity_text(num_text: str) -> tuple[float | None, bool, list[float] | None]:
    """(value, vague, range) for the number part of a quantity phrase."""
    t = _norm_space(num_text.lower().replace("’", "'"))
    if re.search(r"\d\s*(?:-|–|—|to|or)\s*\d|\b(?:to|or)\b|\bbetween\b", t) and not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", t):
        m = _RANGE_RE.match(t)
        if m:
            a, _ = _parse_number(m.group("a"))
            b, vb = _parse_number(m.group("b"))
            if a is not None and b is not None:
                # "2-3 million": the scale of the second part applies to the first.
                if b > 0 and a < b:
                    scale_words = [w for w in _NUM_TOKEN_RE.findall(m.group("b")) if w in BIG_SCALES or w in SCALE_ABBR]
                    a_words = _NUM_TOKEN_RE.findall(m.group("a"))
                    if scale_words and not any(w in BIG_SCALES or w in SCALE_ABBR for w in a_words):
                        mult = BIG_SCALES.get(scale_words[-1]) or SCALE_ABBR.get(scale_words[-1], 1.0)
                        a *= mult
                return a, vb, [a, b]
    v, vague = _parse_number(t)
    return v, vague, None


_MODIFIER_RE = re.compile(
    r"(?:^|[^\w])(" + "|".join(re.escape(p) for p in sorted(MODIFIER_PHRASES, key=len, reverse=True)) + r")[\s$€£¥₹]*$"
)


_SUFFIX_MODIFIERS = [
    (re.compile(r"^\s*(?:\+|-?\s*plus\b|or more\b|or above\b|or over\b)"), "more_than", False),
    (re.compile(r"^\s*(?:-?\s*odd\b|or so\b)"), "about", True),
    (re.compile(r"^\s*(?:or fewer\b|or less\b|or under\b)"), "at_most", False),
]
