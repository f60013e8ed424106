"""The SQLite store: reports, their sentence vectors, rejected inputs, cached alignments, traces.

Every report is written in its own transaction, so an interrupted ingest keeps everything
committed before it and nothing half-written. Re-adding a report with the same id and the
same content is a no-op; the same id with other content is refused, never overwritten
(``add_version`` keeps it instead as a new version linked to the first: a changed page).
WAL mode lets readers (the web UI) work while a trace writes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
import time
from pathlib import Path

import numpy as np

from storytrace.align.aligner import SentenceMatch
from storytrace.index.embed import model_id
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
CREATE TABLE IF NOT EXISTS audits (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Changed versions of a stored report (a re-fetched URL whose page changed): each version is an
# article of its own (id "<first id>@v<n>", n >= 2) and a row here linking it to the first.
# text_hash identifies the content (text and title) so that an unchanged re-fetch is a no-op.
VERSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    first_id TEXT NOT NULL REFERENCES articles(id),
    n INTEGER NOT NULL,
    text_hash TEXT NOT NULL,
    UNIQUE (first_id, n)
);
"""


def version_hash(text: str, title: str | None) -> str:
    """What makes a version differ: the text and the title (not the date, which a page without
    one gets from the fetch time, nor the fetch metadata)."""
    h = hashlib.sha256()
    for part in (text, title or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class Store:
    def __init__(self, path: str | Path = "storytrace.db"):
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=30.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.executescript(VERSIONS_SCHEMA)  # creating it on open is the migration of older stores
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
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
            article.language = article.meta.get("language")  # detected at ingest: not again in each trace
            article.sentences = [
                Sentence(index=k, start=start, end=end, text=text[start:end], paragraph=para)
                for k, (start, end, para) in enumerate(json.loads(sentences))
            ]
            out.append(article)
        return out

    def count(self, table: str = "articles") -> int:
        if table not in {"articles", "vectors", "rejected", "pairs", "stories", "versions", "audits"}:
            raise ValueError(table)
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # ---------------------------------------------------------------- vectors
    def vectors(self) -> dict[str, np.ndarray]:
        out = {}
        for aid, rows, dim, data in self.db.execute(
            "SELECT article_id, rows, dim, data FROM vectors WHERE model = ?", (model_id(),)
        ):
            out[aid] = np.frombuffer(data, dtype=np.float16).reshape(rows, dim).astype(np.float32)
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        with self.db:
            for aid, arr in vectors.items():
                arr16 = np.ascontiguousarray(arr, dtype=np.float16)
                dim = arr16.shape[1] if arr16.ndim == 2 else 0
                self.db.execute(
                    "INSERT OR REPLACE INTO vectors (article_id, model, rows, dim, data) VALUES (?, ?, ?, ?, ?)",
                    (aid, model_id(), arr16.shape[0], dim, arr16.tobytes()),
                )

    # ---------------------------------------------------------------- alignment cache
    def pairs(self) -> dict[tuple[str, str], list[SentenceMatch]]:
        out = {}
        for derived, source, payload in self.db.execute(
            "SELECT derived, source, payload FROM pairs WHERE model = ?", (model_id(),)
        ):
            out[(derived, source)] = [SentenceMatch(m[0], list(m[1]), m[2], m[3], m[4], tuple(m[5])) for m in json.loads(payload)]
        return out

    def put_pairs(self, pairs: dict[tuple[str, str], list[SentenceMatch]]) -> None:
        with self.db:
            for (derived, source), matches in pairs.items():
                payload = json.dumps(
                    [
                        [m.derived_sentence, m.source_sentences, m.relation, m.score, m.coverage, list(m.extra_best)]
                        for m in matches
                    ]
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO pairs (derived, source, model, payload) VALUES (?, ?, ?, ?)",
                    (derived, source, model_id(), payload),
                )

    # ---------------------------------------------------------------- rejected inputs
    def add_rejected(self, input: str, record, kind: str, reason: str) -> None:
        if (
            record is None
            and self.db.execute(
                "SELECT 1 FROM rejected WHERE input = ? AND record IS NULL AND reason = ?", (str(input), reason)
            ).fetchone()
        ):
            return  # UNIQUE treats NULLs as distinct: a whole-file rejection would be listed again on every re-run
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

    # ---------------------------------------------------------------- audits (pipeline.audit_cache)
    def audits(self, keys: list[str]) -> dict[str, str]:
        """The stored audits of these keys (those the store has)."""
        found: dict[str, str] = {}
        for k in range(0, len(keys), 500):
            chunk = keys[k : k + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT key, payload FROM audits WHERE key IN ({marks})", chunk).fetchall())
        return found

    def keep_audits(self, new: dict[str, str], used: set[str]) -> None:
        """Add the new audits and drop those no story of the latest trace uses, in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO audits (key, payload) VALUES (?, ?)", sorted(new.items()))
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used_audits (key TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM used_audits")
            self.db.executemany("INSERT OR IGNORE INTO used_audits (key) VALUES (?)", [(k,) for k in sorted(used)])
            self.db.execute("DELETE FROM audits WHERE key NOT IN (SELECT key FROM used_audits)")

    # ---------------------------------------------------------------- versions (changed pages)
    def add_version(self, article: Article) -> tuple[str, str]:
        """Store a re-fetched report whose id may already be stored. Returns (state, id):
        (add_article's answer, id) when the id is new; ("same", id of the latest version) when
        its text and title equal the latest version's (the first counts as version 1); else
        ("version", "<id>@v<n>"): a new article linked to the first, both rows written in one
        transaction."""
        first = article.id
        row = self.db.execute("SELECT text, title FROM articles WHERE id = ?", (first,)).fetchone()
        if row is None:
            return self.add_article(article), first
        digest = version_hash(article.text, article.title)
        with self.db:
            latest = self.db.execute(
                "SELECT article_id, n, text_hash FROM versions WHERE first_id = ? ORDER BY n DESC LIMIT 1", (first,)
            ).fetchone()
            if latest is None:
                latest = (first, 1, version_hash(row[0], row[1]))
            if latest[2] == digest:
                return "same", latest[0]
            n = latest[1] + 1
            while self.has_article(f"{first}@v{n}"):  # an id taken by a report read from elsewhere
                n += 1
            version = copy.copy(article)
            version.id = f"{first}@v{n}"
            version.meta = {**article.meta, "version_of": first, "version": n}
            self._insert_article(version)
            self.db.execute(
                "INSERT INTO versions (article_id, first_id, n, text_hash) VALUES (?, ?, ?, ?)", (version.id, first, n, digest)
            )
        return "version", version.id

    def _insert_article(self, article: Article) -> None:
        # a version's row, inside add_version's transaction; anything add_article does beside its
        # INSERT (a search index, say) must happen here too, or be a trigger
        self.db.execute(
            "INSERT INTO articles (id, content_hash, text, published, outlet, url, title, origin_path, meta, sentences, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.content_hash(),
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

    def published_of(self, article_id: str):
        """The stored publication date of a report (None when undated or not stored)."""
        row = self.db.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()
        return parse_published(row[0]) if row and row[0] else None

    def versions(self) -> list[dict]:
        """Every stored version after the first: {"id", "first", "n"}, oldest first."""
        rows = self.db.execute("SELECT article_id, first_id, n FROM versions ORDER BY first_id, n").fetchall()
        return [{"id": r[0], "first": r[1], "n": r[2]} for r in rows]
