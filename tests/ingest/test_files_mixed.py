"""A folder of good and bad inputs: every good record comes out, every bad input is named, nothing raises."""

from __future__ import annotations

import io
import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.ingest import KINDS, Rejected, iter_path
from storytrace.model import Article
from tests.support.paths import INGEST_FIXTURES as FIX

MAX = 40_000

CURLY = "The harbour master said \u201cthe quay is safe\u201d \u2013 but fishermen\u2019s doubts remain."
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title><meta property='og:site_name' content='Sound Monitor'></head>"
        f"<body><nav><a href='/'>Front page</a></nav><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def _truncated_warc_gz() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    pages = [
        (
            "https://soundmonitor.example/a",
            "Pontoon installed",
            ["A temporary pontoon was installed at the quay on Friday so that the ferry can dock during repairs."] * 3,
        ),
        (
            "https://soundmonitor.example/b",
            "Divers find damage",
            ["Divers found more damage below the waterline, the harbour authority said on Saturday afternoon."] * 3,
        ),
    ]
    for i, (uri, title, paras) in enumerate(pages):
        body = _page(title, paras)
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
        )
        w.write_record(
            w.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": f"2024-03-1{i + 1}T12:00:00Z"},
            )
        )
    data = buf.getvalue()
    it = ArchiveIterator(io.BytesIO(data))
    offsets = []
    for _ in it:
        offsets.append(it.get_record_offset())
    return data[: offsets[1] + (len(data) - offsets[1]) // 2]


def build_folder(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub" / "deeper").mkdir()
    (root / ".cache").mkdir()
    # good
    (root / "a_seed.txt").write_text(" date 2024-03-10 Plain UTF-8 seed report.\n\nSecond paragraph.", encoding="utf-8")
    (root / "b_utf16.txt").write_bytes(" date 2024-03-11 UTF-16 report about the \u00e9cluse.".encode("utf-16"))
    (root / "c_cp1252.txt").write_bytes(f" date 2024-03-12 {CURLY}".encode("cp1252"))
    (root / "d_bom.md").write_bytes(b"\xef\xbb\xbf date 2024-03-13 A report saved with a byte order mark.")
    shutil.copy(FIX / "harbour_ledger_ferry.html", root / "e_page.html")
    shutil.copy(FIX / "island_gazette.rss", root / "sub" / "f_feed.rss")
    shutil.copy(FIX / "wire.jsonl", root / "sub" / "deeper" / "g_wire.jsonl")
    (root / "h_crawl.warc.gz").write_bytes(_truncated_warc_gz())
    # bad
    (root / "i_empty.txt").write_bytes(b"")
    (root / "j_blank.md").write_bytes(b"   \r\n\t\n")
    (root / "k_logo.png").write_bytes(PNG_HEADER + bytes(64))
    (root / "l_image_named.txt").write_bytes(PNG_HEADER + bytes(64))
    shutil.copy(FIX / "no_article.html", root / "m_no_article.html")
    (root / "n_huge.txt").write_text(" date 2024-03-14 " + "A long report. " * 4000, encoding="utf-8")
    (root / "o_undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (root / "p_notes.xyz").write_text("just some words, no known format\n", encoding="utf-8")
    # hidden: never read
    (root / ".hidden.txt").write_text(" date 2024-01-01 Hidden file.", encoding="utf-8")
    (root / ".cache" / "x.txt").write_text(" date 2024-01-01 Hidden folder.", encoding="utf-8")


def test_mixed_folder(tmp_path):
    build_folder(tmp_path)
    items = list(iter_path(tmp_path, max_bytes=MAX))
    arts = [x for x in items if isinstance(x, Article)]
    rej = [x for x in items if isinstance(x, Rejected)]
    assert len(arts) + len(rej) == len(items)

    # sorted order, hidden files and folders skipped
    origins = [Path(x.origin_path if isinstance(x, Article) else x.input).relative_to(tmp_path).as_posix() for x in items]
    assert origins == sorted(origins, key=lambda s: tuple(s.split("/")))
    assert not any(o.startswith(".") or "/." in o for o in origins)

    by_id = {a.id: a for a in arts}
    utc = UTC
    assert by_id["a_seed"].text == "Plain UTF-8 seed report.\n\nSecond paragraph."
    assert by_id["b_utf16"].text == "UTF-16 report about the \u00e9cluse." and by_id["b_utf16"].published == datetime(
        2024, 3, 11, tzinfo=utc
    )
    assert by_id["c_cp1252"].text == CURLY
    assert by_id["d_bom"].text == "A report saved with a byte order mark." and by_id["d_bom"].published == datetime(
        2024, 3, 13, tzinfo=utc
    )
    assert by_id["e_page"].outlet == "The Harbour Ledger"
    assert {"gazette-2024-0315-01", "wire-001", "wire-002", "6"} <= set(by_id)
    warc_arts = [a for a in arts if a.meta["format"] == "warc"]
    assert [a.url for a in warc_arts] == ["https://soundmonitor.example/a"]
    assert len(arts) == 4 + 1 + 3 + 3 + 1  # four texts, the page, feed items, JSONL lines, the WARC page read before the break

    kinds = {(Path(r.input).name, r.kind) for r in rej}
    expected = {
        ("g_wire.jsonl", "date"),
        ("g_wire.jsonl", "json"),
        ("g_wire.jsonl", "empty"),
        ("g_wire.jsonl", "format"),
        ("h_crawl.warc.gz", "gzip"),
        ("i_empty.txt", "empty"),
        ("j_blank.md", "empty"),
        ("k_logo.png", "binary"),
        ("l_image_named.txt", "binary"),
        ("m_no_article.html", "no_text"),
        ("n_huge.txt", "too_large"),
        ("o_undecodable.txt", "encoding"),
        ("p_notes.xyz", "format"),
    }
    assert kinds == expected
    assert Counter(Path(r.input).name for r in rej)["g_wire.jsonl"] == 4
    for r in rej:
        assert r.kind in KINDS and r.kind != "internal"
        assert r.input in r.reason, r  # the reason names the input ...
        if Path(r.input).name == "g_wire.jsonl":
            assert f"line {r.record}" in r.reason  # ... and the line
    jsonl_lines = sorted(r.record for r in rej if Path(r.input).name == "g_wire.jsonl")
    assert jsonl_lines == [4, 5, 6, 7]
    huge = next(r for r in rej if r.kind == "too_large")
    assert str(MAX) in huge.reason


def test_single_bad_paths_never_raise(tmp_path):
    (r,) = list(iter_path(tmp_path / "does-not-exist.jsonl"))
    assert r.kind == "missing" and "does-not-exist.jsonl" in r.reason
    (tmp_path / "empty_dir").mkdir()
    assert list(iter_path(tmp_path / "empty_dir")) == []
    (tmp_path / "fake.jsonl.gz").write_text('{"id": "x", "text": "not compressed"}\n')
    (r2,) = list(iter_path(tmp_path / "fake.jsonl.gz"))
    assert r2.kind == "gzip"
