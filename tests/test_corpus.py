"""The structured corpus is faithful to the raw text of the seed document."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from assistant.sources import load_corpus
from assistant.sources.structured import load_structured_doc
from tests.conftest import CORPUS

RAW = CORPUS / "ser-ai-en-werk-2024.txt"
STRUCTURED = CORPUS / "ser-ai-en-werk-2024.passages.yaml"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.fixture(scope="module")
def doc() -> dict:
    return load_structured_doc(STRUCTURED)


def test_every_raw_word_lands_in_exactly_one_place(doc):
    """Raw words = passage words + heading words (each heading once) + listed artefacts."""
    raw = RAW.read_text(encoding="utf-8")
    for art in doc["artefacts"]:
        assert raw.count(art["text"]) == art["count"], art["reason"]
        raw = raw.replace(art["text"], art.get("replace", ""))
    from_passages: Counter[str] = Counter()
    headings = set()
    for p in doc["passages"]:
        from_passages.update(words(p["text"]))
        for i in range(len(p["section"])):
            headings.add(tuple(p["section"][: i + 1]))
    for h in headings:
        from_passages.update(words(h[-1]))
    expected = Counter(words(raw))
    assert expected - from_passages == Counter(), "raw words missing from the passages"
    assert from_passages - expected == Counter(), "passage words the raw text lacks"


def test_artefacts_are_only_headers_and_footnote_markers(doc):
    allowed = {"table header", "footnote"}
    for art in doc["artefacts"]:
        assert any(a in art["reason"] for a in allowed), art


def test_ids_are_unique_and_stable_slugs(doc):
    ids = [p["id"] for p in doc["passages"]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)


def test_fact_cells_keep_row_column_and_reference(doc):
    cells = [p for p in doc["passages"] if p.get("row")]
    assert len(cells) >= 50
    columns = {p["column"] for p in cells}
    assert columns == {
        "Wat weten we wel",
        "Waar zit de onzekerheid",
        "Welke trends/eerste inzichten zijn er",
    }
    for p in cells:
        if p.get("ref"):  # the reference is quoted exactly as the document writes it
            assert p["ref"] in " ".join(p["text"].split()), p["id"]
    by_id = {p["id"]: p for p in doc["passages"]}
    # a cell the text export split over a page break is joined again
    joined = by_id["feiten-kwaliteit-trends-1"]["text"]
    assert "welke taken overblijven" in " ".join(joined.split())
    assert by_id["feiten-kwaliteit-wel-1"]["ref"] == "Par. 2 en 3.1, CDT46"
    assert (
        by_id["feiten-productiviteit-wel-1"]["row"]
        == "Over de impact van AI op arbeidsproductiviteit"
    )


def test_action_cells_have_theme_and_level(doc):
    cells = [
        p for p in doc["passages"] if p["part"] == "handelingsperspectieven" and p.get("theme")
    ]
    assert {p["level"] for p in cells} == {"micro", "meso", "macro"}
    themes = {p["theme"] for p in cells}
    assert "Mobiliteit van werkenden" in themes and "Sociale innovatie" in themes


def test_dialogue_sections_have_heading_paths(doc):
    paths = {" > ".join(p["section"]) for p in doc["passages"] if p["part"] == "dialoogtafel"}
    assert "Dialoogtafel 1 | Betrekken van werknemers > Wat is het probleem?" in paths
    assert len(paths) == 12


def test_loader_reads_structured_form_not_the_raw_file():
    corpus = load_corpus(CORPUS)
    sources = {p.source for p in corpus.passages}
    assert sources == {"ser-ai-en-werk-2024.txt"}
    assert len(corpus.passages) == 120
    assert not corpus.skipped
