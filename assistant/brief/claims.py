"""Claim check: for a sentence someone means to say, the passages that support it and those
that contradict or qualify it, and a verdict. Retrieval and sentence scoring are the
answerer's; the agreement on figures, years, names and negation is `agreement`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.citations import make_citation, normalise, quote_problem
from assistant.brief.agreement import agree, closest_clause, figures, negated
from assistant.pipeline import Pipeline
from assistant.retrieve.question import analyse, validate
from assistant.text.candidates import Candidate
from assistant.text.dates import years_in
from assistant.text.terms import content_stems
from assistant.types import Citation, ClaimCheck, ClaimEvidence, Filters

SUPPORTED, PARTLY, CONTRADICTED, NOT_FOUND = (
    "supported", "partly supported", "contradicted", "not found",
)  # fmt: skip
VERDICTS = (SUPPORTED, PARTLY, CONTRADICTED, NOT_FOUND)


@dataclass(frozen=True)
class ClaimConfig:
    passages: int = 16  # retrieved for a claim
    sentences: int = 12  # of the best-scored sentences, how many are weighed
    # A sentence is about the claim when it holds this share of the claim's words (weighted
    # by rarity, figures and years aside) and is this close in meaning (embedder cosine).
    # Words alone never make a support: figures, years, names and negation must agree too.
    about_share: float = 0.5
    about_semantic: float = 0.5
    support_share: float = 0.65  # and to support it, this share
    # A sentence that gives every figure the claim gives needs fewer of its words ("finds
    # missing children 25% faster": "a 25% reduction in time taken to locate ...").
    figure_share: float = 0.2
    # To contradict, a sentence must be closer still: a "not" in a loosely related
    # sentence is not a denial of the claim.
    contradict_share: float = 0.6
    contradict_semantic: float = 0.55
    shown: int = 3  # passages listed on each side, at most


def check_claim(
    pipeline: Pipeline,
    claim: str,
    filters: Filters | None = None,
    config: ClaimConfig | None = None,
) -> ClaimCheck:
    """Weigh `claim` against the documents the filters allow."""
    cfg = config or ClaimConfig()
    claim = validate(claim, pipeline.settings.max_question_chars)
    retriever = pipeline.retriever(filters).with_config(top_k=cfg.passages)
    vector = retriever.embed_query(claim)
    passages = retriever.search(claim, vector=vector)
    extractive = pipeline.extractive
    ranked = extractive.rank(analyse(claim), passages, vector, filters)[: cfg.sentences]
    # Who said it is checked as a name; what was said is what the passage must say.
    core = without_attribution(claim)
    weights = {t: extractive.stats.idf(t) for t in content_stems(core) if not t.isdigit()}
    # Closeness in meaning of the sentence, or of its clause nearest the claim (a long
    # sentence that says it in one clause reads as further away as a whole).
    whole = _cosines(pipeline, core, [c.text for c in ranked])
    clauses = _cosines(pipeline, core, [closest_clause(core, c.text) for c in ranked])
    meanings = [max(a, b) for a, b in zip(whole, clauses, strict=True)]
    supporting: list[tuple[Candidate, str]] = []
    against: list[tuple[Candidate, str, str]] = []
    for cand, semantic in zip(ranked, meanings, strict=True):
        share, wanted = _share(weights, cand.text), figures(claim)
        figures_agree = bool(wanted) and wanted <= figures(cand.text)
        if semantic < cfg.about_semantic or share < (
            cfg.figure_share if figures_agree else cfg.about_share
        ):
            continue
        context = f"{cand.doc.text[slice(*cand.window)]} {cand.doc.meta.naming()} "
        context += cand.speaker or (cand.quoting.speaker if cand.quoting else "") or ""
        verdict = agree(claim, cand.text, context, cand.doc, extractive.stats.lowercase)
        if not verdict.problems and not verdict.gaps:
            if figures_agree or share >= cfg.support_share:
                supporting.append((cand, "agrees on " + _points(claim)))
        elif (
            verdict.problems
            and share >= cfg.contradict_share
            and (semantic >= cfg.contradict_semantic or verdict.year_only)
        ):
            stance = "qualifies" if verdict.year_only else "contradicts"
            against.append((cand, stance, "; ".join(verdict.problems)))
    return _result(claim, supporting[: cfg.shown], against[: cfg.shown], pipeline)


_ATTRIBUTION = re.compile(r"^[^,;:]{0,80}?\b(?:said|says|stated|told \w+)(?: that)?[:,]?\s+", re.I)


def without_attribution(claim: str) -> str:
    """The claim without "Zoë Billingham said (that)": what the passage must say."""
    core = _ATTRIBUTION.sub("", claim, count=1)
    return core if len(core.split()) >= 3 else claim


def _cosines(pipeline: Pipeline, text: str, others: Sequence[str]) -> list[float]:
    if not others:
        return []
    vectors = np.asarray(pipeline.extractive.vectors([text, *others]), dtype=float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return [float(v) for v in vectors[1:] @ vectors[0]]


def _share(weights: dict[str, float], text: str) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    present = set(content_stems(text))
    return sum(w for t, w in weights.items() if t in present) / total


def _points(claim: str) -> str:
    points = ["its words"]
    if figures(claim):
        points.append("figures")
    if years_in(claim):
        points.append("years")
    if negated(claim):
        points.append("negation")
    return ", ".join(points)


def verdict_of(supports: int, contradicts: int, qualifies: int) -> str:
    """Supported only by agreeing passages with none against; partly when a passage of
    another year or one that disagrees stands beside them."""
    if supports:
        return PARTLY if contradicts or qualifies else SUPPORTED
    return CONTRADICTED if contradicts or qualifies else NOT_FOUND


_EXPLAIN = {
    SUPPORTED: "Passages say this, and agree on its figures, years, names and negation.",
    PARTLY: "Some passages say this, but others (another year, or a different figure) "
    "contradict or qualify it.",
    CONTRADICTED: "The passages on this say otherwise (a different figure or year, or the "
    "opposite).",
    NOT_FOUND: "The documents do not say this, or anything against it.",
}


def _result(
    claim: str,
    supporting: Sequence[tuple[Candidate, str]],
    against: Sequence[tuple[Candidate, str, str]],
    pipeline: Pipeline,
) -> ClaimCheck:
    documents = pipeline.reader.documents
    citations: list[Citation] = []

    def cite(cand: Candidate) -> int | None:
        citation = make_citation(
            len(citations) + 1, cand.doc, cand.start, cand.end, cand.passage.chunk
        )
        if quote_problem(citation, documents):
            return None
        citations.append(citation)
        return citation.n

    pro = [
        ClaimEvidence(citation=n, text=normalise(c.text), stance="supports", reason=why)
        for c, why in supporting
        if (n := cite(c))
    ]
    con = [
        ClaimEvidence(citation=n, text=normalise(c.text), stance=stance, reason=why)
        for c, stance, why in against
        if (n := cite(c))
    ]
    contradicts = sum(e.stance == "contradicts" for e in con)
    verdict = verdict_of(len(pro), contradicts, len(con) - contradicts)
    return ClaimCheck(
        claim=claim,
        verdict=verdict,
        explanation=_EXPLAIN[verdict],
        supporting=tuple(pro),
        contradicting=tuple(con),
        citations=tuple(citations),
    )
