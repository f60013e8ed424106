"""Hostile files, each at two sizes: ingest (and trace, where it is accepted) time, what became
of it, and the ratio of the two times (linear: about 2 for twice the size).

    python bench/hostile_inputs.py                 # every shape, full and half size
    python bench/hostile_inputs.py --only feed --scale 0.1
    python bench/hostile_inputs.py --batch         # one `storytrace trace` of every hostile file among good reports

The files are written to a temporary folder (never the repository). Times are of this process,
one run; read the ratios. Issue 20's list: one 20 MB token; 1 MB of punctuation; 100,000 list
lines; 50,000 URLs and e-mail addresses; unbalanced and nested quotes over 1 MB; HTML nested
10,000 deep; a gzip bomb (1 GB once decompressed); a WARC of 100,000 tiny records; a CSV with a
50 MB field; a feed with 100,000 items; NUL bytes and lone surrogates; right-to-left and
zero-width characters.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HEADER = " date 2024-05-02 "


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def one_token(folder: Path, n: int) -> Path:
    return _write(folder / "token.txt", (HEADER + "a" * n).encode())


def punctuation(folder: Path, n: int) -> Path:
    rnd = random.Random(1)
    return _write(folder / "punct.txt", (HEADER + "".join(rnd.choice("!?.,;:-()[]\"'…") for _ in range(n))).encode())


def list_lines(folder: Path, n: int) -> Path:
    return _write(folder / "list.txt", (HEADER + "\n" + "".join(f"- item {k}\n" for k in range(n))).encode())


def urls(folder: Path, n: int) -> Path:
    words = [f"https://example{k % 97}.org/path/{k}?q={k}#f" if k % 2 else f"user.{k}@mail{k % 13}.example.com" for k in range(n)]
    return _write(folder / "urls.txt", (HEADER + " ".join(words)).encode())


def quotes(folder: Path, n: int) -> Path:
    rnd = random.Random(2)
    marks = ['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", " said ", " word ", ". "]
    body = []
    size = 0
    while size < n:
        piece = rnd.choice(marks)
        body.append(piece)
        size += len(piece)
    return _write(folder / "quotes.txt", (HEADER + "".join(body)).encode())


def nested_html(folder: Path, depth: int) -> Path:
    page = "<html><head><title>Deep</title></head><body>" + "<div>" * depth + "<p>A report deep inside.</p>" + "</div>" * depth
    return _write(folder / "deep.html", (page + "</body></html>").encode())


def gzip_bomb(folder: Path, n: int) -> Path:
    """``n`` bytes of spaces and a little text, gzip-compressed (about a thousandth of the size)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip wrapper
    out = io.BytesIO()
    chunk = b" " * 1_000_000
    out.write(comp.compress(HEADER.encode() + b"Start of the text."))
    for _ in range(n // len(chunk)):
        out.write(comp.compress(chunk))
    out.write(comp.flush())
    return _write(folder / "bomb.txt.gz", out.getvalue())


def warc_records(folder: Path, n: int) -> Path:
    out = io.BytesIO()
    for k in range(n):
        body = f"<html><body><p>Tiny record {k} of the crawl.</p></body></html>".encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{k:012d}>\r\n"
            f"WARC-Target-URI: https://example.org/{k}\r\nWARC-Date: 2024-05-02T10:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
        )
        out.write(head.encode() + http + b"\r\n\r\n")
    return _write(folder / "crawl.warc", out.getvalue())


def csv_field(folder: Path, n: int) -> Path:
    return _write(
        folder / "wide.csv", f'id,published,text\nbig,2024-05-02,"{"x" * n}"\nsmall,2024-05-02,"A small row."\n'.encode()
    )


