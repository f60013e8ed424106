"""What the audit's checks share: the parsed views of the reports, the aligned pairs, word keys,
number, date and name comparisons, and the parse-based helpers (negation, events, speakers)."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from math import floor, log10
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from storytrace.claims.extract import extract_claims_many, get_nlp
from storytrace.claims.lexicon import (
    ALIAS_OF,
    COGNITION_WORDS,
    DEMONYMS,
    EVALUATIVE_OBJECTS,
    HYPOTHETICAL_MODALS,
    IMPLICIT_NEGATIVES,
    IRREGULAR_FORMS,
    MONTH_RE,
    NEG_WORDS,
    NOT_PREDICATES,
    ORDER_AFTER,
    ORDER_BEFORE,
    PENDING_ADJ,
    PENDING_MODALS,
    PENDING_VERB_WORDS,
    PEOPLE,
    RELATIVE_DAYS,
    ROLE_RE,
    SPEECH_WORDS,
    STATIVE_WORDS,
    TRIVIAL,
)
from storytrace.index.features import stem, word_tokens
from storytrace.model import FINDING_TYPES, Alignment, Article, Claim, Finding
from storytrace.segment import segment
from storytrace.segment.sentences import encodable

ECHO = 0.4  # an unsupported statement with this share of its words in one source sentence is an "echo"


# ======================================================================================
# Words
# ======================================================================================

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d[\d,.]*\d|\d")
_ALPHA = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


def _kept_in(memo_of, prefix: str = ""):
    """A pure function of one sentence computed once per sentence: the checks ask it of a
    source sentence once for every derived sentence restating it. ``memo_of`` gives the dict
    the result is kept in. Callers do not change what it returns."""

    def decorate(fn):
        name = prefix + fn.__name__

        @functools.wraps(fn)
        def kept(x):
            memo = memo_of(x)
            if name not in memo:
                memo[name] = fn(x)
            return memo[name]

        return kept

    return decorate


_per_sentence = _kept_in(lambda sent: sent.kept)  # of a ``_Sent``, kept with it
_per_doc = _kept_in(lambda doc: doc.user_data, "storytrace.")  # of a sentence's parse, kept with the Doc


@_per_doc
def _order_words(doc) -> list[tuple[Any, bool]]:
    """The ordering connectives of a sentence: (token, True when the main event comes first)."""
    out = []
    for t in doc:
        if t.dep_ not in ("mark", "prep"):
            continue
        if t.lower_ in ORDER_BEFORE:
            out.append((t, True))
        elif t.lower_ in ORDER_AFTER:
            out.append((t, False))
    return out


_MODIFIER_DEPS = ("amod", "compound", "nmod", "poss", "nummod", "det", "case")


def _phrase_of(tok):
    """The noun phrase a loaded word belongs to ("Hamas' devastating terrorist attack"): its
    head noun and the head's modifiers before it (the pipeline has a parser, not noun chunks)."""
    head = tok
    while head.dep_ in ("amod", "compound", "nmod", "advmod") and head.head.i != head.i and head.head.i > head.i:
        head = head.head
    left = [c for c in head.lefts if c.dep_ in _MODIFIER_DEPS]
    start = min([c.left_edge.i for c in left] + [head.i, tok.i])
    return head.doc[start : head.i + 1]


def _span(sent: _Sent, phrase) -> tuple[int, int]:
    """Character offsets of a token run of ``sent`` in its article."""
    return sent.span_of(phrase[0])[0], sent.span_of(phrase[-1])[1]


def _same_head(sentences: list, head: str) -> tuple[Any, Any]:
    """The first noun phrase of ``sentences`` with this head word: (sentence, phrase)."""
    for ss in sentences:
        for t in ss.doc:
            if t.lower_ == head and t.tag_.startswith("NN"):
                return ss, _phrase_of(t)
    return None, None


def _names_a_difference(f: Finding, identical: set[int]) -> bool:
    """A finding must name a difference between the two texts: none in a sentence copied word
    for word (but a re-dating: the same words read from another publication date), none whose
    two values are the same words."""
    if f.type == "date_shift":
        return True
    if f.derived_sentence in identical:
        return False
    if isinstance(f.derived_value, str) and isinstance(f.source_value, str):
        return _words(f.derived_value) != _words(f.source_value)
    return True


def _words(text: str) -> tuple[str, ...]:
    """A sentence's words as the aligner reads them (``index.features.word_tokens``)."""
    return tuple(word_tokens(text))


def _wkey(word: str) -> str:
    """A matching key for a word: lower-cased, lightly stemmed, cut to six letters
    ("logistics" and "logistical" meet, so do "released" and "release")."""
    w = re.sub(r"['’]s$", "", word.lower())
    return stem(w)[:6]


def _tkey(tok) -> str:
    """A matching key for a parsed token: irregular verb forms go to their base form."""
    if tok.tag_.startswith("VB") and tok.lower_ in IRREGULAR_FORMS:
        return _wkey(IRREGULAR_FORMS[tok.lower_])
    return _wkey(tok.text)


def _met(keys: set[str], other: set[str]) -> int:
    """How many of ``keys`` ``other`` has, a word of another form counted ("lucky" / "luck":
    the same first four letters, lengths within two)."""
    prefixes = {k[:4] for k in other if len(k) >= 4}
    return sum(
        1
        for k in keys
        if k in other or (len(k) >= 4 and k[:4] in prefixes and any(o[:4] == k[:4] and abs(len(o) - len(k)) <= 2 for o in other))
    )


def _keys(text: str) -> set[str]:
    """Content-word keys of a text (stop words and very short words left out)."""
    return {_wkey(w) for w in _ALPHA.findall(text) if len(w) > 2 and w.lower() not in STOP_WORDS}


def _short(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_STATIVE = {_wkey(w) for w in STATIVE_WORDS}

_PENDING_VERBS = {_wkey(w) for w in PENDING_VERB_WORDS}
_PENDING_MARKS = _PENDING_VERBS | {_wkey(w) for w in PENDING_ADJ} | PENDING_MODALS


_LABEL_GROUP = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
}


# ======================================================================================
# Per-article view: claims, parses and word keys, computed once
# ======================================================================================


@dataclass
class _Sent:
    index: int
    start: int
    end: int
    text: str
    doc: Any  # spaCy Doc of the sentence (offsets relative to ``start``)
    keys: set[str]
    claims: list[Claim] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # see ``_per_sentence``

    def span_of(self, tok) -> tuple[int, int]:
        return self.start + tok.idx, self.start + tok.idx + len(tok.text)


