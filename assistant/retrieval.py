"""The hybrid retriever: dense (Chroma) and keyword (stemmed BM25) legs fused by
reciprocal rank fusion, as a LangChain BaseRetriever."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.glossary import to_dutch
from assistant.keyword import KeywordIndex, expand_query
from assistant.language import STOPWORDS, content_stems, detect_language, stem, tokens
from assistant.passages import Passage
from assistant.store import PassageIndex

# Fusion weights per question language, tuned on evals/dev.jsonl + gold retrieval (see
# benchmarks/RESULTS.md): the Dutch-stemmed keyword leg is strong for Dutch questions and
# mostly noise for English ones, where the multilingual dense leg carries the match.
RRF_K = 10
WEIGHTS = {"nl": (1.0, 2.0), "en": (1.0, 1.5)}  # (dense, keyword)
CANDIDATES = 30  # per leg, before fusion
MAX_CANDIDATES = 2000  # per leg, when folding near-duplicates leaves fewer than k
# The tables' structure carries meaning: a question that asks what is uncertain, or what the
# government can do, prefers cells of that column or level (+20%, tuned on evals/dev.jsonl).
CUE_BOOST = 0.2
COLUMN_CUES = {
    "Waar zit de onzekerheid": r"onzeker|onduidelijk|onbekend|weten we (nog )?niet|niet bekend|"
    r"uncertain|unclear|unknown|not (yet )?known|open question",
    "Welke trends/eerste inzichten zijn er": r"\btrend|inzicht|eerste aanwijzing|signal|insight|"
    r"emerging|early",
    "Wat weten we wel": r"weten we( wel)?\b(?! niet)|\bbekend\b|what is known|do we know|"
    r"known about",
}
LEVEL_CUES = {
    "macro": r"overheid|kabinet|\brijk|nationa|landelijk|wetgev|government|national|state\b|macro",
    "meso": r"\bsector|regio|cluster|branche|meso",
    "micro": r"organisatie(?!s? zelf)|organisaties zelf|bedrijf|werkgever|werkvloer|intern|company|"
    r"companies|organisation|employer|firm|micro",
}


def structure_cues(question: str) -> tuple[set[str], set[str]]:
    """(columns, levels) the question asks for; a rewritten follow-up counts by its own part."""
    own = question.split("? ", 1)[0]
    columns = {c for c, pattern in COLUMN_CUES.items() if re.search(pattern, own, re.I)}
    levels = {lv for lv, pattern in LEVEL_CUES.items() if re.search(pattern, own, re.I)}
    return columns, levels


REVISION_TTL_S = 5.0  # how often a server-backed catalog checks for a new revision


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused RRF score
    dense: float  # cosine similarity of the dense leg (0 when the dense leg missed it)
    keyword: float  # BM25 score (0 when the keyword leg missed it)
    coverage: float  # share of the question's content words found in the passage

    def to_dict(self) -> dict:
        d = self.passage.to_dict()
        d.update(
            score=round(self.score, 6),
            dense=round(self.dense, 4),
            keyword=round(self.keyword, 4),
            coverage=round(self.coverage, 3),
        )
        return d


DUPLICATE_CONTAINMENT = 0.9  # folded away
SIMILAR_CONTAINMENT = 0.75  # kept, but after passages that say something else (diversity)
DUPLICATE_SIZE_RATIO = 0.75


def _containment(a: set[str], b: set[str]) -> float:
    """Share of the shorter passage's words found in the other, for passages of about the
    same length (a copy with a tag, or a changed word or number); 0 otherwise."""
    if not a or not b:
        return 0.0
    small, large = sorted((len(a), len(b)))
    if small / large < DUPLICATE_SIZE_RATIO:
        return 0.0
    return len(a & b) / small


class Catalog:
    """Every passage by id plus the keyword index, rebuilt when the collection changes."""

    def __init__(self, index: PassageIndex | None, passages: list[Passage] | None = None) -> None:
        self.index = index
        self._lock = threading.Lock()
        self._checked = 0.0
        self._load(index.revision() if index else "", passages)

    def _load(self, revision: str, passages: list[Passage] | None = None) -> None:
        if passages is None:
            passages = self.index.all_passages()
        self.by_id = {p.id: p for p in passages}
        self.keyword = KeywordIndex(passages)
        self._text_stems: dict[str, set[str]] = {}
        self.revision = revision

    def text_stems(self, pid: str) -> set[str]:
        """Stemmed words of a passage's own text (not its headings): what duplicates share."""
        got = self._text_stems.get(pid)
        if got is None:
            p = self.by_id.get(pid)
            # numbers count here: "sector 3" and "sector 4" are different statements
            words = [t for t in tokens(p.text) if t not in STOPWORDS] if p else []
            got = self._text_stems[pid] = set(stem(words))
        return got

    def fresh(self) -> Catalog:
        if self.index is None or self.index._client is None:  # embedded: a generation never changes
            return self
        now = time.monotonic()
        if now - self._checked < REVISION_TTL_S:
            return self
        with self._lock:
            self._checked = now
            rev = self.index.refresh_revision()
            if rev != self.revision:
                self._load(rev)
        return self


class HybridRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    catalog: Catalog
    embeddings: Embeddings
    k: int = 6
    dense_only: bool = False
    keyword_only: bool = False
    _timing: threading.local = PrivateAttr(default_factory=threading.local)

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        k = k or self.k
        catalog = self.catalog.fresh()
        lang = detect_language(query)
        # English questions reach the Dutch keyword leg through the glossary
        kw_query = query if lang == "nl" else to_dutch(query, catalog.keyword.vocabulary)
        vector = None if self.keyword_only else self.embeddings.embed_query(query)
        n = max(CANDIDATES, k)
        while True:
            hits, similar = self._fuse(catalog, query, lang, kw_query, vector, n, k)
            # near-duplicates folded or deferred left too few: look deeper (many copies)
            if len(hits) >= k or n >= min(MAX_CANDIDATES, len(catalog.by_id)):
                return hits + similar[: k - len(hits)]
            # deep enough, judging by how many copies the first pass folded, to need no third
            n = min(MAX_CANDIDATES, n * 2 * -(-k // max(1, len(hits))))

    def _fuse(self, catalog: Catalog, query: str, lang: str, kw_query: str, vector, n: int,
              k: int) -> tuple[list[Hit], list[Hit]]:
        """(distinct hits, close variants of them) from the legs' top n, fused."""
        dense = [] if vector is None else catalog.index.dense_search(vector, n)
        keyword = [] if self.dense_only else catalog.keyword.search(kw_query, n)
        fused: dict[str, float] = {}
        for weight, leg in zip(WEIGHTS[lang], (dense, keyword), strict=True):
            for rank, (pid, _) in enumerate(leg):
                fused[pid] = fused.get(pid, 0.0) + weight / (RRF_K + rank + 1)
        columns, levels = structure_cues(query)
        for pid in fused:
            p = catalog.by_id.get(pid)
            if p is not None:
                fused[pid] *= 1.0 + CUE_BOOST * ((p.column in columns) + (p.level in levels))
        dense_s, kw_s = dict(dense), dict(keyword)
        q = set(expand_query(kw_query, catalog.keyword.vocabulary)) or set(content_stems(kw_query))
        hits: list[Hit] = []
        kept: list[set[str]] = []
        similar: list[Hit] = []  # close variants of a kept passage: only if nothing else is left

        def hit(pid: str, score: float) -> Hit:
            cov = len(q & catalog.keyword.stems.get(pid, set())) / len(q) if q else 0.0
            return Hit(catalog.by_id[pid], score, dense_s.get(pid, 0.0), kw_s.get(pid, 0.0), cov)

        for pid, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])):
            if len(hits) == k:
                break
            if pid not in catalog.by_id:
                continue
            words = catalog.text_stems(pid)
            closeness = max((_containment(words, other) for other in kept), default=0.0)
            if closeness >= DUPLICATE_CONTAINMENT:
                continue  # the same paragraph in another note: the best-ranked copy stands for all
            if closeness >= SIMILAR_CONTAINMENT:
                similar.append(hit(pid, score))  # a variant (another number, a tag): defer it
                continue
            kept.append(words)
            hits.append(hit(pid, score))
        return hits, similar

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_to_document(h) for h in self.search(query)]


def hit_to_document(hit: Hit) -> Document:
    return Document(page_content=hit.passage.text, id=hit.passage.id, metadata=hit.to_dict())
