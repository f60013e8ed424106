"""unsupported_claim and filler: what no source supports; new details inside a restated sentence."""

from __future__ import annotations

import re

from storytrace.claims.audit_support import (
    ECHO,
    _Aligned,
    _as_quantity,
    _attributed,
    _date_sig,
    _entity_in,
    _entity_key,
    _quote_words,
    _real_name,
    _short,
    _specific_number,
    _statement,
    _View,
)
from storytrace.claims.findings.attribution import _AttributionChecks
from storytrace.claims.findings.entities import _EntitiesChecks
from storytrace.claims.lexicon import (
    PEOPLE,
    PEOPLE_WORDS,
)


class _UnsupportedChecks(_EntitiesChecks, _AttributionChecks):
    # an unsupported sentence may name a new person (entity_added) or cite an invented source
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
