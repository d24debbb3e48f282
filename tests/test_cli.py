"""The `assistant` command line: a contract other tools rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def env(built_settings, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(built_settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(built_settings.index_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(built_settings.data_dir))
    return built_settings


def test_retrieve_json_contract(env, capsys):
    assert main(["retrieve", "Wat weten we over marktmacht?", "-k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3
    for h in hits:
        assert {"id", "ref", "section", "column", "text", "score"} <= set(h)
    assert any("marktmacht" in h["text"] for h in hits)


def test_retrieve_batch_file(env, tmp_path, capsys):
    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"id": "a", "question": "Wat is de tijdsplanning?"}\n'
        '{"id": "b", "question": "Wie zijn de auteurs?"}\n',
        encoding="utf-8",
    )
    assert main(["retrieve", "--file", str(f), "-k", "2", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert all(len(x["passages"]) == 2 for x in lines)
    assert lines[1]["passages"][0]["id"] == "voorlegger-auteur"


def test_ask_json_and_batch_with_history(env, tmp_path, capsys):
    assert main(["ask", "Wat is de tijdsplanning van de bespreking?", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert not d["abstained"] and d["citations"][0]["id"] == "voorlegger-tijdsplanning"
    f = tmp_path / "q.jsonl"
    f.write_text(
        json.dumps(
            {
                "id": "f",
                "question": "En voor oudere werknemers?",
                "history": [
                    {"role": "user", "content": "Wie heeft te weinig digitale vaardigheden?"}
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["ask", "--file", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip())
    assert out["id"] == "f" and "digitale vaardigheden" in out["search_query"]


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["retrieve", "   "], 2, "empty"),
        (["ask", ""], 2, "empty"),
        (["retrieve", "--file", "/nonexistent/q.jsonl"], 1, "cannot read"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code(env, capsys, argv, code, message):
    assert main(argv) == code
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err


def test_malformed_batch_line_is_reported_with_its_number(env, tmp_path, capsys):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": 1, "question": "Wat?"}\n{not json\n', encoding="utf-8")
    assert main(["ask", "--file", str(f), "--json"]) == 2
    assert f"{f}:2: not valid JSON" in capsys.readouterr().err


def test_missing_index_exits_cleanly_in_a_real_process(tmp_path):
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(tmp_path / "none"))
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "retrieve", "vraag"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert (
        proc.stderr.strip()
        == f"assistant: error: no index in {tmp_path / 'none'}: run `assistant index` first"
    )


def test_coverage_groups_by_document_part(env, capsys):
    assert main(["coverage", "scholing en ontwikkeling van vaardigheden", "--json"]) == 0
    cov = json.loads(capsys.readouterr().out)
    assert cov["covered"] and cov["groups"]
    names = [g["name"] for g in cov["groups"]]
    assert any(n.startswith(("Feitenanalyse:", "Handelingsperspectieven:", "Dialoogtafel")) for n in names)
    assert main(["coverage", "de hoofdstad van Australië", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["covered"] is False


def test_coverage_overview_counts_the_fact_analysis(env, capsys):
    assert main(["coverage", "--overview"]) == 0
    overview = json.loads(capsys.readouterr().out)
    assert set(overview["matrix"]) == {"Productiviteit", "Kwaliteit van werk", "Werkgelegenheid en inkomen"}
    assert overview["columns"] == ["bekend", "onzeker", "trends"]
    assert overview["matrix"]["Kwaliteit van werk"]["onzeker"] == ["feiten-kwaliteit-onzeker-1"]


def test_chat_keeps_the_conversation(env):
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat"],
        input="Wie heeft te weinig digitale vaardigheden?\nEn oudere werknemers?\n\n",
        capture_output=True, text=True, timeout=180,
        env=dict(os.environ, ASSISTANT_INDEX_DIR=str(env.index_dir)),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Volgens de stukken:") == 2
    assert "oudere werknemers" in proc.stdout


def test_bad_setting_is_a_usage_error(env, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_K", "many")
    assert main(["retrieve", "scholing"]) == 2
    assert "ASSISTANT_K='many' is not a valid int" in capsys.readouterr().err
