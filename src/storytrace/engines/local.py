"""A process pool for the trace's tasks: one worker a core, one model thread a worker.

Workers are spawned (not forked: the parent may already hold onnxruntime and BLAS thread
pools) with every numeric library limited to one thread, so that two workers on two cores
do not fight over four threads. Results come back in task order, streamed, so the parent
never holds more than a few tasks' outputs at once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator

_ONE_THREAD = {
    "STORYTRACE_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


MAX_TASKS = 20


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Pool:
    def __init__(self, workers: int):
        self.workers = workers
        saved = {k: os.environ.get(k) for k in _ONE_THREAD}
        os.environ.update(_ONE_THREAD)  # inherited by the spawned workers only
        try:
            # a fresh worker now and then: spaCy's string store and the allocator keep what
            # a long-lived process once needed
            self._pool = multiprocessing.get_context("spawn").Pool(workers, maxtasksperchild=MAX_TASKS)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def map(self, fn: Callable, items: list) -> Iterator:
        # one task at a time per worker: tasks are already sized to keep a core busy
        return self._pool.imap(fn, items, chunksize=1)

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
