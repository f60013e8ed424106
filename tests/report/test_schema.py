"""Reports of a trace: the JSON schema, Markdown, the terminal summary and the progress display."""

from __future__ import annotations

import copy
import io
import json
import re
import sys
from datetime import UTC, datetime

import jsonschema
import pytest
from rich.console import Console

from storytrace.model import FINDING_TYPES, Alignment, Article, Edge, Finding, FindingType, Sentence, Story, parse_published
from storytrace.report import (
    TraceProgress,
    load_schema,
    print_summary,
    to_markdown,
    validate_trace,
    write_json,
    write_markdown,
)
from tests.support.paths import SEEDS


def make_article(id, sentences, published=None, outlet=None, title=None, url=None):
    text = " ".join(sentences)
    article = Article(id=id, text=text, published=parse_published(published), outlet=outlet, title=title, url=url)
    pos = 0
    for k, s in enumerate(sentences):
        start = text.index(s, pos)
        article.sentences.append(Sentence(k, start, start + len(s), s))
        pos = start + len(s)
    return article


def span(article, needle):
    start = article.text.index(needle)
    return (start, start + len(needle))


@pytest.fixture
def trace_parts():
    wire = make_article(
        "wire-1",
        [
            "Dockworkers at the port of Harwick walked out on Monday, the union said.",
            "About 1,200 workers joined the strike, according to union secretary Maria Lind.",
            "“We will not return until pay is restored,” Lind said.",
            "The port handles 40% of the region's grain exports.",
        ],
        published="2024-03-01",
        outlet="Wire Service",
        title="Port strike [b]live[/b]",
        url="https://wire.example/port-strike",
    )
    daily = make_article(
        "daily-2",
        [
            "Dockworkers at Harwick port walked out on Monday.",
            "About 2,000 workers joined the strike.",
            "“We will not return,” a union official said | sources <b>close</b> to talks.",
            "Use `rm -rf` to clear the backlog, one blogger joked <script>alert('x')</script>.",
        ],
        published="2024-03-02",
        outlet="The Daily | Metro",
        title="#1 story: Port strike <script>alert('x')</script>",
    )
    blog = make_article(
        "blog-3",
        [
            "Dockworkers at the port of Harwick walked out on Monday, the union said.",
            "The port handles 40% of the region's grain exports.",
        ],
        published=datetime(2024, 3, 4, 9, 30, tzinfo=UTC),
    )
    sports = make_article("sports-4", ["Harwick Rovers won the county cup on Saturday."], title="Rovers win the cup")

    story = Story(id="story-port", articles=["wire-1", "daily-2", "blog-3"], origin="wire-1")
    story.edges = [
        Edge(
            "wire-1",
            "daily-2",
            0.75,
            "paraphrase",
            sentences=3,
            score=0.8123,
            verdict={"facts_altered": True, "score": 0.7, "reasons": ["number_changed"]},
        ),
        Edge("wire-1", "blog-3", 1.0, "copy", sentences=2, score=0.99, verdict={"facts_altered": False, "score": 0.05}),
    ]
    story.alignments = [
        Alignment("daily-2", 0, "wire-1", 0, "paraphrase", 0.88),
        Alignment("daily-2", 1, "wire-1", 1, "paraphrase", 0.81),
        Alignment("daily-2", 2, "wire-1", 2, "partial", 0.66),
        Alignment("daily-2", 3, None, None, "unsupported", 0.21),
        Alignment("blog-3", 0, "wire-1", 0, "verbatim", 1.0),
        Alignment("blog-3", 1, "wire-1", 3, "verbatim", 1.0),
    ]
    story.findings = [
        Finding(
            "number_changed",
            "daily-2",
            "wire-1",
            1,
            1,
            "The number of striking workers changed from 1,200 to 2,000.",
            derived_span=span(daily, "2,000"),
            source_span=span(wire, "1,200"),
            derived_value=2000,
            source_value=1200,
        ),
        Finding(
            "attribution_dropped",
            "daily-2",
            "wire-1",
            1,
            1,
            "The attribution to union secretary Maria Lind was dropped.",
            source_span=span(wire, "according to union secretary Maria Lind"),
            source_value="Maria Lind",
        ),
        Finding(
            "quote_altered",
            "daily-2",
            "wire-1",
            2,
            2,
            "The quote was shortened and lost its condition.",
            derived_span=span(daily, "We will not return"),
            source_span=span(wire, "We will not return until pay is restored"),
        ),
        Finding("unsupported_claim", "daily-2", None, 3, None, "Nothing in the source supports this sentence."),
    ]
    singleton = Story(id="story-sports", articles=["sports-4"], origin="sports-4")
    # the singleton comes first here: the reports must still put the largest story first
    return [wire, daily, blog, sports], [singleton, story]


