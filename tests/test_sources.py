"""Further materials: .md, .txt, .pdf and .docx files placed in the corpus folder."""

from __future__ import annotations

from pathlib import Path

from assistant.sources import load_corpus
from assistant.sources.text import find_refs
from tests.pdfmaker import make_pdf

NOTE = """# CDT50 Notitie

## Werkgelegenheid

AI zal taken veranderen in veel beroepen, zo blijkt uit onderzoek naar vacatures. Par. 4.1, CDT50

Werkgevers verwachten vooral verschuivingen binnen functies en minder ontslagen.

## Lonen

Het effect op lonen is nog onzeker en verschilt per sector en per opleidingsniveau. Par 4.2, CDT50
"""


def test_markdown_split_along_headings_with_references(tmp_path: Path):
    (tmp_path / "cdt50.md").write_text(NOTE, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    texts = {p.text.split()[0]: p for p in corpus.passages}
    assert len(corpus.passages) == 3
    assert texts["AI"].section == ("cdt50.md", "CDT50 Notitie", "Werkgelegenheid")
    assert texts["AI"].ref == "Par. 4.1, CDT50"
    assert texts["Het"].ref == "Par 4.2, CDT50"
    assert texts["Werkgevers"].ref == ""


def test_ids_survive_reordering_and_reindexing(tmp_path: Path):
    (tmp_path / "a.md").write_text(NOTE, encoding="utf-8")
    first = {p.id: p.text for p in load_corpus(tmp_path).passages}
    parts = NOTE.split("## ")
    (tmp_path / "a.md").write_text(parts[0] + "## " + parts[2] + "## " + parts[1], encoding="utf-8")
    second = {p.id: p.text for p in load_corpus(tmp_path).passages}
    assert first == second


def test_pdf_and_docx_are_read(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_heading("Sociale dialoog", level=1)
    d.add_paragraph(
        "Sociale partners kunnen afspraken maken over de inzet van algoritmes op de werkvloer. Par. 5.2, CDT50"
    )
    d.save(tmp_path / "dialoog.docx")
    (tmp_path / "memo.pdf").write_bytes(
        make_pdf(
            [
                [
                    "Scholing van werkenden is nodig om mee te kunnen met nieuwe technologie.",
                    "Dit geldt vooral voor oudere werknemers zonder startkwalificatie. Par. 2.3, CDT51",
                ]
            ]
        )
    )
    corpus = load_corpus(tmp_path)
    assert not corpus.skipped, corpus.skipped
    by_source = {p.source: p for p in corpus.passages}
    assert by_source["dialoog.docx"].section == ("dialoog.docx", "Sociale dialoog")
    assert by_source["dialoog.docx"].ref == "Par. 5.2, CDT50"
    assert "oudere werknemers" in by_source["memo.pdf"].text
    assert by_source["memo.pdf"].ref == "Par. 2.3, CDT51"


def test_broken_files_are_skipped_and_named(tmp_path: Path):
    (tmp_path / "ok.txt").write_text(
        "Een gewone alinea over AI en werk die prima te lezen is.", encoding="utf-8"
    )
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "fake.pdf").write_text("this is not a pdf", encoding="utf-8")
    (tmp_path / "fake.docx").write_bytes(b"\x00\x01 not a zip")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x00\x00binary")
    (tmp_path / "README.md").write_text("# The folder's own documentation", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [p.source for p in corpus.passages] == ["ok.txt"]
    skipped = dict(corpus.skipped)
    assert set(skipped) == {"empty.md", "fake.pdf", "fake.docx", "binary.txt"}
    assert all(reason for reason in skipped.values())


def test_reference_patterns():
    assert (
        find_refs("zie Par.5, CDT34 en Par. 3.2 en 3.3, CDT46")
        == "Par.5, CDT34; Par. 3.2 en 3.3, CDT46"
    )
    assert find_refs("Par.4, CDT 46") == "Par.4, CDT 46"
    assert find_refs("geen verwijzing hier") == ""
