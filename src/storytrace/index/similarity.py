"""Whole-text tf-idf similarity of the reports of one trace (grouping and lineage read it)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class Similarity:
    """Sublinear tf-idf rows, English stop words; terms in more than half the distinct texts
    of a pile of more than 20 are dropped (they tell no story apart). Document frequencies
    count each distinct text once: forty outlets printing one wire story word for word are
    one text, whose words would otherwise all be "in more than half the reports" and dropped
    (the copies then share no word, and neither group nor derive)."""

    def __init__(self, texts: list[str]):
        distinct = sorted(set(texts))
        vectorizer = TfidfVectorizer(
            sublinear_tf=True, min_df=1, max_df=0.5 if len(distinct) > 20 else 1.0, stop_words="english", dtype=np.float32
        )
        try:
            vectorizer.fit(distinct)
            self.tfidf = vectorizer.transform(texts)
            self.idf: np.ndarray | None = vectorizer.idf_.astype(np.float32)
        except ValueError:  # an empty vocabulary: nothing but stop words
            self.tfidf = None
            self.idf = None

    def between(self, i: int, others: list[int]) -> np.ndarray:
        """Cosine of row i with each row of ``others``."""
        if self.tfidf is None or not others:
            return np.zeros(len(others))
        return (self.tfidf[others] @ self.tfidf[i].T).toarray().ravel()

    def block(self, rows: list[int], cols: list[int]) -> np.ndarray:
        """Cosines of every row of ``rows`` with every row of ``cols`` (len(rows) x len(cols)),
        in one product."""
        if self.tfidf is None or not rows or not cols:
            return np.zeros((len(rows), len(cols)))
        return (self.tfidf[rows] @ self.tfidf[cols].T).toarray()

    def pairs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Cosine of row left[k] with row right[k], for every k, in one pass."""
        if self.tfidf is None or len(left) == 0:
            return np.zeros(len(left))
        x = self.tfidf.tocsr()
        return np.asarray(x[left].multiply(x[right]).sum(axis=1), dtype=np.float64).ravel()

    def containment(self, i: int, others: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The idf-weighted share of each other row's terms found in row i, and of row i's
        terms found in each other row (a term counts once, whatever its frequency)."""
        if self.tfidf is None or self.idf is None or not others:
            return np.zeros(len(others)), np.zeros(len(others))
        x = self.tfidf.tocsr()
        rows = x[[i, *others]]
        weights = rows.copy()
        weights.data = self.idf[weights.indices]
        present = rows.copy()
        present.data = np.ones_like(present.data)
        shared = (weights[1:] @ present[0].T).toarray().ravel()  # idf mass of the terms both hold
        total = np.asarray(weights.sum(axis=1), dtype=np.float64).ravel()
        return shared / np.maximum(total[1:], 1e-12), shared / max(float(total[0]), 1e-12)

    def by_id(self, ids: list[str]) -> Callable[[str, list[str]], np.ndarray]:
        """``cosine(a, others)`` by report id; ``ids`` name the rows in order."""
        index = {rid: k for k, rid in enumerate(ids)}
        return lambda a, others: self.between(index[a], [index[o] for o in others])

    def containment_by_id(self, ids: list[str]) -> Callable[[str, list[str]], tuple[np.ndarray, np.ndarray]]:
        """``containment(a, others)`` by report id; ``ids`` name the rows in order."""
        index = {rid: k for k, rid in enumerate(ids)}
        return lambda a, others: self.containment(index[a], [index[o] for o in others])
