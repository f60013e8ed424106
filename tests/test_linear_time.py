"""Hostile input costs linear time in every text stage (issue 20).

For each pathological shape of ``bench/pathological.py`` and each stage that reads one
report's text, the stage is timed at sizes s and 2s (the min of a few runs each) and the
doubling must cost at most RATIO times, plus a small allowance for timings too short to
measure well. A backtracking regex or a quadratic loop reads about 4 at these sizes.
"""

from __future__ import annotations

import importlib.util
import time

import pytest

from tests.support.paths import ROOT

_spec = importlib.util.spec_from_file_location("pathological", ROOT / "bench" / "pathological.py")
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)

RATIO = 2.2
SLACK_S = 0.004  # timer noise and allocator effects on runs of a few milliseconds
REPEATS = 3

# size s per stage: large enough that a quadratic term shows, small enough for the whole file
# to run in well under 30 s on two cores (spaCy costs ~1 ms a sentence, so its stages are smaller)
SIZES = {
    "segment": 8_000,
    "features": 20_000,
    "candidates": 20_000,
    "claims": 1_500,
    "audit": 1_500,
    "html_fragment": 20_000,
    "html_page": 20_000,
}
TEXT_SHAPES = [s for s in hostile.SHAPES if s not in hostile.HTML_SHAPES]
CELLS = [(stage, shape) for stage in SIZES for shape in hostile.SHAPES if hostile.applies(stage, shape)]
# trafilatura on a page of plain-text shapes is its own business; the deep markup is ours to check
CELLS = [(stage, shape) for stage, shape in CELLS if not (stage == "html_page" and shape in TEXT_SHAPES)]


def _best(run, state) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        run(state)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize(("stage", "shape"), CELLS, ids=[f"{a}-{b}" for a, b in CELLS])
def test_doubling_the_input_at_most_doubles_the_time(stage, shape):
    setup, run, _ = hostile.STAGES[stage]
    n = SIZES[stage]
    run(setup(hostile.SHAPES[shape](max(1, n // 8))))  # warm up: imports, models, compiled regexes
    small = _best(run, setup(hostile.SHAPES[shape](n)))
    large = _best(run, setup(hostile.SHAPES[shape](2 * n)))
    assert large <= RATIO * small + SLACK_S, f"{stage} on {shape}: {small * 1000:.1f} ms -> {large * 1000:.1f} ms at 2x"
