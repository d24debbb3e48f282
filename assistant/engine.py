"""The loaded assistant: embeddings, index, retriever, generators and chain, opened once per
process. Every interface (CLI, UI, API, evals, benchmarks) calls these methods."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from assistant.answer import Answer
from assistant.chain import ChainParts, build_chain, fallback_notice, stream_answer
from assistant.coverage import Coverage, corpus_overview, topic_coverage
from assistant.embeddings import get_embeddings
from assistant.generators import Generator, GeneratorError, make_generator
from assistant.generators.extractive import ExtractiveGenerator
from assistant.language import detect_language
from assistant.relevance import Gate
from assistant.retrieval import Catalog, Hit, HybridRetriever
from assistant.safety import clean_question
from assistant.settings import Settings
from assistant.store import open_index


class QuestionError(ValueError):
    """The question cannot be asked; `reason` is "empty", "too_long" or "not_text"."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embeddings = get_embeddings(settings.embeddings)
        self.index = open_index(settings, self.embeddings)
        self.catalog = Catalog(self.index)
        self.retriever = HybridRetriever(
            catalog=self.catalog, embeddings=self.embeddings, k=settings.k
        )
        self.extractive = ExtractiveGenerator(self.catalog)
        self._generators: dict[str, Generator] = {"extractive": self.extractive}
        self._lock = threading.Lock()
        self.parts = ChainParts(
            retriever=self.retriever,
            catalog=self.catalog,
            fallback=self.extractive,
            gate=Gate(),
        )
        self.chain = build_chain(self.parts)

    def generator(self, name: str | None = None) -> Generator:
        name = name or self.settings.generator
        with self._lock:
            if name not in self._generators:
                self._generators[name] = make_generator(name, self.settings, self.catalog)
            return self._generators[name]

    def check_question(self, question: object) -> str:
        if not isinstance(question, str):
            raise QuestionError("the question must be text", "not_text")
        q = clean_question(question)
        if not q:
            raise QuestionError("the question is empty", "empty")
        if len(q) > self.settings.max_question_chars:
            raise QuestionError(
                f"the question is {len(q)} characters long; the limit is "
                f"{self.settings.max_question_chars}",
                "too_long",
            )
        return q

    def _k(self, k: int | None) -> int:
        return max(1, min(k or self.settings.k, self.settings.max_k))

    def retrieve(self, query: str, k: int | None = None) -> list[Hit]:
        return self.retriever.search(self.check_question(query), self._k(k))

    def _state(self, question, history, generator, k) -> dict:
        q = self.check_question(question)
        notices = []
        try:
            gen = self.generator(generator)
        except GeneratorError as exc:
            gen = self.extractive
            notices.append(
                fallback_notice(generator or self.settings.generator, exc, detect_language(q))
            )
        return {
            "question": q,
            "history": _clean_history(history),
            "generator": gen,
            "fallback": self.extractive,
            "k": self._k(k),
            "notices": notices,
        }

    def ask(
        self,
        question: str,
        history: list[dict] | None = None,
        generator: str | None = None,
        k: int | None = None,
    ) -> Answer:
        return self.chain.invoke(self._state(question, history, generator, k))

    def stream(
        self,
        question: str,
        history: list[dict] | None = None,
        generator: str | None = None,
        k: int | None = None,
    ) -> Iterator[str | Answer]:
        yield from stream_answer(self.parts, self._state(question, history, generator, k))

    def passage(self, pid: str) -> dict | None:
        """One passage by id (for a UI that opens a cell of the overview)."""
        p = self.catalog.fresh().by_id.get(pid)
        return p.to_dict() if p else None

    def coverage(self, topic: str, k: int | None = None) -> Coverage:
        return topic_coverage(self, self.check_question(topic), k)

    def overview(self) -> dict:
        return corpus_overview(self.catalog)


def _clean_history(history: object) -> list[dict]:
    if not isinstance(history, list):
        return []
    out = []
    for m in history[-12:]:
        if (
            isinstance(m, dict)
            and m.get("role") in ("user", "assistant")
            and isinstance(m.get("content"), str)
        ):
            out.append({"role": m["role"], "content": clean_question(m["content"])[:4000]})
    return out
