"""Generates hostile corpus files at test time (nothing a scanner would flag is committed):
each bad file with the reason the loader must give, and the awkward-but-good files that
must still be indexed."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

SECRET = "zebracorn-outside-secret"  # text only the file outside the corpus holds
ODD_NAME = "Report – 2021 (final) [v2] ü ☃ 'quoted' ;echo hi & $HOME.txt"
LOCKED = "locked.txt"  # chmod 000; as root, tests simulate the refusal


@dataclass(frozen=True)
class Hostile:
    """What a test expects of the generated files: reasons by path, and the loaded ids."""

    bad: dict[str, str]  # path in the corpus -> a phrase its one-line reason must contain
    good: dict[str, str]  # document id -> a phrase its indexed text must contain
    outside: Path  # the folder the symlink points into


def make_pdf(pages: list[str], title: str = "") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def encrypted_pdf(text: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([text]))))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_hostile_corpus(corpus: Path, scratch: Path, big_mb: int = 50) -> Hostile:
    """Write the hostile files into `corpus` (which may already hold good documents);
    `scratch` is a folder outside it, for the symlink's target."""
    outside = scratch / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text(f"Private notes. The password is {SECRET}.\n")
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 64,
        "latin1.txt": "Rapport sur la sécurité des enfants, été 2020.".encode("latin-1"),
        "scanned.pdf": make_pdf(["", ""]),
        "encrypted.pdf": encrypted_pdf("Confidential inspection draft about custody."),
        "truncated.pdf": make_pdf(["A page about truncated files. " * 40] * 3)[:700],
        "front.md": b"---\ntitle: [unclosed\npublished: 2020\n---\n\nBody of the note.\n",
        "listmeta.txt": b"A document whose sidecar is a list, not a mapping.\n",
        "listmeta.meta.yaml": b"- title\n- publisher\n",
        LOCKED: b"Nobody may read this file.\n",
        "page.html": (
            b"<html><head><title>Custody review</title><style>body{color:red}</style>"
            b"<script>document.write('injected-script-text')</script></head><body><main>"
            b"<p>The custody review found that detainees waited too long for a nurse.</p>"
            b"<script>alert('more-injected-text')</script><noscript>enable-js-text</noscript>"
            b"</main></body></html>"
        ),
        ODD_NAME: b"Odd names are fine: this note about canteen budgets is indexed.\n",
        "copy_a.txt": b"Two names, one text: the duplicate note about helicopter hours.\n",
        "copy_b.txt": b"Two names, one text: the duplicate note about helicopter hours.\n",
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    with (corpus / "huge.txt").open("w") as f:
        line = "A very large file that nobody should have put in the corpus folder.\n"
        f.write(line * (big_mb * 2**20 // len(line) + 1))
    os.symlink(outside / "secret.txt", corpus / "link_out.txt")
    (corpus / LOCKED).chmod(0)
    return Hostile(
        bad={
            "empty.txt": "empty file",
            "binary.txt": "binary file",
            "latin1.txt": "not UTF-8 text (byte 0xe9",
            "scanned.pdf": "PDF has no extractable text",
            "encrypted.pdf": "encrypted PDF",
            "truncated.pdf": "not a readable PDF",
            "front.md": "the metadata header is not valid YAML at line 2",
            "listmeta.txt": "its sidecar listmeta.meta.yaml must be a YAML mapping",
            LOCKED: "cannot be read (Permission denied)",
            "huge.txt": "too large (50.0 MB; the limit is 20 MB)",
            "link_out.txt": "symbolic link pointing outside the corpus folder: not followed",
            "copy_b.txt": "the same text as copy_a.txt: indexed once",
        },
        good={
            "page": "detainees waited too long for a nurse",
            ODD_NAME.removesuffix(".txt"): "canteen budgets",
            "copy_a": "helicopter hours",
        },
        outside=outside,
    )


def deny_locked_file(monkeypatch: object) -> None:
    """As root, chmod 000 does not stop reading: make the locked file refuse as it would
    for anyone else (the same OSError the loader gets from the kernel)."""
    if os.geteuid() != 0:
        return
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == LOCKED:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)  # type: ignore[attr-defined]
