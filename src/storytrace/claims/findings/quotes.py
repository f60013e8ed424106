"""quote_altered: quotations whose words differ from the source's, and quotations no source has."""

from __future__ import annotations

import bisect

from storytrace.claims.audit_support import (
    _attributed,
    _AuditBase,
    _keys,
    _quote_changes,
    _quote_words,
)


class _QuotesChecks(_AuditBase):
    def quotes(self) -> None:
        """Quotations whose words differ from the source's, and quotations no source has."""
        # a quotation is someone's words: quotation marks around a whole text (a tweet) are not
        src_quotes = [(sid, q) for sid in self.order for q in self.sources[sid].quotes if _attributed(q)]
        source_words = {sid: " " + " ".join(_quote_words(v.text)) + " " for sid, v in self.sources.items()}
        # made once, not once per quotation (each is the whole report's words): linear in the report
        derived_words = " " + " ".join(_quote_words(self.d.text)) + " "
        # the source quotations by word key, so a quotation is scored only against those that
        # share a word with it (the others score 0 and are never the best)
        src_keys = [_keys(sq.value) for _, sq in src_quotes]
        by_key: dict[str, list[int]] = {}
        for k, keys in enumerate(src_keys):
            for key in keys:
                by_key.setdefault(key, []).append(k)
        # the findings a changed quotation may already hold, by where they start (this pass
        # adds none of these kinds, so the list is made once)
        kinds = ("number_changed", "conflict", "detail_changed", "date_shift")
        held = sorted(f.derived_span[0] for f, _, _ in self.found if f.derived_span and f.type in kinds)
        for q in self.d.quotes:
            words = _quote_words(q.value)
            if len(words) < 4 or not (_attributed(q) or src_quotes):
                continue
            if any(" " + " ".join(words) + " " in text for text in source_words.values()):
                continue  # the same words are in a source
            qkeys = _keys(q.value)
            best, best_score = None, 0.0
            for k in sorted({k for key in qkeys for k in by_key.get(key, ())}):
                score = len(qkeys & src_keys[k]) / max(1, len(qkeys))
                if score > best_score:
                    best, best_score = src_quotes[k], score
            if best is not None and best_score >= 0.5:
                sid, sq = best
                changes = _quote_changes(_quote_words(sq.value), words)
                # words added at a quotation's edge that the source has right there (the quotation
                # marks were read differently) are no change
                changes = [
                    (old, new)
                    for old, new in changes
                    if not (not old and len(new.split()) >= 3 and f" {new} " in source_words[sid])
                    and not (not new and len(old.split()) >= 3 and f" {old} " in derived_words)
                ]
                inside = bisect.bisect_left(held, q.end) > bisect.bisect_left(held, q.start)
                if changes and not inside:  # a change inside the quotation already found is not repeated
                    shown = "; ".join(f'"{d or "…"}" for "{s or "…"}"' for s, d in changes[:3])
                    self.add(
                        "quote_altered",
                        i=q.sentence,
                        src=sid,
                        j=sq.sentence,
                        d_span=(q.start, q.end),
                        s_span=(sq.start, sq.end),
                        d_value=q.value,
                        s_value=sq.value,
                        explanation=f"the quotation's words differ from the source's: {shown}",
                    )
                continue
            if q.sentence in self.aligned and _attributed(q):
                support = max((len(qkeys & v.keys) / max(1, len(qkeys)) for v in self.sources.values()), default=0.0)
                if support < 0.6:
                    a = self.aligned[q.sentence]
                    self.add(
                        "unsupported_claim",
                        i=q.sentence,
                        src=a.source,
                        j=a.sentences[0],
                        d_span=(q.start, q.end),
                        d_value=q.value,
                        weight_key="unsupported_claim:quote",
                        explanation="a quotation that no source contains",
                    )
