"""Markdown for people to paste or hand over: a conversation (each answer followed by its
numbered sources: title, publisher, date, address, quote) or a briefing note.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.text.dates import human_date
from assistant.types import Answer, Briefing, Citation, Suggestion


def md_text(text: str) -> str:
    """Text that renders as itself: markup from a document or a question is not HTML here."""
    return text.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")


def _quote(text: str) -> str:
    return "\n".join("> " + md_text(line) if line.strip() else ">" for line in text.splitlines())


def _date(published: str | None, note: str | None = None) -> str:
    date = human_date(published)
    return f"{date} ({note})" if note else date


def _address(url: str | None) -> str:
    return md_text(url) if url else "source address not known"


def source_markdown(c: Citation) -> str:
    details = ", ".join(x for x in (c.publisher, c.kind, _date(c.published, c.published_note)) if x)
    page = f", p. {c.page}" if c.page else ""
    return (
        f"{c.n}. **{md_text(c.title)}**{page}  \n"
        f"   {md_text(details)}  \n"
        f"   {_address(c.url)}\n\n"
        f"{_indent(_quote(c.quote))}"
    )


def suggestion_markdown(i: int, s: Suggestion) -> str:
    page = f", p. {s.page}" if s.page else ""
    return (
        f"{i}. {md_text(s.title)}{page} ({human_date(s.published)})  \n"
        f"   {_address(s.url)}\n\n"
        f"{_indent(_quote(s.passage))}"
    )


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in text.splitlines())


def answer_markdown(answer: Answer, number: int) -> str:
    """One question and its answer (or abstention) with its sources."""
    parts = [f"## {number}. {md_text(' '.join(answer.question.split()))}"]
    if answer.searched_for != answer.question:
        parts.append(f"_Searched for: {md_text(answer.searched_for)}_")
    if answer.abstained:
        parts.append(f"**Not found in the documents.** {md_text(answer.answer)}")
        if answer.suggestions:
            parts.append("Nearest passages (suggestions, not an answer):")
            parts.extend(suggestion_markdown(i, s) for i, s in enumerate(answer.suggestions, 1))
        return "\n\n".join(parts)
    parts.append("\n".join(md_text(line) + "  " for line in answer.answer.splitlines()).rstrip())
    if answer.notice:
        parts.append(f"_Note: {md_text(answer.notice)}_")
    if answer.citations:
        parts.append("**Sources**")
        parts.extend(source_markdown(c) for c in answer.citations)
    return "\n\n".join(parts)


def conversation_markdown(answers: Sequence[Answer]) -> str:
    """The whole conversation, oldest first; empty when nothing has been asked."""
    if not answers:
        return ""
    body = "\n\n---\n\n".join(answer_markdown(a, i) for i, a in enumerate(answers, 1))
    return (
        "# Questions about the inspection reports\n\n"
        "Answers quote the documents verbatim; each is followed by its numbered sources.\n\n"
        f"{body}\n"
    )


def briefing_markdown(briefing: Briefing) -> str:
    """A briefing note: document by document, oldest first, each quote with its marker,
    then the numbered sources."""
    parts = [f"# Briefing: {md_text(briefing.topic)}"]
    if not briefing.sections:
        parts.append(md_text(briefing.empty_reason or "Nothing found."))
        return "\n\n".join(parts) + "\n"
    years = sorted({s.meta.published[:4] for s in briefing.sections if s.meta.published})
    span = (
        f" from {years[0]} to {years[-1]}"
        if len(years) > 1
        else (f" from {years[0]}" if years else "")
    )
    parts.append(
        f"_What {len(briefing.sections)} documents{span} say, oldest first. Every point "
        "quotes its source verbatim; the sources are numbered below._"
    )
    for section in briefing.sections:
        meta = section.meta
        date = _date(meta.published, meta.published_note)
        details = ", ".join(x for x in (meta.publisher, meta.kind, date) if x)
        heading = f"## {human_date(meta.published)}: {md_text(meta.title)}"
        parts.append(f"{heading}\n\n{md_text(details)}")
        parts.append("\n".join(
            f"- {md_text(st.shown())} "
            + "".join(f"[{n}]" for n in st.citations)
            for st in section.statements
        ))  # fmt: skip
    parts.append("## Sources")
    parts.extend(source_markdown(c) for c in briefing.citations)
    return "\n\n".join(parts) + "\n"
