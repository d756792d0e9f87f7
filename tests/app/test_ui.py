"""The app's rendering, Markdown export, conversation steps and launch safety, without a
browser or a model: markup is shown as text, quotes are highlighted where they are."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import pytest

import app
from assistant.app import render, server, ui
from assistant.app.service import Service, filters_from
from assistant.brief.markdown import conversation_markdown
from assistant.errors import AssistantError, ConfigError, QuestionError
from assistant.settings import Settings
from assistant.types import Answer, Citation, Document, DocumentMeta, Filters, Suggestion

pytestmark = pytest.mark.unit

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
PASSAGE = f"Inspectors visited in May. The force logged {SCRIPT} twice. Later, {IMG} too."
QUOTE = f"The force logged {SCRIPT} twice."


def citation(n: int = 1, **changes: object) -> Citation:
    offset = 1000  # the passage starts 1000 characters into its document
    start = offset + PASSAGE.index(QUOTE)
    fields: dict[str, object] = dict(
        n=n, doc_id="doc_a", title=f"Report {IMG}", publisher="HMICFRS <b>x</b>",
        kind="report", published="2021-03-24", published_note=None,
        url="https://example.org/report?a=1&b=2", page=7, quote=QUOTE, start=start,
        end=start + len(QUOTE), passage=PASSAGE, passage_start=offset, chunk_id="doc_a:0",
    )  # fmt: skip
    fields.update(changes)
    return Citation(**fields)  # type: ignore[arg-type]


def answer(**changes: object) -> Answer:
    fields: dict[str, object] = dict(
        question=f"What was logged {SCRIPT}?", searched_for=f"What was logged {SCRIPT}?",
        answer=f"{QUOTE} [1]", abstained=False, citations=(citation(),),
    )  # fmt: skip
    fields.update(changes)
    return Answer(**fields)  # type: ignore[arg-type]


def abstained() -> Answer:
    suggestion = Suggestion(
        doc_id="doc_b", title=f"Press release {SCRIPT}", published="2013", url=None,
        page=None, passage=f"Nearby text {IMG}", score=0.03,
    )  # fmt: skip
    return Answer(
        question="What is the recipe for lasagne?", searched_for="What is the recipe for lasagne?",
        answer="The documents do not answer this question.", abstained=True,
        suggestions=(suggestion,),
    )  # fmt: skip


def assert_no_live_markup(html: str) -> None:
    """No element or attribute from the test markup survives unescaped."""
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html or "__pwned=1" not in html


# --- escaping -------------------------------------------------------------------------------


def test_question_bubble_shows_markup_as_text():
    html = render.question_html(f"Why {SCRIPT} {IMG}?")
    assert_no_live_markup(html)
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in html


def test_a_huge_question_is_cut_in_its_bubble_and_says_how_long_it_was():
    html = render.question_html("x" * 100_000)
    assert len(html) < 1000 and "100,000 characters in all" in html


def test_source_card_escapes_title_publisher_and_passage():
    html = render.citation_card(citation(), turn=2)
    assert_no_live_markup(html)
    assert 'id="src-2-1"' in html
    assert "Report &lt;img src=x" in html and "HMICFRS &lt;b&gt;x&lt;/b&gt;" in html
    assert 'href="https://example.org/report?a=1&amp;b=2"' in html
    assert "24 March 2021" in html and "p. 7" in html and "report" in html


def test_card_without_a_usable_address_says_so_and_links_nothing():
    assert "source address not known" in render.citation_card(citation(url=None), 0)
    html = render.citation_card(citation(url="javascript:alert(1)"), 0)
    assert "href=" not in html and "source address not usable" in html


def test_card_shows_an_inferred_date_with_its_note():
    html = render.citation_card(citation(published="2013", published_note="inferred: X"), 0)
    assert '<span class="date">2013</span>' in html and "inferred: X" in html


def test_answer_and_abstention_bubbles_escape_questions_and_text():
    assert_no_live_markup(render.answer_html(answer(), 0))
    assert_no_live_markup(render.answer_html(abstained(), 0))
    assert_no_live_markup(render.error_html(f"bad {SCRIPT}"))
    assert_no_live_markup(render.partial_html(f"so far {SCRIPT}"))


def test_corpus_view_lists_documents_by_date_escaped():
    def doc(doc_id: str, title: str, published: str, **meta: str) -> Document:
        m = DocumentMeta(doc_id=doc_id, title=title, published=published, **meta)
        return Document(meta=m, text="body", sha256="0")

    docs = {
        "b": doc("b", f"Later {IMG}", "2021-03-24", publisher="HMICFRS", kind="press release"),
        "a": doc("a", "Earlier", "2013", published_note="inferred from the text"),
    }
    html = render.corpus_html(docs)
    assert_no_live_markup(html)
    assert html.index("Earlier") < html.index("Later")
    assert "2 documents, published 2013 to 2021" in html and "inferred from the text" in html
    assert "HMICFRS" in html and "press release" in html and "24 March 2021" in html


# --- highlighting ---------------------------------------------------------------------------


def test_quote_is_highlighted_at_its_offsets_inside_the_passage():
    html = render.highlighted_passage(citation())
    marked = re.findall(r"<mark>(.*?)</mark>", html)
    assert marked == ["The force logged &lt;script&gt;window.__pwned=1&lt;/script&gt; twice."]
    assert html.startswith("Inspectors visited in May. <mark>")


def test_offsets_pick_the_cited_occurrence_of_a_repeated_sentence():
    passage = "Same words. Other. Same words."
    c = citation(passage=passage, passage_start=0, quote="Same words.", start=19, end=30)
    assert render.highlighted_passage(c) == "Same words. Other. <mark>Same words.</mark>"


def test_wrong_offsets_fall_back_to_finding_the_quote():
    c = citation(start=0, end=5)
    assert "<mark>The force logged &lt;script&gt;" in render.highlighted_passage(c)


def test_a_long_passage_is_cut_to_the_context_around_the_quote():
    before, after = "early words " * 100, " later words" * 100
    passage = before + QUOTE + after
    c = citation(passage=passage, passage_start=0, start=len(before), end=len(before) + len(QUOTE))
    html = render.highlighted_passage(c)
    assert html.startswith("… early words") and html.endswith("words …")
    assert "<mark>The force logged &lt;script&gt;" in html and len(html) < 1000


def test_blank_lines_in_a_passage_fold_into_one_break():
    assert render.passage_html("a\n\n\nb\nc") == "a<br>b<br>c"


# --- answers, markers, abstentions ----------------------------------------------------------


def test_markers_link_to_their_cards_and_unknown_numbers_stay_text():
    a = answer(answer="First [1][2]. Second [1]. A quoted [9] stays.", citations=(citation(1),))
    html = render.answer_html(a, 3)
    assert html.count('href="#src-3-1"') == 2
    assert "#src-3-2" not in html and "#src-3-9" not in html and "[9]" in html


def test_statements_from_different_years_stay_apart_with_their_labels():
    a = answer(answer="From 2019: Old finding. [1]\nFrom 2021: New finding. [1]")
    html = render.answer_html(a, 0)
    assert html.count("<p>") == 2 and '<span class="year-label">From 2019:</span>' in html


def test_the_bubble_says_how_the_answer_was_made():
    assert "quoted verbatim · 1 source in the panel" in render.answer_html(answer(), 0)
    llm = render.answer_html(answer(answerer="llm:qwen <x>", notice="One left out."), 0)
    assert "written by llm:qwen &lt;x&gt;" in llm and "One left out." in llm


def test_a_rewritten_follow_up_says_what_was_searched():
    html = render.answer_html(answer(question="When?", searched_for="When was MADRA set up?"), 0)
    assert "Searched for: “When was MADRA set up?”" in html
    assert "Searched for" not in render.answer_html(answer(), 0)


def test_abstention_is_labelled_and_offers_suggestions_not_an_answer():
    html = render.answer_html(abstained(), 1)
    assert 'class="msg-abstain"' in html and "Not found in the documents" in html
    assert "msg-answer" not in html and "suggestions, not an answer" in html
    assert 'href="#sug-1-1"' in html
    panel = render.sources_html([answer(), abstained()])
    assert 'class="card suggestion" id="sug-1-1"' in panel and "Suggestion 1" in panel
    assert panel.index("sug-1-1") < panel.index("src-0-1")  # newest first
    assert '<details class="turn abstained" id="turn-1" open>' in panel
    assert '<details class="turn" id="turn-0">' in panel  # earlier answers folded


def test_status_line_shows_build_progress():
    html = render.status_html("building", "Building: 3 of 9", 3, 9)
    assert '<progress value="3" max="9">' in html and "status-building" in html


# --- Markdown export ------------------------------------------------------------------------


def test_markdown_export_lists_each_answer_with_its_numbered_sources():
    md = conversation_markdown([answer(), abstained()])
    first, second = md.split("\n---\n")
    assert "## 1. What was logged \\<script\\>" in first
    assert "**Sources**" in first and "1. **Report \\<img" in first
    assert "HMICFRS \\<b\\>x\\</b\\>, report, 24 March 2021" in first
    assert "https://example.org/report?a=1&b=2" in first and ", p. 7" in first
    assert "> The force logged \\<script\\>window.__pwned=1\\</script\\> twice." in first
    assert "**Not found in the documents.**" in second
    assert "suggestions, not an answer" in second and "source address not known" in second
    assert not re.search(r"(?<!\\)<", md)  # every < escaped
    # Rendered as Markdown (as a reader's tool would), the markup stays text.
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").render(md)
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in rendered


def test_markdown_export_keeps_inferred_dates_and_searched_for():
    a = answer(
        question="And then?", searched_for="MADRA in 2020",
        citations=(citation(published="2013", published_note="inferred: the text"),),
    )  # fmt: skip
    md = conversation_markdown([a])
    assert "_Searched for: MADRA in 2020_" in md and "2013 (inferred: the text)" in md


def test_nothing_to_export_before_the_first_question():
    assert conversation_markdown([]) == ""


# --- conversation steps ---------------------------------------------------------------------


class StubService:
    def __init__(self, result: Answer | Exception) -> None:
        self.result = result
        self.calls: list[tuple[str, tuple[object, ...], Filters | None]] = []

    def ask(self, question: str, history: tuple[object, ...], filters: Filters | None) -> Answer:
        self.calls.append((question, tuple(history), filters))
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_an_answer_streams_then_becomes_a_turn_with_linked_markers(monkeypatch):
    monkeypatch.setattr(ui, "STREAM_DELAY", 0)
    long = answer(answer=" ".join(["word"] * 40) + " [1]")
    service = StubService(long)
    steps = list(ui.answer_steps(service, "Q?", ui.Conversation(), ["doc_a"], [], None, "2021"))  # type: ignore[arg-type]
    assert [streaming for _, streaming in steps].count(False) == 1 and len(steps) > 3
    assert "Searching the documents" in steps[0][0].messages[-1]["content"]
    partial = [c.messages[-1]["content"] for c, s in steps[1:-1]]
    assert all("msg-streaming" in p for p in partial)
    assert [len(p) for p in partial] == sorted(len(p) for p in partial)
    final = steps[-1][0]
    assert len(final.turns) == 1 and 'href="#src-0-1"' in final.messages[-1]["content"]
    assert service.calls[0][2] == Filters(doc_ids=("doc_a",), year_to=2021)
    # a follow-up is asked with the earlier turns
    list(ui.answer_steps(service, "And then?", final, [], [], None, None))  # type: ignore[arg-type]
    assert len(service.calls[1][1]) == 1


@pytest.mark.parametrize(
    "error", [QuestionError("the question is empty: type a question"), AssistantError("no index")]
)
def test_user_errors_become_a_message_in_the_chat_not_a_turn(error):
    steps = list(ui.answer_steps(StubService(error), "", ui.Conversation(), [], [], None, None))  # type: ignore[arg-type]
    conv, streaming = steps[-1]
    assert not streaming and conv.turns == ()
    assert "msg-error" in conv.messages[-1]["content"]
    assert str(error)[1:] in conv.messages[-1]["content"]


def test_a_reversed_year_range_is_a_readable_error():
    assert filters_from([], [], None, None) is None
    assert filters_from(None, ["report"], "2019", None) == Filters(
        kinds=("report",), year_from=2019
    )
    with pytest.raises(QuestionError, match="2021 to 2019 is empty"):
        filters_from([], [], 2021, 2019)


def test_stream_chunks_are_growing_prefixes():
    text = "From 2019: a b c.\nFrom 2021: d e f. [1]"
    chunks = ui.stream_chunks(text, steps=4)
    assert chunks and all(text.startswith(c) for c in chunks) and chunks[-1] != text


# --- the index, built in the background -----------------------------------------------------


def test_a_missing_index_is_built_in_the_background_with_progress(fake_pipeline):
    gate, seen = threading.Event(), []
    build = fake_pipeline.build

    def slow_build(progress):
        def report(done: int, total: int) -> None:
            progress(done, total)
            seen.append((done, total))
            gate.wait(30)

        return build(report)

    fake_pipeline.build = slow_build
    service = Service(fake_pipeline, wait_seconds=0.2)
    service.start()
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert service.status.state == "building" and " of " in service.status.message
    # Asked during the build, a question is told how far the build has got, not "no index".
    with pytest.raises(
        AssistantError, match=r"still being prepared: Building the index: \d+ of \d+"
    ) as e:
        service.ask("What does MADRA stand for?")
    assert "No index" not in str(e.value)
    # With time to wait, the question waits for the build and is answered.
    service.wait_seconds = 60
    answers: list[str] = []
    asking = threading.Thread(
        target=lambda: answers.append(service.ask("What does MADRA stand for?").question)
    )
    asking.start()
    time.sleep(0.3)
    assert not answers  # still waiting for the build
    gate.set()
    asking.join(60)
    assert answers == ["What does MADRA stand for?"]
    status = service.wait(60)
    assert status.ready and "Index updated" in status.message and "5 documents" in status.message
    assert len(service.documents()) == 5


# --- launch safety --------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_nothing(host):
    server.check_exposure(Settings(host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org"])
def test_other_interfaces_need_a_login_or_the_flag(host):
    with pytest.raises(ConfigError, match="ASSISTANT_AUTH=user:password"):
        server.check_exposure(Settings(host=host))
    server.check_exposure(Settings(host=host, auth="staff:secret"))
    server.check_exposure(Settings(host=host, allow_remote=True))


def test_app_refuses_0000_without_auth_in_one_line(monkeypatch, capsys):
    for var in ("ASSISTANT_AUTH", "ASSISTANT_ALLOW_REMOTE", "ASSISTANT_HOST"):
        monkeypatch.delenv(var, raising=False)
    assert app.main(["--host", "0.0.0.0", "--index", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: refusing to listen on 0.0.0.0")


def test_app_settings_come_from_flags_then_env(tmp_path: Path):
    env = {"GRADIO_SERVER_PORT": "7999", "ASSISTANT_AUTH": "a:b"}
    s = app.settings_from(app.parse([]), env)
    assert (s.host, s.port, s.auth, s.allow_remote) == ("127.0.0.1", 7999, "a:b", False)
    s = app.settings_from(app.parse(["--port", "8001", "--allow-remote", "--host", "::"]), env)
    assert (s.host, s.port, s.allow_remote) == ("::", 8001, True)
    s = app.settings_from(app.parse([]), {"ASSISTANT_PORT": "8100", "GRADIO_SERVER_PORT": "7999"})
    assert s.port == 8100
    with pytest.raises(ConfigError, match="GRADIO_SERVER_PORT='x'"):
        app.settings_from(app.parse([]), {"GRADIO_SERVER_PORT": "x"})
    assert server.auth_pair("staff:pa:ss") == ("staff", "pa:ss") and server.auth_pair("") is None


def test_on_start_new_documents_are_indexed_and_a_failed_update_keeps_the_old_index(
    fake_pipeline, corpus_dir
):
    fake_pipeline.build()
    (corpus_dir / "new.md").write_text("# A new briefing\n\nThe new briefing mentions otters.\n")
    service = Service(fake_pipeline)
    service.start()
    status = service.wait(60)
    assert status.ready and "Index updated" in status.message and "6 documents" in status.message

    for path in corpus_dir.iterdir():
        path.unlink()  # an empty corpus cannot be indexed: the last build must still serve
    again = Service(fake_pipeline)
    again.start()
    status = again.wait(60)
    assert status.ready and "6 documents" in status.message
    assert "Could not update the index (nothing to index" in status.message
    assert len(again.documents()) == 6


@pytest.mark.unit
def test_claim_check_and_timeline_html_show_markup_as_text():
    from assistant.app.prep import check_html, timeline_html
    from assistant.types import ClaimCheck, Timeline, TimelineEvent

    check = ClaimCheck(claim="<script>x()</script> was said", verdict="not found", explanation="e")
    html = check_html(check)
    assert (
        "<script>" not in html and "&lt;script&gt;" in html and 'data-verdict="not found"' in html
    )
    event = TimelineEvent(
        date="2018", date_label="2018", kind="inspection", text="<b>x</b>", citations=()
    )
    html = timeline_html(Timeline(topic=None, events=(event,), citations=()))
    assert "<b>x</b>" not in html and 'data-date="2018"' in html
