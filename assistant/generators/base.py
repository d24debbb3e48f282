"""What every generator returns, and the text shared by all of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from assistant.retrieval import Hit


class GeneratorError(RuntimeError):
    """The generator could not produce an answer (model missing, server down, timeout)."""


@dataclass
class Draft:
    text: str  # answer text with [n] markers, n = position in the hits list (1-based)
    declined: bool = False
    lead: str = ""  # a fixed opening line in the question's language; not a claim


class Generator(Protocol):
    name: str

    def generate(self, question: str, language: str, hits: list[Hit]) -> Draft: ...

    def stream(self, question: str, language: str, hits: list[Hit]) -> Iterator[str]: ...

    def rewrite(self, question: str, history: list[dict]) -> str: ...


LEAD = {
    "nl": "Volgens de stukken:",
    "en": "According to the materials (quoted in Dutch, the language of the documents):",
}
