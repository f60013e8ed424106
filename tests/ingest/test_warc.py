"""WARC / WARC.gz: HTML responses become Articles, everything else is skipped, truncation is reported."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.ingest import Rejected, iter_path
from storytrace.ingest.decode import stable_id
from storytrace.model import Article
from tests.support.paths import INGEST_FIXTURES as FIX

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

UNDATED_PAGE = """<!DOCTYPE html><html><head><title>Quay works extended | Saltmarsh Post</title>
<meta property="og:site_name" content="Saltmarsh Post"></head><body>
<nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/jobs">Jobs board</a></nav>
<article><h1>Quay works extended</h1>
<p>Repairs to the Saltmarsh quay will last two weeks longer than planned because divers found more damage below the waterline.</p>
<p>The harbour authority said the ferry would keep using the temporary pontoon until the work is finished.</p>
<p>Fishing boats have been asked to moor at the north jetty in the meantime.</p>
</article><footer>Saltmarsh Post, 4 Quay Lane. Letters to the editor welcome.</footer></body></html>"""


def _response(writer, uri, date, status, ctype, body, *, gzip_body=False):
    headers = [("Content-Type", ctype)]
    if gzip_body:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    rec = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}
    )
    writer.write_record(rec)


def make_warc(gz: bool = True) -> bytes:
    """warcinfo, a request, two HTML pages (one gzip-encoded, one undated), a 404 page, a PNG."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record("crawl.warc.gz", {"software": "storytrace-tests", "format": "WARC/1.1"}))
    req = StatusAndHeaders(
        "GET /news/2024/03/ferry-night-crossings-suspended HTTP/1.1",
        [("Host", "www.harbourledger.example")],
        is_http_request=True,
    )
    w.write_record(
        w.create_warc_record(
            "https://www.harbourledger.example/news/2024/03/ferry-night-crossings-suspended",
            "request",
            payload=io.BytesIO(b""),
            http_headers=req,
            warc_headers_dict={"WARC-Date": "2024-03-16T10:00:00Z"},
        )
    )
    _response(
        w,
        "https://www.harbourledger.example/news/2024/03/ferry-night-crossings-suspended",
        "2024-03-16T10:00:01Z",
        "200 OK",
        "text/html; charset=utf-8",
        (FIX / "harbour_ledger_ferry.html").read_bytes(),
        gzip_body=True,
    )
    _response(
        w, "https://saltmarsh-post.example/quay-works", "2024-03-17T08:30:00Z", "200 OK", "text/html", UNDATED_PAGE.encode()
    )
    _response(
        w,
        "https://saltmarsh-post.example/missing",
        "2024-03-17T08:31:00Z",
        "404 Not Found",
        "text/html",
        b"<html><body><p>" + b"This page does not exist any more, sorry. " * 20 + b"</p></body></html>",
    )
    _response(w, "https://saltmarsh-post.example/logo.png", "2024-03-17T08:32:00Z", "200 OK", "image/png", PNG_1x1)
    return buf.getvalue()


def split(items):
    items = list(items)
    return [x for x in items if isinstance(x, Article)], [x for x in items if isinstance(x, Rejected)]


def test_warc_gz_two_pages(tmp_path):
    p = tmp_path / "crawl.warc.gz"
    p.write_bytes(make_warc())
    arts, rej = split(iter_path(p))
    assert rej == []
    assert len(arts) == 2
    ferry, quay = arts
    uri = "https://www.harbourledger.example/news/2024/03/ferry-night-crossings-suspended"
    assert ferry.url == uri
    assert ferry.id == stable_id(uri, "2024-03-16T10:00:01Z")
    assert ferry.title == "Ferry operator suspends night crossings after engine fault"
    assert ferry.published == datetime(2024, 3, 14, 7, 45, tzinfo=UTC)  # the page's own date
    assert ferry.meta["date_from"] == "page" and ferry.outlet == "The Harbour Ledger"
    assert ferry.text.startswith("The Saltmarsh Ferry Company has suspended") and "cookies" not in ferry.text
    assert ferry.meta["warc_record_id"].startswith("<urn:uuid:")
    assert quay.url == "https://saltmarsh-post.example/quay-works"
    assert quay.published == datetime(2024, 3, 17, 8, 30, tzinfo=UTC)  # no page date: the capture
    assert quay.meta["date_from"] == "capture"
    assert quay.outlet == "Saltmarsh Post"
    assert quay.text.split("\n\n")[0].startswith("Repairs to the Saltmarsh quay")
    assert "Jobs board" not in quay.text and "Letters to the editor" not in quay.text
    # ids are stable across runs
    again, _ = split(iter_path(p))
    assert [a.id for a in again] == [ferry.id, quay.id]


def test_uncompressed_warc(tmp_path):
    p = tmp_path / "crawl.warc"
    p.write_bytes(make_warc(gz=False))
    arts, rej = split(iter_path(p))
    assert rej == [] and len(arts) == 2


def test_truncated_warc_gz_yields_what_was_read(tmp_path):
    data = make_warc()
    # cut inside the gzip member of the second HTML page (the 4th record)
    offsets = []
    it = ArchiveIterator(io.BytesIO(data))
    for _rec in it:
        offsets.append(it.get_record_offset())
    marker = offsets[3]
    assert marker > 0
    p = tmp_path / "cut.warc.gz"
    p.write_bytes(data[: marker + 120])
    arts, rej = split(iter_path(p))
    assert [a.url for a in arts] == ["https://www.harbourledger.example/news/2024/03/ferry-night-crossings-suspended"]
    (r,) = rej
    assert r.kind == "gzip" and str(p) in r.reason and f"byte {marker}" in r.reason and "truncated" in r.reason


def test_truncated_uncompressed_warc_rejects_the_cut_record(tmp_path):
    data = make_warc(gz=False)
    p = tmp_path / "cut.warc"
    cut = data.find(b"Repairs to the Saltmarsh quay")
    p.write_bytes(data[:cut])
    arts, rej = split(iter_path(p))
    assert len(arts) == 1
    (r,) = rej
    assert r.kind == "format" and "truncated" in r.reason and str(r.record).startswith("<urn:uuid:")


def test_not_a_warc(tmp_path):
    p = tmp_path / "fake.warc"
    p.write_text("this is not an archive\n")
    (r,) = list(iter_path(p))
    assert r.kind == "format" and "fake.warc" in r.reason


def test_warc_and_parquet_sniffed_without_known_extension(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "crawl").write_bytes(make_warc(gz=False))
    (tmp_path / "crawl2.gz").write_bytes(gzip.compress(make_warc(gz=False)))
    pq.write_table(pa.table({"id": ["p1"], "text": ["A Parquet file without its extension."]}), tmp_path / "table.bin")
    arts, rej = split(iter_path(tmp_path))
    assert rej == []
    assert [a.meta["format"] for a in arts] == ["warc", "warc", "warc", "warc", "parquet"]
    assert arts[-1].id == "p1"
