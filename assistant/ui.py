"""The web interface (Gradio Blocks): a chat with sources for council members ("Vragen") and a
coverage view for the secretariat ("Dekking"). Thin: every answer, search and overview comes
from the Engine; this module only lays out and renders its results.

Everything from the model or the documents is shown as escaped Markdown text: no raw HTML,
no images, so a passage or a question can never inject markup into the page.
"""

from __future__ import annotations

import os

# offline and quiet by default, also when the UI is started without the CLI
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import atexit  # noqa: E402
import html  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from assistant.coverage import COLUMN_SHORT, Coverage  # noqa: E402
from assistant.engine import Engine, QuestionError  # noqa: E402
from assistant.export import conversation_markdown  # noqa: E402
from assistant.feedback import FeedbackStore  # noqa: E402
from assistant.settings import Settings, SettingsError  # noqa: E402

log = logging.getLogger(__name__)

TITLE = "SER-assistent AI en werk"
GENERATORS = [
    ("Extractief: letterlijke citaten uit de stukken", "extractive"),
    ("Lokaal taalmodel (llama.cpp)", "llamacpp"),
    ("OpenAI-compatibele server", "openai"),
]
EXAMPLES = [
    "Welke groepen blijven achter in digitale vaardigheden?",
    "Wat weten we over de impact van AI op arbeidsproductiviteit?",
    "Welke handelingsperspectieven zijn er op macroniveau?",
    "How does AI affect the quality of work?",
]
COVERAGE_EXAMPLES = ["digitale vaardigheden", "scholing", "algoritmisch management"]
COLUMN_LONG = {short: long for long, short in COLUMN_SHORT.items()}
PART_NAMES = {
    "voorlegger": "Voorlegger",
    "achtergrond": "Achtergrondstukken",
    "dialoogtafel": "Dialoogtafels",
    "feitenanalyse": "Feitenanalyse",
    "handelingsperspectieven": "Handelingsperspectieven",
    "document": "Overige stukken",
}
EXPORT_NAME = "gesprek-ser-ai-en-werk.md"
EXPORT_MAX_AGE_S = 3600
PRIVATE = "private"  # internal UI events: not in the API docs, not callable by clients

CSS = """
#answer-status { padding: 8px 12px; border-radius: 6px; border-left: 4px solid transparent; }
#answer-status.status-answered { border-left-color: #15803d; background: #f0fdf4; }
#answer-status.status-declined { border-left-color: #b45309; background: #fff7ed; }
#answer-status.status-error { border-left-color: #b91c1c; background: #fef2f2; }
#chatbot blockquote { border-left: 4px solid #b45309; background: #fff7ed; padding: 4px 10px;
                      margin: 0; color: #7c2d12; }
#chatbot code, #passage-view code { background: #e0e7ff; color: #3730a3; border-radius: 4px;
                                    padding: 0 4px; font-weight: 600; }
#passage-view strong, #sources-list strong { background: #fef9c3; }
#coverage-result { max-height: 640px; overflow-y: auto; }
.passage-meta { color: #555; }
"""

# ------------------------------------------------------------------------------ rendering

_MD_SPECIAL = re.compile(r"([\\`*_\[\]!#|~$])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")


def md_text(text: object) -> str:
    """Untrusted text as inert Markdown: HTML escaped, Markdown syntax (links, images,
    emphasis, code, maths) backslash-escaped so it shows literally."""
    s = html.escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", s)


def with_markers(text: str) -> str:
    """Answer text with each citation [n] shown as a visible marker (a code pill)."""
    return _MARKER.sub(r"`[\1]`", md_text(text))


def _bold(segment: str) -> str:
    """Escaped text in bold, line by line (emphasis cannot span lines or start with space)."""
    out = []
    for line in segment.split("\n"):
        core = line.strip()
        if not core:
            out.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()) :]
        out.append(f"{lead}**{md_text(core)}**{trail}")
    return "\n".join(out)


