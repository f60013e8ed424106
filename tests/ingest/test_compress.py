"""gunzip: every member of a multi-member stream, a hard cap on the output, padding tolerated,
and a broken stream reported with the offset of the member where it breaks."""

from __future__ import annotations

import gzip

from storytrace.ingest.compress import GZIP_MAGIC, gunzip

FIRST = b"The ferry to Inselby runs twice a day.\n" * 40
SECOND = b"The harbour office opens at seven.\n" * 40


def test_compressed_data_starts_with_the_magic():
    assert gzip.compress(FIRST).startswith(GZIP_MAGIC)


def test_every_member_is_read_in_order():
    out = gunzip(gzip.compress(FIRST) + gzip.compress(SECOND), max_out=10_000)
    assert out.data == FIRST + SECOND
    assert out.members == 2
    assert out.error is None and not out.too_large


def test_output_is_cut_at_the_cap():
    cap = len(FIRST) + 10
    out = gunzip(gzip.compress(FIRST) + gzip.compress(SECOND), max_out=cap)
    assert out.too_large
    assert out.data == (FIRST + SECOND)[:cap]


def test_output_of_exactly_the_cap_is_not_too_large():
    out = gunzip(gzip.compress(FIRST), max_out=len(FIRST))
    assert not out.too_large and out.data == FIRST


def test_without_keep_the_stream_is_checked_but_not_kept():
    out = gunzip(gzip.compress(FIRST) + gzip.compress(SECOND), max_out=10_000, keep=False)
    assert out.data == b""
    assert out.members == 2 and out.error is None


def test_trailing_nul_padding_is_tolerated():
    out = gunzip(gzip.compress(FIRST) + b"\x00" * 512, max_out=10_000)
    assert out.data == FIRST and out.members == 1 and out.error is None


def test_trailing_garbage_is_corrupt_at_its_offset():
    first = gzip.compress(FIRST)
    out = gunzip(first + b"this is plainly not a gzip member", max_out=10_000)
    assert out.error == "corrupt"
    assert out.error_offset == len(first)
    assert out.data == FIRST and out.members == 1


def test_a_truncated_second_member_keeps_the_first():
    first, second = gzip.compress(FIRST), gzip.compress(SECOND)
    out = gunzip(first + second[: len(second) // 2], max_out=10_000)
    assert out.error == "truncated"
    assert out.error_offset == len(first)
    assert out.members == 1
    # what could be decompressed of the broken member is kept after the complete one
    assert out.data.startswith(FIRST) and SECOND.startswith(out.data[len(FIRST) :])


def test_a_damaged_checksum_is_corrupt():
    member = bytearray(gzip.compress(FIRST))
    member[-8] ^= 0xFF  # the CRC-32 of the trailer
    out = gunzip(bytes(member), max_out=10_000)
    assert out.error == "corrupt" and out.error_offset == 0 and out.members == 0


def test_empty_input_is_no_member_and_no_error():
    out = gunzip(b"", max_out=10)
    assert out.data == b"" and out.members == 0 and out.error is None
