"""Pack a document's sentences (`text.sentences`) into token-sized, overlapping chunks.

Every span is an offset pair into the document text: the text is never rewritten, so
`text[chunk.start:chunk.end] == chunk.text` and a quote can point at its exact place.
Tokens are counted with tiktoken's cl100k_base, loaded from the copy llama-index ships.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path

import tiktoken

from assistant.text.sentences import Span, sentence_spans, splitter_id
from assistant.types import Chunk, Document

ENCODING = "cl100k_base"

_WORD = re.compile(r"\S+")


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
def chunker_id() -> str:
    """What decides chunk spans: this module's code and what decides sentence spans."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(splitter_id().encode())
    return digest.hexdigest()[:16]
