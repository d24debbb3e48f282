"""Deterministic follow-up rewrite for the extractive generator: an elliptical follow-up
("En voor oudere werknemers?") carries over the previous question's words."""

from __future__ import annotations

import re

from assistant.answer import DECLINE
from assistant.language import content_stems

_CONNECTIVE = re.compile(
    r"^\s*(en|maar|ook|of|and|but|also|or|what about|how about|wat als|hoe zit het met|"
    r"en wat|and what|en hoe|and how|en waarom|and why|idem|dus|so)\b",
    re.I,
)
_ANAPHORA = re.compile(
    r"\b(daar\w*|hier\w*|dat|dit|deze|die|zij|ze|hun|it|its|that|this|these|those|they|them|their)\b",
    re.I,
)
SHORT = 3  # content words at most, for a question to count as elliptical


def is_followup(question: str) -> bool:
    return (
        len(content_stems(question)) <= SHORT
        or bool(_CONNECTIVE.match(question))
        or bool(_ANAPHORA.search(question))
    )


def _answered_questions(history: list[dict]) -> list[str]:
    """Earlier user questions, leaving out those the assistant declined: their words would
    make the follow-up look out of scope too."""
    out: list[str] = []
    for i, m in enumerate(history):
        content = m.get("content")
        if m.get("role") != "user" or not isinstance(content, str) or not content.strip():
            continue
        reply = next(
            (h.get("content", "") for h in history[i + 1 :] if h.get("role") == "assistant"), ""
        )
        if isinstance(reply, str) and any(reply.strip().startswith(d) for d in DECLINE.values()):
            continue
        out.append(content)
    return out


def rewrite_followup(question: str, history: list[dict] | None) -> str:
    """The question to search with: the follow-up first, then the earlier question it leans on."""
    users = _answered_questions(history or [])
    if not users or not is_followup(question):
        return question
    earlier = rewrite_followup(users[-1], [{"role": "user", "content": u} for u in users[:-1]])
    return f"{question} {earlier}"
