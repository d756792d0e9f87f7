"""The BM25 index: search, restriction to a set of chunks, and a save/load round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.index.lexical import LexicalIndex

pytestmark = pytest.mark.unit

TEXTS = {
    "a": "Inspectors reviewed 21 child protection case files in 2019.",
    "b": "Missing children were located faster after the new team started.",
    "c": "The backlog of seized devices awaiting examination had grown.",
    "d": "Case files on missing children showed delays in 2019.",
}


@pytest.fixture
def index(tmp_path: Path) -> LexicalIndex:
    LexicalIndex.build(list(TEXTS), list(TEXTS.values())).save(tmp_path / "bm25")
    return LexicalIndex.load(tmp_path / "bm25")


def test_the_best_match_comes_first(index: LexicalIndex) -> None:
    hits = index.search("backlog of seized devices", 3)
    assert hits[0][0] == "c"


def test_a_restricted_search_keeps_only_allowed_chunks_with_their_scores(index) -> None:
    everywhere = dict(index.search("missing children case files", 4))
    within = index.search(
        "missing children case files", 4, allowed=frozenset({"b", "c", "unknown"})
    )
    assert {cid for cid, _ in within} == {"b"}
    assert within[0][1] == pytest.approx(everywhere["b"])
    assert index.search("missing children", 4, allowed=frozenset({"unknown"})) == []


def test_a_restricted_search_over_many_chunks_ranks_the_allowed_best_first() -> None:
    """Among thousands of chunks (most without the words) a search restricted to some
    returns the best of those, as the unrestricted search scores them; equal scores in
    the index's order, so the same question always gets the same passages."""
    rng = np.random.default_rng(0)
    pool = [*TEXTS.values(), "The force published its annual report.", "Officers were trained."]
    texts = [str(pool[i]) for i in rng.integers(0, len(pool), 3000)]
    ids = [f"c{i:04d}" for i in range(len(texts))]
    index = LexicalIndex.build(ids, texts)
    query = "missing children case files 2019"
    allowed = frozenset(ids[::7])
    scores = dict(index.search(query, len(ids)))
    found = index.search(query, 20, allowed)
    assert len(found) == 20 and {cid for cid, _ in found} <= allowed
    assert all(scores[cid] == score for cid, score in found)
    best = sorted((c for c in allowed if c in scores), key=lambda c: (-scores[c], c))
    assert [cid for cid, _ in found] == best[:20]


def test_the_saved_index_holds_no_texts_and_loads_memory_mapped(tmp_path: Path) -> None:
    LexicalIndex.build(list(TEXTS), list(TEXTS.values())).save(tmp_path / "bm25")
    saved = b"".join(p.read_bytes() for p in (tmp_path / "bm25").iterdir())
    assert b"seized devices" not in saved and b"Inspectors reviewed" not in saved
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.bm25.corpus is None
    assert isinstance(loaded.bm25.scores["data"], np.memmap)
    assert loaded.search("backlog of seized devices", 1)[0][0] == "c"


def test_an_index_saved_by_llama_index_bm25_retriever_opens_with_the_same_results(
    tmp_path: Path,
) -> None:
    """Indexes built before bm25s was used directly still open, and rank as they did."""
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    nodes = [TextNode(id_=cid, text=text) for cid, text in TEXTS.items()]
    old = BM25Retriever(nodes=nodes, similarity_top_k=4)
    old.persist(str(tmp_path / "old"))
    reopened = LexicalIndex.load(tmp_path / "old")
    new = LexicalIndex.build(list(TEXTS), list(TEXTS.values()))
    for query in ("missing children case files", "backlog devices", "2019 inspectors", "zebra"):
        expected = [(n.node.node_id, n.score) for n in old.retrieve(query) if n.score > 0]
        assert reopened.search(query, 4) == new.search(query, 4)
        assert [cid for cid, _ in new.search(query, 4)] == [cid for cid, _ in expected]
        assert [s for _, s in new.search(query, 4)] == pytest.approx([s for _, s in expected])
