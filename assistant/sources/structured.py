"""The structured form of a document: a YAML list of passages (see corpus/README.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.passages import Passage

STRUCTURED_SUFFIX = ".passages.yaml"
_FIELDS = ("part", "column", "row", "theme", "level", "ref")


def read_structured(path: Path) -> list[Passage]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("passages"), list):
        raise ValueError("a structured file needs a top-level 'passages' list")
    source = str(doc.get("source") or Path(path).name[: -len(STRUCTURED_SUFFIX)] + ".txt")
    out = []
    for i, item in enumerate(doc["passages"]):
        if (
            not isinstance(item, dict)
            or not item.get("id")
            or not str(item.get("text", "")).strip()
        ):
            raise ValueError(f"passage {i + 1} needs an 'id' and a 'text'")
        section = item.get("section") or []
        if isinstance(section, str):
            section = [section]
        out.append(
            Passage(
                id=str(item["id"]),
                text=str(item["text"]).strip(),
                source=source,
                section=tuple(str(s) for s in section),
                **{f: str(item.get(f) or "") for f in _FIELDS},
            )
        )
    return out


def load_structured_doc(path: Path) -> dict:
    """The whole structured document, artefacts included (used by the faithfulness test)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
