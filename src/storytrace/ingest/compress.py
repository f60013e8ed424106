"""gzip without surprises: multi-member streams, a cap on the output, and where a broken stream breaks."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


@dataclass
class Gunzipped:
    data: bytes  # everything that could be decompressed (may be partial when error is set)
    members: int  # complete gzip members read
    error: str | None = None  # "truncated" | "corrupt" | None
    error_offset: int | None = None  # compressed byte offset where the broken member starts
    detail: str = ""
    too_large: bool = False  # output cap reached (data is then cut at the cap)


def gunzip(data: bytes, max_out: int, *, keep: bool = True) -> Gunzipped:
    """Decompress every gzip member of ``data``, never producing more than ``max_out`` bytes.

    With ``keep=False`` the output is counted but not kept (to check a stream's integrity).
    Trailing NUL padding after the last member is tolerated (some tools pad); anything else that
    follows is reported as "corrupt" at its offset.
    """
    out = bytearray()
    produced = 0
    pos = 0
    members = 0
    n = len(data)
    while pos < n:
        if members and not data[pos:].strip(b"\x00"):
            break  # padding
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        start = pos
        feed = pos
        try:
            while True:
                if d.unconsumed_tail:
                    chunk = d.unconsumed_tail
                else:
                    if feed >= n:
                        break
                    chunk = data[feed : feed + _CHUNK]
                    feed += len(chunk)
                room = max_out - produced
                piece = d.decompress(chunk, room + 1 if room >= 0 else 1)
                produced += len(piece)
                if keep:
                    out += piece
                if produced > max_out:
                    cut = bytes(out[:max_out]) if keep else b""
                    return Gunzipped(cut, members, too_large=True)
                if d.eof:
                    break
        except zlib.error as exc:
            return Gunzipped(bytes(out), members, "corrupt", start, str(exc))
        if not d.eof:
            return Gunzipped(bytes(out), members, "truncated", start, "the stream ends inside a gzip member")
        members += 1
        pos = feed - len(d.unused_data)
        if pos <= start:  # cannot happen with a valid member; never loop forever
            return Gunzipped(bytes(out), members, "corrupt", start, "empty gzip member")
    return Gunzipped(bytes(out), members)
