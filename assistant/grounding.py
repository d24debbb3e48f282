"""Citation mapping and sentence support: used by the answer chain and by the evals.

Support without an NLI model: a sentence is supported by its cited passage when it is a
verbatim quote of it, or when enough of its stemmed content words occur in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language import content_stems
from assistant.passages import normalise

CITE_RE = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
# threshold calibrated on evals/dev.jsonl; see evals/README.md
SUPPORT_MIN_OVERLAP = 0.6

_ABBREVS = (
    "bijv",
    "Par",
    "incl",
    "o.a",
    "O.a",
    "etc",
    "evt",
    "d.d",
    "t.b.v",
    "dmv",
    "itt",
    "ca",
    "e.d",
)
# a sentence ends at . ! ? followed by a capital or digit, except after the document's abbreviations
_SENT_END = re.compile(
    "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVS) + r"(?<=[.!?])\s+(?=[\"“‘(]?[A-Z0-9•])"
)


def split_sentences(text: str) -> list[str]:
    """Sentences; a line break also ends one (lists are one item a line)."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s.strip() for s in _SENT_END.split(line) if s.strip())
    return out


@dataclass
class CitedSentence:
    text: str  # the claim: without the [n] markers, list dash or quote marks
    cited: list[int]
    written: str = ""  # as written in the answer, without its [n] markers


_TRAILING_CITES = re.compile(r"(?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])+[\s.]*$")


def parse_cited(answer: str) -> list[CitedSentence]:
    """Claims with their citations. A line whose markers all stand at its end (a quoted list
    item, a paragraph with one source) is one claim; otherwise each sentence is."""
    out = []
    for line in answer.splitlines():
        if not line.strip():
            continue
        m = _TRAILING_CITES.search(line)
        if m and not CITE_RE.search(line[: m.start()]):
            nums = [int(n) for c in CITE_RE.finditer(m.group(0)) for n in c.group(1).split(",")]
            out.append(
                CitedSentence(_clean_claim(line[: m.start()]), nums, line[: m.start()].rstrip())
            )
            continue
        out.extend(_sentences(line))
    return out


def _clean_claim(text: str) -> str:
    return text.strip().removeprefix("- ").strip().strip('"“”').strip()


_MARK_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])+)")


def _sentences(line: str) -> list[CitedSentence]:
    # "A. [2] B." cites A: move markers written after the full stop in front of it
    line = _MARK_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), line)
    out = []
    for sentence in split_sentences(line):
        nums = [int(n) for m in CITE_RE.finditer(sentence) for n in m.group(1).split(",")]
        written = re.sub(r"\s+([.,;:!?])", r"\1", CITE_RE.sub("", sentence)).rstrip()
        out.append(CitedSentence(_clean_claim(written), nums, written))
    return out


def is_quote(sentence: str, passage_text: str) -> bool:
    s = normalise(sentence.strip().strip('"“”'))
    return bool(s) and s in normalise(passage_text)


def overlap(sentence: str, passage_text: str) -> float:
    words = set(content_stems(sentence))
    if not words:
        return 1.0  # nothing to check (e.g. a connective)
    return len(words & set(content_stems(passage_text))) / len(words)


def supported(sentence: str, passage_text: str, min_overlap: float = SUPPORT_MIN_OVERLAP) -> bool:
    return is_quote(sentence, passage_text) or overlap(sentence, passage_text) >= min_overlap
