"""Split document text into sentences and pack them into token-sized, overlapping chunks.

Every span is an offset pair into the document text: the text is never rewritten, so
`text[chunk.start:chunk.end] == chunk.text` and a quote can point at its exact place.
Tokens are counted with tiktoken's cl100k_base, loaded from the copy llama-index ships.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import tiktoken

from assistant.text.terms import LIST_NUMBER
from assistant.types import Chunk, Document

Span = tuple[int, int]
ENCODING = "cl100k_base"

_HARD_BREAK = re.compile(r"\n[ \t]*\n\s*")  # a blank line always ends a sentence
_BULLET = re.compile(rf"(?:[-*•‣▪–]|{LIST_NUMBER}|\(?[a-z]\))[ \t]+")
_INLINE_BULLET = re.compile(r";[ \t]+-[ \t]+(?=[A-Z])")  # "...suspected; - Insufficient staff"
_WORD = re.compile(r"\S+")
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
def encoding() -> tiktoken.Encoding:
    """cl100k_base from llama-index-core's bundled cache: tiktoken must not download it."""
    import llama_index.core

    cache_dir = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    try:
        return tiktoken.get_encoding(ENCODING)
    finally:
        if previous is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


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


def _units(text: str, max_tokens: int) -> list[Span]:
    """Sentences, with any sentence longer than a chunk cut at word boundaries."""
    units: list[Span] = []
    for s, e in sentence_spans(text):
        if count_tokens(text[s:e]) <= max_tokens:
            units.append((s, e))
            continue
        piece_start = s
        last_end = s
        for word in _WORD.finditer(text, s, e):
            if last_end > piece_start and count_tokens(text[piece_start : word.end()]) > max_tokens:
                units.append((piece_start, last_end))
                piece_start = word.start()
            last_end = word.end()
        units.append((piece_start, last_end))
    return units


def chunk_spans(text: str, max_tokens: int, overlap: int) -> list[Span]:
    """Greedy sentence packing: each chunk holds whole sentences up to `max_tokens`; the
    next starts with as many of its last sentences as fit in `overlap` tokens."""
    units = _units(text, max_tokens)
    spans: list[Span] = []
    i = 0
    while i < len(units):
        j = i
        while (
            j + 1 < len(units) and count_tokens(text[units[i][0] : units[j + 1][1]]) <= max_tokens
        ):
            j += 1
        spans.append((units[i][0], units[j][1]))
        if j + 1 >= len(units):
            break
        k = j + 1
        while k - 1 > i and count_tokens(text[units[k - 1][0] : units[j][1]]) <= overlap:
            k -= 1
        i = k
    return spans


def chunk_document(doc: Document, max_tokens: int, overlap: int, id_prefix: str) -> list[Chunk]:
    """The document's chunks, ids `<id_prefix>:<n>`, each carrying its offsets and page."""
    return [
        Chunk(
            chunk_id=f"{id_prefix}:{n}",
            doc_id=doc.doc_id,
            index=n,
            text=doc.text[s:e],
            start=s,
            end=e,
            page=doc.page_at(s),
            tokens=count_tokens(doc.text[s:e]),
        )
        for n, (s, e) in enumerate(chunk_spans(doc.text, max_tokens, overlap))
    ]


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
