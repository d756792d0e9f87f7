"""A briefing note as a Word document (.docx, python-docx): title, the dates it covers, the
latest position, what each document said in date order, key figures, and numbered
endnotes with each source. The note's content comes from `briefing`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from assistant.brief.agreement import figures
from assistant.text.dates import human_date
from assistant.types import Briefing, BriefingSection, Citation, Statement

NOTES_HEADING = "Notes"


def briefing_docx(briefing: Briefing) -> bytes:
    """The note as the bytes of a .docx file."""
    doc = new_document()
    doc.core_properties.title = f"Briefing: {briefing.topic}"
    doc.add_heading(f"Briefing: {briefing.topic}", level=0)
    if not briefing.sections:
        doc.add_paragraph(briefing.empty_reason or "Nothing found.")
        return _bytes(doc)
    doc.add_paragraph(covered(briefing.sections)).runs[0].italic = True
    _latest(doc, briefing.sections)
    doc.add_heading("What each document said, oldest first", level=1)
    for section in briefing.sections:
        meta = section.meta
        doc.add_heading(f"{human_date(meta.published)}: {meta.title}", level=2)
        details = ", ".join(x for x in (meta.publisher, meta.kind) if x)
        if details:
            doc.add_paragraph(details).runs[0].italic = True
        for st in section.statements:
            _quoted(doc.add_paragraph(style="List Bullet"), st)
    _figures(doc, briefing.sections)
    _notes(doc, briefing.citations)
    return _bytes(doc)


def covered(sections: Sequence[BriefingSection]) -> str:
    """ "Covers 2013 to 24 March 2021 (5 documents)": the dates of the first and last."""
    dates = [s.meta.published for s in sections if s.meta.published]
    count = f"{len(sections)} document{'s' if len(sections) != 1 else ''}"
    if not dates:
        return f"Covers {count} of unknown date."
    first, last = human_date(min(dates)), human_date(max(dates))
    span = first if first == last else f"{first} to {last}"
    return f"Covers {span} ({count}). Every point quotes its source; the notes list them."


def _latest(doc: DocxDocument, sections: Sequence[BriefingSection]) -> None:
    """One paragraph: what the most recent documents say, quoted."""
    newest = max((s.meta.published or "" for s in sections), default="")
    latest = [s for s in sections if (s.meta.published or "") == newest]
    doc.add_heading("The latest position", level=1)
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"As of {human_date(newest or None)}: ").bold = True
    for section in latest:
        meta = section.meta
        who = ", ".join(x for x in (meta.publisher or meta.title, meta.kind) if x)
        paragraph.add_run(f"{who}: ")
        for st in section.statements:
            _quoted(paragraph, st)
            paragraph.add_run(" ")


def _figures(doc: DocxDocument, sections: Sequence[BriefingSection]) -> None:
    doc.add_heading("Key figures", level=1)
    found = [(s, st) for s in sections for st in s.statements if figures(st.text)]
    if not found:
        doc.add_paragraph("The quoted passages give no figures.")
    for section, st in found:
        paragraph = doc.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{human_date(section.meta.published)}: ").bold = True
        _quoted(paragraph, st)


def _quoted(paragraph: Paragraph, st: Statement) -> None:
    """The statement in quotation marks with its note numbers as superscripts."""
    paragraph.add_run(f"“{' '.join(st.text.split())}”" if not st.speaker else st.shown())
    for n in st.citations:
        mark = paragraph.add_run(str(n))
        mark.font.superscript = True


def _notes(doc: DocxDocument, citations: Sequence[Citation]) -> None:
    """Numbered endnotes: title, publisher, date, address and the quoted sentence."""
    doc.add_heading(NOTES_HEADING, level=1)
    for c in citations:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{c.n}. ").bold = True
        paragraph.add_run(c.title).italic = True
        date = human_date(c.published) + (f" ({c.published_note})" if c.published_note else "")
        page = f", page {c.page}" if c.page else ""
        details = ", ".join(x for x in (c.publisher, c.kind, date) if x)
        paragraph.add_run(f". {details}{page}. {c.url or 'Source address not known'}. ")
        paragraph.add_run(f"“{' '.join(c.quote.split())}”")
        for run in paragraph.runs:
            run.font.size = Pt(9)


def _bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
