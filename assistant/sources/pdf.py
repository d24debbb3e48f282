"""PDF files through pypdf: one block per paragraph of extracted text."""

from __future__ import annotations

from pathlib import Path

from assistant.passages import Passage
from assistant.sources.text import _blocks_from_text, split_blocks


def read_pdf(path: Path, rel: str) -> list[Passage]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        raise ValueError("encrypted PDF")
    pages = [(page.extract_text() or "") for page in reader.pages]
    return split_blocks(_blocks_from_text("\n\n".join(pages), markdown=False), rel)