@pytest.fixture
def doc(trace_parts):
    articles, stories = trace_parts
    d = {
        "schema": "https://storytrace.dev/schema/trace-1.json",
        "articles": [a.to_dict() for a in articles],
        "stories": [s.to_dict() for s in stories],
    }
    d["articles"][0]["profile"] = {
        "direct_quotes": [{"text": "We will not return until pay is restored", "speaker": "Lind"}],
        "named_sources": ["Maria Lind"],
        "anonymous_sources": [],
        "hedges": [],
        "vague_attributions": [],
        "counts": {"direct_quotes": 1, "named_sources": 1},
        "score": 0.9,
    }
    return d


# --- schema -------------------------------------------------------------------------------------


def test_schema_is_a_valid_2020_12_schema_with_descriptions():
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    for name in ("article", "story", "edge", "alignment", "finding", "verdict", "profile"):
        assert schema["$defs"][name]["description"]
    # one list of finding types: the model's enum, which the audit and the reports read
    assert set(schema["$defs"]["finding"]["properties"]["type"]["enum"]) == set(FINDING_TYPES)


def test_every_finding_type_has_a_colour_and_a_label_in_the_html_report():
    from importlib import resources

    from storytrace.report.html import _TYPE_LABELS

    css = (resources.files("storytrace.report") / "html_report.css").read_text(encoding="utf-8")
    for kind in FindingType:
        assert f"--c-{kind.value}:" in css, kind
        assert _TYPE_LABELS[kind.value] == kind.label


def test_the_audit_refuses_a_type_the_model_does_not_list():
    from storytrace.claims.audit import _Auditor
    from storytrace.model import Article

    auditor = _Auditor(Article(id="d", text="A sentence."), [], [], "s")
    with pytest.raises(ValueError, match="unknown finding type"):
        auditor.add("made_up", i=None, src=None, j=None, explanation="x")


def test_hand_built_trace_is_valid(doc):
    validate_trace(doc)
    assert doc["articles"][2]["published"] == "2024-03-04T09:30:00+00:00"
    assert doc["articles"][3]["published"] is None


def test_trace_result_to_dict_is_valid(trace_parts, doc):
    pipeline = pytest.importorskip("storytrace.pipeline")
    articles, stories = trace_parts
    result = pipeline.TraceResult(articles=articles, stories=stories)
    validate_trace(result.to_dict())
    validate_trace(result)  # a TraceResult is accepted as is
    assert to_markdown(result) == to_markdown(result.to_dict())


def test_additional_properties_are_allowed(doc):
    doc["engine"] = "local"
    doc["stories"][1]["summary"] = {"altered": 1}
    doc["stories"][1]["findings"][0]["confidence"] = 0.9
    doc["stories"][1]["alignments"][0]["method"] = "embedding"
    validate_trace(doc)


def _broken(doc, change):
    bad = copy.deepcopy(doc)
    change(bad)
    return bad


