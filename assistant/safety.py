"""Questions and passages are data. Text that tries to instruct the assistant is recognised
so that it is declined (in a question) or never quoted as an answer (in a passage)."""

from __future__ import annotations

import re

_INSTRUCTION = re.compile(
    r"\b(negeer|vergeet|ignore|disregard|forget)\b.{0,40}\b(instructies|instructie|opdrachten|regels|"
    r"instructions|rules|prompt|documents?|documenten|stukken|context|sources?|bronnen|"
    r"materials?|materialen|passages?)\b"
    r"|\b(je bent nu|jij bent nu|you are now|act as|doe alsof|pretend (to be|you are)|"
    r"speel de rol)\b"
    r"|\b(system ?prompt|systeemprompt|developer mode|jailbreak)\b"
    r"|\b(new|nieuwe) (instructions|instructies)\b",
    re.I | re.S,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def looks_like_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


def clean_question(text: str) -> str:
    """Drop control characters and NUL bytes; collapse whitespace."""
    return " ".join(_CONTROL.sub(" ", text).split())
