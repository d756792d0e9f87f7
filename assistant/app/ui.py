"""The Gradio chat app: layout, event wiring, the `ask` API endpoint and a safe launch.
HTML comes from `render`, Markdown from `brief.markdown`, the pipeline from `service`.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api as gr_api

from assistant.app import render
from assistant.app.prep import check_tab, prompt_row, timeline_tab
from assistant.app.service import Service, filters_from
from assistant.brief.docx import briefing_docx
from assistant.brief.markdown import briefing_markdown, conversation_markdown, md_text
from assistant.errors import AssistantError
from assistant.pipeline import Pipeline
from assistant.retrieve.followups import Turn
from assistant.settings import Settings
from assistant.types import Answer

TITLE = "Inspection reports assistant"
EXAMPLES = (
    "How many case files did inspectors review in 2019?",
    "What does MADRA stand for?",
    "What did the inspectorate say about the backlog of devices?",
)
STREAM_STEPS = 12  # updates per streamed answer
STREAM_DELAY = 0.02  # seconds between them: visibly progressive, never slow
# Questions and briefings from every tab and the API go through one pipeline, one at a
# time (the service's lock; the model already uses every core). Two queue workers: one
# answering while the other streams out the answer it has, or waits its turn; more would
# only hold threads waiting on the lock. Beyond `settings.queue_size` waiting, a request
# is refused at once ("the queue is full") rather than left waiting minutes.
PIPELINE: dict[str, Any] = {"concurrency_limit": 2, "concurrency_id": "pipeline"}


@dataclass(frozen=True)
class Conversation:
    """One browser tab's conversation: the turns (for follow-ups) and the chat bubbles."""

    turns: tuple[Turn, ...] = ()
    messages: tuple[dict[str, str], ...] = ()

    @property
    def answers(self) -> list[Answer]:
        return [t.answer for t in self.turns]


@dataclass
class Widgets:
    status: gr.HTML
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    new: gr.Button
    download: gr.DownloadButton
    markdown: gr.Textbox
    docs: gr.Dropdown
    kinds: gr.CheckboxGroup
    year_from: gr.Dropdown
    year_to: gr.Dropdown
    subjects: gr.Dropdown
    sources: gr.HTML
    corpus: gr.HTML
    conversation: gr.State
    timer: gr.Timer
    topic: gr.Textbox
    write: gr.Button
    note: gr.Markdown
    save: gr.DownloadButton
    save_docx: gr.DownloadButton


def build_app(settings: Settings, pipeline: Pipeline | None = None) -> gr.Blocks:
    """The chat app over `pipeline` (a new one from `settings` when None). Starts opening,
    or building, the index in the background."""
    service = Service(pipeline or Pipeline(settings))
    service.start()
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
        w = _layout(service)
        _wire(w, service, demo)
        gr_api(_api(service), api_name="ask", **PIPELINE)
    demo.queue(max_size=settings.queue_size, default_concurrency_limit=1)
    return demo


def _layout(service: Service) -> Widgets:
    with gr.Row(equal_height=True):
        gr.HTML(
            f"<div class='app-header'><h1>{TITLE}</h1><p>Answers quote the inspection reports "
            "and press releases, with the passage, document, publisher and date.</p></div>"
        )
        status = gr.HTML(render.status_html("loading", "Opening the index…"), elem_id="status")
    with gr.Tabs():
        with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chat = _chat_column()
            with gr.Column(scale=2, min_width=340):
                gr.HTML("<div class='panel-title'>Sources</div>")
                sources = gr.HTML(render.sources_html([]), elem_id="sources-panel")
        with gr.Tab("Briefing", id="briefing"):
            briefing = _briefing_tab()
        filters = [chat[k] for k in ("docs", "kinds", "year_from", "year_to", "subjects")]
        with gr.Tab("Timeline", id="timeline"):
            timeline_tab(service, filters)
        with gr.Tab("Check", id="check"):
            check_tab(service, filters)
        with gr.Tab("About this corpus", id="corpus"):
            corpus = gr.HTML(render.corpus_html({}), elem_id="corpus")
    return Widgets(
        status=status, sources=sources, corpus=corpus, conversation=gr.State(Conversation()),
        timer=gr.Timer(1.0), **chat, **briefing,
    )  # fmt: skip


