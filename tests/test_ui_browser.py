"""The web interface in a real Chromium (Debian's /usr/bin/chromium through Playwright):
asking, streaming, opening a citation, the declined look, markup shown as text, the coverage
tab, export and feedback."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
T = 120_000  # ms; generous: two cores, a model and a browser share them

ANSWERABLE = "Welke groepen blijven achter in digitale vaardigheden?"
OFF_TOPIC = "Wat is de hoofdstad van Australië?"
HOSTILE = "<script>alert(1)</script> ![x](http://example.com/x.png) wat zeggen de stukken?"

# records every text the chat shows while an answer comes in, to see the stream happen
WATCH_CHAT = """() => {
  window.__chatTexts = [];
  const chat = document.querySelector('#chatbot');
  new MutationObserver(() => window.__chatTexts.push(chat.innerText))
    .observe(chat, {subtree: true, childList: true, characterData: true});
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui_settings(built_settings, tmp_path_factory):
    return built_settings.with_(data_dir=tmp_path_factory.mktemp("ui-browser-data"))


@pytest.fixture(scope="module")
def url(engine, ui_settings) -> Iterator[str]:
    from assistant.ui import build_app, launch_options

    app = build_app(engine, ui_settings)
    app.queue(default_concurrency_limit=ui_settings.concurrency, max_size=ui_settings.max_queue)
    _, local, _ = app.launch(
        prevent_thread_lock=True,
        quiet=True,
        **launch_options(ui_settings, port=_free_port(), host="127.0.0.1"),
    )
    try:
        yield local
    finally:
        app.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)  # CI must run the browser tests, not skip them
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(T)
    page.dialogs = []  # an alert() would mean injected script ran
    page.remote = []  # requests that leave this machine
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            page.remote.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.goto(url, timeout=T)
    page.wait_for_selector("#question textarea", timeout=T)
    yield page
    context.close()


def wait_for_text(page, selector: str, text: str) -> None:
    """Wait until the element exists and shows the text (whitespace-normalised)."""
    page.wait_for_function(
        """([sel, text]) => {
             const el = document.querySelector(sel);
             return !!el && el.innerText.replace(/\\s+/g, ' ').includes(text);
           }""",
        arg=[selector, text],
        timeout=T,
    )


def ask(page, question: str, expect: str = "answered") -> None:
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_selector(f"#answer-status.status-{expect}", timeout=T)


def test_answer_streams_with_markers_and_citation_opens_its_passage(page, engine):
    final = [x for x in engine.stream(ANSWERABLE)][-1]  # what the UI will show, as a reference
    assert len(final.citations) >= 2
    page.evaluate(WATCH_CHAT)
    ask(page, ANSWERABLE)
    # the answer came in pieces: a placeholder first, then text, then the checked answer
    seen = page.evaluate("window.__chatTexts")
    assert any("Zoeken in de stukken" in t for t in seen), seen[:5]
    assert any("▌" in t for t in seen), seen  # streamed text, before the checked answer
    assert "▌" not in page.inner_text("#chatbot")
    # each citation [n] is a visible marker in the answer
    marker = page.locator("#chatbot code", has_text="[1]").first
    marker.wait_for(state="visible")
    assert "startkwalificatie" in page.inner_text("#chatbot")
    # the sources panel lists the cited passages; opening [2] shows that passage in full
    options = page.locator("#citation-select label")
    assert options.count() == len(final.citations)
    page.locator("#citation-select label", has_text="[2]").click()
    second = final.citations[1]
    snippet = " ".join(second.text.split())[:50]
    wait_for_text(page, "#passage-view", snippet)
    view = page.inner_text("#passage-view")
    assert "[2]" in view and "score" in view
    assert (second.ref or second.section.split(" > ")[-1]) in view
    # the quoted part is highlighted (bold) within the passage
    assert page.locator("#passage-view strong").count() >= 1


