"""The command line around ingest: ``add`` (SSRF refusals, redirects, a local page with
--allow-private), ``watch`` (new items, nothing twice, changed pages as versions), ``trace`` on a
mixed folder (--map, --max-bytes, exit status, ``errors``, outputs still written), versions in
the store (and the migration of an older store), and a property test of the fetched-body parsers.

Every test runs offline: the only server is on 127.0.0.1, and a guard fails any test that tries
to connect anywhere else."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import socket
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.cli import ingest as commands
from storytrace.cli.ingest import parse_duration, parse_mapping, parse_size
from storytrace.ingest import KINDS, FetchResult, Rejected, articles_from_fetch
from storytrace.ingest import fetch as fetch_mod
from storytrace.model import Article, parse_published
from storytrace.report import validate_trace
from storytrace.store import Store
from storytrace.store import sqlite as sqlite_store
from tests.support.paths import INGEST_FIXTURES as FIX

PAGE = (FIX / "harbour_ledger_ferry.html").read_bytes()
# the same page, edited two days later: two numbers changed, the modified date moved on
PAGE_V2 = (
    PAGE.replace(b"forty-one passengers", b"sixty passengers")
    .replace(b"about 300 residents", b"about 450 residents")
    .replace(
        b'article:modified_time" content="2024-03-14T11:02:00+00:00"',
        b'article:modified_time" content="2024-03-16T09:00:00+00:00"',
    )
)
assert PAGE_V2.count(b"2024-03-16T09:00:00") == 1 and b"sixty" in PAGE_V2

runner = CliRunner()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------- a feed written for these tests

QUAY = [
    "The harbour authority closed the north quay on Monday after divers found 14 cracked piles below the waterline.",
    "Repairs will cost 2.4 million euros and take at least six weeks, the authority said in a statement.",
    "Fishing boats will moor at the south pontoon until the end of April, when the quay is due to reopen.",
    "Harbour master Ilse Varga said no boat had been damaged and that the closure was a precaution.",
]
QUAY_V2 = [s.replace("14 cracked", "21 cracked").replace("2.4 million", "3.1 million") for s in QUAY]
ITEMS = {
    "tide-1": ("North quay closed after divers find cracked piles", "Mon, 08 Apr 2024 07:00:00 +0000", QUAY),
    "tide-2": (
        "Lifeboat crew rescues kayaker off Gull Point",
        "Tue, 09 Apr 2024 18:30:00 +0000",
        [
            "The volunteer lifeboat crew rescued a kayaker who had capsized off Gull Point on Tuesday evening.",
            "The man, a visitor from the mainland, was cold but unhurt, the coxswain said.",
            "The crew launched within eight minutes of the call and reached him in a quarter of an hour.",
        ],
    ),
    "tide-3": (
        "School choir wins regional prize",
        "Wed, 10 Apr 2024 12:00:00 +0000",
        [
            "The Gull Island primary school choir won first prize at the regional festival in Saltmarsh on Wednesday.",
            "Twenty-two pupils sang three songs, one of them written by their music teacher.",
        ],
    ),
    "tide-4": (
        "Ferry timetable extended for the summer",
        "Thu, 11 Apr 2024 09:15:00 +0000",
        [
            "The ferry company will add two evening sailings from the first of June, it announced on Thursday.",
            "The extra crossings will run until the end of September if the engines pass their inspection.",
        ],
    ),
}


def feed(items: dict[str, tuple]) -> bytes:
    parts = []
    for guid, (title, date, paragraphs) in items.items():
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        parts.append(
            f"<item><title>{title}</title><link>https://tides.example/{guid}</link>"
            f"<guid isPermaLink='false'>{guid}</guid><pubDate>{date}</pubDate>"
            f"<description>{paragraphs[0][:60]}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        "<channel><title>The Tide Table</title><link>https://tides.example/</link><description>Island news</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode("utf-8")


# --------------------------------------------------------------------------- guard and local server


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Records every outgoing connection; anything but 127.0.0.1 fails the test before a packet leaves."""
    seen: list[str] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        seen.append(host)
        if host != "127.0.0.1":
            raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, address: connect(self, address) or 0)
    return seen


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict[str, tuple[int, str, bytes, list]] = {}
    requests: list[tuple[str, dict]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).requests.append((self.path, dict(self.headers)))
        status, ctype, body, headers = self.routes.get(self.path, (404, "text/html", b"", []))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    port = httpd.server_address[1]

    def redirect(to: str):
        return (302, "text/html", b"", [("Location", to)])

    _Handler.requests = []
    _Handler.routes = {
        "/article.html": (200, "text/html; charset=utf-8", PAGE, []),
        "/feed.rss": (200, "application/rss+xml", feed({k: ITEMS[k] for k in ("tide-1", "tide-2", "tide-3")}), []),
        "/to-ok": redirect("/article.html"),
        "/to-loopback": redirect(f"http://127.0.0.2:{port}/article.html"),
        "/to-localhost6": redirect(f"http://[::1]:{port}/article.html"),
        "/to-ten": (307, "text/html", b"", [("Location", "http://10.0.0.1/admin")]),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
    }
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", _Handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def stored(db: Path) -> dict[str, Article]:
    with Store(db) as s:
        return {a.id: a for a in s.articles()}


