"""Which URLs a report may turn into links (the HTML report and the web UI share it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL a link may point to, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(c) < 33 or c in "\\\x7f" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url
