"""Index build throughput with the real model: a full build of a corpus (chunks per second)
beside the raw embedding throughput of the same chunk texts, and a no-change rebuild."""

from __future__ import annotations

import time
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.index.build import IndexBuilder
from assistant.index.embed import MODEL_ID
from assistant.index.sentence_vectors import Compute, corpus_texts
from assistant.index.store import embed_text
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.types import Chunk
from benchmarks.common import folder_mb


def measure(settings: Settings, embed_model: BaseEmbedding) -> tuple[Pipeline, dict[str, Any]]:
    """Build `settings.corpus` into `settings.index` from scratch, then rebuild unchanged."""
    pipeline = Pipeline(settings, embed_model=embed_model)
    _ = pipeline.reader_model  # loaded before the clock starts, like the embedder
    started = time.perf_counter()
    report = pipeline.build()
    full = time.perf_counter() - started
    started = time.perf_counter()
    again = pipeline.build()
    noop = time.perf_counter() - started

    reader = pipeline.reader
    texts = [embed_text(c, reader.documents[c.doc_id]) for c in reader.chunks.values()]
    raw = _embedding_s(embed_model.get_text_embedding_batch, texts, settings.embed_batch)
    raw_all = raw + _other_texts_s(pipeline)

    chunks = report.chunks
    build_rate = chunks / full
    raw_rate = chunks / raw
    return pipeline, {
        "documents": report.documents,
        "chunks": chunks,
        "sentence_texts_embedded": report.embedded_sentences,
        "full_build_s": round(full, 2),
        "build_chunks_per_s": round(build_rate, 2),
        "raw_embed_chunks_per_s": round(raw_rate, 2),
        "build_vs_raw": round(build_rate / raw_rate, 3),
        "texts_per_s_in_build": round((chunks + report.embedded_sentences) / full, 1),
        # The build embeds more than the chunks: every sentence and its window (for the
        # answerer), each word of the vocabulary; this compares it with embedding all of
        # those same texts with the same models, in batches as large as the build's.
        "raw_embed_same_texts_s": round(raw_all, 2),
        "build_vs_raw_same_texts": round(raw_all / full, 3),
        "no_change_rebuild_s": round(noop, 3),
        "no_change_embedded": again.embedded_chunks + again.embedded_sentences,
        "index_mb": folder_mb(settings.index),
    }


def _embedding_s(compute: Compute, texts: list[str], batch: int) -> float:
    """Seconds to embed the texts, `batch` at a time, shortest first (the least padding:
    raw embedding at its best)."""
    texts = sorted(texts, key=len)
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        compute(texts[i : i + batch])
    return time.perf_counter() - started


def _other_texts_s(pipeline: Pipeline) -> float:
    """Seconds to embed what a build embeds besides the chunks: the sentences (and, for
    the embedder, their windows) for each model, and the vocabulary's words."""
    reader = pipeline.reader
    chunks: dict[str, list[Chunk]] = {d: [] for d in reader.documents}
    for c in reader.chunks.values():
        chunks[c.doc_id].append(c)
    seconds = 0.0
    builder = IndexBuilder(
        pipeline.settings, pipeline.embed_model, MODEL_ID, pipeline.sentence_encoders()
    )
    for enc in builder.encoders:
        texts = corpus_texts(reader.documents, chunks, enc.windows)
        seconds += _embedding_s(enc.compute, texts, 256)
    words = reader.vocabulary.terms
    return seconds + _embedding_s(pipeline.embed_model.get_text_embedding_batch, words, 256)
