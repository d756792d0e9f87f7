"""Citations: build them from document spans, and check them before an answer leaves the
assistant. A quote that is not, whitespace aside, in its document is a bug; the check
runs on every answer, not only in tests.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from assistant.text.sentences import sentence_spans
from assistant.text.terms import content_stems
from assistant.types import Chunk, Citation, Document, Statement

log = logging.getLogger(__name__)


def normalise(text: str) -> str:
    return " ".join(text.split())


def make_citation(n: int, doc: Document, start: int, end: int, chunk: Chunk) -> Citation:
    """Citation `n`: the exact quote doc.text[start:end] inside its surrounding passage."""
    p_start, p_end = min(chunk.start, start), max(chunk.end, end)
    meta = doc.meta
    return Citation(
        n=n,
        doc_id=doc.doc_id,
        title=meta.title,
        publisher=meta.publisher,
        kind=meta.kind,
        published=meta.published,
        published_note=meta.published_note,
        url=meta.url,
        page=doc.page_at(start),
        about=meta.about,
        quote=doc.text[start:end],
        start=start,
        end=end,
        passage=doc.text[p_start:p_end],
        passage_start=p_start,
        chunk_id=chunk.chunk_id,
    )


def quote_problem(citation: Citation, documents: dict[str, Document]) -> str | None:
    """Why a citation cannot be trusted, or None if its quote is verbatim in its document."""
    doc = documents.get(citation.doc_id)
    if doc is None:
        return f"[{citation.n}] cites unknown document {citation.doc_id!r}"
    exact = doc.text[citation.start : citation.end] == citation.quote
    if not exact and normalise(citation.quote) not in normalise(doc.text):
        return f"[{citation.n}] quote not found in {citation.doc_id}: {citation.quote[:80]!r}"
    if normalise(citation.quote) not in normalise(citation.passage):
        return f"[{citation.n}] quote is not inside its passage"
    return None


def checked(
    statements: Sequence[Statement],
    citations: Sequence[Citation],
    documents: dict[str, Document],
    *,
    verbatim: bool,
) -> tuple[list[Statement], list[Citation], list[str]]:
    """Drop statements whose citations fail; with `verbatim`, a statement's own text must
    also be in one of its cited quotes. Returns kept statements, their citations, problems."""
    by_n = {c.n: c for c in citations}
    problems = {c.n: p for c in citations if (p := quote_problem(c, documents))}
    kept: list[Statement] = []
    errors = list(problems.values())
    for st in statements:
        good = [n for n in st.citations if n in by_n and n not in problems]
        if not good:
            errors.append(f"statement dropped, no valid citation: {st.text[:80]!r}")
            continue
        if verbatim and not any(normalise(st.text) in normalise(by_n[n].quote) for n in good):
            errors.append(f"statement dropped, not verbatim in its citations: {st.text[:80]!r}")
            continue
        kept.append(st.model_copy(update={"citations": tuple(good)}))
    used = sorted({n for st in kept for n in st.citations})
    renumber = {old: new for new, old in enumerate(used, start=1)}
    kept = [
        st.model_copy(update={"citations": tuple(renumber[n] for n in st.citations)}) for st in kept
    ]
    kept_citations = [by_n[old].model_copy(update={"n": renumber[old]}) for old in used]
    for problem in errors:
        log.error("citation check: %s", problem)
    return kept, kept_citations, errors


def best_supporting_span(doc: Document, chunk: Chunk, claim_terms: set[str]) -> tuple[int, int]:
    """The sentence of `chunk` sharing most words with a claim (for generative answers)."""
    best, best_span = -1, (chunk.start, chunk.end)
    for s, e in sentence_spans(doc.text, chunk.start, chunk.end):
        overlap = len(claim_terms & set(content_stems(doc.text[s:e])))
        if overlap > best:
            best, best_span = overlap, (s, e)
    return best_span
