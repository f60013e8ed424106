"""The terminal views: the compact summary, --details, the compared pair; width and wording."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from storytrace.report.terminal import (
    STORIES_LISTED,
    closing_line,
    plural,
    print_comparison,
    print_summary,
    shorten,
)

LONG_EXPLANATION = (
    "The derived report says the strike began on Tuesday after a vote of the regional union council, "
    "while the source reports a walk-out on Monday called by the national leadership without any vote, "
    "which moves the event by a day and hands the decision to another body altogether."
)


def _article(rid: str, sentences: list[str], *, published: str | None = "2024-03-01", title: str | None = None) -> dict:
    out, pos = [], 0
    for k, s in enumerate(sentences):
        out.append({"index": k, "start": pos, "end": pos + len(s), "text": s})
        pos += len(s) + 1
    return {"id": rid, "published": published, "outlet": None, "url": None, "title": title, "sentences": out}


def _finding(kind: str, derived: str, source: str, ds: int | None, explanation: str, ss: int | None = 0) -> dict:
    return {
        "type": kind,
        "derived": derived,
        "source": source,
        "derived_sentence": ds,
        "source_sentence": ss,
        "explanation": explanation,
    }


def _pile(n_stories: int, size: int, n_single: int, findings_each: int) -> dict:
    """A trace of ``n_stories * size + n_single`` reports: stories of ``size`` (one origin, the
    rest derived from it, every other one altered), each derived report with findings."""
    articles, stories = [], []
    for s in range(n_stories):
        origin = f"s{s:03d}-origin"
        members = [origin] + [f"s{s:03d}-copy{k}" for k in range(1, size)]
        title = f"Story {s}: a council vote on the harbour budget draws a crowd of residents and traders"
        articles.append(_article(origin, ["First sentence of the origin.", "Second."], title=title))
        edges, findings = [], []
        for k, member in enumerate(members[1:], start=1):
            articles.append(_article(member, ["A derived sentence.", "Another one."], published="2024-03-02"))
            edges.append(
                {
                    "source": origin,
                    "derived": member,
                    "coverage": 0.8,
                    "relation": "paraphrase",
                    "sentences": 2,
                    "score": 0.9,
                    "verdict": {"facts_altered": k % 2 == 1, "score": 0.6},
                }
            )
            findings += [_finding("number_changed", member, origin, 0, f"finding {f} of {member}") for f in range(findings_each)]
        stories.append(
            {
                "id": f"story-{s:03d}",
                "articles": members,
                "origin": origin,
                "edges": edges,
                "alignments": [],
                "findings": findings,
            }
        )
    for k in range(n_single):
        rid = f"single-{k:03d}"
        articles.append(_article(rid, ["A lone report about something else entirely."]))
        stories.append(
            {"id": f"story-single-{k:03d}", "articles": [rid], "origin": rid, "edges": [], "alignments": [], "findings": []}
        )
    return {"articles": articles, "stories": stories}


def _render(doc: dict, width: int = 80, **kwargs) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    print_summary(doc, console, **kwargs)
    return console.export_text()


def _compare(doc: dict, width: int = 80, **kwargs) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    print_comparison(doc, console, **kwargs)
    return console.export_text()


def _words(text: str) -> str:
    """The text with tree and box drawing removed and whitespace collapsed."""
    return " ".join(re.sub(r"[│├└─╭╮╰╯┌┐]", " ", text).split())


# --- wording ------------------------------------------------------------------------------------


def test_plural_says_one_story_and_many_stories():
    assert plural(1, "story", "stories") == "1 story"
    assert plural(2, "story", "stories") == "2 stories"
    assert plural(0, "finding") == "0 findings"
    assert plural(1_200, "report") == "1,200 reports"


def test_the_header_of_a_one_story_trace_is_singular():
    doc = _pile(1, 2, 0, 1)
    head = _render(doc).splitlines()[0]
    assert "2 reports, 1 story (1 traced, 0 single), 1 edge, 1 finding" in head
    assert "1 stories" not in head and "1 edges" not in head and "1 findings" not in head


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Port strike enters its second week", 100, "Port strike enters its second week"),
        ("Port strike enters its second week", 20, "Port strike enters…"),
        ("Port strike enters its second week", 18, "Port strike…"),
        ("  spaced   out\ntext ", 40, "spaced out text"),
        ("Antidisestablishmentarianism", 10, "Antidises…"),  # one word longer than the room
    ],
)
def test_shorten_cuts_at_a_word_boundary(text, width, expected):
    assert shorten(text, width) == expected
    assert len(shorten(text, width)) <= width


# --- the compact default ------------------------------------------------------------------------


def test_a_300_report_pile_fits_in_under_400_lines_at_any_width():
    doc = _pile(n_stories=70, size=3, n_single=90, findings_each=20)  # 300 reports, 2,800 findings
    assert len(doc["articles"]) == 300
    for width in (60, 80, 160):
        lines = _render(doc, width, written=[]).splitlines()
        assert len(lines) < 400, (width, len(lines))
        assert max(len(line) for line in lines) <= width
        # every story of two or more reports has its line, with its counts
        assert sum(1 for line in lines if re.match(r"\s*\d+\. ", line)) == 70
    line = next(x for x in _render(doc, 120).splitlines() if x.lstrip().startswith("1. "))
    assert re.search(r"1\.\s+3\s+2\s+1\s+40\s+s000-origin", line), line


def test_a_long_pile_lists_the_largest_stories_and_counts_the_rest():
    doc = _pile(n_stories=STORIES_LISTED + 30, size=2, n_single=0, findings_each=0)
    text = _render(doc, 100)
    assert "… and 30 smaller stories (2 reports each)" in text
    assert len(text.splitlines()) < STORIES_LISTED + 10


def test_the_compact_line_names_the_origin_by_title_cut_at_a_word():
    doc = _pile(1, 3, 0, 1)
    title = doc["articles"][0]["title"]
    for width in (70, 90, 200):
        line = next(x for x in _render(doc, width).splitlines() if x.lstrip().startswith("1. "))
        assert len(line) <= width
        shown = line.split("s000-origin", 1)[1].strip().strip("“”")
        if shown.endswith("…"):
            kept = shown[:-1]
            assert title.startswith(kept) and title[len(kept)] in " ,:", (width, shown)
        else:
            assert shown == title
    # no title: the first sentence stands for the origin
    doc["articles"][0]["title"] = None
    assert "“First sentence of the origin.”" in _render(doc, 120)


def test_the_compact_view_lists_no_findings_but_says_where_they_are():
    doc = _pile(2, 3, 1, 5)
    text = _render(doc, 100, written=[])
    assert "finding 0 of" not in text
    last = text.rstrip().splitlines()[-1]
    assert last.startswith("no file written") and "--details" in last and "--md FILE or --html FILE" in last
    assert "single reports (1): single-000" in text


def test_the_closing_line_names_the_files_written_and_the_report_to_open():
    assert closing_line(["t.json", "t.html"], details=False, findings=3).plain == (
        "wrote t.json, t.html; the findings of each derived report: --details, or open t.html"
    )
    assert closing_line(["t.json", "t.md"], details=False, findings=3).plain.endswith("--details, or open t.md")
    assert closing_line(["t.json"], details=True, findings=3).plain == (
        "wrote t.json; sentence by sentence: --md FILE or --html FILE"
    )
    assert closing_line(["t.html"], details=True, findings=3).plain == "wrote t.html"
    assert closing_line([], details=False, findings=0).plain == "no file written; sentence by sentence: --md FILE or --html FILE"


def test_many_single_reports_take_one_line():
    doc = _pile(0, 2, 250, 0)
    lines = [x for x in _render(doc, 80).splitlines() if x.startswith("single reports")]
    assert len(lines) == 1 and len(lines[0]) <= 80
    shown = re.findall(r"single-\d{3}", lines[0])
    assert lines[0].endswith(f"and {250 - len(shown)} more") and shown == [f"single-{k:03d}" for k in range(len(shown))]


# --- --details ------------------------------------------------------------------------------------


def test_details_list_every_finding_of_each_derived_report():
    doc = _pile(1, 3, 0, 7)
    text = _render(doc, 120, details=True)
    for member in ("s000-copy1", "s000-copy2"):
        assert f"{member} derived from s000-origin  (7 findings)" in text
        for k in range(7):
            assert f"finding {k} of {member}" in text
    assert "more" not in text


@pytest.mark.parametrize("width", [50, 80, 140])
def test_details_wrap_an_explanation_at_the_console_width_never_inside_a_word(width):
    doc = _pile(1, 2, 0, 0)
    doc["stories"][0]["findings"] = [_finding("date_shift", "s000-copy1", "s000-origin", 1, LONG_EXPLANATION)]
    text = _render(doc, width, details=True)
    assert max(len(line) for line in text.splitlines()) <= width
    assert LONG_EXPLANATION in _words(text)  # whole: every word on one line or another, none split


def test_details_use_the_width_they_are_given():
    doc = _pile(1, 2, 0, 0)
    doc["stories"][0]["findings"] = [_finding("date_shift", "s000-copy1", "s000-origin", 1, LONG_EXPLANATION)]
    narrow, wide = (len(_render(doc, w, details=True).splitlines()) for w in (50, 160))
    assert wide < narrow


# --- compare ---------------------------------------------------------------------------------------


@pytest.fixture
def pair():
    source = _article(
        "wire",
        [
            "Dockworkers at the port of Harwick walked out on Monday, the union said.",
            "About 1,200 workers joined the strike, according to union secretary Maria Lind.",
            "The port handles 40% of the region's grain exports.",
        ],
        title="Port strike",
    )
    derived = _article(
        "blog",
        [
            "Dockworkers at the port of Harwick walked out on Monday, the union said.",
            "About 2,000 workers joined the strike.",
            "Grain prices will double by the spring, traders fear.",
        ],
        published="2024-03-02",
    )
    story = {
        "id": "story-x",
        "articles": ["wire", "blog"],
        "origin": "wire",
        "comparison": {"derived": True, "coverage": 0.6667, "confidence": 0.93},
        "edges": [
            {
                "source": "wire",
                "derived": "blog",
                "coverage": 0.6667,
                "relation": "paraphrase",
                "sentences": 2,
                "score": 0.8,
                "verdict": {"facts_altered": True, "score": 0.9},
            }
        ],
        "alignments": [
            {
                "derived": "blog",
                "derived_sentence": 0,
                "source": "wire",
                "source_sentence": 0,
                "relation": "verbatim",
                "score": 1.0,
            },
            {
                "derived": "blog",
                "derived_sentence": 1,
                "source": "wire",
                "source_sentence": 1,
                "relation": "partial",
                "score": 0.7,
            },
            {
                "derived": "blog",
                "derived_sentence": 2,
                "source": None,
                "source_sentence": None,
                "relation": "unsupported",
                "score": 0.1,
            },
        ],
        "findings": [
            _finding("number_changed", "blog", "wire", 1, "The number of striking workers changed from 1,200 to 2,000.", 1),
            _finding("attribution_dropped", "blog", "wire", 1, "The attribution to union secretary Maria Lind was dropped.", 1),
            _finding("unsupported_claim", "blog", "wire", 2, LONG_EXPLANATION, None),
            _finding("detail_dropped", "blog", "wire", None, "The share of grain exports was dropped.", 2),
        ],
    }
    return {"articles": [source, derived], "stories": [story]}


def test_compare_shows_each_sentence_pair_with_its_relation_and_findings_under_it(pair):
    text = _compare(pair, 100, written=["c.json"])
    flat = _words(text)
    assert "wire → blog" in text
    assert "coverage 67%: 2 sentences of 3 restate the source; paraphrase; facts altered" in flat
    assert "sentences: verbatim 1, partial 1, unsupported 1; 4 findings" in flat
    blocks = re.split(r"\n(?=#\d+ )", text)
    by_index = {int(b[1 : b.index(" ")]): _words(b) for b in blocks if b.startswith("#")}
    assert set(by_index) == {0, 1, 2}
    # word for word: the source sentence is not printed twice
    assert by_index[0].startswith("#0 verbatim 1.00") and "the same words" in by_index[0]
    # the findings of sentence 1 sit under sentence 1, after the source sentence it restates
    one = by_index[1]
    assert one.startswith("#1 partial 0.70")
    assert one.index("derived About 2,000 workers") < one.index("source #1 About 1,200 workers joined the strike, according")
    assert one.index("according to union secretary Maria Lind.") < one.index("number_changed The number of striking workers")
    assert "attribution_dropped The attribution to union secretary Maria Lind was dropped." in one
    assert "number_changed" not in by_index[0] and "number_changed" not in by_index[2]
    assert "nothing in the source restates it" in by_index[2] and LONG_EXPLANATION in by_index[2]
    # a finding on no sentence of the derived report is listed after the pairs, with its source sentence
    tail = _words(text[text.index("findings not tied") :])
    assert "detail_dropped The share of grain exports was dropped. (source #2: The port handles 40%" in tail
    assert text.rstrip().splitlines()[-1] == "wrote c.json"


@pytest.mark.parametrize("width", [60, 120])
def test_compare_wraps_to_the_console_width(pair, width):
    text = _compare(pair, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert LONG_EXPLANATION in _words(text)


def test_compare_of_a_pair_below_the_bar_says_not_derived(pair):
    story = pair["stories"][0]
    story["comparison"] = {"derived": False, "coverage": 0.04, "confidence": 0.0004}
    story["edges"], story["findings"] = [], []
    text = _compare(pair, 120)
    assert "not derived (coverage 4%, edge confidence 0.00); no findings listed (--force lists them)" in text
    assert "#2 unsupported" in text  # the alignment is still shown


def test_compare_shows_report_text_as_text_not_markup(pair):
    pair["articles"][1]["sentences"][2]["text"] = "Prices [bold]double[/bold] by spring."
    assert "Prices [bold]double[/bold] by spring." in _compare(pair, 120)


def test_compare_counts_one_credited_sentence_in_the_singular(pair):
    pair["stories"][0]["edges"][0]["sentences"] = 1
    assert "1 sentence of 3 restates the source" in _words(_compare(pair, 120))


def test_a_first_sentence_that_opens_with_a_quote_is_not_quoted_twice():
    doc = _pile(1, 2, 0, 0)
    doc["articles"][0]["title"] = None
    doc["articles"][0]["sentences"][0]["text"] = "“We will not return,” the union said."
    line = next(x for x in _render(doc, 120).splitlines() if x.lstrip().startswith("1. "))
    assert line.endswith("s000-origin  “We will not return,” the union said.")
