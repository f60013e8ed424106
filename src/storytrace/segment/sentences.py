"""Sentence segmentation for news text, with offsets into the original string.

pysbd proposes sentence ends inside each block of text; a fix-up pass then merges pieces
that pysbd splits wrongly in news copy (ranks and titles, U.S., a.m., "Sept. 12", initials,
attribution tails after quotes) and gives closing quotes and brackets back to the sentence
they close. pysbd is used only to *propose boundaries*: every sentence is a slice of the
original text, so nothing pysbd rewrites or drops can break the offsets.

Layout rules: a blank line separates paragraphs; inside a paragraph a line break after a
short line without terminal punctuation (headline, dateline), or before a list item ("* ",
"- ", "1. "), is a boundary, any other line break is just whitespace.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

import pysbd

from storytrace.model import Article, Sentence

__all__ = ["container_quote", "encodable", "split_sentences", "segment"]

# Long runs without a usable boundary are cut on whitespace near TARGET_LEN so that no
# sentence grows past MAX_LEN.
TARGET_LEN = 400
MAX_LEN = 600
# pysbd slows down more than linearly on long inputs, so feed it chunks of about this size.
CHUNK_LEN = 800
# A line this short (or shorter) that ends without terminal punctuation may be a headline.
SHORT_LINE = 100

_LB = r"(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])"
_HSPACE = r"[^\S\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
_PARA_BREAK = re.compile(_LB + r"(?:" + _HSPACE + r"*" + _LB + r")+")
_LINE_BREAK = re.compile(_LB)

# A possible sentence end: terminal punctuation, optional closers, then whitespace.
_CANDIDATE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
# A quoted sentence closed and another opened ('... time." "I am ...'): pysbd keeps the two
# together, as one quotation, but they are two sentences (often with the speaker cut between).
_QUOTE_THEN_QUOTE = re.compile(r"[.!?…][\"”’»]{1,3}(?=[^\S\n]{1,8}[\"“‘«][A-Z])")
# URLs and e-mail addresses (no sentence ends inside them). The plain pattern
# "[\w.+-]+@..." retries from every position of a long run of word characters and rescans the
# run each time (quadratic: 60 KB of letters took 9 s). Here the local part is possessive (no
# backtracking: the '@' it needs can only follow the whole run) and may start only where such
# a run starts; _url_spans tries the one other start the plain pattern allows, the position
# right after the previous match. The matches are the same, in linear time.
_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_EMAIL_AT = re.compile(r"[\w.+-]++@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_EMAIL_LOCAL = re.compile(r"[\w.+-]")
_URL_TRAILING = ".,;:!?)]}\"'”’»"

# Characters pysbd uses internally as placeholders; text containing them comes back mangled.
_PYSBD_PLACEHOLDERS = "∯ȸ♨☝✂⎋ᓰᓱᓳᓴᓷᓸ⌬"
_LINE_BREAK_CHARS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, one for one (offsets stay valid).

    Ingest removes them, but an Article made in Python may carry them, and spaCy and the
    tokenizers cannot encode them to UTF-8: they would fail on the whole report."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _build_sanitize_table() -> dict[int, str]:
    # One character in, one character out, so positions in the sanitized text are the
    # positions in the original.
    table = {cp: " " for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0))}
    table.update({ord(c): " " for c in _LINE_BREAK_CHARS})
    table.update({ord(c): "#" for c in _PYSBD_PLACEHOLDERS})
    return table


_SANITIZE = _build_sanitize_table()

# --- abbreviation knowledge for the fix-up pass -------------------------------------------
# Titles and ranks: practically never sentence-final, so a split after them is always wrong.
_TITLES = {
    "Mr",
    "Mrs",
    "Ms",
    "Messrs",
    "Dr",
    "Prof",
    "Lt",
    "Gen",
    "Col",
    "Maj",
    "Capt",
    "Cmdr",
    "Adm",
    "Sgt",
    "Cpl",
    "Pvt",
    "Brig",
    "Sen",
    "Rep",
    "Gov",
    "Rev",
    "Fr",
    "Hon",
    "Pres",
    "Supt",
    "Insp",
    "Det",
    "Atty",
    "Amb",
    "Sec",
}
_MONTHS = {"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"}
_NUMBERED = {"No", "Nos", "Art", "Vol", "Ch", "Fig", "pp", "p"}
# Abbreviations that can end a sentence, but not when a lowercase word or number follows.
_SOFT_ABBREVS = {
    "inc",
    "corp",
    "co",
    "ltd",
    "llc",
    "plc",
    "jr",
    "sr",
    "st",
    "etc",
    "vs",
    "approx",
    "est",
    "dept",
    "govt",
    "univ",
    "assn",
    "bros",
    "ave",
    "blvd",
    "rd",
    "mt",
    "ft",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
}
# Words that often follow "U.S." / "U.N." inside one sentence ("the U.S. Navy said").
_AFTER_COUNTRY = {
    "Army",
    "Navy",
    "Air",
    "Marine",
    "Marines",
    "Coast",
    "Senate",
    "House",
    "Congress",
    "Embassy",
    "Department",
    "Secretary",
    "President",
    "Ambassador",
    "Security",
    "Supreme",
    "Court",
    "District",
    "Attorney",
    "Treasury",
    "Federal",
    "General",
    "Special",
    "Forces",
    "Open",
    "Agency",
    "Mission",
    "Envoy",
    "Human",
    "Food",
    "Refugee",
    "High",
    "Central",
}
_AFTER_TIME = {
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "ET",
    "EST",
    "EDT",
    "PT",
    "PST",
    "PDT",
    "CT",
    "GMT",
    "BST",
    "UTC",
    "CET",
    "CEST",
}
_SPEECH_VERBS = re.compile(
    r"(?:said|says|added|adds|told|asked|asks|explained|continued|noted|wrote|writes|"
    r"stated|insisted|replied|warned|declared|recalled|admitted|argued|concluded|claimed|"
    r"according|remarked|announced|shouted|whispered|tweeted|posted)"
)
# A line ending in one of these continues on the next line.
_FUNCTION_WORDS = {
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "and",
    "or",
    "but",
    "that",
    "which",
    "who",
    "as",
    "than",
    "into",
    "its",
    "his",
    "her",
    "their",
    "is",
    "was",
    "were",
    "are",
    "be",
    "has",
    "had",
    "have",
    "not",
}
_NOT_PLAIN = _TITLES | _MONTHS | _NUMBERED
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_CLOSERS = "”’»)]"
_OPENERS = "“‘«(["
_OPEN_PUNCT = "\"'“‘«(["


def _is_blank(ch: str) -> bool:
    # Whitespace, control and format characters (zero-width space, BOM) never start or end
    # a sentence.
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_blank(text[start]):
        start += 1
    while end > start and _is_blank(text[end - 1]):
        end -= 1
    return start, end


_SEGMENTER: pysbd.Segmenter | None = None


def _segmenter() -> pysbd.Segmenter:
    # Building the segmenter compiles many regexes: do it once per process.
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = pysbd.Segmenter(language="en", clean=False)
    return _SEGMENTER


# --- boundary proposals --------------------------------------------------------------------


def _plain_end(s: str, m: re.Match) -> bool:
    """A candidate end that is almost surely real: after an ordinary lowercase word, before
    a capital letter (so not "Mr. Smith", "Inc. said", "U.S. Navy")."""
    after = s[m.end() : m.end() + 3].lstrip()
    if not after or not after[0].isupper():
        return False
    before = re.search(r"[\w.’'-]*$", s[max(0, m.start() - 30) : m.start()])  # always matches (maybe empty)
    word = before.group() if before else ""
    if not word or not word[-1].islower() or "." in word:
        return False
    return word.lower() not in _SOFT_ABBREVS and word.capitalize() not in _NOT_PLAIN


def _chunk_bounds(s: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """Cut [lo, hi) into pieces of about CHUNK_LEN for pysbd: (start, end, end_is_candidate).

    pysbd re-scans its whole input once per abbreviation it meets, so its cost grows with
    the square of the input length: short pieces keep the whole pass linear. Cuts go at
    plain sentence ends outside quotations where possible; the fix-up pass vets them like
    any other boundary. A cut made on bare whitespace is not a sentence end at all.
    """
    chunks = []
    while hi - lo > CHUNK_LEN * 3 // 2:
        window_lo, window_hi = lo + CHUNK_LEN // 2, lo + CHUNK_LEN
        best, fallback = -1, -1
        for m in _CANDIDATE_END.finditer(s, window_lo, window_hi):
            fallback = m.end()
            if _plain_end(s, m):
                seen = s[lo : m.end()]
                open_quotes = seen.count("“") - seen.count("”") + seen.count('"') % 2
                if open_quotes <= 0:
                    best = m.end()
        cut = best if best > 0 else fallback
        if cut < 0:
            cut = s.rfind(" ", window_lo, window_hi)
            if cut <= lo:
                cut = window_hi
            chunks.append((lo, cut, False))
        else:
            chunks.append((lo, cut, True))
        lo = cut
    chunks.append((lo, hi, True))
    return chunks


def _pysbd_parts(piece: str) -> list[str]:
    seg = _segmenter()
    # The processor alone gives the sentences; Segmenter.segment() would add a char-span
    # pass that searches the whole text once per sentence, which we do not need.
    return seg.processor(piece).process()


def _pysbd_ends(s: str, lo: int, hi: int) -> list[int]:
    """Sentence ends pysbd proposes in s[lo:hi], as offsets into s."""
    piece = s[lo:hi]
    try:
        parts = _pysbd_parts(piece)
    except Exception:  # pysbd is third-party: never let it take the pipeline down
        return [lo + m.end() for m in _CANDIDATE_END.finditer(piece)]
    ends = []
    cursor = 0
    for part in parts:
        core = part.strip() if isinstance(part, str) else ""
        if not core:
            continue
        at = piece.find(core, cursor)
        if at < 0 or piece[cursor:at].strip():
            # pysbd altered the text: walk the same number of non-space characters instead.
            need = sum(1 for ch in core if not ch.isspace())
            at = cursor
            while at < len(piece) and need:
                if not piece[at].isspace():
                    need -= 1
                at += 1
            end = at
        else:
            end = at + len(core)
        if end > cursor:
            ends.append(lo + end)
            cursor = end
    return ends


def _propose(s: str, lo: int, hi: int) -> list[int]:
    """Candidate sentence ends in the block s[lo:hi] (the last one is always hi)."""
    ends: list[int] = []
    for c_lo, c_hi, is_end in _chunk_bounds(s, lo, hi):
        # Fast path: no terminal punctuation before the end means no sentence end inside.
        if _CANDIDATE_END.search(s, c_lo, c_hi) is not None:
            ends.extend(e for e in _pysbd_ends(s, c_lo, c_hi) if c_lo < e < c_hi)
        if is_end:
            ends.append(c_hi)
    # pysbd never splits inside a quotation, so a long quoted speech (or a stray unmatched
    # quote mark) comes back as one huge sentence: inside such runs offer every sentence
    # end followed by a capital, and let the fix-up pass vet them.
    out: list[int] = []
    prev = lo
    for e in ends:
        inner = {m.end() for m in _QUOTE_THEN_QUOTE.finditer(s, prev, e) if prev < m.end() < e}
        if e - prev > MAX_LEN:
            for m in _CANDIDATE_END.finditer(s, prev, e):
                nxt = s[m.end() : m.end() + 3].lstrip()
                if nxt and (nxt[0].isupper() or nxt[0] in _OPEN_PUNCT):
                    inner.add(m.end())
        out.extend(sorted(x for x in inner if prev < x < e))
        out.append(e)
        prev = e
    return out


# --- fix-up rules ---------------------------------------------------------------------------


def _last_token(left: str) -> str:
    m = re.search(r"\S+$", left)
    return m.group().lstrip(_OPEN_PUNCT) if m else ""


def _first_word(right: str) -> str:
    m = re.match(r"[\w’'-]+", right.lstrip(_OPEN_PUNCT))
    return m.group() if m else ""


def _starts_lower_or_digit(right: str) -> bool:
    ch = right[:1]
    return ch.islower() or ch.isdigit()


def _is_attribution_tail(right: str) -> bool:
    # "Ruiz said." / "the official added." / "said Ana Ruiz, the harbour master." after a
    # quote that ended with its own full stop. Kept tight so that a new sentence such as
    # "Officials said they will investigate." is not swallowed.
    words = right.split()
    for i, word in enumerate(words[:5]):
        if _SPEECH_VERBS.fullmatch(word.strip(",.!?;:")):
            return len(words) - i - 1 <= 2 or (i == 0 and len(words) <= 8)
    return False


def _should_merge(left: str, right: str, in_url: bool) -> bool:
    """Is the boundary between `left` and `right` (both trimmed, non-empty) a false one?"""
    # Inside a URL, before a comma, or a "sentence" of bare punctuation: never a boundary.
    if in_url or right[0] in ",;:" or not any(ch.isalnum() for ch in right):
        return True
    tok = _last_token(left)
    # "then-Sen.", "ex-Gov.": the title is the part after the hyphen.
    tok = tok.rsplit("-", 1)[-1] if tok[:1].islower() else tok
    head = right[0]
    if tok.endswith("."):
        stem = tok[:-1]
        if stem in _TITLES:
            return True
        if stem == "St" and head.isupper():  # St. Louis, St. Paul's
            return True
        if (stem in _MONTHS or stem in _NUMBERED) and head.isdigit():
            return True
        if stem.lower() in ("a.m", "p.m") and (_starts_lower_or_digit(right) or _first_word(right) in _AFTER_TIME):
            return True
        if _DOTTED.match(tok) and tok[0].isupper() and _first_word(right) in _AFTER_COUNTRY:
            return True
        if (stem.lower() in _SOFT_ABBREVS or _DOTTED.match(tok)) and _starts_lower_or_digit(right):
            return True
        # Initials: "John F. Kennedy", "J. R. R. Tolkien" (after a name or before another initial).
        if len(stem) == 1 and stem.isupper() and head.isupper():
            before = left[: len(left) - len(tok)].rstrip().rsplit(None, 1)
            if (before and before[-1][:1].isupper()) or re.match(r"[A-Z]\.(?:\s|$)", right):
                return True
    if re.search(r"(?:\.\.\.|…)\s*$", left) and right[0].islower():
        return True
    if left[-1] in '”"’»' and (right[0].islower() or _is_attribution_tail(right)):
        return True
    if right[0] in "—–" and re.match(r"[—–]\s*[a-z]", right):
        return True
    return False


def _leading_closers(right: str) -> int:
    """How many leading characters of `right` close a quotation or bracket of the sentence
    before (and the punctuation that follows them, as in `”.`)."""
    i = 0
    while i < len(right):
        ch = right[i]
        if ch in _CLOSERS or ch in "\"'":
            # A quote mark directly followed by a letter or digit opens a quotation or is an
            # apostrophe (’90s); before a space, punctuation or the end it closes one.
            if ch in "’\"'" and i + 1 < len(right) and right[i + 1].isalnum():
                break
        elif not (i > 0 and ch in ".!?…"):
            break
        i += 1
    return i


def _fix_block(text: str, lo: int, ends: list[int], urls: list[tuple[int, int]]) -> list[list[int]]:
    """Turn candidate ends into final [start, end] spans (trimmed) for one block."""
    spans: list[list[int]] = []
    url_starts = [u_lo for u_lo, _ in urls]
    start = lo
    for end in ends:
        s, e = _trim(text, start, end)
        start = end
        if s >= e:
            continue
        if not spans:
            spans.append([s, e])
            continue
        prev = spans[-1]
        left = text[prev[0] : prev[1]]
        # Give closing quotes/brackets back to the sentence they close.
        n = _leading_closers(text[s:e])
        if n:
            prev[1] = s + n
            left = text[prev[0] : prev[1]]
            s, e = _trim(text, s + n, e)
            if s >= e:
                continue
        # An opening quote or bracket stranded at the end of `left` belongs to the next one.
        k = prev[1]
        while k > prev[0] + 1 and text[k - 1] in _OPENERS and _is_blank(text[k - 2]):
            k -= 1
        if k < prev[1]:
            s = k
            prev[0], prev[1] = _trim(text, prev[0], k)
            left = text[prev[0] : prev[1]]
        # URLs are sorted and disjoint: only the last one starting before the boundary
        # can contain it.
        u = bisect.bisect_left(url_starts, prev[1]) - 1
        in_url = u >= 0 and s < urls[u][1]
        if _should_merge(left, text[s:e], in_url):
            prev[1] = e
        else:
            spans.append([s, e])
    return spans


def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Split an over-long span on whitespace near TARGET_LEN; runs without spaces are cut hard."""
    out = []
    while e - s > MAX_LEN:
        cut = -1
        for i in range(s + TARGET_LEN, s + MAX_LEN):
            if text[i].isspace():
                cut = i
                break
        if cut < 0:
            for i in range(s + TARGET_LEN - 1, s, -1):
                if text[i].isspace():
                    cut = i
                    break
        if cut < 0:
            cut = s + TARGET_LEN
        a, b = _trim(text, s, cut)
        if a < b:
            out.append((a, b))
        s, e = _trim(text, cut, e)
    if s < e:
        out.append((s, e))
    return out


