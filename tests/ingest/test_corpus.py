"""Loading: seeds with catalog metadata, front matter, HTML, PDF pages, broken files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import load_corpus, load_document
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

SEED_IDS = [
    "000_f69caca4407db16f",
    "001_db44794824846e28",
    "002_8195b7b72e696d93",
    "003_934f7f560a60dbae",
    "004_16b96cc67d0bace7",
]


def make_pdf(path: Path, pages: list[str], title: str = "") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
        pdf.set_author("HMICFRS")
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def test_the_seed_corpus_loads_with_catalog_metadata():
    loaded = load_corpus(CORPUS)
    assert loaded.skipped == []
    docs = {d.doc_id: d.meta for d in loaded.documents}
    assert sorted(docs) == SEED_IDS
    assert docs["003_934f7f560a60dbae"].publisher == "Heart (Four Counties)"
    assert docs["003_934f7f560a60dbae"].published == "2019-07-24"
    assert (
        docs["003_934f7f560a60dbae"].title == "Northants Police slow on child protection progress"
    )
    assert docs["000_f69caca4407db16f"].kind == "press release"
    assert docs["002_8195b7b72e696d93"].url.startswith("https://www.justiceinspectorates.gov.uk/")
    # 001 is dated to the year only, with a note saying the date is inferred.
    assert docs["001_db44794824846e28"].published == "2013"
    assert "inferred" in docs["001_db44794824846e28"].published_note
    assert docs["001_db44794824846e28"].url is None


# SHA-256 of the seed files in shared/seeds: the corpus must hold them byte for byte.
SEED_SHA256 = {
    "000_f69caca4407db16f": "b1f638e65427df797f91de527266b55a08150ae68faa090d00577f781385c60e",
    "001_db44794824846e28": "af81edc7178f16b50a628747e52450bc8d9f8a44ed7a307dba24122feea901c3",
    "002_8195b7b72e696d93": "d444ff47c3d02c4a32343dd698e1e416fb93359daf50c20bf405b1bf54014244",
    "003_934f7f560a60dbae": "1fc2c5d136b03eefee0ca0f1b8441d32fd68f4803406baf38225bd9f914c362e",
    "004_16b96cc67d0bace7": "76f319c73ffa269accac8f1df93a842955d446862cfd3d36a6b6bcccfbf2aa18",
}


def test_seed_texts_are_the_catalogued_files_unchanged():
    # Answers quote these texts and evals check quotes against them.
    for doc_id, expected in SEED_SHA256.items():
        data = (CORPUS / f"{doc_id}.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected
    for doc in load_corpus(CORPUS).documents:
        source = (CORPUS / doc.meta.source).read_text(encoding="utf-8")
        assert source.endswith(doc.text), "the body is the file's text after any header"


def test_seed_004_yaml_header_is_metadata_not_prose():
    doc = load_document(CORPUS / "004_16b96cc67d0bace7.txt", CORPUS)
    assert "```" not in doc.text and "og:" not in doc.text and "publish:" not in doc.text
    assert doc.text.lstrip().startswith("Northamptonshire Police welcomes the findings")
    assert doc.meta.published == "2021-03-24"  # from "12:56 24/03/2021", day first
    assert doc.meta.url.startswith("https://www.northants.police.uk/news/")
    assert doc.meta.title.startswith("National child protection inspection – assessment")
    assert doc.meta.publisher == "Northamptonshire Police"  # from the sidecar


def test_markdown_front_matter_is_read_and_removed(tmp_path):
    (tmp_path / "note.md").write_text(
        "---\ntitle: A briefing\npublisher: Analysts\npublished: 2020-12-01\n---\n"
        "# Heading\n\nThe body text.\n"
    )
    doc = load_document(tmp_path / "note.md", tmp_path)
    assert (doc.meta.title, doc.meta.publisher, doc.meta.published) == (
        "A briefing", "Analysts", "2020-12-01",
    )  # fmt: skip
    assert doc.text.startswith("# Heading")


def test_html_title_main_text_and_meta_tags(tmp_path):
    (tmp_path / "page.html").write_text(
        """<html><head><title>Site | Report</title>
        <meta property="og:title" content="Force inspection report">
        <meta property="og:site_name" content="HMICFRS">
        <meta property="article:published_time" content="2021-03-24T09:00:00Z">
        <link rel="canonical" href="https://example.org/report">
        <script>var tracking = 1;</script><style>p {color: red}</style></head>
        <body><nav>Home | News</nav><main><h1>Findings</h1>
        <p>The force has <a href="#">improved</a> its response.</p>
        <ul><li>First point.</li><li>Second point.</li></ul>
        <p>Markup shown as text: &lt;script&gt;alert(1)&lt;/script&gt;</p></main>
        <footer>Cookies</footer></body></html>"""
    )
    doc = load_document(tmp_path / "page.html", tmp_path)
    assert doc.meta.title == "Force inspection report"
    assert doc.meta.publisher == "HMICFRS"
    assert doc.meta.published == "2021-03-24"
    assert doc.meta.url == "https://example.org/report"
    assert "The force has improved its response." in doc.text
    assert "• First point." in doc.text and "• Second point." in doc.text
    assert "<script>alert(1)</script>" in doc.text  # kept as text, escaped when shown
    for noise in ("tracking", "color: red", "Home | News", "Cookies"):
        assert noise not in doc.text


def test_pdf_text_per_page_with_page_spans(tmp_path):
    make_pdf(
        tmp_path / "report.pdf",
        ["Page one says the force improved.", "Page two lists 21 case files."],
        title="Inspection report",
    )
    doc = load_document(tmp_path / "report.pdf", tmp_path)
    assert doc.meta.title == "Inspection report"
    assert doc.meta.publisher == "HMICFRS"
    assert [p.page for p in doc.pages] == [1, 2]
    second = doc.text.index("21 case files")
    assert doc.page_at(second) == 2
    assert doc.page_at(doc.text.index("improved")) == 1


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"   \n\n", "empty file"),
        ("binary.txt", b"\x00\x01\x02binary", "binary file"),
        ("latin1.txt", "Café report".encode("latin-1"), "not UTF-8 text (byte 0xe9"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("header.md", b"---\ntitle: [unclosed\n---\nBody.\n", "not valid YAML"),
        ("onlyheader.md", b"---\ntitle: x\n---\n\n", "no text after the metadata header"),
    ],
)
def test_a_broken_file_is_reported_and_the_others_still_load(tmp_path, name, content, reason):
    (tmp_path / "good.txt").write_text("A good document. It has two sentences.")
    (tmp_path / name).write_bytes(content)
    loaded = load_corpus(tmp_path)
    assert [d.doc_id for d in loaded.documents] == ["good"]
    assert len(loaded.skipped) == 1
    assert loaded.skipped[0].path == name
    assert reason in loaded.skipped[0].reason


def test_a_scanned_pdf_without_text_is_reported(tmp_path):
    make_pdf(tmp_path / "scan.pdf", ["", ""])
    loaded = load_corpus(tmp_path)
    assert loaded.documents == []
    assert "no extractable text" in loaded.skipped[0].reason


def test_sidecar_metadata_overrides_the_file_and_bad_sidecar_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody text.")
    (tmp_path / "a.meta.yaml").write_text("title: Better title\npublished: 2019\n")
    (tmp_path / "b.txt").write_text("Body.")
    (tmp_path / "b.meta.yaml").write_text("- just a list\n")
    loaded = load_corpus(tmp_path)
    [a] = loaded.documents
    assert (a.meta.title, a.meta.published) == ("Better title", "2019")
    assert loaded.skipped[0].path == "b.txt" and "sidecar" in loaded.skipped[0].reason


def test_duplicate_ids_are_reported(tmp_path):
    (tmp_path / "x.txt").write_text("One.")
    (tmp_path / "x.md").write_text("Two.")
    loaded = load_corpus(tmp_path)
    assert len(loaded.documents) == 1
    assert "duplicate document id 'x'" in loaded.skipped[0].reason


def test_a_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")
