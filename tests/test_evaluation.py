"""The grounding eval: the runner on any gold file, and the gate on the project's own set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation import GoldFileError, gate, load_cases, run_eval, summarise
from tests.conftest import ROOT

EVALS = ROOT / "evals"


def test_malformed_gold_lines_are_reported_with_their_number(tmp_path: Path):
    f = tmp_path / "g.jsonl"
    f.write_text('{"id": "a", "question": "Wat?"}\n{"id": "b", "question": \n', encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"g.jsonl:2: not valid JSON"):
        load_cases(f)
    f.write_text('{"id": "a", "answerable": "yes", "question": "Wat?"}\n', encoding="utf-8")
    with pytest.raises(GoldFileError, match=r":1: 'answerable' must be true or false"):
        load_cases(f)


def test_gate_flags_thresholds_and_drops_from_the_baseline():
    summary = {"retrieval_hit@5": 0.90, "unretrieved_citations": 1, "oos_declined": 0.80}
    problems = gate(
        summary,
        {"min": {"retrieval_hit@5": 0.95}, "max": {"unretrieved_citations": 0}},
        {"oos_declined": 0.90},
        tolerance=0.02,
    )
    assert len(problems) == 3


@pytest.mark.integration
def test_runner_accepts_a_gold_file_written_by_someone_else(engine, tmp_path: Path):
    f = tmp_path / "theirs.jsonl"
    f.write_text(
        "\n".join(
            json.dumps(x, ensure_ascii=False)
            for x in [
                {
                    "id": "x1",
                    "question": "Wat weten we over platformwerk?",
                    "lang": "nl",
                    "answerable": True,
                    "evidence": ["minder dan 1 procent van beroepsbevolking"],
                    "must_mention": ["platforms"],
                },
                {
                    "id": "x2",
                    "question": "Who won the 2022 World Cup?",
                    "lang": "en",
                    "answerable": False,
                    "evidence": [],
                    "must_mention": [],
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    results = run_eval(engine.ask, load_cases(f))
    s = summarise(results)
    for key in (
        "retrieval_hit@1",
        "retrieval_hit@5",
        "retrieval_mrr",
        "citation_precision",
        "citation_recall",
        "unretrieved_citations",
        "key_fact_recall",
        "sentence_support",
        "language_match",
        "oos_declined",
        "inscope_declined",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        assert key in s
    assert s["retrieval_hit@5"] == 1.0 and s["oos_declined"] == 1.0


@pytest.mark.integration
def test_project_gold_set_passes_the_gate(engine):
    """The CI gate: every metric at or above evals/thresholds.json and within the tolerance of
    the committed evals/baseline.json."""
    thresholds = json.loads((EVALS / "thresholds.json").read_text(encoding="utf-8"))
    baseline = json.loads((EVALS / "baseline.json").read_text(encoding="utf-8"))
    summary = summarise(run_eval(engine.ask, load_cases(EVALS / "gold.jsonl")))
    print(json.dumps(summary, indent=1))
    problems = gate(summary, thresholds, baseline, thresholds["tolerance"])
    assert not problems, "\n".join(problems)
