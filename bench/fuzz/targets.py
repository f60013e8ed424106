"""Fuzz targets: one per parser, each a function of the bytes of one input.

A target returns normally when the parser did what its contract says: for ingest, every item is
an :class:`Article` or a :class:`Rejected` (never raised, issue 7); for segmentation, sentences
are slices of the text; for claims, spans lie inside the text. Anything else is a failure:

* an exception escapes the parser (ingest's only documented exception for bad bytes is
  ``DecodeError``, and only from ``decode_text``);
* a result breaks an invariant checked here (:class:`InvariantError`);
* ingest yields ``Rejected(kind="internal")``, which is ingest's own name for a bug.

The ingest targets call ``iter_bytes`` (the dispatcher ``iter_path`` calls after reading a
file) rather than ``iter_path``: ``iter_path`` turns a reader's exception into an "internal"
rejection, which would hide where it came from.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from storytrace.ingest.compress import gunzip
from storytrace.ingest.decode import (
    DecodeError,
    binary_reason,
    charset_from_content_type,
    decode_text,
    normalise_text,
    sniff_declared_charset,
)
from storytrace.ingest.errors import KINDS, Rejected
from storytrace.ingest.files import iter_bytes
from storytrace.ingest.source import Source
from storytrace.model import Article, Claim, Sentence
from storytrace.segment.sentences import MAX_LEN, split_sentences

# Small enough that the output cap is met by a fuzzed gzip bomb, large enough for any seed.
MAX_BYTES = 1_000_000
INPUT = "fuzz-input"


class InvariantError(AssertionError):
    """A parser returned something that breaks its documented contract."""


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise InvariantError(what)


# --- ingest ---------------------------------------------------------------------------------


def check_items(items: Iterable[object]) -> int:
    """Every item is a well-formed Article or Rejected; returns how many Articles."""
    articles = 0
    for item in items:
        if isinstance(item, Rejected):
            _check(item.kind in KINDS, f"unknown rejection kind {item.kind!r}")
            _check(item.kind != "internal", f"ingest reported a bug: {item.reason}")
            _check(
                isinstance(item.reason, str) and item.reason.startswith(INPUT), f"reason does not name the input: {item.reason!r}"
            )
        elif isinstance(item, Article):
            articles += 1
            _check(isinstance(item.text, str) and item.text != "", "an Article with empty text")
            # Article text is normalised (decode.normalise_text is documented idempotent)
            _check(normalise_text(item.text) == item.text, "Article text is not normalised")
            _check(isinstance(item.id, str) and item.id != "", f"an Article with id {item.id!r}")
            _check(
                item.published is None or (isinstance(item.published, datetime) and item.published.tzinfo is not None),
                f"published {item.published!r} is not an aware datetime",
            )
            for name in ("title", "outlet", "url"):
                v = getattr(item, name)
                _check(v is None or (isinstance(v, str) and v and "\n" not in v), f"{name} {v!r} is not one clean line")
        else:
            raise InvariantError(f"ingest yielded a {type(item).__name__}")
    return articles


def ingest_as(ext: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        src = Source(input=INPUT, stem="fuzz", max_bytes=MAX_BYTES)
        check_items(iter_bytes(src, ext, data))

    target.__name__ = f"ingest{ext or '_sniffed'}".replace(".", "_")
    return target


def decode(data: bytes) -> None:
    """decode_text with and without the charset the bytes declare; normalise_text's contract."""
    binary_reason(data)
    declared = sniff_declared_charset(data)
    charset_from_content_type(data[:200].decode("latin-1"))
    for decl in {None, declared}:
        try:
            got = decode_text(data, declared=decl)
        except DecodeError as exc:
            _check(bool(str(exc)), "a DecodeError without a message")
            continue
        _check(isinstance(got.text, str), "decode_text returned no str")
        once = normalise_text(got.text)
        # one BOM is the encoding's mark and is stripped; any further U+FEFF is text, which
        # normalise_text drops
        _check("\ufeff" not in once, "normalise_text kept a U+FEFF")
        _check(normalise_text(once) == once, "normalise_text is not idempotent")


def gzip_target(data: bytes) -> None:
    """The gzip reader on its own (output cap, error offsets), then ingest of a .gz file."""
    g = gunzip(data, 65_536)
    _check(len(g.data) <= 65_536, "gunzip produced more than max_out")
    if g.error:
        _check(g.error in ("truncated", "corrupt"), f"gunzip error {g.error!r}")
        _check(g.error_offset is not None and 0 <= g.error_offset <= len(data), f"error offset {g.error_offset}")
    elif not g.too_large and g.members:
        _check(g.data == _reference_gunzip(data), "gunzip differs from the gzip module on a valid stream")
    src = Source(input=INPUT, stem="fuzz", max_bytes=MAX_BYTES)
    check_items(iter_bytes(src, ".gz", data))