def _quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where the quoted parts (joined with ' … ' by the engine) occur in the passage."""
    spans = []
    for part in (p.strip() for p in quote.split("…")):
        if len(part) < 3:
            continue
        pos = text.find(part)
        if pos >= 0:
            spans.append((pos, pos + len(part)))
            continue
        # an LLM may change whitespace; match the words with any whitespace between them
        words = part.split()
        m = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
        if m:
            spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, quote: str = "") -> str:
    """A passage as escaped Markdown with the quoted part(s) in bold."""
    out, last = [], 0
    for a, b in _quote_spans(text, quote or ""):
        out.append(md_text(text[last:a]))
        out.append(_bold(text[a:b]))
        last = b
    out.append(md_text(text[last:]))
    return "".join(out)


def _where(item: dict) -> str:
    """Column of the fact analysis or level of the action table, in words."""
    if item.get("column"):
        return f"kolom: {item['column']}"
    if item.get("level"):
        return f"niveau: {item['level']}"
    return ""


def _score_of(answer: dict, pid: str) -> float | None:
    for p in answer.get("passages") or []:
        if p.get("id") == pid:
            return p.get("score")
    return None


def _short_section(section: str) -> str:
    return section.split(" > ")[-1] if section else ""


def choice_label(marker: str, item: dict) -> str:
    """Radio label of a citation: "[1] Par. 4.2, CDT50 — Over de impact … · trends"."""
    head = item.get("ref") or _short_section(item.get("section", "")) or item.get("id", "")
    tail = _short_section(item.get("section", "")) if item.get("ref") else ""
    col = COLUMN_SHORT.get(item.get("column", ""), "") or item.get("level", "")
    label = f"{marker} {head}"
    if tail:
        label += f" — {tail}"
    if col:
        label += f" · {col}"
    return label


def passage_md(item: dict, marker: str = "", quote: str = "", score: float | None = None) -> str:
    """One passage with its place in the documents, its reference and its score."""
    title = f"`{marker}` " if marker else ""
    title += md_text(
        item.get("ref") or _short_section(item.get("section", "")) or item.get("id", "")
    )
    meta = [f"_Sectie:_ {md_text(item.get('section') or '—')}"]
    if where := _where(item):
        meta.append(md_text(where[0].upper() + where[1:]))
    if score is not None:
        meta.append(f"score {score:.4f}")
    body = highlight(item.get("text", ""), quote)
    return f"#### {title}\n\n{' · '.join(meta)}\n\n{body}\n"


def answer_message(answer: dict) -> str:
    """The chat bubble of a finished answer: text with markers, or the declined look."""
    if answer.get("abstained"):
        body = [f"> ⊘ **Niet in de stukken** — {md_text(answer.get('answer', ''))}"]
        if answer.get("related"):
            body.append("> ")
            body.append("> Zie *Mogelijk verwant* in het bronnenpaneel.")
    else:
        body = [with_markers(answer.get("answer", ""))]
    for note in answer.get("notices") or []:
        body += ["", f"_ℹ Let op: {md_text(note)}_"]
    return "\n".join(body)


def _items(answer: dict) -> list[tuple[str, str, dict]]:
    """(radio value, marker, item) for the citations, or for the related passages when
    the answer declined."""
    if answer.get("abstained"):
        return [(f"r{i}", f"[{chr(97 + i)}]", p) for i, p in enumerate(answer.get("related") or [])]
    return [(f"c{c['n']}", f"[{c['n']}]", c) for c in answer.get("citations") or []]


def selected_passage(answer: dict | None, value: str | None) -> str:
    if not answer or not value:
        return "_Kies hierboven een bron om de passage te lezen._"
    for v, marker, item in _items(answer):
        if v == value:
            pid = item.get("id", "")
            score = item.get("score") if answer.get("abstained") else _score_of(answer, pid)
            return passage_md(item, marker, item.get("quote", ""), score)
    return "_Deze bron hoort niet bij het laatste antwoord._"


def sources_md(answer: dict) -> str:
    if answer.get("abstained"):
        items = _items(answer)
        if not items:
            return "### Mogelijk verwant\n\n_Geen verwante passages gevonden._"
        return "### Mogelijk verwant\n\n" + "\n".join(
            passage_md(p, m, "", p.get("score")) for _, m, p in items
        )
    return "\n".join(
        passage_md(c, m, c.get("quote", ""), _score_of(answer, c.get("id", "")))
        for _, m, c in _items(answer)
    )


def status_md(answer: dict) -> str:
    if answer.get("abstained"):
        n = len(answer.get("related") or [])
        related = (
            f"{_passages(n)} die mogelijk verwant {'is' if n == 1 else 'zijn'} hieronder."
            if n
            else "geen verwante passages gevonden."
        )
        return f"⊘ **Niet in de stukken.** De stukken beantwoorden deze vraag niet; {related}"
    n = len(answer.get("citations") or [])
    return f"✓ **{n} {'bron' if n == 1 else 'bronnen'}** bij het laatste antwoord. Kies een bron:"


def question_error(
    question: object, settings: Settings, exc: Exception, topic: bool = False
) -> str:
    """A clear Dutch message for a question (or coverage topic) the engine refuses."""
    text = question if isinstance(question, str) else ""
    what, the = ("onderwerp", "Het onderwerp") if topic else ("vraag", "De vraag")
    if not text.strip():
        return f"Typ eerst een {what}."
    if len(" ".join(text.split())) > settings.max_question_chars:
        return (
            f"{the} is te lang ({len(text)} tekens); het maximum is "
            f"{settings.max_question_chars} tekens. Maak {the.lower()} korter."
        )
    return f"Deze {what} kan niet worden gebruikt ({exc})."


def coverage_md(cov: Coverage | dict) -> str:
    """Coverage of a topic grouped by document part."""
    d = cov.to_dict() if isinstance(cov, Coverage) else cov
    if not d.get("covered"):
        reason = f" _({md_text(d['reason'])})_" if d.get("reason") else ""
        return (
            f"### Niet gedekt door de stukken\n\n„{md_text(d.get('topic', ''))}” komt in de "
            f"stukken niet (voldoende) voor.{reason}"
        )
    by_part: dict[str, list[dict]] = {}
    for g in d.get("groups") or []:
        by_part.setdefault(g.get("part") or "document", []).append(g)
    order = list(PART_NAMES)
    out = [f"### Gedekt: „{md_text(d.get('topic', ''))}”", ""]
    for part in sorted(by_part, key=lambda p: order.index(p) if p in order else len(order)):
        groups = by_part[part]
        n = sum(len(g.get("passages") or []) for g in groups)
        name = PART_NAMES.get(part, part)
        out += [f"#### {md_text(name)} ({_passages(n)})", ""]
        for g in groups:
            # "Feitenanalyse: row × column" under the Feitenanalyse heading: drop the prefix
            gname = str(g.get("name", "")).removeprefix(f"{name}: ")
            out += [f"**{md_text(gname)}**", ""]
            for p in g.get("passages") or []:
                ref = f"{md_text(p['ref'])} · " if p.get("ref") else ""
                out += [f"- {ref}score {p.get('score', 0):.4f} — {md_text(p.get('text', ''))}"]
            out.append("")
    return "\n".join(out)


def _passages(n: int) -> str:
    return f"{n} passage" if n == 1 else f"{n} passages"


def overview_rows(overview: dict) -> list[list[Any]]:
    cols = overview.get("columns") or []
    return [
        [label, *(len(cells.get(c) or []) for c in cols)]
        for label, cells in (overview.get("matrix") or {}).items()
    ]


def overview_figure(overview: dict) -> Figure:
    """Heat map of passage counts: advice question x fact-analysis column."""
    cols = overview.get("columns") or []
    rows = overview_rows(overview)
    counts = [r[1:] for r in rows] or [[0] * len(cols)]
    # the object-oriented API: no pyplot global state shared between server threads
    fig = Figure(figsize=(6.4, 3.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    im = ax.imshow(counts, cmap="YlGn", vmin=0, aspect="auto")
    ax.set_xticks(range(len(cols)), labels=cols)
    ax.set_yticks(range(len(rows)), labels=[r[0] for r in rows])
    top = max((max(r) for r in counts), default=0)
    for i, r in enumerate(counts):
        for j, v in enumerate(r):
            ax.text(
                j,
                i,
                str(v),
                ha="center",
                va="center",
                color="white" if top and v > 0.6 * top else "black",
                fontsize=12,
            )
    ax.set_title("Passages in de feitenanalyse per adviesvraag en kolom", fontsize=10)
    fig.colorbar(im, ax=ax, label="passages")
    return fig


# ------------------------------------------------------------------------------ the app


def _history(turns: list[dict]) -> list[dict]:
    out = []
    for t in turns:
        out += [
            {"role": "user", "content": t.get("question", "")},
            {"role": "assistant", "content": t.get("answer", "")},
        ]
    return out


class _Exports:
    """Markdown exports in one temporary folder of this process; gradio copies a returned file
    into its own cache, so ours only need to live briefly and nothing else is served."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ser-assistent-export-"))
        atexit.register(shutil.rmtree, self.root, True)

    def write(self, turns: list[dict]) -> str:
        self._prune()
        folder = Path(tempfile.mkdtemp(dir=self.root))
        path = folder / EXPORT_NAME
        path.write_text(conversation_markdown(turns), encoding="utf-8")
        return str(path)

    def _prune(self) -> None:
        cutoff = time.time() - EXPORT_MAX_AGE_S
        for child in self.root.iterdir():
            try:
                if child.stat().st_mtime < cutoff:
                    shutil.rmtree(child, ignore_errors=True)
            except OSError:
                pass


