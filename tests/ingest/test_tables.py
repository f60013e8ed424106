"""Tables: column resolution (exact, then case- and space-insensitive, with a mapping), the
delimiter of a CSV, spreadsheet row numbers in rejections, and Parquet rows."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

from storytrace.ingest.errors import Rejected
from storytrace.ingest.source import Source
from storytrace.ingest.tables import PARQUET_MAGIC, iter_csv, iter_parquet, resolve_columns
from storytrace.model import Article

FERRY = "The ferry to Inselby runs twice a day from May."
BRIDGE = "The Alcantara bridge reopens on Monday after repairs."


def test_columns_match_exactly_then_ignoring_case_and_spaces():
    found, error = resolve_columns(["ID", " Text ", "published", "Title"], None)
    assert error is None
    assert found == {"id": 0, "published": 2, "title": 3, "text": 1}


def test_a_mapping_names_their_column_for_our_field():
    found, error = resolve_columns(["key", "body", "date"], {"text": "body", "published": "date", "id": "key"})
    assert error is None and found == {"id": 0, "published": 2, "text": 1}


def test_a_mapped_column_that_is_missing_is_an_error():
    _, error = resolve_columns(["text", "date"], {"published": "when"})
    assert error is not None and "'when'" in error and "'published'" in error


def test_no_text_column_is_an_error_that_suggests_a_mapping():
    _, error = resolve_columns(["id", "body"], None)
    assert error is not None and "'text'" in error and "mapping" in error
    _, error = resolve_columns([], None)
    assert "none" in error


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Rejected)]


def test_csv_rows_become_articles_and_bad_rows_are_named_by_their_row():
    text = f'id,published,text\na1,2024-05-01,"{FERRY}"\na2,not a date,"{BRIDGE}"\na3,2024-05-03,\n'
    arts, rejected = _split(iter_csv(Source(input="t.csv", stem="t"), text))
    assert [a.id for a in arts] == ["a1"]
    assert arts[0].text == FERRY and arts[0].meta["format"] == "csv"
    assert {(r.record, r.kind) for r in rejected} == {(3, "date"), (4, "empty")}  # the header is row 1


def test_csv_delimiter_is_read_from_the_header():
    text = f"id;text\nb1;{FERRY}\nb2;{BRIDGE}\n"
    arts, rejected = _split(iter_csv(Source(input="t.csv", stem="t"), text))
    assert not rejected and [a.text for a in arts] == [FERRY, BRIDGE]


def test_tsv_uses_tabs_even_when_the_text_has_commas():
    text = f"id\ttext\nc1\tOne, two, three: {FERRY}\n"
    arts, rejected = _split(iter_csv(Source(input="t.tsv", stem="t"), text, tsv=True))
    assert not rejected and arts[0].text == f"One, two, three: {FERRY}"


def test_csv_without_a_text_column_is_one_rejection():
    _, rejected = _split(iter_csv(Source(input="t.csv", stem="t"), "id,body\n1,x\n"))
    assert len(rejected) == 1 and rejected[0].kind == "format"


def test_parquet_rows_count_from_one():
    table = pa.table({"id": ["p1", "p2"], "text": [FERRY, ""], "title": ["Ferry", None]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    data = buffer.getvalue()
    assert data.startswith(PARQUET_MAGIC)
    arts, rejected = _split(iter_parquet(Source(input="t.parquet", stem="t"), data))
    assert [(a.id, a.title) for a in arts] == [("p1", "Ferry")]
    assert [(r.record, r.kind) for r in rejected] == [(2, "empty")]


def test_bytes_that_are_not_parquet_are_rejected():
    _, rejected = _split(iter_parquet(Source(input="t.parquet", stem="t"), b"PAR1 but nothing else"))
    assert len(rejected) == 1 and rejected[0].kind == "format"