def errors_listed(db: Path) -> str:
    res = runner.invoke(app, ["errors", "--db", str(db)])
    assert res.exit_code == 0, res.output
    return res.output


# --------------------------------------------------------------------------- add: refusals


PRIVATE = [
    "http://127.0.0.1/story",
    "http://localhost/story",
    "http://10.0.0.1/story",
    "http://[::1]/story",
    "http://169.254.169.254/latest/meta-data/",
]


def test_add_refuses_private_urls_before_connecting(tmp_path, connections):
    db = tmp_path / "s.db"
    res = runner.invoke(app, ["add", *PRIVATE, "--db", str(db), "--json", str(tmp_path / "t.json"), "-q"])
    assert res.exit_code == 1, res.output
    assert connections == []  # refused after resolution, before any connection
    assert stored(db) == {}
    listed = errors_listed(db)
    for url in PRIVATE:
        line = next(ln for ln in listed.splitlines() if f"\t{url}\t" in ln)
        assert line.startswith("fetch\t") and "refused" in line
    for url, what in zip(PRIVATE, ["loopback", "loopback", "private", "loopback", "link-local"], strict=False):
        assert any(url in ln and what in ln for ln in listed.splitlines()), (url, what)
    # the outputs are still written
    assert json.loads((tmp_path / "t.json").read_text())["articles"] == []


def test_add_refuses_the_local_server_without_allow_private(tmp_path, server, connections):
    base, handler = server
    res = runner.invoke(app, ["add", base + "/article.html", "--db", str(tmp_path / "s.db"), "-q"])
    assert res.exit_code == 1 and "loopback" in res.output
    assert handler.requests == [] and connections == []


def test_add_refuses_redirects_to_private_addresses(tmp_path, server, monkeypatch, connections):
    """127.0.0.1 stands in for a public server (only that exact address is declared public), so
    the first hop is fetched and the refusal must happen at the redirect."""
    base, handler = server
    real = fetch_mod.address_problem
    monkeypatch.setattr(fetch_mod, "address_problem", lambda a: None if a == "127.0.0.1" else real(a))
    db = tmp_path / "s.db"
    hops = ["/to-loopback", "/to-localhost6", "/to-ten", "/to-metadata"]
    res = runner.invoke(app, ["add", *[base + h for h in hops], base + "/to-ok", "--db", str(db), "-q"])
    assert res.exit_code == 1, res.output
    # every first hop was fetched; no redirect target was (the control redirect to /article.html was)
    assert [p for p, _ in handler.requests] == [*hops, "/to-ok", "/article.html"]
    assert set(connections) == {"127.0.0.1"}
    listed = errors_listed(db)
    for hop, target in zip(hops, ["127.0.0.2", "::1", "10.0.0.1", "169.254.169.254"], strict=False):
        line = next(ln for ln in listed.splitlines() if f"\t{base}{hop}\t" in ln)
        assert "refused" in line and target in line, line
    (only,) = stored(db).values()  # the control page, after its harmless redirect
    assert only.url == base + "/article.html"


