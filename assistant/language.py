"""Tokens, Dutch stemming and question language: shared by the keyword leg and grounding.

Language detection is a stopword count rather than a library: questions are a few words
long, only nl/en matter, and the result must be deterministic.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

_TOKEN = re.compile(r"\w+", re.UNICODE)

_NL_MARKERS = {
    "de", "het", "een", "en", "van", "wat", "welke", "hoe", "waarom", "wie", "waar", "is", "zijn",
    "er", "op", "voor", "met", "niet", "ook", "bij", "over", "naar", "aan", "dat", "die", "om",
    "kan", "kunnen", "wordt", "worden", "zegt", "staat", "stukken", "noemt", "genoemd", "welk",
    "wanneer", "hoeveel", "zou", "moet", "moeten", "heeft", "hebben", "nog", "ze", "we", "wij",
    "je", "jij", "u", "ik", "mijn", "onze", "dit", "deze", "als", "maar", "of", "tot", "uit",
    "geen", "meer", "volgens", "tussen", "binnen", "rond", "rondom", "andere", "wel",
}
_EN_MARKERS = {
    "the", "a", "an", "and", "of", "what", "which", "how", "why", "who", "where", "is", "are",
    "there", "on", "for", "with", "not", "also", "about", "to", "that", "does", "do", "can",
    "could", "should", "would", "say", "says", "document", "materials", "mention", "when", "many",
    "much", "it", "its", "their", "they", "we", "you", "i", "my", "our", "this", "these", "as",
    "but", "or", "from", "no", "more", "according", "between", "within", "around", "other",
    "be", "been", "has", "have", "will", "tell", "me", "please", "please", "give", "list",
}
# words that ask, not words that carry the topic
_QUESTION_WORDS = {
    "wat", "welke", "welk", "hoe", "waarom", "wie", "waar", "wanneer", "hoeveel", "zegt", "staat",
    "stukken", "document", "documenten", "noemt", "genoemd", "beschreven", "materialen", "volgens",
    "what", "which", "how", "why", "who", "where", "when", "say", "says", "mention", "mentioned",
    "materials", "document", "documents", "according", "tell", "describe", "described", "listed",
    "list", "give", "please", "known", "noemen", "vermeld", "vermeldt", "genoemde", "gaat",
}

STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | _QUESTION_WORDS


def tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text)]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def stem(words: list[str]) -> list[str]:
    return _stemmer().stemWords(words)


def content_stems(text: str) -> list[str]:
    """Stemmed tokens without stopwords, question words or single characters."""
    return stem([t for t in tokens(text) if t not in STOPWORDS and len(t) > 1 and not t.isdigit()])


def detect_language(text: str) -> str:
    """'nl' or 'en'; Dutch wins ties (Dutch first)."""
    words = tokens(text)
    nl = sum(w in _NL_MARKERS for w in words)
    en = sum(w in _EN_MARKERS for w in words)
    return "en" if en > nl else "nl"
