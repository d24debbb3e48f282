"""Grounding evaluation over a gold JSONL file, through the same Engine.ask the UI uses.

A case: {"id", "question", "lang", "answerable", "history"?, "gold_passages"?, "evidence",
"must_mention", "notes"?}. A retrieved passage is a hit when it contains an evidence snippet
(whitespace-normalised, case-folded), or, for cases without evidence, when it is a gold passage.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answer
from assistant.grounding import parse_cited, supported
from assistant.passages import normalise

GATED = (
    "retrieval_hit@1",
    "retrieval_hit@5",
    "retrieval_mrr",
    "citation_precision",
    "citation_recall",
    "key_fact_recall",
    "sentence_support",
    "language_match",
    "oos_declined",
    "inscope_answered",
)
LOWER_IS_BETTER = ("unretrieved_citations", "inscope_declined")


class GoldFileError(ValueError):
    """A gold file line that is not a valid case; the message names file and line."""


@dataclass
class Case:
    id: str
    question: str
    lang: str
    answerable: bool
    evidence: list[str] = field(default_factory=list)
    must_mention: list[str] = field(default_factory=list)
    gold_passages: list[str] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    notes: str = ""


def load_cases(path: Path) -> list[Case]:
    cases, seen = [], set()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot be read ({exc})") from exc
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{no}: not valid JSON ({exc.msg})") from exc
        if (
            not isinstance(d, dict)
            or not isinstance(d.get("question"), str)
            or not d["question"].strip()
        ):
            raise GoldFileError(f"{path}:{no}: a case needs a non-empty 'question'")
        if not isinstance(d.get("answerable", True), bool):
            raise GoldFileError(f"{path}:{no}: 'answerable' must be true or false")
        cid = str(d.get("id") or f"line-{no}")
        if cid in seen:
            raise GoldFileError(f"{path}:{no}: duplicate id {cid!r}")
        seen.add(cid)
        lists = {}
        for key in ("evidence", "must_mention", "gold_passages", "history"):
            v = d.get(key) or []
            if not isinstance(v, list):
                raise GoldFileError(f"{path}:{no}: {key!r} must be a list")
            lists[key] = v
        cases.append(
            Case(
                id=cid,
                question=d["question"],
                lang=str(d.get("lang") or ""),
                answerable=d.get("answerable", True),
                notes=str(d.get("notes") or ""),
                evidence=[str(x) for x in lists["evidence"]],
                must_mention=[str(x) for x in lists["must_mention"]],
                gold_passages=[str(x) for x in lists["gold_passages"]],
                history=[m for m in lists["history"] if isinstance(m, dict)],
            )
        )
    if not cases:
        raise GoldFileError(f"{path}: no cases")
    return cases


def _is_hit(case: Case, pid: str, text: str) -> bool:
    if case.evidence:
        t = normalise(text)
        return any(normalise(e) in t for e in case.evidence)
    return pid in case.gold_passages


@dataclass
class CaseResult:
    case: Case
    answer: Answer
    rank: int | None  # 1-based rank of the first hit among retrieved passages
    cited: int = 0
    cited_evidence: int = 0
    cited_ok: int = 0  # contains evidence or supports its sentence
    unretrieved: int = 0
    claims: int = 0
    claims_supported: int = 0
    key_fact: bool = False
    language_ok: bool = True
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "id": self.case.id,
            "question": self.case.question,
            "answerable": self.case.answerable,
            "abstained": self.answer.abstained,
            "rank": self.rank,
            "cited": self.cited,
            "cited_evidence": self.cited_evidence,
            "cited_ok": self.cited_ok,
            "unretrieved": self.unretrieved,
            "claims": self.claims,
            "claims_supported": self.claims_supported,
            "key_fact": self.key_fact,
            "language_ok": self.language_ok,
            "failures": self.failures,
            "ms": self.answer.timings_ms.get("total"),
        }


def score_case(case: Case, answer: Answer) -> CaseResult:
    r = CaseResult(case, answer, None)
    for i, p in enumerate(answer.passages, start=1):
        if _is_hit(case, p["id"], p["text"]):
            r.rank = i
            break
    retrieved = {p["id"]: p for p in answer.passages}
    texts = {c.n: c.text for c in answer.citations}
    for c in answer.citations:
        r.cited += 1
        if c.id not in retrieved:
            r.unretrieved += 1
        has_ev = _is_hit(case, c.id, c.text)
        r.cited_evidence += has_ev
        r.cited_ok += has_ev or supported(c.quote, c.text)
    if not answer.abstained:
        for claim in parse_cited(answer.answer):
            if not claim.cited:
                continue
            r.claims += 1
            r.claims_supported += any(supported(claim.text, texts.get(n, "")) for n in claim.cited)
    text = normalise(answer.answer)
    r.key_fact = (
        any(normalise(m) in text for m in case.must_mention) if case.must_mention else False
    )
    r.language_ok = not case.lang or answer.language == case.lang
    if case.answerable:
        if answer.abstained:
            r.failures.append("declined an in-scope question")
        else:
            if r.rank is None or r.rank > 5:
                r.failures.append("no evidence passage in the top 5")
            if case.must_mention and not r.key_fact:
                r.failures.append("key fact missing from the answer")
            if r.cited and r.cited_evidence == 0:
                r.failures.append("no cited passage holds the evidence")
    elif not answer.abstained:
        r.failures.append("answered an out-of-scope question")
    if r.unretrieved:
        r.failures.append("cites a passage that was not retrieved")
    if not r.language_ok:
        r.failures.append(f"answer language {answer.language}, question {case.lang}")
    return r


def _share(num: float, den: float) -> float:
    return round(num / den, 4) if den else 1.0


def summarise(results: list[CaseResult]) -> dict:
    ins = [r for r in results if r.case.answerable]
    oos = [r for r in results if not r.case.answerable]
    answered = [r for r in ins if not r.answer.abstained]
    ranked = [r for r in ins]
    ms = sorted(r.answer.timings_ms.get("total", 0.0) for r in results)
    cited = sum(r.cited for r in results)
    return {
        "cases": len(results),
        "in_scope": len(ins),
        "out_of_scope": len(oos),
        "retrieval_hit@1": _share(sum(r.rank == 1 for r in ranked), len(ranked)),
        "retrieval_hit@5": _share(
            sum(r.rank is not None and r.rank <= 5 for r in ranked), len(ranked)
        ),
        "retrieval_mrr": round(statistics.fmean([1 / r.rank if r.rank else 0 for r in ranked]), 4)
        if ranked
        else 1.0,
        "citation_precision": _share(sum(r.cited_ok for r in results), cited),
        "citation_precision_evidence": _share(sum(r.cited_evidence for r in results), cited),
        "citation_recall": _share(sum(r.cited_evidence > 0 for r in answered), len(answered)),
        "unretrieved_citations": sum(r.unretrieved for r in results),
        "key_fact_recall": _share(sum(r.key_fact for r in answered), len(answered)),
        "sentence_support": _share(
            sum(r.claims_supported for r in results), sum(r.claims for r in results)
        ),
        "language_match": _share(sum(r.language_ok for r in results), len(results)),
        "oos_declined": _share(sum(r.answer.abstained for r in oos), len(oos)),
        "inscope_declined": _share(sum(r.answer.abstained for r in ins), len(ins)),
        "inscope_answered": _share(sum(not r.answer.abstained for r in ins), len(ins)),
        "latency_p50_ms": round(statistics.median(ms), 1) if ms else 0.0,
        "latency_p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1) if ms else 0.0,
    }


def run_eval(ask: Callable[..., Answer], cases: Iterable[Case]) -> list[CaseResult]:
    return [score_case(c, ask(c.question, history=c.history or None)) for c in cases]


def gate(summary: dict, thresholds: dict, baseline: dict | None, tolerance: float) -> list[str]:
    """Metrics below their threshold, or dropped beyond `tolerance` from the baseline."""
    problems = []
    for name, limit in thresholds.get("min", {}).items():
        if summary.get(name, 0.0) < limit:
            problems.append(f"{name} = {summary.get(name)} is below its threshold {limit}")
    for name, limit in thresholds.get("max", {}).items():
        if summary.get(name, 0.0) > limit:
            problems.append(f"{name} = {summary.get(name)} is above its threshold {limit}")
    for name, base in (baseline or {}).items():
        if name not in summary or not isinstance(base, int | float):
            continue
        if name in GATED and summary[name] < base - tolerance:
            problems.append(f"{name} dropped from the baseline {base} to {summary[name]}")
        if name in LOWER_IS_BETTER and summary[name] > base + tolerance:
            problems.append(f"{name} rose from the baseline {base} to {summary[name]}")
    return problems


def markdown_report(
    title: str, columns: dict[str, dict], results: dict[str, list[CaseResult]]
) -> str:
    names = list(columns)
    keys = [k for k in columns[names[0]] if k not in ("cases",)]
    out = [
        f"# {title}",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    out.append("| cases | " + " | ".join(str(columns[n].get("cases")) for n in names) + " |")
    for k in keys:
        out.append(f"| {k} | " + " | ".join(str(columns[n].get(k, "")) for n in names) + " |")
    for name in names:
        failing = [r for r in results.get(name, []) if r.failures]
        out += ["", f"## Failing cases: {name} ({len(failing)})", ""]
        for r in failing:
            out += [
                f"### {r.case.id}: {'; '.join(r.failures)}",
                "",
                f"**Question** ({r.case.lang}, "
                f"{'in scope' if r.case.answerable else 'out of scope'}): "
                f"{r.case.question}",
                "",
            ]
            if r.case.history:
                out.append(
                    "**History:** "
                    + " / ".join(f"{m.get('role')}: {m.get('content')}" for m in r.case.history)
                )
                out.append("")
            if r.case.evidence:
                out.append("**Evidence:** " + " | ".join(f"`{e}`" for e in r.case.evidence))
                out.append("")
            out += [
                "**Answer:**",
                "",
                *("> " + line for line in r.answer.answer.splitlines()),
                "",
                f"**Searched with:** {r.answer.search_query}",
                "",
                "**Passages:**",
                "",
            ]
            for i, p in enumerate(r.answer.passages, start=1):
                mark = " ← evidence" if _is_hit(r.case, p["id"], p["text"]) else ""
                out.append(
                    f"{i}. `{p['id']}` ({p.get('ref') or p.get('section')}) "
                    f"score {p.get('score')} dense {p.get('dense')}{mark}"
                )
            out.append("")
    return "\n".join(out) + "\n"
