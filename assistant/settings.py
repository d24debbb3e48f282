"""One Settings object, read from ASSISTANT_* environment variables and passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

_ENV_PREFIX = "ASSISTANT_"


class SettingsError(ValueError):
    """A setting has a value the assistant cannot use."""


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    data_dir: Path = Path("data")
    # embeddings: "e5" (packaged multilingual-e5-small, default), "minilm" (packaged
    # all-MiniLM-L6-v2), or "st:<local path or hub name>" for any sentence-transformers model
    embeddings: str = "e5"
    chroma_url: str = ""  # empty: embedded PersistentClient under index_dir
    collection: str = "passages"
    generator: str = "extractive"  # extractive | llamacpp | openai
    k: int = 6  # passages handed to the generator
    max_k: int = 20
    # LLM generators
    llm_model_path: str = ""
    llm_threads: int = 2
    llm_ctx: int = 4096
    llm_max_tokens: int = 250  # answers are 1-4 sentences; longer output was copied text
    llm_timeout_s: float = 60.0
    openai_base_url: str = ""
    openai_model: str = ""
    openai_api_key: str = ""
    # interfaces
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password" enables login
    max_question_chars: int = 2000
    concurrency: int = 4
    max_queue: int = 64
    chroma_timeout_s: float = 10.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(_ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _parse(name: str, typ: object, raw: str) -> object:
    t = str(typ)
    try:
        if "Path" in t:
            return Path(raw).expanduser()
        if t == "int":
            return int(raw)
        if t == "float":
            return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{_ENV_PREFIX}{name.upper()}={raw!r} is not a valid {t}") from exc
    return raw
