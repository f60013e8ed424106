"""Scale piles: 5k, 10k, 20k, 40k dated reports with gold lineage, from ../shared/datasets.

    python bench/scale_corpus.py --sizes 5000 10000 20000 40000 [--data DIR] [--out DIR] [--seed 0]
    python bench/scale_corpus.py --sizes 900 3600 --real-only --data HELD_OUT_DIR

Writes ``pile-<N>.jsonl`` (one report a line: id, text, published, outlet) and
``pile-<N>.truth.json`` (gold edges source -> derived, story label and provenance per report)
into ``--out`` (default ``../scale-piles``, outside the repository: the texts are third-party
data and must not be committed).

What goes in, real first (each a *unit*: a source with all its derivatives, or one report):

* llmfake: a source with its ChatGPT ``paraphrase_generation`` and ``rewrite_generation``
  output where :func:`clean_llmfake_pair` accepts them (refusals, copies, chat residue are
  dropped or stripped); a source without a usable rewrite is an unrelated single report
  (boilerplate and very short sources are skipped). ``open_ended_generation`` rows are
  continuations, not derivatives, and are not used.
* f3: a human article and its GPT-3.5 derivatives (kept or altered facts), same filter;
  an f3 source that is also an llmfake source joins that story.
* frank: a CNN/DM or BBC article and the model summaries of it (short derivatives).
* wikiref220: undated in the data; each article is a single report of its topic.
* background_summaries_tls (annotator 1 only: the others rewrite the same days): dated
  updates of 14 long-running events; same story, no derivation between them.

Dates: each story's source gets a day in an 8-week span; its derivatives 1-6 days later, on
different days while there are days left (so an earlier sibling is a date-valid false parent
of a later one, the "sibling trap"). An event's updates keep their order, squeezed into the span.

Where the real units run out (a pile larger than the data), *synthetic* units are added, in
the same proportions of kinds as the real ones (stories with their derivative count, singles):

* a synthetic source or single is a word-trigram Markov text trained on the real sentences of
  the dataset of the real unit it imitates (its own seeded generator, that unit's sentence
  count), with most capitalised words replaced by invented names of its own: news-like prose
  that copies no real report and, like a real story, is told apart by its names;
* a synthetic derivative of it is made the way wire copy is re-edited: a lead summary (the
  first 1-3 sentences, lightly edited) when the real derivative it stands for is short, else a
  rewrite that drops a sentence now and then, swaps neighbouring sentences, replaces words from
  a small synonym table, may change one number (``altered``) and may add a new sentence.

Everything is deterministic for a seed; piles are nested (the 5k pile is a prefix of the 10k
units, and so on), so that growth between sizes measures size, not a different mix.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from storytrace.eval import datasets as D
from storytrace.eval.datasets.llmfake_clean import BOILERPLATE_SHARED, MIN_SOURCE_WORDS, _source_problem

SPAN_DAYS = 56
START = date(2024, 1, 1)
LAGS = (1, 6)
OUTLETS = tuple(f"outlet-{c}" for c in "abcdefghijklmnopqrstuvwx")


@dataclass
class Unit:
    """A story (source + derivatives) or one report; texts and roles, dated when placed."""

    key: str
    kind: str  # story | single | event
    dataset: str
    texts: list[str]  # story: [source, derivative...]; single: [text]; event: updates in order
    derived_info: list[dict] = field(default_factory=list)  # per derivative: method, altered
    synthetic: bool = False
    day_offsets: list[int] | None = None  # event: the updates' day offsets, in order


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _rid(seed: int, *parts: str) -> str:
    return "r" + hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf-8")).hexdigest()[:14]


# ------------------------------------------------------------------------------ real units


def real_units(root: Path | None) -> list[Unit]:
    """Every usable real unit, in a fixed order (datasets that are absent are skipped)."""
    stories: dict[str, Unit] = {}  # by normalised source text
    singles: list[Unit] = []

    def story(source: str, dataset: str, key: str) -> Unit:
        n = _norm(source)
        if n not in stories:
            stories[n] = Unit(key=key, kind="story", dataset=dataset, texts=[source.strip()])
        return stories[n]

    def add_derived(u: Unit, text: str, info: dict) -> None:
        if _norm(text) in {_norm(t) for t in u.texts}:
            return
        u.texts.append(text.strip())
        u.derived_info.append(info)

    try:
        by_source: dict[tuple[str, str], dict[str, D.LlmfakePair]] = defaultdict(dict)
        for rec in D.load_llmfake(root):
            by_source[(rec.subset, rec.news_id)][rec.method] = rec
        seen_single: set[str] = set()
        for (subset, news_id), per in sorted(by_source.items()):
            any_rec = next(iter(per.values()))
            usable = []
            for method in ("paraphrase_generation", "rewrite_generation"):
                if method in per:
                    check = D.clean_llmfake_pair(per[method])
                    if check.ok:
                        usable.append((method, check.text))
            if usable:
                u = story(any_rec.source_text, "llmfake", f"llmfake:{subset}:{news_id}")
                for method, text in usable:
                    add_derived(u, text, {"method": f"llmfake:{method}", "altered": None})
            elif not _source_problem(any_rec.source_text, any_rec.source_shared, MIN_SOURCE_WORDS, BOILERPLATE_SHARED):
                n = _norm(any_rec.source_text)
                if n not in seen_single:
                    seen_single.add(n)
                    singles.append(
                        Unit(
                            key=f"llmfake:{subset}:{news_id}",
                            kind="single",
                            dataset="llmfake",
                            texts=[any_rec.source_text.strip()],
                        )
                    )
    except FileNotFoundError:
        pass
    try:
        for p in D.load_f3(root):
            check = D.clean_llmfake_pair({"source_text": p.source_text, "derived_text": p.derived_text})
            if not check.ok:
                continue
            u = story(p.source_text, "f3", f"f3:{p.id}")
            add_derived(u, check.text, {"method": f"f3:{p.strength}", "altered": p.altered})
    except FileNotFoundError:
        pass
    try:
        for p in D.load_frank(root):
            if len(p.article.split()) < 40 or not p.summary.strip():
                continue
            u = story(p.article, "frank", f"frank:{p.hash}")
            add_derived(u, p.summary, {"method": f"frank:{p.model_name}", "altered": p.unsupported})
    except FileNotFoundError:
        pass
    story_texts = set(stories)
    singles = [s for s in singles if _norm(s.texts[0]) not in story_texts]
    try:
        for doc in D.load_wikiref(root):
            if _norm(doc.text) not in story_texts:
                singles.append(Unit(key=f"wikiref:{doc.id}", kind="single", dataset="wikiref", texts=[doc.text.strip()]))
    except FileNotFoundError:
        pass
    events: list[Unit] = []
    try:
        by_event: dict[str, list] = defaultdict(list)
        for upd in D.load_background_tls(root, annotators=("annotator1",)):
            if upd.text.strip():
                by_event[upd.event].append(upd)
        for event, updates in sorted(by_event.items()):
            updates.sort(key=lambda x: x.date)
            first = date.fromisoformat(updates[0].date)
            days = [(date.fromisoformat(x.date) - first).days for x in updates]
            events.append(
                Unit(key=f"tls:{event}", kind="event", dataset="tls", texts=[x.text for x in updates], day_offsets=days)
            )
    except FileNotFoundError:
        pass
    units = [u for u in stories.values() if len(u.texts) > 1] + singles + events
    units.sort(key=lambda u: u.key)
    return units


# ------------------------------------------------------------------------------ synthesis

_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“A-Z0-9])")
_NUM = re.compile(r"\b\d{1,3}(?:,\d{3})*(?:\.\d+)?\b")
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "announced": "declared",
    "people": "individuals",
    "big": "large",
    "large": "big",
    "small": "little",
    "new": "fresh",
    "show": "indicate",
    "shows": "indicates",
    "help": "assist",
    "helped": "assisted",
    "start": "begin",
    "started": "began",
    "end": "finish",
    "ended": "finished",
    "many": "numerous",
    "several": "a number of",
    "about": "around",
    "also": "additionally",
    "but": "however",
    "because": "since",
    "buy": "purchase",
    "bought": "purchased",
    "get": "obtain",
    "got": "obtained",
    "important": "significant",
    "officials": "authorities",
    "company": "firm",
    "children": "kids",
    "star": "celebrity",
    "couple": "pair",
    "recently": "lately",
    "week": "seven days",
    "quickly": "rapidly",
    "likely": "probably",
    "reported": "disclosed",
    "report": "account",
    "study": "research",
    "health": "wellbeing",
    "died": "passed away",
}


_SYLLABLES = (
    "ka",
    "lo",
    "ven",
    "dar",
    "mi",
    "sto",
    "rel",
    "an",
    "bru",
    "tez",
    "gor",
    "li",
    "sa",
    "mon",
    "qui",
    "ber",
    "ta",
    "vik",
    "or",
    "nel",
    "pra",
    "du",
    "fen",
    "hal",
    "zo",
    "ser",
    "ul",
    "cam",
    "re",
    "wis",
)
_CAPITAL = re.compile(r"\b[A-Z][a-z]{2,}\b")
_KEEP = {w.capitalize() for w in STOP_WORDS} | {
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
}


def _rename(text: str, rng: random.Random) -> str:
    """Give a synthetic story names of its own (most capitalised words -> invented names): real
    stories are told apart by their names, and a Markov text would otherwise reuse the same few."""
    mapping: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        word = m.group()
        if word in _KEEP:
            return word
        if word not in mapping:
            mapping[word] = (
                word if rng.random() < 0.2 else "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
            )
        return mapping[word]

    return _CAPITAL.sub(sub, text)


class Markov:
    """A word-trigram chain over real sentences: news-like prose that tells no real story."""

    def __init__(self, sentences: list[str]):
        self.next: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        for s in sentences:
            words = s.split()
            if len(words) < 6:
                continue
            seq = ["<s>", "<s>", *words, "</s>"]
            self.starts.append((seq[2], seq[3]))
            for a, b, c in zip(seq, seq[1:], seq[2:], strict=False):
                self.next[(a, b)].append(c)

    def sentence(self, rng: random.Random, max_words: int = 40) -> str:
        a, b = "<s>", "<s>"
        out: list[str] = []
        while len(out) < max_words:
            choices = self.next.get((a, b))
            if not choices:
                break
            c = rng.choice(choices)
            if c == "</s>":
                break
            out.append(c)
            a, b = b, c
        text = " ".join(out).strip()
        if not text:
            return "No further details were given."
        if text[-1] not in '.!?"”':
            text += "."
        return text[0].upper() + text[1:]

    def article(self, rng: random.Random, n_sentences: int) -> str:
        sents = [self.sentence(rng) for _ in range(max(1, n_sentences))]
        paras, k = [], 0
        while k < len(sents):
            step = rng.randint(1, 3)
            paras.append(" ".join(sents[k : k + step]))
            k += step
        return "\n\n".join(paras)


def _edit_sentence(s: str, rng: random.Random, rate: float) -> str:
    words = s.split()
    for i, w in enumerate(words):
        bare = w.strip(".,;:!?\"'”“’").lower()
        if bare in SYNONYMS and rng.random() < rate:
            words[i] = (
                w.lower().replace(bare, SYNONYMS[bare])
                if w[:1].islower()
                else w.replace(w.strip(".,;:!?\"'”“’"), SYNONYMS[bare].capitalize())
            )
    return " ".join(words)


def synth_derivative(source: str, short: bool, markov: Markov, rng: random.Random) -> tuple[str, dict]:
    """A re-edit of ``source``: a lead summary or a light rewrite (see the module doc)."""
    sents = [s for s in _SENT_SPLIT.split(source.replace("\n\n", " ")) if s.strip()]
    altered = False
    if short:
        out = [_edit_sentence(s, rng, 0.5) for s in sents[: rng.randint(1, 3)]]
        method = "synthetic:summary"
    else:
        out = [_edit_sentence(s, rng, 0.3) for s in sents if rng.random() > 0.15 or len(sents) <= 2]
        out = out or [_edit_sentence(sents[0], rng, 0.3)]
        for i in range(len(out) - 1):
            if rng.random() < 0.15:
                out[i], out[i + 1] = out[i + 1], out[i]
        if rng.random() < 0.3:
            out.insert(rng.randint(0, len(out)), markov.sentence(rng))
        method = "synthetic:rewrite"
    if rng.random() < 0.3:
        idx = [i for i, s in enumerate(out) if _NUM.search(s)]
        if idx:
            i = rng.choice(idx)
            m = _NUM.search(out[i])
            value = float(m.group().replace(",", ""))
            new = f"{int(value * rng.choice((2, 3, 10)) + 1):,}" if value == int(value) else f"{value * 2:.1f}"
            out[i] = out[i][: m.start()] + new + out[i][m.end() :]
            altered = True
    return " ".join(out), {"method": method, "altered": altered}


def synthetic_units(real: list[Unit], seed: int) -> Iterator[Unit]:
    """Synthetic units without end, in the proportions of kinds of ``real``."""
    if not real:
        raise ValueError("no real data to learn the synthetic text from")
    sentences: dict[str, list[str]] = defaultdict(list)  # one chain per dataset: its own register
    for u in real:
        if u.kind != "event":
            sentences[u.dataset].extend(s for s in _SENT_SPLIT.split(u.texts[0].replace("\n\n", " ")) if s.strip())
    chains = {name: Markov(sents) for name, sents in sorted(sentences.items())}
    templates = [u for u in real if u.kind != "event"]  # events are few and whole; not imitated
    for k in itertools.count():
        rng = random.Random(f"{seed}:synthetic:{k}")
        like = rng.choice(templates)
        markov = chains[like.dataset]
        n_sent = max(1, len(_SENT_SPLIT.split(like.texts[0])))
        source = _rename(markov.article(rng, n_sent), rng)
        if like.kind == "single":
            yield Unit(key=f"synthetic:{k}", kind="single", dataset="synthetic", texts=[source], synthetic=True)
            continue
        texts, infos = [source], []
        for real_derived in like.texts[1:]:
            short = len(_SENT_SPLIT.split(real_derived)) <= 3
            text, info = synth_derivative(source, short, markov, rng)
            texts.append(text)
            infos.append(info)
        yield Unit(key=f"synthetic:{k}", kind="story", dataset="synthetic", texts=texts, derived_info=infos, synthetic=True)


# ------------------------------------------------------------------------------ the pile


def place(unit: Unit, seed: int, budget: int) -> list[dict]:
    """Dated reports of a unit (at most ``budget``), from its own seeded generator."""
    rng = random.Random(f"{seed}:place:{unit.key}")
    rows = []
    if unit.kind == "event":
        span = max(unit.day_offsets[-1], 1)
        first = rng.randrange(SPAN_DAYS // 4)
        for k, (text, off) in enumerate(zip(unit.texts, unit.day_offsets, strict=False)):
            day = START + timedelta(days=first + round(off / span * (SPAN_DAYS - first - 1)))
            rows.append(_row(seed, unit, k, text, day, rng, role="update", derived_from=None, info={}))
        return rows[:budget]
    day0 = START + timedelta(days=rng.randrange(SPAN_DAYS))
    sid = _rid(seed, unit.key, "0")
    rows.append(
        _row(
            seed,
            unit,
            0,
            unit.texts[0],
            day0,
            rng,
            role="source" if unit.kind == "story" else "single",
            derived_from=None,
            info={},
        )
    )
    lo, hi = LAGS
    n = len(unit.texts) - 1
    lags = rng.sample(range(lo, hi + 1), n) if n <= hi - lo + 1 else [rng.randint(lo, hi) for _ in range(n)]
    for k, (text, info, lag) in enumerate(zip(unit.texts[1:], unit.derived_info, lags, strict=False), start=1):
        rows.append(_row(seed, unit, k, text, day0 + timedelta(days=lag), rng, role="derived", derived_from=sid, info=info))
    return rows[:budget]


def _row(
    seed: int, unit: Unit, k: int, text: str, day: date, rng: random.Random, *, role: str, derived_from: str | None, info: dict
) -> dict:
    return {
        "id": _rid(seed, unit.key, str(k)),
        "text": text,
        "published": day.isoformat(),
        "outlet": rng.choice(OUTLETS),
        "_truth": {
            "story": unit.key,
            "role": role,
            "dataset": unit.dataset,
            "synthetic": unit.synthetic,
            "derived_from": derived_from,
            **info,
        },
    }


def build(root: Path | None, sizes: list[int], seed: int = 0, real_only: bool = False) -> dict[int, list[dict]]:
    """Rows (with ``_truth``) for every size; units shuffled once, then cut at each size."""
    real = real_units(root)
    rng = random.Random(seed)
    rng.shuffle(real)
    n_real = sum(len(u.texts) for u in real)
    biggest = max(sizes)
    if biggest > n_real and real_only:
        raise SystemExit(f"only {n_real} real reports in {root}; asked for {biggest} with --real-only")
    units = itertools.chain(real, synthetic_units(real, seed) if biggest > n_real else ())
    placed: list[list[dict]] = []  # each unit placed once: piles are nested
    out: dict[int, list[dict]] = {}
    for size in sorted(sizes):
        while sum(map(len, placed)) < size:
            u = next(units, None)
            if u is None:
                raise SystemExit(f"could not reach {size} reports ({sum(map(len, placed))})")
            placed.append(place(u, seed, len(u.texts)))
        rows: list[dict] = []
        for unit_rows in placed:
            rows.extend(unit_rows[: size - len(rows)])
            if len(rows) >= size:
                break
        out[size] = rows
    return out


def write(rows: list[dict], out: Path, size: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: r["id"])  # ids are hashes: the order says nothing
    ids = {r["id"] for r in rows}
    truth = {
        "size": size,
        "edges": sorted([r["_truth"]["derived_from"], r["id"]] for r in rows if r["_truth"]["derived_from"] in ids),
        "reports": {r["id"]: r["_truth"] for r in rows},
    }
    with (out / f"pile-{size}.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: v for k, v in r.items() if k != "_truth"}, ensure_ascii=False) + "\n")
    (out / f"pile-{size}.truth.json").write_text(json.dumps(truth, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary(truth)


def summary(truth: dict) -> dict:
    reps = truth["reports"].values()
    return {
        "reports": len(truth["reports"]),
        "edges": len(truth["edges"]),
        "roles": dict(Counter(r["role"] for r in reps)),
        "synthetic": sum(r["synthetic"] for r in reps),
        "datasets": dict(Counter(r["dataset"] for r in reps)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "scale-piles")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000, 40000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real-only", action="store_true", help="fail rather than synthesise")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        sys.exit(f"{args.data}: no datasets folder")
    piles = build(args.data, args.sizes, args.seed, args.real_only)
    for size, rows in piles.items():
        print(json.dumps({"pile": str(args.out / f"pile-{size}.jsonl"), **write(rows, args.out, size)}))


if __name__ == "__main__":
    main()
