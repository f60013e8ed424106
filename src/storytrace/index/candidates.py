"""Which pairs of reports are worth comparing at all, without comparing all pairs.

What ``pipeline.trace`` uses (the scale design, issue 7): signatures that cost microseconds a
report and need no model. A MinHash of word shingles (rensa LSH finds copies and close
rewrites); the tf-idf rows the grouping computes anyway, from which each report proposes the
reports sharing most of its rare terms (names, numbers, places: what a paraphrase keeps)
and the reports that contain most of its rare terms (a summary inside its article). Only
terms in few reports take part, so the work follows short posting lists, not n².

``candidate_pairs`` is the earlier design, kept as the reference that bench/scale_equality.py
compares against: faiss nearest neighbours over document vectors (the mean of a report's
sentence vectors), which needs every sentence of every report embedded first.
"""

from __future__ import annotations

import re

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
    import faiss  # only this reference path needs it

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
        for sim, j in zip(sims[i], ids[i], strict=False):
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


# ---------------------------------------------------------------------------------------
# Cheap candidates for every report, no sentence vectors needed (what the trace uses).
#
# Embedding every sentence of every report cost ~85 % of a trace, and most reports of a
# news stream derive from nothing. Sentence vectors are computed only for reports in a pair
# that lineage must align.

DF_CAP_SHARE = 0.005  # terms in more than this share of reports do not propose pairs...
DF_CAP_MIN = 50  # ...unless the pile is small; common words cost quadratic work and find topics, not copies
QUERY_TERMS = 40  # a report proposes partners through its rarest terms only
CONTAIN_NEIGHBOURS = 4  # reports that contain this one best (a summary inside its article)
LINEAGE_MIN_COSINE = 0.15  # llmfake piles: every true rewrite pair the vector kNN found is above it
LINEAGE_MIN_CONTAIN = 0.3  # idf mass of the later report's words found in the earlier one (summaries)


# A bucket of the LSH holds the reports whose signatures agree on one band. In a bucket of at
# most BUCKET_ALL reports every pair is a candidate (the rensa LSH query's answer); in a larger
# one (300 outlets printing one wire story, a feed of near-identical items) each report pairs
# with the bucket's BUCKET_FIRST earliest (the copy's likely origin) and its BUCKET_WINDOW
# nearest predecessors, so that the pairs grow with the bucket, not with its square.
BUCKET_FIRST = 8
BUCKET_WINDOW = 24
BUCKET_ALL = BUCKET_FIRST + BUCKET_WINDOW + 1


def lsh_pairs(texts: list[str]) -> set[tuple[int, int]]:
    """Pairs whose word-trigram MinHash collide in the LSH (copies and close rewrites); texts
    in date order (a bucket's members are taken in it). The banding is rensa's (LSH_BANDS bands
    of NUM_PERM / LSH_BANDS rows, a pair collides when one band agrees); it is written out here
    because a query that lists a whole bucket costs the square of the bucket's size."""
    rows = NUM_PERM // LSH_BANDS
    out: set[tuple[int, int]] = set()
    if len(texts) < 2:
        return out
    digests = np.array([minhash(t).digest() for t in texts], dtype=np.uint64)
    buckets: list[np.ndarray] = []
    for band in range(LSH_BANDS):
        _, label = np.unique(digests[:, band * rows : (band + 1) * rows], axis=0, return_inverse=True)
        label = label.ravel()
        order = np.argsort(label, kind="stable")  # positions ascending within a bucket
        cuts = np.flatnonzero(np.diff(label[order])) + 1
        buckets.extend(group for group in np.split(order, cuts) if len(group) > 1)
    for group in buckets:
        members = group.tolist()
        if len(members) <= BUCKET_ALL:
            out.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
            continue
        for k, b in enumerate(members):
            for a in members[: min(k, BUCKET_FIRST)]:
                out.add((a, b))
            for a in members[max(BUCKET_FIRST, k - BUCKET_WINDOW) : k]:
                out.add((a, b))
    return out


def lsh_pairs_rensa(texts: list[str]) -> set[tuple[int, int]]:
    """Every pair rensa's LSH query finds (quadratic in a bucket's size): the reference that
    tests/index compare :func:`lsh_pairs` with where no bucket is large."""
    lsh = RMinHashLSH(threshold=0.3, num_perm=NUM_PERM, num_bands=LSH_BANDS)
    hashes = [minhash(t) for t in texts]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    out: set[tuple[int, int]] = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                out.add((i, int(j)) if i < j else (int(j), i))
    return out


