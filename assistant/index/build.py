"""The build stage: bring the index up to date with the corpus. Only documents whose
bytes, metadata, chunking or model changed are chunked and embedded again; the new
manifest is written last (see `generation`), so a failed build changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

from assistant.errors import CorpusError, IndexWriteError
from assistant.index.chunk_vectors import save_chunk_vectors
from assistant.index.generation import (
    MANIFEST,
    DocEntry,
    Manifest,
    atomic_write,
    load_documents,
    read_manifest,
    write_jsonl,
    write_problem,
)
from assistant.index.lexical import LexicalIndex
from assistant.index.sentence_vectors import Encoder, build_sentence_vectors
from assistant.index.store import EMBED_TEXT_VERSION, chroma_collection, embed_text
from assistant.index.vocabulary import Vocabulary
from assistant.index.word_tables import save_tables
from assistant.ingest.chunking import chunk_document, chunker_id
from assistant.ingest.corpus import CorpusLoad
from assistant.settings import Settings
from assistant.text.sentences import remember_sentences, save_sentences
from assistant.types import BuildReport, Chunk, Document

Progress = Callable[[int, int], None]  # (done, total) chunks embedded


class IndexBuilder:
    """Brings the index up to date with a loaded corpus, re-embedding only what changed."""

    def __init__(
        self,
        settings: Settings,
        embed_model: BaseEmbedding | Callable[[], BaseEmbedding],
        model_id: str,
        sentence_encoders: Sequence[Encoder] = (),
    ) -> None:
        """`embed_model`: the model, or what loads it when the build first embeds (a build
        that finds nothing changed loads no model). `sentence_encoders`: models whose
        sentence vectors are stored besides the embedding model's own (the reader model)."""
        self.settings = settings
        self._embed_model = embed_model
        self.model_id = model_id
        self.config = {"tokens": settings.chunk_tokens, "overlap": settings.chunk_overlap}
        base = Encoder("base", model_id, self._embed_texts, windows=True)
        self.encoders = [base, *sentence_encoders]

    @cached_property
    def embed_model(self) -> BaseEmbedding:
        model = self._embed_model
        return model if isinstance(model, BaseEmbedding) else model()

    def _embed_texts(self, texts: list[str]) -> list[list[float]]:
        return self.embed_model.get_text_embedding_batch(texts)

    def build(self, corpus: CorpusLoad, progress: Progress | None = None) -> BuildReport:
        started = time.perf_counter()
        index_dir = self.settings.index
        old = read_manifest(index_dir) or Manifest()
        docs = {d.doc_id: d for d in corpus.documents}
        docs.update(self._kept_on_failure(old, corpus))
        if not docs:
            raise CorpusError(
                f"nothing to index in {self.settings.corpus}: no readable documents"
                + (f" ({len(corpus.skipped)} files could not be read)" if corpus.skipped else "")
            )
        if self._up_to_date(old, docs):
            return BuildReport(
                documents=len(docs),
                chunks=sum(len(e.chunk_ids) for e in old.documents.values()),
                unchanged=tuple(sorted(docs)),
                skipped=tuple(corpus.skipped),
                seconds=round(time.perf_counter() - started, 3),
                index_path=str(index_dir),
            )
        # Sentence spans of documents indexed before are not worked out again.
        remember_sentences(index_dir / f"gen-{old.generation}", docs)
        chunks = {doc_id: self._chunk(doc) for doc_id, doc in docs.items()}
        try:
            new, embedded, sentences = self._store(old, docs, chunks, progress)
        except Exception as e:  # chromadb reports a full or read-only disk as its own errors
            if problem := write_problem(index_dir, e):
                raise IndexWriteError(index_dir, problem) from None
            raise

        old_ids, new_ids = set(old.documents), set(new.documents)
        changed = {d for d in old_ids & new_ids if not self._same(old, d, chunks[d])}
        return BuildReport(
            documents=len(new.documents),
            chunks=sum(len(cs) for cs in chunks.values()),
            added=tuple(sorted(new_ids - old_ids)),
            updated=tuple(sorted(changed)),
            removed=tuple(sorted(old_ids - new_ids)),
            unchanged=tuple(sorted((old_ids & new_ids) - changed)),
            embedded_chunks=embedded,
            embedded_sentences=sentences,
            skipped=tuple(corpus.skipped),
            seconds=round(time.perf_counter() - started, 3),
            index_path=str(index_dir),
        )

    def _store(
        self,
        old: Manifest,
        docs: dict[str, Document],
        chunks: dict[str, list[Chunk]],
        progress: Progress | None,
    ) -> tuple[Manifest, int, int]:
        """Embed what is missing, write the new generation, commit it, collect garbage.
        Returns the manifest, and how many chunks and sentences were embedded."""
        collection = chroma_collection(self.settings)
        every = [c for doc_id in sorted(chunks) for c in chunks[doc_id]]
        embedded = self._embed_missing(collection, every, docs, progress)
        new = Manifest(
            generation=old.generation + 1,
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            model=self.model_id,
            chunking=self.config,
            collection=self.settings.collection,
            builder=self.fingerprint,
            documents={
                doc_id: DocEntry(
                    sha256=doc.sha256,
                    source=doc.meta.source,
                    chunk_ids=[c.chunk_id for c in chunks[doc_id]],
                )
                for doc_id, doc in sorted(docs.items())
            },
        )
        sentences = self._write_generation(new.generation, docs, chunks, old.generation)
        index = self.settings.index
        chunk_ids = [c.chunk_id for c in every]
        save_chunk_vectors(index / f"gen-{new.generation}", chunk_ids, collection,
                           index / f"gen-{old.generation}")  # fmt: skip
        atomic_write(self.settings.index / MANIFEST, new.model_dump_json(indent=1))
        self._collect_garbage(collection, new)
        return new, embedded, sentences

    @cached_property
    def fingerprint(self) -> str:
        """What built an index besides the corpus: this package's code and the models'
        ids. A change to either rewrites the generation (reusing every vector it can)."""
        digest = hashlib.sha256(json.dumps([e.model_id for e in self.encoders]).encode())
        for path in sorted(Path(__file__).parents[1].rglob("*.py")):
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def _up_to_date(self, old: Manifest, docs: dict[str, Document]) -> bool:
        """True when the committed index was built by this code from exactly these
        documents, and its vectors are all in the store: nothing to do, not even a new
        generation."""
        if not (self.settings.index / f"gen-{old.generation}").is_dir() or (
            old.builder,
            old.model,
            old.chunking,
            old.collection,
            set(old.documents),
        ) != (self.fingerprint, self.model_id, self.config, self.settings.collection, set(docs)):
            return False
        for doc_id, doc in docs.items():
            entry = old.documents[doc_id]
            if (entry.sha256, entry.source) != (doc.sha256, doc.meta.source) or not all(
                cid.startswith(self._prefix(doc) + ":") for cid in entry.chunk_ids[:1]
            ):
                return False
        live = sorted(old.all_chunk_ids())
        collection = chroma_collection(self.settings)
        return all(
            len(collection.get(ids=live[i : i + 5000], include=[])["ids"])
            == len(live[i : i + 5000])
            for i in range(0, len(live), 5000)
        )

    def _kept_on_failure(self, old: Manifest, corpus: CorpusLoad) -> dict[str, Document]:
        """Documents indexed before whose file is now unreadable keep their last good version."""
        if not old.documents:
            return {}
        broken = {Path(s.path).stem for s in corpus.skipped if not s.excluded}
        keep = broken & set(old.documents) - {d.doc_id for d in corpus.documents}
        if not keep:
            return {}
        previous = load_documents(self.settings.index, old.generation)
        return {doc_id: previous[doc_id] for doc_id in keep if doc_id in previous}

    def _prefix(self, doc: Document) -> str:
        """The start of a document's chunk ids: it changes with its bytes, the chunking
        and the code that cuts it, the model and what is embedded, so unchanged chunks keep
        their ids (and vectors), and a chunk cut differently is never given the vector of
        the text its id had before."""
        key = json.dumps(
            [doc.sha256, self.config, chunker_id(), self.model_id, EMBED_TEXT_VERSION],
            sort_keys=True,
        )
        return f"{doc.doc_id}:{hashlib.sha256(key.encode()).hexdigest()[:12]}"

    def _chunk(self, doc: Document) -> list[Chunk]:
        prefix = self._prefix(doc)
        return chunk_document(doc, self.settings.chunk_tokens, self.settings.chunk_overlap, prefix)

    @staticmethod
    def _same(old: Manifest, doc_id: str, chunks: list[Chunk]) -> bool:
        entry = old.documents.get(doc_id)
        return entry is not None and entry.chunk_ids == [c.chunk_id for c in chunks]

    def _embed_missing(
        self,
        collection: Any,
        chunks: list[Chunk],
        docs: dict[str, Document],
        progress: Progress | None,
    ) -> int:
        present: set[str] = set()
        for start in range(0, len(chunks), 5000):
            ids = [c.chunk_id for c in chunks[start : start + 5000]]
            present.update(collection.get(ids=ids, include=[])["ids"])
        todo = [c for c in chunks if c.chunk_id not in present]
        if not todo:
            return 0
        from llama_index.vector_stores.chroma import ChromaVectorStore

        store = ChromaVectorStore(chroma_collection=collection)
        size = self.settings.embed_batch
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            texts = [embed_text(c, docs[c.doc_id]) for c in batch]
            vectors = self.embed_model.get_text_embedding_batch(texts)
            store.add([_node(c, docs[c.doc_id], v) for c, v in zip(batch, vectors, strict=True)])
            if progress:
                progress(min(start + size, len(todo)), len(todo))
        return len(todo)

    def _write_generation(
        self,
        generation: int,
        docs: dict[str, Document],
        chunks: dict[str, list[Chunk]],
        previous: int,
    ) -> int:
        folder = self.settings.index / f"gen-{generation}"
        if folder.exists():  # left by a build that failed before its commit
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        ordered = [c for doc_id in sorted(chunks) for c in chunks[doc_id]]
        write_jsonl(folder / "documents.jsonl", (docs[d].model_dump() for d in sorted(docs)))
        write_jsonl(folder / "chunks.jsonl", (c.model_dump() for c in ordered))
        texts = [embed_text(c, docs[c.doc_id]) for c in ordered]
        LexicalIndex.build([c.chunk_id for c in ordered], texts).save(folder / "bm25")
        Vocabulary.build(texts, self.embed_model, self._vocabulary(previous)).save(folder)
        old = self.settings.index / f"gen-{previous}"
        save_sentences(folder, docs)
        save_tables(folder, ordered, docs, old)
        return build_sentence_vectors(folder, self.encoders, docs, chunks, old)

    def _vocabulary(self, generation: int) -> Vocabulary | None:
        """A generation's vocabulary, whose word vectors a new build can reuse."""
        folder = self.settings.index / f"gen-{generation}"
        return Vocabulary.load(folder) if (folder / "vocabulary.json").is_file() else None

    def _collect_garbage(self, collection: Any, manifest: Manifest) -> None:
        """After the commit: drop vectors and folders no manifest points at any more."""
        live = manifest.all_chunk_ids()
        stale = [cid for cid in collection.get(include=[])["ids"] if cid not in live]
        for start in range(0, len(stale), 5000):
            collection.delete(ids=stale[start : start + 5000])
        for folder in self.settings.index.glob("gen-*"):
            if folder.name != f"gen-{manifest.generation}":
                shutil.rmtree(folder, ignore_errors=True)


def _node(chunk: Chunk, doc: Document, vector: list[float]) -> TextNode:
    # The SOURCE relationship is what llama-index stores as `doc_id` / `ref_doc_id`.
    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        embedding=vector,
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.doc_id)},
        metadata={
            "kind": doc.meta.kind or "",
            "year": doc.meta.year or 0,
            "start": chunk.start,
            "end": chunk.end,
        },
    )
