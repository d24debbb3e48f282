"""Chroma: open the index (embedded or a Chroma server), sync passages by content hash,
and refuse an index built with another embedding model.

Embedded indexes live in generations: `assistant index` builds a new generation folder and
then switches the CURRENT pointer with an atomic rename, so a running server never reads a
half-built index. A Chroma server is updated in place; its collection carries a revision
that readers use to refresh the keyword leg.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from filelock import FileLock, Timeout
from langchain_core.embeddings import Embeddings

from assistant.embeddings import model_id
from assistant.passages import Passage
from assistant.settings import Settings

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
EMBED_BATCH = 64
# cosine space; a deeper search than Chroma's default (100) so the approximate index does not
# miss the best match as the corpus grows (measured in benchmarks/RESULTS.md)
HNSW = {"hnsw:space": "cosine", "hnsw:search_ef": 200, "hnsw:construction_ef": 200}
MIN_SENTENCE_WORDS = 4
SENTENCE_VECTORS_FROM_WORDS = 50  # shorter passages are matched well enough as a whole


class IndexUnavailable(RuntimeError):
    """The index is missing, unreadable or built with another model; the message says what to do."""


@dataclass
class SyncReport:
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    location: str = ""


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def http_client(url: str, timeout_s: float = 10.0) -> chromadb.ClientAPI:
    import httpx

    u = urlparse(url if "://" in url else f"http://{url}")
    base = f"{u.scheme}://{u.hostname}:{u.port or (443 if u.scheme == 'https' else 8000)}"
    try:
        # chromadb's client calls the server in its constructor without any timeout: ask first
        httpx.get(f"{base}/api/v2/heartbeat", timeout=timeout_s).raise_for_status()
        client = chromadb.HttpClient(
            host=u.hostname or "127.0.0.1",
            port=u.port or (443 if u.scheme == "https" else 8000),
            ssl=u.scheme == "https",
            settings=_chroma_settings(),
        )
        _bound_timeout(client, timeout_s)
        client.heartbeat()
    except Exception as exc:  # noqa: BLE001
        raise IndexUnavailable(f"Chroma server at {url} is not reachable ({_short(exc)})") from exc
    return client


def _bound_timeout(client, timeout_s: float) -> None:
    """chromadb's HttpClient talks httpx with timeout=None: a slow server would hang a request
    forever. Bound it (best effort: the session is an internal attribute)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if session is not None:
        session.timeout = httpx.Timeout(timeout_s)


def _short(exc: Exception) -> str:
    s = str(exc).strip().splitlines()
    return (s[0] if s else type(exc).__name__)[:160]


def sentence_units(passage: Passage) -> list[str]:
    """Extra dense vectors for the sentences of longer passages: a question often matches one
    sentence of a long cell better than the whole cell (measured in benchmarks/RESULTS.md)."""
    from assistant.grounding import split_sentences

    sentences = [s for s in split_sentences(passage.text) if len(s.split()) >= MIN_SENTENCE_WORDS]
    if len(sentences) < 2 or len(passage.text.split()) < SENTENCE_VECTORS_FROM_WORDS:
        return []
    head = passage.index_text.split("\n", 1)[0]
    return [f"{head}\n{s}" for s in sentences]


def _sentence_collection_name(name: str) -> str:
    return f"{name}-sentences"


