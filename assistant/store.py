"""The index: chunk vectors in a Chroma collection, plus the chunk records, document
texts and a BM25 lexical index in a numbered generation folder, all tied together by
`manifest.json`. The manifest is the commit point: a build writes everything new
first and swaps the manifest last, so a build that fails part-way leaves the previous
index whole. Chunk ids are content-addressed, so unchanged documents are never
re-embedded and vectors from an interrupted build are reused by the next one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel

from assistant.errors import BackendError, IndexMissingError
from assistant.lexical import LexicalIndex
from assistant.sentence_vectors import load_sentence_vectors
from assistant.settings import Settings
from assistant.types import Chunk, Document, DocumentMeta, Filters
from assistant.vocabulary import Vocabulary

FORMAT = 1
MANIFEST = "manifest.json"


class DocEntry(BaseModel):
    sha256: str
    source: str
    chunk_ids: list[str]


class Manifest(BaseModel):
    format: int = FORMAT
    generation: int = 0
    built_at: str = ""
    model: str = ""
    chunking: dict[str, int] = {}
    collection: str = ""
    documents: dict[str, DocEntry] = {}

    def all_chunk_ids(self) -> set[str]:
        return {cid for entry in self.documents.values() for cid in entry.chunk_ids}


# Goes into every chunk id, so that changing what `embed_text` gives re-embeds every chunk.
EMBED_TEXT_VERSION = 2


def embed_text(chunk: Chunk, doc: Document) -> str:
    """What is embedded and BM25-indexed for a chunk: a short header naming its document
    as people refer to it ("the Heart story", "the force's statement"), then its text."""
    meta = doc.meta
    about = ", ".join(x for x in (meta.publisher, meta.kind, meta.published or "undated") if x)
    return f"{meta.title} ({about})\n{chunk.text}"


def read_manifest(index_dir: Path) -> Manifest | None:
    path = index_dir / MANIFEST
    if not path.is_file():
        return None
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))


def chroma_collection(settings: Settings) -> Any:
    """The Chroma collection: embedded under the index folder, or on a Chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        else:
            path = settings.index / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return client.get_or_create_collection(
            settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
    except (ValueError, ConnectionError, OSError) as e:
        where = settings.chroma_url or str(settings.index / "chroma")
        raise BackendError(f"cannot open the Chroma store at {where}: {e}") from None


def load_documents(index_dir: Path, generation: int) -> dict[str, Document]:
    path = index_dir / f"gen-{generation}" / "documents.jsonl"
    return {d.doc_id: d for d in (Document.model_validate_json(line) for line in _lines(path))}


def load_chunks(index_dir: Path, generation: int) -> list[Chunk]:
    path = index_dir / f"gen-{generation}" / "chunks.jsonl"
    return [Chunk.model_validate_json(line) for line in _lines(path)]


def _manifest_stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """Identifies one version of the manifest file: a commit replaces it (new inode)."""
    try:
        st = (index_dir / MANIFEST).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def open_manifest(index_dir: Path) -> Manifest:
    manifest = read_manifest(index_dir)
    if manifest is None or not (index_dir / f"gen-{manifest.generation}").is_dir():
        raise IndexMissingError(index_dir)
    return manifest


def _lines(path: Path) -> Iterable[str]:
    with path.open(encoding="utf-8") as f:
        yield from (line for line in f if line.strip())


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class IndexReader:
    """A built index opened for searching: one generation, as its manifest names it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stamp = _manifest_stamp(settings.index)  # before reading: a later swap shows
        self.manifest = open_manifest(settings.index)
        generation = self.manifest.generation
        self.documents = load_documents(settings.index, generation)
        self.chunks = {c.chunk_id: c for c in load_chunks(settings.index, generation)}
        self.lexical = LexicalIndex.load(settings.index / f"gen-{generation}" / "bm25")
        self.vocabulary = Vocabulary.load(settings.index / f"gen-{generation}")
        # Each model's vectors of the documents' sentences, by model name ("base", "reader").
        self.sentence_vectors = load_sentence_vectors(settings.index / f"gen-{generation}")
        self.collection = chroma_collection(settings)

    def is_stale(self) -> bool:
        """True once a newer build has been committed: reopen to see it. Asked before every
        question, so the manifest is only re-read when the file itself has changed."""
        stamp = _manifest_stamp(self.settings.index)
        if stamp == self._stamp:
            return False
        current = read_manifest(self.settings.index)
        if current is None or current.generation == self.manifest.generation:
            self._stamp = stamp
            return False
        return True

    def meta(self, chunk: Chunk) -> DocumentMeta:
        return self.documents[chunk.doc_id].meta

    def allowed_ids(self, filters: Filters) -> set[str] | None:
        if not filters.active:
            return None
        return {cid for cid, c in self.chunks.items() if filters.allows(self.meta(c))}

    def dense(
        self, vector: list[float], k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The `k` nearest live chunks as (chunk id, cosine similarity)."""
        if allowed is not None and not allowed:
            return []
        # Vectors of a build that has not committed yet may be in the collection: over-fetch,
        # then keep the chunks this generation knows.
        n = min(max(k * 2, k + 10), self.collection.count())
        where = (
            {"doc_id": {"$in": sorted({self.chunks[c].doc_id for c in allowed})}}
            if allowed
            else None
        )
        try:
            found = self.collection.query(
                query_embeddings=[vector], n_results=n, where=where, include=["distances"]
            )
        except Exception as e:  # chromadb raises bare Exceptions for server faults
            raise BackendError(f"Chroma query failed: {e}") from None
        hits = []
        for cid, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            if cid in self.chunks and (allowed is None or cid in allowed):
                hits.append((cid, 1.0 - float(distance)))
        return hits[:k]

    def vectors(self, chunk_ids: list[str]) -> dict[str, list[float]]:
        got = self.collection.get(ids=chunk_ids, include=["embeddings"])
        return {
            cid: list(map(float, v)) for cid, v in zip(got["ids"], got["embeddings"], strict=True)
        }
