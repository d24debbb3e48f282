"""The keyword leg: BM25 (bm25s, sparse matrices, so a query stays fast as the corpus grows)
over Dutch-stemmed content words of each passage's heading path and text."""

from __future__ import annotations

import bm25s
import numpy as np

from assistant.language import STOPWORDS, content_stems, decompound, stem, tokens
from assistant.passages import Passage


def expand_query(query: str, vocabulary: set[str]) -> list[str]:
    """Stemmed query words the index knows; an unknown compound adds its known parts."""
    out = []
    for word in tokens(query):
        if word in STOPWORDS or len(word) < 2 or word.isdigit():
            continue
        s = stem([word])[0]
        out.extend([s] if s in vocabulary else decompound(word, vocabulary))
    return out


class KeywordIndex:
    def __init__(self, passages: list[Passage]) -> None:
        self.ids = [p.id for p in passages]
        tokenised = [content_stems(p.index_text) for p in passages]
        self.stems = {p.id: set(t) for p, t in zip(passages, tokenised, strict=True)}
        self.vocabulary: set[str] = set().union(*self.stems.values()) if self.stems else set()
        self._bm25 = bm25s.BM25()
        if passages:
            self._bm25.index([t or [""] for t in tokenised], show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(id, BM25 score) best first; only passages sharing a word with the query."""
        q = expand_query(query, self.vocabulary)
        if not q or not self.ids:
            return []
        scores = self._bm25.get_scores(q)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
