"""Hostile input, stage by stage: does doubling one report's text double a stage's time?

    python bench/pathological.py                       # every shape, every stage, default sizes
    python bench/pathological.py --shapes url_email huge_token --stages segment --size 20000
    python bench/pathological.py --profile segment:url_email --size 40000   # cProfile one cell

Each shape (``SHAPES``) makes a text of about ``n`` characters built to hurt a text stage: one
huge letter-only token, bare punctuation, thousands of list lines, URLs and e-mail addresses,
unbalanced quotes, right-to-left and zero-width characters inside words, NUL bytes and lone
surrogates, and (for HTML extraction) ``<div>`` nested ``n`` levels deep. Each stage
(``STAGES``) is timed alone on it at sizes s, 2s and 4s (the min of a few repeats), and the
doubling ratios t(2s)/t(s), t(4s)/t(2s) are printed: a linear stage reads about 2, a
quadratic one about 4. Texts are made in memory; the HTML pages go to a temporary folder only
to be read back as files are. ``tests/test_linear_time.py`` checks the same cells with small
sizes.

Stage sizes differ: spaCy (claims, audit) costs ~1 ms per sentence, so its sizes are smaller;
the per-report character budget (ingest) caps what any stage sees, and every stage must be
linear below it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from storytrace.model import Alignment, Article  # noqa: E402 - after sys.path

# ------------------------------------------------------------------------------ shapes


def huge_token(n: int) -> str:
    return "a" * n


def punctuation(n: int) -> str:
    rng = random.Random(1)
    return "".join(rng.choice("!?.,;:") for _ in range(n))


def punctuation_spaced(n: int) -> str:
    rng = random.Random(2)
    return "".join(rng.choice("!?.,;: ") for _ in range(n))


def list_lines(n: int) -> str:
    lines, size, k = [], 0, 0
    while size < n:
        line = f"- item {k % 100}\n"
        lines.append(line)
        size += len(line)
        k += 1
    return "".join(lines)


def url_email(n: int) -> str:
    rng = random.Random(3)
    out, size, k = [], 0, 0
    while size < n:
        kind = k % 4
        if kind == 0:
            tok = f"https://www.example{k}.org/path/{k}/page.html?q={k}"
        elif kind == 1:
            tok = f"user.name{k}@mail{k}.example.com"
        elif kind == 2:
            tok = f"www.site{k}.co.uk/a/b"
        else:
            tok = f"{rng.choice(['a', 'b'])}{k}@{k}.{k}."  # almost an address
        out.append(tok)
        size += len(tok) + 1
        k += 1
    return " ".join(out)


def quotes(n: int) -> str:
    rng = random.Random(4)
    marks = ['"', "'", "“", "”", "«", "»", "‘", "’", "(", ")"]
    words = ["he", "said", "No", "the", "Mayor", "it", "was", "200", "Friday"]
    out, size = [], 0
    while size < n:
        tok = rng.choice(marks) * rng.randint(1, 3) + rng.choice(words) + rng.choice(["", ".", ",", "!", rng.choice(marks)])
        out.append(tok)
        size += len(tok) + 1
    return " ".join(out)


def bidi_zero_width(n: int) -> str:
    rng = random.Random(5)
    junk = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\u061c"]
    words = ["Mayor", "Ruiz", "said", "on", "Tuesday", "that", "350", "jobs", "were", "cut", "مرحبا", "שלום"]
    out, size = [], 0
    while size < n:
        w = rng.choice(words)
        k = rng.randint(0, len(w))
        tok = w[:k] + rng.choice(junk) + w[k:] + rng.choice(["", "", ".", ","])
        out.append(tok)
        size += len(tok) + 1
    return " ".join(out)


def nul_surrogates(n: int) -> str:
    rng = random.Random(6)
    junk = ["\x00", "\ud800", "\udfff", "\udc80", "\x00\x00"]
    words = ["Police", "said", "12", "people", "were", "hurt", "in", "Leeds", "on", "Monday"]
    out, size = [], 0
    while size < n:
        w = rng.choice(words)
        k = rng.randint(0, len(w))
        tok = w[:k] + rng.choice(junk) + w[k:] + rng.choice(["", "", "."])
        out.append(tok)
        size += len(tok) + 1
    return " ".join(out)


def prose(n: int) -> str:
    """Ordinary news sentences, repeated with a counter: the normal path must stay linear too."""
    base = (
        "Mayor Elena Ruiz said on Tuesday that the council would close the Pine Street bridge {k}. "
        "“We will lose half our customers,” said Tom Becker, who runs a bakery near the bridge. "
        "The work will cost about {k}.2 million dollars and take 18 months, officials said. "
        "Police said he was not consulted, according to a statement from Northfield Motors.\n\n"
    )
    out, size, k = [], 0, 0
    while size < n:
        para = base.format(k=k)
        out.append(para)
        size += len(para)
        k += 1
    return "".join(out)


def _name(k: int) -> str:
    syllables = ["ka", "lo", "mi", "ren", "tu", "sa", "vor", "di", "ne", "pa", "gu", "xi"]
    parts = []
    while True:
        parts.append(syllables[k % len(syllables)])
        k //= len(syllables)
        if not k:
            break
    return "".join(parts).capitalize() + "son"


def many_names(n: int) -> str:
    """A flood of distinct people and places, each said to have said something: the audit
    looks every name up in the other report."""
    out, size, k = [], 0, 0
    while size < n:
        s = f"{_name(k)} {_name(k + 1)} of the {_name(k + 2)} Institute said on Monday that {k} people left {_name(k + 3)}. "
        out.append(s)
        size += len(s)
        k += 4
    return "".join(out)


def nested_div(n: int) -> str:
    """``<div>`` nested ``n // 11`` levels deep around a paragraph (HTML stages only)."""
    depth = max(1, n // 11)
    return "<html><body>" + "<div>" * depth + "<p>Police said 12 people were hurt.</p>" + "</div>" * depth + "</body></html>"


SHAPES: dict[str, Callable[[int], str]] = {
    "huge_token": huge_token,
    "punctuation": punctuation,
    "punctuation_spaced": punctuation_spaced,
    "list_lines": list_lines,
    "url_email": url_email,
    "quotes": quotes,
    "bidi_zero_width": bidi_zero_width,
    "nul_surrogates": nul_surrogates,
    "prose": prose,
    "many_names": many_names,
    "nested_div": nested_div,
}
HTML_SHAPES = {"nested_div"}


def modified(text: str) -> str:
    """A slightly modified copy: a few characters changed, spread over the text."""
    chars = list(text)
    step = max(1, len(chars) // 7)
    for k in range(step // 2, len(chars), step):
        c = chars[k]
        chars[k] = "b" if c == "a" else ("7" if c.isdigit() else ("a" if c.isalpha() else c))
    return "".join(chars)


def as_html(text: str) -> str:
    """A text shape as a page: one paragraph per line, inside an article."""
    import html

    paras = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    return f"<html><head><title>t</title></head><body><article>{paras or html.escape(text)}</article></body></html>"


# ------------------------------------------------------------------------------ stages

# Each stage: (setup(text) -> state, run(state)); only ``run`` is timed.


def _seg_setup(text: str):
    return text


def _seg_run(text: str) -> None:
    from storytrace.segment.sentences import split_sentences

    split_sentences(text)


def _features_run(text: str) -> None:
    from storytrace.index.features import sentence_features, word_tokens

    word_tokens(text)
    sentence_features(text)


def _candidates_run(text: str) -> None:
    # what the plan computes per report: a tf-idf row and the MinHash of its shingles
    from storytrace.index.candidates import minhash
    from storytrace.index.similarity import Similarity

    Similarity([text, "Police said 12 people were hurt."])
    minhash(text)


def _language_run(text: str) -> None:
    from storytrace.segment.language import annotate_language

    annotate_language(Article("x", text))


def _claims_setup(text: str):
    from storytrace.claims.extract import get_nlp
    from storytrace.segment.sentences import split_sentences

    get_nlp()
    a = Article("x", text)
    a.sentences = split_sentences(text)
    return a


def _claims_run(a: Article) -> None:
    from storytrace.claims.extract import extract_claims

    a.claims = []
    extract_claims(a)


def _identity_alignments(derived: Article, source: Article) -> list[Alignment]:
    n = min(len(derived.sentences), len(source.sentences))
    return [Alignment(derived.id, i, source.id, i, "paraphrase", 0.9) for i in range(n)] + [
        Alignment(derived.id, i, None, None, "unsupported", 0.0) for i in range(n, len(derived.sentences))
    ]


def _audit_setup(text: str):
    from storytrace.claims.audit_support import prepare_articles
    from storytrace.segment.sentences import split_sentences

    source = Article("s", text)
    derived = Article("d", modified(text))
    for a in (source, derived):
        a.sentences = split_sentences(a.text)
    prepare_articles([source, derived])  # claims and parses: the claims stage, not timed here
    return source, derived, _identity_alignments(derived, source)


def _audit_run(state) -> None:
    from storytrace.claims.audit import audit_pair

    source, derived, alignments = state
    audit_pair(source, derived, alignments)


def _profile_run(a: Article) -> None:
    from storytrace.claims.extract import sourcing_profile

    sourcing_profile(a, a.claims)


def _profile_setup(text: str):
    a = _claims_setup(text)
    _claims_run(a)
    return a


def _align_setup(text: str):
    from storytrace.index.embed import use_encoder
    from storytrace.segment.sentences import split_sentences

    use_encoder("static")
    source = Article("s", text)
    derived = Article("d", modified(text))
    for a in (source, derived):
        a.sentences = split_sentences(a.text)
    return source, derived


def _align_run(state) -> None:
    # the sentence features and the static encoder's vectors of both, then the alignment
    from storytrace.align.aligner import align, prepare

    source, derived = state
    p = prepare([source, derived])
    align(p["d"], p["s"])


def _html_page_setup(text: str):
    page = text if text.lstrip().startswith("<") else as_html(text)
    folder = tempfile.mkdtemp(prefix="storytrace-hostile-")
    path = Path(folder) / "page.html"
    path.write_text(page, encoding="utf-8", errors="surrogatepass")
    return path


def _html_page_run(path: Path) -> None:
    from storytrace.ingest.html import ExtractionError, extract_page

    try:
        extract_page(path.read_text(encoding="utf-8", errors="surrogatepass"))
    except ExtractionError:
        pass  # a rejection is an answer: only the time counts here


def _html_fragment_setup(text: str):
    return text if text.lstrip().startswith("<") else as_html(text)


def _html_fragment_run(page: str) -> None:
    from storytrace.ingest.html import html_to_text

    html_to_text(page)


# name -> (setup, run, default size s)
STAGES: dict[str, tuple[Callable, Callable, int]] = {
    "segment": (_seg_setup, _seg_run, 40_000),
    "features": (_seg_setup, _features_run, 40_000),
    "candidates": (_seg_setup, _candidates_run, 40_000),
    "language": (_seg_setup, _language_run, 40_000),
    "claims": (_claims_setup, _claims_run, 6_000),
    "profile": (_profile_setup, _profile_run, 6_000),
    "audit": (_audit_setup, _audit_run, 6_000),
    "align": (_align_setup, _align_run, 10_000),
    "html_page": (_html_page_setup, _html_page_run, 40_000),
    "html_fragment": (_html_fragment_setup, _html_fragment_run, 40_000),
}
HTML_STAGES = {"html_page", "html_fragment"}


def applies(stage: str, shape: str) -> bool:
    """HTML shapes go to the HTML stages only; every text shape goes to every stage."""
    return stage in HTML_STAGES or shape not in HTML_SHAPES


def best_time(stage: str, shape: str, n: int, repeats: int = 3) -> float:
    """The min of ``repeats`` timed runs of ``stage`` on ``shape`` at size ``n`` (one setup:
    every run leaves its state as it found it)."""
    setup, run, _ = STAGES[stage]
    state = setup(SHAPES[shape](n))
    best = float("inf")
    for _ in range(repeats):
        # CPU time without garbage collection: what the stage costs, not what the machine or a
        # full GC pass over everything alive adds (as tests/test_linear_time.py measures)
        gc.disable()
        try:
            t0 = time.process_time()
            run(state)
            best = min(best, time.process_time() - t0)
        finally:
            gc.enable()
    return best


def doubling(stage: str, shape: str, n: int, steps: int = 3, repeats: int = 3) -> list[float]:
    """Times at n, 2n, 4n ... (``steps`` sizes)."""
    best_time(stage, shape, max(1, n // 8), 1)  # warm up: imports, models, compiled regexes
    return [best_time(stage, shape, n * 2**k, repeats) for k in range(steps)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shapes", nargs="*", default=list(SHAPES), choices=list(SHAPES))
    p.add_argument("--stages", nargs="*", default=list(STAGES), choices=list(STAGES))
    p.add_argument("--size", type=int, help="the size s (characters) for every stage (default: per stage)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=3, help="sizes s, 2s, 4s ... (default 3)")
    p.add_argument("--profile", metavar="STAGE:SHAPE", help="cProfile one stage on one shape at --size")
    args = p.parse_args()
    if args.profile:
        stage, shape = args.profile.split(":")
        setup, run, default = STAGES[stage]
        state = setup(SHAPES[shape](args.size or default))
        prof = cProfile.Profile()
        prof.runcall(run, state)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return
    print(f"{'stage':<14}{'shape':<20}{'t(s) ms':>10}  ratios (2s/s, 4s/2s ...)")
    for stage in args.stages:
        for shape in args.shapes:
            if not applies(stage, shape):
                continue
            n = args.size or STAGES[stage][2]
            try:
                times = doubling(stage, shape, n, args.steps, args.repeats)
            except Exception as exc:  # a stage that fails on a shape is a finding too: say it, go on
                print(f"{stage:<14}{shape:<20}  FAILED: {type(exc).__name__}: {str(exc)[:80]}", flush=True)
                continue
            ratios = [b / a if a > 0 else float("nan") for a, b in zip(times, times[1:], strict=False)]
            flag = "  <-- superlinear" if any(r > 2.6 for r in ratios) else ""
            print(f"{stage:<14}{shape:<20}{times[0] * 1000:>10.1f}  " + "  ".join(f"{r:.2f}" for r in ratios) + flag, flush=True)


if __name__ == "__main__":
    main()
