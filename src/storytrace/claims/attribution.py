"""Reporting verbs, speakers and attributions: who a statement is attributed to ("according
to sources familiar with the matter", "officials said"), named, anonymous or vague."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from storytrace.claims.context import (
    _ADJ_TAGS,
    _COMMON_NOUN_TAGS,
    _NOUN_TAGS,
    _Ctx,
    _Mention,
    _Report,
    _Sent,
)
from storytrace.claims.lexicon import (
    ALL_VERBS,
    ANON_HEADS,
    ANON_RE,
    CLAUSE_VERBS,
    DETERMINERS,
    GENERIC_SOURCE_HEADS,
    IRREGULAR_VERBS,
    NAME_STOP,
    NONHUMAN_HEADS,
    ORG_VOICES,
    PERSON_TITLES,
    PRONOUNS,
    QUOTE_ONLY_VERBS,
    SAY_LIKE,
    STANCE_VERBS,
    VAGUE_RE,
)
from storytrace.claims.numbers import (
    _norm_space,
)

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
        # anonymity said outright ("speaking on condition of anonymity", "asked not to be named")
        info["anonymity_granted"] = bool(ANON_RE.search(subtree_text) or ANON_RE.search(outside))
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
