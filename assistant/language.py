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
    "de",
    "het",
    "een",
    "en",
    "van",
    "wat",
    "welke",
    "hoe",
    "waarom",
    "wie",
    "waar",
    "is",
    "zijn",
    "er",
    "op",
    "voor",
    "met",
    "niet",
    "ook",
    "bij",
    "over",
    "naar",
    "aan",
    "dat",
    "die",
    "om",
    "kan",
    "kunnen",
    "wordt",
    "worden",
    "zegt",
    "staat",
    "stukken",
    "noemt",
    "genoemd",
    "welk",
    "wanneer",
    "hoeveel",
    "zou",
    "moet",
    "moeten",
    "heeft",
    "hebben",
    "nog",
    "ze",
    "we",
    "wij",
    "je",
    "jij",
    "u",
    "ik",
    "mijn",
    "onze",
    "dit",
    "deze",
    "als",
    "maar",
    "of",
    "tot",
    "uit",
    "geen",
    "meer",
    "volgens",
    "tussen",
    "binnen",
    "rond",
    "rondom",
    "andere",
    "wel",
}
_EN_MARKERS = {
    "the",
    "a",
    "an",
    "and",
    "of",
    "what",
    "which",
    "how",
    "why",
    "who",
    "where",
    "is",
    "are",
    "there",
    "on",
    "for",
    "with",
    "not",
    "also",
    "about",
    "to",
    "that",
    "does",
    "do",
    "can",
    "could",
    "should",
    "would",
    "say",
    "says",
    "document",
    "materials",
    "mention",
    "when",
    "many",
    "much",
    "it",
    "its",
    "their",
    "they",
    "we",
    "you",
    "i",
    "my",
    "our",
    "this",
    "these",
    "as",
    "but",
    "or",
    "from",
    "no",
    "more",
    "according",
    "between",
    "within",
    "around",
    "other",
    "be",
    "been",
    "has",
    "have",
    "will",
    "tell",
    "me",
    "please",
    "give",
    "list",
}
# words that ask, not words that carry the topic
_QUESTION_WORDS = {
    "wat",
    "welke",
    "welk",
    "hoe",
    "waarom",
    "wie",
    "waar",
    "wanneer",
    "hoeveel",
    "zegt",
    "staat",
    "stukken",
    "document",
    "documenten",
    "noemt",
    "genoemd",
    "beschreven",
    "materialen",
    "volgens",
    "what",
    "which",
    "how",
    "why",
    "who",
    "where",
    "when",
    "say",
    "says",
    "mention",
    "mentioned",
    "materials",
    "documents",
    "according",
    "tell",
    "describe",
    "described",
    "listed",
    "list",
    "give",
    "please",
    "known",
    "noemen",
    "vermeld",
    "vermeldt",
    "genoemde",
    "gaat",
}

# bm25s's English list has only 33 words; questions need the usual function words too
_EN_FUNCTION = set(
    """
about above after again against all also am any anything because been before being below
between both can cannot could did do does doing done down during each either else even ever
every few further had has have having he her here hers herself him himself his i if its itself
just let lets may me might more most much must my myself neither nor now of off once only other
ought our ours ourselves out over own same shall she should so some something such than that
thats them themselves then there these they those through too under until up upon us very was
we were what whatever when whenever where whether which while who whom whose why will with
within without would yet you your yours yourself yourselves one ones get gets got make makes
made way ways kind kinds thing things lot lots many really currently
""".split()
)
_NL_FUNCTION = set(
    """
aan af al alle alles als altijd andere ben bij daar daarom daarna daarvan daarvoor dan dat de
deze die dit doch doen door dus een eens en enkele er erg ge geen geweest haar had heb hebben
heeft hem het hier hij hoe hun iemand iets ik in is ja je jou jouw kan kon kunnen maar me meer
men met mij mijn moet moeten na naar niet niets nog nu of om omdat onder ons ook op over reeds te
tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wezen wie wil worden
wordt zal ze zelf zich zij zijn zo zonder zou zouden zullen welke welk waarbij waarin waarop
waarmee waarvoor daarbij daarmee daarin hierbij hiervan hierover precies eigenlijk gewoon
""".split()
)

STOPWORDS = (
    frozenset(STOPWORDS_DUTCH)
    | frozenset(STOPWORDS_EN)
    | _QUESTION_WORDS
    | frozenset(_EN_FUNCTION)
    | frozenset(_NL_FUNCTION)
)


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


MIN_PART = 4  # shortest part a Dutch compound is split into


def decompound(word: str, vocabulary: set[str]) -> list[str]:
    """Stems of the known parts of a Dutch compound ("platformwerk" -> platform, werk), or []
    when no split gives a known part. Dutch glues words together, often with a linking s or e."""
    word = word.casefold()
    best: list[str] = []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        if head in STOPWORDS:  # over-treden, door-voeren: a prefixed verb, not a compound
            continue
        heads = [head] + ([head[:-1]] if head.endswith(("s", "e")) and len(head) > MIN_PART else [])
        parts = [stem([h])[0] for h in heads if h not in STOPWORDS and stem([h])[0] in vocabulary][
            :1
        ]
        tail_stem = stem([tail])[0]
        if tail not in STOPWORDS and tail_stem in vocabulary:
            parts.append(tail_stem)
        if len(parts) > len(best):
            best = parts
    return best