class PassageIndex:
    """The opened collections plus what readers need: all passages and dense search."""

    def __init__(self, collection, model: str, location: str, client=None, sentences=None) -> None:
        self.sentences = sentences
        self.collection = collection
        self.model = model
        self.location = location
        self._client = client

    def revision(self) -> str:
        try:
            return str((self.collection.metadata or {}).get("revision", ""))
        except Exception:  # noqa: BLE001
            return ""

    def refresh_revision(self) -> str:
        """Ask the server for the collection's current revision (server mode)."""
        if self._client is None:
            return self.revision()
        col = self._client.get_collection(self.collection.name, embedding_function=None)
        self.collection = col
        return self.revision()

    def all_passages(self) -> list[Passage]:
        got = self.collection.get(include=["documents", "metadatas"])
        return [
            Passage.from_metadata(pid, doc, meta or {})
            for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def dense_search(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) best first; a passage scores its best vector."""
        try:
            return self._dense_search(vector, k)
        except Exception as exc:  # noqa: BLE001 - a server down or slow mid-session
            raise IndexUnavailable(
                f"the index at {self.location} did not answer ({_short(exc)})"
            ) from exc

    def _dense_search(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        n = min(k, max(1, self.collection.count()))
        res = self.collection.query(query_embeddings=[vector], n_results=n, include=["distances"])
        for pid, d in zip(res["ids"][0], res["distances"][0], strict=True):
            best[pid] = 1.0 - float(d)
        if self.sentences is not None and self.sentences.count():
            n = min(2 * k, self.sentences.count())
            res = self.sentences.query(
                query_embeddings=[vector], n_results=n, include=["distances", "metadatas"]
            )
            for meta, d in zip(res["metadatas"][0], res["distances"][0], strict=True):
                pid = (meta or {}).get("passage_id", "")
                if pid:
                    best[pid] = max(best.get(pid, -1.0), 1.0 - float(d))
        return sorted(best.items(), key=lambda kv: -kv[1])[:k]


# ---------------------------------------------------------------------------- opening


def _current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    gen = index_dir / name
    return gen if name and gen.is_dir() else None


def read_manifest(index_dir: Path) -> dict:
    gen = _current_generation(Path(index_dir))
    if gen is None:
        return {}
    try:
        return json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def open_index(settings: Settings, embeddings: Embeddings) -> PassageIndex:
    """Open the built index for reading; refuse a missing, broken or foreign-model index."""
    want = model_id(embeddings)
    rebuild_hint = "run `assistant index --rebuild`"
    if settings.chroma_url:
        client = http_client(settings.chroma_url, settings.chroma_timeout_s)
        try:
            col = client.get_collection(settings.collection, embedding_function=None)
        except Exception as exc:  # noqa: BLE001
            raise IndexUnavailable(
                f"no collection {settings.collection!r} on the Chroma server at "
                f"{settings.chroma_url}: run `assistant index` first"
            ) from exc
        _check_model(col, want, rebuild_hint)
        return PassageIndex(
            col,
            want,
            settings.chroma_url,
            client=client,
            sentences=_maybe_collection(client, _sentence_collection_name(settings.collection)),
        )

    index_dir = Path(settings.index_dir)
    gen = _current_generation(index_dir)
    if gen is None:
        raise IndexUnavailable(f"no index in {index_dir}: run `assistant index` first")
    manifest_path = gen / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(
            f"the index in {index_dir} is incomplete or corrupt: {rebuild_hint}"
        ) from exc
    if manifest.get("embedding_model") != want:
        raise IndexUnavailable(
            f"the index in {index_dir} was built with embeddings "
            f"{manifest.get('embedding_model')!r}, but {want!r} is configured: {rebuild_hint} "
            "or set ASSISTANT_EMBEDDINGS to the model that built it"
        )
    try:
        client = chromadb.PersistentClient(path=str(gen / "chroma"), settings=_chroma_settings())
        col = client.get_collection(settings.collection, embedding_function=None)
        count = col.count()
    except Exception as exc:  # noqa: BLE001
        raise IndexUnavailable(
            f"the index in {index_dir} cannot be opened ({_short(exc)}): {rebuild_hint}"
        ) from exc
    if count != manifest.get("passages"):
        raise IndexUnavailable(
            f"the index in {index_dir} is incomplete ({count} of "
            f"{manifest.get('passages')} passages): {rebuild_hint}"
        )
    _check_model(col, want, rebuild_hint)
    return PassageIndex(
        col,
        want,
        str(gen),
        sentences=_maybe_collection(client, _sentence_collection_name(settings.collection)),
    )


def _maybe_collection(client, name: str):
    try:
        return client.get_collection(name, embedding_function=None)
    except Exception:  # noqa: BLE001 - an index without sentence vectors still works
        return None


def _check_model(col, want: str, hint: str) -> None:
    have = (col.metadata or {}).get("embedding_model")
    if have != want:
        raise IndexUnavailable(
            f"the index was built with embeddings {have!r}, but {want!r} is configured: {hint}"
        )


# ---------------------------------------------------------------------------- writing


def _sync_collection(
    col, passages: list[Passage], embeddings: Embeddings, progress=None, sentences=None
) -> SyncReport:
    report = SyncReport()
    existing = col.get(include=["metadatas"])
    have = {
        pid: (m or {}).get("content_hash")
        for pid, m in zip(existing["ids"], existing["metadatas"], strict=True)
    }
    want = {p.id: p for p in passages}
    stale = [pid for pid in have if pid not in want]
    todo = [p for p in passages if have.get(p.id) != p.content_hash]
    report.unchanged = len(passages) - len(todo)
    if stale:
        col.delete(ids=stale)
    report.removed = len(stale)
    if sentences is not None:
        gone = stale + [p.id for p in todo if p.id in have]
        for i in range(0, len(gone), 500):
            sentences.delete(where={"passage_id": {"$in": gone[i : i + 500]}})
    bar = progress(total=len(todo)) if progress and todo else None
    for i in range(0, len(todo), EMBED_BATCH):
        batch = todo[i : i + EMBED_BATCH]
        units = (
            [(p, u, j) for p in batch for j, u in enumerate(sentence_units(p))]
            if sentences is not None
            else []
        )
        vectors = embeddings.embed_documents(
            [p.index_text for p in batch] + [u for _, u, _ in units]
        )
        col.upsert(
            ids=[p.id for p in batch],
            documents=[p.text for p in batch],
            metadatas=[p.metadata() for p in batch],
            embeddings=vectors[: len(batch)],
        )
        if units:
            sentences.upsert(
                ids=[f"{p.id}#s{j}" for p, _, j in units],
                metadatas=[{"passage_id": p.id} for p, _, _ in units],
                embeddings=vectors[len(batch) :],
            )
        if bar:
            bar.update(len(batch))
    if bar:
        bar.close()
    report.added = len(todo)
    return report


def build_index(
    settings: Settings,
    embeddings: Embeddings,
    passages: list[Passage],
    rebuild: bool = False,
    progress=None,
    lock_timeout_s: float = 600.0,
) -> SyncReport:
    """Bring the index in line with `passages`: embed new or changed ones, drop removed ones."""
    start = time.perf_counter()
    want = model_id(embeddings)
    if settings.chroma_url:
        client = http_client(settings.chroma_url, settings.chroma_timeout_s)
        rebuilt = rebuild
        if not rebuild:
            try:
                col = client.get_collection(settings.collection, embedding_function=None)
                rebuilt = (col.metadata or {}).get("embedding_model") != want
            except Exception:  # noqa: BLE001 - no collection yet
                rebuilt = False
        if rebuilt:
            try:
                client.delete_collection(settings.collection)
            except Exception:  # noqa: BLE001
                pass
        col = client.get_or_create_collection(
            settings.collection,
            embedding_function=None,
            metadata={**HNSW, "embedding_model": want},
        )
        if rebuilt:
            try:
                client.delete_collection(_sentence_collection_name(settings.collection))
            except Exception:  # noqa: BLE001
                pass
        sent = client.get_or_create_collection(
            _sentence_collection_name(settings.collection),
            embedding_function=None,
            metadata={**HNSW, "embedding_model": want},
        )
        report = _sync_collection(col, passages, embeddings, progress, sentences=sent)
        # a new revision tells the other app processes to refresh their keyword leg
        col.modify(metadata={"embedding_model": want, "revision": uuid.uuid4().hex})
        report.rebuilt = rebuilt
        report.location = settings.chroma_url
        report.seconds = time.perf_counter() - start
        return report

    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        lock = FileLock(str(index_dir / ".write.lock"), timeout=lock_timeout_s)
        lock.acquire()
    except Timeout as exc:
        raise IndexUnavailable(f"another `assistant index` is writing {index_dir}") from exc
    try:
        old = _current_generation(index_dir)
        old_model = read_manifest(index_dir).get("embedding_model")
        rebuilt = rebuild or old is None or old_model != want
        gen = index_dir / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        if old is not None and not rebuilt:
            shutil.copytree(old / "chroma", gen / "chroma")
        else:
            (gen / "chroma").mkdir(parents=True)
        client = chromadb.PersistentClient(path=str(gen / "chroma"), settings=_chroma_settings())
        col = client.get_or_create_collection(
            settings.collection,
            embedding_function=None,
            metadata={**HNSW, "embedding_model": want},
        )
        sent = client.get_or_create_collection(
            _sentence_collection_name(settings.collection),
            embedding_function=None,
            metadata={**HNSW, "embedding_model": want},
        )
        report = _sync_collection(col, passages, embeddings, progress, sentences=sent)
        count = col.count()
        del col, sent, client  # release the store before the switch
        manifest = {
            "embedding_model": want,
            "passages": count,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        (gen / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex}"
        tmp.write_text(gen.name, encoding="utf-8")
        os.replace(tmp, index_dir / CURRENT)  # the atomic switch
        _prune(index_dir, keep={gen.name, old.name if old else ""})
        report.rebuilt = rebuilt and old is not None
        report.location = str(index_dir)
        report.seconds = time.perf_counter() - start
        return report
    finally:
        lock.release()


def _prune(index_dir: Path, keep: set[str]) -> None:
    """Keep the new generation and the one a running server may still read."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