class _View:
    """What the audit reads of an article, computed once and kept while the article lives."""

    def __init__(self, article: Article, docs: list[Any]):
        self.article = article
        self.text = article.text or ""
        self.lower = self.text.lower()
        self.sents: list[_Sent] = []
        for k, (s, doc) in enumerate(zip(article.sentences, docs, strict=False)):
            self.sents.append(_Sent(k, s.start, s.end, self.text[s.start : s.end], doc, _keys(self.text[s.start : s.end])))
        for c in article.claims:
            if 0 <= c.sentence < len(self.sents):
                self.sents[c.sentence].claims.append(c)
        self.keys: set[str] = set().union(*(s.keys for s in self.sents)) if self.sents else set()
        self.frequency: Counter = Counter(k for s in self.sents for k in s.keys)  # sentences per word key
        self.entities = [c for c in article.claims if c.kind == "entity" and _real_name(c, self.text)]
        self.entity_keys = {_entity_key(c) for c in self.entities}
        self.entity_names = {str(c.value).lower() for c in self.entities} | {c.text.lower() for c in self.entities}
        self.quantities = [q for q in (_as_quantity(c) for c in article.claims) if q is not None]
        self.dates = [c for c in article.claims if c.kind == "date"]
        self.quotes = [c for c in article.claims if c.kind == "quote"]
        self.published: date | None = article.published.date() if article.published else None
        starts = [s.text[:1] for s in self.sents if s.text]
        self.compact = re.sub(r"[^a-z0-9]", "", self.lower)
        self.people = (
            {
                cat
                for w, cat in PEOPLE.items()
                if re.search(r"(?<![a-z])" + w + r"(?![a-z])", self.lower) or (len(w) >= 6 and w in self.compact)
            }
            if self.text
            else set()
        )
        self.digit_strings = {re.sub(r"[^\d]", "", m) for m in re.findall(r"\d[\d,.]*\d|\d", self.text)}
        self.cased = bool(starts) and sum(1 for c in starts if c.isupper() or c in "“\"‘'(") >= 0.5 * len(starts)
        # The checks ask of the whole text, once per claim of another report, whether it names
        # something: a scan of the text per question made the audit quadratic in the report.
        # These indexes over its words (made on first use) and the answers kept per question
        # make each a lookup; the answers are those of the scans they replace.
        self._runs: dict[str, list[int]] | None = None  # each maximal [a-z0-9]+ run -> its starts
        self._sorted_runs: list[str] | None = None
        self._acronyms: set[str] | None = None
        self._answers: dict[tuple, bool] = {}

    def _word_runs(self) -> dict[str, list[int]]:
        if self._runs is None:
            self._runs = {}
            for m in _ALNUM_RUN.finditer(self.lower):
                self._runs.setdefault(m.group(), []).append(m.start())
        return self._runs

    def has_words(self, phrase: str) -> bool:
        """``re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", self.lower)``,
        from the word index: a phrase that starts and ends with [a-z0-9] can only match where
        each of its words is a whole run of the text, so the rarest word's starts are tried."""
        key = ("words", phrase)
        hit = self._answers.get(key)
        if hit is not None:
            return hit
        text = self.lower
        if phrase and _is_alnum(phrase[0]) and _is_alnum(phrase[-1]):
            runs = self._word_runs()
            offset, word = min(
                ((m.start(), m.group()) for m in _ALNUM_RUN.finditer(phrase)), key=lambda t: len(runs.get(t[1], ()))
            )
            found = False
            for at in runs.get(word, ()):
                start, end = at - offset, at - offset + len(phrase)
                if (
                    start >= 0
                    and text.startswith(phrase, start)
                    and (start == 0 or not _is_alnum(text[start - 1]))
                    and (end == len(text) or not _is_alnum(text[end]))
                ):
                    found = True
                    break
        else:
            found = re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", text) is not None
        self._answers[key] = found
        return found

    def starts_a_word(self, word: str) -> bool:
        """``re.search(r"(?<![a-z0-9])" + re.escape(word), self.lower)`` for a [a-z0-9]+ word:
        some run of the text begins with it (a binary search among the sorted runs)."""
        if self._sorted_runs is None:
            self._sorted_runs = sorted(self._word_runs())
        k = bisect.bisect_left(self._sorted_runs, word)
        return k < len(self._sorted_runs) and self._sorted_runs[k].startswith(word)

    def search(self, pattern: str) -> bool:
        """``re.search(pattern, self.lower)``, answered once per pattern."""
        key = ("re", pattern)
        hit = self._answers.get(key)
        if hit is None:
            hit = self._answers[key] = re.search(pattern, self.lower) is not None
        return hit

    def in_compact(self, piece: str) -> bool:
        """``piece in self.compact``, answered once per piece."""
        key = ("compact", piece)
        hit = self._answers.get(key)
        if hit is None:
            hit = self._answers[key] = piece in self.compact
        return hit

    def acronyms(self) -> set[str]:
        """The initials of the multi-word entity names (what an acronym of them would be)."""
        if self._acronyms is None:
            self._acronyms = set()
            for e in self.entities:
                words = [
                    w
                    for w in re.findall(r"[A-Za-z]+", str(e.value))
                    if w[0].isupper() and w.lower() not in ("of", "the", "and", "for")
                ]
                if len(words) >= 2:
                    self._acronyms.add("".join(w[0] for w in words).upper())
        return self._acronyms

    def claims(self, i: int, kind: str) -> list[Claim]:
        if kind == "entity":
            return [c for c in self.sents[i].claims if c.kind == kind and _real_name(c, self.text)]
        return [c for c in self.sents[i].claims if c.kind == kind]

    def mentions(self, name: str) -> bool:
        """Does the text name ``name`` (as whole words, any case)?"""
        name = name.lower().strip()
        if len(name) < 2:
            return False
        return self.has_words(name)


_ALNUM_RUN = re.compile(r"[a-z0-9]+")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _is_alnum(ch: str) -> bool:
    return ch in _ALNUM


_VIEWS: dict[int, tuple[weakref.ref, _View]] = {}


def _cached_view(article: Article) -> _View | None:
    hit = _VIEWS.get(id(article))
    if hit is None:
        return None
    ref, view = hit
    if ref() is not article or view.text is not article.text or len(view.sents) != len(article.sentences):
        return None
    return view


