"""The optional generative answerer: a language model (OpenAI-compatible or Ollama, via
llama-index) writes the answer from the numbered passages; a sentence stays only if a passage
it cites supports it. Abstaining, and the fallback answer, are the extractive answerer's."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from llama_index.core.llms import LLM, ChatMessage, MessageRole

from assistant.answer.citations import best_supporting_span, checked, make_citation, normalise
from assistant.answer.extractive import ExtractiveAnswerer, render
from assistant.answer.grounding import MIN_WORD_SHARE, heading, parse_reply, support, supports
from assistant.errors import ConfigError
from assistant.retrieve.question import Intent
from assistant.settings import LLMSettings
from assistant.text.terms import content_stems
from assistant.types import Answer, Citation, Filters, Passage, Statement

log = logging.getLogger(__name__)

OPENAI_URL = "https://api.openai.com/v1"
OLLAMA_URL = "http://localhost:11434"

SYSTEM_PROMPT = """\
You answer questions about police inspection reports, using only the numbered passages \
in the user's message.
Rules:
- Answer in one to three short sentences, from what the passages say and nothing else.
- End every sentence with the numbers of the passages it rests on, in square brackets, \
like [2] or [1][3].
- Copy numbers, dates and names exactly as the passages give them.
- Each passage is headed with its source and date. If you use passages from different \
years, say which year each finding is from; never merge findings of different years.
- If the passages do not answer the question, reply exactly: \
I cannot answer this from these passages."""


def make_llm(settings: LLMSettings) -> LLM:
    """The llama-index LLM the settings describe. Nothing is contacted until it is asked."""
    if not settings.model:
        raise ConfigError(
            f"ASSISTANT_LLM={settings.provider} needs a model name: set ASSISTANT_LLM_MODEL"
        )
    if settings.provider == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=settings.model,
            base_url=settings.base_url or OLLAMA_URL,
            request_timeout=settings.timeout,
            temperature=0.0,
        )
    if settings.provider == "openai":
        from llama_index.llms.openai_like import OpenAILike

        if not settings.base_url and not settings.api_key:
            raise ConfigError(
                "ASSISTANT_LLM=openai needs ASSISTANT_LLM_BASE_URL (an OpenAI-compatible "
                "server) or ASSISTANT_LLM_API_KEY (for api.openai.com)"
            )
        return OpenAILike(
            model=settings.model,
            api_base=settings.base_url or OPENAI_URL,
            api_key=settings.api_key or "not-needed",
            is_chat_model=True,
            timeout=settings.timeout,
            max_retries=0,  # a retry would double the wait before the fallback answer
            temperature=0.0,
        )
    raise ConfigError(f"ASSISTANT_LLM must be 'openai' or 'ollama', not {settings.provider!r}")


class LLMAnswerer:
    """Writes the answer with a language model; falls back to the extractive answer, with a
    notice saying why, when the model fails, times out or gives no supported sentence."""

    name = "llm"

    def __init__(
        self,
        extractive: ExtractiveAnswerer,
        llm: LLM,
        timeout: float,
        min_word_share: float = MIN_WORD_SHARE,
    ) -> None:
        self.extractive = extractive
        self.llm = llm
        self.timeout = timeout
        self.min_word_share = min_word_share

    def answer(
        self,
        question: str,
        searched_for: str,
        intent: Intent,
        passages: Sequence[Passage],
        question_vector: Sequence[float],
        filters: Filters | None = None,
    ) -> Answer:
        base = self.extractive.answer(
            question, searched_for, intent, passages, question_vector, filters
        )
        if base.abstained:  # retrieval found no answer: the model is not asked to find one
            return base
        try:
            reply = self.ask(question, searched_for, passages)
        except Exception as exc:  # whatever broke, the user still gets the extractive answer
            reason = failure_reason(exc, self.timeout)
            log.warning("language model failed (%s): %r", reason, exc)
            return fallback(base, f"The language model was not available ({reason})")
        sentences = parse_reply(reply)
        statements, citations, left_out = self.compose(sentences, passages)
        documents = self.extractive.reader.documents
        composed = len(statements)
        statements, citations, _ = checked(statements, citations, documents, verbatim=False)
        left_out += composed - len(statements)
        if not statements:
            reason = unusable_reason(reply, sentences)
            log.warning("language model answer not used (%s): %r", reason, reply[:300])
            return fallback(base, f"The language model's answer was not used ({reason})")
        statements = dated(statements, citations)
        return Answer(
            question=question,
            searched_for=searched_for,
            answer=render(statements),
            abstained=False,
            citations=tuple(citations),
            statements=tuple(statements),
            notice=left_out_notice(left_out),
            answerer=self.name,
            confidence=base.confidence,
        )

    def ask(self, question: str, searched_for: str, passages: Sequence[Passage]) -> str:
        """The model's reply, within `timeout` seconds of wall-clock time whatever the client
        library's own timeouts do (they bound each read, not the whole call)."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm")
        future = pool.submit(self.llm.chat, prompt(question, searched_for, passages))
        try:
            response = future.result(timeout=self.timeout)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return response.message.content or ""

    def compose(
        self, sentences: list[tuple[str, tuple[int, ...]]], passages: Sequence[Passage]
    ) -> tuple[list[Statement], list[Citation], int]:
        """Statements for the sentences their cited passages support, each citation quoting
        the passage's sentence nearest the claim; also how many sentences were left out."""
        documents = self.extractive.reader.documents
        statements: list[Statement] = []
        citations: list[Citation] = []
        numbers: dict[tuple[str, int, int], int] = {}  # quoted span -> citation number
        left_out = 0
        for text, cited in sentences:
            if cited:
                in_range = all(1 <= n <= len(passages) for n in cited)
                backing = [
                    passages[n - 1]
                    for n in (cited if in_range else ())
                    if supports(text, passages[n - 1], self.min_word_share)
                ]
            else:  # small models often leave out the markers: find the passage that backs it
                backing = self.attribute(text, passages)
            if not backing:
                left_out += 1
                continue
            refs: list[int] = []
            for passage in backing:
                doc = documents[passage.chunk.doc_id]
                start, end = best_supporting_span(doc, passage.chunk, set(content_stems(text)))
                key = (doc.doc_id, start, end)
                if key not in numbers:
                    numbers[key] = len(citations) + 1
                    citations.append(make_citation(numbers[key], doc, start, end, passage.chunk))
                refs.append(numbers[key])
            statements.append(Statement(text=text, citations=tuple(dict.fromkeys(refs))))
        return statements, citations, left_out

    def attribute(self, sentence: str, passages: Sequence[Passage]) -> list[Passage]:
        """The passage that best backs a sentence written without markers, if one backs it
        as well as a cited passage must."""
        scored = [(support(sentence, p), -i) for i, p in enumerate(passages)]
        share, best = max(scored, default=(0.0, 0))
        return [passages[-best]] if share >= self.min_word_share else []


