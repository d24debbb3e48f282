"""The Markdown export of a conversation carries the citations with their passages."""

from __future__ import annotations

import re
from datetime import datetime

from assistant.answer import Answer, Citation
from assistant.export import conversation_markdown

PASSAGE = (
    "Hoewel NL internationaal gezien goed scoort op digitale en AI vaardigheden, geldt dat "
    "niet voor hele bevolking. Mensen zonder startkwalificatie blijven achter.\n"
    "Tweede regel van de passage."
)


def _answered() -> dict:
    return Answer(
        question="Welke groepen blijven achter in digitale vaardigheden?",
        answer='Volgens de stukken:\n\n- "Mensen zonder startkwalificatie blijven achter." [1]',
        abstained=False,
        language="nl",
        citations=[
            Citation(
                n=1,
                id="feiten-productiviteit-trends-6",
                ref="Par. 2.3 en 4.3, CDT51",
                section="Bijlage A > Over de impact van AI op arbeidsproductiviteit",
                column="Welke trends/eerste inzichten zijn er",
                level="",
                text=PASSAGE,
                quote="Mensen zonder startkwalificatie blijven achter.",
            )
        ],
        notices=["llamacpp unavailable; answered with the extractive generator instead"],
    ).to_dict()


def _declined() -> dict:
    return Answer(
        question="Wat is de hoofdstad van Australië?",
        answer="Dit staat niet in de stukken.",
        abstained=True,
        language="nl",
        related=[
            {
                "id": "dialoogtafel3-probleem",
                "ref": "",
                "text": "Niet iedereen heeft de benodigde vaardigheden.",
                "section": "Dialoogtafel 3 | Iedereen meenemen",
                "column": "",
                "level": "",
                "score": 0.09,
            }
        ],
    ).to_dict()


def test_export_contains_questions_answers_citations_and_passages():
    md = conversation_markdown([_answered(), _declined()], now=datetime(2026, 11, 27, 10, 0))
    assert md.startswith("# ")
    assert "2026-11-27 10:00" in md
    assert "## Vraag 1" in md and "## Vraag 2" in md
    assert "Welke groepen blijven achter in digitale vaardigheden?" in md
    assert '"Mensen zonder startkwalificatie blijven achter." [1]' in md
    # the citation with its reference, place and the whole passage (every line quoted)
    assert "**[1]** Par. 2.3 en 4.3, CDT51 — Bijlage A > Over de impact" in md
    assert "(Welke trends/eerste inzichten zijn er)" in md
    assert "> Hoewel NL internationaal gezien goed scoort" in md
    assert "> Tweede regel van de passage." in md
    assert "Let op: llamacpp unavailable" in md
    # the declined turn says so and lists what may be related
    assert "**Niet in de stukken.** Dit staat niet in de stukken." in md
    assert "### Mogelijk verwant" in md
    assert "> Niet iedereen heeft de benodigde vaardigheden." in md


def test_export_neutralises_html_and_images():
    turn = _answered()
    turn["question"] = "<script>alert(1)</script> ![x](http://example.com/x.png)"
    turn["citations"][0]["text"] = (
        "tekst <img src=x onerror=alert(1)> ![y](http://example.com/y.png)"
    )
    md = conversation_markdown([turn])
    assert re.search(r"(?<!\\)<", md) is None  # every "<" is backslash-escaped: no raw HTML
    assert "![x](" not in md and "![y](" not in md
    assert r"\<script>alert(1)\</script> !\[x](http://example.com/x.png)" in md


def test_export_of_empty_conversation():
    md = conversation_markdown([])
    assert "Nog geen vragen gesteld" in md
