"""Readers that turn the files of the corpus folder into passages.

A file with a sibling ``<name>.passages.yaml`` is read through that structured form;
other .md/.txt/.pdf/.docx files are split along headings and paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.passages import Passage
from assistant.sources.docx import read_docx
from assistant.sources.pdf import read_pdf
from assistant.sources.structured import STRUCTURED_SUFFIX, read_structured
from assistant.sources.text import read_text

READERS = {".md": read_text, ".txt": read_text, ".pdf": read_pdf, ".docx": read_docx}
MAX_FILE_BYTES = 20 * 1024 * 1024
SKIP_NAMES = {"readme.md"}  # the corpus folder's own documentation


class SourceError(Exception):
    """A file that cannot be read into passages; indexing skips it and names it."""


@dataclass
class Corpus:
    passages: list[Passage] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


def load_corpus(corpus_dir: Path) -> Corpus:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise SourceError(f"corpus folder not found: {corpus_dir}")
    out = Corpus()
    try:
        paths = sorted(p for p in corpus_dir.rglob("*") if p.is_file())
    except OSError as exc:
        raise SourceError(f"corpus folder cannot be read: {corpus_dir} ({exc})") from exc
    structured = {p for p in paths if p.name.endswith(STRUCTURED_SUFFIX)}
    covered = {p.with_name(p.name[: -len(STRUCTURED_SUFFIX)] + ".txt") for p in structured}
    seen_ids: set[str] = set()
    for path in paths:
        rel = path.relative_to(corpus_dir).as_posix()
        if path.name.lower() in SKIP_NAMES or any(
            s.startswith((".", "_")) for s in path.parts[-1:]
        ):
            continue
        if path in covered:
            continue  # raw source of a structured file: read through the structured form
        try:
            if path in structured:
                passages = read_structured(path)
                rel = rel[: -len(STRUCTURED_SUFFIX)] + ".txt"
            else:
                reader = READERS.get(path.suffix.lower())
                if reader is None:
                    continue
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise SourceError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
                passages = reader(path, rel)
        except Exception as exc:  # noqa: BLE001 - any broken file is skipped and named
            out.skipped.append((rel, _reason(exc)))
            continue
        if not passages:
            out.skipped.append((rel, "no text found"))
            continue
        dupes = [p.id for p in passages if p.id in seen_ids]
        if dupes:
            out.skipped.append((rel, f"duplicate passage ids: {', '.join(dupes[:3])}"))
            continue
        seen_ids.update(p.id for p in passages)
        out.passages.extend(passages)
        out.files.append(rel)
    return out


def _reason(exc: Exception) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg}"[:200] if msg else type(exc).__name__
