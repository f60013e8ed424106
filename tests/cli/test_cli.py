"""The command line for people: help pages, --exclude, the store each run uses, --fresh,
compare's sentence pairs, wording, and what `make demo` says before pip starts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from storytrace import api
from storytrace.cli import app
from storytrace.store import Store
from tests.support.paths import DEMO, ROOT, SEEDS

runner = CliRunner()

# What Typer writes for a parameter when nobody wrote anything better: Python annotations
# (<bool>, <path>, <list[Path]>, <int range>), a required argument in braces ({paths}...), the
# x>=1 range notation, and click's type names standing in for a metavar.
PLACEHOLDERS = [
    re.compile(r"<[a-z][\w\[\], ]*>"),
    re.compile(r"\{\w+\}"),
    re.compile(r"\bx\s*[<>]=|[<>]=\s*x\b"),
    re.compile(r"\b(?:TEXT|PATH|INTEGER|FLOAT|BOOLEAN|FILENAME|DIRECTORY)\b"),
    re.compile(r"list\["),
]


def _invoke(args: list[str], **kwargs):
    return runner.invoke(app, args, prog_name="storytrace", env={"COLUMNS": "200"}, **kwargs)


def _command_names() -> list[str]:
    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


def _flat(text: str) -> str:
    """Help or output with box drawing removed and whitespace collapsed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


# --- help -------------------------------------------------------------------------------------------


def test_every_command_is_walked():
    assert {"trace", "compare", "errors", "demo", "add", "watch", "eval", "serve", "export", "spark"} <= set(_command_names())


@pytest.mark.parametrize("command", [None, *_command_names()])
def test_help_shows_no_type_placeholders(command):
    args = [command, "--help"] if command else ["--help"]
    result = _invoke(args)
    assert result.exit_code == 0, result.output
    assert "Usage: storytrace" in result.output
    for pattern in PLACEHOLDERS:
        found = pattern.search(result.output)
        assert found is None, f"{' '.join(args)}: {found.group(0)!r} in\n{result.output}"


@pytest.mark.parametrize("command", _command_names())
def test_every_option_and_argument_is_explained(command):
    import click

    cmd = get_command(app).commands[command]  # type: ignore[attr-defined]
    ctx = click.Context(cmd, info_name=command)
    for param in cmd.get_params(ctx):
        assert (getattr(param, "help", None) or "").strip(), f"{command}: {param.name} has no help"
        if isinstance(param, click.Option) and not param.is_flag:
            assert param.metavar and param.metavar.strip(), f"{command}: {param.opts} names no value"


def test_required_arguments_read_as_required_and_optional_ones_in_brackets():
    usage = {name: _invoke([name, "--help"]).output for name in ("trace", "compare", "add", "export", "spark")}
    assert "Usage: storytrace trace [OPTIONS] INPUT..." in usage["trace"]
    assert "Usage: storytrace compare [OPTIONS] SOURCE DERIVED" in usage["compare"]
    assert "Required unless --pairs is given." in _flat(usage["compare"])
    assert "Usage: storytrace add [OPTIONS] URL..." in usage["add"]
    assert "Usage: storytrace export [OPTIONS] [TRACE_JSON]" in usage["export"]
    assert "Usage: storytrace spark [OPTIONS] INPUT OUTPUT" in usage["spark"]


def test_flags_show_no_value_and_values_say_what_they_are():
    text = _invoke(["trace", "--help"]).output
    assert re.search(r"--quiet\s+-q\s+Print no summary", text)
    assert re.search(r"--details\s+Draw every story", text)
    assert re.search(r"--exclude\s+GLOB\s+Leave out", text)
    assert re.search(r"--max-chars\s+N \[at least 1\]", text)
    assert "[default: storytrace.db]" in text and "(storytrace.db)" not in text
    assert re.search(r"--audit\s+--no-audit\s+.*\[default: --audit\]", _invoke(["spark", "--help"]).output)
    assert re.search(r"--port\s+PORT \[0 to 65,535\]", _invoke(["serve", "--help"]).output)