def _remember(article: Article, view: _View) -> None:
    key = id(article)
    views = _VIEWS  # bound now: at interpreter exit the module global may already be None

    def forget(ref, key=key):
        # ids are reused: drop the entry only if it still belongs to this (dead) article
        if views.get(key, (None,))[0] is ref:
            del views[key]

    views[key] = (weakref.ref(article, forget), view)


class _DocCollector:
    """Given to ``extract_claims_many`` as its ``nlp``: runs the real pipeline and keeps
    each sentence's parse, so that the audit reads the same parses without running spaCy
    a second time."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.docs: dict[Any, Any] = {}  # context (sentence key) -> spaCy Doc

    def pipe(self, items: Iterable[Any], **kwargs: Any) -> Iterator[Any]:
        if not kwargs.get("as_tuples", False):
            yield from self._nlp.pipe(items, **kwargs)
            return
        # A sentence is parsed once however many reports of the task restate it word for word
        # (a copy and its source, a lead restated by several rewrites): spaCy's parse of a
        # sentence does not depend on its batch mates, so a copy of the first parse is what a
        # second pass would give (checked in tests/claims/test_parse_once.py).
        items = list(items)
        first: dict[str, int] = {}
        unique: list[tuple[str, int]] = []
        for text, _ in items:
            if text not in first:
                first[text] = len(unique)
                unique.append((text, len(unique)))
        parsed: list[Any] = [None] * len(unique)
        for doc, k in self._nlp.pipe(unique, **kwargs):
            parsed[k] = doc
        given = [False] * len(unique)
        for text, context in items:
            k = first[text]
            # every sentence gets its own Doc: tokens of two reports never compare equal
            doc = parsed[k].copy() if given[k] else parsed[k]
            given[k] = True
            self.docs[context] = doc
            yield doc, context

    def __call__(self, text):
        return self._nlp(text)

    def __getattr__(self, name):
        return getattr(self._nlp, name)


def prepare_articles(articles: Iterable[Article]) -> None:
    """Segment, extract claims (once: ``article.claims`` empty means not yet extracted) and
    parse the given articles, in one spaCy pass for all of them."""
    todo = []
    for a in articles:
        if not a.sentences and a.text:
            segment(a)
        if _cached_view(a) is None:
            todo.append(a)
    if not todo:
        return
    fresh = [a for a in todo if not a.claims]
    collector = _DocCollector(get_nlp())
    if fresh:
        extract_claims_many(fresh, nlp=collector)
    for ai, a in enumerate(fresh):
        docs = [collector.docs.get((ai, si)) for si in range(len(a.sentences))]
        if any(d is None for d in docs):  # an extractor that did not pipe with context
            docs = _parse(a)
        _remember(a, _View(a, docs))
    for a in todo:
        if _cached_view(a) is None:  # claims came from elsewhere: parse for the audit only
            _remember(a, _View(a, _parse(a)))


def _parse(article: Article) -> list[Any]:
    texts = [encodable(article.text[s.start : s.end]) for s in article.sentences]
    return list(get_nlp().pipe(texts, batch_size=256))


def _view(article: Article) -> _View:
    view = _cached_view(article)
    if view is None:
        prepare_articles([article])
        view = _cached_view(article)
    assert view is not None
    return view


# ======================================================================================
# Claim helpers
# ======================================================================================


@dataclass
class _Qty:
    claim: Claim
    value: float
    unit: str | None
    modifier: str | None
    vague: bool

    @property
    def sentence(self) -> int:
        return self.claim.sentence


def _as_quantity(c: Claim) -> _Qty | None:
    """Quantities and durations ("18 months") as one comparable thing: a value and a unit."""
    if c.kind == "quantity" and isinstance(c.value, (int, float)):
        unit = c.attrs.get("unit_lemma") or c.attrs.get("unit")
        return _Qty(c, float(c.value), unit.lower() if unit else None, c.attrs.get("modifier"), bool(c.attrs.get("vague")))
    if c.kind == "duration" and isinstance(c.attrs.get("amount"), (int, float)):
        return _Qty(c, float(c.attrs["amount"]), str(c.attrs.get("unit") or "time").lower(), None, bool(c.attrs.get("vague")))
    return None


def _specific_number(q: _Qty) -> bool:
    """A number that says something: not "one", nor a small count spelled out ("all three")."""
    if q.value in (0.0, 1.0):
        return False
    return bool(re.search(r"\d", q.claim.text)) or q.value > 3 or q.unit is not None and q.claim.attrs.get("label") != "CARDINAL"


def _sig_digits(x: float) -> int:
    """Significant digits as written: 230 -> 2, 1432 -> 4, 4.2 (million) -> 2."""
    text = f"{abs(x):.6f}".rstrip("0").rstrip(".")
    if "." in text:
        return len(text.replace(".", "").lstrip("0")) or 1
    return len(text.strip("0")) or 1


def _round_sig(x: float, k: int) -> float:
    if x == 0:
        return 0.0
    return round(x, -int(floor(log10(abs(x)))) + (k - 1))


def _same_number(derived: float, source: float) -> bool:
    """Equal, or the derived value is the source's rounded ("1,400" for "1,432")."""
    if derived == source:
        return True
    m = max(abs(derived), abs(source))
    if abs(derived - source) <= 0.005 * m:
        return True
    k = _sig_digits(derived)
    return _sig_digits(source) >= 3 and k < _sig_digits(source) and _round_sig(source, k) == derived


_UPWARD = {"more_than", "at_least"}
_DOWNWARD = {"less_than", "at_most", "nearly", "up_to"}


def _opposite_modifiers(a: str | None, b: str | None) -> bool:
    return (a in _UPWARD and b in _DOWNWARD) or (a in _DOWNWARD and b in _UPWARD)


def _real_name(c: Claim, text: str) -> bool:
    """Not a hashtag or a handle, and made of letters (NER takes "😷BREAKING NEWS😷" for a name)."""
    if text[max(0, c.start - 1) : c.start] in ("#", "@"):
        return False
    return all(ch.isalnum() or ch in " .,'’&-()" for ch in c.text)


def _entity_key(c: Claim) -> str:
    return str(c.attrs.get("key") or c.value).lower()


