"""Retrieval benchmark ("foundation" issue): index build, warm retrieval latency and retrieval
quality of this project, of its dense and keyword legs alone, and of the LangChain tutorial
pipeline, in one run on one machine.

Not a test: it prints numbers. It builds its own index in a temporary folder (the project's
index/ is not touched) and needs no network.

    OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_retrieval.py [--write]

--write replaces (or appends) the "bench_retrieval" section of benchmarks/RESULTS.md.
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
import tempfile  # noqa: E402
import time  # noqa: E402

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

BAR_RETRIEVE_P50_MS = 50.0
BAR_BUILD_S = 30.0
HEADERS = ("pipeline", "build s", "vectors", "hit@1", "hit@5", "MRR", "p50 ms", "p95 ms",
           "CPU p50 ms")


def _row(name: str, build_s: object, vectors: object, q: dict, t) -> tuple:
    return (name, build_s, vectors, q["hit@1"], q["hit@5"], q["mrr"], t.p50, t.p95, t.cpu_p50)


def _ranks(queries, timed) -> list[int | None]:
    """Ranks of the first hit for the in-scope cases, from each call's passages (top k)."""
    return [hit_rank(q.case, [h.passage for h in hits])
            for q, hits in zip(queries, timed.results, strict=True) if q.case.answerable]


def run(work: Path) -> dict:
    from assistant.embeddings import get_embeddings
    from assistant.engine import Engine
    from assistant.indexing import index_corpus
    from assistant.retrieval import HybridRetriever
    from assistant.settings import Settings

    info = machine()
    queries = gold_queries()
    texts = [q.text for q in queries]
    in_scope = sum(q.case.answerable for q in queries)
    print(f"bench_retrieval: {len(queries)} gold questions ({in_scope} in scope)", flush=True)

    # (a) this project: build from scratch, then the warm Engine
    t0 = time.perf_counter()
    get_embeddings("e5")
    e5_load_s = time.perf_counter() - t0
    settings = Settings(corpus_dir=CORPUS, index_dir=work / "index", data_dir=work / "data")
    c0 = time.process_time()
    report = index_corpus(settings, rebuild=True)
    build_cpu_s = time.process_time() - c0
    print(f"  index built: {report.added} passages in {report.seconds:.1f} s", flush=True)
    t0 = time.perf_counter()
    engine = Engine(settings)
    open_s = time.perf_counter() - t0
    passages = engine.index.collection.count()
    sentences = engine.index.sentences.count() if engine.index.sentences is not None else 0
    vectors = passages + sentences

    rows = []
    retrieve = timed_calls(engine.retrieve, texts)
    project = {"quality": quality(_ranks(queries, retrieve)), "p50": retrieve.p50,
               "p95": retrieve.p95}
    rows.append(_row("project: hybrid (Engine.retrieve)", round(report.seconds, 2), vectors,
                     project["quality"], retrieve))

    # (b) each leg alone, over the same catalog and embeddings
    for name, flags in (("project: dense leg only", {"dense_only": True}),
                        ("project: keyword leg only", {"keyword_only": True})):
        leg = HybridRetriever(catalog=engine.catalog, embeddings=engine.embeddings,
                              k=settings.k, **flags)
        t = timed_calls(leg.search, texts)
        rows.append(_row(name, "-", vectors if flags.get("dense_only") else passages,
                         quality(_ranks(queries, t)), t))
    print("  project and legs measured", flush=True)

    # (c) the LangChain tutorial pipeline (1000/200 splits, Chroma, all-MiniLM-L6-v2)
    from assistant.tutorial import TutorialRetriever

    t0 = time.perf_counter()
    get_embeddings("minilm")
    minilm_load_s = time.perf_counter() - t0
    tutorial = TutorialRetriever(CORPUS, k=settings.k)
    t = timed_calls(tutorial.search, texts)
    rows.append(_row("tutorial (TutorialRetriever)", round(tutorial.build_seconds, 2),
                     len(tutorial.passages), quality(_ranks(queries, t)), t))
    print("  tutorial measured", flush=True)

    return {
        "machine": info, "rows": rows, "project": project, "build_s": report.seconds,
        "build_cpu_s": build_cpu_s, "passages": passages, "sentences": sentences,
        "open_s": open_s, "e5_load_s": e5_load_s, "minilm_load_s": minilm_load_s,
        "questions": len(queries), "in_scope": in_scope, "k": settings.k,
        "load_end": load_average(),
    }


def render(r: dict) -> str:
    p = r["project"]
    rate = (r["passages"] + r["sentences"]) / r["build_s"] if r["build_s"] else 0.0
    lines = [
        "## Retrieval: project vs. legs vs. LangChain tutorial (bench_retrieval.py)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} with `{command_line()}`.",
        "",
        "Machine:",
        "",
        *machine_lines(r["machine"]),
        f"- load average at end: {r['load_end']}",
        "",
        f"Gold set evals/gold.jsonl: {r['questions']} questions; latency over all of them "
        f"(after a warm-up), quality over the {r['in_scope']} in-scope cases. A hit is a "
        "retrieved passage that holds an evidence snippet (assistant.evaluation._is_hit); "
        f"ranks are taken in the k={r['k']} passages the chain retrieves, so hit@5 and MRR "
        "are comparable with evals/baseline.json. Follow-ups search with "
        "assistant.conversation.rewrite_followup, as the chain does.",
        "",
        table(HEADERS, r["rows"]),
        "",
        f"- project index build from scratch (index_corpus, rebuild): {r['build_s']:.1f} s wall, "
        f"{r['build_cpu_s']:.1f} s CPU, for {r['passages']} passages + {r['sentences']} "
        f"sentence vectors ({rate:.1f} vectors/s); opening the Engine: {r['open_s']:.2f} s.",
        f"- model load (outside the build times): multilingual-e5-small {r['e5_load_s']:.2f} s, "
        f"all-MiniLM-L6-v2 {r['minilm_load_s']:.2f} s. The tutorial's build time is splitting, "
        "embedding and writing its chunks into an in-memory Chroma.",
        "- CPU p50 is the process CPU time per query: wall times on a shared 2-core machine "
        "include waiting for other processes.",
        "",
        "Bars:",
        "",
        f"- warm retrieve p50 < {BAR_RETRIEVE_P50_MS:.0f} ms: {p['p50']:.1f} ms, "
        f"**{verdict(p['p50'] < BAR_RETRIEVE_P50_MS)}**",
        f"- index build from scratch < {BAR_BUILD_S:.0f} s: {r['build_s']:.1f} s, "
        f"**{verdict(r['build_s'] < BAR_BUILD_S)}**",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true",
                    help="replace or append the section in benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        result = run(Path(tmp))
    text = render(result)
    print()
    print(text)
    if args.write:
        write_section("bench_retrieval", text)
        print("written to benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