@pytest.mark.parametrize(
    "change, where, words",
    [
        (lambda d: d["stories"][1].pop("origin"), "$.stories[1]", "'origin' is a required property"),
        (lambda d: d["stories"][1]["edges"][0].update(relation="summary"), "$.stories[1].edges[0].relation", "'summary'"),
        (lambda d: d["stories"][1]["alignments"][0].update(relation="copy"), "$.stories[1].alignments[0].relation", "'copy'"),
        (
            lambda d: d["stories"][1]["findings"][1].update(type="number_change"),
            "$.stories[1].findings[1].type",
            "'number_change'",
        ),
        (
            lambda d: d["articles"][0]["sentences"][2].update(index="2"),
            "$.articles[0].sentences[2].index",
            "not of type 'integer'",
        ),
        (
            lambda d: d["stories"][1]["alignments"][1].update(derived_sentence="1"),
            "$.stories[1].alignments[1].derived_sentence",
            "'1'",
        ),
        (lambda d: d["stories"][1]["edges"][1].update(coverage=1.5), "$.stories[1].edges[1].coverage", "1.5"),
        (lambda d: d["stories"][1]["edges"][0]["verdict"].update(score=-0.1), "$.stories[1].edges[0].verdict.score", "-0.1"),
        (lambda d: d["stories"][1]["edges"][0]["verdict"].pop("facts_altered"), "$.stories[1].edges[0].verdict", "facts_altered"),
        (lambda d: d["stories"][1]["findings"][0].update(derived_span=[1, 2, 3]), "$.stories[1].findings[0].derived_span", ""),
        (
            lambda d: d["stories"][1]["findings"][0].pop("explanation"),
            "$.stories[1].findings[0]",
            "'explanation' is a required property",
        ),
        (lambda d: d["articles"][1].update(published="March 2, 2024"), "$.articles[1].published", ""),
        (lambda d: d["articles"][1].update(title=7), "$.articles[1].title", "7"),
        (lambda d: d.pop("schema"), "$", "'schema' is a required property"),
    ],
)
def test_invalid_documents_are_rejected_with_their_path(doc, change, where, words):
    with pytest.raises(jsonschema.ValidationError) as info:
        validate_trace(_broken(doc, change))
    message = str(info.value.message)
    assert message.startswith(f"trace document invalid at {where}:"), message
    assert words in message


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda d: d["stories"][1]["edges"][0].update(source="nowhere-9"), "$.stories[1].edges[0].source"),
        (lambda d: d["stories"][1].update(origin="sports-4"), "$.stories[1].origin"),
        (lambda d: d["stories"][1]["alignments"][2].update(source_sentence=4), "$.stories[1].alignments[2].source_sentence"),
        (lambda d: d["stories"][0]["articles"].append("wire-1"), "$.stories[1].articles[0]"),
        (lambda d: d["articles"][1].update(id="wire-1"), "$.articles[1].id"),
    ],
)
def test_broken_references_are_rejected(doc, change, where):
    bad = _broken(doc, change)
    with pytest.raises(jsonschema.ValidationError) as info:
        validate_trace(bad)
    assert info.value.message.startswith(f"trace document invalid at {where}:"), info.value.message
    validate_trace(bad, references=False)  # the shape itself is fine


# --- JSON and Markdown files --------------------------------------------------------------------


def test_write_json_round_trips(doc, tmp_path):
    path = tmp_path / "trace.json"
    write_json(doc, path)
    raw = path.read_bytes().decode("utf-8")
    assert raw.endswith("}\n") and not raw.endswith("\n\n")
    assert "“We will not return" in raw  # ensure_ascii=False
    assert raw.startswith('{\n  "schema": ')  # indent 2, keys in the order given
    back = json.loads(raw)
    assert back == json.loads(json.dumps(doc))
    assert list(back["stories"][1]["edges"][0]) == list(doc["stories"][1]["edges"][0])
    validate_trace(back)
    assert to_markdown(back) == to_markdown(doc)


def test_write_markdown(doc, tmp_path):
    path = tmp_path / "trace.md"
    write_markdown(doc, path)
    assert path.read_text(encoding="utf-8") == to_markdown(doc)


