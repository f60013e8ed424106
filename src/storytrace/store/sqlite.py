"""The SQLite store: reports, their sentence vectors, rejected inputs, cached alignments, traces.

Every report is written in its own transaction, so an interrupted ingest keeps everything
committed before it and nothing half-written. Re-adding a report with the same id and the
same content is a no-op; the same id with other content is refused, never overwritten.
WAL mode lets readers (the web UI) work while a trace writes.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import numpy as np

from storytrace.align.aligner import SentenceMatch
from storytrace.index.embed import MODEL_ID
from storytrace.model import Article, Sentence, format_published, parse_published

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    published TEXT,
    outlet TEXT,
    url TEXT,
    title TEXT,
    origin_path TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    sentences TEXT NOT NULL,
    added_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    model TEXT NOT NULL,
    rows INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS rejected (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    input TEXT NOT NULL,
    record TEXT,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    at REAL NOT NULL,
    UNIQUE (input, record, reason)
);
CREATE TABLE IF NOT EXISTS pairs (
    derived TEXT NOT NULL,
    source TEXT NOT NULL,
    model TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (derived, source)
);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class Store:
    def __init__(self, path: str | Path = "storytrace.db"):
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=30.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------- articles
    def add_article(self, article: Article) -> str:
        """Store one report atomically. Returns "added", "same" (already stored) or "conflict"."""
        digest = article.content_hash()
        row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", (article.id,)).fetchone()
        if row is not None:
            return "same" if row[0] == digest else "conflict"
        with self.db:
            self.db.execute(
                "INSERT INTO articles (id, content_hash, text, published, outlet, url, title, origin_path, meta, sentences, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    digest,
                    article.text,
                    format_published(article.published) if article.published else None,
                    article.outlet,
                    article.url,
                    article.title,
                    article.origin_path,
                    json.dumps(article.meta, sort_keys=True, default=str),
                    json.dumps([[s.start, s.end, s.paragraph] for s in article.sentences]),
                    time.time(),
                ),
            )
        return "added"

    def update_sentences(self, article: Article) -> None:
        with self.db:
            self.db.execute(
                "UPDATE articles SET sentences = ? WHERE id = ?",
                (json.dumps([[s.start, s.end, s.paragraph] for s in article.sentences]), article.id),
            )

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def articles(self) -> list[Article]:
        out = []
        for row in self.db.execute(
            "SELECT id, text, published, outlet, url, title, origin_path, meta, sentences FROM articles ORDER BY seq"
        ):
            aid, text, published, outlet, url, title, origin_path, meta, sentences = row
            article = Article(
                id=aid,
                text=text,
                published=parse_published(published) if published else None,
                outlet=outlet,
                url=url,
                title=title,
                origin_path=origin_path,
                meta=json.loads(meta),
            )
            article.sentences = [
                Sentence(index=k, start=start, end=end, text=text[start:end], paragraph=para)
                for k, (start, end, para) in enumerate(json.loads(sentences))
            ]
            out.append(article)
        return out

    def count(self, table: str = "articles") -> int:
        if table not in {"articles", "vectors", "rejected", "pairs", "stories"}:
            raise ValueError(table)
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # ---------------------------------------------------------------- vectors
    def vectors(self) -> dict[str, np.ndarray]:
        out = {}
        for aid, rows, dim, data in self.db.execute("SELECT article_id, rows, dim, data FROM vectors WHERE model = ?", (MODEL_ID,)):
            out[aid] = np.frombuffer(data, dtype=np.float16).reshape(rows, dim).astype(np.float32)
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        with self.db:
            for aid, arr in vectors.items():
                arr16 = np.ascontiguousarray(arr, dtype=np.float16)
                dim = arr16.shape[1] if arr16.ndim == 2 else 0
                self.db.execute(
                    "INSERT OR REPLACE INTO vectors (article_id, model, rows, dim, data) VALUES (?, ?, ?, ?, ?)",
                    (aid, MODEL_ID, arr16.shape[0], dim, arr16.tobytes()),
                )

    # ---------------------------------------------------------------- alignment cache
    def pairs(self) -> dict[tuple[str, str], list[SentenceMatch]]:
        out = {}
        for derived, source, payload in self.db.execute("SELECT derived, source, payload FROM pairs WHERE model = ?", (MODEL_ID,)):
            out[(derived, source)] = [
                SentenceMatch(m[0], list(m[1]), m[2], m[3], m[4], tuple(m[5])) for m in json.loads(payload)
            ]
        return out

    def put_pairs(self, pairs: dict[tuple[str, str], list[SentenceMatch]]) -> None:
        with self.db:
            for (derived, source), matches in pairs.items():
                payload = json.dumps(
                    [[m.derived_sentence, m.source_sentences, m.relation, m.score, m.coverage, list(m.extra_best)] for m in matches]
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO pairs (derived, source, model, payload) VALUES (?, ?, ?, ?)",
                    (derived, source, MODEL_ID, payload),
                )

    # ---------------------------------------------------------------- rejected inputs
    def add_rejected(self, input: str, record, kind: str, reason: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO rejected (input, record, kind, reason, at) VALUES (?, ?, ?, ?, ?)",
                (str(input), None if record is None else str(record), kind, reason, time.time()),
            )

    def rejected(self) -> list[dict]:
        rows = self.db.execute("SELECT input, record, kind, reason, at FROM rejected ORDER BY seq").fetchall()
        return [{"input": r[0], "record": r[1], "kind": r[2], "reason": r[3], "at": r[4]} for r in rows]

    # ---------------------------------------------------------------- traces
    def save_stories(self, stories: list[dict]) -> None:
        with self.db:
            self.db.execute("DELETE FROM stories")
            self.db.executemany(
                "INSERT INTO stories (id, payload) VALUES (?, ?)",
                [(s["id"], json.dumps(s, ensure_ascii=False)) for s in stories],
            )

    def stories(self) -> list[dict]:
        return [json.loads(p) for (p,) in self.db.execute("SELECT payload FROM stories ORDER BY rowid")]
