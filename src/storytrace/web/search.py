"""Full-text search over the stored reports (SQLite FTS5, in the store's own file).

The index is an external-content FTS5 table over ``articles(title, text)`` kept in step by
triggers, so every writer (the CLI, the server, another process) updates it inside the same
transaction that inserts the report, and nothing is stored twice. A store made before the
index existed gets it built from its rows the first time the server opens it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

FTS_VERSION = "1"  # bump when the table or tokenizer changes: the index is then rebuilt

_CREATE = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
"""
_DROP = """
DROP TRIGGER IF EXISTS articles_fts_ai;
DROP TRIGGER IF EXISTS articles_fts_ad;
DROP TRIGGER IF EXISTS articles_fts_au;
DROP TABLE IF EXISTS articles_fts;
"""

# Private-use characters mark the matched terms inside snippets; they are turned into offsets
# (JSON) or <mark> (HTML) after the text around them is escaped.
MARK_OPEN = "\ue000"
ELLIPSIS = "…"  # where a snippet was cut
MARK_CLOSE = "\ue001"
MAX_QUERY = 500

# sqlite3 reports a bad MATCH expression as OperationalError, like a locked database; these
# words mean the error is the database's, not the query's.
_NOT_QUERY = ("locked", "busy", "disk", "no such table", "readonly", "corrupt", "malformed database")


class SearchError(ValueError):
    """The query is not valid FTS5 syntax (the message says why and how to fix it)."""


@dataclass
class Hit:
    id: str
    title: str | None
    published: str | None
    outlet: str | None
    snippet: str
    highlights: list[tuple[int, int]]
    sentence: int | None = None  # 0-based index of the sentence holding the first match in the text


def ensure_index(db: sqlite3.Connection) -> bool:
    """Create the index and its triggers if missing (or outdated) and fill it from the stored
    rows. Returns True when it (re)built the index. ``articles`` must exist."""
    row = db.execute("SELECT value FROM meta WHERE key = 'web.fts'").fetchone()
    have = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone() is not None
    triggers = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_fts_a_'").fetchone()[
        0
    ]
    if have and triggers == 3 and row is not None and row[0] == FTS_VERSION:
        return False
    # One transaction: a concurrent insert lands either before the rebuild (and is indexed by
    # it) or after the triggers exist (and is indexed by them).
    db.execute("BEGIN IMMEDIATE")
    try:
        for stmt in _split(_DROP) + _split(_CREATE):
            db.execute(stmt)
        db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('web.fts', ?)", (FTS_VERSION,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return True


def _split(script: str) -> list[str]:
    """Statements of a script (executescript would commit the open transaction)."""
    out, buf = [], []
    for line in script.strip().splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    return out


def check_query(query: str) -> str:
    q = (query or "").strip()
    if not q:
        raise SearchError("empty query: give one or more words")
    if len(q) > MAX_QUERY:
        raise SearchError(f"query too long ({len(q)} characters, at most {MAX_QUERY})")
    return q


def search(db: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0) -> tuple[int, list[Hit]]:
    """(number of matching reports, one page of hits best first). Raises SearchError for a
    query FTS5 cannot parse."""
    q = check_query(query)
    try:
        total = db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (q,)).fetchone()[0]
        rows = db.execute(
            "SELECT a.id, a.title, a.published, a.outlet, a.text, a.sentences,"
            f" snippet(articles_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '{ELLIPSIS}', 24)"
            " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
            " WHERE articles_fts MATCH ?"
            " ORDER BY bm25(articles_fts, 3.0, 1.0), a.seq LIMIT ? OFFSET ?",  # title words weigh more; seq breaks ties
            (q, int(limit), int(offset)),
        ).fetchall()
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if any(word in message.lower() for word in _NOT_QUERY):
            raise
        raise SearchError(
            f'cannot parse the search query ({message}). FTS5 syntax: words, "quoted phrases", '
            'AND / OR / NOT, prefix*, title:word; put words with punctuation in double quotes, e.g. "covid-19"'
        ) from exc
    hits = []
    for aid, title, published, outlet, full_text, sentences, snip in rows:
        text, marks = split_marks(snip or "")
        hits.append(
            Hit(
                id=aid,
                title=title,
                published=published,
                outlet=outlet,
                snippet=text,
                highlights=marks,
                sentence=match_sentence(full_text or "", sentences, text, marks),
            )
        )
    return total, hits


def match_sentence(text: str, sentences_json: str | None, snippet: str, marks: list[tuple[int, int]]) -> int | None:
    """The sentence of ``text`` where the snippet's first match is, so that a result can open
    there. The snippet is a piece of the text itself (FTS5 cuts it from the column), marked
    off with an ellipsis where it was cut. None when the match is in the title only."""
    if not marks:
        return None
    lead = len(ELLIPSIS) if snippet.startswith(ELLIPSIS) else 0
    core = snippet[lead:]
    if core.endswith(ELLIPSIS):
        core = core[: -len(ELLIPSIS)]
    at = text.find(core)
    if at < 0:
        return None
    offset = at + marks[0][0] - lead
    try:
        spans = json.loads(sentences_json or "[]")
    except ValueError:
        return None
    for k, span in enumerate(spans):
        if span[0] <= offset < span[1]:
            return k
    return None


def split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain snippet text and the [start, end) offsets of the matched terms in it."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0
    start = None
    for ch in marked:
        if ch == MARK_OPEN:
            start = pos
        elif ch == MARK_CLOSE:
            if start is not None and pos > start:
                marks.append((start, pos))
            start = None
        else:
            out.append(ch)
            pos += 1
    return "".join(out), marks
