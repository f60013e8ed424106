"""A static (context-free) sentence encoder distilled from the same all-MiniLM-L6-v2 weights.

The ``static`` encoder trades a little alignment quality for about forty times the
speed of the transformer (see BENCHMARKS.md, "Encoders"). It follows Model2Vec's recipe
(Tulkens and van Dongen, 2024): every vocabulary token is passed alone through the
transformer and its output mean-pooled; the table is reduced to 256 dimensions by PCA and
each row weighted by SIF (Arora et al., ICLR 2017) with token frequencies estimated by
Zipf's law from the vocabulary order. Model2Vec's own distiller needs torch, so the table
is made here from the int8 ONNX graph the default encoder already runs, once per machine,
and cached (``STORYTRACE_CACHE`` or ``~/.cache/storytrace``); inference is Model2Vec's
``StaticModel``. No weights are downloaded: the table is derived from the installed model.
"""

from __future__ import annotations

import os
import tempfile
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

import numpy as np

from storytrace.index.wordpieces import content_positions
from storytrace.segment.sentences import encodable

DIM = 256
SIF = 1e-4
RECIPE = "minilm-int8-mean-pca256-sif1e-4-v1"  # bump when the recipe changes: it names the cache file
BATCH = 1024


def cache_dir() -> Path:
    return Path(os.environ.get("STORYTRACE_CACHE") or Path.home() / ".cache" / "storytrace")


def distill(embedder) -> np.ndarray:
    """The static table (vocabulary × DIM, float32) from a transformer ``Embedder``."""
    tokenizer = embedder.tokenizer
    vocab = tokenizer.get_vocab_size()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    table = np.zeros((vocab, 384), np.float32)
    # fixed batches in id order: the int8 graph quantises activations per batch, so the
    # same batches give the same table on every run
    for start in range(0, vocab, BATCH):
        ids = np.arange(start, min(vocab, start + BATCH))
        x = np.stack([np.full(len(ids), cls), ids, np.full(len(ids), sep)], axis=1).astype(np.int64)
        feeds = {"input_ids": x, "attention_mask": np.ones_like(x)}
        if "token_type_ids" in embedder.input_names:
            feeds["token_type_ids"] = np.zeros_like(x)
        table[ids] = embedder.session.run(None, feeds)[0].mean(axis=1)
    centred = table - table.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred / (vocab - 1))
    reduced = centred @ vectors[:, ::-1][:, :DIM]
    inv_rank = 1.0 / np.arange(2, vocab + 2)
    frequency = inv_rank / inv_rank.sum()
    return (reduced * (SIF / (SIF + frequency))[:, None]).astype(np.float32)


def table_path() -> Path:
    return cache_dir() / f"static-{RECIPE}.npy"


def load_table(embedder_factory) -> np.ndarray:
    """The cached table, distilled on first use (a few tens of seconds, once)."""
    path = table_path()
    if path.exists():
        try:
            table = np.load(path)
            if table.ndim == 2 and table.shape[1] == DIM:
                return table
        except (OSError, ValueError):
            pass  # a damaged cache file is made again
    table = distill(embedder_factory())
    path.parent.mkdir(parents=True, exist_ok=True)
    # written under another name and renamed: two processes distilling at once cannot
    # leave half a file behind
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
    with os.fdopen(fd, "wb") as f:
        np.save(f, table)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return table


ROWS_KEPT = 8192  # texts whose word-piece rows an encoder keeps (about 6 MB)
_ENCODERS: weakref.WeakSet = weakref.WeakSet()


def forget_rows() -> None:
    """Every encoder of this process lets go of the word-piece rows it keeps."""
    for encoder in list(_ENCODERS):
        with encoder._kept_lock:
            encoder._kept.clear()


class StaticEncoder:
    """Same interface as ``embed.Embedder``: sentence vectors and content-token vectors."""

    dim = DIM

    def __init__(self, table: np.ndarray, tokenizer):
        from model2vec import StaticModel

        self.model = StaticModel(table, tokenizer, normalize=True, max_length=128)
        norms = np.linalg.norm(table, axis=1, keepdims=True)
        self.unit = (table / np.maximum(norms, 1e-12)).astype(np.float32)
        self._kept: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._kept_lock = threading.Lock()  # a server's trace and its requests may share the encoder
        _ENCODERS.add(self)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_with_tokens(texts, tokens=False)[0]

    def encode_with_tokens(self, texts: list[str], tokens: bool = True) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, DIM), np.float32), []
        texts = [encodable(t) if t.strip() else "." for t in texts]
        # one tokenisation serves both: the sentence vector is the mean of the token rows
        # (as StaticModel.encode makes it, truncated to its max_length), the content tokens
        # are looked up in the unit table
        pooled = np.zeros((len(texts), DIM), np.float32)
        token_vectors: list[np.ndarray] = []
        rows = self._rows(texts)
        for i, (known, content) in enumerate(rows):
            if len(known):
                pooled[i] = self.model.embedding[known].mean(axis=0)
            if tokens:
                token_vectors.append(self.unit[content] if len(content) else np.zeros((0, DIM), np.float32))
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-32
        return pooled, token_vectors

    def _rows(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text, the table rows its vectors are made of: the known word pieces (as
        StaticModel keeps them, cut to its max_length) and the content word pieces. A pure
        function of the text, kept for the last ROWS_KEPT texts: a report is prepared again
        where a task or the lineage pass aligns it after another one embedded it, and the
        tokenizer is most of what that costs."""
        with self._kept_lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._kept]
            unknown = self.model.unk_token_id
            for text, enc in zip(todo, self.model.tokenizer.encode_batch(todo, add_special_tokens=False), strict=True):
                known = [t for t in enc.ids if t != unknown]  # StaticModel drops unknown tokens
                keep = content_positions(enc.tokens)
                self._kept[text] = (
                    np.asarray(known[: self.model.max_length], dtype=np.int64),
                    np.asarray(enc.ids, dtype=np.int64)[keep] if keep else np.zeros(0, np.int64),
                )
            out = []
            for text in texts:
                self._kept.move_to_end(text)
                out.append(self._kept[text])
            while len(self._kept) > ROWS_KEPT:
                self._kept.popitem(last=False)
            return out
