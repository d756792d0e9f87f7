"""What every answerer offers (`Answerer`): from a question, what it was searched for, its
intent, the retrieved passages and the question's vector, an `Answer` whose statements
cite those passages. The extractive answerer and the optional language-model answerer
both do; the pipeline holds one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.retrieve.question import Intent
from assistant.types import Answer, Filters, Passage


class SimilarityModel(Protocol):
    def similarities(self, question: str, texts: Sequence[str]) -> list[float]: ...


class Answerer(Protocol):
    name: str

    def answer(
        self,
        question: str,
        searched_for: str,
        intent: Intent,
        passages: Sequence[Passage],
        question_vector: Sequence[float],
        filters: Filters | None = None,
    ) -> Answer: ...
