"""The benchmark's synthetic corpus: the size asked for is the size indexed."""

from pathlib import Path

from assistant.ingest.corpus import load_corpus
from benchmarks.synthetic import corpus_folder


def test_a_synthetic_corpus_has_as_many_distinct_documents_as_asked(tmp_path: Path) -> None:
    # One seed has no figures to vary: past ~270 retellings of it (38 forces x 7 years)
    # they repeated, and the index kept one copy of each, so "100k chunks" was 76k.
    corpus = load_corpus(corpus_folder(tmp_path, 1_500))
    assert len(corpus.documents) == 1_500
    assert corpus.skipped == []