def prompt(question: str, searched_for: str, passages: Sequence[Passage]) -> list[ChatMessage]:
    """The chat messages: the rules, then the question and the numbered, dated passages."""
    blocks = [f"[{n}] {heading(p)}\n{p.chunk.text.strip()}" for n, p in enumerate(passages, 1)]
    asked = f"Question: {searched_for}"
    if normalise(question) != normalise(searched_for):  # a follow-up, made stand-alone
        asked += f"\n(The user's own words: {question})"
    user = f"{asked}\n\nPassages:\n\n" + "\n\n".join(blocks)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=SYSTEM_PROMPT),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def dated(statements: list[Statement], citations: list[Citation]) -> list[Statement]:
    """When the answer rests on sources of different years, label each statement with the
    years of its sources that it does not already name, so findings are never blended."""
    year = {c.n: (c.published or "")[:4] for c in citations}
    if len({year[n] for st in statements for n in st.citations if year[n]}) <= 1:
        return statements
    labelled = []
    for st in statements:
        unnamed = sorted({year[n] for n in st.citations if year[n] and year[n] not in st.text})
        labelled.append(st.model_copy(update={"label": " and ".join(unnamed) or None}))
    return labelled


def failure_reason(exc: BaseException, timeout: float) -> str:
    """Why the model gave no reply, in words for the user. Matched by name, so that the
    errors of the openai, httpx and ollama clients all read the same."""
    names = [cls.__name__ for cls in type(exc).__mro__]
    if isinstance(exc, TimeoutError) or any("Timeout" in n for n in names):
        return f"timed out after {timeout:g} s"
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return f"its server answered with HTTP error {status}"
    if isinstance(exc, ConnectionError) or any("Connect" in n for n in names):
        return "its server could not be reached"
    return f"it failed: {type(exc).__name__}"


def unusable_reason(reply: str, sentences: list[tuple[str, tuple[int, ...]]]) -> str:
    if not reply.strip():
        return "its reply was empty"
    if not any(cited for _, cited in sentences):
        return "its reply cited no passage, and no passage supports it"
    return "no sentence of its reply was supported by the passage it cited"


def left_out_notice(count: int) -> str | None:
    if count == 0:
        return None
    if count == 1:
        return "One sentence of the generated answer was left out: its sources do not support it."
    return (
        f"{count} sentences of the generated answer were left out: "
        "their sources do not support them."
    )


def fallback(extractive: Answer, why: str) -> Answer:
    """The extractive answer, with a notice saying why the model's answer is not shown."""
    notice = f"{why}; this is the extractive answer."
    if extractive.notice:
        notice += " " + extractive.notice
    return extractive.model_copy(update={"notice": notice})
