"""Property tests: no input, however broken, makes ingest raise; what comes out is well-formed."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import tempfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.ingest import KINDS, DecodeError, Rejected, decode_bytes, iter_path, normalise_text
from storytrace.model import Article
from tests.support.paths import INGEST_FIXTURES as FIX

# STORYTRACE_FUZZ=20 runs every property 20 times as many examples (a longer fuzzing session).
_SCALE = max(1, int(os.environ.get("STORYTRACE_FUZZ", "1") or 1))


def _n(examples: int) -> int:
    return examples * _SCALE


SETTINGS = settings(max_examples=_n(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])

EXTENSIONS = [
    ".txt",
    ".md",
    "",
    ".jsonl",
    ".ndjson",
    ".json",
    ".html",
    ".htm",
    ".xml",
    ".rss",
    ".atom",
    ".csv",
    ".tsv",
    ".warc",
    ".warc.gz",
    ".parquet",
    ".jsonl.gz",
    ".csv.gz",
    ".gz",
    ".dat",
]
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\r]")


def check(items: list, folder: Path) -> tuple[list[Article], list[Rejected]]:
    arts, rej = [], []
    for x in items:
        if isinstance(x, Article):
            assert isinstance(x.id, str) and x.id
            assert x.text and x.text == normalise_text(x.text)
            assert not _FORBIDDEN.search(x.text)
            assert x.published is None or x.published.tzinfo is not None
            assert x.published is not None or x.meta.get("date_unknown") is True
            assert x.origin_path and str(folder) in x.origin_path
            arts.append(x)
        else:
            assert isinstance(x, Rejected), x
            assert x.kind in KINDS and x.kind != "internal", x
            assert x.reason.startswith(x.input) and str(folder) in x.input
            rej.append(x)
    return arts, rej


def ingest_bytes(data: bytes, name: str, **kw) -> tuple[list[Article], list[Rejected]]:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        return check(list(iter_path(p, **kw)), Path(d))


# --------------------------------------------------------------------------- arbitrary bytes


def _raw_test(ext: str):
    @SETTINGS
    @given(data=st.binary(max_size=3000))
    def test(data):
        ingest_bytes(data, "input" + ext, max_bytes=2000)

    test.__name__ = f"test_arbitrary_bytes_never_raise_{ext.strip('.').replace('.', '_') or 'noext'}"
    return test


for _ext in EXTENSIONS:
    _t = _raw_test(_ext)
    globals()[_t.__name__] = _t
del _t, _ext


@SETTINGS
@given(data=st.binary(max_size=2000), ext=st.sampled_from(EXTENSIONS))
def test_gzip_of_arbitrary_bytes_never_raises(data, ext):
    blob = gzip.compress(data)
    ingest_bytes(blob, "input" + ext + ("" if ext.endswith(".gz") else ".gz"))
    ingest_bytes(blob[: len(blob) // 2], "input" + ext)


@SETTINGS
@given(
    prefix=st.sampled_from(
        [
            b"PAR1",
            b"WARC/1.1\r\n",
            b"\xff\xfe",
            b"\xef\xbb\xbf",
            b"<?xml version='1.0'?><rss>",
            b"<html>",
            b"{",
            b"[",
            b" date 2024-01-01 ",
        ]
    ),
    data=st.binary(max_size=2000),
    ext=st.sampled_from(EXTENSIONS),
)
def test_magic_prefixes_with_garbage_never_raise(prefix, data, ext):
    ingest_bytes(prefix + data + (b"PAR1" if prefix == b"PAR1" else b""), "input" + ext)


# --------------------------------------------------------------------------- the decoder and the normaliser


@settings(max_examples=_n(300), deadline=None)
@given(st.binary(max_size=2000))
def test_decoder_returns_text_or_decode_error(data):
    try:
        text, enc = decode_bytes(data)
    except DecodeError:
        return
    assert isinstance(text, str) and isinstance(enc, str)


@settings(max_examples=_n(200), deadline=None)
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "utf-16-be", "utf-8-sig"]))
def test_decoder_round_trips_unicode_with_bom(text, encoding):
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass")
    else:
        data = text.encode(encoding, "surrogatepass")
    try:
        got, _ = decode_bytes(data)
    except DecodeError:
        assert any(0xD800 <= ord(c) <= 0xDFFF for c in text)  # lone surrogates cannot round-trip
        return
    if encoding == "utf-8" and text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text[:512]:
        return  # NULs make it look like UTF-16 / binary: no round-trip promised
    assert got == text


@settings(max_examples=_n(300), deadline=None)
@given(st.text(max_size=400))
def test_normalise_text_is_idempotent_and_clean(text):
    out = normalise_text(text)
    assert normalise_text(out) == out
    assert not _FORBIDDEN.search(out)
    assert unicodedata.is_normalized("NFC", out)
    assert "\n\n\n" not in out and out == out.strip()


# --------------------------------------------------------------------------- structured inputs per parser

_LINE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=60)


@SETTINGS
@given(body=st.text(max_size=400), day=st.dates(), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]))
def test_seed_text(body, day, encoding):
    raw = f" date {day.isoformat()} {body}"
    try:
        data = raw.encode(encoding)
    except UnicodeEncodeError:
        data = raw.encode("utf-8", "surrogatepass")
    arts, rej = ingest_bytes(data, "seed.txt")
    assert len(arts) + len(rej) == 1
    if arts and encoding in ("utf-8", "utf-16", "utf-8-sig"):
        assert arts[0].published == datetime(day.year, day.month, day.day, tzinfo=UTC)
        assert arts[0].text == normalise_text(body)


_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _LINE_TEXT)
_RECORD = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(_LINE_TEXT, st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
        "text": st.one_of(_LINE_TEXT, st.none(), st.integers()),
        "published": st.one_of(st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()), _LINE_TEXT, st.integers()),
        "outlet": _JSON_SCALARS,
        "url": _JSON_SCALARS,
        "title": _JSON_SCALARS,
        "extra": st.dictionaries(_LINE_TEXT, _JSON_SCALARS, max_size=2),
    },
)
_JSONL_LINE = st.one_of(_RECORD.map(json.dumps), _LINE_TEXT, st.lists(_JSON_SCALARS, max_size=3).map(json.dumps))


@SETTINGS
@given(lines=st.lists(_JSONL_LINE, max_size=12))
def test_jsonl_every_line_answers_once(lines):
    arts, rej = ingest_bytes("\n".join(lines).encode("utf-8"), "records.jsonl")
    nonblank = [n for n, ln in enumerate(lines, start=1) if ln.strip()]
    if not nonblank:
        assert [r.kind for r in rej] == ["empty"] and not arts
        return
    if any("\x00" in ln for ln in lines):
        return
    answered = sorted([a.meta["line"] for a in arts] + [r.record for r in rej])
    assert answered == nonblank
    for r in rej:
        assert f"line {r.record}:" in r.reason


@SETTINGS
@given(rows=st.lists(st.lists(_LINE_TEXT, min_size=0, max_size=5), max_size=10), tsv=st.booleans())
def test_csv_rows(rows, tsv):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t" if tsv else ",")
    w.writerow(["id", "text", "published"])
    for row in rows:
        w.writerow(row)
    arts, rej = ingest_bytes(buf.getvalue().encode("utf-8"), "table.tsv" if tsv else "table.csv")
    assert len(arts) <= len(rows)
    for a in arts:
        assert a.meta["format"] == ("tsv" if tsv else "csv")


_TAGS = st.sampled_from(
    ["p", "div", "nav", "footer", "article", "h1", "span", "script", "style", "li", "ul", "table", "td", "br", "main", "aside"]
)


@st.composite
def html_docs(draw):
    parts = ["<!DOCTYPE html><html><head>"]
    if draw(st.booleans()):
        parts.append(f"<title>{escape(draw(_LINE_TEXT))}</title>")
    if draw(st.booleans()):
        parts.append(f'<meta property="article:published_time" content="{escape(draw(_LINE_TEXT), {chr(34): "&quot;"})}">')
    parts.append("</head><body>")
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        parts.append(f"<{tag}>{escape(draw(_LINE_TEXT))}")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
    if draw(st.booleans()):
        parts.append("</body></html>")
    return "".join(parts)


@SETTINGS
@given(doc=html_docs(), ext=st.sampled_from([".html", ".htm", ""]))
def test_html_pages(doc, ext):
    arts, rej = ingest_bytes(doc.encode("utf-8"), "page" + ext)
    assert len(arts) + len(rej) == 1
    if rej:
        assert rej[0].kind in ("no_text", "format", "empty")


@st.composite
def rss_feeds(draw):
    n = draw(st.integers(0, 5))
    items = []
    for _ in range(n):
        fields = []
        if draw(st.booleans()):
            fields.append(f"<title>{escape(draw(_LINE_TEXT))}</title>")
        if draw(st.booleans()):
            fields.append(f"<guid>{escape(draw(_LINE_TEXT))}</guid>")
        if draw(st.booleans()):
            fields.append(f"<pubDate>{escape(draw(_LINE_TEXT))}</pubDate>")
        if draw(st.booleans()):
            fields.append(f"<description>{escape(draw(_LINE_TEXT))}</description>")
        if draw(st.booleans()):
            fields.append(f"<content:encoded><![CDATA[<p>{draw(_LINE_TEXT).replace(']]>', '')}</p>]]></content:encoded>")
        items.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(draw(_LINE_TEXT))}</title>{''.join(items)}</channel></rss>"
    ), n


@SETTINGS
@given(feed=rss_feeds(), ext=st.sampled_from([".rss", ".xml", ".atom", ""]))
def test_rss_every_item_answers_once(feed, ext):
    doc, n = feed
    arts, rej = ingest_bytes(doc.encode("utf-8"), "feed" + ext)
    if n == 0:
        assert not arts and len(rej) == 1
    else:
        assert len(arts) + len(rej) == n, (arts, rej)


def _small_warc() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(2):
        body = (
            "<html><head><title>T</title></head><body><article>"
            + f"<p>Paragraph about the harbour number {i}, long enough to be kept by the extractor.</p>" * 3
            + "</article></body></html>"
        ).encode()
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
        )
        w.write_record(w.create_warc_record(f"https://h.example/{i}", "response", payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


WARC_BLOB = _small_warc()


@SETTINGS
@given(cut=st.integers(0, len(WARC_BLOB)), flip=st.one_of(st.none(), st.integers(0, len(WARC_BLOB) - 1)))
def test_warc_truncated_or_corrupted(cut, flip):
    data = bytearray(WARC_BLOB[:cut])
    if flip is not None and flip < len(data):
        data[flip] ^= 0xFF
    arts, rej = ingest_bytes(bytes(data), "crawl.warc.gz")
    assert len(arts) <= 2
    if flip is None and cut == len(WARC_BLOB):
        assert len(arts) == 2 and not rej
    if flip is None and 0 < cut < len(WARC_BLOB):
        kinds = {r.kind for r in rej}
        assert kinds <= {"gzip", "format", "empty"}


# --------------------------------------------------------------------------- mutated real fixtures


def _parquet_blob() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(
        pa.table({"id": ["a", "b"], "text": ["First row text.", "Second row text."], "published": ["2024-01-01", "x"]}), buf
    )
    return buf.getvalue()


SAMPLES = {
    **{p.name: p.read_bytes() for p in sorted(FIX.iterdir()) if p.is_file()},
    "crawl.warc.gz": WARC_BLOB,
    "table.parquet": _parquet_blob(),
    "wire.jsonl.gz": gzip.compress((FIX / "wire.jsonl").read_bytes()),
}


@settings(max_examples=_n(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=6),
)
def test_mutated_fixtures_never_raise(name, cut, flips):
    data = bytearray(SAMPLES[name])
    data = data[: int(len(data) * cut) or len(data)]
    for pos, mask in flips:
        if data:
            data[min(int(pos * len(data)), len(data) - 1)] ^= mask
    ingest_bytes(bytes(data), name)
