"""Loaders for the evaluation sets of ``storytrace eval``, one module per data set.

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

from storytrace.eval.datasets.common import default_datasets_dir
from storytrace.eval.datasets.f3 import F3Pair, load_f3
from storytrace.eval.datasets.frank import FrankPair, load_frank
from storytrace.eval.datasets.llmfake import LlmfakePair, load_llmfake
from storytrace.eval.datasets.llmfake_clean import PairCheck, clean_llmfake_pair, strip_chat_residue
from storytrace.eval.datasets.llmfake_pile import Pile, build_llmfake_pile, llmfake_filter_report
from storytrace.eval.datasets.ml_crisis import CrisisDoc, load_ml_crisis
from storytrace.eval.datasets.mrpc import MrpcPair, load_mrpc
from storytrace.eval.datasets.tls import TimelineUpdate, load_background_tls
from storytrace.eval.datasets.wikiref import WikirefDoc, load_wikiref, wikiref_label

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
