"""The conversation as a Markdown document: questions, answers and the cited passages, so a
council member can keep or forward it with its sources."""

from __future__ import annotations

import re
from datetime import datetime

_IMAGE = re.compile(r"!\[")


def _plain(text: str) -> str:
    """Text from the model or the documents, made inert for a Markdown viewer: no raw HTML
    and no images that would load from a remote address when the file is opened."""
    return _IMAGE.sub(r"!\\[", str(text).replace("<", r"\<"))


def _quoted(text: str) -> str:
    """A passage as a block quote, line by line (an empty line would end the quote)."""
    return "\n".join("> " + line if line.strip() else ">" for line in _plain(text).splitlines())


def _where(item: dict) -> str:
    parts = [item.get("ref") or "", item.get("section") or ""]
    where = " — ".join(p for p in parts if p)
    extra = item.get("column") or item.get("level") or ""
    return f"{where} ({extra})" if extra else where


def conversation_markdown(
    turns: list[dict],
    title: str = "Gesprek met de SER-assistent 'AI en werk'",
    now: datetime | None = None,
) -> str:
    """turns: Answer dicts (Answer.to_dict()), oldest first."""
    stamp = (now or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    out = [f"# {title}", "", f"_Geëxporteerd op {stamp}_", ""]
    if not turns:
        out += ["_(Nog geen vragen gesteld.)_", ""]
    for i, turn in enumerate(turns, start=1):
        out += [f"## Vraag {i}", "", _plain(turn.get("question", "")), "", "### Antwoord", ""]
        if turn.get("abstained"):
            out += ["**Niet in de stukken.** " + _plain(turn.get("answer", "")), ""]
        else:
            out += [_plain(turn.get("answer", "")), ""]
        for note in turn.get("notices") or []:
            out += [f"_Let op: {_plain(note)}_", ""]
        citations = turn.get("citations") or []
        if citations:
            out += ["### Bronnen", ""]
            for c in citations:
                out += [f"**[{c.get('n')}]** {_plain(_where(c))}", ""]
                if c.get("quote"):
                    out += [f'Gebruikt citaat: "{_plain(c["quote"])}"', ""]
                out += [_quoted(c.get("text", "")), ""]
        related = turn.get("related") or []
        if turn.get("abstained") and related:
            out += ["### Mogelijk verwant", ""]
            for p in related:
                where = _where(p) or p.get("id", "")
                out += [f"- {_plain(where)}", "", _quoted(p.get("text", "")), ""]
    return "\n".join(out).rstrip() + "\n"
