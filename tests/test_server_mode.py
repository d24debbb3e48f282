"""Index, retrieve and ask against a real Chroma server (started by scripts/test.sh)."""

from __future__ import annotations

import os
import uuid

import pytest

from assistant.engine import Engine
from assistant.indexing import index_corpus
from assistant.settings import Settings
from assistant.store import IndexUnavailable
from tests.conftest import CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.server]

URL = os.environ.get("ASSISTANT_TEST_CHROMA_URL", "")


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory) -> Settings:
    if not URL:
        if os.environ.get("CI") == "true":
            pytest.fail("ASSISTANT_TEST_CHROMA_URL is not set: scripts/test.sh starts the server")
        pytest.skip("no Chroma server: run through `make test` (scripts/test.sh starts one)")
    tmp = tmp_path_factory.mktemp("server")
    return Settings(
        corpus_dir=CORPUS,
        index_dir=tmp / "unused",
        chroma_url=URL,
        collection=f"test-{uuid.uuid4().hex[:8]}",
    )


def test_index_retrieve_and_ask_against_the_server(server_settings):
    first = index_corpus(server_settings)
    assert first.added == 120 and first.location == URL
    again = index_corpus(server_settings)
    assert (again.added, again.unchanged, again.removed) == (0, 120, 0)
    engine = Engine(server_settings)
    hits = engine.retrieve("Welke groepen blijven achter in digitale vaardigheden?", 5)
    assert "feiten-productiviteit-trends-6" in [h.passage.id for h in hits]
    answer = engine.ask("Wat is de tijdsplanning van de bespreking?")
    assert not answer.abstained and answer.citations[0].id == "voorlegger-tijdsplanning"
    assert not engine.index.location.startswith("/")  # not the embedded store


def test_two_app_processes_share_the_server_and_see_updates(server_settings, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "# A\n\nPlatformwerk blijft beperkt tot een klein deel van de "
        "beroepsbevolking volgens de notitie.\n",
        encoding="utf-8",
    )
    s = server_settings.with_(corpus_dir=corpus, collection=f"test-{uuid.uuid4().hex[:8]}")
    index_corpus(s)
    reader_a, reader_b = Engine(s), Engine(s)
    (corpus / "b.md").write_text(
        "# B\n\nDe robotbelasting wordt in deze notitie besproken als mogelijke maatregel.\n",
        encoding="utf-8",
    )
    index_corpus(s)  # a third process updates the collection
    monkeypatch.setattr("assistant.retrieval.REVISION_TTL_S", 0.0)
    for reader in (reader_a, reader_b):
        hits = reader.retrieve("robotbelasting maatregel", 1)
        assert hits[0].passage.source == "b.md"
        assert hits[0].keyword > 0  # the keyword leg was rebuilt from the collection too


def test_unreachable_server_gives_a_clear_message():
    s = Settings(chroma_url="http://127.0.0.1:9", chroma_timeout_s=2)
    with pytest.raises(IndexUnavailable, match="not reachable"):
        Engine(s)
