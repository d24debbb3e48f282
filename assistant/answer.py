"""The answer object every interface shows: CLI JSON, UI, evals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

DECLINE = {
    "nl": "Dit staat niet in de stukken.",
    "en": "The materials do not cover this.",
}


@dataclass
class Citation:
    n: int  # position of the passage in `passages` (1-based), as written in the answer: [n]
    id: str
    ref: str
    section: str
    column: str
    level: str
    text: str  # the whole passage
    quote: str  # the part of the passage the answer uses (exact substring for extractive)
    score: float = 0.0  # the passage's retrieval score


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    language: str
    citations: list[Citation] = field(default_factory=list)
    passages: list[dict] = field(default_factory=list)  # retrieved, with scores
    related: list[dict] = field(default_factory=list)  # offered when declining
    timings_ms: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"
    search_query: str = ""  # the question as rewritten with the conversation
    unsupported: list[str] = field(default_factory=list)  # sentences removed by the check
    notices: list[str] = field(default_factory=list)  # e.g. fell back to extractive
    reason: str = ""  # why it declined

    def to_dict(self) -> dict:
        return asdict(self)
