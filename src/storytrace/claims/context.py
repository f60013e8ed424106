"""What every kind of claim reads: the article and sentence context of one extraction pass
(spaCy docs, offsets, mentions, reporting verbs found) and the part-of-speech tag sets."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storytrace.claims.lexicon import (
    IRREGULAR_PLURALS,
)
from storytrace.model import Article

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
