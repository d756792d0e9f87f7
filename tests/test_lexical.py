"""The BM25 index: search, restriction to a set of chunks, and a save/load round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.lexical import LexicalIndex

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
    within = index.search("missing children case files", 4, allowed={"b", "c", "unknown"})
    assert {cid for cid, _ in within} == {"b"}
    assert within[0][1] == pytest.approx(everywhere["b"])
    assert index.search("missing children", 4, allowed={"unknown"}) == []
