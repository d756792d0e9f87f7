"""Index build throughput with the real model: a full build of a corpus (chunks per second)
beside the raw embedding throughput of the same chunk texts, and a no-change rebuild."""

from __future__ import annotations

import time
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.store import embed_text
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
    started = time.perf_counter()
    for i in range(0, len(texts), settings.embed_batch):
        embed_model.get_text_embedding_batch(texts[i : i + settings.embed_batch])
    raw = time.perf_counter() - started

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
        "no_change_rebuild_s": round(noop, 3),
        "no_change_embedded": again.embedded_chunks + again.embedded_sentences,
        "index_mb": folder_mb(settings.index),
    }
