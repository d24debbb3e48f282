"""The Passage record: the unit that is indexed, retrieved and cited."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

SECTION_SEP = " > "
# retrieval context for the action table's levels (not shown as passage text)
LEVEL_GLOSS = {
    "micro": "organisaties, werkgevers en werknemers",
    "meso": "sectoren, regio's en clusters",
    "macro": "overheid en landelijk beleid",
}


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    source: str  # file name inside the corpus folder
    section: tuple[str, ...] = ()  # heading path, outermost first
    # voorlegger | achtergrond | dialoogtafel | feitenanalyse | handelingsperspectieven | document
    part: str = ""
    column: str = ""  # fact-analysis column
    row: str = ""  # fact-analysis row topic
    theme: str = ""  # action-table theme
    level: str = ""  # micro | meso | macro
    ref: str = ""  # source reference as the document writes it, e.g. "Par. 3.2, CDT50"

    @property
    def section_label(self) -> str:
        return SECTION_SEP.join(self.section)

    @property
    def label(self) -> str:
        """Short human label for a citation: the reference if the document gives one."""
        where = self.section_label
        if self.column:
            where += f" [{self.column}]"
        if self.level:
            where += f" [{self.level}]"
        return f"{self.ref} | {where}" if self.ref else where

    @property
    def index_text(self) -> str:
        """What is embedded and keyword-indexed: a short context line gives a bare table cell
        its meaning (the full heading path would make every cell of a table look alike)."""
        if self.row:
            head = f"{self.row} | {self.column}"
        elif self.theme:
            gloss = LEVEL_GLOSS.get(self.level, "")
            head = f"Handelingsperspectief: {self.theme} | {self.level}niveau ({gloss})"
        else:
            head = self.section_label
        return head + "\n" + self.text

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(
            "\x1f".join([self.index_text, self.ref, self.source]).encode("utf-8")
        ).hexdigest()[:16]

    def metadata(self) -> dict[str, str]:
        """Flat metadata for Chroma (scalar values only)."""
        return {
            "source": self.source,
            "section": self.section_label,
            "part": self.part,
            "column": self.column,
            "row": self.row,
            "theme": self.theme,
            "level": self.level,
            "ref": self.ref,
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_metadata(cls, pid: str, text: str, meta: dict) -> Passage:
        section = tuple(s for s in str(meta.get("section", "")).split(SECTION_SEP) if s)
        return cls(
            id=pid,
            text=text,
            source=str(meta.get("source", "")),
            section=section,
            part=str(meta.get("part", "")),
            column=str(meta.get("column", "")),
            row=str(meta.get("row", "")),
            theme=str(meta.get("theme", "")),
            level=str(meta.get("level", "")),
            ref=str(meta.get("ref", "")),
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["section"] = self.section_label
        return d


_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace-normalised, case-folded text: how evidence snippets are matched."""
    return _WS.sub(" ", text).strip().casefold()


def stable_id(source: str, text: str, taken: set[str]) -> str:
    """An id from the file and the passage's own words: it survives re-ordering and re-indexing."""
    stem = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:40] or "doc"
    digest = hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:10]
    pid = f"{stem}-{digest}"
    n = 2
    while pid in taken:  # identical paragraphs in one file
        pid = f"{stem}-{digest}-{n}"
        n += 1
    taken.add(pid)
    return pid
