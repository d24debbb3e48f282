"""A bounded flood on loopback: 300 requests from 30 threads against `assistant serve`
running in its own process, whose memory is measured."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request

import psutil
import pytest

from tests.test_ui_api import free_port

pytestmark = pytest.mark.integration

QUESTIONS = [
    "Welke groepen blijven achter in digitale vaardigheden?",
    "Wat is de hoofdstad van Australië?",
    "What is uncertain about the effect of AI on wages?",
    "",
    "x" * 5000,
    "<script>alert(1)</script>",
]


@pytest.fixture
def served(built_settings, tmp_path):
    port = free_port()
    env = dict(
        os.environ,
        ASSISTANT_INDEX_DIR=str(built_settings.index_dir),
        ASSISTANT_CORPUS_DIR=str(built_settings.corpus_dir),
        ASSISTANT_DATA_DIR=str(tmp_path),
        ASSISTANT_PORT=str(port),
        ASSISTANT_MAX_QUEUE="64",
        ASSISTANT_CONCURRENCY="4",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "config", timeout=2)
            break
        except OSError:
            assert proc.poll() is None, "assistant serve exited"
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("assistant serve did not come up within 120 s")
    try:
        yield url, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _flood(url: str, users: int, per_user: int, limit: int) -> tuple[list[str], list[str]]:
    from gradio_client import Client

    outcomes: list[str] = []
    wrong: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 240

    def user(i: int) -> None:
        client = Client(url, verbose=False)
        for j in range(per_user):
            if time.monotonic() > deadline:
                with lock:
                    outcomes.append("timeout")
                return
            q = QUESTIONS[(i + j) % len(QUESTIONS)]
            try:
                answer = client.predict(q, api_name="/ask")
                kind = "answer" if isinstance(answer, dict) and "answer" in answer else "odd"
            except Exception as exc:  # noqa: BLE001 - a refusal must be a clean error message
                kind = "refused" if str(exc) else "odd"
            invalid = not q or len(q) > limit
            with lock:
                outcomes.append(kind)
                if kind != ("refused" if invalid else "answer"):
                    wrong.append(f"{kind} for {q[:30]!r}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return outcomes, wrong


def test_flood_is_answered_or_refused_cleanly(served, built_settings):
    url, server = served
    limit = built_settings.max_question_chars
    _flood(url, 10, 6, limit)  # warm up: caches, queue workers
    rss_start = server.memory_info().rss
    start = time.monotonic()
    outcomes, wrong = _flood(url, 30, 10, limit)
    elapsed = time.monotonic() - start
    assert len(outcomes) == 300 and "odd" not in outcomes and "timeout" not in outcomes
    assert not wrong  # every valid question answered, every empty / too long one refused
    assert server.is_running()
    time.sleep(2)
    grown_mb = (server.memory_info().rss - rss_start) / 2**20
    print(
        f"300 requests in {elapsed:.1f} s; "
        f"{ {k: outcomes.count(k) for k in set(outcomes)} }; server RSS {grown_mb:+.0f} MB"
    )
    assert grown_mb < 100
