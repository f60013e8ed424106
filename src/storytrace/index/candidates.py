"""Which pairs of reports are worth comparing at all, without comparing all pairs.

Two cheap signatures per report: a MinHash of word shingles (rensa LSH finds copies and
close rewrites) and a document vector, the mean of its sentence vectors (faiss finds the
nearest reports by meaning, which catches paraphrase that shares few shingles). Both cost
about the same per report, so the candidate stage grows near-linearly with the corpus.
"""

from __future__ import annotations

import re

import faiss
import numpy as np
from rensa import RMinHash, RMinHashLSH

NUM_PERM = 128
LSH_BANDS = 32  # 4 rows a band: pairs with shingle Jaccard ≥ ~0.3 collide with high probability
SHINGLE = 3
SEED = 1729
NEIGHBOURS = 12
MIN_VECTOR_SIMILARITY = 0.45

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def minhash(text: str) -> RMinHash:
    m = RMinHash(num_perm=NUM_PERM, seed=SEED)
    tokens = shingles(text)
    if tokens:
        m.update(tokens)
    return m


def document_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    if len(sentence_vectors) == 0:
        return np.zeros(sentence_vectors.shape[1] if sentence_vectors.ndim == 2 else 384, dtype=np.float32)
    v = sentence_vectors.astype(np.float32).mean(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def candidate_pairs(
    texts: list[str],
    doc_vectors: np.ndarray,
    neighbours: int = NEIGHBOURS,
    min_similarity: float = MIN_VECTOR_SIMILARITY,
) -> dict[tuple[int, int], float]:
    """Unordered candidate pairs (i < j) with their document-vector cosine."""
    n = len(texts)
    pairs: dict[tuple[int, int], float] = {}
    if n < 2:
        return pairs
    vectors = np.ascontiguousarray(doc_vectors, dtype=np.float32)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    k = min(neighbours + 1, n)
    sims, ids = index.search(vectors, k)
    for i in range(n):
        for sim, j in zip(sims[i], ids[i]):
            if j < 0 or j == i or sim < min_similarity:
                continue
            a, b = (i, int(j)) if i < j else (int(j), i)
            pairs[(a, b)] = float(sim)
    lsh = RMinHashLSH(threshold=0.3, num_perm=NUM_PERM, num_bands=LSH_BANDS)
    hashes = [minhash(t) for t in texts]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j == i:
                continue
            a, b = (i, int(j)) if i < j else (int(j), i)
            if (a, b) not in pairs:
                pairs[(a, b)] = float(vectors[a] @ vectors[b])
    return pairs
