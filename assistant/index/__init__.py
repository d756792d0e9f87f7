"""Stage 2, index: documents and chunks become an index on disk, built incrementally and
switched atomically, and opened for searching. What answering needs of the documents is
worked out here once, not per question.

- `build`: bring the index up to date with the corpus (`IndexBuilder`).
- `generation`: the manifest (the commit point) and a generation's files.
- `store`: the index opened for searching (`IndexReader`), its Chroma collection.
- `embed`, `bert`: the bundled embedding model and its forward pass.
- `chunk_vectors`: every chunk's vector, for exact search of small or filtered sets.
- `lexical`: BM25 over the chunks (`bm25s`).
- `sentence_vectors`: the vectors of every sentence an answer may quote.
- `postings`, `word_tables`: which chunks use each word, and the corpus's other tables.
- `vocabulary`: a vector per corpus word, for questions' words the corpus lacks.
"""

from assistant.index.build import IndexBuilder
from assistant.index.embed import MiniLMEmbedding, VectorCache, load_embedder
from assistant.index.generation import Manifest, read_manifest
from assistant.index.lexical import LexicalIndex
from assistant.index.store import IndexReader, embed_text

__all__ = [
    "IndexBuilder",
    "IndexReader",
    "LexicalIndex",
    "Manifest",
    "MiniLMEmbedding",
    "VectorCache",
    "embed_text",
    "load_embedder",
    "read_manifest",
]
