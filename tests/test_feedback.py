"""The SQLite feedback store: what is written comes back, and concurrent writers lose nothing."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from assistant.feedback import FeedbackStore

CITATIONS = [
    {
        "n": 1,
        "id": "feiten-productiviteit-trends-6",
        "ref": "Par. 2.3 en 4.3, CDT51",
        "text": "Mensen zonder startkwalificatie … blijven achter.",
    }
]


def test_add_and_read_back(tmp_path):
    store = FeedbackStore(tmp_path / "nested" / "data" / "feedback.sqlite3")  # folders created
    first = store.add("up", "Welke groepen blijven achter?", "Volgens de stukken: … [1]", CITATIONS)
    second = store.add("wrong_source", "Vraag twee", "Antwoord twee", [])
    assert second > first
    rows = store.all()
    assert [r["kind"] for r in rows] == ["up", "wrong_source"]
    assert rows[0]["question"] == "Welke groepen blijven achter?"
    assert rows[0]["answer"] == "Volgens de stukken: … [1]"
    assert rows[0]["citations"] == CITATIONS  # JSON round trip, non-ASCII intact
    assert rows[1]["citations"] == []
    assert rows[0]["created_at"].endswith("+00:00")  # ISO timestamp in UTC


def test_unknown_kind_is_refused(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    with pytest.raises(ValueError):
        store.add("meh", "q", "a", [])
    assert store.all() == []


def test_store_reopens_existing_database(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path).add("down", "q", "a", None)
    again = FeedbackStore(path)
    assert [r["kind"] for r in again.all()] == ["down"]
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_writes_are_not_lost(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    shared = FeedbackStore(path)
    # half the threads share one store, half open their own (like two server processes)
    stores = [shared if i % 2 else FeedbackStore(path) for i in range(8)]
    start = threading.Barrier(8)
    errors: list[BaseException] = []
    ids: list[int] = []
    ids_lock = threading.Lock()

    def writer(t: int) -> None:
        try:
            start.wait()
            for i in range(50):
                kind = ("up", "down", "wrong_source")[(t + i) % 3]
                row = stores[t].add(
                    kind, f"vraag {t}-{i}", f"antwoord {t}-{i}", [{"n": 1, "thread": t, "i": i}]
                )
                with ids_lock:
                    ids.append(row)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    rows = shared.all()
    assert len(rows) == 400
    assert len(set(ids)) == 400
    assert {r["question"] for r in rows} == {f"vraag {t}-{i}" for t in range(8) for i in range(50)}
