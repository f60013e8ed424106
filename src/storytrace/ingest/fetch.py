"""Fetch one URL safely (no SSRF), and turn what came back into Articles.

Safety, hop by hop (the first request and every redirect):

* only ``http`` and ``https``;
* the host is resolved with :func:`socket.getaddrinfo` and the fetch is refused if ANY
  resolved address is loopback, private, link-local, multicast, reserved, unspecified, not
  globally routable, or embeds such an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4,
  NAT64 ``64:ff9b::/96``) -- unless ``allow_private=True``;
* DNS rebinding: the connection is made to the checked IP itself, never to the name again. The
  request URL is rewritten to the IP, the ``Host`` header carries the name, and for https the
  TLS SNI and the certificate check use the name (httpx's ``sni_hostname`` request extension),
  so certificates are still verified against the host name. Environment proxies are ignored
  (``trust_env=False``): a proxy would resolve the name again.
* redirects are followed by hand (``follow_redirects=False``), at most 5, each re-checked;
* the body is capped while streaming (``Content-Length`` is checked first; compressed bodies are
  decompressed here, with the cap on the decompressed size); the total time is capped by a
  deadline checked before every hop and after every chunk, each network wait being bounded by
  the time left when the hop started.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from ..model import Article
from .decode import DecodeError, binary_reason, charset_from_content_type, decode_text, sniff_declared_charset, stable_id
from .errors import Rejected
from .feeds import FEED_CONTENT_TYPES, iter_feed, looks_like_feed
from .html import article_from_html, looks_like_html
from .source import Source

__all__ = [
    "DEFAULT_USER_AGENT",
    "MAX_REDIRECTS",
    "FetchError",
    "FetchRefused",
    "FetchResult",
    "FetchTooLarge",
    "Target",
    "address_problem",
    "article_from_fetch",
    "articles_from_fetch",
    "check_url",
    "fetch_url",
    "iter_url",
]

DEFAULT_USER_AGENT = "storytrace/0.1 (+https://github.com/storytrace)"
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """The URL could not be fetched (network error, timeout, bad URL, bad response)."""


class FetchRefused(FetchError):
    """The URL (or a redirect) was refused by policy: scheme, non-public address, too many
    redirects, body too large."""


class FetchTooLarge(FetchRefused):
    """The response body is larger than max_bytes."""


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks, with the addresses it may be fetched from."""

    url: str
    scheme: str
    host: str  # IDNA-encoded host name or IP literal (no brackets)
    port: int
    addresses: tuple[str, ...]


@dataclass
class FetchResult:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes
    fetched_at: datetime  # aware, UTC


