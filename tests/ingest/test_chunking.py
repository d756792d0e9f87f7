"""Chunking: sentence-aligned token chunks whose offsets slice the document exactly."""

from __future__ import annotations

import itertools

import pytest
import tiktoken

from assistant.ingest.chunking import (
    chunk_document,
    chunk_spans,
    count_tokens,
)
from assistant.ingest.corpus import load_corpus
from assistant.text.sentences import sentence_spans
from assistant.types import Document, DocumentMeta
from tests.conftest import CORPUS
from tests.test_layout import imported_closure

pytestmark = pytest.mark.unit

SEEDS = load_corpus(CORPUS).documents


def doc(text: str) -> Document:
    return Document(meta=DocumentMeta(doc_id="d", title="t"), text=text, sha256="x")


def test_token_counts_match_tiktoken_itself(monkeypatch):
    # Reference: tiktoken's own cl100k_base, from the cache llama-index-core ships.
    import llama_index.core

    cache = f"{llama_index.core.__path__[0]}/_static/tiktoken_cache"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", cache)
    reference = tiktoken.get_encoding("cl100k_base")
    for d in SEEDS:
        for chunk in chunk_document(d, 120, 24, d.doc_id):
            assert chunk.tokens == len(reference.encode(chunk.text))
            assert chunk.tokens <= 120


@pytest.mark.parametrize("d", SEEDS, ids=lambda d: d.doc_id)
@pytest.mark.parametrize("size,overlap", [(64, 8), (160, 32), (400, 60)])
def test_chunk_offsets_slice_the_source_text_back_exactly(d, size, overlap):
    chunks = chunk_document(d, size, overlap, d.doc_id)
    assert chunks
    for c in chunks:
        assert d.text[c.start : c.end] == c.text
        assert c.tokens <= size
    # Together the chunks cover every sentence of the document.
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    for s, e in sentence_spans(d.text):
        assert s in covered and e - 1 in covered


def test_chunks_overlap_by_whole_sentences():
    text = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(40))
    spans = chunk_spans(text, 40, 12)
    assert len(spans) > 3
    for (_s1, e1), (s2, _) in itertools.pairwise(spans):
        assert s2 < e1, "consecutive chunks share their boundary sentence"
        assert text[s2 : s2 + 8] == "Sentence", "chunks start at a sentence"
        assert count_tokens(text[s2:e1]) <= 12


def test_chunks_end_at_sentence_boundaries():
    d = SEEDS[3]
    ends = {e for _, e in sentence_spans(d.text)}
    for c in chunk_document(d, 100, 20, "x"):
        assert c.end in ends


def test_a_sentence_longer_than_a_chunk_is_cut_at_word_boundaries():
    words = [f"word{i}" for i in range(300)]
    text = " ".join(words) + "."
    chunks = chunk_document(doc(text), 50, 0, "x")
    assert len(chunks) > 3
    for c in chunks:
        assert c.tokens <= 50
        assert text[c.start : c.end] == c.text
        assert not c.text.startswith(" ") and (c.end == len(text) or text[c.end] == " ")


def test_chunk_ids_change_with_every_module_that_cuts_documents():
    """A chunk's id changes with the code that cuts it (`chunker_id`: chunking's own and
    `splitter_id`, the sentence splitter's), so a build after an upgrade embeds each chunk
    cut differently. Those two must be all the package code cutting runs (`types`' data
    definitions aside): a module added to it must be added to a stamp too."""
    cut_by = imported_closure("assistant.ingest.chunking") - {"assistant.types"}
    assert cut_by == {"assistant.ingest.chunking", "assistant.text.sentences"}
