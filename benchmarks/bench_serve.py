"""Serving bars: page ready after `assistant serve` starts with a built index, and 20
concurrent gradio_client users asking in-scope questions (default generator).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_serve.py [--users 20] [--rounds 3]

Builds the index into a temporary folder first if ASSISTANT_INDEX_DIR has none.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_scope_questions() -> list[str]:
    cases = [
        json.loads(x) for x in (ROOT / "evals" / "gold.jsonl").read_text().splitlines() if x.strip()
    ]
    return [c["question"] for c in cases if c.get("answerable") and not c.get("history")]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3, help="questions per user")
    args = ap.parse_args()

    from assistant.indexing import index_corpus
    from assistant.settings import Settings
    from assistant.store import read_manifest

    settings = Settings.from_env(corpus_dir=ROOT / "corpus")
    index_dir = Path(os.environ.get("ASSISTANT_INDEX_DIR", ""))
    if not index_dir.name or not read_manifest(index_dir):
        index_dir = Path(tempfile.mkdtemp()) / "index"
        index_corpus(settings.with_(index_dir=index_dir))
    port = free_port()
    env = dict(
        os.environ,
        ASSISTANT_INDEX_DIR=str(index_dir),
        ASSISTANT_PORT=str(port),
        ASSISTANT_CORPUS_DIR=str(ROOT / "corpus"),
        ASSISTANT_DATA_DIR=tempfile.mkdtemp(),
    )
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                urllib.request.urlopen(url + "config", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    print("assistant serve did not come up")
                    return 1
                time.sleep(0.1)
        ready = time.perf_counter() - t0

        from gradio_client import Client

        questions = in_scope_questions()
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        Client(url, verbose=False).predict(questions[0], api_name="/ask")  # warm

        def user(i: int) -> None:
            client = Client(url, verbose=False)
            for r in range(args.rounds):
                q = questions[(i * args.rounds + r) % len(questions)]
                start = time.perf_counter()
                try:
                    client.predict(q, api_name="/ask")
                    with lock:
                        latencies.append(time.perf_counter() - start)
                except Exception as exc:  # noqa: BLE001
                    with lock:
                        failures.append(str(exc))

        threads = [threading.Thread(target=user, args=(i,)) for i in range(args.users)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    lat = sorted(latencies)
    p50 = statistics.median(lat)
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
    print(
        f"page ready after start:        {ready:.1f} s   (bar < 10 s: {'met' if ready < 10 else 'NOT met'})"
    )
    print(
        f"{args.users} concurrent users x {args.rounds}: {len(lat)} answered, {len(failures)} failed, "
        f"{wall:.1f} s wall"
    )
    print(
        f"answer latency p50 / p95:      {p50 * 1000:.0f} / {p95 * 1000:.0f} ms   "
        f"(bar p95 < 2 s: {'met' if p95 < 2 and not failures else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
