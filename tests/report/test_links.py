"""report.links.safe_url: only absolute http(s) URLs become links, in the report and the web UI."""

import pytest

from storytrace.report import html
from storytrace.report.links import safe_url
from storytrace.web import pages


@pytest.mark.parametrize("url", ["https://a.org/x?y=1", "http://a.org", "HTTPS://A.org/p", "  https://a.org/  "])
def test_http_urls_are_kept(url):
    assert safe_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "https:/no-host",  # no network location
        "//a.org/x",  # scheme-relative: the page's scheme decides
        "https://a.org/\nx",  # a control character inside
        "https://a.org\\@evil.org",  # backslash: browsers read it as a slash
        "java\tscript:alert(1)",
        "",
        None,
        42,
    ],
)
def test_everything_else_is_refused(url):
    assert safe_url(url) is None


def test_the_report_and_the_web_ui_share_one_rule():
    assert html.safe_url is safe_url and pages.safe_url is safe_url
