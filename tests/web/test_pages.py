"""Building blocks of the server's HTML pages: escaping, links, the page frame, search highlights."""

from __future__ import annotations

import pytest

from storytrace.web.pages import article_href, esc, highlighted, not_found_page, page, safe_url, story_href


def test_esc_escapes_markup_and_quotes():
    assert esc('<a href="x">Tom\'s & co</a>') == "&lt;a href=&quot;x&quot;&gt;Tom&#x27;s &amp; co&lt;/a&gt;"
    assert esc(None) == ""
    assert esc(42) == "42"


def test_links_quote_the_whole_id():
    assert article_href("evil/<x> ?a=1#f") == "/articles/evil%2F%3Cx%3E%20%3Fa%3D1%23f"
    assert story_href("s 1/2") == "/stories/s%201%2F2"


@pytest.mark.parametrize("url", ["https://example.org/a?b=1", "http://example.org", "  HTTPS://example.org/x  "])
def test_safe_url_keeps_web_addresses(url):
    assert safe_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", "/relative", "", None, 3],
)
def test_safe_url_refuses_everything_else(url):
    assert safe_url(url) is None


def test_page_escapes_title_and_query_but_not_the_body():
    html = page("<b>title</b>", "<p>body</p>", query='"><script>', notices=["<i>notice</i>"])
    assert "<title>&lt;b&gt;title&lt;/b&gt;</title>" in html
    assert 'value="&#34;&gt;&lt;script&gt;"' in html
    assert '<p class="notice">&lt;i&gt;notice&lt;/i&gt;</p>' in html
    assert "<p>body</p>" in html
    assert "<script>" not in html


def test_highlighted_cuts_the_snippet_at_the_spans():
    snippet = "a <b> crane fell at Valmare"
    marks = [(6, 11), (20, 27)]
    assert highlighted(snippet, marks) == [("a <b> ", False), ("crane", True), (" fell at ", False), ("Valmare", True)]
    assert highlighted("<x>", []) == [("<x>", False)]


def test_not_found_page_escapes_what_was_asked_for():
    html = not_found_page("<script>alert(1)</script>")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
