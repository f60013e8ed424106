"""Bytes to clean text: binary sniffing, encoding detection and decoding, text normalisation.

Decoding order (first that succeeds wins):

1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE): that encoding, strictly;
2. UTF-16 without a BOM when the NUL pattern of the first kilobyte says so (ASCII-range text
   with every other byte NUL), strictly;
3. UTF-8, strictly;
4. a charset the document declares (``<meta charset>``, ``<?xml encoding?>``, an HTTP
   ``Content-Type``), strictly;
5. detection, a guess: Windows-1252 when the bytes decode as it strictly and the text reads as
   clean prose by charset-normalizer's mess measure (it is the commonest legacy encoding of
   Western news, and charset-normalizer on its own often names a sibling code page: cp1250,
   cp775, cp852, even cp932 for 19 of the 141 Windows-1252 files of wikiref220); otherwise
   charset-normalizer's best guess.

:func:`decode_text` says whether the encoding was guessed (step 2 or 5): ingest keeps such a
report with a warning naming the encoding. When nothing fits, :class:`DecodeError` names the
offset of the first bad byte.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from typing import NamedTuple

from charset_normalizer import from_bytes as _cn_from_bytes
from charset_normalizer.md import mess_ratio as _mess_ratio

__all__ = [
    "DecodeError",
    "binary_reason",
    "charset_from_content_type",
    "Decoded",
    "clean_line",
    "decode_bytes",
    "decode_text",
    "normalise_text",
    "sniff_declared_charset",
    "stable_id",
    "strip_bom",
]


class DecodeError(ValueError):
    """The bytes could not be decoded as text in any supported encoding."""


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of formats that are never text. gzip and Parquet are not here: ingest reads them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 (old Office) document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x00\x00\x01\x00", "an ICO image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"wOFF", "a WOFF font"),
    (b"wOF2", "a WOFF2 font"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM media file"),
)


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    """Split a leading byte order mark off: (rest, encoding) or (data, None)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], enc
    return data, None


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    head = data[:1024]
    if len(head) < 8:
        return None
    head = head[: len(head) - (len(head) % 2)]
    even, odd = head[0::2], head[1::2]
    n = len(even)
    even_nul, odd_nul = even.count(0), odd.count(0)
    if odd_nul >= 0.9 * n and even_nul <= 0.05 * n:
        return "utf-16-le"
    if even_nul >= 0.9 * n and odd_nul <= 0.05 * n:
        return "utf-16-be"
    return None


def binary_reason(data: bytes) -> str | None:
    """Why these bytes are binary and not text (a phrase such as "it is a PNG image"), or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return f"it is {name}"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "it is a RIFF media file (WebP/WAV/AVI)"
    if data[4:8] == b"ftyp":
        return "it is an ISO media file (MP4/MOV/HEIC)"
    _, bom = strip_bom(data)
    if bom and bom != "utf-8":
        return None  # UTF-16/32 text has NUL bytes by design
    if _guess_utf16(data):
        return None
    if b"\x00" in data[:1024]:
        return "it has NUL bytes in its first kilobyte"
    return None


_XML_DECL = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)


def sniff_declared_charset(data: bytes) -> str | None:
    """The charset an HTML or XML document declares in its first 4 KB, if any."""
    head = data[:4096]
    m = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def charset_from_content_type(value: str | None) -> str | None:
    """``text/html; charset=ISO-8859-1`` -> ``ISO-8859-1``."""
    if not value:
        return None
    m = re.search(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", value, re.I)
    return m.group(1) if m else None


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None


def _strict(data: bytes, encoding: str) -> str:
    return data.decode(encoding, errors="strict")


class Decoded(NamedTuple):
    """Decoded bytes: the text (no BOM, not yet normalised), the codec name, and whether the
    encoding was guessed from the bytes (no BOM, not UTF-8, no declared charset that fits)."""

    text: str
    encoding: str
    guessed: bool


# Windows-1252 text reads as clean prose: its mess ratio was at most 0.024 on the 141
# Windows-1252 files of wikiref220 and 0.085 on accent-heavy French; bytes of another code page
# (KOI8-R, cp1251, ISO-8859-2, cp1253) read as Windows-1252 measured 1.0 and more.
CP1252_MESS = 0.25


def _reads_clean(text: str, chunk: int = 20_000) -> bool:
    """Windows-1252's reading is clean prose: judged on at most three chunks (start, middle,
    end), so that the cost stays bounded whatever the size of the text."""
    starts = sorted({0, max(0, len(text) // 2 - chunk // 2), max(0, len(text) - chunk)})
    return all(_mess_ratio(text[i : i + chunk], 1.0) <= CP1252_MESS for i in starts)


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding name). Raises DecodeError when impossible.

    The returned text has no BOM; it is not yet normalised (see :func:`normalise_text`).
    """
    decoded = decode_text(data, declared=declared)
    return decoded.text, decoded.encoding


