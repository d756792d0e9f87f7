"""The briefing as a Word document: it opens in python-docx and in LibreOffice, dates its
positions and carries numbered notes with each source."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from assistant.brief.briefing import make_briefing
from assistant.brief.docx import NOTES_HEADING, briefing_docx
from assistant.types import Briefing

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def note(real_pipeline) -> bytes:
    return briefing_docx(make_briefing(real_pipeline, "missing children"))


def _paragraphs(data: bytes) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_the_note_has_title_range_latest_position_each_report_and_figures(note):
    paragraphs = _paragraphs(note)
    texts = [t for _, t in paragraphs]
    assert paragraphs[0] == ("Title", "Briefing: missing children")
    assert texts[1].startswith("Covers 2013 to 24 March 2021")
    headings = [t for style, t in paragraphs if style.startswith("Heading")]
    assert headings[0] == "The latest position"
    latest = texts[texts.index("The latest position") + 1]
    assert latest.startswith("As of 24 March 2021:") and "25% reduction" in latest
    # What each report said, oldest first, with the 2019 and 2021 positions dated.
    dated = [h for h in headings if h[:4].isdigit() or h[:2].strip().isdigit()]
    assert dated[0].startswith("2013:")
    assert any(h.startswith("24 July 2019:") for h in dated)
    assert any(h.startswith("24 March 2021:") for h in dated)
    assert "Key figures" in headings
    # Each quoted figure, dated, oldest first: the 2021 assessment's among them.
    after = paragraphs[texts.index("Key figures") + 1 :]
    figures = [t for _, t in itertools.takewhile(lambda p: p[0] == "List Bullet", after)]
    assert any(f.startswith("24 March 2021:") and "25%" in f for f in figures)
    years = [int(f.split(":")[0][-4:]) for f in figures]
    assert years == sorted(years)


def test_every_quote_has_a_numbered_note_with_its_source(note, real_pipeline):
    briefing = make_briefing(real_pipeline, "missing children")
    texts = [t for _, t in _paragraphs(note)]
    notes = texts[texts.index(NOTES_HEADING) + 1 :]
    assert len(notes) == len(briefing.citations) >= 4
    for text, c in zip(notes, briefing.citations, strict=True):
        assert text.startswith(f"{c.n}. {c.title}.")
        assert c.publisher in text and " ".join(c.quote.split()) in text
        assert (c.url or "Source address not known") in text
    assert any("24 July 2019" in n and "heart.co.uk" in n for n in notes)
    # The superscript marks in the body point at those notes.
    body = docx.Document(io.BytesIO(note))
    marks = {r.text for p in body.paragraphs for r in p.runs if r.font.superscript}
    assert marks == {str(c.n) for c in briefing.citations}


def test_libreoffice_opens_it(note, tmp_path: Path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("LibreOffice is missing in CI: make office-deps")
        pytest.skip("LibreOffice is missing: make office-deps")
    source = tmp_path / "note.docx"
    source.write_bytes(note)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "note.pdf").pages)
    assert "Briefing: missing children" in text and "Notes" in text
    assert "25% reduction" in " ".join(text.split())


@pytest.mark.unit
def test_an_empty_briefing_still_makes_a_document():
    empty = Briefing(topic="weather", sections=(), citations=(), empty_reason="Nothing here.")
    assert [t for _, t in _paragraphs(briefing_docx(empty))] == [
        "Briefing: weather",
        "Nothing here.",
    ]
