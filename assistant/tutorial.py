"""The LangChain tutorial pipeline, as the yardstick the evals and benchmarks compare with:
1000/200 character splits of the raw files, Chroma, all-MiniLM-L6-v2, and this project's
answer step (the same relevance gate, extractive generator and citation check)."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.answer import Answer
from assistant.chain import ChainParts, build_chain
from assistant.embeddings import get_embeddings
from assistant.generators.extractive import ExtractiveGenerator
from assistant.language import content_stems
from assistant.passages import Passage
from assistant.relevance import OPEN_GATE
from assistant.retrieval import Catalog, Hit
from assistant.safety import clean_question

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200


def raw_documents(corpus_dir: Path) -> list[tuple[str, str]]:
    """(file name, text) of the corpus's readable files, as the tutorial loads them."""
    from assistant.sources import load_corpus

    corpus = load_corpus(corpus_dir)
    out = []
    for rel in corpus.files:
        path = Path(corpus_dir) / rel
        if path.suffix.lower() in (".txt", ".md"):
            out.append((rel, path.read_text(encoding="utf-8", errors="replace")))
        else:  # pdf/docx: the tutorial would use a loader; our readers give the same text
            out.append((rel, "\n\n".join(p.text for p in corpus.passages if p.source == rel)))
    return out


class TutorialRetriever:
    def __init__(
        self, corpus_dir: Path, k: int = 6, documents: list[tuple[str, str]] | None = None
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        start = time.perf_counter()
        self.k = k
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP
        )
        docs = [
            Document(page_content=text, metadata={"source": name})
            for name, text in (documents or raw_documents(corpus_dir))
        ]
        chunks = splitter.split_documents(docs)
        self.passages = [
            Passage(
                id=f"chunk-{i}",
                text=c.page_content,
                source=c.metadata["source"],
                section=(c.metadata["source"],),
            )
            for i, c in enumerate(chunks)
        ]
        self.by_id = {p.id: p for p in self.passages}
        self.embeddings = get_embeddings("minilm")
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma.from_texts(
            texts=[p.text for p in self.passages],
            ids=[p.id for p in self.passages],
            embedding=self.embeddings,
            client=client,
            collection_name=f"tutorial-{id(self)}",
            collection_metadata={"hnsw:space": "cosine"},
        )
        self.build_seconds = time.perf_counter() - start

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        found = self.store.similarity_search_with_score(query, k=k or self.k)
        q = set(content_stems(query))
        hits = []
        for rank, (doc, distance) in enumerate(found):
            p = self.by_id[doc.id]
            cov = len(q & set(content_stems(p.text))) / len(q) if q else 0.0
            hits.append(Hit(p, 1.0 / (60 + rank + 1), 1.0 - float(distance), 0.0, cov))
        return hits


class TutorialPipeline:
    name = "tutorial"

    def __init__(self, corpus_dir: Path, k: int = 6) -> None:
        self.retriever = TutorialRetriever(corpus_dir, k)
        self.catalog = Catalog(None, self.retriever.passages)
        self.generator = ExtractiveGenerator(self.catalog)
        # the tutorial has no relevance threshold: it answers from whatever it retrieved
        self.parts = ChainParts(
            retriever=self.retriever, catalog=self.catalog, fallback=self.generator, gate=OPEN_GATE
        )
        self.chain = build_chain(self.parts)

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        return self.chain.invoke(
            {
                "question": clean_question(question),
                "history": history or [],
                "generator": self.generator,
                "fallback": self.generator,
                "k": self.retriever.k,
            }
        )
