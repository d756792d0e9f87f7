"""Find the documents in the corpus folder and load each with its metadata.

Metadata comes, lowest priority first, from the text itself (first line, a date near
the top), the file's own header (front matter, HTML meta tags, PDF info), then an
optional sidecar `<name>.meta.yaml`. A document's id is its file stem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.dates import date_in_text, parse_date, years_in
from assistant.errors import CorpusError, CorpusFileError
from assistant.formats import extract, read_yaml
from assistant.subjects import infer_subject, place_of, places_about
from assistant.types import Document, DocumentMeta, SkippedFile

SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")
_IGNORED_NAMES = {"README", "README.md", "CATALOG.md", "Thumbs.db"}


@dataclass
class CorpusLoad:
    """Every document that could be read, and every file that could not, with why."""

    documents: list[Document]
    skipped: list[SkippedFile]


def discover(corpus_dir: Path) -> list[Path]:
    """Candidate document files under `corpus_dir`, sorted; sidecars and hidden files excluded."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    found = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.name.endswith(SIDECAR_SUFFIXES) or path.name in _IGNORED_NAMES:
            continue
        found.append(path)
    return found


def load_corpus(corpus_dir: Path) -> CorpusLoad:
    """Load every document; a file that cannot be read is reported, never fatal."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    for path in discover(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            if path.stem in seen:
                raise CorpusFileError(
                    rel, f"duplicate document id '{path.stem}' (also {seen[path.stem]})"
                )
            doc = load_document(path, corpus_dir)
        except CorpusFileError as e:
            skipped.append(SkippedFile(path=rel, reason=e.reason))
            continue
        seen[doc.doc_id] = rel
        documents.append(doc)
    return CorpusLoad(documents=documents, skipped=skipped)


def load_document(path: Path, corpus_dir: Path) -> Document:
    """Load one file; raises `CorpusFileError` naming the reason it cannot be read."""
    rel = path.relative_to(corpus_dir).as_posix()
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CorpusFileError(rel, f"cannot be read ({e.strerror})") from None
    extracted = extract(Path(rel), data)
    sidecar_bytes, sidecar = _sidecar(path, rel)
    meta = _merge_meta(path, rel, extracted.text, extracted.meta, sidecar)
    digest = hashlib.sha256(data + b"\0" + sidecar_bytes).hexdigest()
    return Document(meta=meta, text=extracted.text, sha256=digest, pages=extracted.pages)


def _sidecar(path: Path, rel: str) -> tuple[bytes, dict[str, Any]]:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate.is_file():
            data = candidate.read_bytes()
            text = data.decode("utf-8", errors="replace")
            return data, read_yaml(Path(rel), text, f"its sidecar {candidate.name}")
    return b"", {}


def _merge_meta(
    path: Path, rel: str, text: str, inner: dict[str, Any], sidecar: dict[str, Any]
) -> DocumentMeta:
    merged: dict[str, Any] = {"title": _title_from_text(text) or path.stem}
    if found := date_in_text(text):
        merged["published"] = found
        merged["published_note"] = "read from the document text"
    for layer in (inner, {k: v for k, v in sidecar.items() if v not in (None, "")}):
        if "published" in layer and "published_note" not in layer:
            merged.pop("published_note", None)  # the note was about the date it replaces
        merged.update(layer)
    if "published" in merged:
        raw = merged["published"]
        merged["published"] = parse_date(raw)
        if merged["published"] is None:
            merged["published_note"] = f"unrecognised date {raw!r}"
    if not merged.get("published") and (year := _year_inferred(text, merged.get("url"))):
        merged["published"], merged["published_note"] = year
    if not merged.get("subject") and (subject := infer_subject(str(merged["title"]), text)):
        merged["subject"] = subject
        merged["subject_note"] = "inferred from the title and text"
    if not merged.get("url") and isinstance(sources := merged.get("sources"), list) and sources:
        merged["url"] = sources[0]  # a page written from public sources: the first of them
    fields = set(DocumentMeta.model_fields) - {"doc_id", "source"}
    fields -= {"places"}
    clean = {k: None if v is None else str(v).strip() for k, v in merged.items() if k in fields}
    places = places_about(str(clean["title"]), text)
    if subject := clean.get("subject"):
        places.add(place_of(subject))
    return DocumentMeta.model_validate(
        {"doc_id": path.stem, "source": rel, "places": tuple(sorted(places)), **clean}
    )


def _year_inferred(text: str, url: object) -> tuple[str, str] | None:
    """For an undated document, a year: the one in its address ("/2019/07/"), else the
    latest its text names (it cannot be older than what it reports), marked as inferred."""
    if isinstance(url, str) and (m := _URL_YEAR.search(url)):
        return m.group(1), "year inferred from the source address"
    if years := years_in(text):
        return str(max(years)), "year inferred: the latest year the text names"
    return None


_URL_YEAR = re.compile(r"/((?:19|20)\d\d)/")


def _title_from_text(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            # A short first line is a headline; a long one is already the story.
            return line if len(line) <= 150 and not line.endswith((".", ",", ";")) else None
    return None