def _entity_in(c: Claim, view: _View, sentence: int | None = None) -> bool:
    """Is entity ``c`` (of another report) named in ``view`` (or in one of its sentences)?"""
    key = _entity_key(c)
    names = {key, str(c.value).lower(), c.text.lower()}
    if sentence is None:
        return _entity_in_text(c, view, key, names)
    else:
        ents, text = [e for e in view.sents[sentence].claims if e.kind == "entity"], view.sents[sentence].text.lower()
    for e in ents:
        if _entity_key(e) == key or str(e.value).lower() in names or e.text.lower() in names:
            return True
    for n in names | ALIAS_OF.get(str(c.value).lower(), set()):
        if len(n) >= 2 and re.search(r"(?<![a-z0-9])" + re.escape(n) + r"(?![a-z0-9])", text):
            return True
    compact = re.sub(r"[^a-z0-9]", "", c.text.lower())
    if len(compact) >= 5 and compact in (view.compact if sentence is None else re.sub(r"[^a-z0-9]", "", text)):
        return True  # "COVID- 19", "newyork"
    label = c.attrs.get("label")
    words = [w for w in re.findall(r"[a-z0-9]+", c.text.lower()) if w not in STOP_WORDS]
    if (
        label != "PERSON"
        and len(words) >= 3
        and sum(1 for w in words if re.search(r"(?<![a-z0-9])" + re.escape(w), text)) >= 0.66 * len(words)
    ):
        return True  # a spelling variant of a long name ("John Hopkins ..." / "Johns Hopkins ...")
    if label == "NORP":
        base = DEMONYMS.get(key.rstrip("s"))
        if base and re.search(r"(?<![a-z])" + re.escape(base), text):
            return True
        stem4 = key[:5] if len(key) >= 6 else key[:4]
        if re.search(r"(?<![a-z])" + re.escape(stem4), text):
            return True
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", c.text) if w[0].isupper())
    if len(initials) >= 3 and any(
        re.search(r"(?<![a-z])" + a.lower() + r"(?![a-z])", text) for a in {initials, initials[:-1]} if len(a) >= 3
    ):
        return True  # the source uses the acronym ("CDC" for "Centers for Disease Control and Prevention")
    if re.fullmatch(r"[A-Z]{2,6}", c.text.replace(".", "")):  # an acronym: the full name's initials
        acr = c.text.replace(".", "")
        for e in ents:
            words = [
                w
                for w in re.findall(r"[A-Za-z]+", str(e.value))
                if w[0].isupper() and w.lower() not in ("of", "the", "and", "for")
            ]
            if len(words) >= 2 and "".join(w[0] for w in words).upper() == acr:
                return True
    return False


def _date_text(c: Claim) -> str:
    return f"{c.text} ({c.value})" if c.value else c.text


def _date_expression(c: Claim) -> str:
    return str(c.attrs.get("expression") or c.text).lower()


def _date_sig(c: Claim) -> tuple | None:
    """What a specific date says, comparable across reports: a day of a month, a relative day
    ("friday", "yesterday"), a month, a year; None for what is not a specific date."""
    expr = f"{_date_expression(c)} {c.text.lower()}"
    month = MONTH_RE.search(expr)
    if month:
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", expr[month.end() :][:8]) or re.search(
            r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?$", expr[: month.start()]
        )
        if day:
            return ("md", month.group(1)[:3], int(day.group(1)))
        year = re.search(r"\b(1[89]\d\d|20\d\d)\b", expr)
        return ("m", month.group(1)[:3], year.group(1) if year else None)
    rel = [w for w in re.findall(r"[a-z]+", _date_expression(c)) if w in RELATIVE_DAYS]
    if rel:
        return ("rel", rel[0])
    year = re.fullmatch(r"(?:in |since |by |of )?(1[89]\d\d|20\d\d)", c.text.lower().strip())
    if year:
        return ("y", year.group(1))
    return None


def _date_kind(c: Claim) -> str | None:
    """The kind of a specific date ("md", "rel", "m", "y"), None for what is not one."""
    sig = _date_sig(c)
    return sig[0] if sig else None


def _label_group(c: Claim, default: str = "") -> str:
    """The group of a named entity's NER label ("person", "place" ...), ``default`` when it has none."""
    label = c.attrs.get("label")
    return _LABEL_GROUP.get(label, default) if isinstance(label, str) else default


# ======================================================================================
# The audit of one derived report
# ======================================================================================


@dataclass
class _Aligned:
    source: str
    sentences: list[int]
    relation: str


_TYPE_ORDER = list(FINDING_TYPES)


# ======================================================================================
# Parse-based helpers
# ======================================================================================


_NUMBER_TOKEN = re.compile(r"[$€£]?\d(?:[\d,.:/–-]*\d)?(?:st|nd|rd|th|%|k|m|bn)?", re.I)  # "1,200", "11:35", "15–30"


def _numeral_values(text: str) -> set[float]:
    """The values a written number can mean ("1.200" is 1.2 or 1200; "3rd" is 3)."""
    t = re.sub(r"(?i)(st|nd|rd|th|%|k|m|bn)$", "", text.lstrip("$€£"))
    out = set()
    for cand in (t.replace(",", ""), t.replace(".", "").replace(",", ".")):
        try:
            out.add(float(cand))
        except ValueError:
            pass
    return out


def _same_numerals(a: list[str], b: list[str]) -> bool:
    if a == b:
        return True
    va = [_numeral_values(x) for x in a]
    vb = [_numeral_values(x) for x in b]
    return len(va) == len(vb) and all(x & y for x, y in zip(va, vb, strict=False))


DIFF_RATIO = 0.6  # a restated sentence this close to its source sentence (word sequence) is compared word by word
_FINITE = {"VB", "VBD", "VBZ", "VBP", "VBN"}


@_per_doc
def _negations(doc) -> int:
    """Explicit negations, plus words that negate without "not" ("avoid", "refuse", "without")."""
    explicit = sum(1 for t in doc if t.dep_ == "neg" or t.lower_ in NEG_WORDS)
    return explicit + sum(1 for t in doc if t.lower_ in IMPLICIT_NEGATIVES)


def _neg_child(c) -> bool:
    return c.dep_ == "neg" or (c.lower_ in ("not", "nt", "n't", "never") and c.dep_ in ("advmod", "neg", "dep"))