def test_errors_help_says_the_store_must_exist_and_it_is_not_created(tmp_path):
    text = _flat(_invoke(["errors", "--help"]).output)
    assert "It must exist" in text and "created if missing" not in text
    missing = tmp_path / "nothing.db"
    result = _invoke(["errors", "--db", str(missing)])
    assert result.exit_code == 2 and "no such store" in result.output
    assert not missing.exists()


def test_quiet_is_explained_on_every_command_that_has_it():
    for name in _command_names():
        cmd = get_command(app).commands[name]  # type: ignore[attr-defined]
        for param in cmd.params:
            if "--quiet" in getattr(param, "opts", []):
                assert len(param.help or "") > 10, name


# --- --exclude ----------------------------------------------------------------------------------------


def _report(path: Path, rid: str, text: str, published: str = "2024-05-01") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": rid, "text": text, "published": published}) + "\n", encoding="utf-8")


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "pile"
    _report(root / "one.jsonl", "one", "The ferry to Harwick was cancelled on Monday. Storms are forecast for the week.")
    _report(root / "drafts" / "two.jsonl", "two", "A draft about the ferry that nobody published. It is not finished.")
    (root / "EXPECTED.md").write_text("# What a trace of this folder must find\n\nOne report, no edges.\n", encoding="utf-8")
    return root


def test_exclude_leaves_out_files_of_a_folder_by_name_or_by_path(folder, tmp_path):
    with Store(tmp_path / "all.db") as store:
        everything = api.ingest(store, [folder])
        assert sorted(everything.added) == ["EXPECTED", "one", "two"] and everything.excluded == []
    with Store(tmp_path / "some.db") as store:
        report = api.ingest(store, [folder], exclude=["EXPECTED.md", "drafts/*"])
        assert report.added == ["one"]
        assert sorted(Path(p).relative_to(folder).as_posix() for p in report.excluded) == ["EXPECTED.md", "drafts/two.jsonl"]
        assert store.count() == 1 and not store.rejected()
    # a glob on the name alone reaches into sub-folders too; a file named itself is always read
    arts = api.read_articles([folder, folder / "EXPECTED.md"], exclude=["*.md", "two.*"])
    assert sorted(a.id for a in arts) == ["EXPECTED", "one"]


