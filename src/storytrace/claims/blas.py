"""spaCy's matrix products on numpy's BLAS.

thinc's CPU ops multiply through the ``blis`` wheel, which picks its kernels by CPU model.
On CPUs it does not know (AMD Zen 3 and later, explosion/cython-blis#53) it falls back to
its generic reference kernels: on this project's 2-core AMD EPYC the ``(n, 288) x (288,
288)`` products of the tagger, parser and NER ran 3.3x slower than numpy's OpenBLAS (one
thread each, ``bench/spacy_gemm.py``). numpy's OpenBLAS chooses its kernels at run time for
every x86 CPU, so the products go there whatever the machine. Parses and entities were
identical on the measured sentences; the parser's own C-level transition loop still uses
blis (only thinc's ``Ops.gemm`` is rerouted).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from thinc.api import NumpyOps

__all__ = ["NumpyGemmOps", "use_numpy_gemm"]


class NumpyGemmOps(NumpyOps):
    """thinc's NumpyOps with ``gemm`` on ``numpy.matmul``."""

    name = "numpy_gemm"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return np.matmul(a, b)
        np.matmul(a, b, out=out)
        return out


def use_numpy_gemm(nlp: Any) -> Any:
    """Give every thinc layer of a loaded spaCy pipeline the numpy-gemm ops; returns ``nlp``."""
    ops = NumpyGemmOps()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:  # only the plain CPU ops: a GPU or custom ops stays
                node.ops = ops
    return nlp
