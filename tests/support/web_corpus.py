"""A small corpus for the web tests: the shipped demo story plus a hostile rewrite of it whose
every field carries markup and script payloads (they must show as text, never run)."""

from __future__ import annotations

import json

from tests.support.paths import DEMO

PAYLOAD_ID = "evil/<svg onload=window.__pwned=1>"
PAYLOAD_TITLE = "<script>window.__pwned=1</script>Crane <b>down</b>"
PAYLOAD_OUTLET = '<img src=x onerror="window.__pwned=1;alert(1)">'
PAYLOAD_URL = "javascript:window.__pwned=1"
PAYLOAD_TEXT = (
    "A container crane collapsed at the Port of Valmare on Friday, forcing the evacuation of 75 workers "
    "and halting operations at the city's busiest terminal.\n\n"
    "The 60-metre crane, operated by Brisamar Terminals, toppled onto an empty berth shortly after 6 p.m., "
    "according to the port authority.\n\n"
    'Witnesses painted "<script>window.__pwned=1;alert(1)</script>" and <img src=x onerror=alert(1)> on the fence.\n\n'
    "A power line damaged by the falling boom left about 5,000 households in the Santa Lúcia district "
    "without electricity for most of the night.\n\n"
    "Brisamar Terminals estimated the cost of the damage at 3.5 million euros and said the terminal "
    "would stay closed for at least two weeks."
)
# Strings that must never appear unescaped in a page.
RAW_PAYLOADS = ["<script>window.__pwned", "<img src=x", "<svg onload", "<b>down</b>", 'href="javascript:']


def demo_reports() -> list[dict]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]


def payload_report() -> dict:
    return {
        "id": PAYLOAD_ID,
        "published": "2025-03-12",
        "title": PAYLOAD_TITLE,
        "outlet": PAYLOAD_OUTLET,
        "url": PAYLOAD_URL,
        "text": PAYLOAD_TEXT,
    }


def corpus() -> list[dict]:
    return demo_reports() + [payload_report()]
