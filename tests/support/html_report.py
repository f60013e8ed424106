"""Shared by the HTML report and export tests: the seeds traced once per test session, a
hostile corpus, and a parser that reads the marks of a rendered report back."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

from tests.support.paths import SEEDS

SEED_FILES = ("000_9c2d54847be4dc98.txt", "001_6b3b0ac7c71edb63.txt", "002_b2bb8ebdd5aea4a8.txt")
ORIGIN, DERIVED_001, DERIVED_002 = (name[:-4] for name in SEED_FILES)

_cache: dict[str, dict] = {}


def seeds_available() -> bool:
    return all((SEEDS / name).is_file() for name in SEED_FILES)


def trace_folder(folder: Path, db: Path) -> dict:
    from storytrace import api

    with api.Store(db) as store:
        report = api.ingest(store, [str(folder)])
        assert not report.rejected, report.rejected
        return api.trace_store(store).to_dict()


def seeds_trace(tmp_root: Path) -> dict:
    """The trace of the three seed reports (not EXPECTED.md), made once per session."""
    if "seeds" not in _cache:
        folder = tmp_root / "seeds"
        folder.mkdir(parents=True, exist_ok=True)
        for name in SEED_FILES:
            shutil.copy(SEEDS / name, folder / name)
        _cache["seeds"] = trace_folder(folder, tmp_root / "seeds.db")
    return _cache["seeds"]


# Each payload, if it ever ran, would set window.__pwned or open a dialog.
PAYLOADS = [
    "<script>window.__pwned='script';alert('script')</script>",
    "<img src=x onerror=\"window.__pwned='img';alert('img')\">",
    "\"><svg onload=\"window.__pwned='svg';alert('svg')\">",
    "'><img src=x onerror=window.__pwned='img2'>",
    "</script><script>window.__pwned='close-script';alert('close')</script>",
    "</style><script>window.__pwned='style'</script>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "<a href=\"javascript:window.__pwned='link'\">x</a>",
    "<!--<script>window.__pwned='comment'</script>-->",
    "]]><script>window.__pwned='cdata'</script>",
    "\u2028<body onload=\"window.__pwned='body'\">",
]
JS_URL = "javascript:window.__pwned='url';alert('url')"


def hostile_records() -> list[dict]:
    """Three reports of one story whose text, titles and outlets carry script payloads; the
    later ones restate the first with changed numbers, so there are edges and findings."""
    base = [
        "Officials in the port city of Harwick said 1,200 dockworkers walked out on Monday {p0}.",
        "\u201cWe will not return until pay is restored {p1},\u201d union secretary Maria Lind said.",
        "The port handles 40 percent of the region's grain exports {p2}.",
        "Negotiations with the port authority are expected to resume on Thursday {p3}.",
        "The strike is the first at the port since 2009, according to the union {p4}.",
    ]
    fill = {f"p{i}": PAYLOADS[i] for i in range(5)}
    origin = " ".join(s.format(**fill) for s in base)
    copy = origin.replace("1,200", "3,000").replace("40 percent", "60 percent") + (
        " Analysts say the situation remains complex " + PAYLOADS[5] + "."
    )
    rewrite = origin.replace("Monday", "Tuesday").replace(", union secretary Maria Lind said", "") + (
        " " + PAYLOADS[6] + " " + PAYLOADS[7] + " " + PAYLOADS[8] + " " + PAYLOADS[9] + " " + PAYLOADS[10]
    )
    return [
        {
            "id": "wire<script>1",
            "published": "2024-03-04",
            "title": PAYLOADS[0],
            "outlet": PAYLOADS[2],
            "url": JS_URL,
            "text": origin,
        },
        {
            "id": 'copy"><b>2',
            "published": "2024-03-06",
            "title": PAYLOADS[4],
            "outlet": PAYLOADS[1],
            "url": 'https://example.org/a?<b>="x"',
            "text": copy,
        },
        {
            "id": "rewrite3",
            "published": "2024-03-07",
            "title": PAYLOADS[3],
            "outlet": "</script>",
            "url": "//evil.invalid/x",
            "text": rewrite,
        },
    ]


def hostile_trace(tmp_root: Path) -> dict:
    """The hostile corpus traced, then the fields the trace took from elsewhere (story id,
    explanations, values, profile) made hostile too, so every text field carries a payload."""
    if "hostile" not in _cache:
        folder = tmp_root / "hostile"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "reports.jsonl", "w", encoding="utf-8") as fh:
            for record in hostile_records():
                fh.write(json.dumps(record) + "\n")
        doc = trace_folder(folder, tmp_root / "hostile.db")
        for k, story in enumerate(doc["stories"]):
            story["id"] = f"{story['id']}{PAYLOADS[k % len(PAYLOADS)]}"
            for n, f in enumerate(story.get("findings") or []):
                f["explanation"] = f"{f.get('explanation')} {PAYLOADS[n % len(PAYLOADS)]}"
                f["derived_value"] = PAYLOADS[(n + 1) % len(PAYLOADS)]
            for e in story.get("edges") or []:
                e["relation"] = PAYLOADS[2]
        for a in doc["articles"]:
            profile = a.setdefault("profile", {})
            profile.setdefault("hedges", []).append(PAYLOADS[3])
            profile.setdefault("direct_quotes", []).append({"text": PAYLOADS[4], "speaker": PAYLOADS[1]})
        _cache["hostile"] = doc
    return _cache["hostile"]


class MarkReader(HTMLParser):
    """Reads a rendered report back: for each finding id, the text its marks cover on the
    derived and on the source side; the finding list items; every tag with its attributes."""

    VOID = {"br", "meta", "input", "img", "link", "hr", "circle", "rect", "line", "path"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.marked: dict[tuple[str, str], list[str]] = {}  # (finding id, side) -> text pieces
        self.items: dict[str, dict] = {}  # finding id -> attributes of its <li>
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "li" and "data-finding-id" in a:
            assert a["data-finding-id"] not in self.items, f"finding {a['data-finding-id']} listed twice"
            self.items[a["data-finding-id"]] = a
        if tag == "script":
            self._script = a
            self.scripts.append((a, ""))
        if tag not in self.VOID and not tag.endswith("/"):
            self.stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
            return
        side = None
        ids: list[str] = []
        for _tag, a in self.stack:
            classes = (a.get("class") or "").split()
            if "side-derived" in classes:
                side = "derived"
            elif "side-source" in classes:
                side = "source"
            if "mark" in classes and a.get("data-f"):
                ids = a["data-f"].split()
        for fid in ids:
            if side:
                self.marked.setdefault((fid, side), []).append(data)

    def text(self, fid: str, side: str) -> str:
        return "".join(self.marked.get((fid, side), []))


def read_marks(page: str) -> MarkReader:
    reader = MarkReader()
    reader.feed(page)
    reader.close()
    return reader


def span_text(doc: dict, article_id: str, span) -> str:
    """The text a span covers, cut to the sentences (gaps between sentences are not in the trace)."""
    article = next(a for a in doc["articles"] if a["id"] == article_id)
    start, end = span
    pieces = []
    for s in article["sentences"]:
        a, b = max(start, s["start"]), min(end, s["end"])
        if a < b:
            pieces.append(s["text"][a - s["start"] : b - s["start"]])
    return "".join(pieces)


def _sentences(text_list, start=0):
    out, pos = [], start
    for k, t in enumerate(text_list):
        out.append({"index": k, "start": pos, "end": pos + len(t), "text": t})
        pos += len(t) + 1
    return out


def _article(aid, texts, published=None, **extra):
    return {
        "id": aid,
        "published": published,
        "date_known": published is not None,
        "outlet": extra.get("outlet"),
        "url": extra.get("url"),
        "title": extra.get("title"),
        "sentences": _sentences(texts),
        "profile": extra.get("profile", {}),
        "dates": extra.get("dates", []),
    }


def small_doc(evil: str = "", url: str | None = "https://example.org/story?a=1&b=2") -> dict:
    """A hand-made trace: A -> B -> C, one finding per derived report, ``evil`` in every text field."""
    a = _article(
        f"A{evil}",
        [f"The mayor said 40 people{evil} were hurt.", "Roads were closed."],
        "2024-01-01",
        outlet=f"Wire{evil}",
        title=f"Storm{evil}",
        url=url,
        profile={
            "direct_quotes": [{"text": f"hurt{evil}", "speaker": f"mayor{evil}", "span": [0, 5]}],
            "hedges": [evil or "reportedly"],
        },
        dates=[{"sentence": 0, "start": 0, "end": 3, "text": f"The{evil}", "date": "2023-12-29", "relative": True}],
    )
    b = _article(f"B{evil}", [f"About 60 people{evil} were hurt.", "Roads were closed."], "2024-01-02", title=f"Copy{evil}")
    c = _article("C", ["About 60 people were hurt in the storm.", f"It was bad{evil}."], "2024-01-03")
    bad = b["sentences"][0]["text"].index("60")
    story = {
        "id": f"story{evil}",
        "articles": [a["id"], b["id"], c["id"]],
        "origin": a["id"],
        "edges": [
            {
                "source": a["id"],
                "derived": b["id"],
                "coverage": 1.0,
                "relation": "paraphrase",
                "sentences": 2,
                "score": 0.9,
                "verdict": {"facts_altered": True, "score": 0.7},
            },
            {
                "source": b["id"],
                "derived": c["id"],
                "coverage": 0.5,
                "relation": f"partial{evil}",
                "sentences": 1,
                "score": 0.6,
                "verdict": {"facts_altered": False, "score": 0.1},
            },
        ],
        "alignments": [
            {
                "derived": b["id"],
                "derived_sentence": 0,
                "source": a["id"],
                "source_sentence": 0,
                "relation": "paraphrase",
                "score": 0.8,
            },
            {
                "derived": b["id"],
                "derived_sentence": 1,
                "source": a["id"],
                "source_sentence": 1,
                "relation": "verbatim",
                "score": 1.0,
            },
            {
                "derived": c["id"],
                "derived_sentence": 0,
                "source": b["id"],
                "source_sentence": 0,
                "relation": "partial",
                "score": 0.6,
            },
            {
                "derived": c["id"],
                "derived_sentence": 1,
                "source": None,
                "source_sentence": None,
                "relation": "unsupported",
                "score": 0.0,
            },
        ],
        "findings": [
            {
                "type": "number_changed",
                "derived": b["id"],
                "source": a["id"],
                "derived_sentence": 0,
                "source_sentence": 0,
                "derived_span": [bad, bad + 2],
                "source_span": [15, 17],
                "derived_value": f"60{evil}",
                "source_value": 40,
                "explanation": f"60 where the source says 40{evil}",
            },
            {
                "type": "filler",
                "derived": c["id"],
                "source": b["id"],
                "derived_sentence": 1,
                "source_sentence": None,
                "derived_span": [c["sentences"][1]["start"], c["sentences"][1]["end"]],
                "source_span": None,
                "derived_value": None,
                "source_value": None,
                "explanation": f"non-specific{evil}",
            },
            {
                "type": "made_up<type>",
                "derived": c["id"],
                "source": None,
                "derived_sentence": None,
                "source_sentence": None,
                "derived_span": None,
                "source_span": None,
                "derived_value": None,
                "source_value": None,
                "explanation": "no evidence",
            },
        ],
    }
    single = _article("S", ["Unrelated."], None)
    return {
        "schema": "https://storytrace.dev/schema/trace-1.json",
        "articles": [a, b, c, single],
        "stories": [story, {"id": "s2", "articles": ["S"], "origin": "S", "edges": [], "alignments": [], "findings": []}],
    }