def test_declined_answer_looks_different_and_offers_related(page, engine):
    assert engine.ask(OFF_TOPIC).abstained  # precondition from the engine
    ask(page, OFF_TOPIC, expect="declined")
    bubble = page.locator("#chatbot blockquote").last
    assert "Niet in de stukken" in bubble.inner_text()
    assert "Niet in de stukken" in page.inner_text("#answer-status")
    assert "Mogelijk verwant" in page.inner_text("#citation-select")
    assert page.locator("#citation-select label").count() >= 1
    page.click("#sources-accordion .label-wrap")
    page.wait_for_selector("#sources-list", state="visible", timeout=T)
    wait_for_text(page, "#sources-list", "Mogelijk verwant")


def test_unavailable_llm_falls_back_with_a_notice(page):
    page.click("#settings button, #settings .label-wrap")
    page.locator("#generator label", has_text="llama.cpp").click()
    ask(page, ANSWERABLE)
    bot = page.locator("#chatbot [data-testid='bot']").last.inner_text()
    assert "Let op:" in bot and "extractie" in bot  # "... komt van de extractieve generator"
    assert "[1]" in bot


def test_markup_in_a_question_is_shown_as_text(page):
    page.fill("#question textarea", HOSTILE)
    page.click("#send")
    page.wait_for_selector(
        "#answer-status.status-declined, #answer-status.status-answered", timeout=T
    )
    user = page.locator("#chatbot [data-testid='user']").last
    text = user.inner_text()
    assert "<script>alert(1)</script>" in text
    assert "![x](http://example.com/x.png)" in text
    assert page.locator("#chatbot script").count() == 0
    assert page.locator("img[src*='example.com']").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []
    assert page.remote == []


def test_too_long_question_gets_a_clear_message(page, ui_settings):
    page.fill("#question textarea", "lang " * (ui_settings.max_question_chars // 4))
    page.click("#send")
    page.wait_for_selector("#answer-status.status-error", timeout=T)
    assert "te lang" in page.locator("#chatbot [data-testid='bot']").last.inner_text()
    assert "Traceback" not in page.inner_text("body")


def test_feedback_is_stored(page, ui_settings):
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(Path(ui_settings.data_dir) / "feedback.sqlite3")
    before = len(store.all())
    ask(page, ANSWERABLE)
    page.locator("#chatbot button[aria-label='Like']").last.click()
    wait_for_text(page, "#feedback-status", "Bedankt")
    page.locator("#citation-select label", has_text="[1]").click()
    page.click("#wrong-source")
    wait_for_text(page, "#feedback-status", "verkeerde bron")
    rows = store.all()[before:]
    assert [r["kind"] for r in rows] == ["up", "wrong_source"]
    assert rows[0]["question"] == ANSWERABLE and rows[0]["citations"]
    assert [c["n"] for c in rows[1]["citations"]] == [1]


def test_export_downloads_markdown_with_the_citations(page):
    ask(page, ANSWERABLE)
    with page.expect_download(timeout=T) as download:
        page.click("#export")
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".md")
    md = Path(path).read_text(encoding="utf-8")
    assert ANSWERABLE in md
    assert "### Bronnen" in md and "**[1]**" in md
    assert "startkwalificatie" in md


def test_coverage_tab_groups_and_overview(page, engine):
    page.get_by_role("tab", name="Dekking").click()
    page.fill("#coverage-topic textarea", "digitale vaardigheden")
    page.click("#coverage-run")
    wait_for_text(page, "#coverage-result", "Feitenanalyse")
    result = page.inner_text("#coverage-result")
    assert "Gedekt" in result and "Handelingsperspectieven" in result
    # the overview: heat map image and table of counts
    assert page.locator("#overview-plot img").count() == 1
    counts = engine.overview()["matrix"]["Kwaliteit van werk"]["onzeker"]
    cell = page.locator("#overview-table [data-testid='cell-1-2']")
    assert cell.inner_text().strip() == str(len(counts))
    cell.click()
    wait_for_text(page, "#cell-passages", "Kwaliteit van werk")
    assert "Waar zit de onzekerheid" in page.inner_text("#cell-passages")
    # a topic the materials do not cover
    page.fill("#coverage-topic textarea", "de hoofdstad van Australië")
    page.click("#coverage-run")
    wait_for_text(page, "#coverage-result", "Niet gedekt")
