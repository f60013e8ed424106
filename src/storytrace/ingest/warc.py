"""WARC and WARC.gz with warcio: every ``response`` record holding an HTML page (status 200).

warcio reads a truncated gzip member as if the stream simply ended, so the gzip stream is
checked first (member by member, output counted but not kept); records that were cut short are
detected from the record's own Content-Length (what is left unread in warcio's LimitReader).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from ..model import Article, parse_published
from .compress import GZIP_MAGIC, gunzip
from .decode import DecodeError, charset_from_content_type, decode_text, sniff_declared_charset, stable_id
from .errors import Rejected
from .html import article_from_html
from .source import Source

__all__ = ["iter_warc", "looks_like_warc"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DRAIN = 1 << 16


def looks_like_warc(data: bytes) -> bool:
    return data.startswith(b"WARC/") or data.startswith(GZIP_MAGIC)


def _drain(stream) -> None:
    while stream.read(_DRAIN):
        pass


def iter_warc(src: Source, data: bytes) -> Iterator[Article | Rejected]:
    # about 0.3 s to import: only when a WARC file is met
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    if not looks_like_warc(data):
        yield src.reject("format", "it is not a WARC file (it starts neither with 'WARC/' nor with a gzip header)")
        return

    broken = None
    total = len(data)
    if data.startswith(GZIP_MAGIC):
        check = gunzip(data, max_out=max(src.max_bytes, 1) * 20, keep=False)
        if check.too_large:
            yield src.reject("too_large", f"it decompresses to more than {max(src.max_bytes, 1) * 20} bytes")
            return
        if check.error:
            broken = check
            # only give warcio the complete members: what follows the break is unreadable
            data = data[: check.error_offset]

    records = 0
    try:
        it = ArchiveIterator(io.BytesIO(data), check_digests=False)
        for rec in it:
            records += 1
            rid = rec.rec_headers.get_header("WARC-Record-ID") or f"#{records}"
            where = f"record {rid}"
            if rec.rec_type != "response":
                _drain(rec.raw_stream)
                continue
            http = rec.http_headers
            status = http.get_statuscode() if http is not None else None
            ctype = (http.get_header("Content-Type") or "") if http is not None else ""
            if status != "200" or ctype.split(";")[0].strip().lower() not in _HTML_TYPES:
                _drain(rec.raw_stream)
                continue
            stream = rec.content_stream()
            body = stream.read(src.max_bytes + 1)
            if len(body) > src.max_bytes:
                _drain(rec.raw_stream)
                yield src.reject("too_large", f"its HTML payload is larger than {src.max_bytes} bytes", record=rid, where=where)
                continue
            _drain(rec.raw_stream)
            if getattr(rec.raw_stream, "limit", 0):
                if broken is None:
                    yield src.reject(
                        "format", "the record is truncated (shorter than its Content-Length)", record=rid, where=where
                    )
                continue
            yield _record_article(src, rec, body, ctype, rid, where)
    # AttributeError: warcio reading a response record that has no WARC-Target-URI (found by
    # fuzzing: b"WARC/1.0\nWARC-Type:response"); the records before it were read
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError) as exc:
        if broken is None:
            yield src.reject(
                "format",
                f"it could not be read as WARC after {records} records ({type(exc).__name__}: {str(exc)[:160]})",
                record=records + 1,
            )
    if broken is not None:
        what = "truncated" if broken.error == "truncated" else f"corrupt ({broken.detail})"
        yield src.reject(
            "gzip",
            f"the gzip stream is {what} in the member that starts at byte {broken.error_offset} of {total}; "
            f"the {records} WARC records before that point were read",
            record=records + 1,
        )


def _record_article(src: Source, rec, body: bytes, ctype: str, rid: str, where: str) -> Article | Rejected:
    uri = (rec.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
    warc_date_raw = rec.rec_headers.get_header("WARC-Date") or ""
    try:
        capture = parse_published(warc_date_raw)
    except ValueError:
        capture = None
    try:
        html, enc, guessed = decode_text(body, declared=charset_from_content_type(ctype) or sniff_declared_charset(body))
    except DecodeError as exc:
        return src.reject(
            "encoding", f"the HTML payload of {uri or 'the record'} cannot be decoded: {exc}", record=rid, where=where
        )
    meta = {"warc_record_id": rid, "warc_date": warc_date_raw or None, "encoding": enc}
    if guessed:
        meta["encoding_guessed"] = enc
    return article_from_html(
        src,
        html,
        article_id=stable_id(uri, warc_date_raw),
        fmt="warc",
        url=uri or None,
        capture_date=capture,
        record=rid,
        where=where,
        meta=meta,
    )