def _is_negated(t, depth: int = 0) -> bool:
    """Is this predicate negated: "not" on it or its auxiliary, on the copula of an adjective
    ("is not likely"), or on the first of two verbs joined by "or"/"nor"?"""
    if any(c.lower_ == "why" for c in t.children):
        return False  # "why not make the most of it"
    if any(_neg_child(c) or c.lower_ in ("nor", "neither") for c in t.children):
        return True
    if any(c.dep_ in ("aux", "auxpass") and any(_neg_child(g) for g in c.children) for c in t.children):
        return True
    if depth < 2 and t.dep_ in ("acomp", "attr") and t.head.i != t.i:
        return _is_negated(t.head, depth + 1)
    if depth < 2 and t.dep_ == "conj" and t.head.i != t.i:
        if any(c.lower_ == "nor" for c in t.head.children):
            return True
        if any(c.lower_ == "or" for c in t.head.children):
            return _is_negated(t.head, depth + 1)
    return False


def _arguments(t) -> set[str]:
    """Content keys of a predicate's subject, object and prepositional objects (a few words each)."""
    keys: set[str] = set()
    heads = []
    for c in t.children:
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr"):
            heads.append(c)
        elif c.dep_ == "prep":
            heads.extend(g for g in c.children if g.dep_ == "pobj")
        elif c.dep_ == "conj" and c.tag_.startswith("VB"):
            # "prevent or cure COVID-19": the object parsed on the last verb is every verb's
            heads.extend(g for g in c.children if g.dep_ == "dobj")
    if t.dep_ == "conj" and t.head.tag_.startswith("VB"):  # "... bleach prevents and cures": one subject
        heads.extend(g for g in t.head.children if g.dep_ in ("nsubj", "nsubjpass"))
    for h in heads:
        for w in list(h.subtree)[:6]:
            # words with a letter: "COVID-19" and "H5N1" name what the statement is about too
            if len(w.text) > 2 and any(ch.isalpha() for ch in w.text) and w.lower_ not in STOP_WORDS:
                keys.add(_wkey(w.text))
    if t.dep_ in ("acomp", "attr", "xcomp") and t.head.i != t.i:
        keys |= _arguments(t.head) - {_tkey(t)}
    return keys


@_per_sentence
def _polarity(sent: _Sent) -> dict[str, list[tuple[Any, bool, _Sent]]]:
    """Predicates (verbs, adjectives, nouns under "no") with whether each is negated."""
    out: dict[str, list[tuple[Any, bool, _Sent]]] = {}
    questions: set[int] = set()  # token indices inside a question
    for root in (t for t in sent.doc if t.dep_ == "ROOT"):
        after = root.right_edge.i + 1
        if (after < len(sent.doc) and sent.doc[after].text == "?") or root.right_edge.text == "?":
            questions.update(range(root.left_edge.i, root.right_edge.i + 1))  # a question asserts neither way
    for t in sent.doc:
        if t.i in questions:
            continue
        if t.tag_.startswith("JJ") and t.dep_ not in ("acomp", "attr", "conj", "ROOT"):
            continue  # an adjective before its noun ("not rapid tests") is no predicate
        if t.dep_ in ("amod", "compound") and not any(c.lower_ == "no" and c.dep_ == "det" for c in t.head.children):
            continue  # "paid sick leave"
        if t.tag_.startswith("VB") or t.tag_.startswith("JJ"):
            if (
                t.dep_ in ("aux", "auxpass")
                or t.lower_ in NOT_PREDICATES
                and not any(c.dep_ in ("acomp", "attr") for c in t.children)
            ):
                continue
            if _tkey(t) in _STATIVE and t.tag_.startswith("VB"):
                # a copula carries the negation of its complement: "is not safe"
                negated = _is_negated(t)
                if negated and any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_MODALS for c in t.children):
                    continue  # "may not be the safest place"
                for c in t.children:
                    if c.dep_ in ("acomp", "attr") and (c.tag_.startswith("JJ") or c.tag_.startswith("NN")):
                        out.setdefault(_tkey(c), []).append((c, negated, sent))
                continue
            negated = _is_negated(t)
            if negated and any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_MODALS for c in [*t.children, *t.head.children]):
                continue  # "may not be": a possibility, asserted neither way
            if not negated and t.dep_ in ("xcomp", "acomp") and _is_negated(t.head):
                negated = True  # "did not want to approve"
            if not negated and t.dep_ in ("acl", "amod") and any(c.lower_ == "no" and c.dep_ == "det" for c in t.head.children):
                negated = True  # "no drugs licensed"
            out.setdefault(_tkey(t), []).append((t, negated, sent))
        elif t.tag_.startswith("NN") and any(c.lower_ == "no" and c.dep_ == "det" for c in t.children):
            out.setdefault(_wkey(t.text), []).append((t, True, sent))
    return out


def _predicate_span(sent: _Sent, tok) -> tuple[int, int]:
    toks = [tok] + [c for c in tok.children if c.dep_ in ("neg", "aux", "auxpass") or (c.lower_ == "no" and c.dep_ == "det")]
    toks += [g for c in tok.children if c.dep_ in ("aux", "auxpass") for g in c.children if g.dep_ == "neg"]
    if tok.head.i != tok.i and tok.dep_ in ("acomp", "attr", "xcomp"):
        toks += [tok.head] + [c for c in tok.head.children if c.dep_ in ("neg", "aux")]
    first = min(toks, key=lambda t: t.i)
    last = max(toks, key=lambda t: t.i)
    return sent.span_of(first)[0], sent.span_of(last)[1]


def _pending_events(doc):
    """(cue token, event head) for events described as still to come."""
    for t in doc:
        if t.lower_ in PENDING_ADJ and t.dep_ == "amod" and t.head.tag_.startswith("NN"):
            yield t, t.head
        elif t.tag_.startswith("VB") and _wkey(t.text) in _PENDING_VERBS:
            for c in t.children:
                if c.dep_ in ("dobj", "nsubjpass") and c.tag_.startswith("NN"):
                    yield t, c


def _event_words(head) -> list:
    words = [head]
    for c in head.children:
        if c.dep_ in ("compound", "amod") and c.lower_ not in PENDING_ADJ:
            words.append(c)
        elif c.dep_ == "prep":
            words.extend(g for g in c.children if g.dep_ == "pobj")
    return words


def _governing_verb(t):
    h = t
    for _ in range(5):
        if h.tag_.startswith("VB"):
            return h
        if h.head.i == h.i:
            return None
        h = h.head
    return None


