"""File formats: turn the bytes of a text, Markdown, HTML or PDF file into body text plus
whatever metadata the file carries. Raises `CorpusFileError` with the reason a file
cannot be read; `corpus` decides what to do with the result.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import CorpusFileError
from assistant.types import PageSpan

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
# A report's text is well under 1 MB; a 20 MB text would be ~40,000 passages and many
# minutes of embedding, almost always a data dump put in the wrong folder.
MAX_BYTES = 20 * 2**20

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_FENCED_YAML = re.compile(r"\A\ufeff?\s*```ya?ml[ \t]*\n(.*?)\n```[ \t]*\n", re.S)


@dataclass
class Extracted:
    """A file's body text and the metadata found inside it (keys as in `DocumentMeta`)."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    pages: tuple[PageSpan, ...] = ()


def extract(path: Path, data: bytes) -> Extracted:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise CorpusFileError(
            path,
            f"unsupported file type '{suffix or path.name}' (supported: {', '.join(SUPPORTED)})",
        )
    if not data.strip():
        raise CorpusFileError(path, "empty file")
    if suffix in PDF_SUFFIXES:
        return _pdf(path, data)
    text = decode(path, data)
    return _html(path, text) if suffix in HTML_SUFFIXES else _text(path, text)


def decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise CorpusFileError(path, "binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CorpusFileError(
            path, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_yaml(path: Path, text: str, what: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise CorpusFileError(path, f"{what} is not valid YAML{where}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise CorpusFileError(path, f"{what} must be a YAML mapping of keys to values")
    return loaded


# Where a document's own header keeps each field; first present wins.
_KEYS = {
    "title": ("title", "og.title", "headline", "html.title"),
    "publisher": ("publisher", "author", "site_name", "og.site_name"),
    "kind": ("kind",),
    "published": ("published", "date", "publish.date", "publish_date", "published_at", "pubdate"),
    "published_note": ("published_note",),
    "url": ("url", "source_url", "source", "og.url", "canonical"),
}


def normalise_meta(raw: dict[str, Any]) -> dict[str, Any]:
    """Map a header's keys (`publish.date`, `og.url`, ...) onto `DocumentMeta` fields."""
    flat = _flatten(raw)
    meta: dict[str, Any] = {}
    for field_name, keys in _KEYS.items():
        for key in keys:
            value = flat.get(key)
            if value not in (None, ""):
                meta[field_name] = html.unescape(value) if isinstance(value, str) else value
                break
    return meta


def _flatten(raw: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{str(key).lower()}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _text(path: Path, text: str) -> Extracted:
    meta: dict[str, Any] = {}
    for pattern in (_FRONT_MATTER, _FENCED_YAML):
        if m := pattern.match(text):
            meta = normalise_meta(read_yaml(path, m.group(1), "the metadata header"))
            text = text[m.end() :]
            break
    if not text.strip():
        raise CorpusFileError(path, "no text after the metadata header")
    return Extracted(text=text, meta=meta)


_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside",
              "form", "svg", "iframe", "button", "head")  # fmt: skip
_BLOCK_TAGS = ("p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3",
               "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "dd", "dt", "figcaption",
               "br", "hr")  # fmt: skip


def _html(path: Path, text: str) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    meta = _html_meta(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_BLOCK_TAGS):
        if tag.name == "li":
            tag.insert_before("\n• ")
        else:
            tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    body = _tidy(root.get_text(""))
    if not body:
        raise CorpusFileError(path, "no readable text in the HTML page")
    return Extracted(text=body, meta=meta)


def _html_meta(soup: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content"):
            found.setdefault(key, tag["content"].strip())
    raw: dict[str, Any] = {
        "og.title": found.get("og:title"),
        "og.site_name": found.get("og:site_name"),
        "publisher": found.get("dc.publisher") or found.get("publisher"),
        "author": found.get("author") or found.get("dc.creator"),
        "published": found.get("article:published_time")
        or found.get("datepublished")
        or found.get("dc.date")
        or found.get("dcterms.date")
        or found.get("date"),
        "og.url": found.get("og:url"),
    }
    if soup.title and soup.title.string:
        raw["html.title"] = soup.title.string.strip()
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        raw["canonical"] = canonical["href"]
    if not raw.get("published") and (time := soup.find("time", datetime=True)):
        raw["published"] = time["datetime"]
    return normalise_meta({k: v for k, v in raw.items() if v})


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    joined = re.sub(r"\n•\s*\n+", "\n• ", joined)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


def _pdf(path: Path, data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusFileError(path, "encrypted PDF (needs a password)")
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
        info: dict[str, Any] = dict(reader.metadata or {})
    except CorpusFileError:
        raise
    except PdfReadError as e:
        raise CorpusFileError(path, f"not a readable PDF ({e})") from None
    except Exception as e:  # a damaged file can trip any part of the parser: still one file
        raise CorpusFileError(path, f"not a readable PDF ({type(e).__name__}: {e})") from None
    if not any(texts):
        raise CorpusFileError(
            path, "PDF has no extractable text (a scanned document? run OCR on it first)"
        )
    parts: list[str] = []
    pages: list[PageSpan] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(page_text)
        pages.append(PageSpan(page=number, start=offset, end=offset + len(page_text)))
        offset += len(page_text)
    raw = {
        "title": info.get("/Title"),
        "author": info.get("/Author"),
        "published": _pdf_date(info.get("/CreationDate")),
    }
    return Extracted(text="".join(parts), meta=normalise_meta(raw), pages=tuple(pages))


def _pdf_date(value: object) -> str | None:
    # PDF dates look like "D:20210324125600+00'00'"
    if isinstance(value, str) and (m := re.match(r"D:(\d{4})(\d{2})(\d{2})", value)):
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None
