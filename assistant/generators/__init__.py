"""Answer generators, chosen by name (ASSISTANT_GENERATOR): same interface for all."""

from __future__ import annotations

from assistant.generators.base import Draft, Generator, GeneratorError

__all__ = ["Draft", "Generator", "GeneratorError", "make_generator", "GENERATORS"]

GENERATORS = ("extractive", "llamacpp", "openai")


def make_generator(name: str, settings, catalog) -> Generator:
    if name == "extractive":
        from assistant.generators.extractive import ExtractiveGenerator

        return ExtractiveGenerator(catalog)
    if name in ("llamacpp", "openai"):
        from assistant.generators.llm import LLMGenerator, make_chat_model

        return LLMGenerator(
            make_chat_model(name, settings), name=name, max_tokens=settings.llm_max_tokens
        )
    raise GeneratorError(f"unknown generator {name!r}: use one of {', '.join(GENERATORS)}")
