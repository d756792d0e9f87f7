"""Stage 4, answer: passages become an answer whose every statement cites its passage,
or an abstention. Answerers share one interface (`base.Answerer`).

- `extractive`: the default answerer, quoting the best sentences verbatim.
- `evidence`: each candidate sentence scored for how well it answers.
- `answer_types`, `quantities`: does a sentence give the kind of answer asked for.
- `reader_model`: the bundled model adapted to put a question next to its answer.
- `confidence`, `abstain`: how sure the answerer is, and the doubts that lower it.
- `citations`: citations built from document spans and checked before an answer leaves.
- `llm`, `grounding`: the optional language-model answerer, and its sentences checked
  against the passages.
"""

from assistant.answer.base import Answerer
from assistant.answer.citations import checked, make_citation
from assistant.answer.confidence import AnswerConfig
from assistant.answer.evidence import ScoringConfig
from assistant.answer.extractive import ExtractiveAnswerer, render
from assistant.answer.reader_model import ReaderModel, load_reader

__all__ = [
    "AnswerConfig",
    "Answerer",
    "ExtractiveAnswerer",
    "ReaderModel",
    "ScoringConfig",
    "checked",
    "load_reader",
    "make_citation",
    "render",
]
