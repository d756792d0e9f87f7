"""Stage 1, ingest: files in the corpus folder become `Document`s (text plus metadata) and
then `Chunk`s.

- `formats`: a text, Markdown, HTML or PDF file's bytes into body text and metadata.
- `corpus`: find the corpus's documents and load each with its metadata.
- `subjects`: the force (or other body) a document reports on.
- `chunking`: a document's sentences packed into token-sized, overlapping chunks.
"""

from assistant.ingest.chunking import chunk_document, count_tokens
from assistant.ingest.corpus import CorpusLoad, load_corpus, load_document
from assistant.ingest.formats import extract
from assistant.ingest.subjects import SubjectIndex, infer_subject

__all__ = [
    "CorpusLoad",
    "SubjectIndex",
    "chunk_document",
    "count_tokens",
    "extract",
    "infer_subject",
    "load_corpus",
    "load_document",
]