def _unescaped_pipes(line):
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_content(doc):
    md = to_markdown(doc)
    assert md.startswith("# ")
    assert "4 reports, 2 stories" in md
    # largest story first, singletons at the end
    assert md.index("story-port") < md.index("## Single reports (1)") < md.index("sports-4")
    assert "## Story `story-port` — 3 reports" in md
    assert "**Origin:** `wire-1` — 2024-03-01, Wire Service" in md
    # timeline with roles
    assert "| 2024-03-01 | `wire-1` | Wire Service |" in md
    assert re.search(r"\| 2024-03-04T09:30:00\+00:00 \| `blog-3` \|.*\| derived \|", md)
    # edges with coverage as a percentage, relation and verdict
    assert (
        "`wire-1` → `daily-2`: coverage 75%, paraphrase, 3 sentences, score 0.81 — verdict: **facts altered (score 0.70)**" in md
    )
    assert "`wire-1` → `blog-3`: coverage 100%, copy, 2 sentences, score 0.99 — verdict: **facts kept (score 0.05)**" in md
    # alignment table of daily-2: its sentence, the relation, the source sentence with its index, the score
    assert (
        "| 1 | About 2,000 workers joined the strike. | paraphrase | `wire-1` #1: About 1,200 workers joined the strike, according to union secretary Maria Lind. | 0.81 |"
        in md
    )
    assert re.search(r"\| 3 \| Use .* \| unsupported \| — \| 0\.21 \|", md)
    # findings grouped by type, with explanation and the quoted spans / values on both sides
    assert "#### Findings (4)" in md
    for kind in ("number_changed", "attribution_dropped", "quote_altered", "unsupported_claim"):
        assert f"**{kind}** (1)" in md
    line = next(row for row in md.splitlines() if "1,200 to 2,000" in row)
    assert "derived `daily-2` #1: “2,000”, value “2000”" in line
    assert "source `wire-1` #1: “1,200”, value “1200”" in line
    line = next(row for row in md.splitlines() if "attribution to union secretary" in row)
    assert "“according to union secretary Maria Lind”" in line and "value “Maria Lind”" in line
    line = next(row for row in md.splitlines() if "quote was shortened" in row)
    assert "“We will not return until pay is restored”" in line
    # blog-3 has no findings, but its verbatim alignment is listed
    blog = md[md.index("### Derived report `blog-3`") :]
    assert "#### Findings" not in blog.split("## Single reports")[0]
    assert "| 1 | The port handles 40% of the region's grain exports. | verbatim | `wire-1` #3:" in blog


def test_markdown_escapes_article_text(doc):
    md = to_markdown(doc)
    # no raw HTML from the reports
    assert "<script>" not in md and "<b>" not in md
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in md
    # pipes in text are escaped, so every table row has as many cells as its header
    assert "The Daily \\| Metro" in md and "The Daily | Metro" not in md
    assert "a union official said \\| sources" in md
    for block in re.findall(r"(?:^\|.*\n)+", md, flags=re.M):
        rows = block.splitlines()
        assert len({_unescaped_pipes(r) for r in rows}) == 1, rows
    # a title starting with # is not a heading; backticks cannot open a code span
    assert not any(row.startswith("#1") or row.startswith("\\#1") for row in md.splitlines())
    assert "\\#1 story: Port strike" in md
    assert "\\`rm -rf\\`" in md and "`rm -rf`" not in md.replace("\\`", "")
    # rich markup-like text is left as text (brackets escaped for Markdown)
    assert "Port strike \\[b\\]live\\[/b\\]" in md


def test_markdown_of_an_empty_trace():
    md = to_markdown({"schema": "x", "articles": [], "stories": []})
    assert "0 reports, 0 stories" in md


# --- terminal -----------------------------------------------------------------------------------


def _recorded(doc, details=True):
    console = Console(record=True, width=120, file=io.StringIO(), color_system=None)
    print_summary(doc, console=console, details=details)
    return console.export_text()


def test_terminal_summary_compact(doc):
    text = _recorded(doc, details=False)
    assert "4 reports, 2 stories (1 traced, 1 single), 2 edges, 4 findings" in text
    # one line for the story: 3 reports, 2 edges, 1 altered derivative, 4 findings, its origin
    assert re.search(r"1\.\s+3\s+2\s+1\s+4\s+wire-1  “Port strike \[b\]live\[/b\]”", text), text
    assert "The number of striking workers" not in text
    assert text.rstrip().splitlines()[-1] == "single reports (1): sports-4"


def test_terminal_summary(doc):
    text = _recorded(doc)
    assert "4 reports, 2 stories" in text
    assert "story-port" in text and "3 reports" in text
    assert "origin wire-1  2024-03-01  Wire Service" in text
    assert "Port strike [b]live[/b]" in text  # report text is not read as rich markup
    assert "wire-1 → daily-2  coverage 75%  paraphrase  facts altered" in text
    assert "wire-1 → blog-3  coverage 100%  copy  facts kept" in text
    assert "4 findings:" in text
    counts = text[text.index("4 findings:") :].splitlines()[0]
    for kind in ("number_changed 1", "attribution_dropped 1", "quote_altered 1", "unsupported_claim 1"):
        assert kind in counts
    # every finding of daily-2 with its explanation
    assert "daily-2 derived from wire-1  (4 findings)" in text
    for explanation in (
        "The number of striking workers changed from 1,200 to 2,000.",
        "The attribution to union secretary Maria Lind was dropped.",
        "The quote was shortened and lost its condition.",
        "Nothing in the source supports this sentence.",
    ):
        assert explanation in text
    assert text.rstrip().splitlines()[-1] == "single reports (1): sports-4"
    assert text.index("story-port") < text.index("single reports")