# --- layout: paragraphs, lines, blocks -----------------------------------------------------


def _url_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    spans = []
    pos = lo
    while pos < hi:
        m = _URL_OR_EMAIL.search(text, pos, hi)
        if (m is None or m.start() > pos) and pos > 0 and _EMAIL_LOCAL.match(text, pos - 1):
            # right after a match the lookbehind hides an address that starts here (as in
            # "a@b.com+c@d.com"); a URL cannot start here, or the search had found it
            m = _EMAIL_AT.match(text, pos, hi) or m
        if m is None:
            break
        pos = m.end()
        end = m.end()
        while end > m.start() and text[end - 1] in _URL_TRAILING:
            end -= 1
        spans.append((m.start(), end))
    return spans


# A line that opens a list item ("* ", "- ", "• ", "1. ", "2) "): each item is a unit of its
# own, though language models often write items without a full stop.
_LIST_ITEM = re.compile(r"(?:[*•◦▪‣·]|[-–—]|\d{1,2}[.)])\s+\S")


def _opens_item(line: str, next_line: str) -> bool:
    """Does the break after a non-empty ``line`` open a list item?"""
    return bool(line.strip()) and _LIST_ITEM.match(next_line.lstrip()) is not None


def _ends_open(line: str) -> bool:
    """A line that does not end a sentence: no terminal punctuation (closers allowed)."""
    core = line.rstrip().rstrip(_CLOSERS + "\"'")
    return not core or core[-1] not in ".!?…"