def _binary_idf(tfidf, idf: np.ndarray):
    """Rows of sqrt(idf) on the terms a report has: their dot product is the idf mass shared."""
    b = tfidf.tocsr(copy=True)
    b.data = np.sqrt(idf[b.indices]).astype(np.float32)
    return b


def term_neighbours(
    tfidf, idf: np.ndarray, k: int = NEIGHBOURS, k_contain: int = CONTAIN_NEIGHBOURS, chunk: int = 2000
) -> set[tuple[int, int]]:
    """Unordered pairs (i < j): each report's ``k`` nearest by shared rare-term mass (a cosine
    of idf-weighted term sets) and the ``k_contain`` reports that contain most of its rare terms.

    Only terms in at most max(DF_CAP_MIN, DF_CAP_SHARE * n) reports take part, and each report
    queries with its QUERY_TERMS rarest terms: the work is bounded by rare-term posting lists,
    not by n², and rare terms (names, numbers, places) are what a copy keeps.
    """
    import scipy.sparse as sp

    n = tfidf.shape[0]
    out: set[tuple[int, int]] = set()
    if n < 2:
        return out
    b = _binary_idf(tfidf, idf)
    df = np.bincount(b.indices, minlength=b.shape[1])
    cap = max(DF_CAP_MIN, int(DF_CAP_SHARE * n))
    keep = np.flatnonzero((df <= cap) & (df >= 2))  # a term of one report proposes nothing
    b = b[:, keep].tocsr()
    mass = np.asarray(b.multiply(b).sum(axis=1)).ravel()  # sum of idf over kept terms
    # the query side: each row's rarest terms (highest idf), a fixed number
    rows, cols, vals = [], [], []
    kept_idf = idf[keep]
    for i in range(n):
        lo, hi = b.indptr[i], b.indptr[i + 1]
        idx = b.indices[lo:hi]
        if len(idx) > QUERY_TERMS:
            sel = np.argpartition(-kept_idf[idx], QUERY_TERMS)[:QUERY_TERMS]
            idx, data = idx[sel], b.data[lo:hi][sel]
        else:
            data = b.data[lo:hi]
        rows.append(np.full(len(idx), i, dtype=np.int32))
        cols.append(idx)
        vals.append(data)
    q = sp.csr_matrix(
        (np.concatenate(vals) if vals else [], (np.concatenate(rows), np.concatenate(cols))), shape=b.shape, dtype=np.float32
    )
    bt = b.T.tocsr()
    norm = np.sqrt(np.maximum(mass, 1e-12))
    for start in range(0, n, chunk):
        s = (q[start : start + chunk] @ bt).tocsr()
        for r in range(s.shape[0]):
            i = start + r
            lo, hi = s.indptr[r], s.indptr[r + 1]
            idx, shared = s.indices[lo:hi], s.data[lo:hi]
            mask = idx != i
            idx, shared = idx[mask], shared[mask]
            if not len(idx):
                continue
            cos = shared / (norm[i] * norm[idx])
            top = idx[_top(cos, k)]
            top_c = idx[_top(shared, k_contain)]  # the reports holding most of i's rare terms
            for j in np.concatenate([top, top_c]):
                j = int(j)
                out.add((i, j) if i < j else (j, i))
    return out


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest values, ties to the lower position (deterministic)."""
    if len(values) <= k:
        return np.arange(len(values))
    order = np.lexsort((np.arange(len(values)), -values))
    return order[:k]


def pair_scores(tfidf, idf: np.ndarray, pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact tf-idf cosine of each pair, and the idf-weighted containment each way:
    (cosine, share of i's terms found in j, share of j's terms found in i)."""
    if not pairs:
        z = np.zeros(0, dtype=np.float32)
        return z, z, z
    x = tfidf.tocsr()
    a = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    c = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    cos = np.asarray(x[a].multiply(x[c]).sum(axis=1)).ravel()
    w = x.copy()
    w.data = idf[w.indices].astype(np.float32)
    bin_ = x.copy()
    bin_.data = np.ones_like(bin_.data)
    total = np.asarray(w.sum(axis=1)).ravel()
    shared = np.asarray(w[a].multiply(bin_[c]).sum(axis=1)).ravel()
    return cos, shared / np.maximum(total[a], 1e-12), shared / np.maximum(total[c], 1e-12)
