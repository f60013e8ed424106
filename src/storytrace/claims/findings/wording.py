"""Word-level changes of a nearly identical restatement: a negation, a number, a weekday or a name replaced, a speaker cut."""

from __future__ import annotations

import difflib

from storytrace.claims.audit_support import (
    _NUMBER_TOKEN,
    _SPEECH,
    DIFF_RATIO,
    _Aligned,
    _AuditBase,
    _date_text,
    _same_numerals,
    _Sent,
    _tkey,
    _View,
)
from storytrace.claims.lexicon import (
    DO_FORMS,
    NEG_WORDS,
    WEEKDAY_WORDS,
)


class _WordingChecks(_AuditBase):
    def pair_diff(self, i: int, a: _Aligned, src: _View) -> None:
        """Word-level changes between a restated sentence and its closest source sentence, when
        the two are nearly the same words: a negation added or removed, a number, a weekday or
        a name replaced, a speaker cut from "..., X said." The checks above read claims and
        parses; this one reads the words, so that a one-word change is found even where the
        claims of the two sentences came out differently."""
        dsent = self.d.sents[i]
        d_toks = [t for t in dsent.doc if not t.is_space]
        # the source sentences it restates, and their neighbours (a restatement may join two)
        near = sorted({k for j in a.sentences for k in (j - 1, j, j + 1) if 0 <= k < len(src.sents)})
        for j in near:
            s_toks = [t for t in src.sents[j].doc if not t.is_space]
            sm = difflib.SequenceMatcher(None, [t.lower_ for t in s_toks], [t.lower_ for t in d_toks], autojunk=False)
            kept = sum(b.size for b in sm.get_matching_blocks())
            if s_toks and kept >= DIFF_RATIO * len(s_toks) and (j in a.sentences or kept >= 0.8 * len(s_toks)):
                self._diff_one(i, a, src, j, s_toks, d_toks, sm)

    def _diff_one(self, i: int, a: _Aligned, src: _View, j: int, s_toks: list, d_toks: list, sm) -> None:
        dsent, ssent = self.d.sents[i], src.sents[j]

        def span(sent: _Sent, toks: list) -> tuple[int, int]:
            return sent.span_of(toks[0])[0], sent.span_of(toks[-1])[1]

        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                continue
            old, new = s_toks[i1:i2], d_toks[j1:j2]
            if len(old) <= 8 and self._cut_speaker(i, a, j, ssent, old, d_toks[max(0, j1 - 3) : j2 + 3]):
                continue
            old_l, new_l = {t.lower_ for t in old}, {t.lower_ for t in new}
            # a negation added or removed, the rest the same words
            neg_old, neg_new = bool(old_l & NEG_WORDS), bool(new_l & NEG_WORDS)
            rest_old = {_tkey(t) for t in old if t.lower_ not in NEG_WORDS and t.lower_ not in DO_FORMS and not t.is_punct}
            rest_new = {_tkey(t) for t in new if t.lower_ not in NEG_WORDS and t.lower_ not in DO_FORMS and not t.is_punct}
            if neg_old != neg_new and rest_old == rest_new:
                ctx_old = s_toks[max(0, i1 - 1) : i2 + 1] if not old or not new else old
                ctx_new = d_toks[max(0, j1 - 1) : j2 + 1] if not old or not new else new
                d_span, s_span = span(dsent, ctx_new), span(ssent, ctx_old)
                if not self._covered(i, d_span, s_span):
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self._word_change(
                        "conflict",
                        i,
                        a,
                        j,
                        d_span,
                        s_span,
                        dv,
                        sv,
                        suffix=f": the negation is {'added' if neg_new else 'removed'}",
                    )
                continue
            if not old or not new:
                continue
            # a number replaced
            d_num = [t for t in new if _NUMBER_TOKEN.fullmatch(t.text)]
            s_num = [t for t in old if _NUMBER_TOKEN.fullmatch(t.text)]
            if d_num and s_num and not _same_numerals([t.text for t in d_num], [t.text for t in s_num]):
                d_t, s_t = list(d_num), list(s_num)
                nxt_d = d_toks[j2] if j2 < len(d_toks) else None
                nxt_s = s_toks[i2] if i2 < len(s_toks) else None
                if nxt_d is not None and nxt_s is not None and nxt_d.lower_ == nxt_s.lower_ and nxt_d.tag_.startswith("NN"):
                    d_t.append(nxt_d)  # "43 hours" / "24 hours"
                    s_t.append(nxt_s)
                d_span, s_span = span(dsent, d_t), span(ssent, s_t)
                if not self._covered(i, d_span, s_span):
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self._word_change("number_changed", i, a, j, d_span, s_span, dv, sv)
                continue
            # a weekday replaced
            d_wd = [t for t in new if t.lower_ in WEEKDAY_WORDS]
            s_wd = [t for t in old if t.lower_ in WEEKDAY_WORDS]
            if d_wd and s_wd and d_wd[0].lower_ != s_wd[0].lower_:
                d_span, s_span = span(dsent, d_wd[:1]), span(ssent, s_wd[:1])
                if not self._covered(i, d_span, s_span):
                    dc = next((c for c in dsent.claims if c.kind == "date" and c.start <= d_span[0] < c.end), None)
                    sc = next((c for c in ssent.claims if c.kind == "date" and c.start <= s_span[0] < c.end), None)
                    dv = _date_text(dc) if dc is not None else self.d.text[d_span[0] : d_span[1]]
                    sv = _date_text(sc) if sc is not None else src.text[s_span[0] : s_span[1]]
                    if dc is not None:
                        d_span = (dc.start, dc.end)
                    if sc is not None:
                        s_span = (sc.start, sc.end)
                    self._word_change("date_shift", i, a, j, d_span, s_span, dv, sv, suffix=": the event is re-dated")
                continue
            # a name replaced
            d_name = [t for t in new if t.tag_ in ("NNP", "NNPS") and t.text[:1].isupper()]
            s_name = [t for t in old if t.tag_ in ("NNP", "NNPS") and t.text[:1].isupper()]
            if d_name and s_name and {t.lower_ for t in d_name}.isdisjoint({t.lower_ for t in s_name}):
                d_span, s_span = span(dsent, d_name), span(ssent, s_name)
                if not self._covered(i, d_span, s_span) and not self.in_any_source(
                    lambda v, d_span=d_span: v.mentions(self.d.text[d_span[0] : d_span[1]])
                ):
                    dv, sv = self.d.text[d_span[0] : d_span[1]], src.text[s_span[0] : s_span[1]]
                    self.added_reported.add(dv.lower())
                    self._word_change("detail_changed", i, a, j, d_span, s_span, dv, sv, prefix="the name ")

    def _word_change(
        self,
        kind: str,
        i: int,
        a: _Aligned,
        j: int,
        d_span: tuple[int, int],
        s_span: tuple[int, int],
        dv: str,
        sv: str,
        prefix: str = "",
        suffix: str = "",
    ) -> None:
        """One word-level change: '"<derived words>" where the source says "<source words>"'."""
        self.add(
            kind,
            i=i,
            src=a.source,
            j=j,
            d_span=d_span,
            s_span=s_span,
            d_value=dv,
            s_value=sv,
            explanation=f'{prefix}"{dv}" where the source says "{sv}"{suffix}',
        )

    def _cut_speaker(self, i: int, a: _Aligned, j: int, ssent: _Sent, old: list, new: list) -> bool:
        """Words cut from the source sentence that named its speaker (", Mayor X said")."""
        verbs = [t for t in old if _tkey(t) in _SPEECH and t.tag_.startswith("VB")]
        sent = self.d.sents[i]
        if not verbs or any(_tkey(t) in _SPEECH and t.tag_.startswith("VB") for t in new):
            return False  # the restatement says who said it, right there
        # the named speaker: the subject of the cut reporting verb ("..., Mayor Elena Ruiz said")
        subjects = {w.i for v in verbs for c in v.children if c.dep_ == "nsubj" for w in c.subtree}
        who = [t for t in old if t.tag_ in ("NNP", "NNPS") and t.i in subjects]
        if not who or {t.lower_ for t in who} & {t.lower_ for t in new}:
            return False
        roles = [t for t in old if t.i in subjects and t.i < who[0].i and t.tag_.startswith("NN")]
        who = roles + who if roles and roles[-1].i == who[0].i - 1 else who  # "Mayor Elena Ruiz"
        s_span = (ssent.span_of(who[0])[0], ssent.span_of(who[-1])[1])
        if any(f.type == "attribution_dropped" for f in self.found_in.get(i, ())) or self._covered(i, None, s_span):
            return True
        phrase = self.sources[a.source].text[s_span[0] : s_span[1]]
        self.add(
            "attribution_dropped",
            i=i,
            src=a.source,
            j=j,
            d_span=(sent.start, sent.end),
            s_span=s_span,
            d_value=None,
            s_value=phrase,
            explanation=f'"{phrase}" is cut from the statement it spoke: restated as unattributed narration',
        )
        return True