def _blocks(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Split a paragraph into blocks at line breaks that end a headline or dateline."""
    lines = []
    start = lo
    for m in _LINE_BREAK.finditer(text, lo, hi):
        lines.append((start, m.start()))
        start = m.end()
    lines.append((start, hi))
    if len(lines) == 1:
        return [(lo, hi)]
    width = max(len(text[a:b].rstrip()) for a, b in lines)
    blocks = []
    block_start = lo
    for (a, b), (na, nb) in zip(lines, lines[1:], strict=False):
        line, following = text[a:b], text[na:nb]
        if _opens_item(line, following) or _is_headline_break(line, following, width if len(lines) > 2 else None):
            blocks.append((block_start, b))
            block_start = na
    blocks.append((block_start, hi))
    return blocks


def _is_headline_break(line: str, next_line: str, width: int | None) -> bool:
    """Does the break after `line` end a headline/dateline rather than wrap a sentence?"""
    core = line.strip()
    following = next_line.lstrip()
    if not core or not following or len(core) > SHORT_LINE or not _ends_open(core):
        return False
    if core[-1] in ",;:(“‘[«\"'":
        return False
    words = core.split()
    if words[-1].lower() in _FUNCTION_WORDS:  # "... inspected by the" goes on
        return False
    head = following[0]
    if not (head.isupper() or head.isdigit() or head in _OPEN_PUNCT):
        return False
    # Hard-wrapped text (seen when a paragraph has several lines) breaks a line only when
    # the next word would not fit; a line that could have taken it was ended on purpose.
    if width is not None and len(line.rstrip()) + 1 + len(following.split(None, 1)[0]) > width:
        return False
    return True


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _PARA_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


_DOUBLE_QUOTES = '"“”'


def container_quote(text: str) -> tuple[int, int] | None:
    """The offsets of two quotation marks that wrap the whole text and nothing else, or None.

    Posts and tweets copied from CSV exports or social media often arrive as one quoted
    string ('"Most people recover. #Health"'). Such marks quote no speaker; read as a
    quotation they would hold the whole report in one sentence and make every statement
    of it a quotation. Only when no other double quotation mark is inside: a report that
    opens and closes with two different quotations keeps them.
    """
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip()) - 1
    if last - first < 2 or text[first] not in '"“' or text[last] not in '"”':
        return None
    if any(text.find(mark, first + 1, last) >= 0 for mark in _DOUBLE_QUOTES):
        return None
    return first, last


def split_sentences(text: str) -> list[Sentence]:
    """Split news text into sentences; `text[s.start:s.end] == s.text` for every sentence."""
    if not isinstance(text, str) or not text:
        return []
    clean = text.translate(_SANITIZE)
    wrap = container_quote(text)
    if wrap is not None:  # sentence ends are looked for as if the wrapping marks were not there
        a, b = wrap
        clean = clean[:a] + " " + clean[a + 1 : b] + " " + clean[b + 1 :]
    sentences: list[Sentence] = []
    paragraph = 0
    for p_lo, p_hi in _paragraphs(text):
        found = False
        for b_lo, b_hi in _blocks(text, p_lo, p_hi):
            b_lo, b_hi = _trim(text, b_lo, b_hi)
            if b_lo >= b_hi:
                continue
            ends = _propose(clean, b_lo, b_hi)
            spans = _fix_block(text, b_lo, ends, _url_spans(text, b_lo, b_hi))
            for s, e in spans:
                for a, b in _cut_long(text, s, e):
                    sentences.append(Sentence(len(sentences), a, b, text[a:b], paragraph))
                    found = True
        if found:
            paragraph += 1
    return sentences


def segment(article: Article) -> Article:
    """Fill `article.sentences` from `article.text` and return the article."""
    article.sentences = split_sentences(article.text or "")
    return article
