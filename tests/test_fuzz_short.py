"""A short fuzz run of every parser for CI (the long campaign is bench/fuzz/run.py).

Each parser gets a few hundred inputs: seeds of its format mutated byte-wise (flips, inserts of
format tokens, deletions, truncation) and raw bytes. The seeds are the hand-written examples of
bench/fuzz/corpus.py, plus real texts from ../shared/datasets wrapped in the format when the
folder is there (that half skips without it). Every input has a limit of CPU seconds (an
interval timer: hypothesis' deadline only reports a slow input after it has finished, and a
hang never finishes). The checks are the campaign's: bench/fuzz/targets.py.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from bench.fuzz import corpus
from bench.fuzz.targets import TARGETS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.paths import DATASETS, ROOT

LIMIT = 10.0  # seconds per input: over it is a hang (the campaign's --timeout)

# name -> examples per run. spaCy (claims) and pysbd (segment) are far slower than the rest.
EXAMPLES = {name: 300 for name in TARGETS} | {"html": 150, "feed": 150, "warc": 150, "sniffed": 150, "segment": 60, "claims": 25}

# Failures found by the campaign not fixed yet: (exception type, the function that raised it).
# None now; FIXED holds the reproducers of those fixed, checked on every run.
KNOWN: set[tuple[str, str]] = set()
FIXED = [("warc", b"WARC/1.0\nWARC-Type:response")]  # warcio's AttributeError on a response without a target URI

TOKENS = [
    b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xff\xfe", b"\r\n", b"\n\n", b'"', b",", b";", b"\t", b"{", b"}", b"[", b"]",
    b"<", b">", b"</p>", b"<![CDATA[", b"]]>", b"&#x", b"&amp;", b"<!--", b"-->", b"<?xml ", b'encoding="', b"charset=",
    b" date 2024-02-30 ", b"WARC/1.0\r\n", b"Content-Length: ", b"\r\n\r\n", b"\x1f\x8b\x08", b"PAR1",
    b"\\u", b"\\ud800", b"1e999", b"U.S.", b" a.m. ", b"\xe2\x80\x9c", b"\xe2\x80\x9d", "\u2028".encode(), b"...",
]  # fmt: skip


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise Hang(f"over {seconds} s")

    # CPU time, not wall time: a loaded CI machine must not turn a slow input into a "hang"
    old = signal.signal(signal.SIGVTALRM, on_alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


def _known(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and (type(exc).__name__, frames[-1].name) in KNOWN


def run_checked(name: str, data: bytes) -> None:
    try:
        with time_limit(LIMIT):
            TARGETS[name].run(data)
    except Exception as exc:
        if not _known(exc):
            raise


@st.composite
def mutated(draw, pool: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.integers(0, 4))
        pos = draw(st.integers(0, len(data)))
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == 1:
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == 2:
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == 3:
            data = data[:pos]
        else:
            data[pos:pos] = draw(st.binary(max_size=16))
    return bytes(data)


@cache
def _pool(name: str, real: bool) -> list[bytes]:
    texts = corpus.dataset_texts(n=60) if real else []
    limit = 1_500 if name in ("claims", "segment") else 6_000  # short seeds: the run must stay short
    pool = [s for s in corpus.seeds(name, texts) if len(s) <= limit or name in ("warc", "parquet", "gzip")]
    return pool or [b""]


def _fuzz(name: str, real: bool) -> Callable[[], None]:
    pool = _pool(name, real)
    if name == "claims":  # load the spaCy pipeline (seconds) outside the per-input limit
        TARGETS[name].run(b"Warm up.")

    @settings(
        max_examples=EXAMPLES[name],
        deadline=None,  # the interval timer is the limit; slow CI machines must not flake
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.one_of(mutated(pool), st.binary(max_size=512)))
    def check(data: bytes) -> None:
        run_checked(name, data)

    return check


@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz_hand_written_seeds(name: str) -> None:
    _fuzz(name, real=False)()


@pytest.mark.parametrize("name", [n for n in TARGETS if n not in ("claims", "parquet")])
def test_fuzz_real_seeds(name: str) -> None:
    if not DATASETS.is_dir():
        pytest.skip("../shared/datasets is absent")
    _fuzz(name, real=True)()


@pytest.mark.parametrize("name,data", FIXED)
def test_fixed_crashes_stay_fixed(name: str, data: bytes) -> None:
    with time_limit(LIMIT):
        TARGETS[name].run(data)


def test_atheris_short(tmp_path: Path) -> None:
    """The campaign's runner itself, for a few thousand coverage-guided inputs of two targets."""
    pytest.importorskip("atheris")
    out = tmp_path / "result.json"
    cmd = [sys.executable, str(ROOT / "bench" / "fuzz" / "run.py"), "--targets", "text,jsonl", "--runs", "3000"]
    cmd += ["--jobs", "2", "--workdir", str(tmp_path / "work"), "--json", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    results = json.loads(out.read_text())["results"]
    assert [r["target"] for r in results] == ["text", "jsonl"], proc.stdout + proc.stderr
    for r in results:
        assert r["inputs"] >= 3000 and r["crashes"] == 0 and not r["hangs"] and not r["deaths"], proc.stdout