def build_app(engine: Engine, settings: Settings) -> gr.Blocks:
    feedback = FeedbackStore(Path(settings.data_dir) / "feedback.sqlite3")
    exports = _Exports()
    overview = engine.overview()

    # -------------------------------------------------------------- chat handlers

    def respond(
        question: str, chat: list[dict], turns: list[dict], generator: str, k: float
    ) -> Iterator[tuple]:
        chat = list(chat or [])
        turns = list(turns or [])
        shown_q = question if len(question or "") <= 500 else question[:500] + " …"
        chat += [
            {"role": "user", "content": md_text(shown_q)},
            {"role": "assistant", "content": "_Zoeken in de stukken …_"},
        ]
        skip = gr.skip()
        yield chat, turns, "", skip, skip, skip, skip, skip
        text, final = "", None
        try:
            for item in engine.stream(question, _history(turns), generator or None, int(k)):
                if isinstance(item, str):
                    text += item
                    chat[-1] = {"role": "assistant", "content": with_markers(text) + " ▌"}
                    yield chat, skip, skip, skip, skip, skip, skip, skip
                else:
                    final = item
        except QuestionError as exc:
            chat[-1] = {
                "role": "assistant",
                "content": f"⚠ {md_text(question_error(question, settings, exc))}",
            }
            yield (
                chat,
                turns,
                question,
                gr.Markdown("⚠ De vraag is niet gesteld.", elem_classes=["status-error"]),
                skip,
                skip,
                skip,
                skip,
            )
            return
        except Exception:  # noqa: BLE001 - never show internals to the user
            log.exception("answering failed")
            chat[-1] = {
                "role": "assistant",
                "content": "⚠ Er ging iets mis bij het beantwoorden. Probeer het opnieuw.",
            }
            yield (
                chat,
                turns,
                question,
                gr.Markdown("⚠ Geen antwoord.", elem_classes=["status-error"]),
                skip,
                skip,
                skip,
                skip,
            )
            return
        answer = final.to_dict()
        chat[-1] = {"role": "assistant", "content": answer_message(answer)}
        answer["message_index"] = len(chat) - 1  # to find the answer a thumbs-up refers to
        turns.append(answer)
        items = _items(answer)
        first = items[0][0] if items else None
        yield (
            chat,
            turns,
            skip,
            gr.Markdown(
                status_md(answer),
                elem_classes=["status-declined" if answer["abstained"] else "status-answered"],
            ),
            gr.Radio(
                choices=[(choice_label(m, it), v) for v, m, it in items],
                value=first,
                label="Mogelijk verwant" if answer["abstained"] else "Bronnen",
                visible=bool(items),
            ),
            selected_passage(answer, first),
            sources_md(answer),
            gr.DownloadButton(value=exports.write(turns), interactive=True),
        )

    def show_passage(value: str | None, turns: list[dict]) -> str:
        return selected_passage(turns[-1] if turns else None, value)

    def _turn_for(turns: list[dict], message_index: object) -> dict | None:
        for t in turns or []:
            if t.get("message_index") == message_index:
                return t
        return None

    def on_like(turns: list[dict], data: gr.LikeData) -> Any:
        if not isinstance(data.liked, bool):  # an undo, or another feedback option
            return gr.skip()
        turn = _turn_for(turns, data.index)
        if turn is None:
            return "_Feedback kan alleen bij een antwoord worden gegeven._"
        feedback.add(
            "up" if data.liked else "down",
            turn["question"],
            turn["answer"],
            turn.get("citations") or [],
        )
        return "Bedankt voor uw feedback (" + ("nuttig" if data.liked else "niet nuttig") + ")."

    def on_wrong_source(turns: list[dict], value: str | None) -> str:
        if not turns:
            return "_Stel eerst een vraag._"
        turn = turns[-1]
        cits = turn.get("citations") or []
        # the source the member has open, if any; otherwise every source of the answer
        chosen = [c for c in cits if value == f"c{c.get('n')}"] or cits or turn.get("related") or []
        feedback.add("wrong_source", turn["question"], turn["answer"], chosen)
        which = ", ".join(f"[{c['n']}]" for c in chosen if "n" in c) or "de bronnen"
        return f"Gemeld: verkeerde bron {which} bij het laatste antwoord. Dank u."

    def new_conversation() -> tuple:
        return (
            [],
            [],
            gr.Markdown("Stel een vraag; de bronnen verschijnen hier.", elem_classes=[]),
            gr.Radio(choices=[], value=None, visible=False),
            "",
            "",
            gr.DownloadButton(value=None, interactive=False),
            "",
        )

    # -------------------------------------------------------------- coverage handlers

    def show_coverage(topic: str) -> str:
        try:
            return coverage_md(engine.coverage(topic))
        except QuestionError as exc:
            return f"⚠ {md_text(question_error(topic, settings, exc, topic=True))}"
        except Exception:  # noqa: BLE001
            log.exception("coverage failed")
            return "⚠ Er ging iets mis bij het zoeken. Probeer het opnieuw."

    def cell_passages(label: str | None, column: str | None) -> str:
        cells = (overview.get("matrix") or {}).get(label or "", {})
        if column not in cells:
            return "_Kies een adviesvraag en een kolom (of klik op een cel in de tabel)._"
        ids = cells[column]
        out = [
            f"### {md_text(label)} × {md_text(COLUMN_LONG.get(column, column))} "
            f"({_passages(len(ids))})",
            "",
        ]
        for pid in ids:
            p = engine.passage(pid)
            if p is not None:
                ref = f"**{md_text(p['ref'])}** — " if p["ref"] else ""
                out.append(f"- {ref}{md_text(p['text'])}")
        return "\n".join(out)

    def select_cell(evt: gr.SelectData) -> tuple:
        row, col = evt.index if isinstance(evt.index, (list, tuple)) else (evt.index, 0)
        labels = list(overview.get("matrix") or {})
        cols = overview.get("columns") or []
        if not 0 <= row < len(labels):
            return gr.skip(), gr.skip(), gr.skip()
        label = labels[row]
        column = cols[col - 1] if 1 <= col <= len(cols) else (cols[0] if cols else None)
        return label, column, cell_passages(label, column)

    # -------------------------------------------------------------- API (JSON)

    def ask(
        question: str,
        history: list[dict] | None = None,
        generator: str | None = None,
        k: int | None = None,
    ) -> dict:
        """Answer a question from the materials; returns the Answer as JSON."""
        try:
            return engine.ask(question, history=history, generator=generator or None, k=k).to_dict()
        except QuestionError as exc:
            raise gr.Error(question_error(question, settings, exc)) from None

    def coverage(topic: str) -> dict:
        """Where the materials cover a topic, grouped by document part."""
        try:
            return engine.coverage(topic).to_dict()
        except QuestionError as exc:
            raise gr.Error(question_error(topic, settings, exc, topic=True)) from None

    # -------------------------------------------------------------- layout

    with gr.Blocks(title=TITLE, delete_cache=(3600, 86400)) as app:
        gr.Markdown(
            f"# {TITLE}\nVragen over de SER-stukken over AI en werk, beantwoord met "
            "citaten uit die stukken. Staat iets er niet in, dan zegt de assistent dat."
        )
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Vragen", id="vragen", elem_id="tab-vragen"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Gesprek",
                            elem_id="chatbot",
                            height=520,
                            sanitize_html=True,
                            allow_tags=False,
                            render_markdown=True,
                            latex_delimiters=[],
                            feedback_options=("Like", "Dislike"),
                            buttons=["copy", "copy_all"],
                            placeholder="Stel hieronder een vraag over de stukken.",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False,
                                elem_id="question",
                                scale=5,
                                lines=1,
                                max_lines=6,
                                placeholder="Stel een vraag over de stukken …",
                                submit_btn=False,
                            )
                            send = gr.Button(
                                "Verstuur",
                                variant="primary",
                                elem_id="send",
                                scale=1,
                                min_width=100,
                            )
                        gr.Examples(
                            EXAMPLES,
                            inputs=[question],
                            label="Voorbeeldvragen",
                            api_visibility=PRIVATE,
                        )
                        with gr.Row():
                            wrong = gr.Button(
                                "⚠ Verkeerde bron melden", elem_id="wrong-source", size="sm"
                            )
                            export = gr.DownloadButton(
                                "⤓ Gesprek exporteren (Markdown)",
                                elem_id="export",
                                interactive=False,
                                size="sm",
                            )
                            clear = gr.Button(
                                "Nieuw gesprek", elem_id="new-conversation", size="sm"
                            )
                        feedback_note = gr.Markdown(elem_id="feedback-status")
                        with gr.Accordion("Instellingen", open=False, elem_id="settings"):
                            generator = gr.Radio(
                                GENERATORS,
                                value=settings.generator,
                                label="Manier van antwoorden",
                                elem_id="generator",
                            )
                            k = gr.Slider(
                                1,
                                settings.max_k,
                                value=settings.k,
                                step=1,
                                label="Aantal passages om uit te zoeken",
                                elem_id="k",
                            )
                    with gr.Column(scale=2, elem_id="sources"):
                        status = gr.Markdown(
                            "Stel een vraag; de bronnen verschijnen hier.", elem_id="answer-status"
                        )
                        citation = gr.Radio(
                            choices=[], label="Bronnen", visible=False, elem_id="citation-select"
                        )
                        passage = gr.Markdown(
                            elem_id="passage-view", line_breaks=True, latex_delimiters=[]
                        )
                        with gr.Accordion(
                            "Alle bronnen bij het laatste antwoord",
                            open=False,
                            elem_id="sources-accordion",
                        ):
                            sources = gr.Markdown(
                                elem_id="sources-list", line_breaks=True, latex_delimiters=[]
                            )

            with gr.Tab("Dekking", id="dekking", elem_id="tab-dekking"):
                gr.Markdown(
                    "Waar behandelen de stukken een onderwerp? De treffers zijn "
                    "gegroepeerd per deel van de stukken."
                )
                with gr.Row():
                    topic = gr.Textbox(
                        show_label=False,
                        elem_id="coverage-topic",
                        scale=5,
                        placeholder="Onderwerp, bijv. digitale vaardigheden",
                    )
                    find = gr.Button(
                        "Zoek dekking",
                        variant="primary",
                        elem_id="coverage-run",
                        scale=1,
                        min_width=100,
                    )
                gr.Examples(
                    COVERAGE_EXAMPLES, inputs=[topic], label="Voorbeelden", api_visibility=PRIVATE
                )
                coverage_out = gr.Markdown(elem_id="coverage-result", latex_delimiters=[])
                gr.Markdown(
                    "## Overzicht feitenanalyse: adviesvragen × kolommen\n"
                    f"{overview.get('passages', 0)} passages in de stukken; "
                    "bekend = *Wat weten we wel*, onzeker = *Waar zit de onzekerheid*, "
                    "trends = *Welke trends/eerste inzichten zijn er*."
                )
                with gr.Row():
                    gr.Plot(
                        overview_figure(overview),
                        format="png",
                        show_label=False,
                        elem_id="overview-plot",
                    )
                    table = gr.Dataframe(
                        value=overview_rows(overview),
                        headers=["Adviesvraag", *(overview.get("columns") or [])],
                        interactive=False,
                        elem_id="overview-table",
                        label="Aantal passages (klik op een cel)",
                    )
                labels = list(overview.get("matrix") or {})
                with gr.Row():
                    cell_q = gr.Dropdown(
                        labels, value=None, label="Adviesvraag", elem_id="cell-question"
                    )
                    cell_c = gr.Dropdown(
                        [(COLUMN_LONG.get(c, c), c) for c in overview.get("columns") or []],
                        value=None,
                        label="Kolom",
                        elem_id="cell-column",
                    )
                cell_out = gr.Markdown(elem_id="cell-passages", latex_delimiters=[])

        # ---------------------------------------------------------- events
        chat_outputs = [chatbot, turns, question, status, citation, passage, sources, export]
        gr.on(
            [question.submit, send.click],
            respond,
            inputs=[question, chatbot, turns, generator, k],
            outputs=chat_outputs,
            api_visibility=PRIVATE,
        )
        citation.change(show_passage, [citation, turns], passage, api_visibility=PRIVATE)
        chatbot.like(on_like, [turns], feedback_note, api_visibility=PRIVATE)
        wrong.click(on_wrong_source, [turns, citation], feedback_note, api_visibility=PRIVATE)
        gr.on(
            [clear.click, chatbot.clear],
            new_conversation,
            None,
            [chatbot, turns, status, citation, passage, sources, export, feedback_note],
            api_visibility=PRIVATE,
        )
        gr.on(
            [topic.submit, find.click], show_coverage, topic, coverage_out, api_visibility=PRIVATE
        )
        table.select(select_cell, None, [cell_q, cell_c, cell_out], api_visibility=PRIVATE)
        gr.on(
            [cell_q.input, cell_c.input],
            cell_passages,
            [cell_q, cell_c],
            cell_out,
            api_visibility=PRIVATE,
        )

        gr.api(ask, api_name="ask")
        gr.api(coverage, api_name="coverage")
    return app


