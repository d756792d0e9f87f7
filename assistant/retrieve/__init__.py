"""Stage 3, retrieve: a question becomes the passages that may answer it.

- `question`, `question_kinds`: check a question and read what it asks (`Intent`).
- `followups`: a follow-up ("what about 2019?") rewritten with what it carries over.
- `compound`: a question that asks two things, split in two.
- `names`: the people and bodies a question names, and the chunks that mention them.
- `hybrid`: dense and BM25 search fused, filtered by document metadata.
"""

from assistant.retrieve.compound import parts
from assistant.retrieve.followups import Turn, rewrite
from assistant.retrieve.hybrid import HybridRetriever, RetrievalConfig
from assistant.retrieve.names import NameIndex
from assistant.retrieve.question import Intent, analyse, validate

__all__ = [
    "HybridRetriever",
    "Intent",
    "NameIndex",
    "RetrievalConfig",
    "Turn",
    "analyse",
    "parts",
    "rewrite",
    "validate",
]
