"""Where the tests find the repository's files and the shared data next to it."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATASETS = Path(os.environ.get("STORYTRACE_DATASETS") or SHARED / "datasets")
DEMO = ROOT / "src" / "storytrace" / "demo" / "corpus.jsonl"
INGEST_FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
