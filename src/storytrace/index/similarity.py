"""Whole-text tf-idf similarity of the reports of one trace (grouping and lineage read it)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class Similarity:
    """Sublinear tf-idf rows, English stop words; terms in more than half the reports of a
    pile of more than 20 are dropped (they tell no story apart)."""

    def __init__(self, texts: list[str]):
        vectorizer = TfidfVectorizer(
            sublinear_tf=True, min_df=1, max_df=0.5 if len(texts) > 20 else 1.0, stop_words="english", dtype=np.float32
        )
        try:
            self.tfidf = vectorizer.fit_transform(texts)
        except ValueError:  # an empty vocabulary: nothing but stop words
            self.tfidf = None

    def between(self, i: int, others: list[int]) -> np.ndarray:
        """Cosine of row i with each row of ``others``."""
        if self.tfidf is None or not others:
            return np.zeros(len(others))
        return (self.tfidf[others] @ self.tfidf[i].T).toarray().ravel()

    def by_id(self, ids: list[str]) -> Callable[[str, list[str]], np.ndarray]:
        """``cosine(a, others)`` by report id; ``ids`` name the rows in order."""
        index = {rid: k for k, rid in enumerate(ids)}
        return lambda a, others: self.between(index[a], [index[o] for o in others])
