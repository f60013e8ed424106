"""Exports: findings as CSV and Parquet, the lineage graph as GraphML and GEXF, read back and
checked; the `storytrace export` command."""

from __future__ import annotations

import csv
import json

import pytest

from storytrace.report.export import (
    FINDING_COLUMNS,
    finding_rows,
    lineage_graph,
    write_findings_csv,
    write_findings_parquet,
    write_gexf,
    write_graphml,
)
from tests.support.html_report import DERIVED_001, DERIVED_002, ORIGIN, seeds_available, seeds_trace, small_doc

# text that trips CSV and XML writers: separators, quotes, newlines, markup, a formula, a control character
AWKWARD = ',"quoted";\n<b>&amp;</b> =1+1 é\x07'
NAMES = [name for name, _ in FINDING_COLUMNS]


@pytest.fixture(scope="session")
def seeds_doc(tmp_path_factory):
    if not seeds_available():
        pytest.skip("shared seeds not available")
    return seeds_trace(tmp_path_factory.mktemp("export-seeds"))


def _as_csv(value):
    return "" if value is None else str(value)


def test_finding_rows_carry_story_spans_and_values():
    doc = small_doc()
    rows = list(finding_rows(doc))
    assert [r["type"] for r in rows] == ["number_changed", "filler", "made_up<type>"]
    first = rows[0]
    assert first["story"] == "story" and first["finding"] == 0
    assert (first["derived"], first["source"]) == ("B", "A")
    assert (first["derived_start"], first["derived_end"]) == (6, 8)
    assert (first["source_start"], first["source_end"]) == (15, 17)
    assert first["derived_value"] == "60" and first["source_value"] == "40"  # a number value becomes its JSON text
    assert first["derived_sentence_text"] == "About 60 people were hurt."
    assert first["source_sentence_text"] == "The mayor said 40 people were hurt."
    assert rows[2]["derived_start"] is None and rows[2]["source"] is None


def test_findings_csv_round_trip(tmp_path):
    doc = small_doc(AWKWARD)
    path = tmp_path / "findings.csv"
    assert write_findings_csv(doc, path) == 3
    with open(path, encoding="utf-8", newline="") as fh:
        back = list(csv.DictReader(fh))
    expected = [{k: _as_csv(v) for k, v in row.items()} for row in finding_rows(doc)]
    assert back == expected
    assert list(back[0]) == NAMES
    assert back[0]["explanation"] == f"60 where the source says 40{AWKWARD}"
    assert back[0]["derived"] == f"B{AWKWARD}"


def test_findings_csv_spreadsheet_safe(tmp_path):
    doc = small_doc()
    doc["stories"][0]["findings"][0]["explanation"] = '=HYPERLINK("http://x")'
    doc["stories"][0]["findings"][1]["explanation"] = "-2 people"
    path = tmp_path / "safe.csv"
    write_findings_csv(doc, path, spreadsheet_safe=True)
    with open(path, encoding="utf-8", newline="") as fh:
        back = list(csv.DictReader(fh))
    assert back[0]["explanation"] == '\'=HYPERLINK("http://x")'
    assert back[1]["explanation"] == "'-2 people"
    assert back[0]["derived_start"] == "6"  # numbers are not text: untouched


