"""The budget of one report: characters, sentences, tokens and seconds.

A report over the budget is rejected with the limit it broke (kind ``too_large`` or
``timeout``), or, when the user asks (``truncate=True``), cut at a sentence boundary to fit and
kept with a warning. The seconds cover producing the report from its input (the parse it
needs) and segmenting it; in the main thread an interval timer interrupts a step that runs
over, elsewhere (the web service's worker threads) the step is measured and rejected after.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from ..model import Article
from ..segment import segment

__all__ = ["Budget", "ReportTimeout", "count_tokens", "deadline", "fit"]

# Words and punctuation marks, about what the parser's tokenizer makes of a text.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    return sum(1 for _ in _TOKEN.finditer(text))


@dataclass(frozen=True)
class Budget:
    """Limits per report. The defaults are far above any news report (the longest of the
    development data are under 100,000 characters) and low enough that a hostile one cannot
    hold up a batch: a report at the limits is traced in seconds."""

    max_chars: int = 500_000
    max_sentences: int = 10_000
    max_tokens: int = 150_000
    max_seconds: float = 30.0
    truncate: bool = False

    def __post_init__(self) -> None:
        for name in ("max_chars", "max_sentences", "max_tokens"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{name} must be a positive int, not {value!r}")
        if not isinstance(self.max_seconds, (int, float)) or self.max_seconds <= 0:
            raise ValueError(f"max_seconds must be a positive number, not {self.max_seconds!r}")

    def describe(self) -> str:
        return (
            f"max_chars={self.max_chars}, max_sentences={self.max_sentences}, "
            f"max_tokens={self.max_tokens}, max_seconds={self.max_seconds:g}"
        )


class ReportTimeout(BaseException):
    """A step ran past the budget's seconds. A BaseException so that the readers' own
    catch-all (a bug in a reader becomes an ``internal`` rejection) does not swallow it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block with ReportTimeout after ``seconds`` (main thread only; elsewhere
    the block runs to its end and the caller compares the time it took)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise ReportTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Fitted:
    """What :func:`fit` made of one report: the article to store (None when rejected), the
    rejection (kind, problem) or the warning of a cut."""

    article: Article | None
    kind: str | None = None
    problem: str | None = None
    warning: str | None = None


def _cut_at_space(text: str, limit: int) -> str:
    """The longest prefix of at most ``limit`` characters that ends at a space or line break
    (or the hard cut when there is none in its second half)."""
    head = text[:limit]
    space = max(head.rfind(" "), head.rfind("\n"))
    return head[:space].rstrip() if space > limit // 2 else head


def fit(article: Article, budget: Budget, started: float | None = None) -> Fitted:
    """Check one report against the budget and segment it (if not yet segmented); cut it to
    fit when the budget says so. ``started`` (time.monotonic) is when producing it began."""
    text = article.text or ""
    cut_from: list[str] = []
    if len(text) > budget.max_chars:
        if not budget.truncate:
            return Fitted(None, "too_large", f"it has {len(text):,} characters, more than max_chars={budget.max_chars:,}")
        cut_from.append(f"{len(text):,} characters")
        text = _cut_at_space(text, budget.max_chars)
    tokens = count_tokens(text)
    if tokens > budget.max_tokens and not budget.truncate:
        return Fitted(None, "too_large", f"it has {tokens:,} tokens, more than max_tokens={budget.max_tokens:,}")
    if cut_from or not article.sentences:
        article = replace(article, text=text, sentences=[]) if cut_from else article
        segment(article)
    sentences = article.sentences
    if len(sentences) > budget.max_sentences and not budget.truncate:
        return Fitted(None, "too_large", f"it has {len(sentences):,} sentences, more than max_sentences={budget.max_sentences:,}")
    keep = min(len(sentences), budget.max_sentences)
    if tokens > budget.max_tokens:
        total = 0
        for k, s in enumerate(sentences[:keep]):
            total += count_tokens(text[s.start : s.end])
            if total > budget.max_tokens:
                keep = k
                break
    if keep < len(sentences):
        if len(sentences) > budget.max_sentences:
            cut_from.append(f"{len(sentences):,} sentences")
        if tokens > budget.max_tokens:
            cut_from.append(f"{tokens:,} tokens")
        end = sentences[keep - 1].end if keep else 0
        article = replace(article, text=text[:end], sentences=list(sentences[:keep]))
    if started is not None and time.monotonic() - started > budget.max_seconds:
        return Fitted(None, "timeout", f"reading and segmenting it took more than max_seconds={budget.max_seconds:g}")
    if not cut_from:
        return Fitted(article)
    if not article.text.strip():
        return Fitted(None, "too_large", "nothing of it is left once cut to the budget (" + budget.describe() + ")")
    article.meta = {**article.meta, "truncated": {"from": ", ".join(cut_from), "chars": len(article.text)}}
    warning = f"it was cut to the budget ({budget.describe()}): {', '.join(cut_from)} down to {len(article.text):,} characters"
    return Fitted(article, warning=warning)
