"""The sample the scale and Spark tests trace: the shipped demo corpus, plus the seed reports
when ../shared is there."""

from __future__ import annotations

import json
import re

from storytrace.model import Article, parse_published
from tests.support.paths import DEMO, SEEDS


def sample_rows() -> list[dict]:
    """The shipped demo corpus, plus the seed reports when ../shared is there."""
    rows = [json.loads(x) for x in DEMO.read_text(encoding="utf-8").splitlines() if x.strip()]
    for path in sorted(SEEDS.glob("0*.txt")) if SEEDS.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        m = re.match(r"^ date (\d{4}-\d\d-\d\d) ", text)
        rows.append({"id": "seed-" + path.stem[:3], "text": text[m.end() :], "published": m.group(1)})
    return rows


def articles(rows: list[dict]) -> list[Article]:
    return [
        Article(
            id=r["id"],
            text=r["text"],
            published=parse_published(r.get("published")),
            outlet=r.get("outlet"),
            title=r.get("title"),
        )
        for r in rows
    ]


def doc_of(result) -> dict:
    return json.loads(json.dumps(result.to_dict(), default=str))
