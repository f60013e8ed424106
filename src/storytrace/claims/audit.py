"""The claim audit: what each derived report changed against the report(s) it derives from.

Input: a :class:`~storytrace.model.Story` after lineage (derivation edges and sentence
alignments) and its Articles. Output: ``story.findings`` and, for every edge,
``edge.verdict``; every article of the story also gets its sourcing profile (direct quotes,
named / anonymous / vague sources, hedges) in ``article.meta["profile"]``.

A finding is evidence for a person: the derived sentence and the source sentence, the
character spans and the values on both sides (a value is the text its span covers; a date
also carries the day it resolves to, "early on Friday (2023-11-03)"), and a one-line
explanation of what changed. Everything is structural, no language or NLI model: the audit
reads the sentence alignment and the claims of :mod:`storytrace.claims.extract` (quantities,
entities, dates, quotes, attributions, hedges) and the spaCy parse of each sentence (negation,
tense, clause type). The parse is the one claim extraction already made
(:class:`_DocCollector`): spaCy runs once per article.

Layout: the checks of each kind of finding are one module of :mod:`storytrace.claims.findings`
(quantities, dates, entities, wording, framing, conflicts, attribution, quotes, unsupported),
each a mixin over ``audit_support._AuditBase`` (the audit's state, ``add`` and the helpers all
checks share); :class:`_Auditor` here joins them, runs them in order and holds the weights.
The finding types themselves are one list, :class:`storytrace.model.FindingType`.

For every derived sentence that restates source sentence(s) (an alignment that is not
``unsupported``):

* ``number_changed``  a quantity counting the same thing with another value ("230
  hostages" where the source says "more than 200 hostages"), or a reversed bound;
* ``detail_dropped``  a quantity's qualifier lost ("four hostages" / "4 women hostages"),
  a number replaced by a vague word ("various foreign countries" / "25 foreign countries");
* ``detail_changed``  a name replaced by another of the same kind, an absolute date
  changed, a qualifier replaced by other descriptors of the same people;
* ``entity_added`` / ``entity_dropped``  a name no source has / a source name the derived
  report never names (omissions are reported but weigh nothing);
* ``attribution_dropped``  a quoted or attributed statement restated without its speaker,
  or with a named speaker replaced by a vague one;
* ``quote_altered``  a quotation whose words differ from the source's quotation;
* ``date_shift``  a relative date ("Friday", "yesterday") that resolves to another day than
  the source's (read from each report's own date), or a weekday replaced: the event is re-dated;
* ``conflict``  a negation added or removed, an antonym swapped ("approved" / "rejected");
* ``unsupported_claim``  new specifics inside a restated sentence (people, numbers, dates, a
  quotation no source has) or a source no source report cites ("Israeli officials said").

When a restated sentence is nearly word for word its source sentence, a word-level diff
catches what the claim-level checks may miss: a negation, a number, a weekday or a name
replaced, a speaker cut from "..., X said." (:meth:`_Auditor.pair_diff`).

For every derived sentence that restates nothing: ``unsupported_claim`` when it is specific
(a new name, number, date, quotation or source, or a statement of an event), else
``filler``. Across the whole report: ``conflict`` when it describes as still to come an
event that a source reports as done ("delay any ground invasion" / "sending ground forces").

The verdict per edge is a weighted sum of the findings (``WEIGHTS``; omissions and filler
weigh nothing), plus ``SHARE_WEIGHT`` times the share of the derived report's sentences that
no source supports (unsupported claims and filler alike, not echoes): ``facts_altered`` when
it reaches ``THRESHOLD``; ``score`` =
1 - 2^(-evidence / THRESHOLD), so 0.5 at the threshold and monotone in the evidence. No
feature of style or length enters it. The free weights were chosen on the F3 development
pairs by a cross-validated grid search (``python bench/audit_eval.py --sets f3 --fit``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from storytrace.claims.audit_support import (
    _TYPE_ORDER,
    _Aligned,
    _names_a_difference,
    _words,
    prepare_articles,
)
from storytrace.claims.extract import sourcing_profile
from storytrace.claims.findings.conflicts import _ConflictsChecks
from storytrace.claims.findings.dates import _DatesChecks
from storytrace.claims.findings.framing import _FramingChecks
from storytrace.claims.findings.quantities import _QuantitiesChecks
from storytrace.claims.findings.quotes import _QuotesChecks
from storytrace.claims.findings.unsupported import _UnsupportedChecks
from storytrace.claims.findings.wording import _WordingChecks
from storytrace.model import Alignment, Article, Edge, Finding, Story

__all__ = ["SHARE_WEIGHT", "THRESHOLD", "WEIGHTS", "audit_pair", "audit_story", "prepare_articles", "verdict", "weigh_pair"]

# ======================================================================================
# Verdict weights (chosen on F3 development data, see bench/audit_eval.py)
# ======================================================================================

THRESHOLD = 1.0
# Each finding adds its weight to the evidence; a weight of 1.0 decides alone. The weights marked
# "fit" were chosen by a grid search on the F3 development pairs (bench/audit_eval.py --fit,
# 5-fold cross-validated); the others are set by what the finding means.
WEIGHTS: dict[str, float] = {
    "number_changed": 1.0,
    "detail_changed": 1.0,
    "conflict": 1.0,
    "date_shift": 1.0,
    "quote_altered": 1.0,
    "unsupported_claim:new": 1.0,  # an unsupported sentence with new names, numbers, dates, quotations
    "unsupported_claim:quote": 1.0,  # a quotation no source has, in a restated sentence
    "unsupported_claim:event": 0.34,  # fit: an unsupported statement of an event
    "unsupported_claim:source": 0.5,  # fit: a source ("insiders said") no source report cites
    "unsupported_claim:detail": 0.34,  # fit: new people, numbers or dates inside a restated sentence
    "unsupported_claim:echo": 0.25,  # fit: an unsupported statement whose words are in one source sentence
    "attribution_dropped": 0.5,  # fit: a statement restated without its speaker
    "attribution_dropped:vague": 0.5,  # a named speaker replaced by a vague attribution
    "attribution_dropped:again": 0.0,  # the same speaker once more
    "entity_added": 0.25,  # fit
    "entity_added:norp": 0.25,  # fit: a nationality or group word
    "entity_dropped": 0.0,  # omissions are not alterations
    "detail_dropped": 0.0,
    "filler": 0.0,  # alone nothing; it counts in the unsupported share below
    "framing_changed": 0.0,  # reported, not weighed: loaded words are a matter of judgement
    "order_changed": 0.0,
}
# plus SHARE_WEIGHT x the share of the derived report's sentences that no source supports
# (unsupported claims, new or event, and filler): an invented statement weighs more in a short
# report, where it is a larger part of what the report says (fit). Filler counts: a sentence
# that restates nothing is not a faithful rewrite's, whether or not the statement check reads
# it as specific (on F3, 0.29 filler sentences per faithful CoAID rewrite, 1.48 per altered
# one; it lifted the held-out domain folds, BENCHMARKS.md "Claim audit: F3"). An echo (most of
# its words in one source sentence) is a loose restatement and does not count.
SHARE_WEIGHT = 1.5
_SENTENCE_CLAIMS = ("unsupported_claim:new", "unsupported_claim:event", "filler")


class _Auditor(
    _UnsupportedChecks,  # with the entity and attribution checks it calls
    _QuantitiesChecks,
    _DatesChecks,
    _WordingChecks,
    _FramingChecks,
    _ConflictsChecks,
    _QuotesChecks,
):
    """One derived report against its sources: the checks of each kind of finding come from
    the ``claims.findings`` mixins; this class holds the order of the checks and the weights."""

    weights = WEIGHTS

    # ------------------------------------------------------------------ plumbing

    def run(self) -> list[tuple[Finding, float, str]]:
        for i in range(len(self.d.sents)):
            a = self.aligned.get(i)
            if a is not None:
                self.pair(i, a)
            else:
                self.unsupported(i)
        self.attributions()
        self.new_sourcing()
        self.quotes()
        self.pending_done()
        self.people_left_out()
        self.one_finding_per_change()
        self.found = [t for t in self.found if _names_a_difference(t[0], self.identical)]
        order = {k: n for n, k in enumerate(_TYPE_ORDER)}
        self.found.sort(
            key=lambda t: (
                t[0].derived_sentence if t[0].derived_sentence is not None else 10**9,
                order.get(t[0].type, 99),
                (t[0].derived_span or (0, 0))[0],
            )
        )
        return self.found

    def one_finding_per_change(self) -> None:
        """One finding per change: an attribution is reported once per speaker and derived
        sentence; the names one restated source sentence loses are one ``entity_dropped``
        listing them (a list of six countries cut from a sentence is one change)."""
        kept: list[tuple[Finding, float, str]] = []
        seen_attribution: set[tuple[int | None, tuple[str, ...]]] = set()
        for t in self.found:
            f = t[0]
            if f.type == "attribution_dropped":
                key = (f.derived_sentence, _words(str(f.source_value or "")))
                if key in seen_attribution:
                    continue
                seen_attribution.add(key)
            kept.append(t)
        kept = self._one_source_change(kept)
        dropped: dict[tuple[int | None, str | None, int | None], list[tuple[Finding, float, str]]] = {}
        out: list[tuple[Finding, float, str]] = []
        for t in kept:
            f = t[0]
            if f.type != "entity_dropped":
                out.append(t)
                continue
            group = dropped.setdefault((f.derived_sentence, f.source, f.source_sentence), [])
            if not group:
                out.append(t)  # the group's place in the list
            group.append(t)
        for group in dropped.values():
            if len(group) < 2:
                continue
            first, weight, wkey = group[0]
            names = [str(g[0].source_value) for g in group]
            spans = [g[0].source_span for g in group if g[0].source_span]
            merged = Finding(
                type="entity_dropped",
                derived=first.derived,
                source=first.source,
                derived_sentence=first.derived_sentence,
                source_sentence=first.source_sentence,
                explanation="names of the restated source sentence that the derived report never names: "
                + ", ".join(f'"{n}"' for n in names),
                derived_span=first.derived_span,
                source_span=(min(sp[0] for sp in spans), max(sp[1] for sp in spans)) if spans else None,
                derived_value=None,
                source_value=names,
            )
            out[out.index(group[0])] = (merged, weight, wkey)
        self.found = out

    def _one_source_change(self, found: list[tuple[Finding, float, str]]) -> list[tuple[Finding, float, str]]:
        """A named speaker replaced by a made-up vague source ("Brian Elias of the coroner's
        office confirmed" / "having reportedly committed suicide") is one change: the
        ``attribution_dropped`` of that derived sentence, naming the vague source; not also an
        ``unsupported_claim`` for citing it."""
        dropped_in: dict[int | None, tuple[Finding, float, str]] = {
            t[0].derived_sentence: t for t in found if t[0].type == "attribution_dropped" and t[0].derived_sentence is not None
        }
        out: list[tuple[Finding, float, str]] = []
        replaced: dict[int, tuple[Finding, float, str]] = {}  # id of the attribution finding -> merged
        for t in found:
            f, _, key = t
            a = dropped_in.get(f.derived_sentence)
            if key != "unsupported_claim:source" or a is None or id(a[0]) in replaced:
                out.append(t)
                continue
            if a[0].derived_value is None:  # "restated as unattributed narration": it names the vague source now
                vague_key = "attribution_dropped:again" if a[2] == "attribution_dropped:again" else "attribution_dropped:vague"
                merged = dataclasses.replace(
                    a[0],
                    derived_span=f.derived_span,
                    derived_value=f.derived_value,
                    explanation=a[0].explanation.replace(
                        "restated as unattributed narration",
                        f'restated as coming from "{f.derived_value}": the named source is gone',
                    ),
                )
                replaced[id(a[0])] = (merged, self.weights.get(vague_key, 0.0), vague_key)
            elif _words(str(a[0].derived_value)) != _words(str(f.derived_value)):
                out.append(t)  # another vague source than the one that replaced the speaker: another change
        return [replaced.get(id(t[0]), t) for t in out]

    # ------------------------------------------------------------------ aligned pairs

    def pair(self, i: int, a: _Aligned) -> None:
        src = self.sources[a.source]
        claimed: set[int] = set()  # ids of derived claims already explained by a finding
        self.pair_quantities(i, a, src, claimed)
        self.pair_dates(i, a, src, claimed)
        self.pair_entities(i, a, src, claimed)
        self.pair_conflicts(i, a, src)
        self.pair_diff(i, a, src)
        self.pair_new_details(i, a, src, claimed)
        self.pair_framing(i, a, src)
        self.pair_order(i, a, src)

    # ------------------------------------------------------------------ conflicts

    # ------------------------------------------------------------------ quotes and speakers

    # ------------------------------------------------------------------ unsupported sentences

    # ------------------------------------------------------------------ token helpers


# ======================================================================================
# Verdict and entry points
# ======================================================================================


def verdict(weighted: list[tuple[Finding, float, str]], sentences: int) -> dict:
    """The verdict from weighted findings: evidence, decision and a 0..1 score.

    evidence = the sum of the findings' weights + SHARE_WEIGHT x the share of the derived
    report's ``sentences`` that no source supports (unsupported claims, filler);
    facts_altered when it reaches THRESHOLD; score = 1 - 2^(-evidence / THRESHOLD) (0.5 at the threshold).
    """
    counts = Counter(f.type for f, _, _ in weighted)
    by_key: dict[str, float] = {}
    for _, w, key in weighted:
        if w:
            by_key[key] = round(by_key.get(key, 0.0) + w, 4)
    unsupported = sum(1 for _, _, key in weighted if key in _SENTENCE_CLAIMS)
    share = unsupported / sentences if sentences else 0.0
    evidence = sum(w for _, w, _ in weighted) + SHARE_WEIGHT * share
    if share:
        by_key["unsupported_share"] = round(SHARE_WEIGHT * share, 4)
    return {
        "facts_altered": evidence >= THRESHOLD,
        "score": round(1.0 - 2.0 ** (-evidence / THRESHOLD), 4),
        "evidence": round(evidence, 4),
        "threshold": THRESHOLD,
        "unsupported_share": round(share, 4),
        "counts": dict(sorted(counts.items())),
        "weights": dict(sorted(by_key.items())),
    }


def weigh_pair(source: Article, derived: Article, alignments: list[Alignment]) -> list[tuple[Finding, float, str]]:
    """The findings of ``derived`` against ``source``, each with its weight and weight key
    (a ``WEIGHTS`` key such as "unsupported_claim:event"): what :func:`verdict` reads."""
    prepare_articles([derived, source])
    return _Auditor(derived, [source], alignments, source.id).run()


def audit_pair(source: Article, derived: Article, alignments: list[Alignment]) -> tuple[list[Finding], dict]:
    """Audit one derivation: the findings of ``derived`` against ``source`` and the verdict.

    ``alignments`` are the derived report's sentence alignments (others are ignored);
    a derived sentence with no supported alignment to ``source`` counts as unsupported.
    """
    weighted = weigh_pair(source, derived, alignments)
    return [f for f, _, _ in weighted], verdict(weighted, len(derived.sentences))


def audit_story(story: Story, by_id: dict[str, Article]) -> None:
    """Fill ``story.findings``, each edge's ``verdict`` and each article's
    ``meta["profile"]`` (its sourcing profile)."""
    members = [by_id[a] for a in story.articles if a in by_id]
    prepare_articles(members)
    for a in members:
        a.meta["profile"] = sourcing_profile(a, a.claims)
    edges_of: dict[str, list[Edge]] = {}
    for e in story.edges:
        if e.source in by_id and e.derived in by_id:
            edges_of.setdefault(e.derived, []).append(e)
    findings: list[Finding] = []
    position = {a: k for k, a in enumerate(story.articles)}
    for did in sorted(edges_of, key=lambda d: position.get(d, len(position))):
        edges = sorted(edges_of[did], key=lambda e: position.get(e.source, len(position)))
        derived = by_id[did]
        sources = [by_id[e.source] for e in edges]
        primary = max(edges, key=lambda e: (e.coverage, -position.get(e.source, 0))).source
        alignments = [al for al in story.alignments if al.derived == did]
        weighted = _Auditor(derived, sources, alignments, primary).run()
        for e in edges:
            e.verdict = verdict([t for t in weighted if t[0].source == e.source], len(derived.sentences))
        findings.extend(f for f, _, _ in weighted)
    story.findings = findings
