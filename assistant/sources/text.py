"""Markdown and plain text: split along headings and blank-line paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.passages import Passage, stable_id

# "Par. 4.1, CDT50", "Par 3.2 en 3.3, CDT46", "Par.5, CDT34", "CDT 46"
REF_RE = re.compile(
    r"\b(?:Par\.?\s*\d+(?:\.\d+)*(?:\s*(?:en|,|&)\s*\d+(?:\.\d+)*)*\s*,\s*)?CDT\s?\d+\b"
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
MIN_WORDS = 8  # shorter paragraphs are merged into the next one of the same section
MAX_WORDS = 220  # longer ones are cut at sentence ends


def find_refs(text: str) -> str:
    refs = []
    for m in REF_RE.finditer(" ".join(text.split())):
        if m.group(0) not in refs:
            refs.append(m.group(0))
    return "; ".join(refs)


def read_text(path: Path, rel: str) -> list[Passage]:
    raw = Path(path).read_bytes()
    if b"\x00" in raw[:4096]:
        raise ValueError("binary content, not text")
    text = raw.decode("utf-8", errors="replace")
    return split_blocks(_blocks_from_text(text, markdown=rel.lower().endswith(".md")), rel)


def _blocks_from_text(text: str, markdown: bool) -> list[tuple[tuple[str, ...], str]]:
    """(heading path, paragraph) pairs."""
    path: list[tuple[int, str]] = []
    blocks: list[tuple[tuple[str, ...], str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append((tuple(h for _, h in path), " ".join(para).strip()))
            para.clear()

    for line in text.splitlines():
        m = _MD_HEADING.match(line) if markdown else None
        if m:
            flush()
            level = len(m.group(1))
            path[:] = [(lv, h) for lv, h in path if lv < level] + [(level, m.group(2))]
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
    flush()
    return blocks


def split_blocks(blocks: list[tuple[tuple[str, ...], str]], rel: str) -> list[Passage]:
    merged: list[tuple[tuple[str, ...], str]] = []
    for section, para in blocks:
        if merged and merged[-1][0] == section and len(merged[-1][1].split()) < MIN_WORDS:
            merged[-1] = (section, merged[-1][1] + "\n" + para)
        else:
            merged.append((section, para))
    taken: set[str] = set()
    out = []
    for section, para in merged:
        for chunk in _cut(para):
            out.append(
                Passage(
                    id=stable_id(rel, "\x1f".join(section) + "\n" + chunk, taken),
                    text=chunk,
                    source=rel,
                    section=(rel, *section),
                    part="document",
                    ref=find_refs(chunk),
                )
            )
    return out


def _cut(para: str) -> list[str]:
    words = para.split()
    if len(words) <= MAX_WORDS:
        return [para] if para.strip() else []
    sentences = re.split(r"(?<=[.!?])\s+", para)
    chunks, cur = [], []
    for s in sentences:
        if cur and len(" ".join(cur).split()) + len(s.split()) > MAX_WORDS:
            chunks.append(" ".join(cur))
            cur = []
        cur.append(s)
    if cur:
        chunks.append(" ".join(cur))
    return chunks
