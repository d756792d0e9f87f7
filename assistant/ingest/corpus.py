"""Find the documents in the corpus folder and load each with its metadata.

Metadata comes, lowest priority first, from the text itself (first line, a date near
the top), the file's own header (front matter, HTML meta tags, PDF info), then an
optional sidecar `<name>.meta.yaml`. A document's id is its file stem. A file that cannot
be read, a link out of the folder, or a copy of another document is reported, not fatal.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError, CorpusFileError
from assistant.ingest.formats import MAX_BYTES, extract, read_yaml
from assistant.ingest.subjects import infer_subject, place_of, places_about
from assistant.text.dates import date_in_text, parse_date, years_in
from assistant.types import Document, DocumentMeta, SkippedFile

SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")
_IGNORED_NAMES = {"README", "README.md", "CATALOG.md", "Thumbs.db"}


@dataclass
class CorpusLoad:
    """Every document that could be read, and every file that could not, with why."""

    documents: list[Document]
    skipped: list[SkippedFile]


def discover(corpus_dir: Path) -> list[Path]:
    """Candidate document files under `corpus_dir`, sorted; sidecars and hidden files excluded.
    Links are listed (whatever they point at) so that `load_corpus` can say why it skips one."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    found = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if not (path.is_file() or path.is_symlink()):
            continue
        if path.name.endswith(SIDECAR_SUFFIXES) or path.name in _IGNORED_NAMES:
            continue
        found.append(path)
    return found


def load_corpus(corpus_dir: Path, max_bytes: int = MAX_BYTES) -> CorpusLoad:
    """Load every document; a file that cannot be read is reported, never fatal. A document
    whose text is the same as an earlier file's is reported and indexed once."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, str] = {}
    texts: dict[str, str] = {}  # sha256 of the text -> the file that has it
    root = corpus_dir.resolve()
    for path in discover(corpus_dir):
        rel = display_name(path.relative_to(corpus_dir).as_posix())
        try:
            _check_name(path, rel)
            _check_inside(path, root, rel)
            if path.stem in seen:
                raise CorpusFileError(
                    rel, f"duplicate document id '{path.stem}' (also {seen[path.stem]})"
                )
            doc = load_document(path, corpus_dir, max_bytes)
        except CorpusFileError as e:
            skipped.append(SkippedFile(path=rel, reason=e.reason, excluded=e.excluded))
            continue
        digest = hashlib.sha256(doc.text.encode()).hexdigest()
        if digest in texts:
            reason = f"the same text as {texts[digest]}: indexed once, under that name"
            skipped.append(SkippedFile(path=rel, reason=reason, excluded=True))
            continue
        texts[digest] = rel
        seen[doc.doc_id] = rel
        documents.append(doc)
    return CorpusLoad(documents=documents, skipped=skipped)


def display_name(rel: str) -> str:
    """A path as one printable line: undecodable bytes and control characters escaped."""
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(
        ch.encode("unicode_escape").decode() if unicodedata.category(ch) == "Cc" else ch
        for ch in text
    )


def _check_name(path: Path, rel: str) -> None:
    # A document id goes into chunk ids, JSON, citations and one-line messages: it must be
    # text, on one line. Spaces, accents, quotes and other punctuation are fine.
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        raise CorpusFileError(rel, "file name is not valid UTF-8: rename the file") from None
    if any(unicodedata.category(ch) == "Cc" for ch in path.name):
        raise CorpusFileError(rel, "file name has control characters (a line break?): rename it")


def _check_inside(path: Path, root: Path, rel: str) -> None:
    if not path.is_symlink():
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise CorpusFileError(rel, "broken symbolic link (its target does not exist)") from None
    if not target.is_relative_to(root):
        raise CorpusFileError(
            rel, "symbolic link pointing outside the corpus folder: not followed", excluded=True
        )
    if not target.is_file():
        raise CorpusFileError(rel, "symbolic link to something that is not a file")


def load_document(path: Path, corpus_dir: Path, max_bytes: int = MAX_BYTES) -> Document:
    """Load one file; raises `CorpusFileError` naming the reason it cannot be read."""
    rel = display_name(path.relative_to(corpus_dir).as_posix())
    try:
        size = path.stat().st_size
        if size > max_bytes:  # before reading it: a huge file is refused, not loaded
            raise CorpusFileError(
                rel, f"too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB)"
            )
        data = path.read_bytes()
    except OSError as e:
        raise CorpusFileError(rel, f"cannot be read ({e.strerror or e})") from None
    extracted = extract(Path(rel), data)
    sidecar_bytes, sidecar = _sidecar(path, rel)
    try:
        meta = _merge_meta(path, rel, extracted.text, extracted.meta, sidecar)
    except ValueError as e:  # pydantic's ValidationError too: a field of the wrong shape
        raise CorpusFileError(rel, f"unusable metadata ({str(e).splitlines()[0]})") from None
    digest = hashlib.sha256(data + b"\0" + sidecar_bytes).hexdigest()
    return Document(
        meta=meta,
        text=extracted.text,
        sha256=digest,
        pages=extracted.pages,
        years=tuple(years_in(extracted.text)),
    )


def _sidecar(path: Path, rel: str) -> tuple[bytes, dict[str, Any]]:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate.is_file():
            try:
                data = candidate.read_bytes()
            except OSError as e:
                what = f"its sidecar {candidate.name} cannot be read ({e.strerror or e})"
                raise CorpusFileError(rel, what) from None
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