def _briefing_tab() -> dict[str, Any]:
    topic, write = prompt_row(
        "A note on a topic: what each document said and when, oldest first, every point "
        "quoted with its source. Uses the filters of the chat.",
        "A topic, e.g. missing children, sex offender management", "briefing-topic",
        "Write briefing", "write-briefing",
    )  # fmt: skip
    note = gr.Markdown(elem_id="briefing-note", sanitize_html=True)
    with gr.Row():
        save = gr.DownloadButton("Download briefing", size="sm", interactive=False)
        save_docx = gr.DownloadButton("Download as Word", size="sm", interactive=False)
    return {"topic": topic, "write": write, "note": note, "save": save, "save_docx": save_docx}


def _chat_column() -> dict[str, Any]:
    chatbot = gr.Chatbot(
        elem_id="chat", height="62vh", min_height=360, label="Conversation", show_label=False,
        render_markdown=False, sanitize_html=True, allow_tags=False, buttons=[],
        feedback_options=None, placeholder="<b>Ask about the inspection reports.</b><br>"
        "Every answer quotes its sources. Try one of these:",
        examples=[{"text": q, "display_text": q} for q in EXAMPLES],
    )  # fmt: skip
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            placeholder="Ask a question, e.g. What does MADRA stand for?", show_label=False,
            lines=1, max_lines=6, scale=5, elem_id="question", autofocus=True, container=False,
        )  # fmt: skip
        ask = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
    with gr.Row():
        new = gr.Button("New conversation", size="sm", elem_id="new-conversation")
        download = gr.DownloadButton("Download as Markdown", size="sm", interactive=False)
    with gr.Accordion("Filter the sources", open=False):
        docs = gr.Dropdown([], multiselect=True, label="Documents", value=[])
        kinds = gr.CheckboxGroup([], label="Kind of document")
        with gr.Row():
            year_from = gr.Dropdown([], label="Published from (year)", value=None)
            year_to = gr.Dropdown([], label="Published to (year)", value=None)
        subjects = gr.Dropdown([], multiselect=True, label="About (force or body)", value=[])
    with gr.Accordion("Conversation as Markdown (copy)", open=False):
        markdown = gr.Textbox(show_label=False, lines=8, max_lines=24, buttons=["copy"],
                              interactive=False, elem_id="markdown")  # fmt: skip
    return {
        "chatbot": chatbot, "question": question, "ask": ask, "new": new, "download": download,
        "markdown": markdown, "docs": docs, "kinds": kinds, "year_from": year_from,
        "year_to": year_to, "subjects": subjects,
    }  # fmt: skip


def _wire(w: Widgets, service: Service, demo: gr.Blocks) -> None:
    exports = Path(tempfile.mkdtemp(prefix="assistant-export-"))
    filters = [w.docs, w.kinds, w.year_from, w.year_to, w.subjects]
    inputs = [w.question, w.conversation, *filters]
    outputs = [w.chatbot, w.conversation, w.sources, w.markdown, w.download, w.question]

    def respond(question: str, conv: Conversation, *filters: Any) -> Iterator[tuple[Any, ...]]:
        for conv2, partial in answer_steps(service, question, conv, *filters):
            if partial:
                yield list(conv2.messages), conv2, gr.skip(), gr.skip(), gr.skip(), ""
            else:
                yield _final(conv2, exports)

    for event in (w.question.submit, w.ask.click):
        event(respond, inputs, outputs, api_visibility="private", **PIPELINE)
    w.chatbot.example_select(_example, None, w.question, api_visibility="private").then(
        respond, inputs, outputs, api_visibility="private", **PIPELINE
    )
    for reset in (w.new.click, w.chatbot.clear):  # the chat's own bin icon clears it all too
        reset(lambda: _final(Conversation(), exports), None, outputs, api_visibility="private")
    brief_inputs = [w.topic, *filters]
    for event in (w.topic.submit, w.write.click):
        event(
            lambda *args: write_briefing(service, exports, *args),
            brief_inputs, [w.note, w.save, w.save_docx], api_visibility="private", **PIPELINE,
        )  # fmt: skip
    panels = [w.status, w.timer, *filters, w.corpus]
    w.timer.tick(lambda: _refresh(service), None, panels, api_visibility="private")
    demo.load(lambda: _refresh(service), None, panels, api_visibility="private")


