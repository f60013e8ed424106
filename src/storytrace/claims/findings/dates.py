"""Dates: date_shift (the same words read from another publication date) and changed dates."""

from __future__ import annotations

from storytrace.claims.audit_support import (
    _Aligned,
    _AuditBase,
    _date_kind,
    _date_sig,
    _date_text,
    _View,
)
from storytrace.model import Claim


class _DatesChecks(_AuditBase):
    def pair_dates(self, i: int, a: _Aligned, src: _View, claimed: set[int]) -> None:
        dd = [c for c in self.d.claims(i, "date") if _date_sig(c)]
        sd = [c for c in self._source_claims(a, src, "date") if _date_sig(c)]
        used: set[int] = set()

        def same(x: Claim, y: Claim) -> bool:
            return _date_sig(x) == _date_sig(y) or bool(x.value and x.value == y.value and _date_kind(x) != "rel")

        for c in dd:
            match = [s for s in sd if same(c, s)]
            if match:
                s = match[0]
                used.add(id(s))
                claimed.add(id(c))
                if _date_kind(c) == "rel" and c.value and s.value and c.value != s.value:
                    self.add(
                        "date_shift",
                        i=i,
                        src=a.source,
                        j=s.sentence,
                        d_span=(c.start, c.end),
                        s_span=(s.start, s.end),
                        d_value=_date_text(c),
                        s_value=_date_text(s),
                        explanation=(
                            f'"{c.text}" is {c.value} read from this report\'s date ({self.d.published}), but {s.value} in the source '
                            f"(published {src.published}): the event is re-dated"
                        ),
                    )
                continue
            if self.in_any_source(lambda v, c=c: any(same(c, x) for x in v.dates)):
                claimed.add(id(c))
                continue
            kind = _date_kind(c)
            rivals = [s for s in sd if id(s) not in used and _date_kind(s) == kind and not any(same(x, s) for x in dd)]
            if not rivals:
                continue
            s = rivals[0]
            used.add(id(s))
            claimed.add(id(c))
            if kind == "rel":
                when = f" ({c.value} against {s.value})" if c.value and s.value else ""
                self.add(
                    "date_shift",
                    i=i,
                    src=a.source,
                    j=s.sentence,
                    d_span=(c.start, c.end),
                    s_span=(s.start, s.end),
                    d_value=_date_text(c),
                    s_value=_date_text(s),
                    explanation=f'"{c.text}" where the source says "{s.text}"{when}: the event is re-dated',
                )
            else:
                self.add(
                    "detail_changed",
                    i=i,
                    src=a.source,
                    j=s.sentence,
                    d_span=(c.start, c.end),
                    s_span=(s.start, s.end),
                    d_value=c.text,
                    s_value=s.text,
                    explanation=f'the date "{c.text}" where the source says "{s.text}"',
                )
