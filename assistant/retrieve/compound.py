"""Questions that ask two things at once ("How many cases were rated inadequate in 2017,
and what did the 2022 review say about custody records?"): each part is answered on its
own, from its own passages, and the answers are joined. Asked whole, the question's
sentences compete for one answer and the second ask is lost; a part the documents do not
answer is said so, not dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieve.followups import carry_years, names_nothing
from assistant.types import Answer, Citation, Statement

_WH = r"(?:how|what|who|whom|whose|when|which|where|why)"
# "..., and what did ...", "... and who was ...": a second question joined to the first (not
# a clause: "between what inspectors found and what the force said").
_CLAUSE_SUBJECT = r"(?:the|a|an|its|their|this|that|these|those|it|they|he|she|we|you|i)"
_SECOND_ASK = re.compile(rf",?\s+and\s+(?={_WH}\b(?!\s+{_CLAUSE_SUBJECT}\b))", re.I)
# A part that asks something: it has a question word ("Cheshire was rated what ...") or
# opens with a verb that asks ("Did the force ...").
_ASKS = re.compile(
    rf"\b{_WH}\b|^(?:is|are|was|were|did|do|does|has|have|had|can|could|will|would)\b", re.I
)
_MIN_WORDS = 3  # each part a question in itself, not "what and how"
_MARKER = re.compile(r"\[(\d+)\]")


def parts(question: str) -> list[str]:
    """The questions `question` joins ("A, and what B?" -> ["A?", "What B?"]), or just
    `question` when it asks one thing."""
    pieces = [p.strip() for p in _SECOND_ASK.split(question)]
    if len(pieces) < 2 or not all(len(p.split()) >= _MIN_WORDS and _ASKS.search(p) for p in pieces):
        return [question]
    end = "?" if question.rstrip().endswith("?") else ""
    asks = [p[0].upper() + p[1:].rstrip(" ,;?") + end for p in pieces]
    # A short part naming nothing ("and how many were inadequate?") is of the year the
    # part before it names, as a follow-up question is.
    return [
        carry_years(ask, asks[i - 1]) if i and names_nothing(ask) else ask
        for i, ask in enumerate(asks)
    ]


def joined(question: str, searched_for: str, answers: Sequence[Answer]) -> Answer:
    """One answer to a question asked in parts: the parts' answers in order, citations
    numbered through; the parts the documents do not answer named in the notice. When no
    part is answered, the first part's abstention stands for the whole."""
    answered = [a for a in answers if not a.abstained]
    if not answered:
        return answers[0].model_copy(update={"question": question, "searched_for": searched_for})
    texts: list[str] = []
    statements: list[Statement] = []
    citations: list[Citation] = []
    for answer in answered:
        offset = len(citations)
        texts.append(_renumbered(answer.answer, offset))
        statements += [
            st.model_copy(update={"citations": tuple(n + offset for n in st.citations)})
            for st in answer.statements
        ]
        citations += [c.model_copy(update={"n": c.n + offset}) for c in answer.citations]
    unanswered = [a.searched_for for a in answers if a.abstained]
    notices = [a.notice for a in answered if a.notice]
    if unanswered:
        asked = "; ".join(f"“{q}”" for q in unanswered)
        notices.insert(0, f"The documents do not answer this part of the question: {asked}")
    return Answer(
        question=question,
        searched_for=searched_for,
        answer="\n".join(texts),
        abstained=False,
        citations=tuple(citations),
        statements=tuple(statements),
        notice=" ".join(notices) or None,
        answerer=answered[0].answerer,
        confidence=min(a.confidence for a in answered),
    )


def _renumbered(text: str, offset: int) -> str:
    """The text with each citation marker [n] moved on by `offset`."""
    return _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", text)
