"""Each input format ingests a realistic fixture with the right text, date, outlet and ids."""

from __future__ import annotations

import gzip
import shutil
import unicodedata
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storytrace.ingest import DecodeError, Rejected, decode_bytes, iter_path, normalise_text
from storytrace.ingest.decode import stable_id
from storytrace.model import Article
from tests.support.paths import INGEST_FIXTURES as FIX
from tests.support.paths import SEEDS

NEWSROOM_MAPPING = {
    "id": "story_id",
    "title": "headline",
    "text": "body",
    "published": "date",
    "url": "link",
    "outlet": "source",
}


def split(items):
    items = list(items)
    arts = [x for x in items if isinstance(x, Article)]
    rej = [x for x in items if isinstance(x, Rejected)]
    assert len(arts) + len(rej) == len(items)
    return arts, rej


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------- seed + plain text


def test_seed_file_id_date_and_paragraphs():
    arts, rej = split(iter_path(FIX / "2023-ferry-seed.txt"))
    assert rej == []
    (a,) = arts
    assert a.id == "2023-ferry-seed"
    assert a.published == utc(2023, 11, 20)
    assert a.text.startswith("The Saltmarsh Ferry Company said on Monday")
    assert "date 2023" not in a.text
    assert a.text.split("\n\n")[1] == "Operations director Tobias Wrenfield said demand had grown by a fifth since the summer."
    assert a.meta["format"] == "seed" and "date_unknown" not in a.meta
    assert a.origin_path == str(FIX / "2023-ferry-seed.txt")


def test_shared_seed_files_read_with_their_dates():
    seeds = SEEDS
    if not seeds.is_dir():
        pytest.skip("../shared/seeds not present")
    arts, _ = split(iter_path(seeds))
    by_id = {a.id: a for a in arts}
    assert by_id["000_9c2d54847be4dc98"].published == utc(2023, 10, 30)
    assert by_id["001_6b3b0ac7c71edb63"].published == utc(2023, 11, 8)
    assert by_id["002_b2bb8ebdd5aea4a8"].published == utc(2023, 11, 6)
    assert by_id["000_9c2d54847be4dc98"].text.startswith("The sources agreed that the talks faltered on Friday")


def test_seed_without_extension_and_without_leading_space(tmp_path):
    (tmp_path / "report_a").write_text(" date 2024-01-05 First line.\nSecond line.", encoding="utf-8")
    (tmp_path / "report_b.txt").write_text("date 2024-01-06\nBody on the next line.", encoding="utf-8")
    arts, rej = split(iter_path(tmp_path))
    assert rej == []
    assert [(a.id, a.published, a.text) for a in arts] == [
        ("report_a", utc(2024, 1, 5), "First line.\nSecond line."),
        ("report_b", utc(2024, 1, 6), "Body on the next line."),
    ]


