"""Smoke test for benchmarks/: both benchmark modules import, and the growth benchmark's corpus
multiplication gives distinct ids and keeps the evidence words. The benchmarks themselves are
not run here (they take minutes and print numbers; see benchmarks/README.md)."""

from __future__ import annotations

import importlib

import pytest

from assistant.passages import Passage, normalise

pytestmark = pytest.mark.integration


def test_benchmark_modules_import():
    retrieval = importlib.import_module("benchmarks.bench_retrieval")
    growth = importlib.import_module("benchmarks.bench_growth")
    assert callable(retrieval.main) and callable(growth.main)
    assert callable(growth.multiply_corpus)


def test_multiply_corpus_gives_distinct_ids_and_keeps_evidence():
    growth = importlib.import_module("benchmarks.bench_growth")
    from assistant.evaluation import Case, _is_hit

    base = [
        Passage(id="p-een", text="AI verandert de inhoud van banen in de zorg.",
                source="a.txt", section=("Feiten", "Zorg")),
        Passage(id="p-twee", text="Werknemers willen meepraten over de inzet van algoritmes.",
                source="a.txt", row="Zeggenschap", column="Feiten"),
        Passage(id="p-drie", text="Scholing en om- en bijscholing zijn nodig.", source="b.txt",
                theme="Scholing", level="micro"),
    ]
    copies = growth.multiply_corpus(base, 10)

    assert len(copies) == 30
    assert len({p.id for p in copies}) == 30
    assert copies[:3] == base  # copy 0 is the real corpus, unchanged
    assert len({p.source for p in copies}) > len({p.source for p in base})
    assert len({p.content_hash for p in copies}) == 30  # every copy is indexed as its own text
    for original in base:
        family = [p for p in copies if growth.original_id(p.id) == original.id]
        assert len(family) == 10
        case = Case(id="c", question="?", lang="nl", answerable=True, evidence=[original.text])
        # the evidence words survive verbatim in every copy: a retrieved copy counts as a hit
        assert all(_is_hit(case, p.id, p.text) for p in family)
        assert all(normalise(original.text) in normalise(p.index_text) for p in family)
