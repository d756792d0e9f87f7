"""Split text into sentences: NLTK's Punkt sentence tokenizer (from the copy llama-index
ships), with what it misreads in print put right (bullets and numbered lists, line breaks
that are not wraps, a question mark inside a sentence). Spans are offsets into the text;
an index stores every document's and an opened index answers from them, so answering
never loads the tokenizer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from assistant.types import Document

Span = tuple[int, int]
LIST_NUMBER = r"\d{1,2}[.)]"  # how a numbered list's item opens: "2.", "4)"


_BULLET = re.compile(rf"(?:[-*•‣▪–]|{LIST_NUMBER}|\(?[a-z]\))[ \t]+")


_INLINE_BULLET = re.compile(r";[ \t]+-[ \t]+(?=[A-Z])")  # "...suspected; - Insufficient staff"


_MARKER = re.compile(LIST_NUMBER)  # a numbered list's "1." on its own


_ASKS = re.compile(r"[?!][\"”’']?$")


SENTENCES_FILE = "sentences.json"  # each document's rows of SPANS_FILE


SPANS_FILE = "sentences.npy"  # every document's sentence spans, one (start, end) a row


# Sentence spans of whole texts, stored with the index and remembered when it is opened:
# answering then never loads the sentence tokenizer (~0.5 s of a cold start). They stay
# rows of an array until a text's are asked for: turning all of them into lists took
# ~0.8 s of opening a 76k-chunk index, for the few documents a question reads.
_known: dict[str, np.ndarray] = {}


@cache
def _punkt() -> Callable[[str], Iterator[Span]]:
    import llama_index.core
    import nltk
    from nltk.tokenize import PunktTokenizer

    nltk_cache = str(Path(llama_index.core.__file__).parent / "_static" / "nltk_cache")
    if nltk_cache not in nltk.data.path:
        nltk.data.path.append(nltk_cache)
    return PunktTokenizer("english").span_tokenize


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of `text[start:end]` as offsets into `text`, bullets and blanks trimmed."""
    whole = start == 0 and end is None
    if whole and (known := _known.get(text)) is not None:
        return [(s, e) for s, e in known.tolist()]
    end = len(text) if end is None else end
    spans: list[Span] = []
    for block_start, block_end in _blocks(text, start, end):
        block = text[block_start:block_end]
        for s, e in _rejoined(block, list(_punkt()(block))):
            spans.extend(_split_inline_bullets(text, block_start + s, block_start + e))
    found = [t for s, e in spans if (t := _trim(text, s, e))]
    if whole and _known:  # an index's documents are remembered: a build adds its new ones
        _known[text] = _rows(found)
    return list(found)


def _blocks(text: str, start: int, end: int) -> Iterator[Span]:
    """Runs of text between hard breaks: blank lines, and line breaks that are not wraps."""
    block_start = start
    for m in re.finditer(r"\n", text[start:end]):
        i = start + m.start()
        before = text[block_start:i].rstrip()
        after = text[i + 1 : end].lstrip(" \t")
        wrapped = (before[-1:].isalnum() or before[-1:] in ",-") and (
            after[:1].islower() or after[:1].isdigit()
        )
        blank_next = after.startswith("\n")
        if not wrapped or blank_next:
            yield block_start, i
            block_start = i + 1
    yield block_start, end


def _rejoined(block: str, spans: list[Span]) -> list[Span]:
    """Undo the tokenizer's two misreadings of print: a list's number ("1.") is not a
    sentence but the start of the item it numbers, and a question or exclamation mark
    before a lower-case word ('"Missing children: who cares?" is the report ...') is
    inside the sentence, since sentences open with a capital."""
    out: list[Span] = []
    for s, e in spans:
        before = block[slice(*out[-1])].strip() if out else ""
        if _MARKER.fullmatch(before) or (block[s : s + 1].islower() and _ASKS.search(before)):
            s = out.pop()[0]
        out.append((s, e))
    return out


def _split_inline_bullets(text: str, s: int, e: int) -> Iterator[Span]:
    for m in _INLINE_BULLET.finditer(text, s, e):
        yield s, m.start() + 1
        s = m.start() + 1
    yield s, e


def _trim(text: str, s: int, e: int) -> Span | None:
    while s < e and text[s].isspace():
        s += 1
    if m := _BULLET.match(text, s, e):
        s = m.end()
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if e > s else None


@cache
def splitter_id() -> str:
    """What decides sentence spans: this module's code and the sentence tokenizer's."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(version("nltk").encode())
    return digest.hexdigest()[:16]


def save_sentences(folder: Path, docs: Mapping[str, Document]) -> None:
    """Each document's sentence spans into an index generation (a build remembers the
    previous generation's first, so only new documents are split)."""
    ids = sorted(docs)
    spans = [sentence_spans(docs[d].text) for d in ids]
    rows: dict[str, list[Any]] = {}
    first = 0
    for doc_id, found in zip(ids, spans, strict=True):
        rows[doc_id] = [docs[doc_id].sha256, first, first + len(found)]
        first += len(found)
    np.save(folder / SPANS_FILE, _rows([span for found in spans for span in found]))
    data = {"splitter": splitter_id(), "documents": rows}
    (folder / SENTENCES_FILE).write_text(json.dumps(data), encoding="utf-8")


def remember_sentences(folder: Path, docs: Mapping[str, Document]) -> None:
    """Take the documents' sentence spans from an index generation from now on (those of
    an index opened before are forgotten)."""
    rows, spans = _read_sentences(folder)
    _known.clear()
    _known[""] = _rows([])  # remembering, even if nothing was stored
    for doc_id, (sha256, start, end) in rows.items():
        doc = docs.get(doc_id)
        if doc is not None and doc.sha256 == sha256:
            _known[doc.text] = spans[start:end]


def _rows(spans: list[Span]) -> np.ndarray:
    return np.array(spans, dtype=np.int64).reshape(-1, 2)


def _read_sentences(folder: Path) -> tuple[dict[str, Any], np.ndarray]:
    """Each document's [sha256, first row, end row] of the stored spans, by document id,
    and the spans; none if missing or split by other code."""
    path = folder / SENTENCES_FILE
    if not path.is_file():
        return {}, _rows([])
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("splitter") != splitter_id():
        return {}, _rows([])
    return dict(data["documents"]), np.load(folder / SPANS_FILE)
