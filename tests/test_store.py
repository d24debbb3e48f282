"""The index: incremental by content hash, model check, atomic generations (real Chroma,
real embedding model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embeddings import get_embeddings
from assistant.indexing import index_corpus
from assistant.settings import Settings
from assistant.store import IndexUnavailable, open_index, read_manifest

pytestmark = pytest.mark.integration

A = "# Notitie A\n\nAI verandert taken van werknemers in de zorg en het onderwijs. Par. 3.2, CDT50\n"
B = "# Notitie B\n\nDe sociale dialoog over algoritmisch management komt op gang bij vakbonden.\n"
C = "# Notitie C\n\nPlatformwerk blijft beperkt tot een klein deel van de beroepsbevolking.\n"


def _settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def test_incremental_indexing(tmp_path: Path):
    s = _settings(tmp_path)
    (s.corpus_dir / "a.md").write_text(A, encoding="utf-8")
    (s.corpus_dir / "b.md").write_text(B, encoding="utf-8")
    first = index_corpus(s)
    assert (first.added, first.unchanged, first.removed) == (2, 0, 0)

    again = index_corpus(s)
    assert (again.added, again.unchanged, again.removed) == (0, 2, 0)

    (s.corpus_dir / "b.md").unlink()
    (s.corpus_dir / "c.md").write_text(C, encoding="utf-8")
    third = index_corpus(s)
    assert (third.added, third.unchanged, third.removed) == (1, 1, 1)

    index = open_index(s, get_embeddings(s.embeddings))
    sources = sorted(p.source for p in index.all_passages())
    assert sources == ["a.md", "c.md"]
    top = index.dense_search(get_embeddings(s.embeddings).embed_query("platformwerk"), 1)
    assert index.collection.get(ids=[top[0][0]])["metadatas"][0]["source"] == "c.md"


def test_missing_index_is_refused_with_a_clear_message(tmp_path: Path):
    with pytest.raises(IndexUnavailable, match="run `assistant index` first"):
        open_index(_settings(tmp_path), get_embeddings("e5"))


def test_index_built_with_another_model_is_refused(tmp_path: Path):
    s = _settings(tmp_path)
    (s.corpus_dir / "a.md").write_text(A, encoding="utf-8")
    index_corpus(s)

    class Other:
        model_id = "some-other-model"

    with pytest.raises(IndexUnavailable, match="was built with embeddings .* --rebuild"):
        open_index(s, Other())  # type: ignore[arg-type]


def test_rebuild_and_switch_keep_a_consistent_index(tmp_path: Path):
    s = _settings(tmp_path)
    (s.corpus_dir / "a.md").write_text(A, encoding="utf-8")
    index_corpus(s)
    reader = open_index(s, get_embeddings(s.embeddings))  # a server holding the old generation
    old_generation = reader.location
    report = index_corpus(s, rebuild=True)
    assert report.rebuilt and report.added == 1
    assert read_manifest(s.index_dir)["passages"] == 1
    assert Path(old_generation).exists()  # still readable by the running server
    assert len(reader.all_passages()) == 1
    assert open_index(s, get_embeddings(s.embeddings)).location != old_generation


def test_corrupt_index_is_refused(tmp_path: Path):
    s = _settings(tmp_path)
    (s.corpus_dir / "a.md").write_text(A, encoding="utf-8")
    index_corpus(s)
    gen = s.index_dir / (s.index_dir / "CURRENT").read_text().strip()
    (gen / "manifest.json").write_text("{half", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="corrupt"):
        open_index(s, get_embeddings(s.embeddings))
