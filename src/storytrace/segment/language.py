"""Which language a report is in, and whether the sentence models read it.

The sentence encoder, the pair model and the claim extractors are English-only: on another
language they score every pair alike (a news-reuse corpus in Urdu got coverage of about 1.0
for unrelated pairs). A report in another language is therefore traced by verbatim reuse
only, and a pair in two different languages is never a paraphrase. Detection is py3langid
(a maintained fork of langid.py; its model ships in the wheel, no download), which is
deterministic.
"""

from __future__ import annotations

import re
from functools import lru_cache

from storytrace.model import Article

SUPPORTED = frozenset({"en"})
MIN_LETTERS = 40  # below this, detection is a guess: the language is left unknown
# ... and below this probability too. On 9,764 English texts of ../shared/datasets (MRPC
# sentences, llmfake sources and rewrites) 9 were named another language (Nigerian Pidgin for
# a list of names, ...), all under 0.65; at 0.9 none.
MIN_PROBABILITY = 0.9
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    if len(_LETTER.findall(text[:5000])) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(text[:5000])
    return str(code) if probability >= MIN_PROBABILITY else None


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # the model loads in about 0.5 s

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def annotate_language(article: Article) -> str | None:
    """Detect once and keep it on the article (``Article.language``)."""
    if article.language is None and "language" not in article.meta:
        article.language = detect_language(article.text)
        article.meta["language"] = article.language  # detected (even when unknown): not again
        article.meta["paraphrase_supported"] = supported(article.language)
    return article.language


def supported(language: str | None) -> bool:
    """Unknown counts as supported: a short text is read as the models read English."""
    return language is None or language in SUPPORTED


def paraphrase_possible(a: Article, b: Article) -> bool:
    """May a sentence of ``a`` be called a paraphrase of one of ``b``?"""
    la, lb = annotate_language(a), annotate_language(b)
    if not (supported(la) and supported(lb)):
        return False
    return la is None or lb is None or la == lb
