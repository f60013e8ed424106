"""LLMFake cleaning: which rows are usable (source, derivative) pairs, and the chat residue stripped from them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from storytrace.eval.datasets.common import _norm

MIN_SOURCE_WORDS = 20
MIN_DERIVED_WORDS = 8
BOILERPLATE_SHARED = 3
NEAR_COPY_CONTAINMENT = 0.8
MIN_SHARED_CONTENT = 2  # distinct content words of the source that a derivative must carry

# Words of the rewriting prompt: an output that echoes the instruction ("Please paraphrase the
# passage in your own words.") shares these with nothing of the source's content.
_PROMPT_WORDS = frozenset(
    "paraphrase paraphrased paraphrasing rewrite rewritten rewriting passage please words word version "
    "text article original given style provide thank sentences sentence meaning convincing informative "
    "serious tone calm language answer following below above using write written".split()
)

# Chat residue at the start of an LLM answer; removed repeatedly, in any order.
_LEAD_RESIDUE = [
    # "Can you paraphrase this passage?" echoed back from the prompt
    re.compile(
        r"^(?:can|could|would|will) you (?:please )?(?:paraphrase|rewrite|re-write|reword|rephrase|"
        r"summari[sz]e|continue|write)\b[^?\n]{0,300}\?\s*",
        re.I,
    ),
    # "Sure! ", "Certainly. ", "Of course, here is ..." (a comma only before here / I / below)
    re.compile(r"^(?:sure(?: thing)?|certainly|of course|absolutely|okay|ok)\s*(?:[!.:]+\s*|,\s*(?=(?:here|i|below)\b))", re.I),
    # "Please provide the rewritten passage below:" (the prompt's last line echoed before the answer)
    re.compile(r"^please provide (?:the|a|your) (?:rewritten|paraphrased|revised)\b[^\n:.]{0,80}[:.]\s*", re.I),
    # "Here is the paraphrased text:", "Here's a rewritten version of the article:"
    re.compile(r"^here(?:'s| is| are)\b[^\n:]{0,150}:\s*", re.I),
    # "As a journalist, my paraphrase of the given passage would be:" / "..., here is my ...:"
    re.compile(
        r"^as an? [a-z ]{2,40}?,\s*(?:(?:here(?:'s| is)|this is)\b|my\b|i (?:would|have|will)\b)"
        r"[^\n:]{0,150}\b(?:paraphras|rewr|re-wr|rewor|rephras|version|passage|article|text)[^\n:]{0,80}:\s*",
        re.I,
    ),
    # "Paraphrased version:", "Rewritten article:", "Paraphrase:"
    re.compile(
        r"^(?:paraphrased?|rewritten|re-written|reworded|rephrased|revised)"
        r"(?: (?:version|text|article|passage|news(?: article)?))?"
        r"(?: of the (?:given |above |original )?(?:passage|text|article))?\s*:\s*",
        re.I,
    ),
    # a first paragraph that is a note about the answer, not part of it
    re.compile(
        r"^(?:please note|note|disclaimer)\b[^\n]{0,400}?\b(?:paraphras|rewrit|altered|changed|removed|"
        r"fictional|language model|\bai\b|generated|passage)[^\n]*\n\s*\n",
        re.I,
    ),
    # "Title:" / "Headline:" labels, also in markdown ("**Title:**", "## Headline:"); the title itself is kept
    re.compile(r"^(?:#+\s*)?\**(?:title|headline)\s*:\s*\**\s*", re.I),
]
# Template placeholder lines such as "Date: [Insert Current Date]" or "Byline: [Your Name]".
_PLACEHOLDER_LINE = re.compile(
    r"^[ \t]*(?:(?:date|dateline|byline|location|publication|by)\s*:\s*)?"
    r"[\[(][^\])\n]{0,40}?\b(?:insert|date|city|name|location|your|current|dateline|place|state|country|author)\b"
    r"[^\])\n]{0,40}[\])][ \t]*$\n?",
    re.I | re.M,
)
# A closing paragraph addressed to the user rather than the reader. The atomic group and the
# possessive run keep it linear on a text of a thousand blank lines (an open model's output):
# `\n\s*\n\s*` backtracked cubically there, and the match is the same, as what follows starts
# with no space.
_TRAIL_RESIDUE = re.compile(
    r"\n(?>\s*\n)\s*+[*(]*(?:(?:i hope this|hope this helps|let me know|please let me know)\b[^\n]*"
    r"|(?:please note|note|disclaimer)\b[^\n]*?(?:fictional|language model|\bai\b|ai-generated|generated|"
    r"openai|gpt|prompt|paraphras|rewrit|reworded|rephras)[^\n]*"
    # the model describing its own edit: "In this rewritten version, I have ...", "I have paraphrased ..."
    r"|(?:in (?:this|the above|my) (?:paraphrased|rewritten|revised|reworded) (?:version|passage|article|text)\b"
    r"|i(?: have|'ve) (?:paraphrased|rewritten|reworded|rephrased|kept the|maintained the|tried to))[^\n]*)\s*$",
    re.I,
)
_REFUSAL_START = re.compile(
    r"^(?:i'?m sorry|i am sorry|sorry, (?:but )?i\b|i apologi[sz]e|my apologies|unfortunately, i\b|"
    r"as an ai\b|as a language model|i (?:can ?not|can't|won't|am unable to|'m unable to|am not able to)\b|"
    r"i'm not able to|i must (?:inform|point out|clarify|respectfully|decline|advise)\b|"
    r"i(?:'m| am) (?:just |only )?an ai\b|as an? (?:(?:responsible|ethical|helpful|honest|respectful|and),? ){1,4}"
    r"(?:ai|assistant|language model)\b)",
    re.I,
)
# anywhere in the output: the model speaking of itself as a model
_REFUSAL_ANYWHERE = re.compile(
    r"\bas an? (?:(?:responsible|ethical|helpful|honest|respectful|and),? ){0,4}ai(?: language)? model\b"
    r"|\bi(?:'m| am) (?:just |only )?an ai\b|\bnot within my programming\b",
    re.I,
)
_WEB_FURNITURE = re.compile(
    r"access denied|403 forbidden|404|page not found|enable javascript|javascript is disabled|"
    r"cookies|subscribe|sign up for|newsletter|takes no responsibility for the content|"
    r"contact us to edit this page|is this you\?|you are the owner of this article|search with google|"
    r"chat with us in facebook messenger|fetch error|log in to continue",
    re.I,
)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _content_words(text: str) -> set[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return {w for w in re.findall(r"[a-z][a-z'\u2019]+", text.lower()) if len(w) >= 4} - ENGLISH_STOP_WORDS - _PROMPT_WORDS


def _bigram_containment(inner: str, outer: str) -> float:
    """Share of the word bigrams of ``inner`` that also occur in ``outer``."""
    a = _words(inner)
    b = _words(outer)
    if len(a) < 2:
        return 1.0 if a and a[0] in b else 0.0
    outer_bigrams = set(zip(b, b[1:], strict=False))
    grams = list(zip(a, a[1:], strict=False))
    return sum(g in outer_bigrams for g in grams) / len(grams)


def strip_chat_residue(text: str) -> tuple[str, str]:
    """Remove chat residue around an LLM rewrite; returns ``(clean_text, removed_text)``.

    Removed at the start (repeatedly): a prompt echoed back ("Can you paraphrase this
    passage?"), an assent ("Sure!", "Certainly."), an announcement ending in a colon ("Here
    is the paraphrased text:", "As a journalist, my paraphrase of the given passage would
    be:", "Paraphrased version:"), a first paragraph that is a note about the answer
    ("Please note that ... have been altered ..."), and ``Title:`` / ``Headline:`` labels.
    Then template placeholder lines ("Date: [Insert Current Date]") and a last paragraph
    that talks to the user or disowns the text ("I hope this helps", "Note: this article
    is fictional ... AI ..."). When something was stripped before a text wholly wrapped in
    quotes, the quotes go too.
    """
    original = text
    body = text.strip()
    removed: list[str] = []
    lead_removed = False
    for _ in range(8):
        for pattern in _LEAD_RESIDUE:
            m = pattern.match(body)
            if m and m.end() > 0:
                removed.append(m.group(0).strip())
                body = body[m.end() :].lstrip()
                lead_removed = True
                break
        else:
            break
    new_body = _PLACEHOLDER_LINE.sub("", body)
    if new_body != body:
        removed.append("<placeholder lines>")
        body = re.sub(r"\n{3,}", "\n\n", new_body).strip()
    m = _TRAIL_RESIDUE.search(body)
    if m:
        removed.append(m.group(0).strip())
        body = body[: m.start()].rstrip()
    if lead_removed and len(body) >= 2 and body[0] in '"\u201c' and body[-1] in '"\u201d':
        inner = body[1:-1]
        if '"' not in inner and "\u201c" not in inner and "\u201d" not in inner:
            body = inner.strip()
    if not removed:
        return original.strip(), ""
    return body, " | ".join(removed)


class PairCheck(tuple):
    """Result of :func:`clean_llmfake_pair`: unpacks as ``(ok, reason)``.

    Extra attributes: ``text`` (the derived text with chat residue stripped),
    ``source_text``, ``stripped`` (what was removed, "" if nothing), ``near_copy`` and
    ``containment`` (share of the derived text's word bigrams found in the source).
    """

    ok: bool
    reason: str
    text: str
    source_text: str
    stripped: str
    near_copy: bool
    containment: float

    def __new__(cls, ok: bool, reason: str, **attrs: Any) -> PairCheck:
        self = super().__new__(cls, (ok, reason))
        self.ok = ok
        self.reason = reason
        for key, value in attrs.items():
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        return f"PairCheck(ok={self.ok!r}, reason={self.reason!r}, near_copy={self.near_copy!r})"


def _field(rec: Any, name: str, default: Any = None) -> Any:
    if isinstance(rec, Mapping):
        return rec.get(name, default)
    return getattr(rec, name, default)


def _source_problem(source: str, shared: int, min_source_words: int, boilerplate_shared: int) -> str | None:
    n_words = len(_words(source))
    if n_words < min_source_words:
        return "short_source"
    if shared >= boilerplate_shared and n_words < 300:
        return "boilerplate_source"
    if n_words < 80 and _WEB_FURNITURE.search(source):
        return "boilerplate_source"
    return None


def clean_llmfake_pair(
    rec: Any,
    *,
    min_source_words: int = MIN_SOURCE_WORDS,
    min_derived_words: int = MIN_DERIVED_WORDS,
    boilerplate_shared: int = BOILERPLATE_SHARED,
    near_copy_at: float = NEAR_COPY_CONTAINMENT,
) -> PairCheck:
    """Decide whether an LLMFake row is a usable (source, derivative) pair.

    ``rec`` is an :class:`LlmfakePair` or a mapping with ``source_text``, ``derived_text``
    and optionally ``source_shared``. Returns a :class:`PairCheck` that unpacks as
    ``(ok, reason)``; ``reason`` is ``"ok"`` or the first rule that failed, in this order:

    1. ``empty_derived`` — the output is empty, or nothing is left once chat residue is
       stripped.
    2. Chat residue is *stripped*, not rejected (:func:`strip_chat_residue`): "Sure! Here is
       the paraphrased text:", "Can you paraphrase this passage? ...", "As a journalist, here
       is my paraphrased version ...:", trailing "Note: this article is fictional ...". The
       cleaned text is ``check.text``; ``check.stripped`` says what went.
    3. ``verbatim_copy`` — the output is the source itself (equal after whitespace/case
       normalisation) or one is a prefix of the other. In the ChatGPT files every row whose
       source is labelled real (0) is like this, and in GossipCop some "outputs" are the
       uncut original article of which the stored source is the first 4,000 characters.
       (For ``open_ended_generation`` this also rejects a continuation that first repeats
       the whole source.)
    4. ``refusal`` — the output opens with a refusal or apology ("I'm sorry", "I apologize",
       "As an AI", "I cannot", "I can't", "Unfortunately, I ...") or says "as an AI
       language model" anywhere — unless the source contains the same words (a story that
       itself begins "Sorry, ..." is not a refusal).
    5. ``short_source`` — the source has fewer than ``min_source_words`` words: a headline or
       a one-line claim, not a report.
    6. ``boilerplate_source`` — the same source text of under 300 words is shared by
       ``boilerplate_shared`` or more news_ids of the file (e.g. "Access denied |
       www.webmd.com ...", an IMDb disclaimer; a long article collected under several ids
       is a duplicate, not boilerplate, and is kept), or a short source (< 80 words) is web
       furniture (access denied, 404, cookies, subscribe, newsletter, "Is this you? Contact
       us to edit this page", ...).
    7. ``short_derived`` — fewer than ``min_derived_words`` words remain.
    8. ``no_source_content`` — the output carries fewer than ``MIN_SHARED_CONTENT`` distinct
       content words of the source (words of four letters or more, not stop words, not the
       prompt's own words): an echo of the instruction ("Please paraphrase the passage in
       your own words.") or a continuation of the part of the article the stored source
       does not hold (the open models do both). Nothing can trace it to the source, and it
       is not a derivative of it. On the development folders this rejects no ChatGPT pair
       (their shortest paraphrases keep 2 content words) and 5-40% of the Llama 2 ones
       (per generator, domain and method).

    Flagged, not rejected: ``near_copy`` when at least ``near_copy_at`` of the output's word
    bigrams occur in the source (a lightly edited copy).
    """
    source = (_field(rec, "source_text") or "").strip()
    derived_raw = (_field(rec, "derived_text") or "").strip()
    shared = int(_field(rec, "source_shared", 1) or 1)

    def result(ok: bool, reason: str, text: str = "", stripped: str = "") -> PairCheck:
        containment = _bigram_containment(text, source) if text and source else 0.0
        return PairCheck(
            ok,
            reason,
            text=text,
            source_text=source,
            stripped=stripped,
            near_copy=ok and containment >= near_copy_at,
            containment=containment,
        )

    if not derived_raw:
        return result(False, "empty_derived")
    text, stripped = strip_chat_residue(derived_raw)
    if not text.strip():
        return result(False, "empty_derived", "", stripped)
    nd, ns = _norm(text), _norm(source)
    if ns and (nd == ns or nd.startswith(ns) or ns.startswith(nd)):
        return result(False, "verbatim_copy", text, stripped)
    head = text[:300]
    m = _REFUSAL_START.match(head) or _REFUSAL_ANYWHERE.search(text)
    if m and _norm(m.group(0)) not in ns:
        return result(False, "refusal", text, stripped)
    problem = _source_problem(source, shared, min_source_words, boilerplate_shared)
    if problem:
        return result(False, problem, text, stripped)
    if len(_words(text)) < min_derived_words:
        return result(False, "short_derived", text, stripped)
    if len(_content_words(text) & _content_words(source)) < MIN_SHARED_CONTENT:
        return result(False, "no_source_content", text, stripped)
    return result(True, "ok", text, stripped)
