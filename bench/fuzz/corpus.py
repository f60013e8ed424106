"""Seed inputs for the fuzz targets, built at run time.

Two sources: small hand-written examples of each format (below, and the repository's own
ingest fixtures), and a deterministic sample of real texts from ``../shared/datasets``, wrapped
in each format (an HTML page, an RSS item, a WARC response, a CSV row ...). The real data is
read from the shared folder and written only to a temporary corpus folder, never into the
repository; without the folder the hand-written seeds alone are used.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import random
from collections.abc import Iterator
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"

# Seeds are cut to this many characters: the fuzzer's -max_len is 16-32 KB and short inputs
# run faster; a few long texts are kept whole for the segmenter's chunking.
SNIPPET = 3_000


def dataset_texts(n: int = 300, seed: int = 20, root: Path = DATASETS) -> list[bytes]:
    """About ``n`` real texts (raw bytes, as stored: wikiref220 is Windows-1252), from every folder."""
    if not root.is_dir():
        return []
    rng = random.Random(seed)
    pools: list[list[bytes]] = []

    def files(pattern: str, k: int) -> list[bytes]:
        found = sorted(root.glob(pattern))
        return [p.read_bytes() for p in rng.sample(found, min(k, len(found)))]

    pools.append(files("wikiref220_news_clustering/WikiRef220/*.txt", 40))
    pools.append(files("ml_crisis_tls/*/*/*/*.txt", 40))
    pools.append(files("ml_crisis_tls/en/reference/*.txt", 2))
    pools.append(files("background_summaries_tls/events/*/*.tsv", 6))
    pools.append(_jsonl_fields(root / "f3" / "pairs.jsonl", ("human_content", "ai_content"), 30, rng))
    pools.append(_jsonl_fields(root / "frank" / "frank_article_summary_labels.jsonl", ("article", "summary"), 30, rng))
    pools.append(_csv_fields(sorted(root.glob("llmfake/*/*/*.csv")), ("news_text", "synthetic_misinformation"), 40, rng))
    pools.append(_tsv_sentences(root / "mrpc" / "msr_paraphrase_train.tsv", 40, rng))
    out = [t for pool in pools for t in pool if t.strip()]
    rng.shuffle(out)
    return out[:n]


def _jsonl_fields(path: Path, keys: tuple[str, ...], k: int, rng: random.Random) -> list[bytes]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in rng.sample(lines, min(k, len(lines))):
        obj = json.loads(line)
        out.extend(str(obj[key]).encode() for key in keys if obj.get(key))
    return out


def _csv_fields(paths: list[Path], keys: tuple[str, ...], k: int, rng: random.Random) -> list[bytes]:
    rows = []
    for p in paths:
        with p.open(encoding="utf-8", newline="") as fh:
            rows.extend(itertools.islice(csv.DictReader(fh), 20))
    out = []
    for row in rng.sample(rows, min(k, len(rows))):
        out.extend(row[key].encode() for key in keys if row.get(key))
    return out


def _tsv_sentences(path: Path, k: int, rng: random.Random) -> list[bytes]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    picked = rng.sample(lines, min(k, len(lines)))
    return [p.split("\t")[3].encode() for p in picked if p.count("\t") >= 4]


def _snip(raw: bytes, limit: int = SNIPPET) -> str:
    text = raw.decode("utf-8", "replace") if _is_utf8(raw) else raw.decode("cp1252", "replace")
    return text[:limit]


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- hand-written examples ---------------------------------------------------------------------

HAND = {
    "text": [
        b" date 2024-03-01 The council voted 7-2 on Tuesday.\n\nThe mayor said, \xe2\x80\x9cWe will build it.\xe2\x80\x9d",
        b"date 2024-02-30 An impossible date.",
        b"Plain text with no date.\r\nSecond line.\r\n",
        b"\xef\xbb\xbfdate 2023-10-30\n",
        b"\xff\xfed\x00a\x00t\x00e\x00 \x002\x000\x002\x004\x00-\x000\x001\x00-\x000\x001\x00 \x00H\x00i\x00",
    ],
    "html": [
        b'<!doctype html><html><head><meta charset="windows-1252"><title>Ferry</title>'
        b'<meta property="article:published_time" content="2024-03-01T10:00:00+02:00"></head>'
        b"<body><nav>Home | News</nav><article><h1>Ferry</h1><p>The ferry sank at 3 a.m., officials said.</p>"
        b"<p>\x93It was fast,\x94 a witness said.</p></article><footer>(c) 2024</footer></body></html>",
        b'<html><body><div class="cookie-consent">We use cookies.</div></body></html>',
        b'<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>caf\xe9 au lait</p></body></html>',
    ],
    "feed": [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title><link>https://example.org/</link>'
        b"<item><title>Storm</title><link>https://example.org/a</link><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
        b"<description>&lt;p&gt;Winds reached 120 km/h.&lt;/p&gt;</description></item>"
        b"<item><title>Empty</title></item></channel></rss>",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Mill</title><entry><id>urn:1</id><title>Mill</title>'
        b'<updated>2024-03-05T10:00:00Z</updated><content type="html">&lt;div&gt;The mill closed.&lt;br&gt;Jobs lost: 40.'
        b"&lt;/div&gt;</content></entry></feed>",
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
        b"<item><title>One</title><description>Text one.</description></item></rdf:RDF>",
    ],
    "csv": [
        b"id,published,title,text\n1,2024-03-01,Storm,Winds reached 120 km/h.\n2,not-a-date,X,Text\n3,,,\n",
        b'text;published\n"A ""quoted"" field\nover two lines";2024-01-01\n',
        b"title|body\nNo text column|here\n",
        b'text\n"unterminated\n',
    ],
    "jsonl": [
        b'{"id": "a1", "published": "2024-03-01T10:00:00Z", "text": "The council voted.", "title": "Vote"}\n'
        b'{"id": "a2", "text": ""}\n[1, 2]\n{"id": true, "text": "x"}\n{broken\n',
        b'{"id": 7, "text": "caf\\u00e9 \\ud800", "published": "2024-13-01"}\n',
    ],
    "json": [
        b'[{"id": "a", "text": "One."}, {"id": "b", "text": "Two.", "outlet": ["x"]}, 3]',
        b'{"id": "solo", "text": "Alone.", "author": "Ann"}',
        b'"just a string"',
        b"[" * 2000 + b"]" * 2000,
    ],
}


def _html_page(text: str, i: int) -> bytes:
    paras = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
    head = f'<meta property="article:published_time" content="2024-0{1 + i % 9}-1{i % 10}T08:00:00Z">' if i % 2 else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report {i}</title>{head}'
        f'<link rel="canonical" href="https://news.example.org/{i}"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>Report {i}</h1>{paras}</article><footer>About us</footer></body></html>"
    ).encode()


def _rss(texts: list[str], i: int) -> bytes:
    items = "".join(
        f"<item><title>Item {i}.{k}</title><link>https://example.org/{i}/{k}</link>"
        f"<pubDate>Mon, 0{1 + k % 9} Jan 2024 10:00:00 GMT</pubDate>"
        f"<description>{escape('<p>' + t.replace(chr(10), '</p><p>') + '</p>')}</description></item>"
        for k, t in enumerate(texts)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {i}</title>{items}</channel></rss>'.encode()


def _atom(texts: list[str], i: int) -> bytes:
    entries = "".join(
        f"<entry><id>urn:x:{i}:{k}</id><title>Entry {k}</title><updated>2024-02-0{1 + k % 9}T10:00:00Z</updated>"
        f'<content type="text">{escape(t)}</content></entry>'
        for k, t in enumerate(texts)
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom {i}</title>{entries}</feed>'.encode()


def _warc(pages: list[bytes], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for k, page in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = writer.create_warc_record(f"https://example.org/p{k}", "response", payload=io.BytesIO(page), http_headers=headers)
        writer.write_record(rec)
    return buf.getvalue()


def _csv_table(texts: list[str], delimiter: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(["id", "published", "title", "text", "outlet"])
    for k, t in enumerate(texts):
        w.writerow([f"r{k}", f"2024-01-{1 + k % 28:02d}", f"Row {k}", t, "Example Times"])
    return buf.getvalue().encode()


def _jsonl(texts: list[str]) -> bytes:
    return "".join(
        json.dumps(
            {"id": f"j{k}", "published": f"2024-01-{1 + k % 28:02d}", "text": t, "title": f"T{k}"}, ensure_ascii=k % 2 == 0
        )
        + "\n"
        for k, t in enumerate(texts)
    ).encode()


def _parquet(texts: list[str]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": [f"p{k}" for k in range(len(texts))], "text": texts, "published": ["2024-01-01"] * len(texts)})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def seeds(target: str, real: list[bytes]) -> Iterator[bytes]:
    """Seed inputs for one target: hand-written ones, the fixtures, then the real texts in its format."""
    snips = [_snip(r) for r in real]
    groups = [snips[k : k + 3] for k in range(0, len(snips), 3)]
    fixtures = sorted(FIXTURES.glob("*")) if FIXTURES.is_dir() else []
    if target in ("decode", "segment", "claims"):
        yield from (b for b in HAND["text"])
        for r in real:
            yield r[: SNIPPET * 2] if target != "claims" else r[:1_500]
        if target == "segment":  # a few whole long texts, for the chunking
            yield from sorted(real, key=len)[-5:]
    elif target == "text":
        yield from HAND["text"]
        yield from (p.read_bytes() for p in sorted(SEEDS_DIR.glob("*.txt"))[:20]) if SEEDS_DIR.is_dir() else iter(())
        for k, s in enumerate(snips):
            yield (f" date 2024-01-{1 + k % 28:02d} " + s).encode() if k % 2 else s.encode("utf-8")
    elif target == "html":
        yield from HAND["html"]
        yield from (p.read_bytes() for p in fixtures if p.suffix == ".html")
        yield from (_html_page(s, k) for k, s in enumerate(snips))
    elif target == "feed":
        yield from HAND["feed"]
        yield from (p.read_bytes() for p in fixtures if p.suffix in (".rss", ".atom", ".xml"))
        for k, g in enumerate(groups):
            yield _rss(g, k) if k % 2 else _atom(g, k)
    elif target == "warc":
        for k, g in enumerate(groups[:60]):
            yield _warc([_html_page(s, k) for s in g], gz=k % 3 == 0)
        yield b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    elif target in ("csv", "tsv"):
        yield from HAND["csv"]
        yield from (p.read_bytes() for p in fixtures if p.suffix == ".csv")
        yield from (_csv_table(g, "\t" if target == "tsv" else ",;"[k % 2]) for k, g in enumerate(groups))
    elif target in ("jsonl", "json"):
        yield from HAND["jsonl"] + HAND["json"]
        yield from (p.read_bytes() for p in fixtures if p.suffix in (".jsonl", ".json"))
        for g in groups:
            yield _jsonl(g) if target == "jsonl" else json.dumps([{"id": f"i{k}", "text": t} for k, t in enumerate(g)]).encode()
    elif target == "sniffed":
        for name in ("text", "html", "feed", "json"):
            yield from HAND[name]
        yield from (p.read_bytes() for p in fixtures)
        for k, g in enumerate(groups[:60]):
            yield (_html_page(g[0], k), _rss(g, k), _jsonl(g), g[0].encode(), _warc([_html_page(g[0], k)], False))[k % 5]
    elif target == "gzip":
        for k, g in enumerate(groups[:60]):
            body = (_jsonl(g), _csv_table(g, ","), g[0].encode(), _html_page(g[0], k))[k % 4]
            yield gzip.compress(body, mtime=0)
            if k % 5 == 0:  # a truncated stream and a two-member stream
                yield gzip.compress(body, mtime=0)[:-7]
                yield gzip.compress(body[:200], mtime=0) + gzip.compress(body[200:], mtime=0)
    elif target == "parquet":
        for g in groups[:40]:
            yield _parquet(g)
    else:
        raise KeyError(target)
