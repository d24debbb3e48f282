"""Feedback of council members on answers (thumbs up/down, wrong source), kept in SQLite.

The web server answers several requests at once from worker threads, so every call opens its
own short-lived connection (SQLite connections must not be shared between threads) and the
database runs in WAL mode with a busy timeout: concurrent writers wait instead of failing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

KINDS = ("up", "down", "wrong_source")
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('up', 'down', 'wrong_source')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,  -- JSON list of the citations the feedback is about
    created_at TEXT NOT NULL  -- ISO 8601, UTC
)
"""


class FeedbackStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # schema creation and the switch to WAL are done once, under a lock, so two threads
        # opening a fresh database do not race on CREATE TABLE
        self._init_lock = threading.Lock()
        with self._init_lock, self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            with con:  # commits on success, rolls back on error
                yield con
        finally:
            con.close()

    def add(self, kind: str, question: str, answer: str, citations: list[dict] | None) -> int:
        """Store one piece of feedback; returns its row id."""
        if kind not in KINDS:
            raise ValueError(f"feedback kind must be one of {KINDS}, not {kind!r}")
        row = (
            kind,
            str(question),
            str(answer),
            json.dumps(citations or [], ensure_ascii=False, default=str),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO feedback (kind, question, answer, citations, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid)

    def all(self) -> list[dict]:
        """Every stored item, oldest first, with the citations decoded."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        out = []
        for r in rows:
            item = dict(r)
            item["citations"] = json.loads(item["citations"])
            out.append(item)
        return out
