"""Briefing notes: on a topic, what each document said and when, quoted with sources,
oldest first, ready to paste or hand over. Uses the same retrieval, sentence scoring and
citation checks as answers; a briefing is wider (more passages, several quotes per
document) and never blends documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from assistant.answer.citations import checked, make_citation
from assistant.pipeline import Pipeline
from assistant.retrieve.question import analyse, validate
from assistant.text.candidates import Candidate, continuation_end
from assistant.types import Briefing, BriefingSection, Citation, Filters, Statement


@dataclass(frozen=True)
class BriefingConfig:
    passages: int = 24  # retrieved for a topic: a briefing casts a wider net than an answer
    per_document: int = 3  # quotes from each document at most
    # A quote scores within this of the topic's best sentence (1.3 / 1.6 / 2.0 give "missing
    # children" 5 / 8 / 10 quotes from 3 / 4 / 4 documents; the reader model's weight made
    # scores wider apart, so the margin that was 0.9 before it came in is now 1.6).
    relevance_margin: float = 1.6


def make_briefing(
    pipeline: Pipeline,
    topic: str,
    filters: Filters | None = None,
    config: BriefingConfig | None = None,
) -> Briefing:
    """What the documents say about `topic`, document by document, oldest first."""
    cfg = config or BriefingConfig()
    topic = validate(topic, pipeline.settings.max_question_chars)
    intent = analyse(topic)
    retriever = pipeline.retriever(filters).with_config(top_k=cfg.passages)
    vector = retriever.embed_query(topic)
    passages = retriever.search(topic, vector=vector, years=intent.years)
    extractive = pipeline.extractive
    ranked = extractive.rank(intent, passages, vector, filters)
    if not ranked or extractive.confidence(intent, ranked) < extractive.config.abstain_threshold:
        reason = "The documents do not say enough about this topic to brief on it."
        return Briefing(topic=topic, sections=(), citations=(), empty_reason=reason)
    sections, citations = _sections(_pick(ranked, cfg))
    statements = [st for s in sections for st in s.statements]
    kept, kept_citations, _ = checked(
        statements, citations, extractive.reader.documents, verbatim=True
    )
    return Briefing(topic=topic, sections=_regroup(sections, kept), citations=tuple(kept_citations))


def _pick(ranked: list[Candidate], cfg: BriefingConfig) -> dict[str, list[Candidate]]:
    best = ranked[0].score
    by_doc: dict[str, list[Candidate]] = defaultdict(list)
    for cand in ranked:
        if cand.score < best - cfg.relevance_margin:
            break
        picked = by_doc[cand.doc.doc_id]
        if len(picked) >= cfg.per_document or any(
            c.start < cand.end and cand.start < c.end for c in picked
        ):
            continue
        cand.end = continuation_end(cand.doc.text, cand.end)
        picked.append(cand)
    return by_doc


def _sections(
    chosen: dict[str, list[Candidate]],
) -> tuple[list[BriefingSection], list[Citation]]:
    docs = sorted(chosen, key=lambda d: (chosen[d][0].doc.meta.published or "", d))
    sections: list[BriefingSection] = []
    citations: list[Citation] = []
    for doc_id in docs:
        cands = sorted(chosen[doc_id], key=lambda c: c.start)  # in the order the document has them
        statements = []
        for cand in cands:
            n = len(citations) + 1
            citations.append(make_citation(n, cand.doc, cand.start, cand.end, cand.passage.chunk))
            statements.append(Statement(text=cand.text, citations=(n,), speaker=cand.speaker))
        sections.append(BriefingSection(meta=cands[0].doc.meta, statements=tuple(statements)))
    return sections, citations


def _regroup(sections: list[BriefingSection], kept: list[Statement]) -> tuple[BriefingSection, ...]:
    """The sections with only the statements that passed the citation check, renumbered."""
    by_text = {st.text: st for st in kept}
    out = []
    for section in sections:
        statements = tuple(by_text[st.text] for st in section.statements if st.text in by_text)
        if statements:
            out.append(section.model_copy(update={"statements": statements}))
    return tuple(out)
