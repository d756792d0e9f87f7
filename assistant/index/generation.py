"""The index's files: numbered generation folders (`gen-N/`, the documents, the chunks and
what was worked out from them) tied together by `manifest.json`. The manifest is the
commit point: a build writes everything new first and swaps the manifest last, so a build
that fails part-way leaves the previous index whole. And why writing failed, when the
disk is the cause.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.errors import IndexMissingError
from assistant.types import Chunk, Document

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
    builder: str = ""  # the code and models that built it (`IndexBuilder.fingerprint`)
    documents: dict[str, DocEntry] = {}

    def all_chunk_ids(self) -> set[str]:
        return {cid for entry in self.documents.values() for cid in entry.chunk_ids}


def read_manifest(index_dir: Path) -> Manifest | None:
    path = index_dir / MANIFEST
    if not path.is_file():
        return None
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))


def load_documents(index_dir: Path, generation: int) -> dict[str, Document]:
    path = index_dir / f"gen-{generation}" / "documents.jsonl"
    return {d.doc_id: d for d in (Document.model_validate_json(line) for line in _lines(path))}


def load_chunks(index_dir: Path, generation: int) -> list[Chunk]:
    path = index_dir / f"gen-{generation}" / "chunks.jsonl"
    return [Chunk.model_validate_json(line) for line in _lines(path)]


def manifest_stamp(index_dir: Path) -> tuple[int, int, int] | None:
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


_LOW_SPACE = 32 * 2**20


def write_problem(index_dir: Path, error: Exception) -> str | None:
    """Why writing the index failed, if the cause is the disk (full, read-only, denied)
    rather than a bug; None otherwise."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES,
                                                      errno.EPERM, errno.EDQUOT):  # fmt: skip
        return error.strerror or str(error)
    try:
        fs = os.statvfs(index_dir)
    except OSError:
        return None
    if fs.f_flag & os.ST_RDONLY:
        return "read-only file system"
    free = fs.f_bavail * fs.f_frsize
    if free < _LOW_SPACE:
        return f"disk full: {free // 1024:,} kB free"
    return None