def write_briefing(
    service: Service, exports: Path, topic: str, *filters: Any
) -> tuple[Any, Any, Any]:
    """The briefing note as Markdown, and files to download it (Markdown, Word); a user
    error as a note."""
    try:
        briefing = service.brief(topic, filters_from(*filters))
    except AssistantError as e:
        return f"**Could not write the briefing:** {md_text(str(e))}", gr.skip(), gr.skip()
    markdown = briefing_markdown(briefing)
    folder = Path(tempfile.mkdtemp(dir=exports))
    (folder / "briefing.md").write_text(markdown, encoding="utf-8")
    (folder / "briefing.docx").write_bytes(briefing_docx(briefing))
    return (
        markdown,
        gr.DownloadButton(value=str(folder / "briefing.md"), interactive=True),
        gr.DownloadButton(value=str(folder / "briefing.docx"), interactive=True),
    )


def _example(evt: gr.SelectData) -> str:
    value = evt.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def answer_steps(
    service: Service, question: str, conv: Conversation, *filters: Any
) -> Iterator[tuple[Conversation, bool]]:
    """The conversation as an answer arrives: (state, still streaming?) after each step.
    User errors end up as a message in the chat, never as a traceback."""
    turn = len(conv.turns)
    asked = (*conv.messages, {"role": "user", "content": render.question_html(question)})
    conv = replace(conv, messages=(*asked, _bot(render.pending_html())))
    yield conv, True
    try:
        answer = service.ask(question, conv.turns, filters_from(*filters))
    except AssistantError as e:
        yield replace(conv, messages=(*asked, _bot(render.error_html(str(e))))), False
        return
    for text in stream_chunks(answer.answer):
        yield replace(conv, messages=(*asked, _bot(render.partial_html(text)))), True
        time.sleep(STREAM_DELAY)
    final = (*asked, _bot(render.answer_html(answer, turn)))
    turns = (*conv.turns, Turn(answer.question, answer.searched_for, answer))
    yield Conversation(turns=turns, messages=final), False


def stream_chunks(text: str, steps: int = STREAM_STEPS) -> list[str]:
    """Growing prefixes of `text`, cut at spaces, for streaming it into the chat."""
    words = text.split(" ")
    size = max(1, -(-len(words) // steps))
    return [" ".join(words[:i]) for i in range(size, len(words), size)]


def _bot(content: str) -> dict[str, str]:
    return {"role": "assistant", "content": content}


def _final(conv: Conversation, exports: Path) -> tuple[Any, ...]:
    markdown = conversation_markdown(conv.answers)
    download: Any = gr.DownloadButton(value=None, interactive=False)
    if markdown:
        folder = Path(tempfile.mkdtemp(dir=exports))
        path = folder / "conversation.md"
        path.write_text(markdown, encoding="utf-8")
        download = gr.DownloadButton(value=str(path), interactive=True)
    sources = render.sources_html(conv.answers)
    return list(conv.messages), conv, sources, markdown, download, ""


def _refresh(service: Service) -> tuple[Any, ...]:
    """The status line; once the index is ready, the filters and the corpus view, and the
    timer stops."""
    status = service.status
    html = render.status_html(status.state, status.message, status.done, status.total)
    if not status.ready and status.state != "failed":  # the timer keeps polling
        return (html, *(gr.skip() for _ in range(7)))
    documents = service.documents()
    metas = render.sorted_metas(documents)
    years = [("Any year", ""), *((y, y) for y in sorted({str(m.year) for m in metas if m.year}))]
    return (
        html,
        gr.Timer(active=False),
        gr.Dropdown(choices=[(render.document_label(m), m.doc_id) for m in metas]),
        gr.CheckboxGroup(choices=render.kinds_of(metas)),
        gr.Dropdown(choices=years),
        gr.Dropdown(choices=years),
        gr.Dropdown(choices=render.subjects_of(metas)),
        render.corpus_html(documents),
    )


def _api(service: Service) -> Any:
    def ask(
        question: str,
        doc_ids: list[str] | None = None,
        kinds: list[str] | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        subjects: list[str] | None = None,
    ) -> dict[str, Any]:
        """Answer a question about the reports, citing sources: the same JSON object as
        `assistant ask --json`. Optional filters: document ids, kinds, years, and the places
        whose force the documents are about ("Cheshire")."""
        try:
            filters = filters_from(doc_ids, kinds, year_from, year_to, subjects)
            answer = service.ask(question, (), filters)
        except AssistantError as e:
            raise gr.Error(str(e)) from None
        return answer.model_dump(mode="json")

    return ask
