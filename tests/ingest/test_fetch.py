"""fetch_url: SSRF refusals before any connection, redirects re-checked hop by hop, size and time
caps, and a real fetch from a local server (127.0.0.1 only: every test here fails if anything tries
to connect anywhere else)."""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storytrace.ingest import (
    FetchError,
    FetchRefused,
    Rejected,
    article_from_fetch,
    articles_from_fetch,
    check_url,
    fetch_url,
    iter_url,
)
from storytrace.ingest import fetch as fetch_mod
from storytrace.ingest.fetch import DEFAULT_USER_AGENT, FetchTooLarge, address_problem
from storytrace.model import Article
from tests.support.paths import INGEST_FIXTURES as FIX

PAGE = (FIX / "harbour_ledger_ferry.html").read_bytes()
FEED = (FIX / "island_gazette.rss").read_bytes()


# --------------------------------------------------------------------------- guard: loopback only


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    """Every outgoing connection in these tests is recorded; anything not loopback fails the test
    before a packet leaves."""
    seen: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def _check(address):
        host = address[0] if isinstance(address, tuple) else str(address)
        seen.append(host)
        if not ipaddress.ip_address(host.split("%")[0]).is_loopback:
            raise AssertionError(f"test tried to connect to {address!r}")

    def connect(self, address):
        _check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return seen


# --------------------------------------------------------------------------- local server


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, dict]] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).requests.append((self.path, dict(self.headers)))
        path = self.path
        if path == "/article.html":
            self._send(200, PAGE)
        elif path == "/article-gz":
            self._send(200, gzip.compress(PAGE), headers=[("Content-Encoding", "gzip")])
        elif path == "/r1":
            self._send(302, headers=[("Location", "/r2")])
        elif path == "/r2":
            self._send(301, headers=[("Location", "article.html")])
        elif path == "/loop":
            self._send(302, headers=[("Location", "/loop")])
        elif path == "/to-metadata":
            self._send(302, headers=[("Location", "http://169.254.169.254/latest/meta-data/")])
        elif path == "/to-internal":
            self._send(307, headers=[("Location", "http://intranet.example/admin")])
        elif path == "/to-ftp":
            self._send(302, headers=[("Location", "ftp://files.example/a.txt")])
        elif path == "/missing":
            self._send(404, b"<html><body><p>Not here.</p></body></html>")
        elif path == "/feed.rss":
            self._send(200, FEED, ctype="application/rss+xml")
        elif path == "/big":
            self._send(200, b"<p>" + b"x" * 50_000 + b"</p>")
        elif path == "/big-nolength":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
            self.close_connection = True
        elif path == "/bomb":
            self._send(200, gzip.compress(b"<p>" + b"z" * 2_000_000 + b"</p>"), headers=[("Content-Encoding", "gzip")])
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, PAGE)
        elif path == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), ctype="image/png")
        else:
            self._send(404, b"")


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up (timeout tests)
        pass


@pytest.fixture
def server():
    _Handler.requests = []
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def fake_dns(monkeypatch, table: dict[str, list[str]]):
    """Resolve the names in ``table`` to the given addresses; count the look-ups."""
    calls: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        calls.append(host)
        if host in table:
            out = []
            for addr in table[host]:
                fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
                sa = (addr, port or 0, 0, 0) if fam == socket.AF_INET6 else (addr, port or 0)
                out.append((fam, socket.SOCK_STREAM, 6, "", sa))
            return out
        if host.endswith(".example"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


# --------------------------------------------------------------------------- refusals before connecting


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8080/admin",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.5.4/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.1.2.3]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "ftp://example.org/file.txt",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http:///no-host",
    ],
)
def test_refused_before_any_connection(url, connections):
    with pytest.raises(FetchRefused):
        fetch_url(url)
    assert connections == []
    (r,) = list(iter_url(url))
    assert isinstance(r, Rejected) and r.kind == "fetch" and url in r.reason
    assert connections == []


@pytest.mark.parametrize(
    "address,expected",
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "IPv4-mapped"),
        ("::ffff:169.254.169.254", "IPv4-mapped"),
        ("2002:7f00:1::", "6to4"),
        ("64:ff9b::a00:1", "NAT64"),
        ("fe80::1%eth0", "link-local"),
        ("100.64.1.1", "not globally routable"),
    ],
)
def test_address_problem_names_the_problem(address, expected):
    problem = address_problem(address)
    assert problem is not None and expected in problem


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_problem(address) is None