def test_terminal_summary_without_verdicts_or_findings(doc):
    for story in doc["stories"]:
        story["findings"] = []
        for edge in story["edges"]:
            edge.pop("verdict", None)
    text = _recorded(doc)
    assert "wire-1 → daily-2  coverage 75%  paraphrase" in text
    assert "0 findings" in text
    assert "facts" not in text and "findings:" not in text


# --- progress -----------------------------------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def _run(progress, total=300):
    for done in range(0, total + 1, 50):
        progress("embed", done, total)
    progress("candidates", total, total)
    progress("lineage", total, total)


def test_progress_is_silent_when_stdout_is_not_a_tty(capsys):
    assert not sys.stdout.isatty()
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True)  # even a terminal console stays silent
    with TraceProgress(articles=1000, console=console) as progress:
        _run(progress)
        assert not progress.active
    assert buf.getvalue() == ""
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_is_silent_without_a_console_when_not_a_tty(capsys):
    with TraceProgress(articles=1000) as progress:
        _run(progress)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_is_silent_for_short_runs(monkeypatch):
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100)
    with TraceProgress(articles=20, console=console) as progress:
        _run(progress, total=20)
    with TraceProgress(console=console) as progress:  # size judged from the totals reported
        _run(progress, total=20)
        assert not progress.active
    assert buf.getvalue() == ""
    assert sys.stdout.getvalue() == ""


def test_progress_shows_for_long_runs_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100)
    with TraceProgress(articles=300, console=console) as progress:
        _run(progress)
        assert progress.active
    assert not progress.active
    out = buf.getvalue()
    assert "embed" in out and "lineage" in out and "300/300" in out
    assert sys.stdout.getvalue() == ""  # the bar goes to the console given, not to stdout
    buf2 = io.StringIO()
    with TraceProgress(console=Console(file=buf2, force_terminal=True, width=100), quiet=True) as progress:
        _run(progress)
    assert buf2.getvalue() == ""


# --- the real pipeline on the seed reports ------------------------------------------------------


def _read_seed(path):
    raw = path.read_text(encoding="utf-8")
    match = re.match(r" ?date (\d{4}-\d{2}-\d{2}) ", raw)
    assert match, f"{path.name}: no date line"
    return Article(id=path.stem, text=raw[match.end() :], published=parse_published(match.group(1)), origin_path=str(path))


@pytest.mark.slow
def test_real_pipeline_on_the_seeds_validates(tmp_path):
    if not SEEDS.is_dir() or not list(SEEDS.glob("0*.txt")):
        pytest.skip("no seed reports in /work/shared/seeds")
    pipeline = pytest.importorskip("storytrace.pipeline")
    articles = [_read_seed(p) for p in sorted(SEEDS.glob("0*.txt"))]
    result = pipeline.trace(articles)
    doc = result.to_dict()
    validate_trace(doc)
    ids = {a.id for a in articles}
    assert {a["id"] for a in doc["articles"]} == ids
    assert sorted(m for s in doc["stories"] for m in s["articles"]) == sorted(ids)

    path = tmp_path / "seeds.json"
    write_json(result, path)
    back = json.loads(path.read_text(encoding="utf-8"))
    validate_trace(back)

    md = to_markdown(back)
    text = _recorded(back)
    for story in back["stories"]:
        for edge in story["edges"]:
            pct = f"{edge['coverage'] * 100:.0f}%"
            assert f"`{edge['source']}` → `{edge['derived']}`: coverage {pct}, {edge['relation']}" in md
            assert f"{edge['source']} → {edge['derived']}  coverage {pct}" in text
        for finding in story["findings"]:
            assert f"**{finding['type']}**" in md
