"""Citation parsing and sentence support, shared by the chain and the evals."""

from __future__ import annotations

from assistant.grounding import parse_cited, split_sentences, supported

PASSAGE = (
    "Het is mogelijk dat bedrijven bij AI inzet geen mensen ontslaan, maar uitgaan van "
    "natuurlijk verloop. Ook hoarding van werknemers is mogelijk om eerst te zien hoe "
    "effectief AI is."
)


def test_sentences_do_not_split_on_the_documents_abbreviations():
    text = "Denk aan kennis (bijv. van wet- en regelgeving). Par. 2.3, CDT51 Tweede zin."
    assert split_sentences(text) == [
        "Denk aan kennis (bijv. van wet- en regelgeving).",
        "Par. 2.3, CDT51 Tweede zin.",
    ]


def test_quoted_list_item_is_one_claim_with_its_citations():
    claims = parse_cited(
        '- "Eerste zin. Tweede zin." [2]\nEen andere bewering [1]. En nog een [3].'
    )
    assert [(c.text, c.cited) for c in claims] == [
        ("Eerste zin. Tweede zin.", [2]),
        ("Een andere bewering.", [1]),
        ("En nog een.", [3]),
    ]


def test_support_by_quote_or_by_content_words():
    assert supported("uitgaan van natuurlijk verloop", PASSAGE)
    assert supported(
        "Bedrijven ontslaan bij AI inzet geen mensen maar rekenen op natuurlijk verloop.", PASSAGE
    )
    assert not supported("De SER wil een belasting op robots invoeren.", PASSAGE)


def test_marker_after_the_full_stop_cites_the_sentence_before_it():
    claims = parse_cited("AI verandert taken. [2] Lonen stijgen.")
    assert [(c.text, c.cited) for c in claims] == [("AI verandert taken.", [2]), ("Lonen stijgen.", [])]
