"""Quantity claims: numbers with what they count ("more than 200 hostages"), their modifier
and value."""

from __future__ import annotations

import re
from typing import Any

from storytrace.claims.context import (
    _ADJ_TAGS,
    _COMMON_NOUN_TAGS,
    _NOUN_TAGS,
    _Ctx,
    _Sent,
    _singular,
)
from storytrace.claims.entities import (
    _norp_value,
)
from storytrace.claims.lexicon import (
    APPROXIMATE,
    COLLECTIVE_NOUNS,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DETERMINERS,
    MODIFIER_PHRASES,
    MONTHS,
    NUMBER_WORDS,
    ONE_IDIOMS,
    ONES,
    SCALE_ABBR,
    TENS,
    TIME_AFTER,
    VAGUE_SCALES,
)
from storytrace.claims.numbers import (
    _MODIFIER_RE,
    _SUFFIX_MODIFIERS,
    _norm_space,
    _parse_number,
    _parse_quantity_text,
)
from storytrace.model import Claim

# ======================================================================================
# Quantities
# ======================================================================================

_QUANT_LABELS = {"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}
_SCALE_ABBR_RE = re.compile(r"^\d[\d,]*(?:\.\d+)?(?:k|m|mn|mln|bn|b|bln|tn|trn|thousand|million|billion|trillion)$", re.I)


def _numberish(doc, i: int) -> bool:
    tok = doc[i]
    w = tok.lower_
    if tok.like_num or w in NUMBER_WORDS or _SCALE_ABBR_RE.match(w):
        return True
    if (
        w in ("a", "an")
        and i + 1 < len(doc)
        and doc[i + 1].lower_ in ("dozen", "hundred", "thousand", "million", "billion", "trillion")
    ):
        return True
    return False


def _num_run_end(doc, i: int) -> int:
    j = i
    while j < len(doc):
        if _numberish(doc, j) or doc[j].text in CURRENCY_SYMBOLS or doc[j].text == "%":
            if j > i and _numberish(doc, j) and _numberish(doc, j - 1):
                a, b = doc[j - 1].lower_, doc[j].lower_
                a_digit, b_digit = a[:1].isdigit(), b[:1].isdigit()
                b_word = b in ONES or b in TENS
                if (a_digit and (b_digit or b_word)) or (not a_digit and b_digit) or (a in ONES and b_word):
                    break  # "3 one study", "two 5": two numbers side by side
            j += 1
        elif doc[j].lower_.rstrip(".") in SCALE_ABBR and j > i and doc[j - 1].like_num:
            j += 1
        elif (
            doc[j].lower_ in ("and", "of", "-", "–", "to")
            and j > i
            and j + 1 < len(doc)
            and _numberish(doc, j + 1)
            and (doc[j].lower_ != "and" or doc[j + 1].lower_ in ONES or doc[j + 1].lower_ in TENS)
        ):
            if doc[j].lower_ == "of" and doc[j - 1].lower_ not in VAGUE_SCALES:
                break
            j += 1
        else:
            break
    return j


def _unit_after(doc, j: int, blocked: set[int]) -> tuple[Any, list[str], bool, int]:
    """(unit token, qualifiers, via 'of', index after the unit) of the noun phrase after a number."""
    of = False
    if j < len(doc) and doc[j].lower_ == "of":
        k = j + 1
        while k < len(doc) and (doc[k].tag_ in ("DT", "PRP$") or doc[k].lower_ in DETERMINERS):
            k += 1
        of = True
        j = k
    run = []
    seen_common = False
    while j < len(doc) and j not in blocked:
        tok = doc[j]
        if tok.ent_type_ in ("DATE", "TIME", "ORDINAL", "CARDINAL", "MONEY", "PERCENT", "QUANTITY"):
            break
        if tok.tag_ in _COMMON_NOUN_TAGS:
            run.append(tok)
            seen_common = True
        elif tok.tag_ in ("NNP", "NNPS") and not seen_common:
            run.append(tok)
        elif tok.tag_ in _ADJ_TAGS and not seen_common:
            run.append(tok)
        elif tok.text == "-" and run and j + 1 < len(doc) and doc[j + 1].tag_ in _NOUN_TAGS | _ADJ_TAGS:
            run.append(tok)
        else:
            break
        j += 1
    nouns = [t for t in run if t.tag_ in _NOUN_TAGS]
    if not nouns:
        return None, [], of, j
    unit = nouns[-1]
    quals: list[str] = []
    for t in run[: run.index(unit)]:
        if t.text == "-":
            continue
        if t.tag_ in ("NNP", "NNPS") and quals and doc[t.i - 1].tag_ in ("NNP", "NNPS"):
            quals[-1] = quals[-1] + " " + t.text
        else:
            quals.append(t.text if t.tag_ in ("NNP", "NNPS") else t.lower_)
    return unit, quals, of, unit.i + 1


_COLLECTIVE_RE = re.compile(r"\b(?:" + "|".join(sorted(COLLECTIVE_NOUNS)) + r")\s+of\b", re.I)
_ANY_NUMBER_RE = re.compile(r"\d|\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b", re.I)


_RATIO_HINT_RE = re.compile(
    r"\b\w+\s+(?:in|out of)\s+(?:two|three|four|five|ten|twenty|fifty|a hundred|one hundred|a thousand|\d+)\b", re.I
)


def _quantity_claims(ctx: _Ctx, sent: _Sent) -> list[Claim]:
    doc = sent.doc
    out: list[Claim] = []
    used: set[int] = set()
    # token indices of every entity that is not a quantity: never a unit, never a fallback number
    ent_tok: dict[int, str] = {}
    for ent in doc.ents:
        for t in ent:
            ent_tok[t.i] = ent.label_

    stext = ctx.text[sent.start : sent.end]
    # 1. multiplicative phrases: "two sets of two hostages"
    i = 0 if _COLLECTIVE_RE.search(stext) else len(doc)
    while i < len(doc):
        if _numberish(doc, i) and ent_tok.get(i) not in ("DATE", "TIME", "ORDINAL"):
            j = _num_run_end(doc, i)
            if j < len(doc) - 2 and doc[j].lower_ in COLLECTIVE_NOUNS and doc[j + 1].lower_ == "of" and _numberish(doc, j + 2):
                k = _num_run_end(doc, j + 2)
                a, _ = _parse_number(doc[i:j].text)
                b, _ = _parse_number(doc[j + 2 : k].text)
                if a is not None and b is not None:
                    claim = _build_quantity(ctx, sent, list(doc[i:j]), "CARDINAL", used, value=a * b, expr_end=k, num_end=k)
                    if claim is not None:
                        claim.attrs["expression"] = _norm_space(doc[i:k].text)
                        claim.attrs["factors"] = [a, b]
                        out.append(claim)
                        used.update(range(i, k))
                i = k
                continue
            i = max(j, i + 1)
        else:
            i += 1

    # 1b. ratios: "nine in ten", "3 out of 4"
    if _RATIO_HINT_RE.search(stext):
        i = 0
        while i < len(doc):
            if i not in used and _numberish(doc, i) and ent_tok.get(i) not in ("DATE", "TIME", "ORDINAL", "MONEY", "PERCENT"):
                j = _num_run_end(doc, i)
                k = j
                if k < len(doc) and doc[k].lower_ == "in":
                    k += 1
                elif k + 2 < len(doc) and doc[k].lower_ == "out" and doc[k + 1].lower_ == "of":
                    k += 2
                else:
                    i = max(j, i + 1)
                    continue
                if k < len(doc) and _numberish(doc, k):
                    e = _num_run_end(doc, k)
                    a, _ = _parse_number(doc[i:j].text)
                    b, _ = _parse_number(doc[k:e].text)
                    if a is not None and b and 0 < a <= b and b in (2.0, 3.0, 4.0, 5.0, 10.0, 100.0, 1000.0, 20.0, 50.0):
                        claim = _build_quantity(
                            ctx, sent, list(doc[i:j]), "PERCENT", used, value=round(100.0 * a / b, 4), expr_end=e, num_end=e
                        )
                        if claim is not None:
                            claim.attrs["unit"] = "%"
                            claim.attrs["expression"] = _norm_space(doc[i:e].text)
                            claim.attrs["ratio"] = [a, b]
                            out.append(claim)
                            used.update(range(i, e))
                        i = e
                        continue
                i = max(j, i + 1)
            else:
                i += 1

    # 2. spaCy's quantity entities
    for ent in doc.ents:
        if ent.label_ not in _QUANT_LABELS or any(t.i in used for t in ent):
            continue
        # "$2bn": NER may leave the currency sign or the scale out of the span
        s = ent.start
        while s - 1 >= 0 and (doc[s - 1].text in CURRENCY_SYMBOLS or doc[s - 1].tag_ == "$") and s - 1 not in used:
            s -= 1
        e = ent.end
        while e < len(doc) and (doc[e].lower_.rstrip(".") in SCALE_ABBR or doc[e].text == "%") and doc[e - 1].like_num:
            e += 1
        toks = list(doc[s:e])
        claim = _build_quantity(ctx, sent, toks, ent.label_, used)
        if claim is not None:
            out.append(claim)
        used.update(range(s, e))

    # 3. numbers NER did not label
    i = 0 if _ANY_NUMBER_RE.search(stext) else len(doc)
    while i < len(doc):
        if i in used or i in ent_tok or not _numberish(doc, i) or doc[i].lower_ in ("a", "an", "half"):
            i += 1
            continue
        if not (doc[i].tag_ == "CD" or doc[i].like_num):
            i += 1
            continue
        j = _num_run_end(doc, i)
        j = max(j, i + 1)
        if any(k in ent_tok for k in range(i, j)):
            i = j
            continue
        claim = _build_quantity(ctx, sent, list(doc[i:j]), "CARDINAL", used)
        if claim is not None:
            out.append(claim)
        used.update(range(i, j))
        i = j
    return out


def _build_quantity(
    ctx: _Ctx,
    sent: _Sent,
    toks: list,
    label: str,
    used: set[int],
    value: float | None = None,
    expr_end: int | None = None,
    num_end: int | None = None,
) -> Claim | None:
    doc = sent.doc
    if not toks:
        return None
    # split the span into modifier words, the number, and trailing unit words
    k = 0
    while k < len(toks) and not (_numberish(doc, toks[k].i) or toks[k].text in CURRENCY_SYMBOLS or toks[k].tag_ == "$"):
        k += 1
    if k == len(toks):
        return None
    m = k
    while m < len(toks) and (
        _numberish(doc, toks[m].i)
        or toks[m].text in CURRENCY_SYMBOLS
        or toks[m].tag_ == "$"
        or toks[m].text == "%"
        or toks[m].lower_ in ("and", "of", "to", "-", "–", "or", "percent", "per", "cent")
        or (toks[m].lower_.rstrip(".") in SCALE_ABBR and m > 0 and toks[m - 1].like_num)
    ):
        m += 1
    while m > k + 1 and toks[m - 1].lower_ in ("and", "of", "to", "-", "–", "or", "per"):
        m -= 1
    pre, core, post = toks[:k], toks[k:m], toks[m:]
    if not core:
        return None
    core_text = _norm_space(ctx.text[sent.s(core[0]) : sent.e(core[-1])])
    num_text = re.sub(r"[$€£¥₹₪₽%]|\bUS\b|\bA\b(?=\$)", " ", core_text)
    num_text = re.sub(r"\b(?:percent|per cent)\b", " ", num_text, flags=re.I)
    rng = None
    vague = False
    lead = ""
    if value is None:
        lead = ctx.text[max(sent.start, sent.s(core[0]) - 12) : sent.s(core[0])].lower()
        if re.search(r"\bbetween\s*[$€£¥₹]?\s*$", lead) and re.search(r"\band\b", num_text):
            num_text = "between " + num_text
        value, vague, rng = _parse_quantity_text(num_text)
        if value is None:
            return None
        if rng is not None and rng[1] < rng[0]:
            return None  # "3-2": a score, not a range
    first, last = core[0], core[-1]
    after_i = num_end if num_end is not None else last.i + 1
    prev_tok = doc[first.i - 1] if first.i > 0 else None
    next_tok = doc[after_i] if after_i < len(doc) else None
    plain = re.sub(r"[,\s]", "", num_text)

    is_money = label == "MONEY" or any(t.text in CURRENCY_SYMBOLS or t.tag_ == "$" for t in toks)
    is_percent = (
        label == "PERCENT"
        or "%" in core_text
        or re.search(r"\bper ?cent\b", " ".join(t.lower_ for t in toks) + " " + (next_tok.lower_ if next_tok is not None else ""))
    )
    attrs: dict[str, Any] = {"label": label}
    unit_tok = None
    quals: list[str] = []
    span_end_tok = last
    if is_percent:
        attrs["unit"] = "%"
        if next_tok is not None and next_tok.lower_ in ("percent", "per"):
            span_end_tok = (
                next_tok if next_tok.lower_ == "percent" else (doc[after_i + 1] if after_i + 1 < len(doc) else next_tok)
            )
        if (
            next_tok is not None
            and next_tok.lower_ == "percentage"
            and after_i + 1 < len(doc)
            and doc[after_i + 1].lower_ == "points"
        ):
            attrs["unit"] = "percentage points"
            span_end_tok = doc[after_i + 1]
    elif is_money:
        sym = next((t.text for t in toks if t.text in CURRENCY_SYMBOLS), None)
        if sym is None:
            sym = next((c for t in toks for c in t.text if c in CURRENCY_SYMBOLS), None)
        word = next((t.lower_ for t in post if t.lower_ in CURRENCY_WORDS), None)
        if word is None and next_tok is not None and next_tok.lower_ in CURRENCY_WORDS:
            word = next_tok.lower_
            span_end_tok = next_tok
        unit = word or (CURRENCY_SYMBOLS.get(sym) if sym else None)
        if (
            unit
            and not unit.endswith("s")
            and unit
            not in (
                "yen",
                "yuan",
                "renminbi",
                "won",
                "rand",
                "baht",
                "ringgit",
                "sterling",
                "naira",
                "lira",
                "krona",
                "krone",
                "real",
            )
        ):
            unit += "s"
        attrs["unit"] = unit
        if sym:
            attrs["currency"] = sym
    elif label == "QUANTITY" and post:
        attrs["unit"] = _norm_space(" ".join(t.lower_ for t in post if not t.is_punct)) or None
        span_end_tok = post[-1]
    else:
        blocked = set(used)
        unit_tok, quals, of, _ = _unit_after(doc, after_i, blocked)
        if (
            unit_tok is None
            and doc.has_annotation("DEP")
            and last.dep_ == "nummod"
            and last.head.tag_ in _NOUN_TAGS
            and last.head.i > last.i
        ):
            unit_tok = last.head
        if unit_tok is not None:
            attrs["unit"] = unit_tok.text if unit_tok.tag_ in ("NNP", "NNPS") else unit_tok.lower_
            attrs["unit_lemma"] = _norp_value(unit_tok.text).lower() if unit_tok.tag_ == "NNPS" else _singular(unit_tok.lower_)
            if quals:
                attrs["qualifiers"] = quals
            if of:
                attrs["of"] = True
            if unit_tok.i > last.i:
                span_end_tok = unit_tok
        else:
            attrs["unit"] = None

    if label == "CARDINAL" and value is not None and rng is None:
        # years, times, dates, list numbers, numbers in names: not quantities
        if re.fullmatch(r"(1[5-9]|20)\d\d", plain) and not (unit_tok is not None and unit_tok.tag_ == "NNS"):
            return None
        if ":" in core_text or (next_tok is not None and next_tok.lower_ in TIME_AFTER):
            return None
        if (prev_tok is not None and prev_tok.lower_.rstrip(".") in MONTHS) or (
            next_tok is not None and next_tok.lower_.rstrip(".") in MONTHS
        ):
            return None
        if first.i == 0 and next_tok is not None and next_tok.text in (".", ")") and len(doc) > 3:
            return None
        if prev_tok is not None and prev_tok.text in ("(", "#") and next_tok is not None and next_tok.text == ")":
            return None
        if prev_tok is not None and prev_tok.lower_.rstrip(".") in (
            "no",
            "nos",
            "number",
            "page",
            "article",
            "chapter",
            "section",
            "room",
            "flight",
            "route",
            "channel",
            "version",
        ):
            return None
        if (
            prev_tok is not None
            and prev_tok.tag_ in ("NNP", "NNPS")
            and prev_tok.lower_.rstrip(".") not in MONTHS
            and attrs.get("unit") is None
            and not pre
        ):
            return None  # "Boeing 737", "Apollo 11"
        if core_text.lower() in ("one", "1") and (attrs.get("unit") is None or attrs.get("unit") in ONE_IDIOMS):
            return None  # "in one go", "at one point", "one another"

    # modifier: inside the span or just before it
    start_tok = pre[0] if pre else first
    before = ctx.text[max(sent.start, sent.s(start_tok) - 40) : sent.s(start_tok)]
    if pre:
        before = before + " " + ctx.text[sent.s(pre[0]) : sent.s(first)]
    before_l = before.lower()
    modifier = None
    mod_start = None
    mm = _MODIFIER_RE.search(before_l)
    if mm:
        modifier = MODIFIER_PHRASES[mm.group(1)]
        if pre:
            pre_text = ctx.text[sent.s(pre[0]) : sent.s(first)].lower()
            idx = pre_text.rfind(mm.group(1))
            mod_start = sent.s(pre[0]) + idx if idx >= 0 else sent.s(pre[0])
        else:
            mod_start = sent.s(start_tok) - (len(before_l) - mm.start(1))
    approximate = modifier in APPROXIMATE or vague or rng is not None
    after_text = ctx.text[sent.e(last) : sent.end]
    for rx, mod, approx in _SUFFIX_MODIFIERS:
        sm = rx.match(after_text)
        if sm:
            if modifier is None:
                modifier = mod
            approximate = approximate or approx
            break
    if vague and modifier is None:
        modifier = "at_least"
    attrs["modifier"] = modifier
    attrs["approximate"] = bool(approximate)
    attrs["number_text"] = core_text
    if vague:
        attrs["vague"] = True
    if rng is not None:
        attrs["range"] = rng
    if mod_start is None and num_text.startswith("between "):
        mod_start = sent.s(first) - len(lead) + lead.rfind("between")
    start = mod_start if mod_start is not None else sent.s(first if not is_money else toks[0])
    start = min(start, sent.s(first))
    end = sent.e(span_end_tok)
    if expr_end is not None and unit_tok is None:
        end = max(end, sent.e(doc[expr_end - 1]))
    val = float(value)
    return Claim("quantity", sent.index, start, end, ctx.text[start:end], val, attrs)