# ------------------------------------------------------------------------------ serving


def parse_auth(auth: str) -> tuple[str, str] | None:
    """ "user:password" -> (user, password); empty -> no login."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise SettingsError("ASSISTANT_AUTH must look like user:password")
    return user, password


def launch_options(
    settings: Settings, port: int | None = None, host: str | None = None
) -> dict[str, Any]:
    """Keyword arguments for Blocks.launch(): local only, no share link, no file access
    beyond gradio's own cache, login when configured, no internals in error messages."""
    return {
        "server_name": host or settings.host,
        "server_port": port or settings.port,
        "share": False,
        "auth": parse_auth(settings.auth),
        "auth_message": "Log in om de SER-assistent te gebruiken." if settings.auth else None,
        "show_error": False,
        "css": CSS,
    }


def serve(settings: Settings, port: int | None = None, host: str | None = None) -> int:
    """Open the engine (building the index first if there is none) and serve until stopped."""
    from assistant.indexing import index_corpus
    from assistant.store import IndexUnavailable

    options = launch_options(settings, port=port, host=host)  # bad auth fails before indexing
    try:
        engine = Engine(settings)
    except IndexUnavailable as exc:
        print(f"assistant: no usable index ({exc}); building it now …", flush=True)
        index_corpus(settings)
        engine = Engine(settings)
    app = build_app(engine, settings)
    app.queue(default_concurrency_limit=settings.concurrency, max_size=settings.max_queue)
    app.launch(**options)
    return 0
