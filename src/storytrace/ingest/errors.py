"""What ingest says about an input (or one record of it) that it could not turn into an Article."""

from __future__ import annotations

from dataclasses import dataclass

#: Every kind a Rejected can have, with what it means.
KINDS: dict[str, str] = {
    "missing": "the path does not exist or cannot be read",
    "too_large": "the file (or a decompressed stream) is larger than max_bytes, or one report is over the "
    "budget per report (characters, sentences or tokens)",
    "timeout": "reading and segmenting one report took longer than the budget's seconds",
    "empty": "the file, record or item has no text at all",
    "binary": "the file is binary (an image, an archive, a PDF, NUL bytes ...)",
    "encoding": "the bytes cannot be decoded as text in any supported encoding",
    "format": "the content is not in the format its name or its first bytes announce",
    "json": "a JSON line or document does not parse, or is not an object",
    "date": "a publication date is present but malformed",
    "no_text": "an HTML page (or feed item) from which no article text could be extracted",
    "gzip": "a gzip stream is truncated or corrupt",
    "fetch": "a fetched URL could not be turned into an article (HTTP status, refusal, network)",
    "conflict": "a report's id is already stored with other content",
    "internal": "an unexpected error inside ingest (a bug): the input was skipped",
}

#: Kinds of what was kept but needs a look; ``storytrace errors`` lists them beside rejections.
WARNING_KINDS: dict[str, str] = {
    "warning": "the report was stored, but something about it was guessed or cut (an encoding detected "
    "from the bytes, a text truncated to the budget): the reason says what",
}


@dataclass
class Rejected:
    """An input, or one record of it, that was not ingested, and why.

    ``input`` is the path or URL as given; ``record`` locates the record inside it when there is
    one (a 1-based line number for JSON Lines, a row number for CSV where the header is row 1, a
    1-based item or row index for feeds, JSON arrays and Parquet, the WARC-Record-ID for WARC);
    ``reason`` is one sentence that names the input (and the line/row/item) and the problem;
    ``kind`` is one of :data:`KINDS`.
    """

    input: str
    record: int | str | None
    reason: str
    kind: str

    def __str__(self) -> str:  # pragma: no cover - convenience
        return f"[{self.kind}] {self.reason}"

    def to_dict(self) -> dict:
        return {"input": self.input, "record": self.record, "reason": self.reason, "kind": self.kind}
