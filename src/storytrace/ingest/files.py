"""``iter_path``: files and folders to Articles, with every bad input reported, never raised.

Dispatch, in this order:

1. the path does not exist / is not a regular file / is larger than ``max_bytes`` (stat, before
   reading) / is empty -> Rejected ("missing", "format", "too_large", "empty");
2. ``*.warc`` and ``*.warc.gz`` -> WARC (warcio);
3. gzip content (``*.gz`` or the gzip magic) -> decompressed (at most ``max_bytes``) and read
   as the inner name says (``x.jsonl.gz`` -> JSON Lines); a truncated line-based stream
   (JSONL/CSV/TSV) yields its complete lines, then a "gzip" rejection;
4. ``*.parquet`` -> pyarrow;
5. binary sniffing (magic numbers, NUL bytes in the first KB) -> "binary"; whitespace only ->
   "empty";
6. by extension: ``.xml .rss .atom`` feeds, ``.html .htm .xhtml`` pages, ``.jsonl .ndjson``,
   ``.json``, ``.csv``, ``.tsv``, ``.txt .md .markdown .text`` (seed format or plain text);
7. no extension or an unknown one -> content sniffing: the seed header, WARC, Parquet, a feed,
   an HTML page, JSON; else a file with no extension is plain text, and a file with an unknown
   extension is rejected ("format").
"""

from __future__ import annotations

import os
import stat as stat_mod
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..model import Article
from .compress import GZIP_MAGIC, gunzip
from .decode import DecodeError, binary_reason, decode_text, sniff_declared_charset
from .errors import Rejected
from .feeds import iter_feed, looks_like_feed
from .html import article_from_html, looks_like_html
from .source import FIELDS, Source
from .tables import PARQUET_MAGIC, iter_csv, iter_parquet
from .textfiles import has_seed_header, iter_json, iter_jsonl, read_text_file
from .warc import iter_warc

__all__ = ["iter_path", "iter_bytes", "walk_files"]