def _realis_match(ssent: _Sent, keys: set[str], ent_keys: set[str]) -> tuple[int, int] | None:
    """Where ``ssent`` reports the event (the given words) as done: the words under one verb,
    in the past tense (or governed by one: "began ... by sending"), with no pending cue."""
    if any(
        t.lower_ in PENDING_ADJ or _wkey(t.text) in _PENDING_VERBS or t.lower_ in HYPOTHETICAL_MODALS or t.lower_ == "will"
        for t in ssent.doc
    ):
        return None
    toks = [t for t in ssent.doc if _wkey(t.text) in keys and t.ent_type_ == ""]
    governing = [_governing_verb(t) for t in toks]
    if not governing or any(v is None for v in governing) or len({v.i for v in governing}) != 1:
        return None  # not one reported event
    verb = governing[0]
    ents = [
        t for t in ssent.doc if _wkey(t.text) in ent_keys and (_governing_verb(t) is not None and _governing_verb(t).i == verb.i)
    ]
    if len({_wkey(t.text) for t in toks}) + (1 if ents else 0) < 2:
        return None

    def past(v) -> bool:
        auxes = [c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")]
        if any(a in ("has", "have", "had", "was", "were") for a in auxes):
            return True
        return v.tag_ == "VBD" or (v.tag_ == "VBN" and not any(a in ("is", "are", "am", "be", "been", "being") for a in auxes))

    tense = verb
    for _ in range(4):  # the clause's own tense, or the one governing it ("began ... by sending")
        if past(tense):
            break
        if tense.head.i == tense.i:
            return None
        tense = tense.head
    else:
        return None
    if not past(tense):
        return None
    span_toks = [verb, *toks, *ents]
    start = min(ssent.span_of(t)[0] for t in span_toks)
    end = max(ssent.span_of(t)[1] for t in span_toks)
    return start, end


_SPEECH = {_wkey(w) for w in SPEECH_WORDS}
_COGNITION = {_wkey(w) for w in COGNITION_WORDS}


def _eventive(verb) -> bool:
    """An action or change (not a copula, a state, a modal, a cognition verb or advice)."""
    if not verb.tag_.startswith("VB"):
        return False
    carrier = (
        verb.head if verb.dep_ == "conj" and not any(c.dep_ in ("aux", "nsubj", "nsubjpass") for c in verb.children) else verb
    )
    if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_MODALS for c in carrier.children):
        return False  # "can lead ... and show": the modal covers both
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("you", "we") for c in carrier.children):
        return False  # advice to the reader
    if any(c.dep_ == "dobj" and c.lower_ in EVALUATIVE_OBJECTS for c in verb.children):
        return False  # "highlights the importance of ..."
    return _tkey(verb) not in _STATIVE and _tkey(verb) not in _COGNITION


def _statement(sent: _Sent) -> str | None:
    """Does the sentence state an event, or something about a named actor? (else: filler)"""
    doc = sent.doc
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return None
    named = [e.text for e in doc.ents if e.label_ in _LABEL_GROUP]
    for root in roots:
        after = root.right_edge.i + 1
        if (after < len(doc) and doc[after].text == "?") or root.right_edge.text == "?":
            continue  # a question asserts nothing
        subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
        if root.tag_ == "VB" and not subj and root.i == root.left_edge.i:
            continue  # an imperative: "Stay safe"
        subj_names = [
            e.text
            for s in subj
            for e in doc.ents
            if e.label_ in _LABEL_GROUP and s.left_edge.i <= e.start and e.end - 1 <= s.right_edge.i
        ]
        verbs = [root] + [c for c in root.children if c.dep_ == "conj" and c.tag_.startswith("VB")]
        for verb in verbs:
            if _tkey(verb) in _COGNITION:
                verb = next((c for c in verb.children if c.dep_ == "ccomp" and c.tag_.startswith("VB")), verb)
            if _eventive(verb) or (_tkey(verb) in _SPEECH and verb.tag_.startswith("VB")):
                who = f" involving {', '.join(dict.fromkeys(named))}" if named else ""
                return f'an event: "{verb.text}"{who}'
        if subj_names:
            return f"about {', '.join(dict.fromkeys(subj_names))}"
    return None


@dataclass
class _SpeakerItem:
    kind: str  # quote | statement
    sentence: int
    speaker: str
    phrase: str
    span: tuple[int, int] | None
    content: str
    named: bool
    names: list[str]


def _speaker_items(view: _View, j: int) -> list[_SpeakerItem]:
    """Quotes with a speaker, and statements attributed to a named or specific source."""
    sent = view.sents[j]
    out: list[_SpeakerItem] = []
    atts = [c for c in sent.claims if c.kind == "attribution"]
    for q in sent.claims:
        if q.kind != "quote" or not _explicit(q):
            continue
        speaker = str(q.attrs["speaker"])
        att = next((c for c in atts if str(c.value) == speaker), None)
        phrase = att.text if att else str(q.attrs.get("speaker_phrase") or speaker)
        span = (att.start, att.end) if att else _find(view, sent, phrase)
        named = q.attrs.get("speaker_kind") == "named" or bool(att and att.attrs.get("named"))
        out.append(_SpeakerItem("quote", j, speaker, phrase, span, str(q.value), named, _speaker_names(speaker, phrase, q.attrs)))
    for c in atts:
        if c.attrs.get("direct") or c.attrs.get("vague") or c.attrs.get("speaker_kind") not in ("named", "role"):
            continue
        if not (c.attrs.get("named") or ROLE_RE.search(c.text)) or _DATEISH_RE.search(c.text):
            continue  # "a lawsuit filed Wednesday", "the study": not a speaker
        if any(o.speaker == str(c.value) for o in out):
            continue
        content = (sent.text[: c.start - sent.start] + " " + sent.text[c.end - sent.start :]).strip()
        out.append(
            _SpeakerItem(
                "statement",
                j,
                str(c.value),
                c.text,
                (c.start, c.end),
                content,
                bool(c.attrs.get("named")),
                _speaker_names(str(c.value), c.text, c.attrs),
            )
        )
    return out


_DATEISH_RE = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|20\d\d|19\d\d)\b", re.I)


def _source_head(sent: _Sent, c: Claim):
    """The head noun of an attribution phrase ("sources" in "unverified sources close to X")
    and the words naming whose source it is ("Israeli", "White House")."""
    toks = [t for t in sent.doc if c.start <= sent.start + t.idx < c.end]
    if not toks:
        return None, []
    heads = [t for t in toks if not (c.start <= sent.start + t.head.idx < c.end) or t.head.i == t.i]
    head = heads[0] if heads else toks[-1]
    if not head.tag_.startswith("NN") and head.tag_ not in ("PRP",):
        nouns = [t for t in toks if t.tag_.startswith("NN")]
        if not nouns:
            return None, []
        head = nouns[0]
    affiliation = [
        t.text.lower() for t in toks if t.i != head.i and (t.ent_type_ in ("NORP", "GPE", "ORG") or t.tag_ in ("NNP", "NNPS"))
    ]
    return head, affiliation


