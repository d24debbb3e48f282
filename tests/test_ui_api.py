"""The web app's API, driven over HTTP as a client would: /ask and /coverage answer, only those
two are exposed, and with a login configured nothing answers without it. Also the rendering
helpers that keep passage and model text inert."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.integration

ANSWERABLE = "Welke groepen blijven achter in digitale vaardigheden?"
OFF_TOPIC = "Wat is de hoofdstad van Australië?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(engine, settings):
    """The app as `serve` runs it, in a background thread; returns (app, url)."""
    from assistant.ui import build_app, launch_options

    app = build_app(engine, settings)
    app.queue(default_concurrency_limit=settings.concurrency, max_size=settings.max_queue)
    options = launch_options(settings, port=free_port(), host="127.0.0.1")
    _, url, _ = app.launch(prevent_thread_lock=True, quiet=True, **options)
    return app, url.rstrip("/") + "/"


@pytest.fixture(scope="module")
def server(engine, built_settings, tmp_path_factory) -> Iterator[str]:
    settings = built_settings.with_(data_dir=tmp_path_factory.mktemp("ui-data"))
    app, url = start(engine, settings)
    try:
        yield url
    finally:
        app.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_only_ask_and_coverage_are_exposed(client):
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(named) == {"/ask", "/coverage"}


def test_ask_answers_with_citations(client):
    answer = client.predict(ANSWERABLE, api_name="/ask")
    assert answer["abstained"] is False
    assert answer["question"] == ANSWERABLE
    assert answer["citations"], answer
    cited = answer["citations"][0]
    assert f"[{cited['n']}]" in answer["answer"]
    assert cited["text"] and cited["id"]
    assert any("startkwalificatie" in c["text"] for c in answer["citations"])


def test_ask_declines_off_topic_question(client):
    answer = client.predict(OFF_TOPIC, api_name="/ask")
    assert answer["abstained"] is True
    assert answer["citations"] == []
    assert answer["related"]  # what may be related is offered instead


def test_ask_takes_history_and_settings(client):
    history = [
        {"role": "user", "content": ANSWERABLE},
        {"role": "assistant", "content": "Volgens de stukken: …"},
    ]
    answer = client.predict("En welke groepen nog meer?", history, "llamacpp", 3, api_name="/ask")
    assert len(answer["passages"]) <= 3
    # llama.cpp is not configured here: the engine falls back and says so
    assert answer["generator"] == "extractive"
    assert answer["notices"]


def test_ask_refuses_bad_questions_with_dutch_message(client, built_settings):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Typ eerst een vraag"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="te lang"):
        client.predict("x " * (built_settings.max_question_chars + 10), api_name="/ask")


def test_coverage(client, engine):
    cov = client.predict("digitale vaardigheden", api_name="/coverage")
    assert cov["covered"] is True
    parts = {g["part"] for g in cov["groups"]}
    assert "feitenanalyse" in parts
    assert all(g["passages"] for g in cov["groups"])
    # the API hands over exactly what the engine finds, covered or not
    for topic in ("digitale vaardigheden", "de hoofdstad van Australië"):
        assert client.predict(topic, api_name="/coverage") == engine.coverage(topic).to_dict()
    uncovered = client.predict("de hoofdstad van Australië", api_name="/coverage")
    assert uncovered["covered"] is False and uncovered["groups"] == []


def test_login_is_required_when_configured(engine, built_settings, tmp_path):
    from gradio_client import Client

    settings = built_settings.with_(auth="raad:geheim-wachtwoord", data_dir=tmp_path)
    app, url = start(engine, settings)
    try:
        # a plain HTTP call to the API, without logging in
        body = json.dumps({"data": [ANSWERABLE]}).encode()
        req = urllib.request.Request(
            url + "gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code in (401, 403)
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + "config", timeout=30)
        assert err.value.code in (401, 403)
        # the Python client without credentials gets nowhere either
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises various types here
            Client(url, verbose=False).predict(ANSWERABLE, api_name="/ask")
        # and with them it works
        logged_in = Client(url, auth=("raad", "geheim-wachtwoord"), verbose=False)
        assert logged_in.predict(ANSWERABLE, api_name="/ask")["citations"]
    finally:
        app.close()


# ------------------------------------------------------------------ serve() and launch options


def test_launch_options_are_local_and_minimal(built_settings):
    from assistant.settings import SettingsError
    from assistant.ui import launch_options

    opts = launch_options(built_settings)
    assert opts["server_name"] == "127.0.0.1" and opts["server_port"] == 7860
    assert opts["share"] is False and opts["show_error"] is False
    assert opts["auth"] is None and "allowed_paths" not in opts
    opts = launch_options(built_settings.with_(auth="a:b:c"), port=9000, host="0.0.0.0")
    assert opts["auth"] == ("a", "b:c")
    assert (opts["server_name"], opts["server_port"]) == ("0.0.0.0", 9000)
    with pytest.raises(SettingsError):
        launch_options(built_settings.with_(auth="no-password"))


def test_serve_builds_a_missing_index_then_launches(
    monkeypatch, engine, built_settings, tmp_path, capsys
):
    import gradio as gr

    import assistant.indexing
    from assistant import ui
    from assistant.store import IndexUnavailable

    calls: list[str] = []

    def fake_engine(settings):
        calls.append("engine")
        if "indexed" not in calls:
            raise IndexUnavailable("no index in x: run `assistant index` first")
        return engine

    launched: dict = {}
    monkeypatch.setattr(ui, "Engine", fake_engine)
    monkeypatch.setattr(assistant.indexing, "index_corpus", lambda s: calls.append("indexed"))
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: launched.update(kw))
    rc = ui.serve(built_settings.with_(data_dir=tmp_path), port=7999)
    assert rc == 0
    assert calls == ["engine", "indexed", "engine"]
    assert launched["server_port"] == 7999 and launched["share"] is False
    assert "building it now" in capsys.readouterr().out


# ------------------------------------------------------------------ rendering helpers


def test_md_text_makes_markup_inert():
    from assistant.ui import md_text

    out = md_text("<script>alert(1)</script> ![x](http://e.com/x.png) *b* `c` $$x$$")
    assert "<" not in out and ">" not in out
    assert r"!\[x\]" in out and r"\*b\*" in out and r"\`c\`" in out and r"\$\$x\$\$" in out


def test_markers_and_highlight():
    from assistant.ui import highlight, with_markers

    assert with_markers('"Zin." [1] [12]') == '"Zin." `[1]` `[12]`'
    text = "Eerste zin. Tweede zin met *ster*.\nDerde   zin."
    out = highlight(text, "Tweede zin met *ster*. … Derde zin.")
    assert out == "Eerste zin. **Tweede zin met \\*ster\\*.**\n**Derde   zin.**"
    assert highlight("Geen citaat hier.", "iets anders") == "Geen citaat hier."
