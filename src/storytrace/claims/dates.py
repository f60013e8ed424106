"""Dates as newsrooms write them: an expression ("on Friday", "last week", "three days ago",
"October 7") resolved against the report's own publication date, with the tense of its
clause (AP style: the weekday of publication names that day; the past tense points back to
the most recent such day, the future, modals and schedules to the next one)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from storytrace.claims.context import (
    _Ctx,
    _Sent,
)
from storytrace.claims.lexicon import (
    DURATION_UNITS,
    FREQUENCY,
    FUTURE_AUX,
    MONTH_ALT,
    MONTH_NAMES,
    MONTHS,
    PARTS_OF_DAY,
    SCHEDULE,
    WEEKDAY_ALT,
    WEEKDAYS,
)
from storytrace.claims.numbers import _norm_space, _parse_number
from storytrace.model import Claim

_AGE_RE = re.compile(r"\b\d+[- ]years?[- ]old\b|\byear-old\b|\b(?:aged|age)\b|\b\w+-year-old\b")


def _as_date(published) -> date | None:
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    return None


def _week_value(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _month_end(y: int, m: int) -> date:
    ny, nm = _add_months(y, m, 1)
    return date(ny, nm, 1) - timedelta(days=1)


def _day_result(d: date, relative: bool, expr: str, **extra) -> dict:
    return {
        "kind": "date",
        "value": d.isoformat(),
        "relative": relative,
        "expression": expr,
        "granularity": "day",
        "resolved": True,
        "start": d.isoformat(),
        "end": d.isoformat(),
        **extra,
    }


def _unresolved(expr: str, granularity: str, relative: bool = True, **extra) -> dict:
    return {
        "kind": "date",
        "value": None,
        "relative": relative,
        "expression": expr,
        "granularity": granularity,
        "resolved": False,
        **extra,
    }


def _duration(expr: str, amount: float | None, unit: str, vague: bool = False) -> dict:
    u = unit.rstrip("s") if unit not in ("centuries",) else "century"
    code, is_time = DURATION_UNITS.get(u, ("D", False))
    value = None
    if amount is not None:
        n = amount * (10 if u == "decade" else 100 if u == "century" else 1)
        n_s = str(int(n)) if float(n).is_integer() else str(n)
        value = ("PT" if is_time else "P") + n_s + code
    out = {"kind": "duration", "value": value, "expression": expr, "unit": u, "amount": amount}
    if vague or amount is None:
        out["vague"] = True
    return out


def _span_result(start: date, end: date, gran: str, value: str, relative: bool, expr: str, **extra) -> dict:
    return {
        "kind": "date",
        "value": value,
        "relative": relative,
        "expression": expr,
        "granularity": gran,
        "resolved": True,
        "start": start.isoformat(),
        "end": end.isoformat(),
        **extra,
    }


def _nearest_month_day(pub: date, month: int, day: int, forward: bool) -> date | None:
    for y in (pub.year, pub.year + 1) if forward else (pub.year, pub.year - 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if (forward and d >= pub) or (not forward and d <= pub):
            return d
    return None


def resolve_date_expression(expression: str, published=None, future: bool = False) -> dict | None:
    """Resolve a date expression against a publication date.

    Returns None for what is not a date (ages, frequencies); a dict with ``kind`` "date"
    (value: ISO date "2023-10-27", ISO week "2023-W43", month "2023-10" or year "2023";
    ``granularity`` day / weekend / week / month / year; ``relative``; ``resolved``;
    ``start`` / ``end`` ISO dates of the period) or ``kind`` "duration" (value: ISO 8601
    duration such as "P3D"). ``future`` says the clause is in the future tense ("will meet
    on Friday"), which makes a bare weekday point forward.
    """
    pub = _as_date(published)
    raw = expression
    t = _norm_space(raw.lower().replace("’", "'").replace("–", "-"))
    t = t.strip(" ,.;:")
    t = re.sub(r"'s$", "", t)
    if not t or _AGE_RE.search(t) or t in FREQUENCY or re.match(r"(?:every|each|per)\b|once a\b|twice a\b", t):
        return None
    t = re.sub(r"\s+(?:ago )?today$", lambda m: " ago" if "ago" in m.group(0) else "", t) if re.search(r"\bago today$", t) else t
    # sports seasons, fiscal years, spans of years: "2010-11", "2006/07", "2009-2013"
    m = re.fullmatch(r"(?:the\s+)?((?:1[5-9]|20)\d\d)\s*[-/–]\s*(\d{2}|(?:1[5-9]|20)\d\d)(?:\s+season)?", t)
    if m:
        y0 = int(m.group(1))
        y1 = int(m.group(2)) if len(m.group(2)) == 4 else (y0 // 100) * 100 + int(m.group(2))
        if y1 < y0:
            y1 += 100
        return _span_result(date(y0, 1, 1), date(y1, 12, 31), "year", f"{y0:04d}/{y1:04d}", False, t)
    t = re.sub(r"^(?:on|in|at|by|since|until|till|from|during|over|as of|before|after|through|throughout|for|of|into)\s+", "", t)
    part = None
    pm = re.match(
        r"^(early|late|earlier|later|mid|the middle of|the end of|the start of|the beginning of|the first half of|the second half of)[\s-]+(?:on\s+|in\s+)?",
        t,
    )
    if pm:
        part = pm.group(1)
        t = t[pm.end() :]
    extra: dict[str, Any] = {"part": part} if part else {}

    # absolute ISO date
    m = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t)
    if m:
        try:
            return _day_result(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False, m.group(0), **extra)
        except ValueError:
            return _unresolved(t, "day", relative=False, **extra)

    # month + day (+ year), day + month (+ year)
    m = re.search(rf"\b(?P<mon>{MONTH_ALT})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?", t)
    if not m:
        m = re.search(
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_ALT})\b\.?(?:,?\s+(?P<year>\d{{4}}))?", t
        )
    if m:
        month = MONTHS[m.group("mon")]
        day = int(m.group("day"))
        expr = f"{MONTH_NAMES[month]} {day}" + (f" {m.group('year')}" if m.group("year") else "")
        if m.group("year"):
            try:
                return _day_result(date(int(m.group("year")), month, day), False, expr, **extra)
            except ValueError:
                return _unresolved(expr, "day", relative=False, **extra)
        if pub is None:
            return _unresolved(expr, "day", **extra)
        d = _nearest_month_day(pub, month, day, future)
        if d is None:
            return _unresolved(expr, "day", **extra)
        return _day_result(d, True, expr, **extra)

    num_alt = r"(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|a few|a couple of|several|few|many|some|a dozen|dozens of|[a-z]+-[a-z]+)"
    unit_alt = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|century|centuries)"

    # "three days ago"
    m = re.fullmatch(rf"(?P<n>{num_alt})\s+(?P<u>{unit_alt})\s+(?:ago|earlier|before|back)", t)
    if m:
        n, vague = _parse_number(m.group("n"))
        unit = m.group("u").rstrip("s")
        is_ago = t.endswith((" ago", " back"))
        if not is_ago or n is None or vague or unit in ("second", "minute", "hour") or pub is None:
            gran = (
                "day"
                if unit in ("day", "night", "second", "minute", "hour")
                else unit
                if unit in ("week", "month", "year")
                else "year"
            )
            return _unresolved(t, gran, **extra)
        n_int = int(n)
        try:
            if unit in ("day", "night"):
                return _day_result(pub - timedelta(days=n_int), True, t, **extra)
            if unit == "week":
                d = pub - timedelta(days=7 * n_int)
                monday = d - timedelta(days=d.weekday())
                return _span_result(monday, monday + timedelta(days=6), "week", _week_value(d), True, t, **extra)
            if unit == "month":
                y, mo = _add_months(pub.year, pub.month, -n_int)
                return _span_result(date(y, mo, 1), _month_end(y, mo), "month", f"{y:04d}-{mo:02d}", True, t, **extra)
            if unit == "year":
                y = pub.year - n_int
                return _span_result(date(y, 1, 1), date(y, 12, 31), "year", f"{y:04d}", True, t, **extra)
            y = pub.year - 10 * n_int
            return _span_result(date(y, 1, 1), date(y, 12, 31), "year", f"{y:04d}", True, t, **extra)
        except (ValueError, OverflowError):  # "20,001 years ago" has no calendar date
            return _unresolved(
                t, "day" if unit in ("day", "night") else unit if unit in ("week", "month", "year") else "year", **extra
            )

    # today / yesterday / tomorrow (with a part of the day)
    pod = r"(?:\s+(?:morning|afternoon|evening|night|midday|noon))?"
    day_words = [
        (rf"(?:today|tonight|this (?:morning|afternoon|evening)|earlier today|later today|today{pod})", 0),
        (r"(?:the day before yesterday)", -2),
        (rf"(?:yesterday{pod}|last night|overnight)", -1),
        (r"(?:the day after tomorrow)", 2),
        (rf"(?:tomorrow{pod})", 1),
    ]
    for rx, offset in day_words:
        if re.fullmatch(rx, t):
            expr = re.sub(pod + "$", "", t) if not t.startswith(("this", "last", "earlier", "later")) else t
            expr = {"tonight": "today", "last night": "yesterday", "overnight": "yesterday"}.get(expr, expr)
            if expr.startswith(("this ", "earlier ", "later ")):
                expr = "today"
            if pub is None:
                return _unresolved(expr, "day", **extra)
            return _day_result(pub + timedelta(days=offset), True, expr, **extra)

    # weekdays
    m = re.fullmatch(
        rf"(?:(?P<rel>last|next|this|this coming|coming|this past|past|the following|the previous)\s+)?(?P<wd>{WEEKDAY_ALT})(?:,)?(?:\s+(?P<pod>morning|afternoon|evening|night|midday|noon))?",
        t,
    )
    if m:
        wd = WEEKDAYS[m.group("wd")]
        rel = m.group("rel")
        expr = m.group("wd")
        if m.group("pod"):
            extra["part_of_day"] = m.group("pod")
        if rel in ("the following", "the previous"):
            return _unresolved(expr, "day", **extra)
        if pub is None:
            return _unresolved(expr, "day", **extra)
        # as newsrooms write them (AP style): the weekday of publication names that day; a
        # bare weekday in the past tense is the most recent such day, in the future tense (or
        # a modal, or a schedule) the next one; "last" / "next" skip the day of publication
        if rel in ("next", "coming", "this coming"):
            delta = (wd - pub.weekday()) % 7 or 7
            extra["direction"] = "forward"
            return _day_result(pub + timedelta(days=delta), True, expr, **extra)
        if rel == "this" or (rel is None and future):
            delta = (wd - pub.weekday()) % 7
            extra["direction"] = "forward"
            return _day_result(pub + timedelta(days=delta), True, expr, **extra)
        delta = (pub.weekday() - wd) % 7
        if rel is not None:  # "last Friday", "this past Friday": never the day of publication
            delta = delta or 7
        return _day_result(pub - timedelta(days=delta), True, expr, **extra)

    # weekends
    m = re.fullmatch(r"(?:(?P<rel>last|next|this|this coming|coming|this past|past|the)\s+)?weekend", t)
    if m:
        rel = m.group("rel")
        if pub is None:
            return _unresolved("weekend", "weekend", **extra)
        if rel in ("next", "coming", "this coming") or (rel in (None, "the", "this") and future):
            delta = (5 - pub.weekday()) % 7
            if rel == "next" and delta == 0:
                delta = 7
            sat = pub + timedelta(days=delta)
        else:
            delta = (pub.weekday() - 5) % 7 or 7
            sat = pub - timedelta(days=delta)
        return _span_result(sat, sat + timedelta(days=1), "weekend", sat.isoformat(), True, "weekend", **extra)

    # this / last / next week, month, year
    m = re.fullmatch(
        r"(?P<rel>this|last|next|past|coming|previous|the past|the last|the previous|the coming|the next|the following|current|the current)\s+(?P<u>week|month|year)",
        t,
    )
    if m:
        rel = m.group("rel")
        unit = m.group("u")
        expr = f"{rel} {unit}"
        if rel in ("the past", "the last", "past"):
            return _duration(expr, 1.0, unit)
        if rel in ("the previous", "the following", "previous", "the next", "the coming"):
            return _unresolved(expr, unit, **extra)
        if pub is None:
            return _unresolved(expr, unit, **extra)
        shift = {"this": 0, "current": 0, "the current": 0, "last": -1, "next": 1, "coming": 1}[rel]
        if unit == "week":
            d = pub + timedelta(days=7 * shift)
            monday = d - timedelta(days=d.weekday())
            return _span_result(monday, monday + timedelta(days=6), "week", _week_value(d), True, expr, **extra)
        if unit == "month":
            y, mo = _add_months(pub.year, pub.month, shift)
            return _span_result(date(y, mo, 1), _month_end(y, mo), "month", f"{y:04d}-{mo:02d}", True, expr, **extra)
        y = pub.year + shift
        return _span_result(date(y, 1, 1), date(y, 12, 31), "year", f"{y:04d}", True, expr, **extra)

    # durations: "three days", "the past two weeks", "recent days", "years"
    m = re.fullmatch(
        rf"(?:(?:the|these|those|recent|past|last|next|previous|coming|first|final|following|few|several|many|further|additional|more|another|almost|nearly|about|around|over|some|roughly|just|only)\s+)*(?P<n>{num_alt}\s+)?(?:(?:more|additional|long|short|full|straight|consecutive|whole)\s+)?(?P<u>{unit_alt})(?:\s+(?:long|later|now|running|straight|in a row))?",
        t,
    )
    if m:
        unit = m.group("u")
        n = None
        vague = True
        if m.group("n"):
            n, v = _parse_number(m.group("n"))
            vague = v or n is None
        elif not unit.endswith("s"):
            if not re.match(
                r"(?:the\s+)?(?:past|last|previous|next|coming|first|final|following|whole|entire|full|another)\b", t
            ):
                return _unresolved(t, unit if unit in ("week", "month", "year") else "day", **extra)  # "the week"
            n, vague = 1.0, False
        return _duration(t, n, unit, vague)

    # month names and years
    m = re.fullmatch(rf"(?:(?P<rel>last|next|this|the)\s+)?(?P<mon>{MONTH_ALT})\.?(?:,?\s+(?P<year>\d{{4}}))?", t)
    if m:
        month = MONTHS[m.group("mon")]
        expr = MONTH_NAMES[month] + (f" {m.group('year')}" if m.group("year") else "")
        if m.group("year"):
            y = int(m.group("year"))
            return _span_result(date(y, month, 1), _month_end(y, month), "month", f"{y:04d}-{month:02d}", False, expr, **extra)
        if pub is None:
            return _unresolved(expr, "month", **extra)
        rel = m.group("rel")
        if rel == "next" or (rel in (None, "this", "the") and future):
            y = pub.year if month >= pub.month else pub.year + 1
            if rel == "next" and month == pub.month:
                y += 1
        elif rel == "last":
            y = pub.year if month < pub.month else pub.year - 1
        else:
            y = pub.year if month <= pub.month else pub.year - 1
        return _span_result(date(y, month, 1), _month_end(y, month), "month", f"{y:04d}-{month:02d}", True, expr, **extra)
    m = re.fullmatch(r"(?:the\s+)?(?:year\s+)?(?P<year>(?:1[5-9]|20)\d\d)", t)
    if m:
        y = int(m.group("year"))
        return _span_result(date(y, 1, 1), date(y, 12, 31), "year", f"{y:04d}", False, m.group("year"), **extra)
    m = re.fullmatch(r"(?:the\s+)?(?:early |late |mid-)?(?:(?:1[5-9]|20)\d0|'\d0)s", t)
    if m:
        return _unresolved(t, "decade", relative=False, **extra)
    m = re.fullmatch(
        r"(?:(?P<rel>this|last|next|the|this past|this coming)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?P<year>\d{4}))?",
        t,
    )
    if m:
        return _unresolved(t, "season", relative=not m.group("year"), **extra)
    if re.fullmatch(
        r"(?:(?:this|that|the same|the next|the previous|the following|a|one)\s+)?(?:day|week|month|year|time|period|season|morning|evening|night)",
        t,
    ):
        return _unresolved(t, "day" if "day" in t else "week" if "week" in t else "month" if "month" in t else "year", **extra)
    m = re.fullmatch(r"(?:recent|coming|the coming|the past few|past few|next few|the next few)\s+(?:days|weeks|months|years)", t)
    if m:
        return _duration(t, None, t.split()[-1], True)
    # full numeric dates, e.g. "10/27/2023": only when day and month are unambiguous
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 >= b or b > 12 >= a:
            d_, mo = (a, b) if a > 12 else (b, a)
            try:
                return _day_result(date(y, mo, d_), False, t, **extra)
            except ValueError:
                pass
        return _unresolved(t, "day", relative=False, **extra)
    return _unresolved(t, "day", **extra)


def _future_context(tok) -> bool:
    """Is the clause governing `tok` in the future tense ("will meet on Friday")?"""
    t = tok
    for _ in range(10):
        if t.tag_.startswith("VB") or t.tag_ == "MD":
            auxes = [c for c in t.children if c.dep_ in ("aux", "auxpass")]
            if any(c.lower_ in FUTURE_AUX for c in auxes):
                # "may have left on Sunday": a modal perfect is about the past
                return not any(c.lower_ in ("have", "'ve") for c in auxes)
            if any(c.lower_ == "to" for c in auxes) and t.head.lower_ in SCHEDULE:
                return True  # "is due to speak", "is set to be signed", "plans to report"
            present = t.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in auxes)
            if present and (t.lower_ in SCHEDULE or any(c.lower_ in SCHEDULE for c in t.children if c.dep_ in ("acomp", "oprd"))):
                return True  # "a decision is expected on Wednesday", "the verdict is due on Friday"
            finite = t.tag_ in ("VBD", "VBZ", "VBP") or (t.tag_ in ("VBN", "VBG") and auxes)
            if finite:
                return False
        if t.head.i == t.i:
            break
        t = t.head
    return False


_DAYWORD_RE = re.compile(
    r"\b(?:(?:early|late|earlier|later)\s+(?:on\s+)?)?(?:(?:last|next|this coming|this past|this|coming)\s+)?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?:\s+(?:morning|afternoon|evening|night))?"
    r"|\b(?:[Yy]esterday|[Tt]oday|[Tt]omorrow|[Tt]onight)\b(?:\s+(?:morning|afternoon|evening|night))?"
)


_TIME_DAY_RE = re.compile(
    rf"\b(?:{WEEKDAY_ALT}|today|tonight|yesterday|tomorrow|last night|this morning|this afternoon|this evening|overnight)\b",
    re.I,
)


_NAME_NUM_RE = re.compile(r"^[A-Za-z]+-\d+$")


_DATE_VOCAB_RE = re.compile(
    rf"\b(?:{MONTH_ALT}|{WEEKDAY_ALT}|today|tonight|yesterday|tomorrow|day|days|week|weeks|weekend|month|months|year|years|decade|decades|century|spring|summer|autumn|fall|winter|morning|evening|night|afternoon)\b|\b(?:1[5-9]|20)\d\d\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b",
    re.I,
)


# ======================================================================================
# Dates
# ======================================================================================


_DAY_WORDS_TITLED = {"Today", "Tonight", "Tomorrow", "Yesterday"}
_OPENERS = set(".!?:;\"“”'‘’([—–-")


def _day_word_as_name(doc, a: int, b: int) -> bool:
    """ "the Today show", "The Tonight Show", "Entertainment Tonight", "USA Today": a day word
    with a capital letter inside a sentence is part of a name, not a date (news prose writes
    the date in lower case there). Not when the sentence is written in title case (a
    headline), nor after a mark that opens a sentence or a quotation."""
    first = next((t for t in doc[a:b] if t.text in _DAY_WORDS_TITLED), None)
    if first is None or first.i == 0 or first.i > a + 1:  # only a span that is the day word (and "on")
        return False
    before = doc[first.i - 1]
    if before.text in _OPENERS or (before.lower_ == "on" and (before.i == 0 or doc[before.i - 1].text in _OPENERS)):
        return False
    # a headline in title case has no word of prose in lower case
    return any(t.is_alpha and len(t.text) > 3 and t.text.islower() for t in doc)


def _date_claims(ctx: _Ctx, sent: _Sent) -> list[Claim]:
    doc = sent.doc
    spans: list[list[int]] = []  # token [start, end)
    for ent in doc.ents:
        if ent.label_ == "DATE" or (ent.label_ == "TIME" and _TIME_DAY_RE.search(ent.text)):
            spans.append([ent.start, ent.end])
    text = ctx.text[sent.start : sent.end]
    for m in _DAYWORD_RE.finditer(text):
        sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if sp is None:
            continue
        if any(not (sp.end <= a or sp.start >= b) for a, b in spans):
            continue
        spans.append([sp.start, sp.end])
    spans.sort()
    # merge a day with the part of the day after it ("Friday" + "evening")
    merged: list[list[int]] = []
    for sp in spans:
        if merged and sp[0] <= merged[-1][1] and sp[0] >= merged[-1][0]:
            merged[-1][1] = max(merged[-1][1], sp[1])
            continue
        if merged and sp[0] == merged[-1][1] and doc[sp[0] : sp[1]].text.lower() in PARTS_OF_DAY:
            merged[-1][1] = sp[1]
            continue
        merged.append(sp)
    out: list[Claim] = []
    for a, b in merged:
        # "Friday evening", "yesterday morning"
        if (
            b < len(doc)
            and doc[b].lower_ in PARTS_OF_DAY
            and doc[b - 1].lower_ in WEEKDAYS.keys() | {"yesterday", "tomorrow", "today"}
        ):
            b += 1
        # extend left over "on", "early on", "late on"
        if a - 1 >= 0 and doc[a - 1].lower_ == "on":
            a -= 1
            if a - 1 >= 0 and doc[a - 1].lower_ in ("early", "late", "earlier", "later"):
                a -= 1
        elif a - 1 >= 0 and doc[a - 1].lower_ in ("early", "late") and doc[a].lower_ in WEEKDAYS:
            a -= 1
        # names such as "COVID-19" that NER takes for dates
        while a < b and _NAME_NUM_RE.match(doc[a].text):
            a += 1
        while b > a and _NAME_NUM_RE.match(doc[b - 1].text):
            b -= 1
        if a >= b or _day_word_as_name(doc, a, b):
            continue
        span = doc[a:b]
        expr_text = span.text
        root = doc[a:b].root
        future = _future_context(root) if doc.has_annotation("DEP") else False
        res = resolve_date_expression(expr_text, ctx.pub, future=future)
        if res is None:
            continue
        start, end = sent.s(doc[a]), sent.e(doc[b - 1])
        surface = ctx.text[start:end]
        kind = res.pop("kind")
        value = res.pop("value")
        if kind == "duration":
            out.append(Claim("duration", sent.index, start, end, surface, value, res))
            continue
        if not res.get("resolved") and not _DATE_VOCAB_RE.search(surface):
            continue  # nothing in it reads as a date
        if ctx.pub is None and res.get("relative"):
            res["resolved"] = False
            value = None
        if future:
            res["future_tense"] = True
        out.append(Claim("date", sent.index, start, end, surface, value, res))
    return out