def test_seed_with_impossible_date_is_rejected(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text(" date 2024-02-30 The text.", encoding="utf-8")
    (r,) = list(iter_path(p))
    assert isinstance(r, Rejected) and r.kind == "date"
    assert str(p) in r.reason and "2024-02-30" in r.reason


def test_plain_text_keeps_date_unknown():
    (a,) = list(iter_path(FIX / "council_notes.md"))
    assert isinstance(a, Article)
    assert a.id == "council_notes" and a.published is None and a.meta["date_unknown"] is True
    assert a.text == "Notes from the council meeting, no date given.\n\nThe harbour wall budget was approved."


# --------------------------------------------------------------------------- JSON Lines / JSON


def test_jsonl_good_and_bad_lines():
    arts, rej = split(iter_path(FIX / "wire.jsonl"))
    assert [a.id for a in arts] == ["wire-001", "wire-002", "6"]
    a1, a2, a6 = arts
    assert a1.published == utc(2024, 3, 14, 9, 10) and a1.outlet == "Coastal Wire"
    assert a1.title == "Ferry suspends night crossings" and a1.url == "https://wire.example/a/001"
    assert a1.text.endswith("A company spokesman said safety came first.") and "\n\n" in a1.text
    assert a2.published == utc(2024, 3, 15) and a2.meta["author"] == "Desk staff"
    assert a2.meta["extra"] == {"section": "regional"}
    assert a6.published is None and a6.meta["date_unknown"] is True
    got = {(r.record, r.kind) for r in rej}
    assert got == {(4, "date"), (5, "json"), (6, "empty"), (7, "format")}
    for r in rej:
        assert r.input == str(FIX / "wire.jsonl")
        assert f"wire.jsonl line {r.record}:" in r.reason


def test_json_document_object_and_array(tmp_path):
    (tmp_path / "one.json").write_text('{"id": "x1", "text": "Alone.", "published": "2024-05-01T12:00:00+02:00"}')
    (tmp_path / "many.json").write_text(
        '[{"id": "m1", "text": "First."}, {"id": "m2", "text": "Second.", "published": "yesterday"}, 7]'
    )
    arts, rej = split(iter_path(tmp_path))
    assert [(a.id, a.published) for a in arts] == [("m1", None), ("x1", datetime(2024, 5, 1, 10, tzinfo=UTC))]
    assert {(r.record, r.kind) for r in rej} == {(2, "date"), (3, "json")}
    assert all("many.json item" in r.reason for r in rej)


def test_jsonl_gz(tmp_path):
    data = (FIX / "wire.jsonl").read_bytes()
    (tmp_path / "wire.jsonl.gz").write_bytes(gzip.compress(data))
    arts, rej = split(iter_path(tmp_path / "wire.jsonl.gz"))
    assert [a.id for a in arts] == ["wire-001", "wire-002", "6"]
    assert len(rej) == 4 and all("wire.jsonl.gz line" in r.reason for r in rej)
    assert arts[0].id == "wire-001"  # the stem of a .jsonl.gz is the name without both suffixes


def test_truncated_jsonl_gz_keeps_complete_lines(tmp_path):
    lines = [f'{{"id": "n{i}", "text": "Report number {i} about the harbour."}}' for i in range(200)]
    blob = gzip.compress(("\n".join(lines) + "\n").encode())
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(blob[: len(blob) * 2 // 3])
    arts, rej = split(iter_path(p))
    assert 0 < len(arts) < 200
    assert [a.id for a in arts] == [f"n{i}" for i in range(len(arts))]  # a prefix, nothing invented
    assert [r.kind for r in rej] == ["gzip"]
    assert "truncated" in rej[0].reason and str(p) in rej[0].reason


# --------------------------------------------------------------------------- HTML


def test_html_news_page_main_text_only():
    (a,) = list(iter_path(FIX / "harbour_ledger_ferry.html"))
    assert isinstance(a, Article)
    assert a.id == "harbour_ledger_ferry"
    assert a.title == "Ferry operator suspends night crossings after engine fault"
    assert a.published == utc(2024, 3, 14, 7, 45)
    assert a.outlet == "The Harbour Ledger"
    assert a.meta["author"] == "Marta Quillfeather"
    assert a.url == "https://www.harbourledger.example/news/2024/03/ferry-night-crossings-suspended"
    paragraphs = a.text.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("The Saltmarsh Ferry Company has suspended all crossings to Gull Island")
    assert paragraphs[2].startswith("\u201cWe will not sail at night again")  # entities decoded to curly quotes
    assert paragraphs[5].endswith("promised refunds for all cancelled season tickets.")
    for boilerplate in (
        "cookies",
        "Subscribe for one euro",
        "Tides and Weather",
        "Related stories",
        "Gearbox trouble strands",
        "About time somebody",
        "waste of public money",
        "All rights reserved",
        "Privacy notice",
        "Contact the newsroom",
        "trackRead",
        "dataLayer",
    ):
        assert boilerplate not in a.text, boilerplate
    assert not a.text.startswith("Ferry operator suspends")  # headline not repeated in the body


def test_html_without_article_is_rejected_not_empty():
    (r,) = list(iter_path(FIX / "no_article.html"))
    assert isinstance(r, Rejected) and r.kind == "no_text"
    assert "no_article.html" in r.reason


def test_html_outlet_falls_back_to_canonical_domain(tmp_path):
    body = "".join(
        f"<p>Paragraph {i} of a report on the Saltmarsh harbour wall, which the council has agreed to repair "
        f"before the winter storms arrive.</p>"
        for i in range(4)
    )
    html = (
        '<html><head><title>Wall repairs</title><link rel="canonical" href="https://www.saltmarsh-post.example/wall">'
        f'<meta name="date" content="2024-02-07"></head><body><article>{body}</article></body></html>'
    )
    (tmp_path / "wall.htm").write_text(html, encoding="utf-8")
    (a,) = list(iter_path(tmp_path / "wall.htm"))
    assert isinstance(a, Article)
    assert a.outlet == "saltmarsh-post.example"
    assert a.published == utc(2024, 2, 7)
    assert a.text.count("\n\n") == 3


def test_html_in_windows_1252_with_meta_charset(tmp_path):
    para = "The mayor said \u201cwe will rebuild the caf\u00e9\u201d \u2013 and residents\u2019 hopes rose again this week."
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Caf\u00e9</title>'
        f"</head><body><article><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
    )
    (tmp_path / "cafe.html").write_bytes(html.encode("cp1252"))
    (a,) = list(iter_path(tmp_path / "cafe.html"))
    assert isinstance(a, Article)
    assert a.text.split("\n\n")[0] == para


def test_html_sniffed_without_extension(tmp_path):
    shutil.copy(FIX / "harbour_ledger_ferry.html", tmp_path / "saved_page")
    (a,) = list(iter_path(tmp_path / "saved_page"))
    assert isinstance(a, Article) and a.meta["format"] == "html" and a.id == "saved_page"


# --------------------------------------------------------------------------- feeds


def test_rss_items_content_and_summary():
    arts, rej = split(iter_path(FIX / "island_gazette.rss"))
    assert rej == []
    assert [a.id for a in arts] == [
        "gazette-2024-0315-01",
        "https://gazette.gullisland.example/2024/03/13/lighthouse",
        "https://gazette.gullisland.example/2024/03/12/tug-crew",  # no guid: the link
    ]
    full, summary_only, linked = arts
    assert all(a.outlet == "The Gull Island Gazette" for a in arts)
    # content:encoded full text wins over the description; markup and scripts are gone
    assert full.meta["text_from"] == "content"
    assert full.text.startswith("More than two hundred islanders signed a petition")
    assert "nurse Ines Corrow" in full.text and "21 March." in full.text
    assert "<" not in full.text and "trackRead" not in full.text and "stranded" not in full.text
    assert len(full.text.split("\n\n")) == 4
    assert full.published == utc(2024, 3, 15, 6, 30)
    assert full.url == "https://gazette.gullisland.example/2024/03/15/water-taxi"
    assert full.meta["author"] == "Pell Ashgrove"
    # only a summary (HTML-escaped in the description)
    assert summary_only.meta["text_from"] == "summary"
    assert summary_only.text == (
        "The heritage trust has moved the lighthouse open day from 23 March to 6 April because of the ferry disruption."
    )
    assert summary_only.published == utc(2024, 3, 13, 16, 5)  # +0100 normalised to UTC
    assert "teaser" not in linked.text and linked.text.count("\n\n") == 1


def test_atom_entries():
    arts, rej = split(iter_path(FIX / "mill_gazette.atom"))
    assert rej == []
    assert [a.id for a in arts] == [
        "urn:uuid:0b6f0c8e-2d7a-4f9e-8a51-3c2e6d1f4a10",
        "urn:uuid:9a1c2e3f-4b5d-4e6f-8a7b-1c2d3e4f5a6b",
    ]
    bridge, bakery = arts
    assert bridge.outlet == bakery.outlet == "Mill Valley Courier"
    assert bridge.published == utc(2024, 4, 1, 6, 15)  # published, not updated
    assert bridge.text == (
        "The Lower Mill bridge reopened to traffic on Monday after three weeks of repairs, the county council said."
        "\n\nCyclists will get a separate lane from May, and the weight limit stays at 7.5 tonnes."
    )
    assert bridge.meta["author"] == "Rosa Tindall"
    assert bakery.published == utc(2024, 3, 28, 16, 40) and bakery.meta["date_from"] == "updated"
    assert bakery.text.startswith("Hartwell's Bakery on Mill Street")


def test_feed_item_without_text_is_rejected_alone(tmp_path):
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Notes</title>
    <item><title>Only a title</title><guid>q-1</guid></item>
    <item><title>Tide tables</title><guid>q-2</guid><description>High water at 06:12 and 18:40.</description></item>
    </channel></rss>"""
    (tmp_path / "quay.xml").write_text(rss, encoding="utf-8")
    arts, rej = split(iter_path(tmp_path / "quay.xml"))
    assert [a.id for a in arts] == ["q-2"]
    (r,) = rej
    assert r.kind == "no_text" and r.record == 1 and "quay.xml item 1" in r.reason and "q-1" in r.reason


def test_xml_that_is_not_a_feed(tmp_path):
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>')
    (r,) = list(iter_path(tmp_path / "sitemap.xml"))
    assert isinstance(r, Rejected) and r.kind == "format" and "sitemap.xml" in r.reason


# --------------------------------------------------------------------------- tables


def test_csv_with_mapping():
    arts, rej = split(iter_path(FIX / "newsroom_export.csv", mapping=NEWSROOM_MAPPING))
    assert len(arts) == 2
    wall, ferry = arts
    assert wall.id == "st-100" and wall.title == "Harbour wall budget approved"
    assert wall.published == utc(2024, 2, 6) and wall.outlet == "Saltmarsh Post" and wall.url == "https://saltmarsh.example/wall"
    assert (
        wall.text
        == "The council approved 1.2 million euros for the harbour wall on Tuesday.\n\nWork starts in June, the council said."
    )
    body = 'The ferry company suspended night sailings, citing "safety first", after an engine fault.'
    assert ferry.text == body
    assert ferry.id == stable_id(body) and ferry.meta["id_from"] == "text_hash"  # no id: hash of the text
    assert ferry.published == datetime(2024, 3, 14, 7, tzinfo=UTC)
    assert {(r.record, r.kind) for r in rej} == {(4, "date"), (5, "format"), (6, "empty")}
    assert all("newsroom_export.csv row" in r.reason for r in rej)


def test_csv_without_mapping_names_the_missing_column():
    (r,) = list(iter_path(FIX / "newsroom_export.csv"))
    assert isinstance(r, Rejected) and r.kind == "format" and "'text'" in r.reason and "'body'" in r.reason


def test_csv_gz_tsv_semicolon_and_default_columns(tmp_path):
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(b"id,text,published\nc1,Gzipped row.,2024-01-01\n"))
    (tmp_path / "b.tsv").write_text("ID\tText\tOutlet\nt1\tTab separated row.\tTab Times\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("id;text\ns1;Semicolon row, with a comma.\n", encoding="utf-8")
    arts, rej = split(iter_path(tmp_path))
    assert rej == []
    assert [(a.id, a.text, a.meta["format"]) for a in arts] == [
        ("c1", "Gzipped row.", "csv"),
        ("t1", "Tab separated row.", "tsv"),
        ("s1", "Semicolon row, with a comma.", "csv"),
    ]
    assert arts[1].outlet == "Tab Times"  # column names match regardless of case


def test_parquet_with_mapping(tmp_path):
    table = pa.table(
        {
            "doc": ["pq-1", None, "pq-3", "pq-4"],
            "content": [
                "The harbour master reported record traffic in March.",
                "An undated wire note without an id.",
                "",
                "A report with a timestamp column.",
            ],
            "when": pa.array(
                [datetime(2024, 3, 30, 12, 0), None, datetime(2024, 3, 31), datetime(2024, 4, 1, 6, 30)],
                type=pa.timestamp("s"),
            ),
            "paper": ["Quay Daily", "Quay Daily", "Quay Daily", "Quay Daily"],
        }
    )
    p = tmp_path / "export.parquet"
    pq.write_table(table, p)
    arts, rej = split(iter_path(p, mapping={"id": "doc", "text": "content", "published": "when", "outlet": "paper"}))
    assert [a.id for a in arts] == ["pq-1", stable_id("An undated wire note without an id."), "pq-4"]
    assert arts[0].published == utc(2024, 3, 30, 12) and arts[0].outlet == "Quay Daily"
    assert arts[1].published is None and arts[1].meta["date_unknown"] is True
    (r,) = rej
    assert r.kind == "empty" and r.record == 3 and "export.parquet row 3" in r.reason


def test_parquet_bad_mapping_and_corrupt_file(tmp_path):
    p = tmp_path / "t.parquet"
    pq.write_table(pa.table({"text": ["x"]}), p)
    (r,) = list(iter_path(p, mapping={"text": "body"}))
    assert r.kind == "format" and "'body'" in r.reason
    data = p.read_bytes()
    (tmp_path / "broken.parquet").write_bytes(data[:4] + b"\x00" * 20 + data[-30:])
    (r2,) = list(iter_path(tmp_path / "broken.parquet"))
    assert isinstance(r2, Rejected) and r2.kind == "format"


def test_mapping_with_unknown_field_is_a_programming_error():
    with pytest.raises(ValueError):
        iter_path(FIX, mapping={"body": "text"})


# --------------------------------------------------------------------------- encodings and text


PARA = "\u201cWe\u2019ll reopen the caf\u00e9 on the quay\u201d, said Ren\u00e9e \u2013 na\u00efvely, perhaps."


@pytest.mark.parametrize(
    "encoding,prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),  # no BOM: recognised from the NUL pattern
        ("cp1252", b""),
    ],
)
def test_decoding_seed_text(tmp_path, encoding, prefix):
    text = f" date 2024-06-01 {PARA}\r\n\r\nSecond paragraph.\r\n"
    p = tmp_path / "enc.txt"
    p.write_bytes(prefix + text.encode(encoding))
    (a,) = list(iter_path(p))
    assert isinstance(a, Article), a
    assert a.published == utc(2024, 6, 1)
    assert a.text == PARA + "\n\nSecond paragraph."


def test_decode_bytes_rejects_undecodable():
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(0x80, 0x100)) * 8)
    with pytest.raises(DecodeError):
        decode_bytes(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8")  # BOM then a lone surrogate


def test_normalise_text():
    raw = "Line one\r\nline\x00 two\x07\t tab\r\n\r\n\r\n\r\nE\u0301t\u00e9  \nlast\u2028line\x0c"
    out = normalise_text(raw)
    assert out == "Line one\nline two\t tab\n\n\u00c9t\u00e9\nlast\nline"
    assert unicodedata.is_normalized("NFC", out)
    assert normalise_text(out) == out


def test_html_to_text_for_feed_fragments():
    from storytrace.ingest.html import html_to_text

    frag = (
        "<p>First <!-- hidden --> para&nbsp;with <b>bold</b><br>and a break.</p>"
        "<script>alert('x')</script><style>p{}</style>"
        "<ul><li>one</li><li>two</li></ul>Loose &amp; tail text"
    )
    assert html_to_text(frag) == "First para with bold\nand a break.\n\none\n\ntwo\n\nLoose & tail text"
    assert html_to_text("no markup at all") == "no markup at all"
    assert html_to_text("") == ""
