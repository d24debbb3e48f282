"""sources -> passages -> index: what `assistant index` does."""

from __future__ import annotations

from assistant.embeddings import get_embeddings
from assistant.settings import Settings
from assistant.sources import load_corpus
from assistant.store import SyncReport, build_index


def index_corpus(settings: Settings, rebuild: bool = False, progress=None) -> SyncReport:
    corpus = load_corpus(settings.corpus_dir)
    embeddings = get_embeddings(settings.embeddings)
    report = build_index(settings, embeddings, corpus.passages, rebuild=rebuild, progress=progress)
    report.skipped = corpus.skipped
    return report
