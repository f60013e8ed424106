"""How far a fact-checker can trust the findings: copies, benign rewordings, one alteration.

    python bench/findings_rates.py [--data ../shared/datasets] [--n 60] [--seed 1]

Real news text from ``--data`` (llmfake source articles, both domains, and background_summaries_tls
updates; nothing is copied), each pair through ``api.compare`` as ``compare --pairs`` runs it:

* same-day copy: the text itself, published the same day: the share of pairs with no finding;
* next-day copy: the same, published a day later: the share of pairs whose findings are all
  re-datings of relative days (``date_shift`` whose expression is a relative day: today,
  tonight, yesterday, this morning, overnight, last night, tomorrow, or a weekday);
* benign rewording: "said" -> "stated" outside quotation marks (at most two) and two adjacent
  sentences swapped: findings per pair and the share judged facts kept;
* one alteration (a sentence that holds the thing altered): a number changed, a speaker cut
  from "..., X said.", a weekday changed, a name swapped for another of the text. For each:
  the share of findings that point at the altered sentence, and the share of pairs where a
  finding of the right type names the right value.

Development data only (the held-out articles of issue 19 are not here); nothing in the audit was
fitted on these pairs.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storytrace import api
from storytrace.eval.datasets import load_background_tls, load_llmfake
from storytrace.model import Article
from storytrace.segment import split_sentences

PUBLISHED = datetime(2023, 10, 31, 9, tzinfo=UTC)  # a Tuesday
RELATIVE = re.compile(
    r"\b(today|tonight|yesterday|tomorrow|overnight|last night|this (morning|afternoon|evening)|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)
WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
NUMBER = re.compile(r"(?<![\w.,/-])(\d{2,3})(?![\w.,/:-]|\s*(?:a\.m|p\.m|am|pm|percent|%))")
MONTH_BEFORE = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$")
SAID = re.compile(
    r",[”\"]?\s+(?:(?:the|a|an)\s+[\w\s]{0,40}?,?\s*)?([A-Z][\w.']+(?:\s+[A-Z][\w.']+){0,3}),?\s+(?:said|says|told \w+)\.$"
)
INVENTED = ["Marta Kovalenko", "Daniel Okafor", "Priya Raman", "Tomasz Wierzbicki"]  # no real person meant
NAME = re.compile(r"\b([A-Z][a-z]{2,}\s+[A-Z][a-z]{2,})\b")


def texts(data: Path, n: int, rng: random.Random) -> list[str]:
    pool = [
        r.source_text for r in load_llmfake(data, methods=("paraphrase_generation",)) if 80 <= len(r.source_text.split()) <= 600
    ]
    pool = sorted(set(pool))
    rng.shuffle(pool)
    tls = sorted({u.text for u in load_background_tls(data, annotators=("annotator1",)) if len(u.text.split()) >= 50})
    rng.shuffle(tls)
    return pool[: n * 2 // 3] + tls[: n // 3]


def findings(source: str, derived: str, days: int = 0) -> tuple[list[dict], dict | None]:
    doc = api.compare(
        Article(id="source", text=source, published=PUBLISHED),
        Article(id="derived", text=derived, published=PUBLISHED + timedelta(days=days)),
    ).to_dict()
    story = doc["stories"][0]
    verdict = story["edges"][0].get("verdict") if story["edges"] else None
    return story["findings"], verdict


def outside_quotes(text: str, old: str, new: str, limit: int) -> str:
    parts = re.split(r"(“[^”]*”|\"[^\"]*\")", text)
    done = 0
    for k in range(0, len(parts), 2):
        while done < limit and re.search(rf"\b{old}\b", parts[k]):
            parts[k] = re.sub(rf"\b{old}\b", new, parts[k], count=1)
            done += 1
    return "".join(parts)


def alterations(text: str, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(kind, altered text, altered sentence, the value a finding must name)."""
    sentences = [s.text for s in split_sentences(text)]
    out = []
    for k, s in enumerate(sentences):
        m = next(
            (m for m in NUMBER.finditer(s) if not MONTH_BEFORE.search(s[: m.start()])), None
        )  # a count, not a day of a month
        if m and "number_changed" not in {o[0] for o in out}:
            new = str(int(m.group(1)) + 7)
            changed = s[: m.start(1)] + new + s[m.end(1) :]
            out.append(("number_changed", _swap(sentences, k, changed), changed, new))
        m = SAID.search(s)
        if m and "attribution_dropped" not in {o[0] for o in out}:
            # '"...," X said.' loses ', X said' and keeps its closing quotation mark: '"...."'
            closing = m.group(0)[1] if m.group(0)[1:2] in ("”", '"') else ""
            changed = s[: m.start()] + "." + closing
            out.append(("attribution_dropped", _swap(sentences, k, changed), changed, m.group(1)))
        m = WEEKDAY.search(s)
        if m and "date_shift" not in {o[0] for o in out}:
            days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            new = days[(days.index(m.group(1)) + 2) % 7]
            changed = s[: m.start()] + new + s[m.end() :]
            out.append(("date_shift", _swap(sentences, k, changed), changed, new))
    for k, s in enumerate(sentences):
        # a two-word name (after the first word of the sentence) replaced by a name no text has
        m = next((m for m in NAME.finditer(s) if m.start() > 0 and text.count(m.group(1)) == 1), None)
        if m:
            invented = INVENTED[rng.randrange(len(INVENTED))]
            changed = s[: m.start()] + invented + s[m.end() :]
            out.append(("detail_changed", _swap(sentences, k, changed), changed, invented))
            break
    return out


