"""Is the question answered by the materials at all? Decides before any generator runs.

Signals (calibrated on evals/dev.jsonl and evals/gold.jsonl; see evals/README.md):
- the dense similarity of the best passage (multilingual-e5: on-topic questions score high);
- content words of the question that the materials never use ("boetes" in "Hoe hoog zijn de
  boetes onder de AI Act?"), for English via the glossary; Dutch compounds count as known
  through their parts, and words about the documents themselves are ignored;
- text that tries to instruct the assistant.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.glossary import english_terms, unknown_english
from assistant.language import STOPWORDS, content_stems, decompound, stem, tokens
from assistant.retrieval import Hit
from assistant.safety import looks_like_instruction


@dataclass(frozen=True)
class Gate:
    dense_min: float = 0.78  # below: nothing in the materials is near the question
    unknown_dense: float = 0.845  # below, one unknown content word is enough to decline
    share_dense: float = 0.86  # below, declining when `unknown_share` of the words are unknown
    unknown_share: float = 0.4


OPEN_GATE = Gate(dense_min=-1.0, unknown_dense=-1.0, share_dense=-1.0)  # answers anything


# words about the documents themselves: a question may use them without the materials doing so
META_WORDS = frozenset(
    """
stukken stuk document documenten notitie bronnotitie achtergrondnotitie voorlegger bijlage tabel
feitentabel tafel tafels dialoogtafel kolom kolommen rij rijen bron bronnen voetnoot opsomming lijst
alinea paragraaf onderdeel raad raadsleden vergadering secretariaat verwijzing verwijzingen genoemd
gebaseerd staat staan noemt beschrijft vermeldt samenvatting overzicht punt punten
table tables note notes annex appendix column columns row rows source sources footnote list section
paragraph part council meeting secretariat reference references mentioned based summary overview
point points cover background
""".split()
)


def unknown_terms(question: str, language: str, vocabulary: set[str]) -> tuple[list[str], int]:
    """(content words the materials never use, number of content words)."""
    if language == "en":
        terms = [w for w, _ in english_terms(question) if w not in META_WORDS]
        unknown = [w for w in unknown_english(question, vocabulary) if w not in META_WORDS]
        return unknown, len(terms)
    words = [
        t
        for t in tokens(question)
        if t not in STOPWORDS and t not in META_WORDS and len(t) > 1 and not t.isdigit()
    ]
    unknown = [
        w
        for w, s in zip(words, stem(words), strict=True)
        if s not in vocabulary and not decompound(w, vocabulary)
    ]
    return sorted(set(unknown)), len(set(words))


@dataclass
class Verdict:
    answerable: bool
    reason: str = ""
    unknown_terms: tuple[str, ...] = ()


def assess(
    question: str, language: str, hits: list[Hit], vocabulary: set[str], gate: Gate = Gate()
) -> Verdict:
    if looks_like_instruction(question):
        return Verdict(False, "instruction")
    if not hits:
        return Verdict(False, "no passages")
    unknown, n_words = unknown_terms(question, language, vocabulary)
    if not n_words and not content_stems(question):
        return Verdict(False, "no content words")
    top = max(h.dense for h in hits)
    share = len(unknown) / max(n_words, 1)
    if top < gate.dense_min:
        return Verdict(False, "no passage relevant enough", tuple(unknown))
    if unknown and (
        top < gate.unknown_dense or (share >= gate.unknown_share and top < gate.share_dense)
    ):
        return Verdict(False, "terms not in the materials", tuple(unknown))
    return Verdict(True)
