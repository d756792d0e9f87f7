"""Reading text, for every stage: not a stage itself but the language the others share.
The index reads each document with it once; retrieval and answering read questions and
passages with it.

- `terms`: words, stems and content words (accents folded).
- `dates`: dates as documents write them, the years a text names.
- `sentences`: sentence spans, with bullets and numbered lists read as print.
- `proper_names`: people, named bodies, acronyms and what they stand for.
- `attribution`: who a quoted sentence is from.
- `spelling`: a name a question writes differently from the documents, put right.
- `candidates`: the sentences of passages an answer can quote.
"""

from assistant.text.attribution import Attribution, Quotations
from assistant.text.candidates import Candidate, candidates
from assistant.text.dates import doc_years, years_in
from assistant.text.proper_names import Initials, person_names
from assistant.text.sentences import sentence_spans
from assistant.text.spelling import NameSpeller
from assistant.text.terms import content_stems, stem, words

__all__ = [
    "Attribution",
    "Candidate",
    "Initials",
    "NameSpeller",
    "Quotations",
    "candidates",
    "content_stems",
    "doc_years",
    "person_names",
    "sentence_spans",
    "stem",
    "words",
    "years_in",
]
