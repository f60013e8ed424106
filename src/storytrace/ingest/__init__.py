"""Ingest: dated reports from files, folders and URLs to :class:`~storytrace.model.Article`.

Everything that cannot be read is yielded as a :class:`Rejected` (never raised), so that one
bad file or line never stops a run and every problem can be shown to the user::

    from storytrace.ingest import iter_path, Rejected

    for item in iter_path("reports/"):
        if isinstance(item, Rejected):
            print(item.kind, item.reason)
        else:
            store.add(item)

Formats: seed text (`` date YYYY-MM-DD `` header), plain text, JSON Lines / JSON, HTML
(trafilatura), RSS/Atom (feedparser), WARC/WARC.gz (warcio), CSV/TSV, Parquet (pyarrow), and
gzip-compressed variants. URLs: :func:`fetch_url` (SSRF-safe) then :func:`article_from_fetch`,
or :func:`iter_url` for both.
"""

from .decode import DecodeError, decode_bytes, normalise_text
from .errors import KINDS, Rejected
from .fetch import (
    FetchError,
    FetchRefused,
    FetchResult,
    article_from_fetch,
    articles_from_fetch,
    check_url,
    fetch_url,
    iter_url,
)
from .files import iter_path, walk_files

__all__ = [
    "KINDS",
    "DecodeError",
    "FetchError",
    "FetchRefused",
    "FetchResult",
    "Rejected",
    "article_from_fetch",
    "articles_from_fetch",
    "check_url",
    "decode_bytes",
    "fetch_url",
    "iter_path",
    "iter_url",
    "normalise_text",
    "walk_files",
]
