"""Numbers and their qualifiers: number_changed, and the modifiers around a kept number."""

from __future__ import annotations

import re

from storytrace.claims.audit_support import (
    _Aligned,
    _as_quantity,
    _AuditBase,
    _entity_key,
    _opposite_modifiers,
    _Qty,
    _same_number,
    _short,
    _View,
)
from storytrace.claims.lexicon import (
    PEOPLE,
    PEOPLE_WORDS,
    VAGUE_AMOUNTS,
)


class _QuantitiesChecks(_AuditBase):
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
