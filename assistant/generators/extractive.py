"""The default generator: no LLM, deterministic. The answer is made of the most relevant
sentences of the retrieved passages, quoted verbatim, each followed by its citation."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from assistant.generators.base import LEAD, Draft
from assistant.grounding import split_sentences
from assistant.language import content_stems
from assistant.retrieval import Catalog, Hit
from assistant.safety import looks_like_instruction
from assistant.sources.text import REF_RE

MAX_PASSAGES = 3
MAX_QUOTES = 6
WHOLE_IF_WORDS = 70  # short passages are quoted whole
RELATIVE_SCORE = 0.75  # a passage below this share of the top fused score is not used
EARLIER_WEIGHT = 0.3
_ANAPHORIC = re.compile(
    r"^\W*(dit|deze|daar\w*|hier\w*|zij|ze|met name|ook|bovendien|de bovengenoemde)\b"
    r"|^\W*(\w+\W+){0,7}?(daar|daarmee|daardoor|hierdoor|bovengenoemde)\b",
    re.I,
)
_LIST_RE = re.compile(r"(^|\n)\s*(•|-|\d\))\s|\b1\)\s.*\b2\)\s", re.S)


def _is_ref_only(unit: str) -> bool:
    rest = REF_RE.sub("", unit)
    rest = re.sub(r"\b(Par\.?|Presentatie|en)\b|[\d.,;\s]", "", rest)
    return not rest


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._idf_cache: tuple[int, dict[str, float]] | None = None

    def _idf(self) -> dict[str, float]:
        stems = self._catalog.keyword.stems
        if self._idf_cache is None or self._idf_cache[0] != id(stems):
            df = Counter(s for ss in stems.values() for s in ss)
            n = max(1, len(stems))
            self._idf_cache = (id(stems), {s: math.log(1 + n / c) for s, c in df.items()})
        return self._idf_cache[1]

    def rewrite(self, question: str, history: list[dict]) -> str:
        from assistant.conversation import rewrite_followup

        return rewrite_followup(question, history)

    def units(self, text: str) -> list[str]:
        """Sentences, a source reference kept with the sentence it belongs to."""
        if _LIST_RE.search(text):
            return [text]  # lists stay whole
        out: list[str] = []
        for u in split_sentences(text):
            if _is_ref_only(u) and out:
                out[-1] = out[-1] + " " + u
            elif not _is_ref_only(u):
                out.append(u)
        return out

    def select(self, question: str, hits: list[Hit]) -> list[tuple[int, str]]:
        """(hit number, verbatim quote) in answer order."""
        if not hits:
            return []
        idf = self._idf()
        # a rewritten follow-up is "follow-up? earlier question": its own words weigh most
        own, _, earlier = question.partition("? ")
        weights = {s: EARLIER_WEIGHT for s in content_stems(earlier)}
        weights.update({s: 1.0 for s in content_stems(own)})
        total = sum(idf.get(s, 1.0) * w for s, w in weights.items()) or 1.0

        def score(unit: str) -> float:
            stems = set(content_stems(unit))
            return sum(idf.get(s, 1.0) * w for s, w in weights.items() if s in stems) / total

        top = hits[0].score
        picked: list[tuple[int, str]] = []
        for n, hit in enumerate(hits[:MAX_PASSAGES], start=1):
            if n > 1 and hit.score < RELATIVE_SCORE * top:
                continue
            text = hit.passage.text
            units = [u for u in self.units(text) if not looks_like_instruction(u)]
            if not units:
                continue
            if len(text.split()) <= WHOLE_IF_WORDS:
                chosen = units
            else:
                scored = [score(u) for u in units]
                best = max(scored)
                keep = 3 if n == 1 else 1  # lower-ranked passages add their best sentence only
                idx = sorted(range(len(units)), key=lambda i: -scored[i])[:keep]
                idx = [i for i in idx if scored[i] >= 0.6 * best] if best > 0 else [0]
                # a sentence that points back ("Dit...", "daar") needs the one before it, and a
                # sentence followed by one that points back gets that one too
                extra = {
                    i + 1 for i in idx if i + 1 < len(units) and _ANAPHORIC.match(units[i + 1])
                }
                extra |= {i - 1 for i in idx if i > 0 and _ANAPHORIC.match(units[i])}
                chosen = [units[i] for i in sorted(set(idx) | extra)]
            # one line per quote: the answer is checked line by line
            picked.extend((n, " ".join(u.split())) for u in chosen)
            if len(picked) >= MAX_QUOTES:
                break
        return picked[:MAX_QUOTES]

    def generate(self, question: str, language: str, hits: list[Hit]) -> Draft:
        picked = self.select(question, hits)
        if not picked:
            return Draft("", declined=True)
        lines = [f'- "{quote}" [{n}]' for n, quote in picked]
        return Draft("\n".join(lines), lead=LEAD.get(language, LEAD["nl"]))

    def stream(self, question: str, language: str, hits: list[Hit]) -> Iterator[str]:
        draft = self.generate(question, language, hits)
        yield draft.lead + "\n\n" + draft.text if draft.lead else draft.text
