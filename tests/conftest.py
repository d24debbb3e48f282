"""Shared fixtures. Every test runs offline; state lives in temporary folders.

The real index of the corpus (real Chroma, real embedding model) is built once per test
session: it is the slow part.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from assistant.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    """No ASSISTANT_* setting of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_") and key != "ASSISTANT_TEST_CHROMA_URL":
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory) -> Settings:
    """Settings pointing at a real index of the project's corpus, built once."""
    from assistant.indexing import index_corpus

    tmp = tmp_path_factory.mktemp("built")
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp / "index", data_dir=tmp / "data")
    index_corpus(settings)
    return settings


@pytest.fixture(scope="session")
def engine(built_settings):
    from assistant.engine import Engine

    return Engine(built_settings)
