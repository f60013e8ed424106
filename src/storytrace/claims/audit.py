"""The claim audit: what each derived report changed against the report(s) it derives from.

Input: a :class:`~storytrace.model.Story` after lineage (derivation edges and sentence
alignments) and its Articles. Output: ``story.findings`` and, for every edge,
``edge.verdict``; every article of the story also gets its sourcing profile (direct quotes,
named / anonymous / vague sources, hedges) in ``article.meta["profile"]``.

A finding is evidence for a person: the derived sentence and the source sentence, the
character spans and the values on both sides (a value is the text its span covers; a date
also carries the day it resolves to, "early on Friday (2023-11-03)"), and a one-line
explanation of what changed. Everything is structural, no language or NLI model: the audit
reads the sentence alignment and the claims of :mod:`storytrace.claims.extract` (quantities,
entities, dates, quotes, attributions, hedges) and the spaCy parse of each sentence (negation,
tense, clause type). The parse is the one claim extraction already made
(:class:`_DocCollector`): spaCy runs once per article.

For every derived sentence that restates source sentence(s) (an alignment that is not
``unsupported``):

* ``number_changed``  a quantity counting the same thing with another value ("230
  hostages" where the source says "more than 200 hostages"), or a reversed bound;
* ``detail_dropped``  a quantity's qualifier lost ("four hostages" / "4 women hostages"),
  a number replaced by a vague word ("various foreign countries" / "25 foreign countries");
* ``detail_changed``  a name replaced by another of the same kind, an absolute date
  changed, a qualifier replaced by other descriptors of the same people;
* ``entity_added`` / ``entity_dropped``  a name no source has / a source name the derived
  report never names (omissions are reported but weigh nothing);
* ``attribution_dropped``  a quoted or attributed statement restated without its speaker,
  or with a named speaker replaced by a vague one;
* ``quote_altered``  a quotation whose words differ from the source's quotation;
* ``date_shift``  a relative date ("Friday", "yesterday") that resolves to another day than
  the source's (read from each report's own date), or a weekday replaced: the event is re-dated;
* ``conflict``  a negation added or removed, an antonym swapped ("approved" / "rejected");
* ``unsupported_claim``  new specifics inside a restated sentence (people, numbers, dates, a
  quotation no source has) or a source no source report cites ("Israeli officials said").

When a restated sentence is nearly word for word its source sentence, a word-level diff
catches what the claim-level checks may miss: a negation, a number, a weekday or a name
replaced, a speaker cut from "..., X said." (:meth:`_Auditor.pair_diff`).

For every derived sentence that restates nothing: ``unsupported_claim`` when it is specific
(a new name, number, date, quotation or source, or a statement of an event), else
``filler``. Across the whole report: ``conflict`` when it describes as still to come an
event that a source reports as done ("delay any ground invasion" / "sending ground forces").

The verdict per edge is a weighted sum of the findings (``WEIGHTS``; omissions and filler
weigh nothing), plus ``SHARE_WEIGHT`` times the share of the derived report's sentences that
are unsupported claims: ``facts_altered`` when it reaches ``THRESHOLD``; ``score`` =
1 - 2^(-evidence / THRESHOLD), so 0.5 at the threshold and monotone in the evidence. No
feature of style or length enters it. The free weights were chosen on the F3 development
pairs by a cross-validated grid search (``python bench/audit_eval.py --sets f3 --fit``).
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from math import floor, log10
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from storytrace.claims.extract import extract_claims_many, get_nlp, sourcing_profile
from storytrace.claims.lexicon import (
    ALIAS_OF,
    ANTONYMS,
    COGNITION_WORDS,
    DEMONYMS,
    DO_FORMS,
    EVALUATIVE_OBJECTS,
    FRAMING_WORDS,
    GROUP_SOURCES,
    HYPOTHETICAL_MODALS,
    IMPLICIT_NEGATIVES,
    IRREGULAR_FORMS,
    MONTH_RE,
    NEG_PREFIXES,
    NEG_WORDS,
    NOT_PREDICATES,
    ORDER_AFTER,
    ORDER_BEFORE,
    ORDER_OTHERWISE,
    PENDING_ADJ,
    PENDING_MODALS,
    PENDING_VERB_WORDS,
    PEOPLE,
    PEOPLE_WORDS,
    RELATIVE_DAYS,
    ROLE_RE,
    RUMOUR_HEDGES,
    SPEECH_WORDS,
    STATIVE_WORDS,
    TRIVIAL,
    UNLOSABLE_LABELS,
    VAGUE_AMOUNTS,
    WEEKDAY_WORDS,
    WHOLE_SOURCE,
)
from storytrace.index.features import stem
from storytrace.model import FINDING_TYPES, Alignment, Article, Claim, Edge, Finding, Story
from storytrace.segment import segment

__all__ = ["SHARE_WEIGHT", "THRESHOLD", "WEIGHTS", "audit_pair", "audit_story", "prepare_articles", "verdict", "weigh_pair"]

# ======================================================================================
# Verdict weights (chosen on F3 development data, see bench/audit_eval.py)
# ======================================================================================

THRESHOLD = 1.0
# Each finding adds its weight to the evidence; a weight of 1.0 decides alone. The weights marked
# "fit" were chosen by a grid search on the F3 development pairs (bench/audit_eval.py --fit,
# 5-fold cross-validated); the others are set by what the finding means.
WEIGHTS: dict[str, float] = {
    "number_changed": 1.0,
    "detail_changed": 1.0,
    "conflict": 1.0,
    "date_shift": 1.0,
    "quote_altered": 1.0,
    "unsupported_claim:new": 1.0,  # an unsupported sentence with new names, numbers, dates, quotations
    "unsupported_claim:quote": 1.0,  # a quotation no source has, in a restated sentence
    "unsupported_claim:event": 0.5,  # fit: an unsupported statement of an event
    "unsupported_claim:source": 0.5,  # fit: a source ("insiders said") no source report cites
    "unsupported_claim:detail": 0.34,  # fit: new people, numbers or dates inside a restated sentence
    "unsupported_claim:echo": 0.0,  # fit: an unsupported statement whose words are in one source sentence
    "attribution_dropped": 0.5,  # fit: a statement restated without its speaker
    "attribution_dropped:vague": 0.5,  # a named speaker replaced by a vague attribution
    "attribution_dropped:again": 0.0,  # the same speaker once more
    "entity_added": 0.25,  # fit
    "entity_added:norp": 0.25,  # fit: a nationality or group word
    "entity_dropped": 0.0,  # omissions are not alterations
    "detail_dropped": 0.0,
    "filler": 0.0,
    "framing_changed": 0.0,  # reported, not weighed: loaded words are a matter of judgement
    "order_changed": 0.0,
}
# plus SHARE_WEIGHT x the share of the derived report's sentences that are unsupported claims
# (new or event): an invented statement weighs more in a short report, where it is a larger
# part of what the report says (fit)
SHARE_WEIGHT = 0.5
ECHO = 0.4  # an unsupported statement with this share of its words in one source sentence is an "echo"
_SENTENCE_CLAIMS = ("unsupported_claim:new", "unsupported_claim:event")


# ======================================================================================
# Words
# ======================================================================================

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d[\d,.]*\d|\d")
_ALPHA = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


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
    """A sentence's words, lower-cased, without punctuation (what "word for word" compares)."""
    return tuple(re.findall(r"\w+", text.lower()))


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

    def claims(self, i: int, kind: str) -> list[Claim]:
        if kind == "entity":
            return [c for c in self.sents[i].claims if c.kind == kind and _real_name(c, self.text)]
        return [c for c in self.sents[i].claims if c.kind == kind]

    def mentions(self, name: str) -> bool:
        """Does the text name ``name`` (as whole words, any case)?"""
        name = name.lower().strip()
        if len(name) < 2:
            return False
        return re.search(r"(?<![a-z0-9])" + re.escape(name) + r"(?![a-z0-9])", self.lower) is not None


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

    def pipe(self, items, **kwargs):
        as_tuples = kwargs.get("as_tuples", False)
        for out in self._nlp.pipe(items, **kwargs):
            if as_tuples:
                self.docs[out[1]] = out[0]
            yield out

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
    texts = [article.text[s.start : s.end] for s in article.sentences]
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
        ents, text = view.entities, view.lower
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


