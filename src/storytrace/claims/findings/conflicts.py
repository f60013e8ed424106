"""conflict: a restatement that contradicts its source, or tells as pending what the source reports done."""

from __future__ import annotations

from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from storytrace.claims.audit_support import (
    _FINITE,
    _PENDING_MARKS,
    _Aligned,
    _arguments,
    _AuditBase,
    _event_words,
    _is_negated,
    _negations,
    _pending_events,
    _polarity,
    _predicate_span,
    _realis_match,
    _Sent,
    _View,
    _wkey,
)
from storytrace.claims.lexicon import (
    ANTONYMS,
    NEG_PREFIXES,
)


class _ConflictsChecks(_AuditBase):
    def pair_conflicts(self, i: int, a: _Aligned, src: _View) -> None:
        dsent = self.d.sents[i]
        d_pol = _polarity(dsent)
        s_pol: dict[str, list[tuple[Any, bool, _Sent]]] = {}
        for j in a.sentences:
            for k, items in _polarity(src.sents[j]).items():
                s_pol.setdefault(k, []).extend(items)
        if _negations(dsent.doc) != sum(_negations(src.sents[j].doc) for j in a.sentences):
            for k, items in d_pol.items():
                if k not in s_pol:
                    continue
                d_neg = {neg for _, neg, _ in items}
                s_neg = {neg for _, neg, _ in s_pol[k]}
                if len(d_neg) == 1 and len(s_neg) == 1 and d_neg != s_neg:
                    dt, dn, _ = items[0]
                    st, sn, ssent = s_pol[k][0]
                    if not (_arguments(dt) & _arguments(st)):
                        continue  # the same verb about other things
                    d_span = _predicate_span(dsent, dt)
                    s_span = _predicate_span(ssent, st)
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}": the negation is {"added" if dn else "removed"}',
                    )
                    return
            # another verb about the same things, with the opposite polarity ("does not cause CO2
            # intoxication" / "can lead to CO2 intoxication")
            d_items = [x for items in d_pol.values() for x in items]
            s_items = [x for items in s_pol.values() for x in items]
            for dt, dn, _ in d_items:
                d_args = _arguments(dt)
                if len(d_args) < 2 or dt.tag_ not in _FINITE:
                    continue
                for st, sn, ssent in s_items:
                    if sn == dn or st.tag_ not in _FINITE or len(d_args & _arguments(st)) < 2:
                        continue
                    if any(x[1] == dn and len(_arguments(x[0]) & d_args) >= 2 for x in s_items):
                        continue  # the source also says it the derived report's way
                    d_span = _predicate_span(dsent, dt)
                    s_span = _predicate_span(ssent, st)
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    shared = ", ".join(sorted(d_args & _arguments(st)))
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=d_span,
                        s_span=s_span,
                        d_value=dv,
                        s_value=sv,
                        explanation=f'"{dv}" where the source says "{sv}" (about the same {shared}): the negation is {"added" if dn else "removed"}',
                    )
                    return
        d_words = {t.lower_: t for t in dsent.doc}
        s_words: dict[str, tuple[Any, _Sent]] = {}
        for j in a.sentences:
            for t in src.sents[j].doc:
                s_words.setdefault(t.lower_, (t, src.sents[j]))
        if "?" in dsent.text or any("?" in src.sents[j].text for j in a.sentences):
            return
        for left, right in ANTONYMS:
            for mine, theirs in ((left, right), (right, left)):
                dw = [w for w in d_words if w in mine]
                sw = [w for w in s_words if w in theirs]
                if dw and sw and not any(w in theirs for w in d_words) and not any(w in mine for w in s_words):
                    dt = d_words[dw[0]]
                    st, ssent = s_words[sw[0]]
                    if (
                        _is_negated(dt)
                        or _is_negated(st)
                        or _negations(dsent.doc) != sum(_negations(src.sents[j].doc) for j in a.sentences)
                    ):
                        continue  # "did not increase" / "fell": consistent
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=dsent.span_of(dt),
                        s_span=ssent.span_of(st),
                        d_value=dt.text,
                        s_value=st.text,
                        explanation=f'"{dt.text}" where the source says "{st.text}"',
                    )
                    return
        for t in dsent.doc:  # "unsafe" where the source says "safe"
            w = t.lower_
            if not (t.tag_.startswith("JJ") or t.tag_.startswith("VB")):
                continue
            for p in NEG_PREFIXES:
                if w.startswith(p) and len(w) - len(p) >= 4 and w[len(p) :] in s_words and w not in s_words:
                    st, ssent = s_words[w[len(p) :]]
                    if st.tag_[:2] != t.tag_[:2] or _is_negated(st) or _is_negated(t):
                        continue  # "unlikely" / "not likely": consistent
                    self.add(
                        "conflict",
                        i=i,
                        src=a.source,
                        j=ssent.index,
                        d_span=dsent.span_of(t),
                        s_span=ssent.span_of(st),
                        d_value=t.text,
                        s_value=st.text,
                        explanation=f'"{t.text}" where the source says "{st.text}"',
                    )
                    return

    def pending_done(self) -> None:
        """An event the derived report describes as still to come, that a source reports as done."""
        for sid in self.order:
            src = self.sources[sid]
            if self.d.published and src.published and self.d.published < src.published:
                continue
            for sent in self.d.sents:
                for cue, head in _pending_events(sent.doc):
                    words = _event_words(head)
                    if cue.tag_.startswith("VB"):
                        words += [g for c in cue.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
                    keys = {_wkey(t.text) for t in words if t.ent_type_ == "" and len(t.text) > 2 and t.lower_ not in STOP_WORDS}
                    ent_keys = {_wkey(t.text) for t in words if t.ent_type_ != ""}
                    keys -= {_wkey(cue.text)} | _PENDING_MARKS
                    if len(keys) < 2:
                        continue
                    for ssent in src.sents:
                        hit = _realis_match(ssent, keys, ent_keys)
                        if hit is None:
                            continue
                        toks = sorted([cue, *words], key=lambda t: t.i)
                        d_span = (sent.span_of(toks[0])[0], sent.span_of(toks[-1])[1])
                        dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[hit[0] : hit[1]]
                        when = f" (published {src.published})" if src.published else ""
                        self.add(
                            "conflict",
                            i=sent.index,
                            src=sid,
                            j=ssent.index,
                            d_span=d_span,
                            s_span=hit,
                            d_value=dv,
                            s_value=sv,
                            explanation=f'describes "{dv}" as still to come, while the source{when} reports it as done: "{sv}"',
                        )
                        return
