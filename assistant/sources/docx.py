"""Word files through python-docx: Heading styles give the section path."""

from __future__ import annotations

from pathlib import Path

from assistant.passages import Passage
from assistant.sources.text import split_blocks


def read_docx(path: Path, rel: str) -> list[Passage]:
    import docx

    document = docx.Document(str(path))
    path_: list[tuple[int, str]] = []
    blocks: list[tuple[tuple[str, ...], str]] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "") if para.style is not None else ""
        if style.startswith("Heading") or style == "Title":
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            path_[:] = [(lv, h) for lv, h in path_ if lv < level] + [(level, text)]
        else:
            blocks.append((tuple(h for _, h in path_), text))
    return split_blocks(blocks, rel)