def address_problem(address: str) -> str | None:
    """Why an IP address must not be fetched from ("loopback", "private", ...), or None if it is
    a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if ip.version == 6:
        embedded = ip.ipv4_mapped
        kind = "an IPv4-mapped"
        if embedded is None and ip.sixtofour is not None:
            embedded, kind = ip.sixtofour, "a 6to4"
        if embedded is None and ip in _NAT64:
            embedded, kind = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "a NAT64"
        if embedded is not None:
            inner = address_problem(str(embedded))
            if inner:
                return f"{kind} form of a {inner} address ({embedded})"
            if ip.ipv4_mapped is not None:
                return None  # ::ffff:a.b.c.d connects to a.b.c.d, which is public
    checks = (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
        ("is_site_local", "site-local"),
    )
    for attr, label in checks:
        if getattr(ip, attr, False):
            return label
    if not ip.is_global:
        return "not globally routable"
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(f"cannot resolve {host!r} ({exc})") from None
    out: list[str] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        addr = str(sockaddr[0])
        if addr not in out:
            out.append(addr)
    if not out:
        raise FetchError(f"{host!r} resolves to no IPv4 or IPv6 address")
    return out


def check_url(url: str, *, allow_private: bool = False) -> Target:
    """The per-hop check: scheme, host, resolution, every resolved address. Raises FetchRefused
    (policy) or FetchError (an unusable URL, a host that does not resolve)."""
    try:
        u = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"not a usable URL: {url!r} ({exc})") from None
    scheme = u.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {scheme or 'a URL without a scheme'}: {url}")
    host = u.raw_host.decode("ascii", "replace")
    if not host:
        raise FetchRefused(f"the URL has no host: {url}")
    port = u.port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not allow_private:
        for addr in addresses:
            problem = address_problem(addr)
            if problem:
                raise FetchRefused(f"{host} resolves to {addr}, a {problem} address; refused (allow_private=False): {url}")
    return Target(url=str(u.copy_with(fragment=None)), scheme=scheme, host=host, port=port, addresses=tuple(addresses))


class _BodyDecoder:
    """Content-Encoding decoding with the size cap on the decoded bytes (no decompression bomb)."""

    def __init__(self, encoding: str | None):
        enc = (encoding or "identity").strip().lower()
        if enc in ("", "identity"):
            self._z = None
        elif enc in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._z = zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib-wrapped (raw deflate is rare)
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes, room: int) -> bytes:
        if self._z is None:
            return chunk
        try:
            return self._z.decompress(chunk, max(room, 0) + 1)
        except zlib.error as exc:
            raise FetchError(f"the compressed body is corrupt ({exc})") from None


def _read_body(resp: httpx.Response, max_bytes: int, deadline: float, url: str) -> bytes:
    length = resp.headers.get("Content-Length")
    if length and length.strip().isdigit() and resp.headers.get("Content-Encoding", "identity") in ("", "identity"):
        if int(length) > max_bytes:
            raise FetchTooLarge(f"the body of {url} is {int(length)} bytes, more than max_bytes={max_bytes}")
    decoder = _BodyDecoder(resp.headers.get("Content-Encoding"))
    body = bytearray()
    for chunk in resp.iter_raw():
        body += decoder.feed(chunk, max_bytes - len(body))
        if len(body) > max_bytes:
            raise FetchTooLarge(f"the body of {url} is larger than max_bytes={max_bytes}")
        if time.monotonic() > deadline:
            raise FetchError(f"fetching {url} took longer than the time limit")
    return bytes(body)


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _request(client: httpx.Client, target: Target, *, deadline: float, max_bytes: int, user_agent: str):
    """GET the target from its checked addresses (pinned); returns (status, headers, body)."""
    last: Exception | None = None
    for addr in target.addresses[:4]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"fetching {target.url} took longer than the time limit")
        pinned = httpx.URL(target.url).copy_with(host=addr.split("%", 1)[0])
        headers = {
            "Host": _host_header(target),
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        }
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        request = client.build_request("GET", pinned, headers=headers, extensions=extensions, timeout=httpx.Timeout(remaining))
        try:
            resp = client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            last = exc
            continue
        except httpx.TimeoutException:
            raise FetchError(f"fetching {target.url} timed out") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"fetching {target.url} failed ({type(exc).__name__}: {exc})") from None
        try:
            if resp.status_code in _REDIRECTS:
                return resp.status_code, resp.headers, b""
            try:
                body = _read_body(resp, max_bytes, deadline, target.url)
            except httpx.TimeoutException:
                raise FetchError(f"fetching {target.url} timed out") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"reading {target.url} failed ({type(exc).__name__}: {exc})") from None
            return resp.status_code, resp.headers, body
        finally:
            resp.close()
    raise FetchError(f"cannot connect to {target.host} ({last})")


def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 10_000_000,
    timeout: float = 20.0,
    user_agent: str = DEFAULT_USER_AGENT,
    verify: ssl.SSLContext | bool = True,
) -> FetchResult:
    """GET a URL with the checks above. Returns the final response whatever its status (a 404 is
    a result, not an error); raises FetchRefused (policy) or FetchError (network, timeout).

    ``verify`` is passed to httpx (True: certifi's CAs; an ``ssl.SSLContext`` for a private CA;
    False only for tests). Certificates are checked against the host *name*, not the pinned IP.
    Name resolution itself (``getaddrinfo``) is not covered by ``timeout``."""
    deadline = time.monotonic() + timeout
    current = url
    with httpx.Client(follow_redirects=False, trust_env=False, http2=False, verify=verify) as client:
        for hop in range(MAX_REDIRECTS + 1):
            target = check_url(current, allow_private=allow_private)
            status, headers, body = _request(client, target, deadline=deadline, max_bytes=max_bytes, user_agent=user_agent)
            location = headers.get("Location") if status in _REDIRECTS else None
            if location:
                if hop == MAX_REDIRECTS:
                    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects, starting at {url}")
                current = urljoin(target.url, location.strip())
                continue
            return FetchResult(
                url=url,
                final_url=target.url,
                status=status,
                content_type=headers.get("Content-Type"),
                body=body,
                fetched_at=datetime.now(UTC),
            )
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects, starting at {url}")  # pragma: no cover


def _kind_of(result: FetchResult) -> str:
    ctype = (result.content_type or "").split(";")[0].strip().lower()
    if ctype in _HTML_TYPES:
        return "html"
    if ctype in FEED_CONTENT_TYPES and ctype != "application/feed+json":
        head = result.body[:4096].decode("utf-8", "replace")
        if ctype in ("application/xml", "text/xml") and not looks_like_feed(head):
            return "html" if looks_like_html(head) else "other"
        return "feed"
    if ctype in ("", "text/plain", "application/octet-stream"):
        head = result.body[:4096].decode("utf-8", "replace")
        if looks_like_feed(head):
            return "feed"
        if looks_like_html(head):
            return "html"
    return "other"


def _source(result: FetchResult) -> Source:
    return Source(input=result.url, stem=stable_id(result.final_url), max_bytes=len(result.body) + 1)


def _precheck(src: Source, result: FetchResult) -> Rejected | None:
    if result.status != 200:
        return src.reject("fetch", f"the server answered HTTP {result.status} (from {result.final_url})")
    if not result.body.strip():
        return src.reject("empty", f"the response from {result.final_url} has no body")
    why = binary_reason(result.body)
    if why:
        return src.reject("binary", f"the response is binary, not a page: {why}")
    return None


def _html_article(src: Source, result: FetchResult) -> Article | Rejected:
    declared = charset_from_content_type(result.content_type) or sniff_declared_charset(result.body)
    try:
        text, enc, guessed = decode_text(result.body, declared=declared)
    except DecodeError as exc:
        return src.reject("encoding", f"the page cannot be decoded: {exc}")
    if guessed:
        src.extra["encoding_guessed"] = enc
    return article_from_html(
        src,
        text,
        article_id=stable_id(result.final_url),
        fmt="html",
        url=result.final_url,
        capture_date=result.fetched_at,
        meta={"fetched_at": result.fetched_at.isoformat(), "encoding": enc, "requested_url": result.url},
    )


def article_from_fetch(result: FetchResult) -> Article | Rejected:
    """The Article of a fetched HTML page (trafilatura), or a Rejected: a non-200 status
    ("fetch"), an empty or binary body, a page with no article text ("no_text"), a content
    type that is neither HTML nor a feed ("format"). A feed holds many items and cannot be one
    Article: it is rejected ("format") with a pointer to :func:`articles_from_fetch`, which
    returns every item."""
    src = _source(result)
    problem = _precheck(src, result)
    if problem:
        return problem
    kind = _kind_of(result)
    if kind == "html":
        return _html_article(src, result)
    if kind == "feed":
        n = sum(1 for x in iter_feed(src, result.body) if isinstance(x, Article))
        return src.reject(
            "format", f"it is an RSS/Atom feed with {n} readable items, not one page; use articles_from_fetch() to read them all"
        )
    return src.reject("format", f"its content type {result.content_type!r} is neither HTML nor an RSS/Atom feed")


def articles_from_fetch(result: FetchResult) -> list[Article | Rejected]:
    """Every Article of a fetched page (one) or feed (one per item), and the Rejected ones."""
    src = _source(result)
    problem = _precheck(src, result)
    if problem:
        return [problem]
    if _kind_of(result) == "feed":
        return list(iter_feed(src, result.body))
    return [article_from_fetch(result)]


def iter_url(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 10_000_000,
    timeout: float = 20.0,
    user_agent: str = DEFAULT_USER_AGENT,
    verify: ssl.SSLContext | bool = True,
) -> Iterator[Article | Rejected]:
    """Fetch a URL and yield its Articles; a refusal or a network error is yielded as a Rejected
    (kind "fetch"), never raised -- the URL counterpart of ``iter_path``."""
    try:
        result = fetch_url(
            url, allow_private=allow_private, max_bytes=max_bytes, timeout=timeout, user_agent=user_agent, verify=verify
        )
    except FetchTooLarge as exc:
        yield Rejected(url, None, f"{url}: {exc}.", "too_large")
        return
    except FetchRefused as exc:
        yield Rejected(url, None, f"{url}: refused: {exc}.", "fetch")
        return
    except FetchError as exc:
        yield Rejected(url, None, f"{url}: {exc}.", "fetch")
        return
    yield from articles_from_fetch(result)
