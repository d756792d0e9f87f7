"""The optional LLM answerer, against a local fake OpenAI-compatible server: cited replies
become checked answers, unsupported sentences are removed, failures fall back."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from llama_index.llms.ollama import Ollama
from llama_index.llms.openai_like import OpenAILike

from assistant.answer.citations import normalise
from assistant.answer.grounding import heading, parse_reply, supports
from assistant.answer.llm import LLMAnswerer, make_llm
from assistant.errors import ConfigError
from assistant.index.embed import MODEL_ID
from assistant.ingest.chunking import chunk_document
from assistant.ingest.corpus import load_corpus
from assistant.pipeline import Pipeline
from assistant.retrieve.question import analyse
from assistant.settings import LLMSettings, Settings
from assistant.text.sentences import sentence_spans
from assistant.text.terms import content_stems
from assistant.types import Answer, Chunk, Document, DocumentMeta, Passage
from tests.fake_openai import FakeOpenAI, Messages, Reply

ROOT = Path(__file__).resolve().parents[2]

# --- two small documents of different years, for the fast tests --------------------------

REPORT_2019 = (
    "Northants Police slow on child protection progress\n\n"
    "The 2019 report viewed 21 child protection case files and rated all of them as either "
    '"requires improvement" or "inadequate". The inspection flagged substantial delays and '
    "backlogs in investigations. Twenty-one officers were interviewed by the inspectors."
)
REPORT_2021 = (
    "Northamptonshire Police is improving child protection\n\n"
    "Inspectors found that the force now responds well when children go missing. "
    "The force still had a backlog of 1,200 digital devices awaiting examination."
)


def _doc(doc_id: str, title: str, published: str, text: str) -> Document:
    meta = DocumentMeta(doc_id=doc_id, title=title, publisher="HMICFRS", published=published)
    return Document(meta=meta, text=text, sha256="0" * 64)


DOCS = {
    "r2019": _doc("r2019", "Child protection inspection 2019", "2019-07-24", REPORT_2019),
    "r2021": _doc("r2021", "Child protection progress 2021", "2021-03-24", REPORT_2021),
}


def _passage(doc: Document) -> Passage:
    chunk = Chunk(
        chunk_id=f"{doc.doc_id}:0",
        doc_id=doc.doc_id,
        index=0,
        text=doc.text,
        start=0,
        end=len(doc.text),
        tokens=0,
    )
    return Passage(chunk=chunk, meta=doc.meta, score=1.0)


PASSAGES = [_passage(DOCS["r2019"]), _passage(DOCS["r2021"])]


class StubExtractive:
    """Stands in for the extractive answerer: a fixed answer, or an abstention."""

    def __init__(self, abstain: bool = False) -> None:
        self.reader = SimpleNamespace(documents=DOCS)
        self.abstain = abstain

    def answer(self, question: str, searched_for: str, *_: Any, **__: Any) -> Answer:
        text = "The documents do not answer this question." if self.abstain else "EXTRACTIVE"
        return Answer(
            question=question, searched_for=searched_for, answer=text, abstained=self.abstain
        )


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default="") as fake:
        yield fake


@pytest.fixture(autouse=True)
def fresh_server(server: FakeOpenAI) -> None:
    server.reset()


def stub_answerer(base_url: str, timeout: float = 10.0, abstain: bool = False) -> LLMAnswerer:
    # A generous limit: the first call also imports the client, slow on a loaded machine;
    # the timeout test sets its own.
    settings = LLMSettings(provider="openai", model="fake", base_url=base_url, timeout=timeout)
    return LLMAnswerer(StubExtractive(abstain), make_llm(settings), timeout)  # type: ignore[arg-type]


def ask(answerer: LLMAnswerer, question: str = "What did inspectors find?") -> Answer:
    return answerer.answer(question, question, analyse(question), PASSAGES, [0.0])


def assert_quotes_verbatim(answer: Answer, documents: dict[str, Document]) -> None:
    for c in answer.citations:
        assert documents[c.doc_id].text[c.start : c.end] == c.quote
        assert normalise(c.quote) in normalise(c.passage)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


# --- unit: the answerer against the fake server ------------------------------------------


@pytest.mark.unit
def test_cited_reply_becomes_an_answer_citing_verbatim_quotes(server: FakeOpenAI) -> None:
    server.script(
        "In 2019 inspectors viewed 21 child protection case files and rated all of them as "
        "requires improvement or inadequate [1]. In 2021 the force had a backlog of 1,200 "
        "digital devices awaiting examination [2]."
    )
    answer = ask(stub_answerer(server.base_url))

    assert answer.answerer == "llm" and not answer.abstained and answer.notice is None
    assert [st.citations for st in answer.statements] == [(1,), (2,)]
    assert "21 child protection case files" in answer.answer and "[1]" in answer.answer
    assert_quotes_verbatim(answer, DOCS)
    # Each citation quotes the sentence that backs its claim, not the whole passage.
    assert "21 child protection case files" in answer.citations[0].quote
    assert "1,200 digital devices" in answer.citations[1].quote
    assert "Twenty-one officers" not in answer.citations[0].quote


@pytest.mark.unit
def test_prompt_holds_the_rules_and_the_numbered_dated_passages(server: FakeOpenAI) -> None:
    server.script("The 2019 report viewed 21 child protection case files [1].")
    ask(stub_answerer(server.base_url), "How many case files were viewed?")

    system, user = server.messages()
    assert system["role"] == "system" and "[1][3]" in system["content"]
    assert user["role"] == "user" and "How many case files were viewed?" in user["content"]
    assert "[1] Child protection inspection 2019 (HMICFRS, 24 July 2019)" in user["content"]
    assert "[2] Child protection progress 2021 (HMICFRS, 24 March 2021)" in user["content"]
    assert "1,200 digital devices" in user["content"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "bad",
    [
        "The 2019 report viewed 450 child protection case files [1].",  # made-up number
        "The 2019 report viewed 21 child protection case files in 2017 [1].",  # wrong year
        "The force bought three helicopters for its air support unit [1].",  # not in passage
        "The 2019 report viewed 21 child protection case files [3].",  # no passage 3
        "The force bought three helicopters for its air support unit.",  # uncited, unsupported
        "Backlogs of digital devices were found [1].",  # cites the 2019 passage for 2021's
    ],
)
def test_unsupported_sentence_is_removed_and_supported_one_stays(
    server: FakeOpenAI, bad: str
) -> None:
    good = "Inspectors found that the force now responds well when children go missing [2]."
    server.script(f"{bad} {good}")
    answer = ask(stub_answerer(server.base_url))

    assert answer.answerer == "llm"
    assert [st.text for st in answer.statements] == [good.replace(" [2]", "")]
    assert answer.statements[0].citations == (1,)  # renumbered from [2]
    assert answer.citations[0].doc_id == "r2021"
    assert answer.notice and "left out" in answer.notice
    assert bad.split(" [")[0].rstrip(".") not in answer.answer


@pytest.mark.unit
def test_a_reply_without_markers_is_attributed_to_the_passages_that_back_it(
    server: FakeOpenAI,
) -> None:
    # Small models rarely write the markers; a right answer is kept, each sentence cited
    # to the passage that backs it, and a sentence no passage backs is still left out.
    server.script(
        "In 2021 the force had a backlog of 1,200 digital devices awaiting examination. "
        "The 2019 report viewed 21 child protection case files. "
        "The force bought 3 helicopters."
    )
    answer = ask(stub_answerer(server.base_url))

    assert answer.answerer == "llm" and not answer.abstained
    assert [
        c.doc_id for st in answer.statements for c in answer.citations if c.n in st.citations
    ] == ["r2021", "r2019"]
    assert "1,200 digital devices" in answer.citations[0].quote
    assert "21 child protection case files" in answer.citations[1].quote
    assert "helicopters" not in answer.answer and answer.notice and "left out" in answer.notice
    assert_quotes_verbatim(answer, DOCS)


@pytest.mark.unit
def test_findings_of_different_years_are_labelled_with_their_year(server: FakeOpenAI) -> None:
    server.script(
        "Inspectors flagged substantial delays and backlogs in investigations [1]. "
        "Inspectors found the force now responds well when children go missing [2]."
    )
    answer = ask(stub_answerer(server.base_url))

    assert [st.label for st in answer.statements] == ["2019", "2021"]
    assert answer.answer.startswith("From 2019: ") and "\nFrom 2021: " in answer.answer


@pytest.mark.unit
def test_server_timing_out_gives_the_extractive_answer_with_a_notice(server: FakeOpenAI) -> None:
    server.script(Reply("Too late [1].", delay=3.0))
    started = time.perf_counter()
    answer = ask(stub_answerer(server.base_url, timeout=1.0))

    assert time.perf_counter() - started < 2.0  # the user is not kept waiting past the limit
    assert answer.answerer == "extractive" and answer.answer == "EXTRACTIVE"
    assert answer.notice == (
        "The language model was not available (timed out after 1 s); this is the extractive answer."
    )


@pytest.mark.unit
def test_http_error_gives_the_extractive_answer_with_a_notice(server: FakeOpenAI) -> None:
    server.script(Reply(status=500))
    answer = ask(stub_answerer(server.base_url))

    assert answer.answerer == "extractive" and answer.answer == "EXTRACTIVE"
    assert answer.notice and "HTTP error 500" in answer.notice
    assert len(server.requests) == 1  # no retries: the user waits for one attempt only


@pytest.mark.unit
def test_unreachable_server_gives_the_extractive_answer_with_a_notice() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago refuses connections
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    answer = ask(stub_answerer(f"http://127.0.0.1:{port}/v1"))

    assert answer.answerer == "extractive"
    assert answer.notice and "could not be reached" in answer.notice


@pytest.mark.unit
@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("", "its reply was empty"),
        ("I cannot answer this from these passages.", "its reply cited no passage"),
        ("The force bought helicopters. It flew them.", "its reply cited no passage"),
        ("The force bought three helicopters [1].", "no sentence of its reply was supported"),
    ],
)
def test_reply_with_no_usable_cited_sentence_falls_back(
    server: FakeOpenAI, reply: str, reason: str
) -> None:
    server.script(reply)
    answer = ask(stub_answerer(server.base_url))

    assert answer.answerer == "extractive" and answer.answer == "EXTRACTIVE"
    assert answer.notice and reason in answer.notice and "extractive answer" in answer.notice


@pytest.mark.unit
def test_abstention_is_returned_without_asking_the_model(server: FakeOpenAI) -> None:
    answer = ask(stub_answerer(server.base_url, abstain=True))

    assert answer.abstained and answer.answerer == "extractive"
    assert server.requests == []


# --- unit: parsing and the support rule --------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            "A was found [1]. B was found [2][3].",
            [("A was found.", (1,)), ("B was found.", (2, 3))],
        ),
        (
            "A was found. [1] B was found. [1, 3]",
            [("A was found.", (1,)), ("B was found.", (1, 3))],
        ),
        ("A rose to 3.5% [2]", [("A rose to 3.5%", (2,))]),
        ("Dr. Smith, e.g. the lead, said so [1].", [("Dr. Smith, e.g. the lead, said so.", (1,))]),
        ("- A was found [1].\n- B too.", [("A was found.", (1,)), ("B too.", ())]),
        ("<think>passage 4?</think>**A** was found [1].", [("A was found.", (1,))]),
        ("A [1] and B [2] were found.", [("A and B were found.", (1, 2))]),
    ],
)
def test_parse_reply(reply: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert parse_reply(reply) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sentence", "supported"),
    [
        ("The 2019 report viewed 21 child protection case files.", True),
        ("21 officers were interviewed by the inspectors.", True),  # "Twenty-one" in the text
        ("The report was published on 24 July 2019.", True),  # the date is in the heading
        ("The report viewed 22 child protection case files.", False),
        ("All case files were rated inadequate in 2018.", False),
        ("Officers praised the new helicopter maintenance regime.", False),
        ("Yes.", False),  # nothing to check, so nothing to trust
    ],
)
def test_support_rule(sentence: str, supported: bool) -> None:
    assert supports(sentence, PASSAGES[0]) is supported


@pytest.mark.unit
def test_support_rule_accepts_own_passage_and_rarely_another_on_the_real_corpus() -> None:
    """Reference for MIN_WORD_SHARE: every corpus sentence is supported by its own chunk;
    few are 'supported' by a chunk they are not in (the corpus is all on one topic, so
    some overlap is expected: about 6% of pairs when the threshold was chosen)."""
    docs = load_corpus(ROOT / "corpus").documents
    chunks = [(d, c) for d in docs for c in chunk_document(d, 160, 32, d.doc_id)]
    titles = [normalise(d.meta.title) for d in docs]
    own, other = [], []
    for d in docs:
        for s, e in sentence_spans(d.text):
            text = normalise(d.text[s:e])
            if len(content_stems(text)) < 4 or any(text in t or t in text for t in titles):
                continue
            for d2, c in chunks:
                passage = Passage(chunk=c, meta=d2.meta, score=0.0)
                if d2 is d and c.start <= s and e <= c.end:
                    own.append(supports(text, passage))
                elif not (d2 is d and c.start < e and s < c.end) and text not in c.text:
                    other.append(supports(text, passage))
    assert own and all(own)
    assert sum(other) / len(other) < 0.10


@pytest.mark.unit
def test_make_llm_openai_compatible() -> None:
    llm = make_llm(
        LLMSettings(provider="openai", model="qwen", base_url="http://h:8000/v1", timeout=7)
    )
    assert isinstance(llm, OpenAILike)
    assert (llm.model, llm.api_base, llm.api_key) == ("qwen", "http://h:8000/v1", "not-needed")
    assert (llm.timeout, llm.max_retries, llm.is_chat_model) == (7, 0, True)


@pytest.mark.unit
def test_make_llm_ollama() -> None:
    llm = make_llm(LLMSettings(provider="ollama", model="llama3.2", timeout=9))
    assert isinstance(llm, Ollama)
    assert (llm.model, llm.base_url, llm.request_timeout) == (
        "llama3.2",
        "http://localhost:11434",
        9,
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("settings", "names"),
    [
        (LLMSettings(provider="ollama"), "ASSISTANT_LLM_MODEL"),
        (LLMSettings(provider="openai", model="m"), "ASSISTANT_LLM_BASE_URL"),
    ],
)
def test_make_llm_names_the_missing_setting(settings: LLMSettings, names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        make_llm(settings)


@pytest.mark.unit
def test_heading_names_source_and_date() -> None:
    assert heading(PASSAGES[1]) == "Child protection progress 2021 (HMICFRS, 24 March 2021)"


# --- integration: the real pipeline, model and index, with the fake server --------------


@pytest.fixture(scope="module")
def llm_pipeline(seed_index: Settings, real_embedder: Any, server: FakeOpenAI) -> Pipeline:
    llm = LLMSettings(provider="openai", model="fake", base_url=server.base_url, timeout=2)
    return Pipeline(seed_index.replace(llm=llm), embed_model=real_embedder, model_id=MODEL_ID)


def passage_number(messages: Messages, phrase: str) -> int:
    """The number the prompt gave the passage containing `phrase`."""
    user = messages[-1]["content"]
    for block in re.split(r"\n\n(?=\[\d+\] )", user):
        if phrase in block and (m := re.match(r"\[(\d+)\] ", block)):
            return int(m.group(1))
    raise AssertionError(f"no passage with {phrase!r} in the prompt")


CASE_FILES_Q = "How many child protection case files did inspectors look at in 2019?"


@pytest.mark.integration
def test_pipeline_answers_through_the_llm_and_drops_a_made_up_number(
    llm_pipeline: Pipeline, server: FakeOpenAI
) -> None:
    def reply(messages: Messages) -> str:
        n = passage_number(messages, "21 child protection case files")
        return (
            f"In 2019 HMICFRS viewed 21 child protection case files [{n}]. "
            f"It rated all of them as requires improvement or inadequate [{n}]. "
            f"HMICFRS also viewed 340 case files about missing children [{n}]."
        )

    server.script(reply)
    answer = llm_pipeline.ask(CASE_FILES_Q)

    assert answer.answerer == "llm" and not answer.abstained
    assert "21 child protection case files. [1]" in answer.answer
    assert "340" not in answer.answer
    assert answer.notice and "left out" in answer.notice
    assert len(answer.statements) == 2
    assert_quotes_verbatim(answer, llm_pipeline.reader.documents)
    first = answer.citations[0]
    assert "21 child protection case files" in first.quote
    assert first.published == "2019-07-24" and first.title and first.publisher and first.url


@pytest.mark.integration
def test_pipeline_times_out_to_the_extractive_answer(
    llm_pipeline: Pipeline, real_pipeline: Pipeline, server: FakeOpenAI
) -> None:
    server.script(Reply("Too late [1].", delay=4.0))
    answer = llm_pipeline.ask(CASE_FILES_Q)

    assert answer.answerer == "extractive"
    assert answer.answer == real_pipeline.ask(CASE_FILES_Q).answer
    assert answer.notice and answer.notice.startswith(
        "The language model was not available (timed out after 2 s)"
    )


@pytest.mark.integration
def test_pipeline_off_topic_question_abstains_without_asking_the_llm(
    llm_pipeline: Pipeline, server: FakeOpenAI
) -> None:
    answer = llm_pipeline.ask("How many goals did Leicester score in the cup final?")

    assert answer.abstained and answer.suggestions
    assert server.requests == []
