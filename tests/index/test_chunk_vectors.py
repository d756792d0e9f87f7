"""Ranking a filter's chunks over the index's copy of their vectors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.chunk_vectors import ChunkVectors
from assistant.index.lexical import LexicalIndex

pytestmark = pytest.mark.unit


def test_the_nearest_allowed_chunks_come_best_first_and_equal_ones_in_index_order():
    """The same passage in a press release and the article quoting it has the same vector:
    which comes first must not change from one question to the next."""
    ids = [f"c{i}" for i in range(6)]
    lexical = LexicalIndex.build(ids, [f"text number {i}" for i in range(6)])
    vectors = np.array(
        [[1, 0], [0, 1], [0.6, 0.8], [0, 1], [0, 1], [-1, 0]], dtype=np.float32
    )  # c1, c3 and c4 are the same
    store = ChunkVectors(vectors, lexical)
    allowed = frozenset(["c0", "c2", "c3", "c4", "c5", "c1"])
    assert [c for c, _ in store.nearest([0.0, 2.0], 2, allowed)] == ["c1", "c3"]
    assert [c for c, _ in store.nearest([0.0, 2.0], 9, allowed)] == [
        "c1", "c3", "c4", "c2", "c0", "c5",
    ]  # fmt: skip
    assert store.nearest([0.0, 1.0], 3, frozenset(["c4", "c3"]))[0] == ("c3", pytest.approx(1.0))
    assert store.nearest([0.0, 1.0], 3, frozenset(["nowhere"])) == []