def speaker_cuts(data: Path, n: int, rng: random.Random) -> None:
    """The speaker-cut alteration alone (rare in a small sample): n cases, each scored as above."""
    right = total = 0
    for t in texts(data, 3000, rng):
        for kind, altered, _sentence, value in alterations(t, rng):
            if kind != "attribution_dropped":
                continue
            got, _ = findings(t, altered)
            total += 1
            right += any(
                f["type"] == kind and value.lower() in (str(f.get("derived_value")) + str(f.get("source_value"))).lower()
                for f in got
            )
        if total >= n:
            break
    print(f"speaker cuts: attribution_dropped naming the speaker in {right}/{total} ({right / max(total, 1):.2f})")


def _swap(sentences: list[str], k: int, new: str) -> str:
    return " ".join(sentences[:k] + [new] + sentences[k + 1 :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--n", type=int, default=60, help="articles (two thirds llmfake sources, a third TLS updates)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--speakers", type=int, default=0, help="only the speaker cuts: this many, from as many articles as it takes"
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no datasets folder at {args.data}", file=sys.stderr)
        return
    rng = random.Random(args.seed)
    if args.speakers:
        speaker_cuts(args.data, args.speakers, rng)
        return
    sample = texts(args.data, args.n, rng)
    same = [findings(t, t)[0] for t in sample]
    later = [findings(t, t, 1)[0] for t in sample]
    relative = lambda f: f["type"] == "date_shift" and RELATIVE.search(str(f.get("derived_value") or ""))  # noqa: E731
    print(f"articles: {len(sample)}")
    print(f"same-day copies without a finding: {sum(not f for f in same)}/{len(same)}")
    print(
        f"next-day copies whose findings are all re-datings of relative days: {sum(all(relative(x) for x in f) for f in later)}/{len(later)}"
        f" (with any finding: {sum(bool(f) for f in later)}; types {dict(Counter(x['type'] for f in later for x in f))})"
    )
    benign = []
    for t in sample:
        sentences = [s.text for s in split_sentences(t)]
        if len(sentences) > 3:
            k = rng.randrange(1, len(sentences) - 2)
            sentences[k], sentences[k + 1] = sentences[k + 1], sentences[k]
        benign.append(findings(t, outside_quotes(" ".join(sentences), "said", "stated", 2)))
    per_pair = sum(len(f) for f, _ in benign) / len(benign)
    kept = sum(1 for _, v in benign if v is not None and v.get("facts_altered") is False)
    print(
        f"benign rewordings: {per_pair:.2f} findings per pair, facts kept {kept}/{len(benign)}"
        f" (types {dict(Counter(x['type'] for f, _ in benign for x in f))})"
    )
    by_kind: dict[str, list[tuple[int, int, bool]]] = {}
    for t in sample:
        for kind, altered, sentence, value in alterations(t, rng):
            got, _ = findings(t, altered)
            derived = [s.text for s in split_sentences(altered)]
            on = sum(1 for f in got if f["derived_sentence"] is not None and derived[f["derived_sentence"]] == sentence)
            right = any(
                f["type"] == kind and value.lower() in (str(f.get("derived_value")) + str(f.get("source_value"))).lower()
                for f in got
            )
            by_kind.setdefault(kind, []).append((on, len(got), right))
    print("\n| alteration | pairs | findings on the altered sentence | pairs with the right type and value |")
    print("|---|---|---|---|")
    total_on = total = 0
    for kind, rows in sorted(by_kind.items()):
        on, n = sum(r[0] for r in rows), sum(r[1] for r in rows)
        total_on, total = total_on + on, total + n
        print(
            f"| {kind} | {len(rows)} | {on}/{n} ({on / max(n, 1):.2f}) | {sum(r[2] for r in rows)}/{len(rows)} ({sum(r[2] for r in rows) / len(rows):.2f}) |"
        )
    print(f"\nall alterations: {total_on}/{total} findings on the altered sentence ({total_on / max(total, 1):.2f})")


if __name__ == "__main__":
    main()