def test_a_folder_file_without_a_date_is_named_as_undated(folder, tmp_path, monkeypatch):
    # EXPECTED.md has no date: stored, but the user is told it can be in no edge and how to leave it out
    monkeypatch.chdir(tmp_path)
    result = _invoke(["trace", str(folder), "--fresh"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("undated:"))
    assert "1 report has no publication date" in line and "EXPECTED.md" in line and "--exclude" in line
    assert "one.jsonl" not in line and "two.jsonl" not in line  # dated reports are not named
    quiet = _invoke(["trace", str(folder), "--fresh", "--exclude", "EXPECTED.md"])
    assert quiet.exit_code == 0 and "undated:" not in quiet.output
    with Store(tmp_path / "again.db") as store:
        assert [Path(p).name for p in api.ingest(store, [folder]).undated] == ["EXPECTED.md"]
        assert api.ingest(store, [folder]).undated == []  # already stored: nothing new to warn about


def test_a_pattern_matching_nothing_changes_nothing(folder):
    report = api.IngestReport()
    arts = api.read_articles([folder], report, exclude=["*.csv"])
    assert len(arts) == 3 and report.excluded == []


@pytest.mark.skipif(not (SEEDS / "EXPECTED.md").is_file(), reason="no ../shared/seeds")
def test_trace_of_the_seeds_folder_without_its_expected_md(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke(["trace", str(SEEDS), "--exclude", "EXPECTED.md", "--json", "seeds.json"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "seeds.json").read_text(encoding="utf-8"))
    ids = sorted(a["id"] for a in doc["articles"])
    assert [i[:3] for i in ids] == ["000", "001", "002"]
    assert "read: 3 new, 0 already stored, 1 excluded, 0 rejected" in result.output
    assert "store: storytrace.db (new)" in result.output.splitlines()[0]
    story = doc["stories"][0]
    assert len(doc["stories"]) == 1 and story["origin"].startswith("000")
    assert "3 reports, 1 story (1 traced, 0 single), 2 edges" in result.output


# --- the store a run uses, and --fresh -----------------------------------------------------------------


def test_every_run_says_what_the_store_already_holds_and_fresh_traces_only_its_files(tmp_path, monkeypatch):
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    first, later = tmp_path / "first.jsonl", tmp_path / "later.jsonl"
    first.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    later.write_text(lines[3] + "\n", encoding="utf-8")
    later_id = json.loads(lines[3])["id"]
    monkeypatch.chdir(tmp_path)

    result = _invoke(["trace", str(first)])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0] == "store: storytrace.db (new)"
    assert out[-1].startswith("no file written")

    result = _invoke(["trace", str(later), "--json", "later.json"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "store: storytrace.db, 3 reports from earlier runs, traced with these (--fresh traces only the files named now)"
    )
    assert len(json.loads(Path("later.json").read_text(encoding="utf-8"))["articles"]) == 4

    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    before = (tmp_path / "storytrace.db").stat().st_mtime_ns
    result = _invoke(["trace", str(later), "--fresh", "--json", "fresh.json"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "store: a temporary one (--fresh): only the reports read now are traced"
    assert "1 report, 1 story (0 traced, 1 single), 0 edges, 0 findings" in result.output
    assert [a["id"] for a in json.loads(Path("fresh.json").read_text(encoding="utf-8"))["articles"]] == [later_id]
    # the default store was neither read into the trace nor changed; the temporary one is gone
    assert (tmp_path / "storytrace.db").stat().st_mtime_ns == before
    with Store(tmp_path / "storytrace.db") as store:
        assert store.count() == 4
    assert list(own_tmp.iterdir()) == []


def test_fresh_and_db_together_are_refused(tmp_path):
    result = _invoke(["trace", str(DEMO), "--fresh", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "--fresh" in result.output
    assert not (tmp_path / "s.db").exists()


# --- compare --------------------------------------------------------------------------------------------


def test_compare_prints_the_sentence_pairs_with_their_relation_and_findings(tmp_path):
    records = {json.loads(line)["id"]: json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()}
    for name in ("origin", "rewrite"):
        r = records[name]
        _report(tmp_path / f"{name}.jsonl", r["id"], r["text"], r["published"])
    out = tmp_path / "c.json"
    result = _invoke(["compare", str(tmp_path / "origin.jsonl"), str(tmp_path / "rewrite.jsonl"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    story = doc["stories"][0]
    rewrite = next(a for a in doc["articles"] if a["id"] == "rewrite")
    text = result.output
    headings = re.findall(r"^#(\d+) (verbatim|paraphrase|partial|unsupported)", text, flags=re.M)
    assert [int(i) for i, _ in headings] == [s["index"] for s in rewrite["sentences"]]
    relation_of = {a["derived_sentence"]: a["relation"] for a in story["alignments"]}
    assert {int(i): rel for i, rel in headings} == relation_of
    blocks = {
        int(m.group(1)): m.group(0) for m in re.finditer(r"^#(\d+) .*?(?=^#\d+ |^findings not tied|^wrote )", text, re.M | re.S)
    }
    assert story["findings"]
    for f in story["findings"]:
        if isinstance(f["derived_sentence"], int):  # under its own sentence pair
            assert " ".join(f["explanation"].split()) in _flat(blocks[f["derived_sentence"]]), f
    assert text.rstrip().splitlines()[-1] == f"wrote {out}"
    assert "storytrace compare  origin → rewrite" in text


# --- make demo --------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_demo_says_what_it_installs_before_pip_starts():
    plan = subprocess.run(
        ["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    pip = next(k for k, line in enumerate(plan) if "pip install" in line)
    said = [line for line in plan[:pip] if line.startswith("echo")]
    assert said and "requirements/lock.txt" in " ".join(said), plan
