"""An index build in a process of its own, for the fault tests to kill or starve: the
`assistant index` command with the fake embedder (each batch slowed a little so that a
kill can land in any phase of the build) and a real Chroma store.

Usage: python -m tests.build_worker CORPUS INDEX [SECONDS_PER_BATCH]
       python -m tests.build_worker --check CORPUS INDEX   (open it afresh, as after a crash)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assistant import cli
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.fakes import FakeEmbedder


class SlowEmbedder(FakeEmbedder):
    delay: float = 0.0

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        time.sleep(self.delay)
        return super()._get_text_embeddings(texts)


def check(corpus: str, index: str) -> int:
    """Open the index in a fresh process, check it is whole and answers; print its
    document set as JSON ({doc id: sha256})."""
    settings = Settings(corpus=Path(corpus), index=Path(index))
    pipeline = Pipeline(settings, embed_model=FakeEmbedder(), model_id="fake")
    reader = pipeline.reader
    named = reader.manifest.all_chunk_ids()
    stored = set(reader.collection.get(ids=sorted(named), include=[])["ids"])
    answer = pipeline.ask("What does MADRA stand for?")
    print(
        json.dumps(
            {
                "documents": {d: doc.sha256 for d, doc in reader.documents.items()},
                "records_match": set(reader.chunks) == named,
                "vectors_missing": len(named - stored),
                "answered": bool(answer.citations or answer.suggestions),
            }
        )
    )
    return 0


def main(argv: list[str]) -> int:
    if argv[0] == "--check":
        return check(argv[1], argv[2])
    corpus, index = argv[0], argv[1]
    embedder = SlowEmbedder(delay=float(argv[2]) if len(argv) > 2 else 0.0)

    def pipeline(settings: Settings) -> Pipeline:
        return Pipeline(settings.replace(embed_batch=4), embed_model=embedder, model_id="fake")

    cli.Pipeline = pipeline  # type: ignore[assignment,misc]
    print("started", flush=True)
    return cli.main(["index", "--corpus", corpus, "--index", index])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