class _Auditor:
    def __init__(self, derived: Article, sources: list[Article], alignments: list[Alignment], primary: str):
        self.d = _view(derived)
        self.sources = {s.id: _view(s) for s in sources}
        self.order = [s.id for s in sources]
        self.primary = primary
        self.found: list[tuple[Finding, float, str]] = []  # finding, weight, weight key
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

    # ------------------------------------------------------------------ plumbing

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
        self.found.append((f, WEIGHTS.get(key, WEIGHTS.get(kind, 0.0)), key))

    def in_any_source(self, pred) -> bool:
        return any(pred(v) for v in self.sources.values())

    def run(self) -> list[tuple[Finding, float, str]]:
        for i in range(len(self.d.sents)):
            a = self.aligned.get(i)
            if a is not None:
                self.pair(i, a)
            else:
                self.unsupported(i)
        self.attributions()
        self.new_sourcing()
        self.quotes()
        self.pending_done()
        self.people_left_out()
        self.one_finding_per_change()
        self.found = [t for t in self.found if _names_a_difference(t[0], self.identical)]
        order = {k: n for n, k in enumerate(_TYPE_ORDER)}
        self.found.sort(
            key=lambda t: (
                t[0].derived_sentence if t[0].derived_sentence is not None else 10**9,
                order.get(t[0].type, 99),
                (t[0].derived_span or (0, 0))[0],
            )
        )
        return self.found

    def people_left_out(self) -> None:
        """Only what a derivative restates can lose anything; a derivative that restates nearly
        all of a source (WHOLE_SOURCE of its sentences) has taken it whole, so the people of its
        few other sentences that it never names are dropped too: one finding per source,
        listing them. A derivative that took a part (a third of a source) drops nothing there."""
        for sid in self.order:
            src = self.sources[sid]
            restated = {j for a in self.aligned.values() if a.source == sid for j in a.sentences}
            if not src.sents or len(restated) < WHOLE_SOURCE * len(src.sents):
                continue
            names: list[Claim] = []
            for c in src.entities:
                if (
                    c.attrs.get("label") == "PERSON"
                    and c.sentence not in restated
                    and (sid, _entity_key(c)) not in self.dropped_reported
                    and not _entity_in(c, self.d)
                    and _entity_key(c) not in {_entity_key(n) for n in names}
                ):
                    names.append(c)
            for c in names:
                self.dropped_reported.add((sid, _entity_key(c)))
            if names:
                self.add(
                    "entity_dropped",
                    i=None,
                    src=sid,
                    j=names[0].sentence,
                    s_span=(names[0].start, names[0].end),
                    s_value=names[0].text if len(names) == 1 else [c.text for c in names],
                    explanation="people of the source, which this report restates nearly whole, that it never names: "
                    + ", ".join(f'"{c.text}"' for c in names),
                )

    def one_finding_per_change(self) -> None:
        """One finding per change: an attribution is reported once per speaker and derived
        sentence; the names one restated source sentence loses are one ``entity_dropped``
        listing them (a list of six countries cut from a sentence is one change)."""
        kept: list[tuple[Finding, float, str]] = []
        seen_attribution: set[tuple[int | None, tuple[str, ...]]] = set()
        for t in self.found:
            f = t[0]
            if f.type == "attribution_dropped":
                key = (f.derived_sentence, _words(str(f.source_value or "")))
                if key in seen_attribution:
                    continue
                seen_attribution.add(key)
            kept.append(t)
        dropped: dict[tuple[int | None, str | None, int | None], list[tuple[Finding, float, str]]] = {}
        out: list[tuple[Finding, float, str]] = []
        for t in kept:
            f = t[0]
            if f.type != "entity_dropped":
                out.append(t)
                continue
            group = dropped.setdefault((f.derived_sentence, f.source, f.source_sentence), [])
            if not group:
                out.append(t)  # the group's place in the list
            group.append(t)
        for group in dropped.values():
            if len(group) < 2:
                continue
            first, weight, wkey = group[0]
            names = [str(g[0].source_value) for g in group]
            spans = [g[0].source_span for g in group if g[0].source_span]
            merged = Finding(
                type="entity_dropped",
                derived=first.derived,
                source=first.source,
                derived_sentence=first.derived_sentence,
                source_sentence=first.source_sentence,
                explanation="names of the restated source sentence that the derived report never names: "
                + ", ".join(f'"{n}"' for n in names),
                derived_span=first.derived_span,
                source_span=(min(sp[0] for sp in spans), max(sp[1] for sp in spans)) if spans else None,
                derived_value=None,
                source_value=names,
            )
            out[out.index(group[0])] = (merged, weight, wkey)
        self.found = out

    # ------------------------------------------------------------------ aligned pairs

    def pair(self, i: int, a: _Aligned) -> None:
        src = self.sources[a.source]
        claimed: set[int] = set()  # ids of derived claims already explained by a finding
        self.pair_quantities(i, a, src, claimed)
        self.pair_dates(i, a, src, claimed)
        self.pair_entities(i, a, src, claimed)
        self.pair_conflicts(i, a, src)
        self.pair_diff(i, a, src)
        self.pair_new_details(i, a, src, claimed)
        self.pair_framing(i, a, src)
        self.pair_order(i, a, src)

    def _covered(self, i: int, d_span: tuple[int, int] | None, s_span: tuple[int, int] | None) -> bool:
        """Does a finding of this sentence already cover these spans?"""

        def overlaps(x, y) -> bool:
            return x is not None and y is not None and x[0] < y[1] and y[0] < x[1]

        for f, _, _ in self.found:
            if f.derived_sentence != i or f.type in ("entity_dropped", "entity_added", "unsupported_claim", "detail_dropped"):
                continue
            if (overlaps(f.derived_span, d_span) and f.derived_span != (self.d.sents[i].start, self.d.sents[i].end)) or overlaps(
                f.source_span, s_span
            ):
                return True
        return False

    def pair_diff(self, i: int, a: _Aligned, src: _View) -> None:
        """Word-level changes between a restated sentence and its closest source sentence, when
        the two are nearly the same words: a negation added or removed, a number, a weekday or
        a name replaced, a speaker cut from "..., X said." The checks above read claims and
        parses; this one reads the words, so that a one-word change is found even where the
        claims of the two sentences came out differently."""
        dsent = self.d.sents[i]
        d_toks = [t for t in dsent.doc if not t.is_space]
        # the source sentences it restates, and their neighbours (a restatement may join two)
        near = sorted({k for j in a.sentences for k in (j - 1, j, j + 1) if 0 <= k < len(src.sents)})
        for j in near:
            s_toks = [t for t in src.sents[j].doc if not t.is_space]
            sm = difflib.SequenceMatcher(None, [t.lower_ for t in s_toks], [t.lower_ for t in d_toks], autojunk=False)
            kept = sum(b.size for b in sm.get_matching_blocks())
            if s_toks and kept >= DIFF_RATIO * len(s_toks) and (j in a.sentences or kept >= 0.8 * len(s_toks)):
                self._diff_one(i, a, src, j, s_toks, d_toks, sm)

    def _diff_one(self, i: int, a: _Aligned, src: _View, j: int, s_toks: list, d_toks: list, sm) -> None:
        dsent, ssent = self.d.sents[i], src.sents[j]

        def span(sent: _Sent, toks: list) -> tuple[int, int]:
            return sent.span_of(toks[0])[0], sent.span_of(toks[-1])[1]

        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                continue
            old, new = s_toks[i1:i2], d_toks[j1:j2]
            if len(old) <= 8 and self._cut_speaker(i, a, j, ssent, old, d_toks[max(0, j1 - 3) : j2 + 3]):
                continue
            old_l, new_l = {t.lower_ for t in old}, {t.lower_ for t in new}
            # a negation added or removed, the rest the same words
            neg_old, neg_new = bool(old_l & NEG_WORDS), bool(new_l & NEG_WORDS)
            rest_old = {_tkey(t) for t in old if t.lower_ not in NEG_WORDS and t.lower_ not in DO_FORMS and not t.is_punct}
            rest_new = {_tkey(t) for t in new if t.lower_ not in NEG_WORDS and t.lower_ not in DO_FORMS and not t.is_punct}
            if neg_old != neg_new and rest_old == rest_new:
                ctx_old = s_toks[max(0, i1 - 1) : i2 + 1] if not old or not new else old
                ctx_new = d_toks[max(0, j1 - 1) : j2 + 1] if not old or not new else new
                d_span, s_span = span(dsent, ctx_new), span(ssent, ctx_old)
                if not self._covered(i, d_span, s_span):
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=j,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}": the negation is {"added" if neg_new else "removed"}',
                    )
                continue
            if not old or not new:
                continue
            # a number replaced
            d_num = [t for t in new if _NUMBER_TOKEN.fullmatch(t.text)]
            s_num = [t for t in old if _NUMBER_TOKEN.fullmatch(t.text)]
            if d_num and s_num and not _same_numerals([t.text for t in d_num], [t.text for t in s_num]):
                d_t, s_t = list(d_num), list(s_num)
                nxt_d = d_toks[j2] if j2 < len(d_toks) else None
                nxt_s = s_toks[i2] if i2 < len(s_toks) else None
                if nxt_d is not None and nxt_s is not None and nxt_d.lower_ == nxt_s.lower_ and nxt_d.tag_.startswith("NN"):
                    d_t.append(nxt_d)  # "43 hours" / "24 hours"
                    s_t.append(nxt_s)
                d_span, s_span = span(dsent, d_t), span(ssent, s_t)
                if not self._covered(i, d_span, s_span):
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self.add(
                        "number_changed",
                        i=i,
                        src=a.source,
                        j=j,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}"',
                    )
                continue
            # a weekday replaced
            d_wd = [t for t in new if t.lower_ in WEEKDAY_WORDS]
            s_wd = [t for t in old if t.lower_ in WEEKDAY_WORDS]
            if d_wd and s_wd and d_wd[0].lower_ != s_wd[0].lower_:
                d_span, s_span = span(dsent, d_wd[:1]), span(ssent, s_wd[:1])
                if not self._covered(i, d_span, s_span):
                    dc = next((c for c in dsent.claims if c.kind == "date" and c.start <= d_span[0] < c.end), None)
                    sc = next((c for c in ssent.claims if c.kind == "date" and c.start <= s_span[0] < c.end), None)
                    dv = _date_text(dc) if dc is not None else self.d.text[d_span[0] : d_span[1]]
                    sv = _date_text(sc) if sc is not None else src.text[s_span[0] : s_span[1]]
                    if dc is not None:
                        d_span = (dc.start, dc.end)
                    if sc is not None:
                        s_span = (sc.start, sc.end)
                    self.add(
                        "date_shift",
                        i=i,
                        src=a.source,
                        j=j,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}": the event is re-dated',
                    )
                continue
            # a name replaced
            d_name = [t for t in new if t.tag_ in ("NNP", "NNPS") and t.text[:1].isupper()]
            s_name = [t for t in old if t.tag_ in ("NNP", "NNPS") and t.text[:1].isupper()]
            if d_name and s_name and {t.lower_ for t in d_name}.isdisjoint({t.lower_ for t in s_name}):
                d_span, s_span = span(dsent, d_name), span(ssent, s_name)
                if not self._covered(i, d_span, s_span) and not self.in_any_source(
                    lambda v, d_span=d_span: v.mentions(self.d.text[d_span[0] : d_span[1]])
                ):
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self.added_reported.add(dv.lower())
                    self.add(
                        "detail_changed",
                        i=i,
                        src=a.source,
                        j=j,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'the name "{dv}" where the source says "{sv}"',
                    )

    def _cut_speaker(self, i: int, a: _Aligned, j: int, ssent: _Sent, old: list, new: list) -> bool:
        """Words cut from the source sentence that named its speaker (", Mayor X said")."""
        verbs = [t for t in old if _tkey(t) in _SPEECH and t.tag_.startswith("VB")]
        sent = self.d.sents[i]
        if not verbs or any(_tkey(t) in _SPEECH and t.tag_.startswith("VB") for t in new):
            return False  # the restatement says who said it, right there
        # the named speaker: the subject of the cut reporting verb ("..., Mayor Elena Ruiz said")
        subjects = {w.i for v in verbs for c in v.children if c.dep_ == "nsubj" for w in c.subtree}
        who = [t for t in old if t.tag_ in ("NNP", "NNPS") and t.i in subjects]
        if not who or {t.lower_ for t in who} & {t.lower_ for t in new}:
            return False
        roles = [t for t in old if t.i in subjects and t.i < who[0].i and t.tag_.startswith("NN")]
        who = roles + who if roles and roles[-1].i == who[0].i - 1 else who  # "Mayor Elena Ruiz"
        s_span = (ssent.span_of(who[0])[0], ssent.span_of(who[-1])[1])
        if any(f.type == "attribution_dropped" and f.derived_sentence == i for f, _, _ in self.found) or self._covered(
            i, None, s_span
        ):
            return True
        phrase = self.sources[a.source].text[s_span[0] : s_span[1]]
        self.add(
            "attribution_dropped",
            i=i,
            src=a.source,
            j=j,
            d_span=(sent.start, sent.end),
            s_span=s_span,
            d_value=None,
            s_value=phrase,
            explanation=f'"{phrase}" is cut from the statement it spoke: restated as unattributed narration',
        )
        return True

    def _source_claims(self, a: _Aligned, src: _View, kind: str) -> list[Claim]:
        return [c for j in a.sentences for c in src.claims(j, kind)]

    def pair_quantities(self, i: int, a: _Aligned, src: _View, claimed: set[int]) -> None:
        dq = [q for q in (_as_quantity(c) for c in self.d.sents[i].claims) if q is not None]
        sq = [q for q in (_as_quantity(c) for j in a.sentences for c in src.sents[j].claims) if q is not None]
        used: set[int] = set()
        for q in dq:
            if q.vague:
                continue
            distinctive = q.value >= 13 or q.value != int(q.value)
            same = [
                s
                for s in sq
                if _same_number(q.value, s.value)
                and (distinctive or s.unit == q.unit or None in (s.unit, q.unit) or not any(x.unit == q.unit for x in sq))
            ]
            if same:
                s = min(same, key=lambda s: (s.unit != q.unit, id(s) in used))
                used.add(id(s))
                claimed.add(id(q.claim))
                if _opposite_modifiers(q.modifier, s.modifier):
                    self.number(i, a.source, q, s, "the bound is reversed")
                elif s.unit == q.unit:
                    self.qualifiers(i, a, src, q, s, claimed)
                continue
            if self._number_known(q, [src]) or self.in_any_source(
                lambda v, q=q: any(
                    _same_number(q.value, x.value) and (x.unit == q.unit or None in (x.unit, q.unit)) for x in v.quantities
                )
            ):
                claimed.add(id(q.claim))
                continue  # said elsewhere in a source
            j_text = " ".join(src.sents[j].text.lower() for j in a.sentences)
            written = str(q.claim.attrs.get("number_text") or "").lower()
            if (
                q.value < 1
                or (q.value == 1 and not re.search(r"\d", q.claim.text))
                or (written and re.search(r"(?<![\w.,])" + re.escape(written) + r"(?![\w])", j_text))
            ):
                continue  # "half", "one person to another"; a number written in the source sentence
            rivals = [
                s
                for s in sq
                if s.unit is not None
                and s.unit == q.unit
                and id(s) not in used
                and not s.vague
                and s.value >= 1
                and not any(_same_number(x.value, s.value) for x in dq)
            ]
            if not rivals and q.unit is not None:
                rivals = [
                    s
                    for s in src.quantities
                    if s.unit == q.unit
                    and not s.vague
                    and s.value >= 1
                    and not any(_same_number(x.value, s.value) and x.unit == s.unit for x in self.d.quantities)
                ]
            if rivals:
                s = min(
                    rivals,
                    key=lambda s: (s.sentence not in a.sentences, abs(s.sentence - (a.sentences[0] if a.sentences else 0))),
                )
                used.add(id(s))
                claimed.add(id(q.claim))
                self.number(i, a.source, q, s, None)
        # a source number the restatement replaced by a vague word ("various foreign countries")
        for s in sq:
            if (
                id(s) in used
                or s.vague
                or s.unit is None
                or any(_same_number(x.value, s.value) or x.unit == s.unit for x in self.d.quantities)
            ):
                continue
            tok = self._noun_in(i, s.unit)
            if tok is not None and any(c.lower_ in VAGUE_AMOUNTS for c in tok.lefts):
                chunk = self._chunk(i, tok)
                self.add(
                    "detail_dropped",
                    i=i,
                    src=a.source,
                    j=s.sentence,
                    d_span=chunk,
                    s_span=(s.claim.start, s.claim.end),
                    d_value=self.d.text[chunk[0] : chunk[1]],
                    s_value=s.claim.text,
                    explanation=f'"{_short(self.d.text[chunk[0] : chunk[1]])}" where the source says "{_short(s.claim.text)}": the number is gone',
                )

    def number(self, i: int, source: str, q: _Qty, s: _Qty, why: str | None) -> None:
        note = f" ({why})" if why else ""
        if q.modifier != s.modifier and not why:
            if s.modifier and not q.modifier:
                note = f' (the source\'s "{s.modifier.replace("_", " ")}" is gone)'
            elif q.modifier and not s.modifier:
                note = f' ("{q.modifier.replace("_", " ")}" is new)'
        self.add(
            "number_changed",
            i=i,
            src=source,
            j=s.sentence,
            d_span=(q.claim.start, q.claim.end),
            s_span=(s.claim.start, s.claim.end),
            d_value=q.claim.text,
            s_value=s.claim.text,
            explanation=f'"{q.claim.text}" where the source says "{s.claim.text}"{note}',
        )

    def qualifiers(self, i: int, a: _Aligned, src: _View, q: _Qty, s: _Qty, claimed: set[int]) -> None:
        """A matched quantity lost the words that said who or what was counted."""
        lost = []
        for word in s.claim.attrs.get("qualifiers") or []:
            if word.lower() in self.d.sents[i].text.lower():
                continue
            if word.lower() in PEOPLE_WORDS or word[:1].isupper() or self._is_noun(src, s.sentence, word):
                lost.append(word)
        if not lost:
            return
        # did the restatement put other descriptors of the same people in their place?
        sent = self.d.sents[i]
        j_text = " ".join(src.sents[j].text.lower() for j in a.sentences)
        new = []
        for c in sent.claims:
            if (
                c.kind == "entity"
                and c.attrs.get("label") == "NORP"
                and c.start > q.claim.start
                and _entity_key(c) not in j_text
                and c.text.lower() not in j_text
            ):
                new.append((c.start, c.end))
        for tok in sent.doc:
            if tok.lower_ in PEOPLE_WORDS and not any(
                w in j_text.split() for w, cat in PEOPLE.items() if cat == PEOPLE[tok.lower_]
            ):
                st, en = sent.span_of(tok)
                if st > q.claim.start:
                    new.append((st, en))
        for c in sent.claims:  # "two Americans" as a quantity: widen to its whole span
            if c.kind == "quantity" and any(c.start <= st < c.end for st, _ in new):
                new.append((c.start, c.end))
                claimed.add(id(c))
        lost_text = ", ".join(f'"{w}"' for w in lost)
        if new:
            end = max(e for _, e in new)
            span = (q.claim.start, end)
            value = self.d.text[span[0] : span[1]]
            self.add(
                "detail_changed",
                i=i,
                src=a.source,
                j=s.sentence,
                d_span=span,
                s_span=(s.claim.start, s.claim.end),
                d_value=value,
                s_value=s.claim.text,
                explanation=f'"{_short(value)}" where the source says "{s.claim.text}": {lost_text} replaced by details no source gives',
            )
        else:
            self.add(
                "detail_dropped",
                i=i,
                src=a.source,
                j=s.sentence,
                d_span=(q.claim.start, q.claim.end),
                s_span=(s.claim.start, s.claim.end),
                d_value=q.claim.text,
                s_value=s.claim.text,
                explanation=f'"{q.claim.text}" where the source says "{s.claim.text}": {lost_text} dropped',
            )

    def pair_dates(self, i: int, a: _Aligned, src: _View, claimed: set[int]) -> None:
        dd = [c for c in self.d.claims(i, "date") if _date_sig(c)]
        sd = [c for c in self._source_claims(a, src, "date") if _date_sig(c)]
        used: set[int] = set()

        def same(x: Claim, y: Claim) -> bool:
            return _date_sig(x) == _date_sig(y) or bool(x.value and x.value == y.value and _date_kind(x) != "rel")

        for c in dd:
            match = [s for s in sd if same(c, s)]
            if match:
                s = match[0]
                used.add(id(s))
                claimed.add(id(c))
                if _date_kind(c) == "rel" and c.value and s.value and c.value != s.value:
                    self.add(
                        "date_shift",
                        i=i,
                        src=a.source,
                        j=s.sentence,
                        d_span=(c.start, c.end),
                        s_span=(s.start, s.end),
                        d_value=_date_text(c),
                        s_value=_date_text(s),
                        explanation=(
                            f'"{c.text}" is {c.value} read from this report\'s date ({self.d.published}), but {s.value} in the source '
                            f"(published {src.published}): the event is re-dated"
                        ),
                    )
                continue
            if self.in_any_source(lambda v, c=c: any(same(c, x) for x in v.dates)):
                claimed.add(id(c))
                continue
            kind = _date_kind(c)
            rivals = [s for s in sd if id(s) not in used and _date_kind(s) == kind and not any(same(x, s) for x in dd)]
            if not rivals:
                continue
            s = rivals[0]
            used.add(id(s))
            claimed.add(id(c))
            if kind == "rel":
                when = f" ({c.value} against {s.value})" if c.value and s.value else ""
                self.add(
                    "date_shift",
                    i=i,
                    src=a.source,
                    j=s.sentence,
                    d_span=(c.start, c.end),
                    s_span=(s.start, s.end),
                    d_value=_date_text(c),
                    s_value=_date_text(s),
                    explanation=f'"{c.text}" where the source says "{s.text}"{when}: the event is re-dated',
                )
            else:
                self.add(
                    "detail_changed",
                    i=i,
                    src=a.source,
                    j=s.sentence,
                    d_span=(c.start, c.end),
                    s_span=(s.start, s.end),
                    d_value=c.text,
                    s_value=s.text,
                    explanation=f'the date "{c.text}" where the source says "{s.text}"',
                )

    def pair_entities(self, i: int, a: _Aligned, src: _View, claimed: set[int]) -> None:
        d_ents = [c for c in self.d.claims(i, "entity") if id(c) not in claimed]
        s_ents = self._source_claims(a, src, "entity")
        # source names of the restated sentences that this sentence does not name
        missing = []
        seen = set()
        for c in s_ents:
            k = _entity_key(c)
            if k in seen or _entity_in(c, self.d, i):
                continue
            seen.add(k)
            missing.append(c)
        new_here = []
        seen = set()
        for c in d_ents:
            k = _entity_key(c)
            if k in seen or any(_entity_in(c, src, j) for j in a.sentences):
                continue
            seen.add(k)
            new_here.append(c)
        replaced: set[int] = set()
        whole = a.relation in ("verbatim", "paraphrase")
        groups = Counter(_label_group(c) for c in new_here)
        lost_groups = Counter(_label_group(m) for m in missing if not _entity_in(m, self.d))
        for c in new_here:
            if not (src.cased and self.d.cased):
                break  # names found by NER in lower-cased text are too noisy to pair
            novel = not self.in_any_source(lambda v, c=c: _entity_in(c, v))
            label = _label_group(c)
            for m in missing:
                if id(m) in replaced or _label_group(m) != label or label not in ("person", "organisation", "place"):
                    continue
                one_for_one = groups[label] == 1 and lost_groups[label] == 1
                if not ((whole and one_for_one and m.sentence == a.sentences[0]) or self._same_slot(c, self.d, m, src)):
                    continue
                gone = not _entity_in(m, self.d)
                if novel or (gone and label == "person"):
                    replaced.add(id(m))
                    claimed.add(id(c))
                    self.added_reported.add(_entity_key(c))
                    self.dropped_reported.add((a.source, _entity_key(m)))
                    self.add(
                        "detail_changed",
                        i=i,
                        src=a.source,
                        j=m.sentence,
                        d_span=(c.start, c.end),
                        s_span=(m.start, m.end),
                        d_value=c.text,
                        s_value=m.text,
                        explanation=f'{label} "{c.text}" where the source names "{m.text}"',
                    )
                    break
        # a different first name before the same surname ("Jane Smith" / "Mary Smith")
        for c in d_ents:
            if id(c) in claimed or c.attrs.get("label") != "PERSON" or len(c.text.split()) != 2:
                continue
            for m in s_ents:
                if (
                    m.attrs.get("label") == "PERSON"
                    and len(m.text.split()) == 2
                    and _entity_key(m) == _entity_key(c)
                    and m.text.split()[0].lower() != c.text.split()[0].lower()
                    and not self.d.mentions(m.text)
                    and not self.in_any_source(lambda v, c=c: v.mentions(c.text))
                ):
                    claimed.add(id(c))
                    self.add(
                        "detail_changed",
                        i=i,
                        src=a.source,
                        j=m.sentence,
                        d_span=(c.start, c.end),
                        s_span=(m.start, m.end),
                        d_value=c.text,
                        s_value=m.text,
                        explanation=f'person "{c.text}" where the source names "{m.text}"',
                    )
                    break
        for m in missing:
            if id(m) in replaced or _entity_in(m, self.d) or (a.source, _entity_key(m)) in self.dropped_reported:
                continue
            if m.attrs.get("label") in UNLOSABLE_LABELS:
                continue  # "American", "Palestinian": a word of description, not a name the story loses
            self.dropped_reported.add((a.source, _entity_key(m)))
            self.add(
                "entity_dropped",
                i=i,
                src=a.source,
                j=m.sentence,
                d_span=(self.d.sents[i].start, self.d.sents[i].end),
                s_span=(m.start, m.end),
                d_value=None,
                s_value=m.text,
                explanation=f'"{m.text}" of the restated source sentence is not named anywhere in the derived report',
            )
        for c in d_ents:
            if id(c) not in claimed:
                self.entity_added(i, c)

    def entity_added(self, i: int, c: Claim) -> bool:
        k = _entity_key(c)
        if k in self.added_reported or self.in_any_source(lambda v: _entity_in(c, v)):
            return False
        self.added_reported.add(k)
        norp = c.attrs.get("label") == "NORP"
        self.add(
            "entity_added",
            i=i,
            src=self.primary,
            j=None,
            d_span=(c.start, c.end),
            d_value=c.text,
            weight_key="entity_added:norp" if norp else "entity_added",
            explanation=f'{_label_group(c, "name")} "{c.text}" appears in no source',
        )
        return True

    def pair_framing(self, i: int, a: _Aligned, src: _View) -> None:
        """The same event told with loaded words added or taken away (FRAMING_WORDS): "surprise
        attack" restated as "devastating terrorist attack". The values are the noun phrases
        that carry them (the source's phrase with the same head noun, when it has one)."""
        sent = self.d.sents[i]
        source_sents = [src.sents[j] for j in a.sentences if j < len(src.sents)]

        def loaded(doc) -> dict[str, Any]:
            return {t.lower_: t for t in doc if t.lower_ in FRAMING_WORDS}

        mine = loaded(sent.doc)
        theirs: dict[str, Any] = {}
        for ss in source_sents:
            theirs.update(loaded(ss.doc))
        added = [t for w, t in mine.items() if w not in theirs]
        removed = [(ss, t) for ss in source_sents for w, t in loaded(ss.doc).items() if w not in mine]
        if not added and not removed:
            return
        if added:
            phrase = _phrase_of(added[0])
            s_sent, s_phrase = _same_head(source_sents, phrase[-1].lower_)
            words = ", ".join(f'"{t.text}"' for t in added)
            self.add(
                "framing_changed",
                i=i,
                src=a.source,
                j=s_sent.index if s_sent is not None else (a.sentences[0] if a.sentences else None),
                d_span=_span(sent, phrase),
                s_span=_span(s_sent, s_phrase) if s_sent is not None else None,
                d_value=phrase.text,
                s_value=s_phrase.text if s_phrase is not None else None,
                explanation=f"loaded words the source does not use: {words}"
                + (f' ("{phrase.text}" where the source says "{s_phrase.text}")' if s_phrase is not None else ""),
            )
        else:
            ss, tok = removed[0]
            phrase = _phrase_of(tok)
            words = ", ".join(f'"{t.text}"' for _, t in removed)
            self.add(
                "framing_changed",
                i=i,
                src=a.source,
                j=ss.index,
                d_span=(sent.start, sent.end),
                s_span=_span(ss, phrase),
                d_value=None,
                s_value=phrase.text,
                explanation=f"loaded words of the source that the restatement leaves out: {words}",
            )

    def pair_order(self, i: int, a: _Aligned, src: _View) -> None:
        """Restated events in another temporal order: the source orders two events with a
        connective ("the talks collapsed before Israel began its offensive") and the
        restatement reverses it ("after") or keeps neither order, relating the two otherwise
        ("as Israel launched ..., it further complicated talks")."""
        sent = self.d.sents[i]
        mine = _order_words(sent.doc)
        for j in a.sentences:
            if j >= len(src.sents):
                continue
            ss = src.sents[j]
            for tok, first in _order_words(ss.doc):
                if any(f == first for _, f in mine):
                    continue  # the order is kept
                event = (
                    ss.doc[tok.head.left_edge.i : tok.head.right_edge.i + 1] if tok.head.i != tok.i else ss.doc[tok.i : tok.i + 1]
                )
                words = _keys(event.text)
                if len(words & sent.keys) < max(2, len(words) / 3):
                    continue  # the ordered event is not restated here: nothing to compare
                reversed_ = [t for t, f in mine if f != first]
                otherwise = [t for t in sent.doc if t.lower_ in ORDER_OTHERWISE and t.dep_ in ("mark", "prep")]
                if reversed_:
                    how = f'the restatement says "{reversed_[0].text}" where the source says "{tok.text}"'
                    pivot = reversed_[0]
                elif otherwise:
                    how = f'the source puts the events in order with "{tok.text}"; the restatement relates them with "{otherwise[0].text}"'
                    pivot = otherwise[0]
                else:
                    continue
                d_span = sent.span_of(pivot)
                d_value = pivot.text
                self.add(
                    "order_changed",
                    i=i,
                    src=a.source,
                    j=j,
                    d_span=d_span,
                    s_span=(ss.span_of(event[0])[0], ss.span_of(event[-1])[1]),
                    d_value=d_value,
                    s_value=event.text,
                    explanation=how,
                )
                return

    def pair_new_details(self, i: int, a: _Aligned, src: _View, claimed: set[int]) -> None:
        """New people, numbers or dates inside a restated sentence that no source gives."""
        sent = self.d.sents[i]
        items: list[tuple[int, int]] = []
        for tok in sent.doc:
            if tok.lower_ in PEOPLE_WORDS and not self.in_any_source(lambda v, tok=tok: PEOPLE[tok.lower_] in v.people):
                st, en = sent.span_of(tok)
                if tok.dep_ == "amod" and tok.head.i > tok.i:  # "elderly individuals"
                    en = sent.span_of(tok.head)[1]
                items.append((st, en))
        for c in sent.claims:
            if id(c) in claimed:
                continue
            q = _as_quantity(c)
            if q is not None and not q.vague and _specific_number(q) and not self._number_known(q):
                items.append((c.start, c.end))
            if c.kind == "date" and _date_sig(c) and not self._date_known(c):
                items.append((c.start, c.end))
        if not items:
            return
        items.sort()
        span = (items[0][0], max(e for _, e in items))
        parts = [self.d.text[s:e] for s, e in items]
        self.add(
            "unsupported_claim",
            i=i,
            src=a.source,
            j=a.sentences[0] if a.sentences else None,
            d_span=span,
            d_value=self.d.text[span[0] : span[1]],
            weight_key="unsupported_claim:detail",
            explanation="adds " + ", ".join(f'"{p}"' for p in parts) + ", which no source gives, to a restated sentence",
        )

    # ------------------------------------------------------------------ conflicts

    def pair_conflicts(self, i: int, a: _Aligned, src: _View) -> None:
        dsent = self.d.sents[i]
        d_pol = _polarity(dsent)
        s_pol: dict[str, list[tuple[Any, bool, _Sent]]] = {}
        for j in a.sentences:
            for k, items in _polarity(src.sents[j]).items():
                s_pol.setdefault(k, []).extend(items)
        if _negations(dsent.doc) != sum(_negations(src.sents[j].doc) for j in a.sentences):
            for k, items in d_pol.items():
                if k not in s_pol:
                    continue
                d_neg = {neg for _, neg, _ in items}
                s_neg = {neg for _, neg, _ in s_pol[k]}
                if len(d_neg) == 1 and len(s_neg) == 1 and d_neg != s_neg:
                    dt, dn, _ = items[0]
                    st, sn, ssent = s_pol[k][0]
                    if not (_arguments(dt) & _arguments(st)):
                        continue  # the same verb about other things
                    d_span = _predicate_span(dsent, dt)
                    s_span = _predicate_span(ssent, st)
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}": the negation is {"added" if dn else "removed"}',
                    )
                    return
            # another verb about the same things, with the opposite polarity ("does not cause CO2
            # intoxication" / "can lead to CO2 intoxication")
            d_items = [x for items in d_pol.values() for x in items]
            s_items = [x for items in s_pol.values() for x in items]
            for dt, dn, _ in d_items:
                d_args = _arguments(dt)
                if len(d_args) < 2 or dt.tag_ not in _FINITE:
                    continue
                for st, sn, ssent in s_items:
                    if sn == dn or st.tag_ not in _FINITE or len(d_args & _arguments(st)) < 2:
                        continue
                    if any(x[1] == dn and len(_arguments(x[0]) & d_args) >= 2 for x in s_items):
                        continue  # the source also says it the derived report's way
                    d_span = _predicate_span(dsent, dt)
                    s_span = _predicate_span(ssent, st)
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    shared = ", ".join(sorted(d_args & _arguments(st)))
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}" (about the same {shared}): the negation is {"added" if dn else "removed"}',
                    )
                    return
        d_words = {t.lower_: t for t in dsent.doc}
        s_words: dict[str, tuple[Any, _Sent]] = {}
        for j in a.sentences:
            for t in src.sents[j].doc:
                s_words.setdefault(t.lower_, (t, src.sents[j]))
        if "?" in dsent.text or any("?" in src.sents[j].text for j in a.sentences):
            return
        for left, right in ANTONYMS:
            for mine, theirs in ((left, right), (right, left)):
                dw = [w for w in d_words if w in mine]
                sw = [w for w in s_words if w in theirs]
                if dw and sw and not any(w in theirs for w in d_words) and not any(w in mine for w in s_words):
                    dt = d_words[dw[0]]
                    st, ssent = s_words[sw[0]]
                    if (
                        _is_negated(dt)
                        or _is_negated(st)
                        or _negations(dsent.doc) != sum(_negations(src.sents[j].doc) for j in a.sentences)
                    ):
                        continue  # "did not increase" / "fell": consistent
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=dsent.span_of(dt),
                        s_span=ssent.span_of(st),
                        d_value=dt.text,
                        s_value=st.text,
                        explanation=f'"{dt.text}" where the source says "{st.text}"',
                    )
                    return
        for t in dsent.doc:  # "unsafe" where the source says "safe"
            w = t.lower_
            if not (t.tag_.startswith("JJ") or t.tag_.startswith("VB")):
                continue
            for p in NEG_PREFIXES:
                if w.startswith(p) and len(w) - len(p) >= 4 and w[len(p) :] in s_words and w not in s_words:
                    st, ssent = s_words[w[len(p) :]]
                    if st.tag_[:2] != t.tag_[:2] or _is_negated(st) or _is_negated(t):
                        continue  # "unlikely" / "not likely": consistent
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=dsent.span_of(t),
                        s_span=ssent.span_of(st),
                        d_value=t.text,
                        s_value=st.text,
                        explanation=f'"{t.text}" where the source says "{st.text}"',
                    )
                    return

    def pending_done(self) -> None:
        """An event the derived report describes as still to come, that a source reports as done."""
        for sid in self.order:
            src = self.sources[sid]
            if self.d.published and src.published and self.d.published < src.published:
                continue
            for sent in self.d.sents:
                for cue, head in _pending_events(sent.doc):
                    words = _event_words(head)
                    if cue.tag_.startswith("VB"):
                        words += [g for c in cue.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
                    keys = {_wkey(t.text) for t in words if t.ent_type_ == "" and len(t.text) > 2 and t.lower_ not in STOP_WORDS}
                    ent_keys = {_wkey(t.text) for t in words if t.ent_type_ != ""}
                    keys -= {_wkey(cue.text)} | _PENDING_MARKS
                    if len(keys) < 2:
                        continue
                    for ssent in src.sents:
                        hit = _realis_match(ssent, keys, ent_keys)
                        if hit is None:
                            continue
                        toks = sorted([cue, *words], key=lambda t: t.i)
                        d_span = (sent.span_of(toks[0])[0], sent.span_of(toks[-1])[1])
                        dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[hit[0] : hit[1]]
                        when = f" (published {src.published})" if src.published else ""
                        self.add(
                            "conflict",
                            i=sent.index,
                            src=sid,
                            j=ssent.index,
                            d_span=d_span,
                            s_span=hit,
                            d_value=dv,
                            s_value=sv,
                            explanation=f'describes "{dv}" as still to come, while the source{when} reports it as done: "{sv}"',
                        )
                        return

    # ------------------------------------------------------------------ quotes and speakers

    def attributions(self) -> None:
        """A quoted or attributed source statement restated without its speaker."""
        by_source: dict[tuple[str, int], list[int]] = {}
        for i, a in self.aligned.items():
            src = self.sources[a.source]
            for j in a.sentences:
                by_source.setdefault((a.source, j), []).append(i)
                # a restatement may also hold the quotation of the neighbouring source sentence,
                # word for word (two quotations joined once the attribution between them is cut)
                for k in (j - 1, j + 1):
                    if 0 <= k < len(src.sents) and any(
                        _contains_words(self.d.sents[i].text, q.value)
                        for q in src.sents[k].claims
                        if q.kind == "quote" and _explicit(q)
                    ):
                        by_source.setdefault((a.source, k), []).append(i)
        done: set[tuple[str, str]] = set()
        speakers_dropped: set[tuple[str, str]] = set()
        for (sid, j), derived_sents in sorted(by_source.items(), key=lambda kv: (self.order.index(kv[0][0]), kv[0][1])):
            src = self.sources[sid]
            for item in _speaker_items(src, j):
                ident = (sid, f"{item.sentence}:{item.speaker}")
                if ident in done:
                    continue
                # restated: the sentence shares more of the quoted words than of the rest of the
                # source sentence, and at least two of them are distinctive in the source
                content = _keys(item.content)
                rest = src.sents[j].keys - content
                rare = {k for k in content if src.frequency[k] <= max(2, 0.15 * len(src.sents))}
                restating = [
                    i
                    for i in sorted(set(derived_sents))
                    if _met(content, self.d.sents[i].keys) >= _met(rest, self.d.sents[i].keys)
                    and _met(rare, self.d.sents[i].keys) >= 2
                ]
                if not restating:
                    continue
                done.add(ident)
                verdicts = [self._speaker_kept(i, item) for i in restating]
                if any(v == "kept" for v in verdicts):
                    continue
                i = restating[0]
                again = (sid, item.speaker.lower()) in speakers_dropped
                speakers_dropped.add((sid, item.speaker.lower()))
                vague = [v for v in verdicts if isinstance(v, Claim)]
                what = "quote" if item.kind == "quote" else "statement"
                # the speaker by name: "the harbour master" is said as "the harbour master, Ana Ruiz"
                who = item.phrase if item.speaker.lower() in item.phrase.lower() else f"{item.phrase}, {item.speaker}"
                sent = self.d.sents[i]
                if vague:
                    v = vague[0]
                    self.add(
                        "attribution_dropped",
                        i=v.sentence,
                        src=sid,
                        j=item.sentence,
                        d_span=(v.start, v.end),
                        s_span=item.span,
                        d_value=v.text,
                        s_value=who,
                        weight_key="attribution_dropped:again" if again else "attribution_dropped:vague",
                        explanation=f'the {what} of "{who}" is restated as coming from "{v.text}": the named source is gone',
                    )
                else:
                    self.add(
                        "attribution_dropped",
                        i=i,
                        src=sid,
                        j=item.sentence,
                        d_span=(sent.start, sent.end),
                        s_span=item.span,
                        d_value=None,
                        s_value=who,
                        weight_key="attribution_dropped:again" if again else None,
                        explanation=f'the {what} of "{who}" is restated as unattributed narration',
                    )

    def _speaker_kept(self, i: int, item: _SpeakerItem) -> str | Claim:
        sent = self.d.sents[i]
        low = sent.text.lower()
        for name in item.names:
            if re.search(r"(?<![a-z])" + re.escape(name) + r"(?![a-z])", low):
                return "kept"
        # speakers said in this sentence (a quotation's speaker carried over from an earlier one
        # by the extractor is no attribution here)
        atts = [c for c in sent.claims if c.kind == "attribution"] + [
            c for c in sent.claims if c.kind == "quote" and _explicit(c)
        ]
        if not atts:
            speech = [
                t
                for t in sent.doc
                if t.tag_.startswith("VB")
                and (_tkey(t) in _SPEECH or _tkey(t) in {_wkey("show"), _wkey("find"), _wkey("found")})
                and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
            ]
            if any(t.lower_ == "according" for t in sent.doc):
                return "kept"
            return "kept" if speech else "dropped"  # "the report revealed ...": attributed, if to another source
        if any(c.attrs.get("speaker_kind") == "pronoun" for c in atts):
            return "kept"  # "he said": the speaker is still there, by a pronoun
        if item.named and all(
            not c.attrs.get("named") and c.attrs.get("speaker_kind") != "named" for c in atts if c.kind == "attribution"
        ):
            vague = [c for c in atts if c.kind == "attribution"]
            if vague:
                return vague[0]
        return "kept"

    def new_sourcing(self) -> None:
        """Sources the derived report cites that its sources never cite ("unverified sources
        claim", "Israeli officials said"), and rumour hedges ("allegedly") they never use:
        sourcing made up for a claim."""
        for i in range(len(self.d.sents)):
            if i not in self.aligned:
                continue  # an unsupported sentence is reported as a whole (see ``unsupported``)
            for phrase, span in self._invented_sources(i):
                a = self.aligned[i]
                self.add(
                    "unsupported_claim",
                    i=i,
                    src=a.source,
                    j=a.sentences[0],
                    d_span=span,
                    d_value=phrase,
                    weight_key="unsupported_claim:source",
                    explanation=f'cites "{phrase}", a source that no source report cites',
                )

    def _restates_anonymous_source(self, i: int) -> bool:
        """Does a source sentence this one restates cite an unnamed, anonymous source?"""
        a = self.aligned.get(i)
        if a is None:
            return False
        src = self.sources[a.source]
        return any(c.attrs.get("anonymous") for j in a.sentences for c in src.claims(j, "attribution"))

    def _invented_sources(self, i: int) -> list[tuple[str, tuple[int, int]]]:
        sent = self.d.sents[i]
        out = []
        for c in sent.claims:
            if c.kind == "attribution" and not c.attrs.get("named") and (c.attrs.get("vague") or c.attrs.get("anonymous")):
                head, affiliation = _source_head(sent, c)
                if head is None or head.lower_ not in GROUP_SOURCES:
                    continue  # only unnamed people: "sources", "officials", "insiders", "experts", ...
                if self.in_any_source(lambda v, head=head, affiliation=affiliation: _cites(v, head, affiliation)):
                    continue
                if c.attrs.get("anonymous") and self._restates_anonymous_source(i):
                    continue  # "a source close to the inquiry" for "an official who asked not to be named": the same source retold
                out.append((c.text, (c.start, c.end)))
            elif (
                c.kind == "hedge"
                and str(c.value).lower() in RUMOUR_HEDGES
                and not self.in_any_source(lambda v, c=c: v.mentions(str(c.value)))
            ):
                out.append((c.text, (c.start, c.end)))
        return out

    def quotes(self) -> None:
        """Quotations whose words differ from the source's, and quotations no source has."""
        # a quotation is someone's words: quotation marks around a whole text (a tweet) are not
        src_quotes = [(sid, q) for sid in self.order for q in self.sources[sid].quotes if _attributed(q)]
        source_words = {sid: " " + " ".join(_quote_words(v.text)) + " " for sid, v in self.sources.items()}
        for q in self.d.quotes:
            words = _quote_words(q.value)
            if len(words) < 4 or not (_attributed(q) or src_quotes):
                continue
            if any(" " + " ".join(words) + " " in text for text in source_words.values()):
                continue  # the same words are in a source
            qkeys = _keys(q.value)
            best, best_score = None, 0.0
            for sid, sq in src_quotes:
                score = len(qkeys & _keys(sq.value)) / max(1, len(qkeys))
                if score > best_score:
                    best, best_score = (sid, sq), score
            if best is not None and best_score >= 0.5:
                sid, sq = best
                changes = _quote_changes(_quote_words(sq.value), words)
                # words added at a quotation's edge that the source has right there (the quotation
                # marks were read differently) are no change
                derived_words = " " + " ".join(_quote_words(self.d.text)) + " "
                changes = [
                    (old, new)
                    for old, new in changes
                    if not (not old and len(new.split()) >= 3 and f" {new} " in source_words[sid])
                    and not (not new and len(old.split()) >= 3 and f" {old} " in derived_words)
                ]
                inside = [
                    f
                    for f, _, _ in self.found
                    if f.derived_span
                    and q.start <= f.derived_span[0] < q.end
                    and f.type in ("number_changed", "conflict", "detail_changed", "date_shift")
                ]
                if changes and not inside:  # a change inside the quotation already found is not repeated
                    shown = "; ".join(f'"{d or "…"}" for "{s or "…"}"' for s, d in changes[:3])
                    self.add(
                        "quote_altered",
                        i=q.sentence,
                        src=sid,
                        j=sq.sentence,
                        d_span=(q.start, q.end),
                        s_span=(sq.start, sq.end),
                        d_value=q.value,
                        s_value=sq.value,
                        explanation=f"the quotation's words differ from the source's: {shown}",
                    )
                continue
            if q.sentence in self.aligned and _attributed(q):
                support = max((len(qkeys & v.keys) / max(1, len(qkeys)) for v in self.sources.values()), default=0.0)
                if support < 0.6:
                    a = self.aligned[q.sentence]
                    self.add(
                        "unsupported_claim",
                        i=q.sentence,
                        src=a.source,
                        j=a.sentences[0],
                        d_span=(q.start, q.end),
                        d_value=q.value,
                        weight_key="unsupported_claim:quote",
                        explanation="a quotation that no source contains",
                    )

    # ------------------------------------------------------------------ unsupported sentences

    def unsupported(self, i: int) -> None:
        sent = self.d.sents[i]
        new: list[str] = []
        for c in sent.claims:
            if c.kind == "entity":
                if not _real_name(c, self.d.text):
                    continue
                if self.entity_added(i, c) or (
                    _entity_key(c) in self.added_reported and not self.in_any_source(lambda v, c=c: _entity_in(c, v))
                ):
                    new.append(c.text)
            elif c.kind in ("quantity", "duration"):
                q = _as_quantity(c)
                if q is not None and not q.vague and _specific_number(q) and not self._number_known(q):
                    new.append(c.text)
            elif c.kind == "date":
                if _date_sig(c) and not self._date_known(c):
                    new.append(c.text)
            elif c.kind == "quote" and _attributed(c) and len(_quote_words(c.value)) >= 4:
                new.append(_short(c.text, 60))
            elif (
                c.kind == "scare_quote"
                and re.search(r"[A-Z]", str(c.value))
                and not self.in_any_source(lambda v, c=c: v.mentions(str(c.value)))
            ):
                new.append(c.text)  # a quoted name: a pill called "Coronaway"
        for tok in sent.doc:
            if tok.lower_ in PEOPLE_WORDS and not self.in_any_source(lambda v, tok=tok: PEOPLE[tok.lower_] in v.people):
                new.append(tok.text)
        new += [phrase for phrase, _ in self._invented_sources(i)]
        span = (sent.start, sent.end)
        if new:
            shown = ", ".join(f'"{x}"' for x in dict.fromkeys(new))
            self.add(
                "unsupported_claim",
                i=i,
                src=self.primary,
                j=None,
                d_span=span,
                d_value=sent.text,
                weight_key="unsupported_claim:new",
                explanation=f"no source supports this sentence; it gives {shown}, which no source has",
            )
            return
        event = _statement(sent)
        if event:
            # most of its words in one source sentence: a loose restatement more likely than an invention
            echo = (
                max(self.sources[self.primary].sents, key=lambda x: len(sent.keys & x.keys), default=None) if sent.keys else None
            )
            if echo is not None and len(sent.keys) >= 3 and len(sent.keys & echo.keys) >= ECHO * len(sent.keys):
                self.add(
                    "unsupported_claim",
                    i=i,
                    src=self.primary,
                    j=echo.index,
                    d_span=span,
                    d_value=sent.text,
                    weight_key="unsupported_claim:echo",
                    explanation=f"no source sentence supports this statement ({event}), though most of its words are in source sentence {echo.index}",
                )
                return
            self.add(
                "unsupported_claim",
                i=i,
                src=self.primary,
                j=None,
                d_span=span,
                d_value=sent.text,
                weight_key="unsupported_claim:event",
                explanation=f"no source supports this statement ({event})",
            )
            return
        self.add(
            "filler",
            i=i,
            src=self.primary,
            j=None,
            d_span=span,
            d_value=sent.text,
            explanation="unsupported but non-specific: no new name, number, date, quotation or event that a source could confirm",
        )

    # ------------------------------------------------------------------ token helpers

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
        return bool(words) and self.in_any_source(lambda v: all(w in v.compact for w in words))  # "julyaugust 2020"

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
    for c in t.children:
        heads = (
            [c]
            if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
            else [g for g in c.children if g.dep_ == "pobj"]
            if c.dep_ == "prep"
            else []
        )
        for h in heads:
            for w in list(h.subtree)[:6]:
                if w.is_alpha and len(w.text) > 2 and w.lower_ not in STOP_WORDS:
                    keys.add(_wkey(w.text))
    if t.dep_ in ("acomp", "attr", "xcomp") and t.head.i != t.i:
        keys |= _arguments(t.head) - {_tkey(t)}
    return keys


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


def _cites(view: _View, head, affiliation: list[str]) -> bool:
    """Does ``view`` mention this kind of source (the head noun, near its affiliation)?"""
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


# ======================================================================================
# Verdict and entry points
# ======================================================================================


def verdict(weighted: list[tuple[Finding, float, str]], sentences: int) -> dict:
    """The verdict from weighted findings: evidence, decision and a 0..1 score.

    evidence = the sum of the findings' weights + SHARE_WEIGHT x the share of the derived
    report's ``sentences`` that are unsupported claims; facts_altered when it reaches
    THRESHOLD; score = 1 - 2^(-evidence / THRESHOLD) (0.5 at the threshold).
    """
    counts = Counter(f.type for f, _, _ in weighted)
    by_key: dict[str, float] = {}
    for _, w, key in weighted:
        if w:
            by_key[key] = round(by_key.get(key, 0.0) + w, 4)
    unsupported = sum(1 for _, _, key in weighted if key in _SENTENCE_CLAIMS)
    share = unsupported / sentences if sentences else 0.0
    evidence = sum(w for _, w, _ in weighted) + SHARE_WEIGHT * share
    if share:
        by_key["unsupported_share"] = round(SHARE_WEIGHT * share, 4)
    return {
        "facts_altered": evidence >= THRESHOLD,
        "score": round(1.0 - 2.0 ** (-evidence / THRESHOLD), 4),
        "evidence": round(evidence, 4),
        "threshold": THRESHOLD,
        "unsupported_share": round(share, 4),
        "counts": dict(sorted(counts.items())),
        "weights": dict(sorted(by_key.items())),
    }


def weigh_pair(source: Article, derived: Article, alignments: list[Alignment]) -> list[tuple[Finding, float, str]]:
    """The findings of ``derived`` against ``source``, each with its weight and weight key
    (a ``WEIGHTS`` key such as "unsupported_claim:event"): what :func:`verdict` reads."""
    prepare_articles([derived, source])
    return _Auditor(derived, [source], alignments, source.id).run()


def audit_pair(source: Article, derived: Article, alignments: list[Alignment]) -> tuple[list[Finding], dict]:
    """Audit one derivation: the findings of ``derived`` against ``source`` and the verdict.

    ``alignments`` are the derived report's sentence alignments (others are ignored);
    a derived sentence with no supported alignment to ``source`` counts as unsupported.
    """
    weighted = weigh_pair(source, derived, alignments)
    return [f for f, _, _ in weighted], verdict(weighted, len(derived.sentences))


def audit_story(story: Story, by_id: dict[str, Article]) -> None:
    """Fill ``story.findings``, each edge's ``verdict`` and each article's
    ``meta["profile"]`` (its sourcing profile)."""
    members = [by_id[a] for a in story.articles if a in by_id]
    prepare_articles(members)
    for a in members:
        a.meta["profile"] = sourcing_profile(a, a.claims)
    edges_of: dict[str, list[Edge]] = {}
    for e in story.edges:
        if e.source in by_id and e.derived in by_id:
            edges_of.setdefault(e.derived, []).append(e)
    findings: list[Finding] = []
    position = {a: k for k, a in enumerate(story.articles)}
    for did in sorted(edges_of, key=lambda d: position.get(d, len(position))):
        edges = sorted(edges_of[did], key=lambda e: position.get(e.source, len(position)))
        derived = by_id[did]
        sources = [by_id[e.source] for e in edges]
        primary = max(edges, key=lambda e: (e.coverage, -position.get(e.source, 0))).source
        alignments = [al for al in story.alignments if al.derived == did]
        weighted = _Auditor(derived, sources, alignments, primary).run()
        for e in edges:
            e.verdict = verdict([t for t in weighted if t[0].source == e.source], len(derived.sentences))
        findings.extend(f for f, _, _ in weighted)
    story.findings = findings