def decode_text(data: bytes, *, declared: str | None = None) -> Decoded:
    """:func:`decode_bytes`, saying whether the encoding was a guess."""
    body, bom = strip_bom(data)
    if bom == "utf-32-le" and data.startswith(codecs.BOM_UTF16_LE):
        # FF FE 00 00 is also UTF-16 LE text that begins with a NUL: take whichever decodes
        try:
            return Decoded(_strict(body, bom), bom, False)
        except UnicodeDecodeError:
            body, bom = data[len(codecs.BOM_UTF16_LE) :], "utf-16-le"
    if bom:
        try:
            return Decoded(_strict(body, bom), bom, False)
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"the file starts with a {bom.upper()} byte order mark but byte {exc.start + len(data) - len(body)} "
                f"is not valid {bom.upper()}"
            ) from None
    guess = _guess_utf16(data)
    if guess:
        try:
            return Decoded(_strict(data, guess), guess, True)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(_strict(data, "utf-8"), "utf-8", False)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    decl = _codec_name(declared)
    if decl and decl not in ("utf-8",) and not decl.startswith(("utf-16", "utf-32")):
        try:
            return Decoded(_strict(data, decl), decl, False)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        western = _strict(data, "cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _reads_clean(western):
        return Decoded(western, "cp1252", True)
    try:
        matches = list(_cn_from_bytes(data))
    except Exception:  # charset-normalizer is defensive, but never let it take ingest down
        matches = []
    if matches:
        enc = _codec_name(matches[0].encoding) or matches[0].encoding
        try:
            return Decoded(_strict(data, enc), enc, True)
        except (UnicodeDecodeError, LookupError):
            pass
    raise DecodeError(
        f"byte {first_bad} (0x{data[first_bad]:02x}) is not valid UTF-8 and no other encoding "
        f"(UTF-16 with a BOM, a declared charset, Windows-1252 or another detected code page) decodes the file cleanly"
    )


_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n"}
_LINE_BREAK_RE = re.compile("[\u2028\u2029\x0b\x0c\x85]")
# C0/C1 controls except \t and \n, DEL, lone surrogates, and stray BOMs / non-characters U+FFFE/F.
_DROP_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_TRAILING_WS_RE = re.compile(r"[ \t\u00a0\u3000]+\n")
_MANY_BLANKS_RE = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """Make text clean and comparable: \\r\\n and \\r -> \\n, other line/paragraph separators ->
    \\n, control characters (except \\n and \\t), lone surrogates and stray BOMs removed, NFC,
    trailing whitespace of each line removed, at most one blank line between paragraphs, and no
    leading or trailing blank space. Idempotent."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_BREAK_RE.sub(lambda m: _LINE_BREAKS[m.group(0)], text)
    text = _DROP_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_WS_RE.sub("\n", text + "\n")
    text = _MANY_BLANKS_RE.sub("\n\n", text)
    return text.strip()


def clean_line(value: object) -> str | None:
    """A one-line field (title, outlet, author, url): normalised, whitespace collapsed, or None."""
    if value is None:
        return None
    text = normalise_text(str(value))
    text = " ".join(text.split())
    return text or None


def stable_id(*parts: object) -> str:
    """A stable 16-hex-digit id from some parts (same parts, same id, across runs and machines)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part if part is not None else "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:16]
