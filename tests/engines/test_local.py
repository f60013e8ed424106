"""The local process pool: results in task order, workers limited to one thread each, and the
parent's environment left as it was."""

from __future__ import annotations

import os

from storytrace.engines.local import _ONE_THREAD, Pool, default_workers


def test_default_workers_is_at_least_one():
    assert default_workers() >= 1


def test_results_come_back_in_task_order_and_workers_use_one_thread(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    with Pool(1) as pool:
        # the parent's environment is restored as soon as the workers exist
        assert os.environ["OMP_NUM_THREADS"] == "8"
        assert "MKL_NUM_THREADS" not in os.environ
        assert list(pool.map(abs, [-3, 1, -2, 0])) == [3, 1, 2, 0]
        names = list(_ONE_THREAD)
        seen = list(pool.map(os.getenv, names))
    assert seen == [_ONE_THREAD[name] for name in names]
