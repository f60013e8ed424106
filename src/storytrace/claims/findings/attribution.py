"""attribution_dropped and invented sourcing: a statement restated without its speaker, sources no source cites."""

from __future__ import annotations

import re

from storytrace.claims.audit_support import (
    _SPEECH,
    _AuditBase,
    _cites,
    _contains_words,
    _explicit,
    _keys,
    _met,
    _source_head,
    _speaker_items,
    _SpeakerItem,
    _tkey,
    _wkey,
)
from storytrace.claims.lexicon import (
    GROUP_SOURCES,
    RUMOUR_HEDGES,
)
from storytrace.model import Claim


class _AttributionChecks(_AuditBase):
    def attributions(self) -> None:
        """A quoted or attributed source statement restated without its speaker."""
        by_source: dict[tuple[str, int], list[int]] = {}
        for i, a in self.aligned.items():
            src = self.sources[a.source]
            for j in a.sentences:
                by_source.setdefault((a.source, j), []).append(i)
                # a restatement may also hold the quotation of the neighbouring source sentence,
                # word for word (two quotations joined once the attribution between them is cut)
                for k in (j - 1, j + 1):
                    if 0 <= k < len(src.sents) and any(
                        _contains_words(self.d.sents[i].text, q.value)
                        for q in src.sents[k].claims
                        if q.kind == "quote" and _explicit(q)
                    ):
                        by_source.setdefault((a.source, k), []).append(i)
        done: set[tuple[str, str]] = set()
        speakers_dropped: set[tuple[str, str]] = set()
        for (sid, j), derived_sents in sorted(by_source.items(), key=lambda kv: (self.order.index(kv[0][0]), kv[0][1])):
            src = self.sources[sid]
            for item in _speaker_items(src, j):
                ident = (sid, f"{item.sentence}:{item.speaker}")
                if ident in done:
                    continue
                # restated: the sentence shares more of the quoted words than of the rest of the
                # source sentence, and at least two of them are distinctive in the source
                content = _keys(item.content)
                rest = src.sents[j].keys - content
                rare = {k for k in content if src.frequency[k] <= max(2, 0.15 * len(src.sents))}
                restating = [
                    i
                    for i in sorted(set(derived_sents))
                    if _met(content, self.d.sents[i].keys) >= _met(rest, self.d.sents[i].keys)
                    and _met(rare, self.d.sents[i].keys) >= 2
                ]
                if not restating:
                    continue
                done.add(ident)
                verdicts = [self._speaker_kept(i, item) for i in restating]
                if any(v == "kept" for v in verdicts):
                    continue
                i = restating[0]
                again = (sid, item.speaker.lower()) in speakers_dropped
                speakers_dropped.add((sid, item.speaker.lower()))
                vague = [v for v in verdicts if isinstance(v, Claim)]
                what = "quote" if item.kind == "quote" else "statement"
                # the speaker by name: "the harbour master" is said as "the harbour master, Ana Ruiz"
                who = item.phrase if item.speaker.lower() in item.phrase.lower() else f"{item.phrase}, {item.speaker}"
                sent = self.d.sents[i]
                if vague:
                    v = vague[0]
                    self.add(
                        "attribution_dropped",
                        i=v.sentence,
                        src=sid,
                        j=item.sentence,
                        d_span=(v.start, v.end),
                        s_span=item.span,
                        d_value=v.text,
                        s_value=who,
                        weight_key="attribution_dropped:again" if again else "attribution_dropped:vague",
                        explanation=f'the {what} of "{who}" is restated as coming from "{v.text}": the named source is gone',
                    )
                else:
                    self.add(
                        "attribution_dropped",
                        i=i,
                        src=sid,
                        j=item.sentence,
                        d_span=(sent.start, sent.end),
                        s_span=item.span,
                        d_value=None,
                        s_value=who,
                        weight_key="attribution_dropped:again" if again else None,
                        explanation=f'the {what} of "{who}" is restated as unattributed narration',
                    )

    def _speaker_kept(self, i: int, item: _SpeakerItem) -> str | Claim:
        sent = self.d.sents[i]
        low = sent.text.lower()
        for name in item.names:
            if re.search(r"(?<![a-z])" + re.escape(name) + r"(?![a-z])", low):
                return "kept"
        # speakers said in this sentence (a quotation's speaker carried over from an earlier one
        # by the extractor is no attribution here)
        atts = [c for c in sent.claims if c.kind == "attribution"] + [
            c for c in sent.claims if c.kind == "quote" and _explicit(c)
        ]
        if not atts:
            speech = [
                t
                for t in sent.doc
                if t.tag_.startswith("VB")
                and (_tkey(t) in _SPEECH or _tkey(t) in {_wkey("show"), _wkey("find"), _wkey("found")})
                and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
            ]
            if any(t.lower_ == "according" for t in sent.doc):
                return "kept"
            return "kept" if speech else "dropped"  # "the report revealed ...": attributed, if to another source
        if any(c.attrs.get("speaker_kind") == "pronoun" for c in atts):
            return "kept"  # "he said": the speaker is still there, by a pronoun
        if item.named and all(
            not c.attrs.get("named") and c.attrs.get("speaker_kind") != "named" for c in atts if c.kind == "attribution"
        ):
            vague = [c for c in atts if c.kind == "attribution"]
            if vague:
                return vague[0]
        return "kept"

    def new_sourcing(self) -> None:
        """Sources the derived report cites that its sources never cite ("unverified sources
        claim", "Israeli officials said"), and rumour hedges ("allegedly") they never use:
        sourcing made up for a claim."""
        for i in range(len(self.d.sents)):
            if i not in self.aligned:
                continue  # an unsupported sentence is reported as a whole (see ``unsupported``)
            for phrase, span in self._invented_sources(i):
                a = self.aligned[i]
                self.add(
                    "unsupported_claim",
                    i=i,
                    src=a.source,
                    j=a.sentences[0],
                    d_span=span,
                    d_value=phrase,
                    weight_key="unsupported_claim:source",
                    explanation=f'cites "{phrase}", a source that no source report cites',
                )

    def _restates_anonymous_source(self, i: int) -> bool:
        """Does a source sentence this one restates cite an unnamed, anonymous source?"""
        a = self.aligned.get(i)
        if a is None:
            return False
        src = self.sources[a.source]
        return any(c.attrs.get("anonymous") for j in a.sentences for c in src.claims(j, "attribution"))

    def _invented_sources(self, i: int) -> list[tuple[str, tuple[int, int]]]:
        sent = self.d.sents[i]
        out = []
        for c in sent.claims:
            if c.kind == "attribution" and not c.attrs.get("named") and (c.attrs.get("vague") or c.attrs.get("anonymous")):
                head, affiliation = _source_head(sent, c)
                if head is None or head.lower_ not in GROUP_SOURCES:
                    continue  # only unnamed people: "sources", "officials", "insiders", "experts", ...
                if self.in_any_source(lambda v, head=head, affiliation=affiliation: _cites(v, head, affiliation)):
                    continue
                if c.attrs.get("anonymous") and self._restates_anonymous_source(i):
                    continue  # "a source close to the inquiry" for "an official who asked not to be named": the same source retold
                out.append((c.text, (c.start, c.end)))
            elif (
                c.kind == "hedge"
                and str(c.value).lower() in RUMOUR_HEDGES
                and not self.in_any_source(lambda v, c=c: v.mentions(str(c.value)))
            ):
                out.append((c.text, (c.start, c.end)))
        return out
