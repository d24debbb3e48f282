"""Is the question answered by the materials at all? Decides before any generator runs.

Signals, calibrated on evals/dev.jsonl (see evals/README.md):
- the dense similarity of the best passage;
- the share of the question's content words found in the best passages (coverage);
- words of a Dutch question that occur nowhere in the materials (a near miss such as
  "boetes" in "Wat zijn de boetes in de AI Act?").
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.language import content_stems, stem, tokens
from assistant.retrieval import Hit
from assistant.safety import looks_like_instruction

DENSE_STRONG = 0.84  # above this the best passage is taken as on topic
DENSE_MIN = 0.80
COVERAGE_MIN = 0.5
UNKNOWN_MAX = 0.0  # share of a Dutch question's content words missing from the materials


@dataclass
class Verdict:
    answerable: bool
    reason: str = ""
    unknown_terms: tuple[str, ...] = ()


def assess(question: str, language: str, hits: list[Hit], vocabulary: set[str],
           dense_min: float = DENSE_MIN, coverage_min: float = COVERAGE_MIN,
           dense_strong: float = DENSE_STRONG, unknown_max: float = UNKNOWN_MAX) -> Verdict:
    if looks_like_instruction(question):
        return Verdict(False, "instruction")
    if not hits:
        return Verdict(False, "no passages")
    words = [t for t in tokens(question)]
    stems = content_stems(question)
    if not stems:
        return Verdict(False, "no content words")
    if language == "nl":
        unknown = sorted({w for w, s in zip(words, stem(words), strict=True)
                          if s in stems and s not in vocabulary})
        if unknown and len(unknown) / len(set(stems)) > unknown_max:
            return Verdict(False, "terms not in the materials", tuple(unknown))
    top_dense = max(h.dense for h in hits)
    top_cov = max(h.coverage for h in hits)
    if top_dense >= dense_strong:
        return Verdict(True)
    if top_dense >= dense_min and (language == "en" or top_cov >= coverage_min):
        return Verdict(True)
    return Verdict(False, "no passage relevant enough")