TEXT_EXT = {".txt", ".md", ".markdown", ".text"}
JSONL_EXT = {".jsonl", ".ndjson"}
JSON_EXT = {".json"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
FEED_EXT = {".xml", ".rss", ".atom"}
CSV_EXT = {".csv"}
TSV_EXT = {".tsv", ".tab"}
PARQUET_EXT = {".parquet", ".pq"}
LINE_BASED = JSONL_EXT | CSV_EXT | TSV_EXT
KNOWN_EXT = TEXT_EXT | JSONL_EXT | JSON_EXT | HTML_EXT | FEED_EXT | CSV_EXT | TSV_EXT | PARQUET_EXT | {".gz", ".warc"}


def _split_name(name: str) -> tuple[str, str]:
    """(stem, extension) of a file name, lower-case extension; ``a.jsonl.gz`` -> (``a``, ``.jsonl.gz``)."""
    lower = name.lower()
    for double in (".warc.gz",):
        if lower.endswith(double) and len(name) > len(double):
            return name[: -len(double)], double
    gz = ""
    base = name
    if lower.endswith(".gz") and len(name) > 3:
        gz, base = ".gz", name[:-3]
    dot = base.rfind(".")
    if dot <= 0:  # no extension, or a dot file such as ".env"
        return base, gz
    return base[:dot], base[dot:].lower() + gz


def _validate(max_bytes: int, mapping: Mapping[str, str] | None) -> None:
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise ValueError(f"max_bytes must be a positive int, not {max_bytes!r}")
    if mapping is not None:
        unknown = [k for k in mapping if k not in FIELDS]
        if unknown:
            raise ValueError(f"mapping keys must be among {', '.join(FIELDS)}; unknown: {', '.join(map(str, unknown))}")
        bad = [k for k, v in mapping.items() if not isinstance(v, str) or not v]
        if bad:
            raise ValueError(f"mapping values must be column names (non-empty strings); bad for: {', '.join(bad)}")


def iter_path(
    path: str | os.PathLike, *, max_bytes: int = 50_000_000, mapping: Mapping[str, str] | None = None
) -> Iterator[Article | Rejected]:
    """Every Article in a file or a folder (recursive, sorted, hidden files and folders skipped),
    and a Rejected for every input or record that could not be read. Never raises for bad input
    (a bad ``max_bytes`` or ``mapping`` is a programming error: ValueError, at the call)."""
    _validate(max_bytes, mapping)
    return _iter_path(Path(path), str(path), max_bytes, dict(mapping) if mapping else None)


def _iter_path(path: Path, display: str, max_bytes: int, mapping: dict | None) -> Iterator[Article | Rejected]:
    try:
        is_dir = path.is_dir()
    except OSError:
        is_dir = False
    if not is_dir:
        yield from _guarded(path, display, max_bytes, mapping)
        return
    problems: list[Rejected] = []
    for f in walk_files(path, problems):
        yield from _guarded(f, str(f), max_bytes, mapping)
    yield from problems


def walk_files(root: Path, problems: list[Rejected] | None = None) -> list[Path]:
    """Regular files (and links to files) under ``root``, sorted by relative path, hidden files
    and folders skipped, links to folders not followed (no cycles)."""
    found: list[tuple[tuple[str, ...], Path]] = []

    def onerror(exc: OSError) -> None:
        if problems is not None:
            where = exc.filename or str(root)
            problems.append(Rejected(str(where), None, f"{where}: the folder cannot be read ({exc.strerror or exc}).", "missing"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            found.append((p.relative_to(root).parts, p))
    found.sort(key=lambda t: t[0])
    return [p for _, p in found]


def _guarded(path: Path, display: str, max_bytes: int, mapping: dict | None) -> Iterator[Article | Rejected]:
    try:
        yield from _read_file(path, display, max_bytes, mapping)
    except Exception as exc:  # a bug in a reader must not stop the other files
        yield Rejected(
            display,
            None,
            f"{display}: unexpected error while reading it ({type(exc).__name__}: {str(exc)[:200]}); the file was skipped.",
            "internal",
        )


def _read_file(path: Path, display: str, max_bytes: int, mapping: dict | None) -> Iterator[Article | Rejected]:
    stem, ext = _split_name(path.name)
    src = Source(input=display, stem=stem, max_bytes=max_bytes, mapping=mapping)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        yield src.reject("missing", "no such file or folder")
        return
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        yield src.reject("missing", f"it cannot be read ({getattr(exc, 'strerror', None) or exc})")
        return
    if not stat_mod.S_ISREG(st.st_mode):
        yield src.reject("format", "it is not a regular file")
        return
    if st.st_size > max_bytes:
        yield src.reject("too_large", f"it is {st.st_size} bytes, more than max_bytes={max_bytes}")
        return
    if st.st_size == 0:
        yield src.reject("empty", "the file is empty (0 bytes)")
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        yield src.reject("missing", f"it cannot be read ({exc.strerror or exc})")
        return
    if len(data) > max_bytes:
        yield src.reject("too_large", f"it grew past max_bytes={max_bytes} while being read")
        return
    yield from iter_bytes(src, ext, data)


def iter_bytes(src: Source, ext: str, data: bytes, *, _depth: int = 0) -> Iterator[Article | Rejected]:
    """Read the bytes of one input as its (lower-case) extension and its content say."""
    if not data:
        yield src.reject("empty", "the file is empty (0 bytes)")
        return
    if ext in (".warc", ".warc.gz"):
        yield from iter_warc(src, data)
        return
    if data.startswith(GZIP_MAGIC):
        yield from _gzipped(src, ext, data, _depth)
        return
    if ext.endswith(".gz"):
        yield src.reject("gzip", "its name ends in .gz but it is not gzip-compressed")
        return
    unknown = ext not in KNOWN_EXT
    if ext in PARQUET_EXT or (unknown and data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC)):
        yield from iter_parquet(src, data)
        return
    if unknown and data.startswith(b"WARC/"):  # before the binary check: payloads may hold NULs
        yield from iter_warc(src, data)
        return
    why = binary_reason(data)
    if why:
        yield src.reject("binary", f"it is binary, not text: {why}")
        return
    if not data.strip(b" \t\r\n\x0b\x0c"):
        yield src.reject("empty", "the file holds only whitespace")
        return
    try:
        decoded = decode_text(data, declared=sniff_declared_charset(data) if ext not in LINE_BASED else None)
    except DecodeError as exc:
        yield src.reject("encoding", f"it cannot be decoded as text: {exc}")
        return
    if decoded.guessed:
        src.extra["encoding_guessed"] = decoded.encoding
    if ext in FEED_EXT:
        yield from iter_feed(src, data)
        return
    yield from _dispatch_text(src, ext, data, decoded.text)


def _dispatch_text(src: Source, ext: str, data: bytes, text: str) -> Iterator[Article | Rejected]:
    if ext in HTML_EXT:
        yield article_from_html(src, text, article_id=src.stem)
    elif ext in JSONL_EXT:
        yield from iter_jsonl(src, text)
    elif ext in JSON_EXT:
        yield from iter_json(src, text)
    elif ext in CSV_EXT:
        yield from iter_csv(src, text)
    elif ext in TSV_EXT:
        yield from iter_csv(src, text, tsv=True)
    elif ext in TEXT_EXT:
        yield from read_text_file(src, text)
    else:
        yield from _sniffed(src, ext, data, text)


def _sniffed(src: Source, ext: str, data: bytes, text: str) -> Iterator[Article | Rejected]:
    """No extension, or one ingest does not know: decide from the content."""
    head = text.lstrip("\ufeff \t\r\n")
    if has_seed_header(text.lstrip("\ufeff")):
        yield from read_text_file(src, text)
    elif looks_like_feed(head):
        yield from iter_feed(src, data)
    elif looks_like_html(head):
        yield article_from_html(src, text, article_id=src.stem)
    elif head[:1] in ("{", "["):
        yield from iter_json(src, text)
    elif not ext:
        yield from read_text_file(src, text)
    else:
        yield src.reject(
            "format",
            f"its extension {ext!r} is not one ingest reads and its content is not recognised "
            "(seed text, HTML, RSS/Atom, JSON, WARC, Parquet, gzip)",
        )


def _gzipped(src: Source, ext: str, data: bytes, depth: int) -> Iterator[Article | Rejected]:
    inner = ext[:-3] if ext.endswith(".gz") else ext
    if depth:
        yield src.reject("gzip", "it is gzip inside gzip, which ingest does not unpack")
        return
    g = gunzip(data, src.max_bytes)
    if g.too_large:
        yield src.reject("too_large", f"it decompresses to more than max_bytes={src.max_bytes}")
        return
    problem = None
    if g.error:
        what = "truncated" if g.error == "truncated" else f"corrupt ({g.detail})"
        problem = f"the gzip stream is {what} in the member that starts at byte {g.error_offset} of {len(data)}"
    out = g.data
    if problem:
        if inner not in LINE_BASED:
            yield src.reject("gzip", problem + "; nothing of it was read")
            return
        # keep the complete lines; the cut last line is part of what the rejection reports
        cut = out.rfind(b"\n")
        out = out[: cut + 1] if cut >= 0 else b""
    if out.strip():
        if data.startswith(GZIP_MAGIC) and out.startswith(GZIP_MAGIC):
            yield src.reject("gzip", "it is gzip inside gzip, which ingest does not unpack")
        else:
            yield from iter_bytes(src, inner, out, _depth=depth + 1)
    elif not problem:
        yield src.reject("empty", "it decompresses to nothing (or only whitespace)")
    if problem:
        yield src.reject("gzip", problem + "; the complete lines before the break were read")
