"""thinc's products rerouted to numpy's BLAS: same numbers as thinc's own gemm, every layer of
the loaded pipeline rerouted, and the parse of a sentence unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from thinc.api import NumpyOps

from storytrace.claims.blas import NumpyGemmOps, use_numpy_gemm
from storytrace.claims.extract import get_nlp


@pytest.mark.parametrize("trans1", [False, True])
@pytest.mark.parametrize("trans2", [False, True])
@pytest.mark.parametrize("with_out", [False, True])
def test_gemm_matches_thinc(trans1, trans2, with_out):
    rng = np.random.default_rng(7)
    x = rng.random((5, 3) if trans1 else (3, 5), dtype=np.float32)
    y = rng.random((4, 5) if trans2 else (5, 4), dtype=np.float32)
    kwargs = {"trans1": trans1, "trans2": trans2}
    want = NumpyOps().gemm(x, y, **kwargs)
    if with_out:
        out = np.zeros((3, 4), dtype=np.float32)
        got = NumpyGemmOps().gemm(x, y, out=out, **kwargs)
        assert got is out
    else:
        got = NumpyGemmOps().gemm(x, y, **kwargs)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_loaded_pipeline_uses_numpy_gemm():
    nlp = get_nlp()
    layers = [n for _, c in nlp.pipeline if hasattr(c, "model") for n in c.model.walk()]
    assert layers and all(isinstance(n.ops, NumpyGemmOps) for n in layers)


def test_parse_unchanged_by_rerouting():
    nlp = get_nlp()
    text = "John Kirby said on Friday that more than 200 hostages were held in Gaza, officials said."
    layers = [n for _, c in nlp.pipeline if hasattr(c, "model") for n in c.model.walk()]
    try:
        for n in layers:
            n.ops = NumpyOps()
        before = nlp(text)
        use_numpy_gemm(nlp)
        after = nlp(text)
    finally:
        use_numpy_gemm(nlp)
    assert [(t.tag_, t.dep_, t.head.i) for t in before] == [(t.tag_, t.dep_, t.head.i) for t in after]
    assert [(e.text, e.label_) for e in before.ents] == [(e.text, e.label_) for e in after.ents]