def _entity_in_text(c: Claim, view: _View, key: str, names: set[str]) -> bool:
    """``_entity_in`` for the whole text of ``view``: the same tests in the same order, each
    answered from the view's indexes instead of a scan of its text (see ``_View``)."""
    if key in view.entity_keys or names & view.entity_names:
        return True
    for n in names | ALIAS_OF.get(str(c.value).lower(), set()):
        if len(n) >= 2 and view.has_words(n):
            return True
    compact = re.sub(r"[^a-z0-9]", "", c.text.lower())
    if len(compact) >= 5 and view.in_compact(compact):
        return True  # "COVID- 19", "newyork"
    label = c.attrs.get("label")
    words = [w for w in re.findall(r"[a-z0-9]+", c.text.lower()) if w not in STOP_WORDS]
    if label != "PERSON" and len(words) >= 3 and sum(1 for w in words if view.starts_a_word(w)) >= 0.66 * len(words):
        return True  # a spelling variant of a long name ("John Hopkins ..." / "Johns Hopkins ...")
    if label == "NORP":
        base = DEMONYMS.get(key.rstrip("s"))
        if base and view.search(r"(?<![a-z])" + re.escape(base)):
            return True
        stem4 = key[:5] if len(key) >= 6 else key[:4]
        if view.search(r"(?<![a-z])" + re.escape(stem4)):
            return True
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", c.text) if w[0].isupper())
    if len(initials) >= 3 and any(
        view.search(r"(?<![a-z])" + a.lower() + r"(?![a-z])") for a in {initials, initials[:-1]} if len(a) >= 3
    ):
        return True  # the source uses the acronym ("CDC" for "Centers for Disease Control and Prevention")
    if re.fullmatch(r"[A-Z]{2,6}", c.text.replace(".", "")):  # an acronym: the full name's initials
        return c.text.replace(".", "") in view.acronyms()
    return False


def _cites(view: _View, head, affiliation: list[str]) -> bool:
    """Does ``view`` mention this kind of source (the head noun, near its affiliation)?"""
    key = ("cites", _wkey(head.text), tuple(affiliation))
    hit = view._answers.get(key)
    if hit is None:
        hit = view._answers[key] = _cites_scan(view, head, affiliation)
    return hit


def _cites_scan(view: _View, head, affiliation: list[str]) -> bool:
    word = _wkey(head.text)
    positions = [m.start() for m in re.finditer(r"(?<![a-z])" + re.escape(word), view.lower)]
    if not positions:
        return False
    if not affiliation:
        return True
    for pos in positions:
        window = view.lower[max(0, pos - 60) : pos + 60]
        if all(a in window for a in affiliation):
            return True
    return False


def _speaker_names(speaker: str, phrase: str, attrs: dict) -> list[str]:
    """Words whose presence in the restatement means the speaker is still named."""
    names = []
    if speaker.lower() not in ("he", "she", "they", "it", "we", "i"):
        words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", speaker) if w.lower() not in STOP_WORDS]
        if words:
            names.append(words[-1].lower())  # the surname, or a role's head noun
    for k in ("org", "speaker_org", "person"):
        if attrs.get(k):
            names.append(str(attrs[k]).lower())
    return [n for n in dict.fromkeys(names) if len(n) > 2]


def _find(view: _View, sent: _Sent, phrase: str) -> tuple[int, int] | None:
    k = sent.text.find(phrase)
    return (sent.start + k, sent.start + k + len(phrase)) if k >= 0 else None


_CONTRACTIONS = [
    (
        re.compile(r"\b(ca|wo|sha)n['’]t\b", re.I),
        lambda m: {"ca": "can", "wo": "will", "sha": "shall"}[m.group(1).lower()] + " not",
    ),
    (re.compile(r"n['’]t\b", re.I), lambda m: " not"),
    (re.compile(r"\bcannot\b", re.I), lambda m: "can not"),
]


def _explicit(q: Claim) -> bool:
    """A quotation whose speaker is said in its sentence or the one before (not carried over)."""
    return _attributed(q) and q.attrs.get("speaker_source") in ("same_sentence", "previous_sentence")


def _contains_words(text: str, quote: Any) -> bool:
    """Are (nearly all) the words of ``quote`` in ``text``, in order?"""
    qw, tw = _quote_words(quote), _quote_words(text)
    if len(qw) < 4:
        return False
    sm = difflib.SequenceMatcher(None, qw, tw, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) >= 0.8 * len(qw)


def _attributed(q: Claim) -> bool:
    return bool(q.attrs.get("speaker")) and q.attrs.get("speaker_kind") != "none"


