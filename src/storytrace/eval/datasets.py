"""Loaders for the evaluation sets of ``storytrace eval``.

Every loader takes the datasets folder ``DIR`` (by default ``../shared/datasets``, see
:func:`default_datasets_dir`) and reads *every* file of its set's own format under
``DIR/<set>/``: another part of the same data laid out the same way (a held-out split) is
evaluated by pointing at another ``DIR``. Nothing here copies data anywhere.

Each loader returns plain records (dataclasses with a ``to_dict``). The small sets come
back as lists; the ones that can be large (``load_frank``, ``load_llmfake``,
``load_ml_crisis``) are generators that read one file at a time — they still check that
the set is there *when called*, not on first iteration. A missing set raises
:class:`FileNotFoundError` naming the path that was expected.

* :func:`load_mrpc` — ``mrpc/msr_paraphrase_*.tsv`` -> list of :class:`MrpcPair`
* :func:`load_f3` — ``f3/*.jsonl`` -> list of :class:`F3Pair`
* :func:`load_frank` — ``frank/*.jsonl`` -> iterator of :class:`FrankPair`
* :func:`load_llmfake` — ``llmfake/<generator>/**/*.csv`` (paired files only) -> iterator
  of :class:`LlmfakePair`
* :func:`load_wikiref` — ``wikiref220_news_clustering/WikiRef220/*.txt`` -> list of
  :class:`WikirefDoc`
* :func:`load_ml_crisis` — ``ml_crisis_tls/<lang>/<topic>/<YYYY-MM-DD>/*.txt`` -> iterator
  of :class:`CrisisDoc`
* :func:`load_background_tls` — ``background_summaries_tls/events/<event>/annotator1.tsv``
  -> list of :class:`TimelineUpdate`

LLMFake needs cleaning before a row can be called "a derivative": see
:func:`clean_llmfake_pair`, and :func:`build_llmfake_pile` for a dated pile of reports with
gold lineage built from it.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "default_datasets_dir",
    "MrpcPair",
    "F3Pair",
    "FrankPair",
    "LlmfakePair",
    "PairCheck",
    "Pile",
    "WikirefDoc",
    "CrisisDoc",
    "TimelineUpdate",
    "load_mrpc",
    "load_f3",
    "load_frank",
    "load_llmfake",
    "clean_llmfake_pair",
    "build_llmfake_pile",
    "load_wikiref",
    "load_ml_crisis",
    "load_background_tls",
    "llmfake_filter_report",
    "strip_chat_residue",
    "wikiref_label",
]

# CSV fields in LLMFake hold whole articles (and, in the full set, long tweet lists).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def default_datasets_dir() -> Path:
    """``$STORYTRACE_DATASETS`` if set, else ``../shared/datasets`` from the working directory."""
    env = os.environ.get("STORYTRACE_DATASETS")
    return Path(env) if env else Path.cwd().parent / "shared" / "datasets"


def _set_dir(root: str | os.PathLike | None, name: str, expected: str) -> Path:
    base = Path(root) if root is not None else default_datasets_dir()
    folder = base / name
    if not folder.is_dir():
        raise FileNotFoundError(f"{name}: expected {expected} under {folder}, but that folder does not exist")
    return folder


def _need_files(files: list[Path], folder: Path, name: str, pattern: str) -> list[Path]:
    if not files:
        raise FileNotFoundError(f"{name}: no {pattern} files in {folder}")
    return files


def _read_text(path: Path, encodings: Iterable[str] = ("utf-8-sig",)) -> str:
    """Read a text file trying ``encodings`` in order; the last one is used with replacement."""
    data = path.read_bytes()
    encodings = list(encodings)
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode(encodings[-1], errors="replace")


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _record_to_dict(self) -> dict:
    return dataclasses.asdict(self)


# ============================================================================ MRPC


@dataclass
class MrpcPair:
    """One MRPC sentence pair. ``label`` 1 = paraphrase (``Quality`` column)."""

    id: str  # "<part>:<#1 ID>-<#2 ID>"
    label: int
    s1: str
    s2: str
    id1: str
    id2: str
    part: str  # the file-name part: "train", "test", ...

    to_dict = _record_to_dict


_MRPC_HEADER = ("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String")


def load_mrpc(root: str | os.PathLike | None = None) -> list[MrpcPair]:
    """Every ``msr_paraphrase_*.tsv`` in ``DIR/mrpc/``.

    Tab-separated, read with ``csv.QUOTE_NONE`` (sentences contain bare quotes). A UTF-8 BOM
    and a missing header line are tolerated (the raw mirror has both quirks). A row that
    does not have the five fields raises ``ValueError`` naming the file and line.
    """
    folder = _set_dir(root, "mrpc", "msr_paraphrase_*.tsv")
    files = _need_files(sorted(folder.glob("msr_paraphrase_*.tsv")), folder, "mrpc", "msr_paraphrase_*.tsv")
    out: list[MrpcPair] = []
    for path in files:
        part = path.stem[len("msr_paraphrase_") :]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            for line_no, row in enumerate(reader, start=1):
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if line_no == 1 and row[0].strip().lstrip("\ufeff") == _MRPC_HEADER[0]:
                    continue
                if len(row) != 5:
                    raise ValueError(f"{path}:{line_no}: expected 5 tab-separated fields, found {len(row)}")
                quality, id1, id2, s1, s2 = (f.strip() for f in row)
                if quality not in ("0", "1"):
                    raise ValueError(f"{path}:{line_no}: Quality must be 0 or 1, found {quality!r}")
                out.append(MrpcPair(f"{part}:{id1}-{id2}", int(quality), s1, s2, id1, id2, part))
    return out


# ============================================================================ F3


@dataclass
class F3Pair:
    """A human article and a GPT-3.5 derivative of it.

    ``altered`` is True for ``ai_generated_label == "fake"`` (GPT was asked to change key
    details), False for ``"real"`` (asked to paraphrase keeping every key detail).
    ``strength`` is ``Prompt_type`` (minor / major / critical): the perturbation strength for
    altered rows, the name of the paraphrase prompt for the others.
    """

    id: str
    altered: bool
    strength: str
    source_text: str
    derived_text: str
    dataset_source: str
    file: str

    to_dict = _record_to_dict


def load_f3(root: str | os.PathLike | None = None) -> list[F3Pair]:
    """Every ``*.jsonl`` in ``DIR/f3/`` (fields ``human_content``, ``ai_content``,
    ``ai_generated_label``, ``Prompt_type``, ``uuid``, ``dataset_source``)."""
    folder = _set_dir(root, "f3", "pairs.jsonl")
    files = _need_files(sorted(folder.glob("*.jsonl")), folder, "f3", "*.jsonl")
    out: list[F3Pair] = []
    for path in files:
        with path.open(encoding="utf-8-sig") as fh:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                row = json.loads(line)
                label = str(row.get("ai_generated_label", "")).strip().lower()
                if label not in ("real", "fake"):
                    raise ValueError(f"{path}:{line_no}: ai_generated_label must be real/fake, found {label!r}")
                out.append(
                    F3Pair(
                        id=str(row.get("uuid") or f"{path.stem}:{line_no}"),
                        altered=label == "fake",
                        strength=str(row.get("Prompt_type") or "").strip().lower(),
                        source_text=str(row.get("human_content") or ""),
                        derived_text=str(row.get("ai_content") or ""),
                        dataset_source=str(row.get("dataset_source") or ""),
                        file=path.name,
                    )
                )
    return out


# ============================================================================ FRANK


@dataclass
class FrankPair:
    """A news article and a model summary with FRANK's human factuality judgements.

    ``unsupported`` is True when ``Factuality < 1.0`` (at least one summary sentence was
    judged not factual). ``errors`` holds the error-type scores (``RelE``, ``EntE``,
    ``CircE`` = wrong number/date/place, ``OutE``, ``CorefE``, ``LinkE``, ``GramE``,
    ``Other`` and the three groups): 1.0 = no such error, 0.0 = every sentence has it. The
    ``Flip_*`` ablation helpers are left out.
    """

    id: str  # "<hash>:<model_name>"
    article: str
    summary: str
    unsupported: bool
    factuality: float
    errors: dict
    split: str
    dataset: str
    model_name: str
    hash: str
    url: str | None

    to_dict = _record_to_dict


def load_frank(root: str | os.PathLike | None = None) -> Iterator[FrankPair]:
    """Every ``*.jsonl`` in ``DIR/frank/`` whose records have ``article``, ``summary`` and
    ``labels`` (records without them are skipped). Streams one line at a time."""
    folder = _set_dir(root, "frank", "frank_article_summary_labels.jsonl")
    files = _need_files(sorted(folder.glob("*.jsonl")), folder, "frank", "*.jsonl")

    def rows() -> Iterator[FrankPair]:
        for path in files:
            with path.open(encoding="utf-8-sig") as fh:
                for line in fh:
                    if not line.strip():
                        continue
                    row = json.loads(line)
                    if not all(k in row for k in ("article", "summary", "labels")):
                        continue
                    labels = row["labels"] or {}
                    factuality = float(labels["Factuality"])
                    errors = {
                        k: float(v)
                        for k, v in labels.items()
                        if k != "Factuality" and not k.startswith("Flip_") and v is not None
                    }
                    model = str(row.get("model_name", ""))
                    h = str(row.get("hash", ""))
                    yield FrankPair(
                        id=f"{h}:{model}",
                        article=row["article"],
                        summary=row["summary"],
                        unsupported=factuality < 1.0,
                        factuality=factuality,
                        errors=errors,
                        split=str(row.get("split", "")),
                        dataset=str(row.get("dataset", "")),
                        model_name=model,
                        hash=h,
                        url=row.get("url"),
                    )

    return rows()


# ============================================================================ LLMFake


@dataclass
class LlmfakePair:
    """One paired LLMFake row: a human source article and an LLM output derived from it.

    ``label`` is the FakeNewsNet/CoAID veracity of the *source* (1 = misinformation).
    ``source_shared`` = how many distinct ``news_id`` of the same file carry the same source
    text (after whitespace/case normalisation): boilerplate pages are shared by many.
    ``repaired`` = the Mac-Roman quote mojibake of CoAID (``ÒquoteÓ``, ``donÕt``) was
    repaired in the texts.
    """

    id: str  # "<generator>/<subset>/<method>/<news_id>"
    generator: str
    subset: str
    method: str
    news_id: str
    source_text: str
    derived_text: str
    label: int | None
    source_shared: int
    repaired: bool
    file: str  # path relative to DIR/llmfake
    row: int  # 1-based data row in the file

    to_dict = _record_to_dict


_LLMFAKE_SUBSETS = ("coaid", "gossipcop", "politifact")
_MACROMAN_SIGNS = re.compile(r"\wÕ\w|Ò\S[^\n]{0,400}?\SÓ|Ô\S[^\n]{0,100}?\SÕ")
_MACROMAN_QUOTES = str.maketrans({"Ò": "\u201c", "Ó": "\u201d", "Ô": "\u2018", "Õ": "\u2019"})
_MACROMAN_SPACED = {" É ": " \u2026 ", " Ð ": " \u2013 ", " Ñ ": " \u2014 "}


def _repair_macroman(text: str) -> tuple[str, bool]:
    """Undo Mac-Roman-read-as-Latin-1 punctuation (``Ò Ó Ô Õ`` for curly quotes).

    Only applied to a text that shows the pattern (a letter-``Õ``-letter apostrophe or a
    ``Ò…Ó`` pair), so legitimate accented capitals elsewhere are left alone; ``É Ð Ñ``
    (ellipsis, en and em dash in Mac Roman) are mapped only between spaces.
    """
    if not _MACROMAN_SIGNS.search(text):
        return text, False
    fixed = text.translate(_MACROMAN_QUOTES)
    for bad, good in _MACROMAN_SPACED.items():
        fixed = fixed.replace(bad, good)
    return fixed, fixed != text


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _llmfake_names(rel: Path) -> tuple[str, str, str]:
    """(generator, subset, method) from a path relative to DIR/llmfake."""
    generator = rel.parts[0] if len(rel.parts) > 1 else ""
    stem = rel.stem
    if stem.endswith("_processed"):
        stem = stem[: -len("_processed")]
    subset = next((p.lower() for p in rel.parts[1:-1] if p.lower() in _LLMFAKE_SUBSETS), "")
    method = stem
    m = re.search(r"(?:^|_)(" + "|".join(_LLMFAKE_SUBSETS) + r")_(.+)$", stem, flags=re.IGNORECASE)
    if m:
        subset = subset or m.group(1).lower()
        method = m.group(2)
    else:
        m = re.search(r"turbo_(.+)$", stem)
        if m:
            method = m.group(1)
    if not subset and len(rel.parts) > 2:
        subset = rel.parts[-2]
    return generator, subset, method


def load_llmfake(
    root: str | os.PathLike | None = None,
    *,
    generator: str | None = None,
    methods: Iterable[str] | None = None,
) -> Iterator[LlmfakePair]:
    """Every CSV under ``DIR/llmfake/**/`` that has the columns ``news_text`` and
    ``synthetic_misinformation`` (the text-only synthetic sets are skipped).

    ``generator`` is the folder right under ``llmfake`` (e.g. ``chatgpt_3.5_generation``;
    authoritative — the file names say gpt-3.5 everywhere), ``subset`` comes from the path
    (coaid / gossipcop / politifact) and ``method`` from the file name (e.g.
    ``paraphrase_generation``, ``information_manipulation_Total_Fabrication``). Pass
    ``generator`` / ``methods`` to read only those files. Rows come back raw: run
    :func:`clean_llmfake_pair` before calling one a derivative. One file is held in memory
    at a time (to count shared source texts).
    """
    folder = _set_dir(root, "llmfake", "<generator>/<subset>/*.csv")
    files = _need_files(sorted(folder.rglob("*.csv")), folder, "llmfake", "*.csv")
    wanted = set(methods) if methods is not None else None

    def rows() -> Iterator[LlmfakePair]:
        for path in files:
            rel = path.relative_to(folder)
            gen, subset, method = _llmfake_names(rel)
            if generator is not None and gen != generator:
                continue
            if wanted is not None and method not in wanted:
                continue
            text = _read_text(path, ("utf-8-sig", "cp1252", "latin-1"))
            reader = csv.DictReader(io.StringIO(text, newline=""))
            # column names as written by hand vary ("synthetic misinformation", "News_Text")
            reader.fieldnames = [re.sub(r"[\s_]+", "_", f.strip().lower()) for f in reader.fieldnames or []]
            fields = reader.fieldnames
            if "news_text" not in fields or "synthetic_misinformation" not in fields:
                continue  # a text-only synthetic set: no source article
            raw = list(reader)
            shared: dict[str, set] = defaultdict(set)
            for i, r in enumerate(raw):
                shared[_norm(r.get("news_text") or "")].add(str(r.get("news_id") or f"row{i + 1}"))
            for i, r in enumerate(raw, start=1):
                news_id = str(r.get("news_id") or f"row{i}").strip()
                source, fixed_s = _repair_macroman(r.get("news_text") or "")
                derived, fixed_d = _repair_macroman(r.get("synthetic_misinformation") or "")
                try:
                    label: int | None = int(float(r.get("label") or ""))
                except ValueError:
                    label = None
                yield LlmfakePair(
                    id=f"{gen}/{subset}/{method}/{news_id}",
                    generator=gen,
                    subset=subset,
                    method=method,
                    news_id=news_id,
                    source_text=source.strip(),
                    derived_text=derived.strip(),
                    label=label,
                    source_shared=len(shared[_norm(r.get("news_text") or "")]),
                    repaired=fixed_s or fixed_d,
                    file=rel.as_posix(),
                    row=i,
                )

    return rows()


# --------------------------------------------------------------------------- cleaning

MIN_SOURCE_WORDS = 20
MIN_DERIVED_WORDS = 8
BOILERPLATE_SHARED = 3
NEAR_COPY_CONTAINMENT = 0.8

# Chat residue at the start of an LLM answer; removed repeatedly, in any order.
_LEAD_RESIDUE = [
    # "Can you paraphrase this passage?" echoed back from the prompt
    re.compile(
        r"^(?:can|could|would|will) you (?:please )?(?:paraphrase|rewrite|re-write|reword|rephrase|"
        r"summari[sz]e|continue|write)\b[^?\n]{0,300}\?\s*",
        re.I,
    ),
    # "Sure! ", "Certainly. ", "Of course, here is ..." (a comma only before here / I / below)
    re.compile(r"^(?:sure(?: thing)?|certainly|of course|absolutely|okay|ok)\s*(?:[!.:]+\s*|,\s*(?=(?:here|i|below)\b))", re.I),
    # "Here is the paraphrased text:", "Here's a rewritten version of the article:"
    re.compile(r"^here(?:'s| is| are)\b[^\n:]{0,150}:\s*", re.I),
    # "As a journalist, my paraphrase of the given passage would be:" / "..., here is my ...:"
    re.compile(
        r"^as an? [a-z ]{2,40}?,\s*(?:(?:here(?:'s| is)|this is)\b|my\b|i (?:would|have|will)\b)"
        r"[^\n:]{0,150}\b(?:paraphras|rewr|re-wr|rewor|rephras|version|passage|article|text)[^\n:]{0,80}:\s*",
        re.I,
    ),
    # "Paraphrased version:", "Rewritten article:", "Paraphrase:"
    re.compile(
        r"^(?:paraphrased?|rewritten|re-written|reworded|rephrased|revised)"
        r"(?: (?:version|text|article|passage|news(?: article)?))?"
        r"(?: of the (?:given |above |original )?(?:passage|text|article))?\s*:\s*",
        re.I,
    ),
    # a first paragraph that is a note about the answer, not part of it
    re.compile(
        r"^(?:please note|note|disclaimer)\b[^\n]{0,400}?\b(?:paraphras|rewrit|altered|changed|removed|"
        r"fictional|language model|\bai\b|generated|passage)[^\n]*\n\s*\n",
        re.I,
    ),
    # "Title:" / "Headline:" labels, also in markdown ("**Title:**", "## Headline:"); the title itself is kept
    re.compile(r"^(?:#+\s*)?\**(?:title|headline)\s*:\s*\**\s*", re.I),
]
# Template placeholder lines such as "Date: [Insert Current Date]" or "Byline: [Your Name]".
_PLACEHOLDER_LINE = re.compile(
    r"^[ \t]*(?:(?:date|dateline|byline|location|publication|by)\s*:\s*)?"
    r"[\[(][^\])\n]{0,40}?\b(?:insert|date|city|name|location|your|current|dateline|place|state|country|author)\b"
    r"[^\])\n]{0,40}[\])][ \t]*$\n?",
    re.I | re.M,
)
# A closing paragraph addressed to the user rather than the reader. The atomic group and the
# possessive run keep it linear on a text of a thousand blank lines (an open model's output):
# `\n\s*\n\s*` backtracked cubically there, and the match is the same, as what follows starts
# with no space.
_TRAIL_RESIDUE = re.compile(
    r"\n(?>\s*\n)\s*+[*(]*(?:(?:i hope this|hope this helps|let me know|please let me know)\b[^\n]*"
    r"|(?:please note|note|disclaimer)\b[^\n]*?(?:fictional|language model|\bai\b|ai-generated|generated|"
    r"openai|gpt|prompt|paraphras|rewrit|reworded|rephras)[^\n]*"
    # the model describing its own edit: "In this rewritten version, I have ...", "I have paraphrased ..."
    r"|(?:in (?:this|the above|my) (?:paraphrased|rewritten|revised|reworded) (?:version|passage|article|text)\b"
    r"|i(?: have|'ve) (?:paraphrased|rewritten|reworded|rephrased|kept the|maintained the|tried to))[^\n]*)\s*$",
    re.I,
)
_REFUSAL_START = re.compile(
    r"^(?:i'?m sorry|i am sorry|sorry, (?:but )?i\b|i apologi[sz]e|my apologies|unfortunately, i\b|"
    r"as an ai\b|as a language model|i (?:can ?not|can't|won't|am unable to|'m unable to|am not able to)\b|"
    r"i'm not able to|i must (?:inform|point out|clarify|respectfully|decline|advise)\b|"
    r"i(?:'m| am) (?:just |only )?an ai\b|as an? (?:(?:responsible|ethical|helpful|honest|respectful|and),? ){1,4}"
    r"(?:ai|assistant|language model)\b)",
    re.I,
)
# anywhere in the output: the model speaking of itself as a model
_REFUSAL_ANYWHERE = re.compile(
    r"\bas an? (?:(?:responsible|ethical|helpful|honest|respectful|and),? ){0,4}ai(?: language)? model\b"
    r"|\bi(?:'m| am) (?:just |only )?an ai\b|\bnot within my programming\b",
    re.I,
)
_WEB_FURNITURE = re.compile(
    r"access denied|403 forbidden|404|page not found|enable javascript|javascript is disabled|"
    r"cookies|subscribe|sign up for|newsletter|takes no responsibility for the content|"
    r"contact us to edit this page|is this you\?|you are the owner of this article|search with google|"
    r"chat with us in facebook messenger|fetch error|log in to continue",
    re.I,
)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _bigram_containment(inner: str, outer: str) -> float:
    """Share of the word bigrams of ``inner`` that also occur in ``outer``."""
    a = _words(inner)
    b = _words(outer)
    if len(a) < 2:
        return 1.0 if a and a[0] in b else 0.0
    outer_bigrams = set(zip(b, b[1:], strict=False))
    grams = list(zip(a, a[1:], strict=False))
    return sum(g in outer_bigrams for g in grams) / len(grams)


def strip_chat_residue(text: str) -> tuple[str, str]:
    """Remove chat residue around an LLM rewrite; returns ``(clean_text, removed_text)``.

    Removed at the start (repeatedly): a prompt echoed back ("Can you paraphrase this
    passage?"), an assent ("Sure!", "Certainly."), an announcement ending in a colon ("Here
    is the paraphrased text:", "As a journalist, my paraphrase of the given passage would
    be:", "Paraphrased version:"), a first paragraph that is a note about the answer
    ("Please note that ... have been altered ..."), and ``Title:`` / ``Headline:`` labels.
    Then template placeholder lines ("Date: [Insert Current Date]") and a last paragraph
    that talks to the user or disowns the text ("I hope this helps", "Note: this article
    is fictional ... AI ..."). When something was stripped before a text wholly wrapped in
    quotes, the quotes go too.
    """
    original = text
    body = text.strip()
    removed: list[str] = []
    lead_removed = False
    for _ in range(8):
        for pattern in _LEAD_RESIDUE:
            m = pattern.match(body)
            if m and m.end() > 0:
                removed.append(m.group(0).strip())
                body = body[m.end() :].lstrip()
                lead_removed = True
                break
        else:
            break
    new_body = _PLACEHOLDER_LINE.sub("", body)
    if new_body != body:
        removed.append("<placeholder lines>")
        body = re.sub(r"\n{3,}", "\n\n", new_body).strip()
    m = _TRAIL_RESIDUE.search(body)
    if m:
        removed.append(m.group(0).strip())
        body = body[: m.start()].rstrip()
    if lead_removed and len(body) >= 2 and body[0] in '"\u201c' and body[-1] in '"\u201d':
        inner = body[1:-1]
        if '"' not in inner and "\u201c" not in inner and "\u201d" not in inner:
            body = inner.strip()
    if not removed:
        return original.strip(), ""
    return body, " | ".join(removed)


class PairCheck(tuple):
    """Result of :func:`clean_llmfake_pair`: unpacks as ``(ok, reason)``.

    Extra attributes: ``text`` (the derived text with chat residue stripped),
    ``source_text``, ``stripped`` (what was removed, "" if nothing), ``near_copy`` and
    ``containment`` (share of the derived text's word bigrams found in the source).
    """

    ok: bool
    reason: str
    text: str
    source_text: str
    stripped: str
    near_copy: bool
    containment: float

    def __new__(cls, ok: bool, reason: str, **attrs: Any) -> PairCheck:
        self = super().__new__(cls, (ok, reason))
        self.ok = ok
        self.reason = reason
        for key, value in attrs.items():
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        return f"PairCheck(ok={self.ok!r}, reason={self.reason!r}, near_copy={self.near_copy!r})"


def _field(rec: Any, name: str, default: Any = None) -> Any:
    if isinstance(rec, Mapping):
        return rec.get(name, default)
    return getattr(rec, name, default)


def _source_problem(source: str, shared: int, min_source_words: int, boilerplate_shared: int) -> str | None:
    n_words = len(_words(source))
    if n_words < min_source_words:
        return "short_source"
    if shared >= boilerplate_shared and n_words < 300:
        return "boilerplate_source"
    if n_words < 80 and _WEB_FURNITURE.search(source):
        return "boilerplate_source"
    return None


def clean_llmfake_pair(
    rec: Any,
    *,
    min_source_words: int = MIN_SOURCE_WORDS,
    min_derived_words: int = MIN_DERIVED_WORDS,
    boilerplate_shared: int = BOILERPLATE_SHARED,
    near_copy_at: float = NEAR_COPY_CONTAINMENT,
) -> PairCheck:
    """Decide whether an LLMFake row is a usable (source, derivative) pair.

    ``rec`` is an :class:`LlmfakePair` or a mapping with ``source_text``, ``derived_text``
    and optionally ``source_shared``. Returns a :class:`PairCheck` that unpacks as
    ``(ok, reason)``; ``reason`` is ``"ok"`` or the first rule that failed, in this order:

    1. ``empty_derived`` — the output is empty, or nothing is left once chat residue is
       stripped.
    2. Chat residue is *stripped*, not rejected (:func:`strip_chat_residue`): "Sure! Here is
       the paraphrased text:", "Can you paraphrase this passage? ...", "As a journalist, here
       is my paraphrased version ...:", trailing "Note: this article is fictional ...". The
       cleaned text is ``check.text``; ``check.stripped`` says what went.
    3. ``verbatim_copy`` — the output is the source itself (equal after whitespace/case
       normalisation) or one is a prefix of the other. In the ChatGPT files every row whose
       source is labelled real (0) is like this, and in GossipCop some "outputs" are the
       uncut original article of which the stored source is the first 4,000 characters.
       (For ``open_ended_generation`` this also rejects a continuation that first repeats
       the whole source.)
    4. ``refusal`` — the output opens with a refusal or apology ("I'm sorry", "I apologize",
       "As an AI", "I cannot", "I can't", "Unfortunately, I ...") or says "as an AI
       language model" anywhere — unless the source contains the same words (a story that
       itself begins "Sorry, ..." is not a refusal).
    5. ``short_source`` — the source has fewer than ``min_source_words`` words: a headline or
       a one-line claim, not a report.
    6. ``boilerplate_source`` — the same source text of under 300 words is shared by
       ``boilerplate_shared`` or more news_ids of the file (e.g. "Access denied |
       www.webmd.com ...", an IMDb disclaimer; a long article collected under several ids
       is a duplicate, not boilerplate, and is kept), or a short source (< 80 words) is web
       furniture (access denied, 404, cookies, subscribe, newsletter, "Is this you? Contact
       us to edit this page", ...).
    7. ``short_derived`` — fewer than ``min_derived_words`` words remain.

    Flagged, not rejected: ``near_copy`` when at least ``near_copy_at`` of the output's word
    bigrams occur in the source (a lightly edited copy).
    """
    source = (_field(rec, "source_text") or "").strip()
    derived_raw = (_field(rec, "derived_text") or "").strip()
    shared = int(_field(rec, "source_shared", 1) or 1)

    def result(ok: bool, reason: str, text: str = "", stripped: str = "") -> PairCheck:
        containment = _bigram_containment(text, source) if text and source else 0.0
        return PairCheck(
            ok,
            reason,
            text=text,
            source_text=source,
            stripped=stripped,
            near_copy=ok and containment >= near_copy_at,
            containment=containment,
        )

    if not derived_raw:
        return result(False, "empty_derived")
    text, stripped = strip_chat_residue(derived_raw)
    if not text.strip():
        return result(False, "empty_derived", "", stripped)
    nd, ns = _norm(text), _norm(source)
    if ns and (nd == ns or nd.startswith(ns) or ns.startswith(nd)):
        return result(False, "verbatim_copy", text, stripped)
    head = text[:300]
    m = _REFUSAL_START.match(head) or _REFUSAL_ANYWHERE.search(text)
    if m and _norm(m.group(0)) not in ns:
        return result(False, "refusal", text, stripped)
    problem = _source_problem(source, shared, min_source_words, boilerplate_shared)
    if problem:
        return result(False, problem, text, stripped)
    if len(_words(text)) < min_derived_words:
        return result(False, "short_derived", text, stripped)
    return result(True, "ok", text, stripped)


# --------------------------------------------------------------------------- the pile


@dataclass
class Pile:
    """A dated pile of reports with gold lineage, built from LLMFake.

    ``reports``: ``{"id", "text", "published" (ISO date), "outlet"}`` dicts, ordered by id
    (ids are opaque hashes, so the order says nothing about roles). ``edges``: gold
    ``(source_id, derived_id)``. ``groups``: report id -> story label. ``info``: per report
    id the provenance (role source / rewrite / unrelated, generator, subset, news_id,
    method, near_copy, what was stripped) — for diagnostics, never to be shown to the
    tracer.
    """

    reports: list[dict]
    edges: set[tuple[str, str]]
    groups: dict[str, str]
    info: dict[str, dict] = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "reports": list(self.reports),
            "edges": sorted([list(e) for e in self.edges]),
            "groups": dict(self.groups),
            "info": dict(self.info),
            "params": dict(self.params),
        }


_OUTLETS = tuple(f"outlet-{c}" for c in "abcdefghijkl")


def _report_id(seed: int, *parts: str) -> str:
    h = hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf-8")).hexdigest()
    return "r" + h[:12]


def build_llmfake_pile(
    root: str | os.PathLike | None = None,
    n_sources: int = 20,
    methods: Iterable[str] = ("paraphrase_generation", "rewrite_generation"),
    n_unrelated: int = 20,
    seed: int = 0,
    generator: str | None = None,
    *,
    start: str = "2020-03-02",
    span_days: int = 42,
    lag_days: tuple[int, int] = (1, 6),
    allow_near_copy: bool = True,
) -> Pile:
    """A pile of dated reports with gold lineage, for the tracer.

    * ``n_sources`` sources, each with one rewrite per method in ``methods``. A source
      qualifies only when every chosen method has a rewrite that passes
      :func:`clean_llmfake_pair` (and is not a near copy when ``allow_near_copy`` is
      False); the rewrite text is the cleaned one. Sources are dated over ``span_days``
      days from ``start``.
    * Each rewrite is dated ``lag_days`` (1–6) days after its source, the rewrites of one
      source on *different* days: the earlier rewrite is a date-valid but false parent of
      the later one (the sibling trap). Gold edges go source -> rewrite only.
    * ``n_unrelated`` further sources from the same subsets (different news_ids and
      different texts), dated over the same span, whose rewrites are not included. Their
      source must pass the source rules (not short, not boilerplate).
    * Reports get opaque ids (a hash), a neutral random outlet, and story labels
      ``"<subset>:<news_id>"``. With ``generator=None`` every generator folder is used (a
      news_id is used once). Everything is deterministic for a given ``seed`` and data.

    Raises ``ValueError`` when the data cannot supply the requested numbers.
    """
    methods = tuple(methods)
    if not methods:
        raise ValueError("methods must name at least one generation method")
    if len(set(methods)) != len(methods):
        raise ValueError(f"methods repeat: {methods}")
    lo, hi = lag_days
    if lo < 1 or hi < lo or hi - lo + 1 < len(methods):
        raise ValueError(f"lag_days {lag_days} cannot give {len(methods)} rewrites distinct days after the source")
    if n_sources < 0 or n_unrelated < 0:
        raise ValueError("n_sources and n_unrelated must be >= 0")
    start_day = date.fromisoformat(start)

    by_key: dict[tuple[str, str, str], dict[str, LlmfakePair]] = defaultdict(dict)
    any_row: dict[tuple[str, str, str], LlmfakePair] = {}
    for rec in load_llmfake(root, generator=generator):
        key = (rec.generator, rec.subset, rec.news_id)
        any_row.setdefault(key, rec)
        if rec.method in methods:
            by_key[key][rec.method] = rec
    if generator is not None and not any_row:
        raise ValueError(f"llmfake: no paired files for generator {generator!r}")

    # candidate sources: every method present and clean
    checks: dict[tuple[str, str, str], dict[str, PairCheck]] = {}
    for key in sorted(by_key):
        per = by_key[key]
        if set(per) != set(methods):
            continue
        results = {m: clean_llmfake_pair(per[m]) for m in methods}
        if all(r.ok and (allow_near_copy or not r.near_copy) for r in results.values()):
            checks[key] = results

    rng = random.Random(seed)
    candidates = sorted(checks)
    rng.shuffle(candidates)
    chosen: list[tuple[str, str, str]] = []
    used_ids: set[tuple[str, str]] = set()
    used_texts: set[str] = set()
    for key in candidates:
        if len(chosen) == n_sources:
            break
        text_key = _norm(by_key[key][methods[0]].source_text)
        if (key[1], key[2]) in used_ids or text_key in used_texts:
            continue
        chosen.append(key)
        used_ids.add((key[1], key[2]))
        used_texts.add(text_key)
    if len(chosen) < n_sources:
        raise ValueError(f"llmfake: only {len(chosen)} sources have clean rewrites for all of {methods} (asked for {n_sources})")

    subsets = {key[1] for key in chosen}
    unrelated_pool = []
    for key in sorted(any_row):
        rec = any_row[key]
        if key[1] not in subsets or (key[1], key[2]) in used_ids:
            continue
        if _source_problem(rec.source_text, rec.source_shared, MIN_SOURCE_WORDS, BOILERPLATE_SHARED):
            continue
        unrelated_pool.append(key)
    rng.shuffle(unrelated_pool)
    unrelated: list[tuple[str, str, str]] = []
    for key in unrelated_pool:
        if len(unrelated) == n_unrelated:
            break
        text_key = _norm(any_row[key].source_text)
        if (key[1], key[2]) in used_ids or text_key in used_texts:
            continue
        unrelated.append(key)
        used_ids.add((key[1], key[2]))
        used_texts.add(text_key)
    if len(unrelated) < n_unrelated:
        raise ValueError(
            f"llmfake: only {len(unrelated)} further usable sources in subsets {sorted(subsets)} "
            f"(asked for {n_unrelated} unrelated reports)"
        )

    reports: list[dict] = []
    edges: set[tuple[str, str]] = set()
    groups: dict[str, str] = {}
    info: dict[str, dict] = {}

    def add(rid: str, text: str, day: date, story: str, meta: dict) -> None:
        if rid in groups:
            raise RuntimeError(f"report id collision: {rid}")
        reports.append({"id": rid, "text": text, "published": day.isoformat(), "outlet": rng.choice(_OUTLETS)})
        groups[rid] = story
        info[rid] = meta

    for key in chosen:
        gen, subset, news_id = key
        story = f"{subset}:{news_id}"
        source_day = start_day + timedelta(days=rng.randrange(span_days))
        sid = _report_id(seed, gen, subset, news_id, "source")
        first = checks[key][methods[0]]
        add(
            sid,
            first.source_text,
            source_day,
            story,
            {
                "role": "source",
                "generator": gen,
                "subset": subset,
                "news_id": news_id,
                "method": None,
                "source_cut": len(first.source_text) == 4000,
            },
        )
        lags = rng.sample(range(lo, hi + 1), len(methods))
        for method, lag in zip(methods, lags, strict=False):
            check = checks[key][method]
            did = _report_id(seed, gen, subset, news_id, method)
            add(
                did,
                check.text,
                source_day + timedelta(days=lag),
                story,
                {
                    "role": "rewrite",
                    "generator": gen,
                    "subset": subset,
                    "news_id": news_id,
                    "method": method,
                    "lag_days": lag,
                    "near_copy": check.near_copy,
                    "stripped": check.stripped,
                    "containment": round(check.containment, 4),
                },
            )
            edges.add((sid, did))

    for key in unrelated:
        gen, subset, news_id = key
        rec = any_row[key]
        rid = _report_id(seed, gen, subset, news_id, "unrelated")
        day = start_day + timedelta(days=rng.randrange(span_days + hi))
        add(
            rid,
            rec.source_text,
            day,
            f"{subset}:{news_id}",
            {"role": "unrelated", "generator": gen, "subset": subset, "news_id": news_id, "method": None},
        )

    reports.sort(key=lambda r: r["id"])
    params = {
        "n_sources": n_sources,
        "methods": list(methods),
        "n_unrelated": n_unrelated,
        "seed": seed,
        "generator": generator,
        "start": start,
        "span_days": span_days,
        "lag_days": [lo, hi],
        "allow_near_copy": allow_near_copy,
    }
    return Pile(reports=reports, edges=edges, groups=groups, info=info, params=params)


def llmfake_filter_report(root: str | os.PathLike | None = None, **clean_kwargs: Any) -> dict:
    """Counts of :func:`clean_llmfake_pair` outcomes per ``generator/subset/method``:
    ``{"<gen>/<subset>/<method>": {"rows": n, "ok": n, "near_copy": n, "stripped": n,
    "<reason>": n, ...}}``. Handy to report how a run filtered the data."""
    out: dict[str, Counter] = defaultdict(Counter)
    for rec in load_llmfake(root):
        check = clean_llmfake_pair(rec, **clean_kwargs)
        c = out[f"{rec.generator}/{rec.subset}/{rec.method}"]
        c["rows"] += 1
        c[check.reason] += 1
        if check.ok and check.near_copy:
            c["near_copy"] += 1
        if check.ok and check.stripped:
            c["stripped"] += 1
    return {k: dict(v) for k, v in sorted(out.items())}


# ============================================================================ WikiRef220


@dataclass
class WikirefDoc:
    """One WikiRef220 article; ``label`` is the topic (the file-name stem without the
    trailing ``.N`` or `` (N)`` counter). No dates."""

    id: str  # the file name
    label: str
    title: str
    text: str

    to_dict = _record_to_dict


_WIKIREF_COUNTER = (re.compile(r"^(.*\S) \(\d+\)$"), re.compile(r"^(.*\S)\.\d+$"))


def wikiref_label(file_name: str) -> str:
    """``'ParisAttacks2015 (3).txt'`` -> ``'ParisAttacks2015'``,
    ``'samsung.galaxy.s5.13.txt'`` -> ``'samsung.galaxy.s5'``, ``'U2.149.txt'`` -> ``'U2'``."""
    stem = file_name[:-4] if file_name.lower().endswith(".txt") else file_name
    for pattern in _WIKIREF_COUNTER:
        m = pattern.match(stem)
        if m:
            return m.group(1)
    return stem


def load_wikiref(root: str | os.PathLike | None = None) -> list[WikirefDoc]:
    """Every ``*.txt`` in ``DIR/wikiref220_news_clustering/WikiRef220/``.

    The files are Windows-1252 (Latin-1 as a fallback) with CRLF line ends; texts come back
    with ``\\n`` line ends. The title is the first non-empty line.
    """
    base = _set_dir(root, "wikiref220_news_clustering", "WikiRef220/*.txt")
    folder = base / "WikiRef220"
    if not folder.is_dir():
        raise FileNotFoundError(f"wikiref220_news_clustering: expected the folder {folder}")
    files = _need_files(sorted(folder.glob("*.txt")), folder, "wikiref220_news_clustering", "*.txt")
    out = []
    for path in files:
        text = _newlines(_read_text(path, ("cp1252", "latin-1")))
        title = next((line.strip() for line in text.split("\n") if line.strip()), "")
        out.append(WikirefDoc(id=path.name, label=wikiref_label(path.name), title=title, text=text))
    return out


# ============================================================================ ML-Crisis


@dataclass
class CrisisDoc:
    """A dated article of the ML-Crisis collection; ``topic`` is the story label."""

    id: str  # "<lang>/<topic>/<YYYY-MM-DD>/<file>"
    lang: str
    topic: str
    published: str  # ISO date (the folder name)
    text: str
    title: str
    source: str  # file-name prefix: "gv" (Global Voices) or "ext" (other outlets)

    to_dict = _record_to_dict


def load_ml_crisis(root: str | os.PathLike | None = None, langs: Iterable[str] = ("es", "fr", "it")) -> Iterator[CrisisDoc]:
    """``DIR/ml_crisis_tls/<lang>/<topic>/<YYYY-MM-DD>/*.txt`` for each language, in
    lexicographic path order; the ``reference`` timelines and folders that are not dates
    are skipped. Streams one file at a time."""
    base = _set_dir(root, "ml_crisis_tls", "<lang>/<topic>/<YYYY-MM-DD>/*.txt")
    langs = list(langs)
    for lang in langs:
        if not (base / lang).is_dir():
            raise FileNotFoundError(f"ml_crisis_tls: expected the language folder {base / lang}")

    def docs() -> Iterator[CrisisDoc]:
        for lang in langs:
            for topic_dir in sorted(p for p in (base / lang).iterdir() if p.is_dir()):
                if topic_dir.name == "reference":
                    continue
                for day_dir in sorted(p for p in topic_dir.iterdir() if p.is_dir()):
                    try:
                        day = date.fromisoformat(day_dir.name)
                    except ValueError:
                        continue
                    for path in sorted(day_dir.glob("*.txt")):
                        text = _newlines(_read_text(path, ("utf-8-sig", "cp1252")))
                        title = next((line.strip() for line in text.split("\n") if line.strip()), "")
                        yield CrisisDoc(
                            id=path.relative_to(base).as_posix(),
                            lang=lang,
                            topic=topic_dir.name,
                            published=day.isoformat(),
                            text=text,
                            title=title,
                            source=path.stem.split("_", 1)[0] if "_" in path.stem else "",
                        )

    return docs()


# ============================================================================ background TLS


@dataclass
class TimelineUpdate:
    """One dated update of a major-event timeline (Background Summarization, EMNLP 2023)."""

    id: str  # "<event>/<annotator>/<YYYY-MM-DD>"
    event: str  # the story label
    date: str  # ISO date
    text: str  # the "Update" column
    background: str  # the "Background" column ("" on the first date)
    annotator: str
    split: str | None  # train / dev / test from splits/*.txt, when present

    to_dict = _record_to_dict


def _tls_text(value: str | None) -> str:
    # the TSVs store line breaks inside a field as the two characters backslash + n
    return (value or "").replace("\\n", "\n").strip()


def load_background_tls(
    root: str | os.PathLike | None = None, annotators: Iterable[str] = ("annotator1",)
) -> list[TimelineUpdate]:
    """``DIR/background_summaries_tls/events/<event>/<annotator>.tsv`` (columns ``Date``
    ``[YYYY-MM-DD]``, ``Update``, ``Background``) -> dated updates, usable as dated
    same-domain story chains (label = event). Literal ``\\n`` in the fields become line
    breaks. Events without the annotator's file are skipped."""
    base = _set_dir(root, "background_summaries_tls", "events/<event>/annotator1.tsv")
    events_dir = base / "events"
    if not events_dir.is_dir():
        raise FileNotFoundError(f"background_summaries_tls: expected the folder {events_dir}")
    split_of: dict[str, str] = {}
    for split_file in sorted((base / "splits").glob("*.txt")) if (base / "splits").is_dir() else []:
        for line in split_file.read_text(encoding="utf-8").split():
            split_of[line.strip()] = split_file.stem
    annotators = list(annotators)
    out: list[TimelineUpdate] = []
    found = False
    for event_dir in sorted(p for p in events_dir.iterdir() if p.is_dir()):
        for ann in annotators:
            path = event_dir / f"{ann}.tsv"
            if not path.is_file():
                continue
            found = True
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for line_no, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
                    raw_date = (row.get("Date") or "").strip().strip("[]").strip()
                    try:
                        day = date.fromisoformat(raw_date)
                    except ValueError as exc:
                        raise ValueError(f"{path}:{line_no}: not a [YYYY-MM-DD] date: {row.get('Date')!r}") from exc
                    out.append(
                        TimelineUpdate(
                            id=f"{event_dir.name}/{ann}/{day.isoformat()}",
                            event=event_dir.name,
                            date=day.isoformat(),
                            text=_tls_text(row.get("Update")),
                            background=_tls_text(row.get("Background")),
                            annotator=ann,
                            split=split_of.get(event_dir.name),
                        )
                    )
    if not found:
        raise FileNotFoundError(f"background_summaries_tls: no {'/'.join(annotators)}.tsv files under {events_dir}")
    return out
