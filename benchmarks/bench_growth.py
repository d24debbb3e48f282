"""Growth benchmark (scaling issue): how index build, memory, query latency (hybrid, each leg,
the whole answer) and retrieval quality change as the corpus grows from x1 to x10 to x100.

Larger corpora are made from the real passages: copy i of a passage gets its own id
(`<id>--kopie-007`), its own `source` (`kopie-007/<file>`) and a copy tag appended to its text
(" (kopie 7)"), so its text, content hash and embedding differ while every evidence snippet of
the gold set survives verbatim: a retrieved copy that holds the evidence counts as a hit.

x1 is indexed with the public build_index (real embeddings). Embedding ~12,000 passages plus
their sentence vectors at x100 would take most of an hour on this machine, so by default x10
and x100 REUSE THE x1 VECTORS: copy i of a passage gets the original's vectors (passage and
sentence vectors) plus tiny deterministic noise, written straight into Chroma in the layout of
assistant/store.py (a generation folder with the passages collection, the "<name>-sentences"
collection with metadata passage_id, manifest.json, and the CURRENT pointer), then opened with
the normal Engine. Build times at x10/x100 therefore EXCLUDE EMBEDDING; the x1 embedding rate
is printed so the full build time can be extrapolated. --embed-copies embeds every copy for
real instead (slow).

The same run also compares the project's keyword leg (bm25s, assistant.keyword.KeywordIndex)
with a rank_bm25 BM25Okapi leg over the same stemmed tokens, and measures the LangChain
tutorial pipeline at x1. Each size runs in a fresh process, so peak RSS is per size.

Not a test: it prints numbers.

    OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_growth.py \\
        [--sizes 1,10,100] [--limit N] [--embed-copies] [--no-tutorial] [--write]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from multiprocessing import get_context  # noqa: E402

from benchmarks.common import (  # noqa: E402
    CORPUS,
    command_line,
    gold_queries,
    hit_rank,
    load_average,
    machine,
    machine_lines,
    quality,
    table,
    timed_calls,
    verdict,
    write_section,
)

COPY_SEP = "--kopie-"
COPY_TAG = "kopie"  # a word no gold question uses: the tag barely moves the keyword leg
NOISE = 0.002  # per-dimension noise on reused vectors (cosine to the original ~0.999)
SENTENCES_SUFFIX = "-sentences"  # assistant/store.py: f"{collection}-sentences"
WRITE_BATCH = 2000  # below Chroma's max batch size (5461 here)
MISS_GAP = 0.01  # exact best vs HNSW best similarity: a larger gap is a missed neighbour
BAR_X100_P50_MS = 100.0
BAR_HIT5_DROP = 0.02


# ---------------------------------------------------------------------------- the corpus


def copy_id(pid: str, i: int) -> str:
    return f"{pid}{COPY_SEP}{i:03d}"


def original_id(pid: str) -> str:
    return pid.split(COPY_SEP, 1)[0]


def copy_passage(p, i: int):
    """Copy i (>= 1) of a passage: distinct id, source and text; the text stays verbatim
    apart from a trailing copy tag, so evidence snippets survive."""
    return dataclasses.replace(p, id=copy_id(p.id, i), source=f"{COPY_TAG}-{i:03d}/{p.source}",
                               text=f"{p.text} ({COPY_TAG} {i})")


def multiply_corpus(passages: list, factor: int) -> list:
    """The passages (copy 0, unchanged) followed by factor - 1 varied copies of each."""
    out = list(passages)
    for i in range(1, factor):
        out.extend(copy_passage(p, i) for p in passages)
    return out


# ---------------------------------------------------------------------------- the index


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))


def read_vectors(settings) -> tuple[dict, dict]:
    """The x1 index's vectors: passage id -> vector, passage id -> [(j, sentence vector)]."""
    import numpy as np

    from assistant.store import CURRENT

    index_dir = Path(settings.index_dir)
    gen = index_dir / (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    client = _client(gen / "chroma")
    got = client.get_collection(settings.collection, embedding_function=None).get(
        include=["embeddings"])
    passages = {pid: np.asarray(v, dtype=np.float32)
                for pid, v in zip(got["ids"], got["embeddings"], strict=True)}
    sents: dict[str, list] = {}
    got = client.get_collection(settings.collection + SENTENCES_SUFFIX,
                                embedding_function=None).get(include=["embeddings", "metadatas"])
    for sid, v, meta in zip(got["ids"], got["embeddings"], got["metadatas"], strict=True):
        j = int(sid.rsplit("#s", 1)[1])
        sents.setdefault(meta["passage_id"], []).append((j, np.asarray(v, dtype=np.float32)))
    for units in sents.values():
        units.sort(key=lambda u: u[0])
    return passages, sents


def _noisy(vectors, copy: int):
    """Unit vectors near `vectors`, the same for the same copy number on every run."""
    import numpy as np

    if copy == 0:
        return vectors
    rng = np.random.default_rng(copy)
    v = vectors + rng.normal(0.0, NOISE, size=vectors.shape).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def write_reused_index(settings, model: str, corpus: list, vectors: dict, sents: dict) -> int:
    """Write `corpus` into a new index generation with x1 vectors (plus noise), in the layout
    assistant/store.py builds and open_index reads. Returns the number of vectors written."""
    import numpy as np

    from assistant.store import CURRENT, HNSW, MANIFEST

    index_dir = Path(settings.index_dir)
    gen = index_dir / f"gen-bench-{time.strftime('%Y%m%d-%H%M%S')}"
    (gen / "chroma").mkdir(parents=True)
    client = _client(gen / "chroma")
    meta = {**HNSW, "embedding_model": model}  # the same collection settings as assistant/store.py
    col = client.get_or_create_collection(settings.collection, embedding_function=None,
                                          metadata=meta)
    sent = client.get_or_create_collection(settings.collection + SENTENCES_SUFFIX,
                                           embedding_function=None, metadata=dict(meta))
    by_copy: dict[int, list] = {}
    for p in corpus:
        pid = p.id
        by_copy.setdefault(int(pid.rsplit(COPY_SEP, 1)[1]) if COPY_SEP in pid else 0,
                           []).append(p)
    written = 0
    for copy, ps in sorted(by_copy.items()):
        pv = _noisy(np.stack([vectors[original_id(p.id)] for p in ps]), copy)
        units = [(p, j, v) for p in ps for j, v in sents.get(original_id(p.id), [])]
        sv = _noisy(np.stack([v for _, _, v in units]), copy) if units else None
        for i in range(0, len(ps), WRITE_BATCH):
            b = ps[i : i + WRITE_BATCH]
            col.upsert(ids=[p.id for p in b], documents=[p.text for p in b],
                       metadatas=[p.metadata() for p in b], embeddings=pv[i : i + len(b)])
        for i in range(0, len(units), WRITE_BATCH):
            b = units[i : i + WRITE_BATCH]
            sent.upsert(ids=[f"{p.id}#s{j}" for p, j, _ in b],
                        metadatas=[{"passage_id": p.id} for p, _, _ in b],
                        embeddings=sv[i : i + len(b)])
        written += len(ps) + len(units)
    count = col.count()
    del col, sent, client
    manifest = {"embedding_model": model, "passages": count,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "benchmark": "x1 vectors reused"}
    (gen / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (index_dir / CURRENT).write_text(gen.name, encoding="utf-8")
    return written


# ---------------------------------------------------------------------------- measuring


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _kw_query(query: str, vocabulary: set[str]) -> str:
    """The text the hybrid retriever hands its keyword leg (English via the glossary)."""
    from assistant.glossary import to_dutch
    from assistant.language import detect_language

    return query if detect_language(query) == "nl" else to_dutch(query, vocabulary)


class RankBM25Leg:
    """The keyword leg on rank_bm25 (BM25Okapi) over the same stemmed tokens and the same query
    expansion as KeywordIndex: only the BM25 engine differs."""

    def __init__(self, passages: list) -> None:
        from rank_bm25 import BM25Okapi

        from assistant.language import content_stems

        self.ids = [p.id for p in passages]
        self._bm25 = BM25Okapi([content_stems(p.index_text) or [""] for p in passages])

    def search(self, query: str, k: int, vocabulary: set[str]) -> list[tuple[str, float]]:
        import numpy as np

        from assistant.keyword import expand_query

        q = expand_query(query, vocabulary)
        if not q:
            return []
        scores = self._bm25.get_scores(q)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def hnsw_check(engine, texts: list[str]) -> dict:
    """Does Chroma's approximate (HNSW) search still find the best vector? Its best similarity
    per question against the exact best over all stored vectors (numpy), for the passage and
    the sentence collection. A miss: the exact best is > MISS_GAP more similar (copies differ
    by noise of ~0.002, so smaller gaps are only another copy of the same passage)."""
    import numpy as np

    from assistant.retrieval import CANDIDATES

    qv = np.asarray([engine.embeddings.embed_query(x) for x in texts], dtype=np.float32)
    out = {}
    for name, col, n in (("passages", engine.index.collection, CANDIDATES),
                         ("sentences", engine.index.sentences, 2 * CANDIDATES)):
        m = np.asarray(col.get(include=["embeddings"])["embeddings"], dtype=np.float32)
        t0 = time.perf_counter()
        exact = np.asarray([float((m @ v).max()) for v in qv])  # one question at a time
        exact_ms = (time.perf_counter() - t0) * 1000 / max(1, len(qv))
        approx = np.asarray([
            1.0 - col.query(query_embeddings=[v.tolist()], n_results=min(n, len(m)),
                            include=["distances"])["distances"][0][0]
            for v in qv])
        gap = exact - approx
        out[name] = {"misses": int((gap > MISS_GAP).sum()), "max_gap": round(float(gap.max()), 4),
                     "exact_ms": round(exact_ms, 3), "vectors": len(m)}
    out["questions"] = len(qv)
    return out


def measure_size(factor: int, work: str, base_index: str, embed_copies: bool,
                 limit: int | None) -> dict:
    """One corpus size, in its own process: build, open, time and score."""
    from assistant.embeddings import get_embeddings, model_id
    from assistant.engine import Engine
    from assistant.keyword import KeywordIndex
    from assistant.retrieval import CANDIDATES, HybridRetriever
    from assistant.settings import Settings
    from assistant.sources import load_corpus
    from assistant.store import build_index

    out: dict = {"factor": factor}
    base = load_corpus(CORPUS).passages
    corpus = multiply_corpus(base, factor)
    embeddings = get_embeddings("e5")
    settings = Settings(corpus_dir=CORPUS, index_dir=Path(work) / f"x{factor}" / "index",
                        data_dir=Path(work) / f"x{factor}" / "data")
    out["rss_start_mb"] = _rss_mb()
    c0, t0 = time.process_time(), time.perf_counter()
    if factor == 1 or embed_copies:
        build_index(settings, embeddings, corpus, rebuild=True)
        out["mode"] = "embedded (build_index)"
    else:
        vectors, sents = read_vectors(settings.with_(index_dir=Path(base_index)))
        write_reused_index(settings, model_id(embeddings), corpus, vectors, sents)
        out["mode"] = "x1 vectors reused"
    out["build_s"] = time.perf_counter() - t0
    out["build_cpu_s"] = time.process_time() - c0
    out["rss_after_build_mb"] = _rss_mb()
    if factor == 1:
        # the same write path as x10/x100, at x1: build time minus this is embedding time
        vectors, sents = read_vectors(settings)
        t0 = time.perf_counter()
        write_reused_index(settings.with_(index_dir=Path(work) / "x1-reuse" / "index"),
                           model_id(embeddings), corpus, vectors, sents)
        out["write_only_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    engine = Engine(settings)
    out["open_s"] = time.perf_counter() - t0
    out["passages"] = engine.index.collection.count()
    if engine.index.sentences is None:
        raise RuntimeError("the index has no sentence collection: has assistant/store.py's "
                           "layout changed? bench_growth mirrors it in write_reused_index")
    out["sentences"] = engine.index.sentences.count()
    out["rss_after_open_mb"] = _rss_mb()

    queries = gold_queries()[:limit] if limit else gold_queries()
    texts = [q.text for q in queries]

    def score(timed) -> dict:
        ranks, distinct = [], []
        for q, hits in zip(queries, timed.results, strict=True):
            if q.case.answerable:
                ranks.append(hit_rank(q.case, [h.passage for h in hits]))
                distinct.append(len({original_id(h.passage.id) for h in hits[:5]}))
        d = quality(ranks)
        d["distinct_top5"] = round(statistics.fmean(distinct), 2) if distinct else 0.0
        return d

    def lat(timed) -> dict:
        return {"p50": timed.p50, "p95": timed.p95, "cpu_p50": timed.cpu_p50}

    t = timed_calls(engine.retrieve, texts)
    out["hybrid"] = {**lat(t), **score(t)}
    for name, flags in (("dense", {"dense_only": True}), ("keyword", {"keyword_only": True})):
        leg = HybridRetriever(catalog=engine.catalog, embeddings=engine.embeddings,
                              k=settings.k, **flags)
        t = timed_calls(leg.search, texts)
        out[name] = {**lat(t), **score(t)}

    # copies collapsed: what a de-duplicating step would show (not timed). The search goes
    # deep enough (k = 6 x factor) to reach 5 distinct originals behind the copies
    deep = HybridRetriever(catalog=engine.catalog, embeddings=engine.embeddings, k=settings.k)
    ranks = []
    for q in queries:
        if not q.case.answerable:
            continue
        firsts: dict[str, object] = {}
        for h in deep.search(q.text, max(settings.k, 6 * factor)):
            firsts.setdefault(original_id(h.passage.id), h.passage)
        ranks.append(hit_rank(q.case, list(firsts.values())[: settings.k]))
    out["collapsed"] = quality(ranks)

    # the parts of a hybrid query, each over the same inputs the retriever gives it
    t = timed_calls(engine.embeddings.embed_query, texts)
    out["embed_query"] = lat(t)
    t = timed_calls(lambda v: engine.index.dense_search(v, CANDIDATES), t.results)
    out["dense_search"] = lat(t)
    vocab = engine.catalog.keyword.vocabulary
    kw_texts = [_kw_query(x, vocab) for x in texts]
    t = timed_calls(lambda x: engine.catalog.keyword.search(x, CANDIDATES), kw_texts)
    out["bm25s_search"] = lat(t)
    bm25s_top = [[pid for pid, _ in r[:5]] for r in t.results]

    t = timed_calls(lambda q: engine.ask(q.case.question, history=q.case.history or None),
                    queries)
    out["ask"] = lat(t)
    out["peak_rss_mb"] = _peak_mb()  # build + Engine + all queries; before rank_bm25 and HNSW

    passages = list(engine.catalog.by_id.values())
    t0 = time.perf_counter()
    KeywordIndex(passages)
    out["bm25s_build_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rank_leg = RankBM25Leg(passages)
    out["rank_bm25_build_s"] = time.perf_counter() - t0
    t = timed_calls(lambda x: rank_leg.search(x, CANDIDATES, vocab), kw_texts)
    out["rank_bm25_search"] = lat(t)
    # compared on originals: which of 100 tied copies a BM25 engine returns is arbitrary
    overlap = []
    for a, b in zip(bm25s_top, t.results, strict=True):
        mine = {original_id(pid) for pid in a}
        if mine:
            theirs = {original_id(pid) for pid, _ in b[:5]}
            overlap.append(len(mine & theirs) / len(mine))
    out["top5_agreement"] = round(statistics.fmean(overlap), 3) if overlap else 0.0
    # after the peak RSS reading: it loads every stored vector into Python lists
    out["hnsw"] = hnsw_check(engine, [q.text for q in queries if q.case.answerable])
    out["questions"] = len(queries)
    out["in_scope"] = sum(q.case.answerable for q in queries)
    out["load"] = load_average()
    return out


def measure_tutorial(limit: int | None) -> dict:
    """The LangChain tutorial pipeline at x1, in its own process (it loads torch)."""
    from assistant.embeddings import get_embeddings
    from assistant.settings import Settings
    from assistant.tutorial import TutorialRetriever

    get_embeddings("minilm")  # model load is not part of the build time
    rss0 = _rss_mb()
    tutorial = TutorialRetriever(CORPUS, k=Settings().k)
    queries = gold_queries()[:limit] if limit else gold_queries()
    t = timed_calls(tutorial.search, [q.text for q in queries])
    ranks = [hit_rank(q.case, [h.passage for h in hits])
             for q, hits in zip(queries, t.results, strict=True) if q.case.answerable]
    return {"build_s": tutorial.build_seconds, "chunks": len(tutorial.passages),
            "p50": t.p50, "p95": t.p95, "cpu_p50": t.cpu_p50, **quality(ranks),
            "rss_before_build_mb": rss0, "peak_rss_mb": _peak_mb()}


def _in_child(fn, *args):
    """Run fn(*args) in a fresh process: clean peak RSS, no state shared between sizes."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# ---------------------------------------------------------------------------- report


def render(info: dict, sizes: list[dict], tutorial: dict | None, embed_copies: bool) -> str:
    by = {s["factor"]: s for s in sizes}
    x1 = by.get(1)
    lines = [
        "## Growth: x1 / x10 / x100 corpus (bench_growth.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} with `{command_line()}`.",
        "",
        "Machine:",
        "",
        *machine_lines(info),
        "",
        "Corpora: the real passages plus copies, each copy with its own id, source and a copy "
        "tag appended to its text (evidence snippets stay verbatim; a copy holding the evidence "
        "counts as a hit).",
    ]
    if not embed_copies:
        lines += [
            "",
            "**x10 and x100 reuse the x1 vectors** (each copy gets the original's passage and "
            f"sentence vectors plus deterministic noise, sd {NOISE} per dimension), written "
            "straight into Chroma in assistant/store.py's layout: their build times EXCLUDE "
            "EMBEDDING. See the extrapolation below for a full build.",
        ]
    rows = []
    for s in sizes:
        rows.append((f"x{s['factor']}", s["passages"], s["passages"] + s["sentences"], s["mode"],
                     round(s["build_s"], 2), round(s["build_cpu_s"], 2), round(s["open_s"], 2),
                     round(s["rss_after_open_mb"]), round(s["peak_rss_mb"])))
    lines += ["", "### Build and memory", "",
              table(("size", "passages", "vectors", "build", "build s", "build CPU s",
                     "Engine open s", "RSS after open MB", "peak RSS MB"), rows)]
    if x1 and "write_only_s" in x1:
        vec1 = x1["passages"] + x1["sentences"]
        embed_s = max(1e-9, x1["build_s"] - x1["write_only_s"])
        rate = vec1 / embed_s
        lines += ["", f"x1 embedding rate: {vec1} vectors in {embed_s:.1f} s = **{rate:.1f} "
                      f"vectors/s** ({x1['passages'] / embed_s:.1f} passages/s counting their "
                      f"sentence vectors); the x1 write-only time (same path as x10/x100) is "
                      f"{x1['write_only_s']:.2f} s."]
        for s in sizes:
            if s["factor"] > 1 and s["mode"] == "x1 vectors reused":
                vec = s["passages"] + s["sentences"]
                full = vec / rate + s["build_s"]
                lines.append(f"- extrapolated full build at x{s['factor']}: {vec} vectors / "
                             f"{rate:.1f} per s + {s['build_s']:.1f} s writing = "
                             f"~{full / 60:.0f} min")
    rows = []
    for s in sizes:
        rows.append((f"x{s['factor']}", s["hybrid"]["p50"], s["hybrid"]["p95"],
                     s["hybrid"]["cpu_p50"], s["dense"]["p50"], s["dense"]["p95"],
                     s["keyword"]["p50"], s["keyword"]["p95"], s["ask"]["p50"], s["ask"]["p95"]))
    if tutorial:
        rows.append(("tutorial x1", tutorial["p50"], tutorial["p95"], tutorial["cpu_p50"],
                     "-", "-", "-", "-", "-", "-"))
    lines += ["", "### Warm query latency (ms; wall unless CPU)", "",
              table(("size", "hybrid p50", "hybrid p95", "hybrid CPU p50", "dense leg p50",
                     "dense leg p95", "keyword leg p50", "keyword leg p95", "Engine.ask p50",
                     "Engine.ask p95"), rows),
              "", "Parts of a hybrid query (p50 ms) and the two BM25 engines:", ""]
    rows = []
    for s in sizes:
        rows.append((f"x{s['factor']}", _wc(s["embed_query"]), _wc(s["dense_search"]),
                     _wc(s["bm25s_search"]), _wc(s["rank_bm25_search"]),
                     s["rank_bm25_search"]["p95"], round(s["bm25s_build_s"], 3),
                     round(s["rank_bm25_build_s"], 3), s["top5_agreement"]))
    lines.append(table(("size", "embed_query", "Chroma dense_search", "bm25s search (project)",
                        "rank_bm25 search", "rank_bm25 search p95 (wall)", "bm25s build s",
                        "rank_bm25 build s", "top-5 agreement"), rows))
    lines += ["", "Cells \"a / b\" are wall p50 / CPU p50 in ms. Top-5 agreement: share of the "
                  "bm25s leg's top-5 originals that the rank_bm25 leg also has in its top 5."]
    rows = []
    for s in sizes:
        h = s["hybrid"]
        c = s["collapsed"]
        rows.append((f"x{s['factor']}", h["hit@1"], h["hit@5"], h["mrr"], h["distinct_top5"],
                     s["dense"]["hit@5"], s["keyword"]["hit@5"], c["hit@1"], c["hit@5"],
                     c["mrr"]))
    if tutorial:
        rows.append(("tutorial x1", tutorial["hit@1"], tutorial["hit@5"], tutorial["mrr"], "-",
                     "-", "-", "-", "-", "-"))
    n = sizes[0]["in_scope"] if sizes else 0
    lines += ["", f"### Retrieval quality on the gold set ({n} in-scope cases, within the "
                  "larger corpus)", "",
              table(("size", "hybrid hit@1", "hybrid hit@5", "hybrid MRR",
                     "distinct passages in top 5", "dense leg hit@5", "keyword leg hit@5",
                     "collapsed hit@1", "collapsed hit@5", "collapsed MRR"), rows),
              "",
              "hit@k as the gold eval counts it, within the larger corpus: a copy holding the "
              "evidence counts. \"Distinct passages in top 5\" counts different originals "
              "among the top 5 (5 at x1). \"Collapsed\" ranks distinct originals instead of "
              "passages (the retriever searched 6 x factor deep, copies folded onto their "
              "first-ranked member): what a de-duplicating step would return."]
    rows = []
    for s in sizes:
        hn = s["hnsw"]
        rows.append((f"x{s['factor']}", hn["passages"]["vectors"],
                     f"{hn['passages']['misses']} / {hn['questions']}",
                     hn["passages"]["max_gap"], hn["sentences"]["vectors"],
                     f"{hn['sentences']['misses']} / {hn['questions']}",
                     hn["sentences"]["max_gap"],
                     round(hn["passages"]["exact_ms"] + hn["sentences"]["exact_ms"], 3)))
    lines += ["", "Dense leg check: Chroma's HNSW best match against the exact best match "
                  f"(numpy over every stored vector) per in-scope question; a miss is an exact "
                  f"best more than {MISS_GAP} more similar than what HNSW returned.", "",
              table(("size", "passage vectors", "passage misses", "max gap", "sentence vectors",
                     "sentence misses", "max gap", "exact search ms/query (both, numpy)"),
                    rows)]
    if tutorial:
        lines += ["", f"Tutorial pipeline at x1: {tutorial['chunks']} chunks built in "
                      f"{tutorial['build_s']:.1f} s (model load excluded), peak RSS "
                      f"{tutorial['peak_rss_mb']:.0f} MB."]
    lines += ["", "Load average at the end of each size: "
                  + ", ".join(f"x{s['factor']} {s['load']}" for s in sizes)]
    lines += ["", "### Bars", ""] + bars(by)
    return "\n".join(lines) + "\n"


def _wc(d: dict) -> str:
    return f"{d['p50']:.2f} / {d['cpu_p50']:.2f}"


def bars(by: dict) -> list[str]:
    out = []
    x1, x100 = by.get(1), by.get(100)
    if x100 is None:
        return ["- x100 not run: the x100 bars are not measured"]
    p50 = x100["hybrid"]["p50"]
    out.append(f"- x100 hybrid warm query p50 < {BAR_X100_P50_MS:.0f} ms: {p50:.1f} ms, "
               f"**{verdict(p50 < BAR_X100_P50_MS)}**")
    if x1:
        drop = x1["hybrid"]["hit@5"] - x100["hybrid"]["hit@5"]
        out.append(f"- x100 hit@5 drop <= {BAR_HIT5_DROP} vs x1: {x1['hybrid']['hit@5']:.4f} -> "
                   f"{x100['hybrid']['hit@5']:.4f} (drop {drop:+.4f}), "
                   f"**{verdict(drop <= BAR_HIT5_DROP + 1e-9)}**")
        e, d, b = x100["embed_query"], x100["dense_search"], x100["bm25s_search"]
        dense, dense_cpu = e["p50"] + d["p50"], e["cpu_p50"] + d["cpu_p50"]
        leg = "dense" if dense_cpu > b["cpu_p50"] else "keyword"
        out.append(f"- x100 legs (p50, wall / CPU): dense = embed_query {_wc(e)} ms + Chroma "
                   f"{_wc(d)} ms = {dense:.1f} / {dense_cpu:.1f} ms; keyword (bm25s) {_wc(b)} "
                   f"ms: the {leg} leg is the larger cost, by {abs(dense_cpu - b['cpu_p50']):.1f} "
                   f"ms CPU. Growth x1 -> x100 (CPU p50): Chroma "
                   f"{x1['dense_search']['cpu_p50']:.1f} -> {d['cpu_p50']:.1f} ms, bm25s "
                   f"{x1['bm25s_search']['cpu_p50']:.2f} -> {b['cpu_p50']:.2f} ms, rank_bm25 "
                   f"{x1['rank_bm25_search']['cpu_p50']:.2f} -> "
                   f"{x100['rank_bm25_search']['cpu_p50']:.2f} ms.")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1,10,100", help="corpus multipliers (default 1,10,100)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N gold questions")
    ap.add_argument("--embed-copies", action="store_true",
                    help="embed every copy for real instead of reusing x1 vectors (slow)")
    ap.add_argument("--no-tutorial", action="store_true", help="skip the tutorial pipeline")
    ap.add_argument("--write", action="store_true",
                    help="replace or append the section in benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    factors = sorted({int(x) for x in args.sizes.split(",") if x.strip()})
    if not factors or factors[0] < 1:
        ap.error("--sizes takes positive integers, e.g. 1,10,100")
    if factors[0] != 1:
        factors.insert(0, 1)  # the larger sizes reuse the x1 vectors
    info = machine()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as work:
        base_index = str(Path(work) / "x1" / "index")
        for f in factors:
            print(f"bench_growth: x{f} ...", flush=True)
            t0 = time.perf_counter()
            r = _in_child(measure_size, f, work, base_index, args.embed_copies, args.limit)
            results.append(r)
            print(f"  x{f}: {r['passages']} passages, build {r['build_s']:.1f} s ({r['mode']}), "
                  f"hybrid p50 {r['hybrid']['p50']:.1f} ms, hit@5 {r['hybrid']['hit@5']:.4f} "
                  f"[{time.perf_counter() - t0:.0f} s]", flush=True)
    tutorial = None
    if not args.no_tutorial:
        print("bench_growth: tutorial x1 ...", flush=True)
        tutorial = _in_child(measure_tutorial, args.limit)
    text = render(info, results, tutorial, args.embed_copies)
    print()
    print(text)
    if args.write:
        write_section("bench_growth", text)
        print("written to benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