def _quote_words(text: Any) -> list[str]:
    text = str(text or "")
    for rx, fn in _CONTRACTIONS:
        text = rx.sub(fn, text)
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _quote_changes(source: list[str], derived: list[str]) -> list[tuple[str, str]]:
    """Word changes inside the part of ``source`` that ``derived`` quotes (an excerpt is fine)."""
    sm = difflib.SequenceMatcher(None, source, derived, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        return [(" ".join(source[:8]), " ".join(derived[:8]))]
    lo, hi = blocks[0].a, blocks[-1].a + blocks[-1].size
    changes = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "equal":
            continue
        if op == "delete" and (a1 <= lo or a0 >= hi):
            continue  # outside the excerpt
        s_words, d_words = source[a0:a1], derived[b0:b1]
        if not (set(s_words) | set(d_words)) - TRIVIAL:
            continue
        if op == "delete" and not any(w in NEG_WORDS or w[:1].isdigit() for w in s_words):
            continue  # words left out of a quotation ("…"): an elision, not a change
        changes.append((" ".join(s_words), " ".join(d_words)))
    return changes


class _AuditBase:
    """The state of one audit (the derived report's view, its sources' views, the aligned
    pairs, the findings so far) and what every check uses: ``add`` a finding, look in the
    sources, find a sentence's nouns. ``weights``: the verdict weight per finding key."""

    weights: dict[str, float] = {}
    identical: set[int]

    def __init__(self, derived: Article, sources: list[Article], alignments: list[Alignment], primary: str):
        self.d = _view(derived)
        self.sources = {s.id: _view(s) for s in sources}
        self.order = [s.id for s in sources]
        self.primary = primary
        self.found: list[tuple[Finding, float, str]] = []  # finding, weight, weight key
        # the same findings by derived sentence, for the checks that ask what one sentence holds
        # already (a scan of all findings per sentence would make the audit quadratic)
        self.found_in: dict[int | None, list[Finding]] = {}
        self.aligned: dict[int, _Aligned] = {}
        for al in alignments:
            if (
                al.derived != derived.id
                or al.relation == "unsupported"
                or al.source not in self.sources
                or al.source_sentence is None
            ):
                continue
            a = self.aligned.setdefault(al.derived_sentence, _Aligned(al.source, [], al.relation))
            if al.source == a.source and al.source_sentence not in a.sentences:
                a.sentences.append(al.source_sentence)
        self.added_reported: set[str] = set()
        self.dropped_reported: set[tuple[str, str]] = set()
        # derived sentences that are word for word one of the source sentences they restate: a
        # copy changes nothing, so nothing but a re-dating (the same words read from another
        # publication date) can be found in them
        self.identical: set[int] = set()
        for i, a in self.aligned.items():
            words = _words(derived.sentences[i].text) if i < len(derived.sentences) else None
            source_sentences = self.sources[a.source].article.sentences
            if words and any(j < len(source_sentences) and _words(source_sentences[j].text) == words for j in a.sentences):
                self.identical.add(i)

    def add(
        self,
        kind: str,
        *,
        i: int | None,
        src: str | None,
        j: int | None,
        explanation: str,
        d_span: tuple[int, int] | None = None,
        s_span: tuple[int, int] | None = None,
        d_value: Any = None,
        s_value: Any = None,
        weight_key: str | None = None,
    ) -> None:
        if kind not in FINDING_TYPES:
            raise ValueError(f"unknown finding type {kind!r} (model.FindingType lists them)")
        key = weight_key or kind
        f = Finding(
            type=kind,
            derived=self.d.article.id,
            source=src,
            derived_sentence=i,
            source_sentence=j,
            explanation=explanation,
            derived_span=d_span,
            source_span=s_span,
            derived_value=d_value,
            source_value=s_value,
        )
        self.found.append((f, self.weights.get(key, self.weights.get(kind, 0.0)), key))
        self.found_in.setdefault(i, []).append(f)

    def in_any_source(self, pred) -> bool:
        return any(pred(v) for v in self.sources.values())

    def _covered(self, i: int, d_span: tuple[int, int] | None, s_span: tuple[int, int] | None) -> bool:
        """Does a finding of this sentence already cover these spans?"""

        def overlaps(x, y) -> bool:
            return x is not None and y is not None and x[0] < y[1] and y[0] < x[1]

        for f in self.found_in.get(i, ()):
            if f.type in ("entity_dropped", "entity_added", "unsupported_claim", "detail_dropped"):
                continue
            if (overlaps(f.derived_span, d_span) and f.derived_span != (self.d.sents[i].start, self.d.sents[i].end)) or overlaps(
                f.source_span, s_span
            ):
                return True
        return False

    def _source_claims(self, a: _Aligned, src: _View, kind: str) -> list[Claim]:
        return [c for j in a.sentences for c in src.claims(j, kind)]

    def _number_known(self, q: _Qty, views: list[_View] | None = None) -> bool:
        """Is this number in a source: as a quantity, or as written ("1.200" for "1,200")?"""
        text = str(q.claim.attrs.get("number_text") or q.claim.text)
        digits = re.sub(r"[^\d]", "", text)
        word = re.sub(r"[^a-z -]", "", text.lower()).strip()
        for v in views if views is not None else list(self.sources.values()):
            if any(_same_number(q.value, x.value) for x in v.quantities):
                return True
            if len(digits) >= 3 and digits in v.digit_strings:
                return True
            if word and not digits and v.mentions(word):
                return True
        return False

    def _date_known(self, c: Claim) -> bool:
        sig = _date_sig(c)
        if self.in_any_source(lambda v: any(_date_sig(x) == sig or (c.value and x.value == c.value) for x in v.dates)):
            return True
        words = [
            w
            for w in re.findall(r"[a-z]+|\d+", c.text.lower())
            if w not in ("on", "in", "of", "the", "early", "late", "last", "this", "next")
        ]
        return bool(words) and self.in_any_source(lambda v: all(v.in_compact(w) for w in words))  # "julyaugust 2020"

    def _noun_in(self, i: int, unit: str):
        key = _wkey(unit)
        for tok in self.d.sents[i].doc:
            if tok.tag_.startswith("NN") and _wkey(tok.text) == key:
                return tok
        return None

    def _chunk(self, i: int, tok) -> tuple[int, int]:
        sent = self.d.sents[i]
        left = tok
        for t in reversed(list(tok.lefts)):
            if t.dep_ in ("amod", "compound", "det", "nummod", "quantmod", "advmod") and t.i == left.i - 1:
                left = t
        while left.dep_ == "det" and left.i < tok.i:  # keep the determiner out of the value
            left = sent.doc[left.i + 1]
        return sent.span_of(left)[0], sent.span_of(tok)[1]

    @staticmethod
    def _same_slot(c: Claim, view: _View, m: Claim, other: _View) -> bool:
        """Do the two names stand between the same words ("Mayor ___ said")?"""

        def neighbours(claim: Claim, v: _View) -> tuple[str | None, str | None]:
            doc = v.sents[claim.sentence].doc
            base = v.sents[claim.sentence].start
            before = [t for t in doc if base + t.idx + len(t.text) <= claim.start and t.is_alpha]
            after = [t for t in doc if base + t.idx >= claim.end and t.is_alpha]
            prev = before[-1].lower_ if before and base + before[-1].idx + len(before[-1].text) >= claim.start - 1 else None
            nxt = after[0].lower_ if after and base + after[0].idx <= claim.end + 1 else None
            return prev, nxt

        p1, n1 = neighbours(c, view)
        p2, n2 = neighbours(m, other)
        return (p1 is not None and p1 == p2) or (n1 is not None and n1 == n2)

    @staticmethod
    def _is_noun(view: _View, j: int, word: str) -> bool:
        return any(t.text == word and t.tag_.startswith("NN") for t in view.sents[j].doc)