# --------------------------------------------------------------------------- add: a local page


def test_add_with_allow_private_fetches_and_stores_the_page(tmp_path, server):
    base, handler = server
    db, out_json, out_md = tmp_path / "s.db", tmp_path / "t.json", tmp_path / "t.md"
    args = ["add", base + "/article.html", "--db", str(db), "--allow-private", "--json", str(out_json), "--md", str(out_md), "-q"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "storytrace" in handler.requests[0][1]["User-Agent"]
    (page,) = stored(db).values()
    assert page.title == "Ferry operator suspends night crossings after engine fault"
    assert page.published == utc(2024, 3, 14, 7, 45)
    assert page.outlet == "The Harbour Ledger" and page.url == base + "/article.html"
    assert page.text.startswith("The Saltmarsh Ferry Company has suspended all crossings to Gull Island")
    assert page.text.endswith("has promised refunds for all cancelled season tickets.")
    for boilerplate in ("cookies", "Subscribe", "Related stories", "Reader comments", "All rights reserved", "Privacy"):
        assert boilerplate not in page.text
    assert page.sentences and page.meta["fetched_at"]
    doc = json.loads(out_json.read_text())
    validate_trace(doc)
    assert [a["id"] for a in doc["articles"]] == [page.id] and "versions" not in doc
    assert "Ferry operator suspends" in out_md.read_text()
    # the same page again: a no-op, not a version
    res = runner.invoke(app, args[:-1])
    assert res.exit_code == 0 and "0 new, 0 new versions, 1 unchanged, 0 rejected" in res.output
    assert list(stored(db)) == [page.id]


def test_add_caps_the_body_size(tmp_path, server):
    base, _ = server
    db = tmp_path / "s.db"
    res = runner.invoke(app, ["add", base + "/article.html", "--db", str(db), "--allow-private", "--max-bytes", "2KB", "-q"])
    assert res.exit_code == 1
    assert stored(db) == {}
    assert "too_large\t" in errors_listed(db) and "max_bytes=2000" in errors_listed(db)


def test_add_exclude_skips_feed_items_by_url_and_each_run_names_its_store(tmp_path, server):
    base, _ = server
    db = tmp_path / "s.db"
    res = runner.invoke(app, ["add", base + "/feed.rss", "--db", str(db), "--allow-private", "--exclude", "*/tide-2"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == f"store: {db} (new)"
    assert "fetched: 2 new, 0 new versions, 0 unchanged, 1 excluded, 0 rejected" in res.output
    assert set(stored(db)) == {"tide-1", "tide-3"}
    res = runner.invoke(app, ["add", base + "/feed.rss", "--db", str(db), "--allow-private"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith(f"store: {db}, 2 reports from earlier runs, traced with these")
    assert "fetched: 1 new, 0 new versions, 2 unchanged, 0 rejected" in res.output
    assert set(stored(db)) == {"tide-1", "tide-2", "tide-3"}


# --------------------------------------------------------------------------- watch


def test_watch_stores_new_items_once_and_changed_pages_as_versions(tmp_path, server):
    base, handler = server
    db, out_json, out_md = tmp_path / "s.db", tmp_path / "t.json", tmp_path / "t.md"
    urls = [base + "/feed.rss", base + "/article.html"]
    common = ["--db", str(db), "--allow-private", "--json", str(out_json), "--md", str(out_md), "-q"]

    # two polls: the first stores the three items and the page, the second nothing
    res = runner.invoke(app, ["watch", *urls, "--polls", "2", "--every", "0.05s", *common])
    assert res.exit_code == 0, res.output
    assert "poll 1: 4 new, 0 new versions, 0 unchanged, 0 rejected" in res.output
    assert "poll 2: 0 new, 0 new versions, 4 unchanged, 0 rejected" in res.output
    first = stored(db)
    assert set(first) >= {"tide-1", "tide-2", "tide-3"} and len(first) == 4
    page_id = next(k for k in first if not k.startswith("tide-"))
    assert first["tide-1"].text == "\n\n".join(QUAY) and first["tide-1"].outlet == "The Tide Table"
    assert first["tide-1"].published == utc(2024, 4, 8, 7)
    assert [p for p, _ in handler.requests] == ["/feed.rss", "/article.html"] * 2

    # the feed changes an item and adds one; the page is edited
    handler.routes["/feed.rss"] = (200, "application/rss+xml", feed({**ITEMS, "tide-1": (*ITEMS["tide-1"][:2], QUAY_V2)}), [])
    handler.routes["/article.html"] = (200, "text/html; charset=utf-8", PAGE_V2, [])
    res = runner.invoke(app, ["watch", *urls, "--once", *common])
    assert res.exit_code == 0, res.output
    assert "poll 1: 1 new, 2 new versions, 2 unchanged, 0 rejected" in res.output
    now = stored(db)
    assert set(now) == set(first) | {"tide-4", "tide-1@v2", f"{page_id}@v2"}
    for aid, a in first.items():  # the first versions are untouched
        assert now[aid].text == a.text and now[aid].published == a.published
    item_v2, page_v2 = now["tide-1@v2"], now[f"{page_id}@v2"]
    assert item_v2.text == "\n\n".join(QUAY_V2) and item_v2.meta["version_of"] == "tide-1" and item_v2.meta["version"] == 2
    assert item_v2.meta["date_from"] == "fetch" and item_v2.published > first["tide-1"].published
    assert page_v2.url == first[page_id].url and "sixty passengers" in page_v2.text
    assert page_v2.published == utc(2024, 3, 16, 9) and page_v2.meta["date_from"] == "modified"
    with Store(db) as s:
        assert {(v["first"], v["id"], v["n"]) for v in s.versions()} == {
            ("tide-1", "tide-1@v2", 2),
            (page_id, f"{page_id}@v2", 2),
        }

    # the trace compares each version with the first: an edge first -> version, with the changed numbers
    doc = json.loads(out_json.read_text())
    validate_trace(doc)
    edges = {(e["source"], e["derived"]) for s in doc["stories"] for e in s["edges"]}
    assert ("tide-1", "tide-1@v2") in edges and (page_id, f"{page_id}@v2") in edges
    versions = {v["version"]: v for v in doc["versions"]}
    assert set(versions) == {"tide-1@v2", f"{page_id}@v2"}
    for vid, values in (("tide-1@v2", {"21", "3.1 million"}), (f"{page_id}@v2", {"sixty", "450"})):
        v = versions[vid]
        assert v["in_trace"] is True and v["edge"]["coverage"] >= 0.75
        changed = [f for f in v["findings"] if f["type"] == "number_changed"]
        assert len(changed) == 2, v["findings"]
        assert all(any(x in str(f["derived_value"]) + f["explanation"] for x in values) for f in changed)
    md = out_md.read_text()
    assert "## Changed versions of stored pages" in md and "tide-1@v2" in md

    # polling again: the same content as the latest version is a no-op
    res = runner.invoke(app, ["watch", *urls, "--once", *common])
    assert res.exit_code == 0 and "poll 1: 0 new, 0 new versions, 5 unchanged, 0 rejected" in res.output
    assert set(stored(db)) == set(now)


def test_watch_reports_a_failing_feed_and_keeps_polling_the_others(tmp_path, server):
    base, _ = server
    db = tmp_path / "s.db"
    res = runner.invoke(
        app, ["watch", base + "/gone.rss", base + "/feed.rss", "--once", "--db", str(db), "--allow-private", "-q"]
    )
    assert res.exit_code == 1
    assert "poll 1: 3 new, 0 new versions, 0 unchanged, 1 rejected" in res.output
    assert "HTTP 404" in errors_listed(db)


def test_watch_rejects_bad_options(tmp_path):
    res = runner.invoke(app, ["watch", "http://example.org/feed", "--every", "soon", "--db", str(tmp_path / "s.db")])
    assert res.exit_code == 2 and "duration" in res.output


@pytest.mark.parametrize(
    "text, seconds",
    [("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("90", 90), ("0.5s", 0.5), ("250ms", 0.25), ("1d", 86400)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "15x", "-5s", "0s", "m15"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_size_and_mapping():
    assert parse_size("40000") == 40000 and parse_size("50MB") == 50_000_000 and parse_size("2KiB") == 2048
    assert parse_size("1.5k") == 1500
    for bad in ("", "lots", "0", "5TB"):
        with pytest.raises(ValueError):
            parse_size(bad)
    assert parse_mapping(["text=body,published=date", "title = headline"]) == {
        "text": "body",
        "published": "date",
        "title": "headline",
    }
    assert parse_mapping(None) is None and parse_mapping([]) is None
    for bad in (["body=text"], ["text"], ["text="]):
        with pytest.raises(ValueError):
            parse_mapping(bad)


# --------------------------------------------------------------------------- trace on a mixed folder


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(80)
MAPPING = "id=story_id,title=headline,text=body,published=date,url=link,outlet=source"


def _mixed_folder(root: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (root / "sub").mkdir()
    # good (some with bad records inside)
    (root / "a_seed.txt").write_text(" date 2024-03-10 The quay reopened on Sunday.\n\nBoats returned at noon.", encoding="utf-8")
    (root / "b_utf16.txt").write_bytes(" date 2024-03-11 Report about the \u00e9cluse in UTF-16.".encode("utf-16"))
    (root / "c_cp1252.txt").write_bytes(
        " date 2024-03-12 The mayor said \u201cwe will rebuild\u201d \u2013 twice.".encode("cp1252")
    )
    (root / "d_bom.md").write_bytes(b"\xef\xbb\xbf date 2024-03-13 A report saved with a byte order mark.")
    (root / "e_page.html").write_bytes(PAGE)
    (root / "sub" / "f_feed.rss").write_bytes((FIX / "island_gazette.rss").read_bytes())
    (root / "sub" / "g_wire.jsonl").write_bytes((FIX / "wire.jsonl").read_bytes())
    (root / "h_export.csv").write_bytes((FIX / "newsroom_export.csv").read_bytes())
    table = pa.table(
        {
            "story_id": ["pq-1", "pq-2", "pq-3"],
            "headline": ["Pier lights fixed", "Bus shelter rebuilt", "Bad date"],
            "body": [
                "The pier lights work again after a month.",
                "The bus shelter on Quay Road was rebuilt.",
                "A row with a bad date.",
            ],
            "date": ["2024-03-18", "2024-03-19", "the nineteenth"],
            "link": ["https://p.example/1", "https://p.example/2", "https://p.example/3"],
            "source": ["Pier Post", "Pier Post", "Pier Post"],
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    (root / "i_table.parquet").write_bytes(buf.getvalue())
    lines = b"".join(
        json.dumps({"id": f"gz-{i}", "published": "2024-03-20", "text": f"Gzipped line number {i} of a cut file."}).encode()
        + b"\n"
        for i in range(60)
    )
    blob = gzip.compress(lines)
    (root / "j_cut.jsonl.gz").write_bytes(blob[: len(blob) * 3 // 4])
    # bad
    (root / "k_empty.txt").write_bytes(b"")
    (root / "l_logo.png").write_bytes(PNG)
    (root / "m_no_article.html").write_bytes((FIX / "no_article.html").read_bytes())
    (root / "n_huge.txt").write_text(
        " date 2024-03-14 " + "A long report. " * 3000, encoding="utf-8"
    )  # 45 KB: over --max-bytes 30KB
    (root / "o_undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (root / "p_notes.xyz").write_text("some words in no known format\n", encoding="utf-8")


def test_trace_mixed_folder_stores_every_good_record_and_lists_every_bad_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _mixed_folder(folder)
    db, out_json, out_md = tmp_path / "s.db", tmp_path / "t.json", tmp_path / "t.md"
    args = [
        "trace",
        str(folder),
        "--db",
        str(db),
        "--json",
        str(out_json),
        "--md",
        str(out_md),
        "--map",
        MAPPING,
        "--max-bytes",
        "30KB",
        "-q",
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    # one line per problem, naming its kind and the input once ("rejected [empty]: .../k_empty.txt: ...")
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith(("rejected", "warning"))]
    assert any(ln.startswith("rejected [empty]: ") and "k_empty.txt" in ln for ln in lines)
    for ln in lines:
        name = Path(ln.split(": ", 1)[1].split(":", 1)[0].split(" ")[0]).name
        assert ln.count(name) == 1, ln

    arts = stored(db)
    gz_ids = {k for k in arts if k.startswith("gz-")}
    assert 10 < len(gz_ids) < 60 and gz_ids == {f"gz-{i}" for i in range(len(gz_ids))}  # every complete line before the cut
    expected = {
        "a_seed",
        "b_utf16",
        "c_cp1252",
        "d_bom",
        "e_page",
        "gazette-2024-0315-01",
        "https://gazette.gullisland.example/2024/03/13/lighthouse",
        "wire-001",
        "wire-002",
        "6",
        "st-100",
        "pq-1",
        "pq-2",
    }
    assert expected <= set(arts)
    assert len(arts) == len(expected) + 2 + len(gz_ids)  # plus the feed item without a guid and the csv row without an id
    assert arts["st-100"].title == "Harbour wall budget approved" and arts["st-100"].outlet == "Saltmarsh Post"
    assert arts["pq-2"].published == utc(2024, 3, 19) and arts["pq-2"].url == "https://p.example/2"
    assert arts["c_cp1252"].text == "The mayor said \u201cwe will rebuild\u201d \u2013 twice."
    assert arts["e_page"].outlet == "The Harbour Ledger" and "cookies" not in arts["e_page"].text

    listed = errors_listed(db).splitlines()
    expected_bad = {
        ("g_wire.jsonl", "date"),
        ("g_wire.jsonl", "json"),
        ("g_wire.jsonl", "empty"),
        ("g_wire.jsonl", "format"),
        ("h_export.csv", "date"),
        ("h_export.csv", "format"),
        ("h_export.csv", "empty"),
        ("i_table.parquet", "date"),
        ("j_cut.jsonl.gz", "gzip"),
        ("k_empty.txt", "empty"),
        ("l_logo.png", "binary"),
        ("m_no_article.html", "no_text"),
        ("n_huge.txt", "too_large"),
        ("o_undecodable.txt", "encoding"),
        ("p_notes.xyz", "format"),
        ("c_cp1252.txt", "warning"),  # stored, but its encoding was a guess: the warning names it
    }
    got = {(Path(ln.split("\t")[1].split(" [")[0]).name, ln.split("\t")[0]) for ln in listed}
    assert got == expected_bad
    assert any("c_cp1252.txt" in ln and "decoded as cp1252 by detection" in ln for ln in listed)
    assert any("n_huge.txt" in ln and "max_bytes=30000" in ln for ln in listed)
    assert any("g_wire.jsonl [5]" in ln and "line 5" in ln for ln in listed)
    assert any("i_table.parquet [3]" in ln and "the nineteenth" in ln for ln in listed)

    # the outputs are written although inputs were rejected
    doc = json.loads(out_json.read_text())
    validate_trace(doc)
    assert {a["id"] for a in doc["articles"]} == set(arts)
    assert out_md.read_text().strip()

    # a re-run stores nothing twice and lists nothing twice
    res = runner.invoke(app, args)
    assert res.exit_code == 1 and set(stored(db)) == set(arts)
    assert len(errors_listed(db).splitlines()) == len(listed)


def test_trace_refuses_a_bad_map_option(tmp_path):
    res = runner.invoke(app, ["trace", str(tmp_path), "--db", str(tmp_path / "s.db"), "--map", "body=text"])
    assert res.exit_code == 2 and "--map" in res.output


# --------------------------------------------------------------------------- versions in the store


def _article(aid: str, text: str, title: str = "T", published: str = "2024-05-01") -> Article:
    return Article(id=aid, text=text, title=title, published=parse_published(published), url="https://x.example/" + aid)


def test_store_versions_and_the_migration_of_an_older_store(tmp_path):
    db = tmp_path / "old.db"
    old = sqlite3.connect(db)  # a store written before versions existed
    old.executescript(sqlite_store.SCHEMA)
    old.execute(
        "INSERT INTO articles (id, content_hash, text, published, title, meta, sentences, added_at) VALUES (?, ?, ?, ?, ?, '{}', '[]', 0)",
        ("p", _article("p", "First text.").content_hash(), "First text.", "2024-05-01", "T"),
    )
    old.commit()
    old.close()
    with Store(db) as s:
        assert s.count("versions") == 0 and s.versions() == []
        assert s.add_version(_article("p", "First text.", published="2024-06-01")) == ("same", "p")  # only the date differs
        assert s.add_version(_article("p", "Second text.")) == ("version", "p@v2")
        assert s.add_version(_article("p", "Second text.")) == ("same", "p@v2")
        assert s.add_version(_article("p", "Second text.", title="New title")) == ("version", "p@v3")
        assert s.add_version(_article("p", "First text.")) == ("version", "p@v4")  # a revert is a change too
        assert s.add_version(_article("q", "Other.")) == ("added", "q")
        assert s.add_article(_article("p@v5", "A report that was given this id elsewhere.")) == "added"
        assert s.add_version(_article("p", "Third text.")) == ("version", "p@v6")  # never overwrites it
        assert s.versions() == [{"id": f"p@v{n}", "first": "p", "n": n} for n in (2, 3, 4, 6)]
        by_id = {a.id: a for a in s.articles()}
    assert by_id["p@v3"].title == "New title" and by_id["p@v3"].meta["version_of"] == "p"
    assert by_id["p"].text == "First text."  # never overwritten
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --------------------------------------------------------------------------- fetched bodies: property test


CONTENT_TYPES = [
    None,
    "text/html",
    "text/html; charset=utf-16",
    "application/rss+xml",
    "application/x-atom+xml",
    "text/xml",
    "application/xml",
    "text/plain",
    "application/octet-stream",
    "image/png",
    "application/json",
]
PREFIXES = [
    b"",
    b"<html><body><article><p>",
    b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>",
    b"\xff\xfe<\x00h\x00",
    b"\xef\xbb\xbf<!doctype html>",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(PREFIXES),
    data=st.binary(max_size=2000),
    ctype=st.sampled_from(CONTENT_TYPES),
    status=st.sampled_from([200, 200, 200, 404, 500]),
)
def test_fetched_bodies_never_raise(prefix, data, ctype, status):
    result = FetchResult(
        url="https://x.example/a",
        final_url="https://x.example/a",
        status=status,
        content_type=ctype,
        body=prefix + data,
        fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
    )
    for item in articles_from_fetch(result):
        if isinstance(item, Rejected):
            assert item.kind in KINDS and item.kind != "internal" and item.reason.startswith(item.input)
        else:
            assert isinstance(item, Article) and item.id and item.text.strip()
    modified = commands._modified_date(result)
    assert modified is None or parse_published(modified).tzinfo is not None
