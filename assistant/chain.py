"""The answer chain, a LangChain runnable:
rewrite a follow-up -> retrieve -> decide answerable -> generate -> check citations -> Answer.

The same steps serve the CLI, the UI (streaming) and the evals.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import DECLINE, Answer, Citation
from assistant.generators.base import LEAD, Draft, Generator, GeneratorError
from assistant.grounding import parse_cited, supported
from assistant.language import detect_language
from assistant.relevance import Gate, assess
from assistant.retrieval import Catalog, Hit, HybridRetriever
from assistant.safety import clean_question

RELATED = 3


@dataclass
class ChainParts:
    retriever: HybridRetriever
    catalog: Catalog
    fallback: Generator  # extractive: used when an LLM generator fails
    gate: Gate


def fallback_notice(name: str, exc: Exception, language: str) -> str:
    if language == "en":
        return (f"The {name} generator is unavailable ({exc}); "
                "this answer comes from the extractive generator.")
    return (f"De generator {name} is niet beschikbaar ({exc}); "
            "dit antwoord komt van de extractieve generator.")


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)


def prepare(state: dict) -> dict:
    state["t0"] = time.perf_counter()
    state["question"] = clean_question(state["question"])
    state["language"] = detect_language(state["question"])
    state.setdefault("history", [])
    state.setdefault("notices", [])
    state["timings"] = {}
    return state


def rewrite(state: dict) -> dict:
    t = time.perf_counter()
    gen: Generator = state["generator"]
    try:
        state["search_query"] = (
            gen.rewrite(state["question"], state["history"]) or state["question"]
        )
    except GeneratorError:
        state["search_query"] = state["fallback"].rewrite(state["question"], state["history"])
    state["timings"]["rewrite"] = _ms(t)
    return state


def retrieve(parts: ChainParts, state: dict) -> dict:
    t = time.perf_counter()
    state["hits"] = parts.retriever.search(
        state["search_query"], state.get("k") or parts.retriever.k
    )
    state["verdict"] = assess(
        state["search_query"],
        state["language"],
        state["hits"],
        parts.catalog.fresh().keyword.vocabulary,
        parts.gate,
    )
    state["timings"]["retrieve"] = _ms(t)
    return state


def generate(state: dict) -> dict:
    t = time.perf_counter()
    if not state["verdict"].answerable:
        state["draft"] = Draft("", declined=True)
    else:
        gen: Generator = state["generator"]
        try:
            state["draft"] = gen.generate(state["search_query"], state["language"], state["hits"])
        except GeneratorError as exc:
            state["notices"].append(fallback_notice(gen.name, exc, state["language"]))
            state["generator"] = state["fallback"]
            state["draft"] = state["fallback"].generate(
                state["search_query"], state["language"], state["hits"]
            )
    state["timings"]["generate"] = _ms(t)
    return state


def check(state: dict) -> Answer:
    """Map [n] to retrieved passages, drop the rest, remove unsupported sentences."""
    hits: list[Hit] = state["hits"]
    draft: Draft = state["draft"]
    lang = state["language"]
    kept_lines: list[str] = []
    unsupported: list[str] = []
    cited: dict[int, list[str]] = {}
    if not draft.declined:
        for line in draft.text.splitlines():
            if not line.strip() or line.strip() in LEAD.values():
                kept_lines.append(line.strip())  # layout and the fixed lead are not claims
                continue
            kept = []
            for claim in parse_cited(line):
                valid = [n for n in dict.fromkeys(claim.cited) if 1 <= n <= len(hits)]
                good = [n for n in valid if supported(claim.text, hits[n - 1].passage.text)]
                if (claim.cited and not good) or (
                    not claim.cited and not supported(claim.text, "")
                ):
                    unsupported.append(claim.text)  # unsupported, or a claim with no citation
                    continue
                for n in good:
                    cited.setdefault(n, []).append(claim.text)
                kept.append(claim.written + "".join(f" [{n}]" for n in good))
            if kept:
                kept_lines.append(" ".join(kept))
    declined = draft.declined or not cited
    answer = Answer(
        question=state["question"],
        answer=DECLINE[lang]
        if declined
        else "\n\n".join(x for x in (draft.lead, "\n".join(kept_lines).strip()) if x),
        abstained=declined,
        language=lang,
        generator=state["generator"].name,
        search_query=state["search_query"],
        passages=[h.to_dict() for h in hits],
        unsupported=unsupported,
        notices=list(state["notices"]),
        reason=(state["verdict"].reason or ("no supported sentence" if declined else "")),
    )
    if unsupported and not declined:
        note = {
            "nl": f"{len(unsupported)} zin(nen) zonder steun in de geciteerde passage weggelaten.",
            "en": f"{len(unsupported)} sentence(s) without support in the cited passage removed.",
        }
        answer.notices.append(note[lang])
    if declined:
        answer.related = [h.to_dict() for h in hits[:RELATED]]
        if state["verdict"].unknown_terms:
            answer.notices.append(
                {"nl": "Niet gevonden in de stukken: ", "en": "Not found in the materials: "}[lang]
                + ", ".join(state["verdict"].unknown_terms)
            )
    else:
        for n in sorted(cited):
            p = hits[n - 1].passage
            answer.citations.append(
                Citation(
                    n=n,
                    id=p.id,
                    ref=p.ref,
                    section=p.section_label,
                    column=p.column,
                    level=p.level,
                    text=p.text,
                    quote=" … ".join(dict.fromkeys(cited[n])),
                    score=round(hits[n - 1].score, 6),
                )
            )
    answer.timings_ms = dict(state["timings"], total=_ms(state["t0"]))
    return answer


def build_chain(parts: ChainParts) -> Runnable:
    return (
        RunnableLambda(prepare, name="prepare")
        | RunnableLambda(rewrite, name="rewrite")
        | RunnableLambda(lambda s: retrieve(parts, s), name="retrieve")
        | RunnableLambda(generate, name="generate")
        | RunnableLambda(check, name="check")
    )


def stream_answer(parts: ChainParts, state: dict) -> Iterator[str | Answer]:
    """The chain's steps with the generator streaming: text deltas, then the checked Answer."""
    state = retrieve(parts, rewrite(prepare(state)))
    t = time.perf_counter()
    gen: Generator = state["generator"]
    if state["verdict"].answerable:
        pieces: list[str] = []
        try:
            for delta in gen.stream(state["search_query"], state["language"], state["hits"]):
                pieces.append(delta)
                yield delta
            # an LLM generator repairs its raw text (citation placement, echoes) before the check
            finish = getattr(gen, "finalize", None)
            text = "".join(pieces)
            state["draft"] = (finish(state["search_query"], text, state["hits"]) if finish
                              else Draft(text))
        except GeneratorError as exc:
            state["notices"].append(fallback_notice(gen.name, exc, state["language"]))
            state["generator"] = state["fallback"]
            state["draft"] = state["fallback"].generate(
                state["search_query"], state["language"], state["hits"]
            )
    else:
        state["draft"] = Draft("", declined=True)
    state["timings"]["generate"] = _ms(t)
    yield check(state)
