"""The claim audit: findings with their evidence, and the verdict per derivation.

The short news paragraphs below are written for these tests (fictional places and people).
Each one-fact case changes exactly one fact of a paragraph; each benign case rewords it
without changing a fact. ``bench/audit_eval.py`` reuses ``ONE_FACT_CASES`` and
``BENIGN_CASES`` for its synthetic check.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storytrace import api
from storytrace.model import Article
from tests.support.paths import SEEDS

PUBLISHED = datetime(2024, 3, 14, tzinfo=UTC)  # a Thursday

PARAGRAPHS = {
    "bridge": (
        "The Harbor City council voted on Tuesday to close the old Pine Street bridge for repairs. "
        "The work will cost about 4.2 million dollars and take 18 months, Mayor Elena Ruiz said. "
        "The council did not approve a plan to build a temporary ferry. "
        "Local shop owners said the closure would hurt business. "
        "“We will lose half our customers,” said Tom Becker, who runs a bakery near the bridge."
    ),
    "plant": (
        "Northfield Motors will cut 350 jobs at its van plant in Dunmore, the company said on Monday. "
        "The carmaker blamed weak demand for its electric vans. "
        "Union leader Sara Okafor said workers were not consulted before the decision. "
        "The plant employs about 2,100 people and opened in 1998. "
        "Production of the vans will end in September, according to a statement from Northfield Motors."
    ),
    "flood": (
        "Heavy rain flooded parts of Riverton on Sunday, forcing 120 families from their homes. "
        "Emergency crews rescued 14 people from cars trapped on Mill Road, fire chief Daniel Price said. "
        "The water reached the ground floor of the town library. "
        "The Riverton Red Cross opened two shelters at local schools. "
        "Forecasters expect the river to fall below flood level by Wednesday."
    ),
    "study": (
        "A study of 4,800 adults found that people who walked 30 minutes a day had lower blood pressure, "
        "researchers at Lakeside University reported on Thursday. "
        "The effect was strongest in people over 60, lead author Maria Lindqvist said. "
        "The study did not find a link between walking and cholesterol. "
        "The researchers followed the participants for five years."
    ),
}

# (paragraph, what changed, old text, new text, expected finding type, the new or lost value)
ONE_FACT_CASES = [
    ("bridge", "number", "4.2 million", "6.5 million", "number_changed", "6.5 million"),
    ("bridge", "person", "Elena Ruiz", "Diana Kowalski", "detail_changed", "Diana Kowalski"),
    ("bridge", "negation removed", "did not approve", "approved", "conflict", "did not approve"),
    ("bridge", "speaker removed", ", Mayor Elena Ruiz said.", ".", "attribution_dropped", "Elena Ruiz"),
    ("bridge", "weekday", "on Tuesday", "on Wednesday", "date_shift", "Wednesday"),
    ("plant", "number", "350 jobs", "530 jobs", "number_changed", "530 jobs"),
    ("plant", "person", "Sara Okafor", "Linda Brooks", "detail_changed", "Linda Brooks"),
    ("plant", "organisation", "Northfield Motors will", "Eastway Motors will", "detail_changed", "Eastway Motors"),
    ("plant", "negation removed", "were not consulted", "were consulted", "conflict", "not"),
    ("plant", "weekday", "on Monday", "on Friday", "date_shift", "Friday"),
    ("flood", "number", "rescued 14 people", "rescued 41 people", "number_changed", "41 people"),
    ("flood", "person", "Daniel Price", "Robert Hale", "detail_changed", "Robert Hale"),
    ("flood", "speaker removed", ", fire chief Daniel Price said.", ".", "attribution_dropped", "Daniel Price"),
    ("flood", "negation added", "The water reached", "The water did not reach", "conflict", "not"),
    ("flood", "weekday", "on Sunday", "on Saturday", "date_shift", "Saturday"),
    ("study", "number", "4,800 adults", "8,400 adults", "number_changed", "8,400 adults"),
    ("study", "organisation", "Lakeside University", "Hillcrest University", "detail_changed", "Hillcrest University"),
    ("study", "negation removed", "did not find", "found", "conflict", "not"),
    ("study", "speaker removed", ", lead author Maria Lindqvist said.", ".", "attribution_dropped", "Maria Lindqvist"),
    ("study", "weekday", "on Thursday", "on Tuesday", "date_shift", "Tuesday"),
]


def _swap_first_two(text: str) -> str:
    first, rest = text.split(". ", 1)
    second, tail = rest.split(". ", 1)
    return f"{second}. {first}. {tail}"


BENIGN_CASES = [
    ("bridge", "said -> stated", lambda t: t.replace("Ruiz said", "Ruiz stated")),
    ("bridge", "two sentences swapped", _swap_first_two),
    ("plant", "said -> stated", lambda t: t.replace("Okafor said", "Okafor stated")),
    ("plant", "two sentences swapped", _swap_first_two),
    ("flood", "said -> stated", lambda t: t.replace("Price said", "Price stated")),
    ("flood", "two sentences swapped", _swap_first_two),
    ("study", "said -> stated", lambda t: t.replace("Lindqvist said", "Lindqvist stated")),
    ("study", "two sentences swapped", _swap_first_two),
]


def one_fact_pair(case) -> tuple[Article, Article]:
    name, _what, old, new, _kind, _value = case
    source = PARAGRAPHS[name]
    assert source.count(old) == 1, (name, old)
    return Article(f"{name}-source", source, published=PUBLISHED), Article(
        f"{name}-derived", source.replace(old, new), published=PUBLISHED
    )


def compare(source: Article, derived: Article):
    result = api.compare(source, derived)
    story = result.stories[0]
    return story.findings, story.edges[0].verdict


def _value_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# ------------------------------------------------------------------------------- copies


def test_identical_copy_has_no_findings():
    for name, text in PARAGRAPHS.items():
        findings, verdict = compare(
            Article(f"{name}-a", text, published=PUBLISHED), Article(f"{name}-b", text, published=PUBLISHED)
        )
        assert findings == [], [f.to_dict() for f in findings]
        assert verdict["facts_altered"] is False
        assert verdict["score"] == 0.0


# ------------------------------------------------------------------------------- one fact


@pytest.mark.parametrize("case", ONE_FACT_CASES, ids=[f"{c[0]}-{c[1]}" for c in ONE_FACT_CASES])
def test_one_fact_alteration(case):
    source, derived = one_fact_pair(case)
    findings, verdict = compare(source, derived)
    kind, value = case[4], case[5]
    hits = [f for f in findings if f.type == kind]
    assert hits, f"no {kind}: {[f.to_dict() for f in findings]}"
    f = hits[0]
    sides = _value_text(f.derived_value) + " | " + _value_text(f.source_value)
    assert value.lower() in sides.lower(), f.to_dict()
    # the spans point at the values in each text
    for span, val, text in ((f.derived_span, f.derived_value, derived.text), (f.source_span, f.source_value, source.text)):
        if span is not None and isinstance(val, str):
            assert val.startswith(text[span[0] : span[1]]), (text[span[0] : span[1]], val)
    assert f.explanation
    if kind != "attribution_dropped":  # a dropped speaker alone weighs 0.5: reported, not decisive (see WEIGHTS)
        assert verdict["facts_altered"] is True, verdict
    assert verdict["score"] > 0


def test_one_fact_values_and_spans_exactly():
    source, derived = one_fact_pair(ONE_FACT_CASES[0])
    findings, _ = compare(source, derived)
    (f,) = [f for f in findings if f.type == "number_changed"]
    assert derived.text[f.derived_span[0] : f.derived_span[1]] == f.derived_value == "about 6.5 million"
    assert source.text[f.source_span[0] : f.source_span[1]] == f.source_value == "about 4.2 million"
    assert "6.5 million" in f.explanation and "4.2 million" in f.explanation


def test_weekday_is_resolved_against_each_date():
    source, derived = one_fact_pair(ONE_FACT_CASES[4])
    findings, _ = compare(source, derived)
    (f,) = [f for f in findings if f.type == "date_shift"]
    assert "2024-03-13" in f.derived_value and "2024-03-12" in f.source_value  # Wednesday / Tuesday before Thursday 14th


# ------------------------------------------------------------------------------- benign


@pytest.mark.parametrize("case", BENIGN_CASES, ids=[f"{c[0]}-{c[1]}" for c in BENIGN_CASES])
def test_benign_rewording_keeps_facts(case):
    name, _what, change = case
    source = PARAGRAPHS[name]
    derived = change(source)
    assert derived != source
    findings, verdict = compare(
        Article(f"{name}-s", source, published=PUBLISHED), Article(f"{name}-d", derived, published=PUBLISHED)
    )
    assert verdict["facts_altered"] is False, [f.to_dict() for f in findings]


def test_stale_news_is_a_date_shift():
    """The same "on Tuesday" read from a report published a week later is another day."""
    text = PARAGRAPHS["bridge"]
    later = datetime(2024, 3, 21, tzinfo=UTC)
    findings, verdict = compare(
        Article("s", text, published=PUBLISHED),
        Article("d", text.replace("Mayor Elena Ruiz said", "the mayor said"), published=later),
    )
    shifts = [f for f in findings if f.type == "date_shift"]
    assert shifts and "2024-03-19" in shifts[0].derived_value and "2024-03-12" in shifts[0].source_value
    assert verdict["facts_altered"] is True


def test_added_sentence_is_unsupported_or_filler():
    text = PARAGRAPHS["flood"]
    derived = (
        text
        + " Mayor Oliver Grant announced on Monday that 3 million dollars would go to repairs. The situation remains difficult for everyone involved."
    )
    findings, verdict = compare(Article("s", text, published=PUBLISHED), Article("d", derived, published=PUBLISHED))
    kinds = {f.type for f in findings}
    assert "unsupported_claim" in kinds and "filler" in kinds and "entity_added" in kinds
    added = [f for f in findings if f.type == "entity_added"]
    assert any(f.derived_value == "Oliver Grant" for f in added)
    assert verdict["facts_altered"] is True


@pytest.mark.parametrize("hedge", ["reportedly", "allegedly"])
def test_speaker_replaced_by_a_rumour_hedge_is_one_finding(hedge):
    """A named speaker's statement retold with a rumour hedge in the speaker's place is one
    change: an ``attribution_dropped`` naming the hedge, not also an ``unsupported_claim``."""
    text = PARAGRAPHS["bridge"]
    old = "The work will cost about 4.2 million dollars and take 18 months, Mayor Elena Ruiz said."
    new = f"The work will {hedge} cost about 4.2 million dollars and take 18 months."
    assert old in text
    findings, verdict = compare(
        Article("s", text, published=PUBLISHED), Article("d", text.replace(old, new), published=PUBLISHED)
    )
    on_it = [f for f in findings if f.derived_sentence == 1 and f.type != "entity_dropped"]  # the name, omitted: weighs nothing
    assert [f.type for f in on_it] == ["attribution_dropped"], [f.to_dict() for f in findings]
    (f,) = on_it
    assert f.derived_value == hedge and "Elena Ruiz" in str(f.source_value) and f'"{hedge}"' in f.explanation
    assert verdict["facts_altered"] is False  # a vague source for a named one weighs 0.5: reported, not decisive


def test_filler_counts_in_the_unsupported_share():
    """A sentence that restates nothing weighs nothing alone, but it is part of the share of
    the report that no source supports: the more of a report such sentences make up, the
    nearer it is to an alteration; the same report without them has no share at all."""
    from storytrace.claims.audit import SHARE_WEIGHT, verdict
    from storytrace.model import Finding

    def filler(i: int) -> tuple[Finding, float, str]:
        f = Finding(type="filler", derived="d", source="s", derived_sentence=i, source_sentence=None, explanation="x")
        return f, 0.0, "filler"

    echo = Finding(type="unsupported_claim", derived="d", source="s", derived_sentence=3, source_sentence=0, explanation="x")
    one = verdict([filler(0)], 4)
    two = verdict([filler(0), filler(1)], 4)
    assert one["unsupported_share"] == 0.25 and two["unsupported_share"] == 0.5
    assert two["evidence"] == pytest.approx(SHARE_WEIGHT * 0.5) and two["score"] > one["score"] > 0
    assert verdict([(echo, 0.0, "unsupported_claim:echo")], 4)["unsupported_share"] == 0.0
    assert verdict([], 4)["evidence"] == 0.0

    text = PARAGRAPHS["flood"]
    derived = text + " The situation remains difficult for everyone involved."
    findings, v = compare(Article("s", text, published=PUBLISHED), Article("d", derived, published=PUBLISHED))
    assert [f.type for f in findings] == ["filler"], [f.to_dict() for f in findings]
    assert v["unsupported_share"] > 0 and v["evidence"] == pytest.approx(SHARE_WEIGHT * v["unsupported_share"], abs=1e-3)


# ------------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seeds():
    files = sorted(SEEDS.glob("0*.txt")) if SEEDS.is_dir() else []
    if len(files) < 3:
        pytest.skip("the seed reports (../shared/seeds) are not here")
    from storytrace.pipeline import trace

    result = trace(api.read_articles(files))
    by_prefix = {a.id[:3]: a for a in result.articles}
    (story,) = [s for s in result.stories if len(s.articles) == 3]
    return story, by_prefix


def _of(story, article, kind):
    return [f for f in story.findings if f.derived == article.id and f.type == kind]


def _sentence(article, f) -> str:
    return article.sentences[f.derived_sentence].text


def test_seed_verdicts(seeds):
    story, a = seeds
    verdicts = {(e.source[:3], e.derived[:3]): e.verdict for e in story.edges}
    assert verdicts[("000", "001")]["facts_altered"] is True
    assert verdicts[("000", "002")]["facts_altered"] is True


def test_seed_001_number_and_date(seeds):
    story, a = seeds
    numbers = _of(story, a["001"], "number_changed")
    assert any(f.derived_value == "230 hostages" and f.source_value == "more than 200 hostages" for f in numbers)
    f = numbers[0]
    assert a["001"].text[f.derived_span[0] : f.derived_span[1]] == "230 hostages"
    assert a["000"].text[f.source_span[0] : f.source_span[1]] == "more than 200 hostages"
    shifts = [f for f in _of(story, a["001"], "date_shift") if "Friday" in f.derived_value]
    assert shifts and "2023-11-03" in shifts[0].derived_value and "2023-10-27" in shifts[0].source_value


def test_seed_001_attribution_and_details(seeds):
    story, a = seeds
    assert len(_of(story, a["001"], "attribution_dropped")) >= 3
    dropped = {f.derived_value: f.source_value for f in _of(story, a["001"], "detail_dropped")}
    assert dropped.get("four hostages") == "4 women hostages"
    assert dropped.get("various foreign countries") == "25 foreign countries"
    gone = set()
    for f in _of(story, a["001"], "entity_dropped"):  # one finding per sentence lists its names
        gone |= set(f.source_value) if isinstance(f.source_value, list) else {f.source_value}
    assert {"Qatar", "John Kirby", "Jason Strazioso"} <= gone
    # one change, one finding: at most 6 entity_dropped in the whole story, none for a demonym,
    # none in 002 for sentences it never restates
    every = [f for f in story.findings if f.type == "entity_dropped"]
    assert len(every) <= 6
    assert not any(f.source_value == "American" for f in every)
    assert not any(f.derived == a["002"] and f.derived_sentence is None for f in every)


def test_seed_001_unsupported_and_filler(seeds):
    story, a = seeds
    unsupported = [_sentence(a["001"], f) for f in _of(story, a["001"], "unsupported_claim")]
    for start in (
        "Both Hamas and Israel have taken firm stances",
        "However, trust between the Israeli government and Hamas",
        "The hostages, which include children",
    ):
        assert any(s.startswith(start) for s in unsupported), start
    children = [f for f in _of(story, a["001"], "unsupported_claim") if "children" in str(f.derived_value)]
    assert children
    filler = [_sentence(a["001"], f) for f in _of(story, a["001"], "filler")]
    for start in ("The situation remains highly complex", "Despite the current temporary impasse"):
        assert any(s.startswith(start) for s in filler), start


def test_seed_002_findings(seeds):
    story, a = seeds
    added = {f.derived_value for f in _of(story, a["002"], "entity_added")}
    assert {"Egypt", "Herzi Halevi", "Joe Biden", "Benjamin Netanyahu"} <= added
    changed = _of(story, a["002"], "detail_changed")
    assert any("two Americans and two Israelis" in f.derived_value and f.source_value == "4 women hostages" for f in changed)
    unsupported = [_sentence(a["002"], f) for f in _of(story, a["002"], "unsupported_claim")]
    for start in (
        "To facilitate the release of more hostages, the United States has urged Israel",
        "Nevertheless, Israeli officials have publicly stated",
        "Despite this stance, Israel’s Defense Forces chief of staff",
        "As discussions continue, President Joe Biden",
        "While President Biden initially suggested a ceasefire",
    ):
        assert any(s.startswith(start) for s in unsupported), start
    conflicts = _of(story, a["002"], "conflict")
    assert conflicts and any("invasion" in str(f.derived_value) for f in conflicts)
    filler = [_sentence(a["002"], f) for f in _of(story, a["002"], "filler")]
    for start in ("Continued efforts and collaboration", "However, the ultimate release of the hostages"):
        assert any(s.startswith(start) for s in filler), start


def test_seed_findings_have_evidence(seeds):
    story, a = seeds
    by_id = {x.id: x for x in a.values()}
    for f in story.findings:
        assert f.explanation
        for span, val, art in (
            (f.derived_span, f.derived_value, by_id[f.derived]),
            (f.source_span, f.source_value, by_id.get(f.source)),
        ):
            if span is not None and isinstance(val, str):
                assert val.startswith(art.text[span[0] : span[1]]), f.to_dict()


def test_seed_sourcing_profiles(seeds):
    story, a = seeds
    p0, p1, p2 = (a[k].meta["profile"] for k in ("000", "001", "002"))
    quotes = p0["direct_quotes"]
    assert len(quotes) >= 5 and all(q["speaker"] for q in quotes)
    speakers = {str(q["speaker"]).lower() for q in quotes}
    assert "john kirby" in speakers and "jason strazioso" in speakers and "the diplomat" in speakers
    assert p0["anonymous_sources"] and p0["hedges"]
    for p in (p1, p2):
        assert p["direct_quotes"] == []
        assert p["vague_attributions"]


# ------------------------------------------------------------------------------- batch


def test_compare_pairs_batch(tmp_path):
    from storytrace.batch import compare_pairs

    text = PARAGRAPHS["plant"]
    lines = [
        json.dumps(
            {
                "id": "p1",
                "source": {"id": "s1", "text": text, "published": "2024-03-14"},
                "derived": {"id": "d1", "text": text.replace("350", "530"), "published": "2024-03-14"},
            }
        ),
        '{"id": "p2", "source": {"text": "broken", ',
        json.dumps({"id": "p3", "source": {"text": text}, "derived": {"text": text}}),
    ]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    failures = compare_pairs(pairs, out)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert failures == 1 and len(rows) == 3
    assert rows[0]["id"] == "p1" and rows[0]["verdict"]["facts_altered"] is True
    assert any(f["type"] == "number_changed" and f["derived_value"] == "530 jobs" for f in rows[0]["findings"])
    assert "error" in rows[1] and "line 2" in rows[1]["error"]
    assert rows[2]["id"] == "p3" and rows[2]["findings"] == [] and rows[2]["verdict"]["facts_altered"] is False
    assert set(rows[0]) >= {"id", "coverage", "verdict", "findings"}


def test_compare_pairs_names_missing_fields(tmp_path):
    from storytrace.batch import compare_pairs

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "x", "source": {"text": "A."}}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert compare_pairs(pairs, out) == 1
    (row,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert row["id"] == "x" and "derived" in row["error"]


def test_seed_001_framing_change(seeds):
    story, a = seeds
    framing = _of(story, a["001"], "framing_changed")
    assert any("terrorist" in str(f.derived_value) and "surprise attack" in str(f.source_value) for f in framing)


def test_framing_changed_weighs_nothing_and_needs_a_loaded_word():
    from storytrace import api
    from storytrace.model import Article, parse_published

    source = (
        "Rebels attacked an army post near the border on Monday, the ministry said. "
        "Three soldiers were wounded in the attack, officials said. The army sent reinforcements to the area."
    )
    loaded = source.replace("Rebels attacked an army post", "Rebels carried out a brutal, cowardly attack on an army post")
    plain = source.replace("Rebels attacked an army post", "Rebels struck an army post")
    day = parse_published("2031-05-06")

    def run(text):
        doc = api.compare(Article(id="s", text=source, published=day), Article(id="d", text=text, published=day)).to_dict()
        story = doc["stories"][0]
        return story["findings"], story["edges"][0]["verdict"]

    findings, verdict = run(loaded)
    framing = [f for f in findings if f["type"] == "framing_changed"]
    assert len(framing) == 1 and "brutal" in framing[0]["explanation"] and "cowardly" in framing[0]["explanation"]
    _, plain_verdict = run(plain)
    assert not [f for f in run(plain)[0] if f["type"] == "framing_changed"]
    assert verdict["score"] == plain_verdict["score"]  # reported, not weighed


def test_seed_001_order_of_events_changed(seeds):
    story, a = seeds
    order = _of(story, a["001"], "order_changed")
    assert any("before" in f.explanation and "Israel began the second phase" in str(f.source_value) for f in order)


def test_order_changed_when_a_restatement_reverses_the_order():
    from storytrace import api
    from storytrace.model import Article, parse_published

    source = (
        "The minister resigned before parliament voted on the budget, aides said. "
        "The vote passed by a wide margin. Opposition leaders welcomed the result."
    )
    reversed_ = source.replace(
        "The minister resigned before parliament voted on the budget",
        "The minister resigned after parliament voted on the budget",
    )
    kept = source.replace(
        "The minister resigned before parliament voted on the budget",
        "The minister stepped down before lawmakers voted on the budget",
    )
    day = parse_published("2031-05-06")

    def findings(text):
        doc = api.compare(Article(id="s", text=source, published=day), Article(id="d", text=text, published=day)).to_dict()
        return [f for f in doc["stories"][0]["findings"] if f["type"] == "order_changed"]

    got = findings(reversed_)
    assert len(got) == 1 and got[0]["derived_value"] == "after"
    assert findings(kept) == []
