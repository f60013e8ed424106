"""Entity claims: people, organisations, places and groups, each with a canonical name that
is the same for every alias of it in the report ("Kirby" -> "John Kirby")."""

from __future__ import annotations

import re

from storytrace.claims.context import (
    _Ctx,
    _Mention,
    _Sent,
)
from storytrace.claims.lexicon import (
    ALIASES,
    DATE_WORDS,
    DETERMINERS,
    FEMALE_TITLES,
    GENERIC_NAME_WORDS,
    MALE_TITLES,
    NAME_STOP,
    PERSON_ROLES,
    PERSON_TITLES,
)
from storytrace.claims.numbers import (
    _norm_space,
)

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
