"""Time to first token and generation speed of the local llama.cpp generator, on Dutch
questions with real retrieved passages: the chain's retrieve and relevance steps, then
LLMGenerator.stream, then the chain's check of the draft (citations mapped, unsupported
sentences removed). Prints a table and the answers.

Not a test. Needs llama-cpp-python + langchain-community (pip install '.[llamacpp]'), the
GGUF (`assistant models install`) and an index (`assistant index`); when one is missing it
says so and exits 0.

    ASSISTANT_LLM_MODEL_PATH=/path/model.gguf ASSISTANT_INDEX_DIR=index \\
        python benchmarks/bench_llm.py ["another question" ...]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # retrieval's BLAS must not fight llama.cpp
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import importlib.util  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

QUESTIONS = [
    "Met welke eerdere uitvindingen wordt AI als systeemtechnologie vergeleken?",
    "Wat wordt voorgesteld om mensen op het werk met een bepaalde AI-toepassing te leren omgaan?",
    "Waarom zijn veel studies over de effecten van AI met voorzichtigheid te lezen?",
]


def missing_parts(settings) -> list[str]:
    """What has to be installed or built before the benchmark can run."""
    from assistant.models import default_model_path

    missing = []
    for module, hint in (("llama_cpp", "llama-cpp-python"),
                         ("langchain_community", "langchain-community")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{hint} (pip install '.[llamacpp]')")
    path = (Path(settings.llm_model_path).expanduser() if settings.llm_model_path
            else default_model_path(settings))
    if not path.is_file():
        missing.append(f"the model file {path} (assistant models install, "
                       "or set ASSISTANT_LLM_MODEL_PATH)")
    return missing


class _Timed:
    """Stands in for the chat model and notes when its first chunk arrives: the generator
    holds back the first characters, so its own first delta is a little later."""

    def __init__(self, model) -> None:
        self.model = model
        self.first: float | None = None

    def stream(self, *args, **kwargs):
        for chunk in self.model.stream(*args, **kwargs):
            if self.first is None:
                self.first = time.perf_counter()
            yield chunk

    def __getattr__(self, name: str):
        return getattr(self.model, name)


def _tokens(llama, text: str) -> int:
    return len(llama.tokenize(text.encode("utf-8"), add_bos=False))


def main(argv: list[str]) -> int:
    from assistant.settings import Settings

    settings = Settings.from_env()
    missing = missing_parts(settings)
    if missing:
        print("bench_llm: skipped; missing:")
        for m in missing:
            print(f"  - {m}")
        return 0

    from assistant.engine import Engine
    from assistant.generators import GeneratorError
    from assistant.store import IndexUnavailable

    try:
        engine = Engine(settings)
    except IndexUnavailable as exc:
        print(f"bench_llm: skipped; no index ({exc})")
        return 0
    t = time.perf_counter()
    try:
        gen = engine.generator("llamacpp")
    except GeneratorError as exc:
        print(f"bench_llm: skipped; {exc}")
        return 0
    load_s = time.perf_counter() - t
    llama = gen._model.client  # the llama_cpp.Llama behind ChatLlamaCpp: for token counts
    t = time.perf_counter()
    gen._model.invoke("Hallo", max_tokens=1)  # pages the weights in; not part of a question
    warm_s = time.perf_counter() - t
    timed = _Timed(gen._model)
    gen._model = timed  # type: ignore[assignment]  # only for the measurement
    print(f"model {Path(llama.model_path).name}: load {load_s:.1f} s, warm-up {warm_s:.1f} s, "
          f"threads {settings.llm_threads}, ctx {settings.llm_ctx}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")

    from assistant.chain import check, prepare, retrieve
    from assistant.generators.base import Draft

    rows = []
    answers = []
    for q in argv or QUESTIONS:
        # the chain's own steps (as in chain.stream_answer), with the streamed text turned
        # into a draft by gen.finalize (citation repair) before the check
        state = prepare({"question": q, "generator": gen, "fallback": engine.extractive})
        state["search_query"] = state["question"]
        state = retrieve(engine.parts, state)
        hits = state["hits"]
        prompt_tok = sum(_tokens(llama, str(m.content))
                         for m in gen.messages(q, state["language"], hits))
        t0 = time.perf_counter()
        first = None
        timed.first = None
        deltas: list[str] = []
        if state["verdict"].answerable:
            for delta in gen.stream(state["search_query"], state["language"], hits):
                if first is None and delta.strip():
                    first = time.perf_counter()
                deltas.append(delta)
        end = time.perf_counter()
        draft = "".join(deltas)
        state["draft"] = (gen.finalize(state["search_query"], draft, hits)
                          if state["verdict"].answerable else Draft("", declined=True))
        answer = check(state)
        gen_tok = _tokens(llama, draft) if draft else 0
        ttft = (first - t0) if first else float("nan")
        # generation speed from the model's first chunk: every later token is a decode step
        rate = ((gen_tok - 1) / (end - timed.first) if timed.first and gen_tok > 4
                else float("nan"))
        rows.append((q, prompt_tok, ttft, gen_tok, rate, end - t0, answer))
        answers.append((q, draft, answer))

    print(f"{'question':<48} {'prompt tok':>10} {'TTFT s':>7} {'gen tok':>7} {'tok/s':>6} "
          f"{'total s':>7} {'cited':>5} {'removed':>7}")
    for q, prompt_tok, ttft, gen_tok, rate, total, answer in rows:
        cited = len(answer.citations) if answer else 0
        removed = len(answer.unsupported) if answer else 0
        short = q if len(q) <= 47 else q[:46] + "…"
        print(f"{short:<48} {prompt_tok:>10} {ttft:>7.1f} {gen_tok:>7} {rate:>6.1f} "
              f"{total:>7.1f} {cited:>5} {removed:>7}")

    for q, draft, answer in answers:
        print(f"\n=== {q}")
        print(f"--- draft (streamed):\n{draft.strip() or '(nothing streamed)'}")
        if answer is None:
            continue
        print(f"--- checked answer ({answer.generator}"
              f"{', declined' if answer.abstained else ''}):\n{answer.answer}")
        for c in answer.citations:
            print(f"  [{c.n}] {c.id}  {c.ref or c.section}")
        for s in answer.unsupported:
            print(f"  removed: {s}")
        for n in answer.notices:
            print(f"  ({n})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