def feed_items(folder: Path, n: int) -> Path:
    items = "".join(
        f"<item><guid>g{k}</guid><title>Item {k}</title><pubDate>Thu, 02 May 2024 10:00:00 GMT</pubDate>"
        f"<description>Item {k} of a long feed.</description></item>"
        for k in range(n)
    )
    return _write(
        folder / "long.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    )


def nul_and_surrogates(folder: Path, n: int) -> Path:
    """JSON Lines: NUL characters and lone surrogates escaped inside the text (valid JSON)."""
    text = ("Words \u0000 and \ud800 lone \udfff halves. " * (n // 40 + 1))[:n]
    return _write(folder / "nul.jsonl", (json.dumps({"id": "nul", "published": "2024-05-02", "text": text}) + "\n").encode())


def rtl_zero_width(folder: Path, n: int) -> Path:
    piece = "The \u202eminister\u202c said\u200b \u200dthe\ufeff plan \u05e9\u05dc\u05d5\u05dd was \u2067approved\u2069. "
    return _write(folder / "bidi.txt", (HEADER + (piece * (n // len(piece) + 1))[:n]).encode())


# shape: (writer, full size, a few words on the size)
SHAPES: dict[str, tuple[Callable[[Path, int], Path], int, str]] = {
    "token": (one_token, 20_000_000, "one 20 MB token"),
    "punctuation": (punctuation, 1_000_000, "1 MB of punctuation"),
    "list": (list_lines, 100_000, "100,000 list lines"),
    "urls": (urls, 50_000, "50,000 URLs and e-mail addresses"),
    "quotes": (quotes, 1_000_000, "1 MB of unbalanced, nested quotes"),
    "html": (nested_html, 10_000, "HTML nested 10,000 deep"),
    "gzip": (gzip_bomb, 1_000_000_000, "gzip bomb, 1 GB decompressed"),
    "warc": (warc_records, 100_000, "WARC of 100,000 tiny records"),
    "csv": (csv_field, 50_000_000, "CSV with a 50 MB field"),
    "feed": (feed_items, 100_000, "feed of 100,000 items"),
    "nul": (nul_and_surrogates, 1_000_000, "NUL bytes and lone surrogates, 1 MB"),
    "bidi": (rtl_zero_width, 1_000_000, "right-to-left and zero-width, 1 MB"),
}

RUN = """
import json, sys, time
from storytrace import api
t0 = time.perf_counter()
c0 = time.process_time()
with api.Store(sys.argv[1]) as store:
    report = api.ingest(store, [sys.argv[2]])
    t1 = time.perf_counter()
    traced = None
    if report.added and len(report.added) <= int(sys.argv[3]):
        api.trace_store(store)
        traced = time.perf_counter() - t1
# CPU seconds beside the wall time: on a shared machine the CPU time is what shows growth
print(json.dumps({"ingest": t1 - t0, "cpu": time.process_time() - c0, "trace": traced, "added": len(report.added),
                  "kinds": sorted({r.kind for r in report.rejected})}))
"""


def measure(name: str, scale: float, folder: Path, trace_limit: int) -> dict:
    writer, full, _ = SHAPES[name]
    out = {}
    for label, size in (("half", int(full * scale / 2)), ("full", int(full * scale))):
        sub = folder / f"{name}-{label}"
        sub.mkdir()
        path = writer(sub, size)
        # a fresh interpreter per run: one shape's memory or caches do not colour the next
        res = subprocess.run(
            [sys.executable, "-c", RUN, str(sub / "s.db"), str(path), str(trace_limit)], capture_output=True, text=True
        )
        if res.returncode != 0:
            out[label] = {"error": res.stderr.strip().splitlines()[-1:]}
            continue
        row = json.loads(res.stdout.strip().splitlines()[-1])
        row["bytes"] = path.stat().st_size
        out[label] = row
        path.unlink()
    return out


def batch(folder: Path, scale: float, seeds: Path) -> None:
    """Every hostile file among the good reports, one `storytrace trace` run."""
    inputs = []
    for name, (writer, full, _) in SHAPES.items():
        if name in ("warc", "feed"):  # many valid reports, not a hostile one: measured alone
            continue
        sub = folder / f"batch-{name}"
        sub.mkdir()
        inputs.append(writer(sub, int(full * scale)))
    good = sorted(seeds.glob("*.txt"))
    order = [good[0], *inputs[: len(inputs) // 2], good[1], *inputs[len(inputs) // 2 :], *good[2:]]
    db = folder / "batch.db"
    t0 = time.perf_counter()
    res = subprocess.run(
        [str(Path(sys.executable).parent / "storytrace"), "trace", *map(str, order), "--db", str(db), "-q"],
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - t0
    from storytrace.store import Store

    with Store(db) as store:
        stored = {a.id: a.published_iso for a in store.articles()}
        kinds = Counter(r["kind"] for r in store.rejected())
    print(f"batch of {len(order)} inputs ({len(good)} good): {took:.1f} s, exit {res.returncode}")
    print("good stored with dates:", all(stored.get(p.stem) for p in good), {p.stem: stored.get(p.stem) for p in good})
    print("problems by kind:", dict(kinds))
    for line in res.stderr.splitlines():
        print("  ", line[:160])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", choices=sorted(SHAPES), help="shapes to run (default: all)")
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    ap.add_argument("--trace-limit", type=int, default=2_000, help="trace the store when it holds at most this many reports")
    ap.add_argument("--batch", action="store_true", help="one trace of every hostile file among the seeds")
    ap.add_argument("--seeds", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        if args.batch:
            batch(folder, args.scale, args.seeds)
            return
        print(
            "| input | bytes (full) | what became of it | ingest s half / full | trace s half / full | ratio | CPU s half / full, ratio |"
        )
        print("|---|---|---|---|---|---|---|")
        for name in args.only or SHAPES:
            got = measure(name, args.scale, folder, args.trace_limit)
            half, full = got.get("half", {}), got.get("full", {})
            if "error" in full or "error" in half:
                print(f"| {SHAPES[name][2]} | | ERROR {full.get('error') or half.get('error')} | | | |")
                continue
            fate = f"{full['added']} stored" + (f", rejected: {', '.join(full['kinds'])}" if full["kinds"] else "")
            total_h = half["ingest"] + (half["trace"] or 0)
            total_f = full["ingest"] + (full["trace"] or 0)

            def fmt(v):
                return "-" if v is None else f"{v:.2f}"

            print(
                f"| {SHAPES[name][2]} | {full['bytes']:,} | {fate} | {fmt(half['ingest'])} / {fmt(full['ingest'])} | "
                f"{fmt(half['trace'])} / {fmt(full['trace'])} | {total_f / max(total_h, 1e-3):.2f} | "
                f"{half['cpu']:.1f} / {full['cpu']:.1f}, {full['cpu'] / max(half['cpu'], 1e-3):.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
