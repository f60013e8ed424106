"""framing_changed (loaded words) and order_changed (the order of events)."""

from __future__ import annotations

from typing import Any

from storytrace.claims.audit_support import (
    _Aligned,
    _AuditBase,
    _keys,
    _order_words,
    _phrase_of,
    _same_head,
    _span,
    _View,
)
from storytrace.claims.lexicon import (
    FRAMING_WORDS,
    ORDER_OTHERWISE,
)


class _FramingChecks(_AuditBase):
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
