"""Cheap per-sentence features that the aligner and the grouping share.

Content words (lower-cased, light stemming, stop words removed), numbers by value (digits
and number words), and capitalised names. They are what a paraphrase usually keeps: a
rewrite changes the words around "1,400" and "Qatar", rarely the number and the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d|\d")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|n't|cannot|denied|denies|deny|refused|refuses|failed|fails)\b|n[’']t\b",
    re.I,
)

ONES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9, "trillion": 1e12}
UNITS = {**ONES, **TENS, "dozen": 12, **_SCALES}  # number words by value (the claims' lexicon shares ONES, TENS)

# words that look like names at the start of sentences or in headlines but are not
_NOT_NAMES = {w.capitalize() for w in STOP_WORDS} | {
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "President",
    "Minister",
    "Prime",
    "Officials",
    "Official",
    "Spokesman",
}


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet "hostages"/"hostage", "released"/"release"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", 3), ("ing", 4), ("ed", 4), ("es", 4), ("s", 3), ("ly", 4), ("e", 4)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep - 1:
            w = w[: -len(suffix)]
            break
    return w


def numbers_in(text: str) -> set[float]:
    """Numeric values in a sentence: digits and number words ("four", "two hundred", "3.5 million")."""
    values: set[float] = set()
    lowered = text.lower()
    for m in _NUMBER.finditer(text):
        try:
            value = float(m.group().replace(",", ""))
        except ValueError:
            continue
        tail = lowered[m.end() : m.end() + 10].split()
        if tail and tail[0] in _SCALES:
            value *= _SCALES[tail[0]]
        if 1900 <= value <= 2100 and "." not in m.group() and "," not in m.group():
            continue  # a year is a date, compared elsewhere
        values.add(value)
    words = re.findall(r"[a-z]+", lowered)
    i = 0
    while i < len(words):
        if words[i] in UNITS and words[i] not in _SCALES:
            total, current = 0.0, float(UNITS[words[i]])
            j = i + 1
            while j < len(words) and words[j] in UNITS:
                v = UNITS[words[j]]
                if words[j] in _SCALES:
                    current *= v
                    if v >= 1000:
                        total, current = total + current, 0.0
                else:
                    current += v
                j += 1
            if words[i] != "one":  # "one" is mostly a pronoun in news prose
                values.add(total + current)
            i = j
        else:
            i += 1
    # "two sets of two", "three rounds of 50": the total is a number the source may state
    for m in _GROUPS_OF.finditer(lowered):
        a, b = _count(m.group(1)), _count(m.group(2))
        if a and b:
            values.add(a * b)
    return values


_GROUPS_OF = re.compile(r"\b([a-z]+|\d+) (?:sets|groups|batches|rounds|waves|pairs) of ([a-z]+|\d+)\b")


def _count(token: str) -> float | None:
    if token.isdigit():
        return float(token)
    value = UNITS.get(token)
    return float(value) if value is not None and token not in _SCALES else None


def names_in(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial function words: a cheap stand-in for NER."""
    names = set()
    for m in re.finditer(r"\b[A-Z][a-zA-Z’'\-]+", text):
        word = m.group().rstrip("’'")
        if word.endswith("’s") or word.endswith("'s"):
            word = word[:-2]
        if word in _NOT_NAMES or len(word) < 2:
            continue
        names.add(word.lower())
    return names


def has_negation(text: str) -> bool:
    return bool(_NEGATION.search(text))


@dataclass
class SentenceFeatures:
    words: list[str]  # all word tokens, lower-cased, in order (for verbatim checks)
    content: set[str]  # stemmed content words
    numbers: set[float]
    names: set[str]
    negated: bool
    extra: dict = field(default_factory=dict)


def word_tokens(text: str) -> list[str]:
    """A text's words, lower-cased, in order, without punctuation: what "word for word" compares
    (the aligner's verbatim check and the audit's copied sentences)."""
    return [w.lower() for w in _WORD.findall(text)]


def sentence_features(text: str) -> SentenceFeatures:
    words = word_tokens(text)
    content = {stem(w) for w in words if w not in STOP_WORDS and not w[0].isdigit() and len(w) > 1}
    return SentenceFeatures(
        words=words,
        content=content,
        numbers=numbers_in(text),
        names=names_in(text),
        negated=has_negation(text),
    )
