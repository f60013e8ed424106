"""The budget per report: over a limit is rejected naming the report and the limit (or cut and
kept with a warning), a report that runs out of time is stopped, and the batch goes on."""

from __future__ import annotations

import time

import pytest

from storytrace import api
from storytrace.ingest import budget as budget_mod
from storytrace.ingest.budget import Budget, count_tokens, fit
from storytrace.model import Article
from storytrace.store import Store

GOOD = " date 2024-03-12 The council approved the harbour plan on Monday. Work starts in May, the mayor said.\n"


def sentences_text(n: int) -> str:
    return " ".join(f"Sentence number {k} is here." for k in range(n))


def write(tmp_path, name: str, body: str | bytes):
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def run(tmp_path, names, budget: Budget):
    with Store(tmp_path / "s.db") as store:
        report = api.ingest(store, [str(tmp_path / n) for n in names], budget=budget)
        stored = {a.id: a for a in store.articles()}
        rows = store.rejected()
    return report, stored, rows


@pytest.mark.parametrize(
    ("body", "budget", "limit"),
    [
        ("x" * 5_000, Budget(max_chars=1_000), "max_chars=1,000"),
        (sentences_text(60), Budget(max_sentences=50), "max_sentences=50"),
        (sentences_text(60), Budget(max_tokens=100), "max_tokens=100"),
    ],
)
def test_a_report_over_a_limit_is_rejected_naming_it_and_the_batch_goes_on(tmp_path, body, budget, limit):
    write(tmp_path, "a_good.txt", GOOD)
    write(tmp_path, "b_big.txt", " date 2024-03-13 " + body)
    write(tmp_path, "c_good.txt", GOOD.replace("Monday", "Tuesday"))
    report, stored, rows = run(tmp_path, ["a_good.txt", "b_big.txt", "c_good.txt"], budget)
    assert set(stored) == {"a_good", "c_good"}
    assert [r.kind for r in report.rejected] == ["too_large"]
    reason = report.rejected[0].reason
    assert reason.startswith(str(tmp_path / "b_big.txt") + ":") and limit in reason
    assert reason.count("b_big") == 1  # the input named once
    assert [(r["kind"], r["reason"]) for r in rows] == [("too_large", reason)]


def test_truncate_keeps_a_cut_report_with_a_warning(tmp_path):
    write(tmp_path, "big.txt", " date 2024-03-13 " + sentences_text(60))
    report, stored, rows = run(tmp_path, ["big.txt"], Budget(max_sentences=50, truncate=True))
    article = stored["big"]
    assert len(article.sentences) == 50 and article.text.endswith("Sentence number 49 is here.")
    assert article.meta["truncated"]["from"] == "60 sentences"
    assert not report.rejected and [w.kind for w in report.warnings] == ["warning"]
    assert [r["kind"] for r in rows] == ["warning"] and "max_sentences=50" in rows[0]["reason"]


def test_truncate_cuts_characters_at_a_space_and_tokens_at_a_sentence():
    text = sentences_text(40)
    by_chars = fit(Article(id="a", text=text), Budget(max_chars=100, truncate=True)).article
    assert by_chars is not None and len(by_chars.text) <= 100 and text.startswith(by_chars.text)
    assert by_chars.text.endswith(("here.", "is", "number", "Sentence")) or by_chars.text[-1].isdigit()
    by_tokens = fit(Article(id="b", text=text), Budget(max_tokens=30, truncate=True)).article
    assert by_tokens is not None and count_tokens(by_tokens.text) <= 30
    assert by_tokens.text.endswith("here.") and len(by_tokens.sentences) == 30 // 6


def test_within_the_budget_nothing_changes():
    text = sentences_text(10)
    fitted = fit(Article(id="a", text=text), Budget())
    assert fitted.article is not None and fitted.article.text == text and fitted.warning is None
    assert len(fitted.article.sentences) == 10 and "truncated" not in fitted.article.meta


def test_a_report_whose_segmentation_runs_out_of_time_is_stopped(tmp_path, monkeypatch):
    real = budget_mod.segment

    def slow_on_b(article):
        if "slow" in article.text:
            time.sleep(5)
        return real(article)

    monkeypatch.setattr(budget_mod, "segment", slow_on_b)
    write(tmp_path, "a_good.txt", GOOD)
    write(tmp_path, "b_slow.txt", " date 2024-03-13 A slow report.")
    write(tmp_path, "c_good.txt", GOOD.replace("Monday", "Friday"))
    started = time.monotonic()
    report, stored, _ = run(tmp_path, ["a_good.txt", "b_slow.txt", "c_good.txt"], Budget(max_seconds=0.5))
    assert time.monotonic() - started < 4  # interrupted, not waited for
    assert set(stored) == {"a_good", "c_good"}
    assert [(r.kind, "max_seconds=0.5" in r.reason, "b_slow" in r.reason) for r in report.rejected] == [("timeout", True, True)]


def test_a_reader_that_runs_out_of_time_is_stopped_and_named(tmp_path):
    def reader():
        yield Article(id="first", text="The first report of the file. It is fine.")
        time.sleep(5)
        yield Article(id="never", text="Never read.")

    started = time.monotonic()
    with Store(tmp_path / "s.db") as store:
        report = api.ingest_articles(store, reader(), budget=Budget(max_seconds=0.5), input_name="slow.jsonl")
        assert [a.id for a in store.articles()] == ["first"]
    assert time.monotonic() - started < 4
    assert [(r.kind, r.input) for r in report.rejected] == [("timeout", "slow.jsonl")]
    assert "the rest of it was not read" in report.rejected[0].reason


def test_a_guessed_encoding_is_kept_with_a_warning_naming_it(tmp_path):
    write(tmp_path, "latin.txt", " date 2024-03-12 Le café a fermé à Zürich, a dit le maire.".encode("cp1252"))
    write(tmp_path, "utf8.txt", " date 2024-03-12 Le café a fermé à Zürich, a dit le maire.".encode())
    report, stored, rows = run(tmp_path, ["latin.txt", "utf8.txt"], Budget())
    assert stored["latin"].text == stored["utf8"].text  # decoded right
    assert stored["latin"].meta["encoding_guessed"] == "cp1252" and "encoding_guessed" not in stored["utf8"].meta
    assert [(r["kind"], "cp1252" in r["reason"], "latin.txt" in r["reason"]) for r in rows] == [("warning", True, True)]
    assert not report.rejected


def test_undecodable_bytes_are_rejected_as_encoding(tmp_path):
    write(tmp_path, "noise.txt", bytes(range(0x80, 0x100)) * 4)
    report, stored, _ = run(tmp_path, ["noise.txt"], Budget())
    assert not stored and [r.kind for r in report.rejected] == ["encoding"]


def test_a_missing_path_is_kind_missing(tmp_path):
    report, stored, rows = run(tmp_path, ["nowhere.txt"], Budget())
    assert [r.kind for r in report.rejected] == ["missing"] and [r["kind"] for r in rows] == ["missing"]


def test_a_bad_budget_is_refused_at_once():
    for bad in ({"max_chars": 0}, {"max_tokens": -1}, {"max_seconds": 0}, {"max_sentences": 1.5}):
        with pytest.raises(ValueError):
            Budget(**bad)
