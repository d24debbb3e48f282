"""Where do the materials cover a topic? For the secretariat: hits grouped by document part
(fact-analysis row x column, dialogue table, action theme x level), and an overview of the
fact analysis: the three advice questions against the three columns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from assistant.language import detect_language
from assistant.relevance import assess

if TYPE_CHECKING:
    from assistant.engine import Engine
    from assistant.retrieval import Catalog, Hit

COVERAGE_K = 15
COLUMNS = ("Wat weten we wel", "Waar zit de onzekerheid", "Welke trends/eerste inzichten zijn er")
COLUMN_SHORT = {COLUMNS[0]: "bekend", COLUMNS[1]: "onzeker", COLUMNS[2]: "trends"}
# the fact-analysis rows that answer the three advice questions, in the note's order
ADVICE_QUESTIONS = (
    ("Productiviteit", "Over de impact van AI op arbeidsproductiviteit"),
    ("Kwaliteit van werk", "Over de impact van AI op de kwaliteit van werk"),
    ("Werkgelegenheid en inkomen", "Effect op werkgelegenheid en inkomen"),
)


@dataclass
class Group:
    name: str
    part: str
    passages: list[dict] = field(default_factory=list)


@dataclass
class Coverage:
    topic: str
    covered: bool
    groups: list[Group] = field(default_factory=list)
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def group_name(hit: Hit) -> tuple[str, str]:
    p = hit.passage
    if p.part == "feitenanalyse" and p.row:
        return f"Feitenanalyse: {p.row} × {p.column}", p.part
    if p.part == "handelingsperspectieven" and p.theme:
        return f"Handelingsperspectieven: {p.theme} × {p.level}", p.part
    if p.part == "dialoogtafel":
        return p.section[0], p.part
    return (p.section_label or p.source), p.part or "document"


def topic_coverage(engine: Engine, topic: str, k: int | None = None) -> Coverage:
    hits = engine.retriever.search(topic, k or COVERAGE_K)
    lang = detect_language(topic)
    vocab = engine.catalog.fresh().keyword.vocabulary
    verdict = assess(topic, lang, hits, vocab, engine.parts.gate)
    if not verdict.answerable:
        return Coverage(topic, False, reason=verdict.reason)
    groups: dict[str, Group] = {}
    best = hits[0].score
    for hit in hits:
        # a passage counts when it shares words with the topic or is near the best one
        if hit.coverage == 0 and hit.score < 0.8 * best:
            continue
        name, part = group_name(hit)
        groups.setdefault(name, Group(name, part)).passages.append(hit.to_dict())
    return Coverage(topic, bool(groups), list(groups.values()))


def corpus_overview(catalog: Catalog) -> dict:
    """Counts and passage ids per advice question x column of the fact analysis."""
    cells: dict[str, dict[str, list[str]]] = {}
    for label, row in ADVICE_QUESTIONS:
        cells[label] = {COLUMN_SHORT[c]: [] for c in COLUMNS}
        for p in catalog.by_id.values():
            if p.part == "feitenanalyse" and p.row == row and p.column in COLUMN_SHORT:
                cells[label][COLUMN_SHORT[p.column]].append(p.id)
    for label in cells:
        for col in cells[label]:
            cells[label][col].sort()
    parts: dict[str, int] = {}
    for p in catalog.by_id.values():
        parts[p.part or "document"] = parts.get(p.part or "document", 0) + 1
    return {
        "matrix": cells,
        "columns": [COLUMN_SHORT[c] for c in COLUMNS],
        "parts": parts,
        "passages": len(catalog.by_id),
    }
