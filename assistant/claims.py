"""Claim check: for a sentence someone means to say, the passages that support it and those
that contradict or qualify it, and a verdict. Retrieval and sentence scoring are the
answerer's; the agreement on figures, years, names and negation is `agreement.py`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.agreement import agree, figures, negated
from assistant.citations import make_citation, normalise, quote_problem
from assistant.dates import years_in
from assistant.evidence import Candidate
from assistant.pipeline import Pipeline
from assistant.query import analyse, validate
from assistant.terms import content_stems
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
    intent = analyse(claim)
    retriever = pipeline.retriever(filters).with_config(top_k=cfg.passages)
    vector = retriever.embed_query(claim)
    passages = retriever.search(claim, vector=vector)
    extractive = pipeline.extractive
    ranked = extractive.rank(intent, passages, vector, filters)[: cfg.sentences]
    common = extractive.stats.lowercase
    weights = {t: extractive.stats.idf(t) for t in content_stems(claim) if not t.isdigit()}
    supporting: list[tuple[Candidate, str]] = []
    against: list[tuple[Candidate, str, str]] = []
    for cand in ranked:
        share, semantic = _share(weights, cand.text), cand.features.get("semantic", 0.0)
        wanted = figures(claim)
        needed = cfg.figure_share if wanted and wanted <= figures(cand.text) else cfg.about_share
        if share < needed or semantic < cfg.about_semantic:
            continue
        context = f"{cand.doc.text[slice(*cand.window)]} {cand.doc.meta.naming()} "
        context += cand.speaker or (cand.quoting.speaker if cand.quoting else "") or ""
        verdict = agree(claim, cand.text, context, cand.doc, common)
        if not verdict.problems and not verdict.gaps:
            supporting.append((cand, "agrees on " + _points(claim)))
        elif verdict.problems and (
            verdict.year_only
            or (share >= cfg.contradict_share and semantic >= cfg.contradict_semantic)
        ):
            stance = "qualifies" if verdict.year_only else "contradicts"
            against.append((cand, stance, "; ".join(verdict.problems)))
    return _result(claim, supporting[: cfg.shown], against[: cfg.shown], pipeline)


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