def test_hop_check_uses_the_resolver_and_refuses_any_private_answer(monkeypatch, connections):
    calls = fake_dns(
        monkeypatch,
        {
            "news.example": ["127.0.0.1"],
            "mixed.example": ["93.184.215.14", "10.0.0.5"],
            "v6mapped.example": ["::ffff:192.168.0.1"],
            "public.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        },
    )
    for host in ("news.example", "mixed.example", "v6mapped.example"):
        with pytest.raises(FetchRefused) as exc:
            check_url(f"https://{host}/story")
        assert host in str(exc.value)
    target = check_url("https://public.example/story#frag")
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert target.host == "public.example" and target.port == 443 and target.url == "https://public.example/story"
    assert calls == ["news.example", "mixed.example", "v6mapped.example", "public.example"]
    assert check_url("http://news.example/", allow_private=True).addresses == ("127.0.0.1",)
    assert connections == []


def test_redirect_to_private_address_is_refused(server, monkeypatch, connections):
    """The first hop is allowed (127.0.0.1 stands in for a public server by declaring only that
    address public); the redirect to 169.254.169.254 / an intranet name is refused before connecting."""
    base, requests = server
    real = fetch_mod.address_problem
    monkeypatch.setattr(fetch_mod, "address_problem", lambda a: None if a == "127.0.0.1" else real(a))
    fake_dns(monkeypatch, {"intranet.example": ["10.20.30.40"]})
    with pytest.raises(FetchRefused, match="169.254.169.254"):
        fetch_url(base + "/to-metadata")
    with pytest.raises(FetchRefused, match="10.20.30.40"):
        fetch_url(base + "/to-internal")
    with pytest.raises(FetchRefused, match="ftp"):
        fetch_url(base + "/to-ftp")
    assert [p for p, _ in requests] == ["/to-metadata", "/to-internal", "/to-ftp"]
    assert set(connections) == {"127.0.0.1"}
    # and without the stand-in, the local server itself is refused
    monkeypatch.setattr(fetch_mod, "address_problem", real)
    with pytest.raises(FetchRefused):
        fetch_url(base + "/article.html")


# --------------------------------------------------------------------------- fetching from 127.0.0.1


def test_fetch_page_and_make_the_article(server):
    base, requests = server
    res = fetch_url(base + "/article.html", allow_private=True)
    assert res.status == 200 and res.final_url == base + "/article.html" and res.body == PAGE
    assert res.content_type.startswith("text/html")
    assert res.fetched_at.tzinfo is not None
    assert requests[-1][1]["User-Agent"] == DEFAULT_USER_AGENT
    a = article_from_fetch(res)
    assert isinstance(a, Article)
    assert a.title == "Ferry operator suspends night crossings after engine fault"
    assert a.published == datetime(2024, 3, 14, 7, 45, tzinfo=UTC)
    assert a.outlet == "The Harbour Ledger" and a.url == base + "/article.html"
    assert a.text.startswith("The Saltmarsh Ferry Company has suspended") and "cookies" not in a.text
    assert a.meta["date_from"] == "page"


def test_redirects_are_followed_by_hand(server):
    base, requests = server
    res = fetch_url(base + "/r1", allow_private=True, user_agent="tester/1.0")
    assert res.url == base + "/r1" and res.final_url == base + "/article.html" and res.status == 200
    assert [p for p, _ in requests] == ["/r1", "/r2", "/article.html"]
    assert all(h["User-Agent"] == "tester/1.0" for _, h in requests)


def test_redirect_loop_stops_after_five_hops(server):
    base, requests = server
    with pytest.raises(FetchRefused, match="redirects"):
        fetch_url(base + "/loop", allow_private=True)
    assert len(requests) == 6  # the first request and five redirects


def test_pinned_connection_uses_the_checked_address(server, monkeypatch, connections):
    """A name resolved once, by the check: the request goes to that IP with the name in Host."""
    base, requests = server
    port = base.rsplit(":", 1)[1]
    calls = fake_dns(monkeypatch, {"ledger.example": ["127.0.0.1"]})
    res = fetch_url(f"http://ledger.example:{port}/article.html", allow_private=True)
    assert res.status == 200 and res.final_url == f"http://ledger.example:{port}/article.html"
    assert requests[-1][1]["Host"] == f"ledger.example:{port}"
    # the name is resolved once (by the check), never again by the HTTP client; the client only
    # "resolves" the IP literal it was given, which involves no DNS
    assert calls.count("ledger.example") == 1
    assert all(c == "ledger.example" or ipaddress.ip_address(c) for c in calls)
    assert set(connections) == {"127.0.0.1"}


def test_gzip_body_and_caps(server):
    base, _ = server
    assert fetch_url(base + "/article-gz", allow_private=True).body == PAGE
    with pytest.raises(FetchTooLarge):
        fetch_url(base + "/big", allow_private=True, max_bytes=10_000)  # Content-Length says so
    with pytest.raises(FetchTooLarge):
        fetch_url(base + "/big-nolength", allow_private=True, max_bytes=10_000)  # counted while streaming
    with pytest.raises(FetchTooLarge):
        fetch_url(base + "/bomb", allow_private=True, max_bytes=100_000)  # decompressed size counts
    (r,) = list(iter_url(base + "/big", allow_private=True, max_bytes=10_000))
    assert r.kind == "too_large"


def test_total_time_is_capped(server):
    base, _ = server
    t0 = time.monotonic()
    with pytest.raises(FetchError):
        fetch_url(base + "/slow", allow_private=True, timeout=0.4)
    assert time.monotonic() - t0 < 1.4


def test_status_feed_and_binary_results(server):
    base, _ = server
    missing = fetch_url(base + "/missing", allow_private=True)
    assert missing.status == 404
    r = article_from_fetch(missing)
    assert isinstance(r, Rejected) and r.kind == "fetch" and "404" in r.reason

    feed = fetch_url(base + "/feed.rss", allow_private=True)
    r2 = article_from_fetch(feed)
    assert isinstance(r2, Rejected) and r2.kind == "format" and "articles_from_fetch" in r2.reason
    items = articles_from_fetch(feed)
    assert [a.id for a in items if isinstance(a, Article)] == [
        "gazette-2024-0315-01",
        "https://gazette.gullisland.example/2024/03/13/lighthouse",
        "https://gazette.gullisland.example/2024/03/12/tug-crew",
    ]
    assert [x.id for x in iter_url(base + "/feed.rss", allow_private=True)] == [a.id for a in items]

    image = article_from_fetch(fetch_url(base + "/image", allow_private=True))
    assert isinstance(image, Rejected) and image.kind == "binary"


def test_unresolvable_name_is_a_fetch_error(monkeypatch, connections):
    fake_dns(monkeypatch, {})
    with pytest.raises(FetchError) as exc:
        fetch_url("https://nowhere.example/")
    assert not isinstance(exc.value, FetchRefused)
    assert connections == []


# --------------------------------------------------------------------------- https with a pinned address


def _make_certs(tmp: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for ledger.example (openssl CLI)."""
    import subprocess

    def run(*args):
        subprocess.run(["openssl", *args], cwd=tmp, check=True, capture_output=True, timeout=60)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=storytrace test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=ledger.example")
    (tmp / "ext.cnf").write_text("subjectAltName=DNS:ledger.example\nbasicConstraints=CA:FALSE\n")
    run(
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    )
    return tmp / "ca.pem", tmp / "srv.pem", tmp / "srv.key"


def test_https_to_pinned_address_verifies_the_name(tmp_path, monkeypatch, connections):
    import shutil
    import ssl

    if not shutil.which("openssl"):
        pytest.skip("openssl CLI not available to make a test certificate")
    ca, cert, key = _make_certs(tmp_path)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        fake_dns(monkeypatch, {"ledger.example": ["127.0.0.1"], "impostor.example": ["127.0.0.1"]})
        client_ctx = ssl.create_default_context(cafile=str(ca))
        res = fetch_url(f"https://ledger.example:{port}/article.html", allow_private=True, verify=client_ctx)
        assert res.status == 200 and res.body == PAGE
        # same IP, another name: the certificate does not match the name, so the fetch fails
        with pytest.raises(FetchError, match="(?i)certificate|hostname"):
            fetch_url(f"https://impostor.example:{port}/article.html", allow_private=True, verify=client_ctx, timeout=5)
        assert set(connections) == {"127.0.0.1"}
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
