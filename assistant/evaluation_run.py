"""`assistant eval`: run gold files through the engine (and optionally the tutorial pipeline),
print the metrics, write the report, and gate on evals/thresholds.json and evals/baseline.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.evaluation import gate, load_cases, markdown_report, run_eval, summarise

DEFAULT_FILES = ("evals/gold.jsonl",)
THRESHOLDS = Path("evals/thresholds.json")
BASELINE = Path("evals/baseline.json")


def run_cli_eval(args, settings) -> int:
    from assistant.engine import Engine

    files = args.files or [f for f in DEFAULT_FILES if Path(f).exists()]
    if not files:
        print(
            "assistant: error: no gold file given and evals/gold.jsonl not found", file=sys.stderr
        )
        return 2
    cases = [c for f in files for c in load_cases(Path(f))]
    engine = Engine(settings)
    engine.ask("warm-up", generator=args.generator)  # load models before timing
    ask = lambda q, history=None: engine.ask(q, history=history, generator=args.generator)  # noqa: E731
    results = {"project": run_eval(ask, cases)}
    columns = {"project": summarise(results["project"])}
    if args.tutorial:
        from assistant.tutorial import TutorialPipeline

        tut = TutorialPipeline(settings.corpus_dir, k=settings.k)
        results["tutorial"] = run_eval(tut.ask, cases)
        columns["tutorial"] = summarise(results["tutorial"])

    problems: list[str] = []
    if args.gate:
        thresholds = (
            json.loads(THRESHOLDS.read_text(encoding="utf-8")) if THRESHOLDS.exists() else {}
        )
        baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else None
        problems = gate(columns["project"], thresholds, baseline, thresholds.get("tolerance", 0.02))
    if args.write_baseline:
        keep = {k: v for k, v in columns["project"].items() if not k.startswith("latency")}
        BASELINE.write_text(json.dumps(keep, indent=2) + "\n", encoding="utf-8")
    if args.report:
        Path(args.report).write_text(
            markdown_report(f"Grounding evaluation: {', '.join(files)}", columns, results),
            encoding="utf-8",
        )
    if args.json:
        print(
            json.dumps(
                {
                    "files": files,
                    "metrics": columns,
                    "gate": problems,
                    "cases": {n: [r.to_dict() for r in rs] for n, rs in results.items()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        names = list(columns)
        print(f"{'metric':32}" + "".join(f"{n:>12}" for n in names))
        for key in columns["project"]:
            print(f"{key:32}" + "".join(f"{columns[n].get(key, ''):>12}" for n in names))
        failing = [r for r in results["project"] if r.failures]
        print(
            f"\n{len(failing)} of {len(cases)} cases failing"
            + (f"; report: {args.report}" if args.report else "")
        )
        for r in failing:
            print(f"  {r.case.id}: {'; '.join(r.failures)}")
    if problems:
        print("\nGATE FAILED:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 3
    if args.gate:
        print("\ngate passed")
    return 0