def test_findings_parquet_round_trip(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    doc = small_doc(AWKWARD)
    path = tmp_path / "findings.parquet"
    assert write_findings_parquet(doc, path) == 3
    table = pq.read_table(path)
    assert table.column_names == NAMES
    assert table.schema.field("derived_start").type == pa.int64()
    assert table.schema.field("explanation").type == pa.string()
    assert table.to_pylist() == list(finding_rows(doc))


def test_empty_trace_exports(tmp_path):
    import pyarrow.parquet as pq

    doc = {"articles": [], "stories": []}
    assert write_findings_csv(doc, tmp_path / "e.csv") == 0
    assert (tmp_path / "e.csv").read_text(encoding="utf-8").strip() == ",".join(NAMES)
    assert write_findings_parquet(doc, tmp_path / "e.parquet") == 0
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    write_graphml(doc, tmp_path / "e.graphml")
    write_gexf(doc, tmp_path / "e.gexf")


def _check_graph(graph, evil: str) -> None:
    a, b = f"A{evil}".replace("\x07", ""), f"B{evil}".replace("\x07", "")
    assert set(graph.nodes) == {a, b, "C", "S"}
    assert graph.nodes[a]["role"] == "origin" and graph.nodes[b]["role"] == "derived"
    assert graph.nodes["S"]["role"] == "single"
    assert graph.nodes[a]["published"] == "2024-01-01"
    assert graph.nodes[a]["outlet"] == f"Wire{evil}".replace("\x07", "")
    assert graph.nodes[a]["story"] == f"story{evil}".replace("\x07", "")
    assert "outlet" not in graph.nodes["C"]  # unknown: left out, not written empty
    assert set(graph.edges) == {(a, b), (b, "C")}
    edge = graph.edges[a, b]
    assert edge["coverage"] == pytest.approx(1.0) and edge["relation"] == "paraphrase"
    assert edge["facts_altered"] is True and edge["verdict"] == "facts altered"
    assert edge["verdict_score"] == pytest.approx(0.7) and int(edge["sentences"]) == 2
    assert graph.edges[b, "C"]["facts_altered"] is False


def test_graphml_round_trip(tmp_path):
    import networkx as nx

    path = tmp_path / "lineage.graphml"
    write_graphml(small_doc(AWKWARD), path)
    graph = nx.read_graphml(path)
    assert graph.is_directed()
    _check_graph(graph, AWKWARD)


def test_gexf_round_trip(tmp_path):
    import networkx as nx

    path = tmp_path / "lineage.gexf"
    write_gexf(small_doc(AWKWARD), path)
    graph = nx.read_gexf(path)
    assert graph.is_directed()
    _check_graph(graph, AWKWARD)


def test_seeds_exports(seeds_doc, tmp_path):
    import networkx as nx
    import pyarrow.parquet as pq

    n = sum(len(s["findings"]) for s in seeds_doc["stories"])
    write_findings_parquet(seeds_doc, tmp_path / "f.parquet")
    rows = pq.read_table(tmp_path / "f.parquet").to_pylist()
    assert len(rows) == n
    number = [r for r in rows if r["type"] == "number_changed" and r["derived"] == DERIVED_001]
    assert number and number[0]["derived_value"] == "230 hostages" and number[0]["source_value"] == "more than 200 hostages"
    assert "230 hostages" in number[0]["derived_sentence_text"]
    write_graphml(seeds_doc, tmp_path / "g.graphml")
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert set(graph.edges) == {(ORIGIN, DERIVED_001), (ORIGIN, DERIVED_002)}
    assert graph.nodes[ORIGIN]["role"] == "origin"
    assert graph.edges[ORIGIN, DERIVED_001]["relation"] == "paraphrase"
    assert lineage_graph(seeds_doc).number_of_nodes() == 3


# ---------------------------------------------------------------------------------------------
# the command


def _run(args):
    from typer.testing import CliRunner

    from storytrace.cli import app

    return CliRunner().invoke(app, ["export", *args])


def test_export_command_from_json(tmp_path):
    import networkx as nx

    doc = small_doc()
    trace = tmp_path / "trace.json"
    trace.write_text(json.dumps(doc), encoding="utf-8")
    out = {k: tmp_path / f"out.{k}" for k in ("csv", "parquet", "graphml", "gexf", "html")}
    result = _run(
        [
            str(trace),
            "--findings-csv",
            str(out["csv"]),
            "--findings-parquet",
            str(out["parquet"]),
            "--graphml",
            str(out["graphml"]),
            "--gexf",
            str(out["gexf"]),
            "--html",
            str(out["html"]),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "3 findings" in result.output
    with open(out["csv"], encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    assert set(nx.read_gexf(out["gexf"]).edges) == {("A", "B"), ("B", "C")}
    assert 'data-finding-id="f0-2"' in out["html"].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "either TRACE_JSON or --db"),
        (["t.json", "--db", "x.db", "--gexf", "g"], "either TRACE_JSON or --db"),
        (["t.json"], "nothing to write"),
        (["missing.json", "--gexf", "g"], "no such file"),
        (["bad.json", "--gexf", "g"], "not a trace"),
        (["list.json", "--gexf", "g"], "not a trace"),
        (["--db", "missing.db", "--gexf", "g"], "no such store"),
    ],
)
def test_export_command_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.json").write_text(json.dumps(small_doc()), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    result = _run(args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "g").exists()


def test_export_command_from_store(tmp_path):
    import networkx as nx

    from storytrace import api

    reports = tmp_path / "reports.jsonl"
    base = "Officials said 1,200 dockworkers walked out on Monday at the port of Harwick. The port handles 40 percent of the region's grain exports. Talks with the port authority resume on Thursday."
    with open(reports, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "wire", "published": "2024-03-04", "outlet": "Wire", "text": base}) + "\n")
        fh.write(
            json.dumps({"id": "copy", "published": "2024-03-06", "outlet": "Copy", "text": base.replace("1,200", "3,000")}) + "\n"
        )
    db = tmp_path / "store.db"
    with api.Store(db) as store:
        assert not api.ingest(store, [str(reports)]).rejected
    result = _run(["--db", str(db), "--graphml", str(tmp_path / "g.graphml"), "--findings-csv", str(tmp_path / "f.csv"), "-q"])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert ("wire", "copy") in graph.edges and graph.nodes["wire"]["outlet"] == "Wire"
    with open(tmp_path / "f.csv", encoding="utf-8", newline="") as fh:
        assert any(r["type"] == "number_changed" and r["derived_value"] == "3,000 dockworkers" for r in csv.DictReader(fh))
