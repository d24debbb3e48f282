"""English question words -> the Dutch words the materials use (assistant/data/glossary_en_nl.tsv).

The materials are Dutch and no translation model ships offline, so English questions reach
the Dutch keyword leg through this dictionary (classic dictionary-based query translation).
It also tells which English words have no counterpart in the materials at all.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import Stemmer

from assistant.language import STOPWORDS, stem, tokens

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary_en_nl.tsv"


@lru_cache(maxsize=1)
def _english_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English stem -> Dutch words."""
    table: dict[str, list[str]] = {}
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, _, nl = line.partition("\t")
        key = _english_stemmer().stemWord(en.strip())
        if nl.strip() and nl.strip() not in table.setdefault(key, []):
            table[key].append(nl.strip())
    return {k: tuple(v) for k, v in table.items()}


def english_terms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Content words of an English question with their Dutch counterparts (maybe none)."""
    g = glossary()
    out = []
    for word in tokens(text):
        if word in STOPWORDS or len(word) < 2 or word.isdigit():
            continue
        out.append((word, g.get(_english_stemmer().stemWord(word), ())))
    return out


def to_dutch(text: str, vocabulary: set[str]) -> str:
    """An English question as Dutch keywords; words the materials share (ICT, skills) stay."""
    words = []
    for word, dutch in english_terms(text):
        if dutch:
            words.extend(dutch)
        elif stem([word])[0] in vocabulary:
            words.append(word)
    return " ".join(words)


def unknown_english(text: str, vocabulary: set[str]) -> list[str]:
    """English content words with no counterpart in the materials."""
    return [w for w, dutch in english_terms(text) if not dutch and stem([w])[0] not in vocabulary]