def _reference_gunzip(data: bytes) -> bytes | None:
    try:
        return gzip.decompress(data)  # it also skips NUL padding after the last member
    except Exception:  # the reference refused where gunzip did not: compared as a mismatch
        return None


# --- segmentation and claims ------------------------------------------------------------------


def _text_of(data: bytes) -> str:
    # surrogateescape keeps every byte visible to the segmenter (lone surrogates included)
    return data.decode("utf-8", "surrogateescape")


def check_sentences(text: str, sentences: list[Sentence]) -> None:
    prev_end = 0
    for i, s in enumerate(sentences):
        _check(s.index == i, f"sentence {i} has index {s.index}")
        _check(0 <= s.start < s.end <= len(text), f"sentence {i} offsets {s.start}..{s.end} outside 0..{len(text)}")
        _check(s.start >= prev_end, f"sentence {i} overlaps the one before ({s.start} < {prev_end})")
        _check(text[s.start : s.end] == s.text, f"sentence {i} text is not text[{s.start}:{s.end}]")
        _check(s.end - s.start <= MAX_LEN, f"sentence {i} is {s.end - s.start} characters, over MAX_LEN={MAX_LEN}")
        _check(not s.text[0].isspace() and not s.text[-1].isspace(), f"sentence {i} starts or ends with whitespace")
        prev_end = s.end
    # coverage: no letter or digit of the text is outside every sentence
    spans = iter(sentences)
    cur = next(spans, None)
    for pos, ch in enumerate(text):
        while cur is not None and cur.end <= pos:
            cur = next(spans, None)
        if ch.isalnum():
            _check(cur is not None and cur.start <= pos, f"character {pos} ({ch!r}) is in no sentence")


def segmentation(data: bytes) -> None:
    text = _text_of(data)
    check_sentences(text, split_sentences(text))
    normal = normalise_text(text)  # what ingest hands on
    check_sentences(normal, split_sentences(normal))


_NLP = None
CLAIM_KINDS = {"entity", "quantity", "date", "duration", "attribution", "quote", "scare_quote", "hedge"}


def claims(data: bytes) -> None:
    global _NLP
    from storytrace.claims.extract import extract_claims, get_nlp

    if _NLP is None:
        _NLP = get_nlp()
    text = normalise_text(_text_of(data))
    if not text:
        return
    art = Article(id="fuzz", text=text)
    out: list[Claim] = extract_claims(art, nlp=_NLP)
    check_sentences(text, art.sentences)
    for c in out:
        _check(c.kind in CLAIM_KINDS, f"unknown claim kind {c.kind!r}")
        _check(0 <= c.start <= c.end <= len(text), f"claim {c.kind} offsets {c.start}..{c.end} outside the text")
        _check(text[c.start : c.end] == c.text, f"claim {c.kind} text is not text[{c.start}:{c.end}]")
        _check(0 <= c.sentence < len(art.sentences), f"claim {c.kind} names sentence {c.sentence}")


@dataclass(frozen=True)
class Target:
    name: str
    run: Callable[[bytes], None]
    max_len: int  # libFuzzer's -max_len: the largest input it builds
    share: float  # share of the campaign's inputs (spaCy is about 100x slower than the others)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("decode", decode, 16_384, 1.0),
        Target("html", ingest_as(".html"), 32_768, 1.0),
        Target("feed", ingest_as(".xml"), 32_768, 1.0),
        Target("warc", ingest_as(".warc"), 32_768, 1.0),
        Target("csv", ingest_as(".csv"), 16_384, 1.0),
        Target("tsv", ingest_as(".tsv"), 16_384, 0.5),
        Target("jsonl", ingest_as(".jsonl"), 16_384, 1.0),
        Target("json", ingest_as(".json"), 16_384, 0.5),
        Target("text", ingest_as(".txt"), 16_384, 1.0),
        Target("sniffed", ingest_as(""), 32_768, 1.0),
        Target("gzip", gzip_target, 16_384, 1.0),
        Target("parquet", ingest_as(".parquet"), 16_384, 0.5),
        Target("segment", segmentation, 16_384, 1.0),
        Target("claims", claims, 2_048, 0.01),
    )
}
