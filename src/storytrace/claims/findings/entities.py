"""Names: entity_dropped, entity_added and names replaced (detail_changed)."""

from __future__ import annotations

from collections import Counter

from storytrace.claims.audit_support import (
    _Aligned,
    _AuditBase,
    _entity_in,
    _entity_key,
    _label_group,
    _View,
)
from storytrace.claims.lexicon import (
    UNLOSABLE_LABELS,
    WHOLE_SOURCE,
)
from storytrace.model import Claim


class _EntitiesChecks(_AuditBase):
    def pair_entities(self, i: int, a: _Aligned, src: _View, claimed: set[int]) -> None:
        d_ents = [c for c in self.d.claims(i, "entity") if id(c) not in claimed]
        s_ents = self._source_claims(a, src, "entity")
        # source names of the restated sentences that this sentence does not name
        missing = []
        seen = set()
        for c in s_ents:
            k = _entity_key(c)
            if k in seen or _entity_in(c, self.d, i):
                continue
            seen.add(k)
            missing.append(c)
        new_here = []
        seen = set()
        for c in d_ents:
            k = _entity_key(c)
            if k in seen or any(_entity_in(c, src, j) for j in a.sentences):
                continue
            seen.add(k)
            new_here.append(c)
        replaced: set[int] = set()
        whole = a.relation in ("verbatim", "paraphrase")
        groups = Counter(_label_group(c) for c in new_here)
        lost_groups = Counter(_label_group(m) for m in missing if not _entity_in(m, self.d))
        for c in new_here:
            if not (src.cased and self.d.cased):
                break  # names found by NER in lower-cased text are too noisy to pair
            novel = not self.in_any_source(lambda v, c=c: _entity_in(c, v))
            label = _label_group(c)
            for m in missing:
                if id(m) in replaced or _label_group(m) != label or label not in ("person", "organisation", "place"):
                    continue
                one_for_one = groups[label] == 1 and lost_groups[label] == 1
                if not ((whole and one_for_one and m.sentence == a.sentences[0]) or self._same_slot(c, self.d, m, src)):
                    continue
                gone = not _entity_in(m, self.d)
                if novel or (gone and label == "person"):
                    replaced.add(id(m))
                    claimed.add(id(c))
                    self.added_reported.add(_entity_key(c))
                    self.dropped_reported.add((a.source, _entity_key(m)))
                    self.add(
                        "detail_changed",
                        i=i,
                        src=a.source,
                        j=m.sentence,
                        d_span=(c.start, c.end),
                        s_span=(m.start, m.end),
                        d_value=c.text,
                        s_value=m.text,
                        explanation=f'{label} "{c.text}" where the source names "{m.text}"',
                    )
                    break
        # a different first name before the same surname ("Jane Smith" / "Mary Smith")
        for c in d_ents:
            if id(c) in claimed or c.attrs.get("label") != "PERSON" or len(c.text.split()) != 2:
                continue
            for m in s_ents:
                if (
                    m.attrs.get("label") == "PERSON"
                    and len(m.text.split()) == 2
                    and _entity_key(m) == _entity_key(c)
                    and m.text.split()[0].lower() != c.text.split()[0].lower()
                    and not self.d.mentions(m.text)
                    and not self.in_any_source(lambda v, c=c: v.mentions(c.text))
                ):
                    claimed.add(id(c))
                    self.add(
                        "detail_changed",
                        i=i,
                        src=a.source,
                        j=m.sentence,
                        d_span=(c.start, c.end),
                        s_span=(m.start, m.end),
                        d_value=c.text,
                        s_value=m.text,
                        explanation=f'person "{c.text}" where the source names "{m.text}"',
                    )
                    break
        for m in missing:
            if id(m) in replaced or _entity_in(m, self.d) or (a.source, _entity_key(m)) in self.dropped_reported:
                continue
            if m.attrs.get("label") in UNLOSABLE_LABELS:
                continue  # "American", "Palestinian": a word of description, not a name the story loses
            self.dropped_reported.add((a.source, _entity_key(m)))
            self.add(
                "entity_dropped",
                i=i,
                src=a.source,
                j=m.sentence,
                d_span=(self.d.sents[i].start, self.d.sents[i].end),
                s_span=(m.start, m.end),
                d_value=None,
                s_value=m.text,
                explanation=f'"{m.text}" of the restated source sentence is not named anywhere in the derived report',
            )
        for c in d_ents:
            if id(c) not in claimed:
                self.entity_added(i, c)

    def entity_added(self, i: int, c: Claim) -> bool:
        k = _entity_key(c)
        if k in self.added_reported or self.in_any_source(lambda v: _entity_in(c, v)):
            return False
        self.added_reported.add(k)
        norp = c.attrs.get("label") == "NORP"
        self.add(
            "entity_added",
            i=i,
            src=self.primary,
            j=None,
            d_span=(c.start, c.end),
            d_value=c.text,
            weight_key="entity_added:norp" if norp else "entity_added",
            explanation=f'{_label_group(c, "name")} "{c.text}" appears in no source',
        )
        return True

    def people_left_out(self) -> None:
        """Only what a derivative restates can lose anything; a derivative that restates nearly
        all of a source (WHOLE_SOURCE of its sentences) has taken it whole, so the people of its
        few other sentences that it never names are dropped too: one finding per source,
        listing them. A derivative that took a part (a third of a source) drops nothing there."""
        for sid in self.order:
            src = self.sources[sid]
            restated = {j for a in self.aligned.values() if a.source == sid for j in a.sentences}
            if not src.sents or len(restated) < WHOLE_SOURCE * len(src.sents):
                continue
            names: list[Claim] = []
            for c in src.entities:
                if (
                    c.attrs.get("label") == "PERSON"
                    and c.sentence not in restated
                    and (sid, _entity_key(c)) not in self.dropped_reported
                    and not _entity_in(c, self.d)
                    and _entity_key(c) not in {_entity_key(n) for n in names}
                ):
                    names.append(c)
            for c in names:
                self.dropped_reported.add((sid, _entity_key(c)))
            if names:
                self.add(
                    "entity_dropped",
                    i=None,
                    src=sid,
                    j=names[0].sentence,
                    s_span=(names[0].start, names[0].end),
                    s_value=names[0].text if len(names) == 1 else [c.text for c in names],
                    explanation="people of the source, which this report restates nearly whole, that it never names: "
                    + ", ".join(f'"{c.text}"' for c in names),
                )
