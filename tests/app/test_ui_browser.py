"""The chat app in headless Chromium: the real model, a Chroma index the app builds on start
from a copy of the corpus plus a document full of markup. Screenshots go to test-output/."""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import pytest
from playwright.sync_api import expect, sync_playwright

from assistant.app.server import launch
from assistant.app.ui import build_app
from assistant.index.embed import MODEL_ID
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = ROOT / "test-output"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ANSWER_DONE = ".msg-answer:not(.msg-streaming):not(.msg-pending), .msg-abstain, .msg-error"
WAIT_MS = 90_000
MARKUP_DOC = """---
title: "Zephyr safeguarding audit note <img src=x onerror=\\"window.__pwned=3\\">"
publisher: "Audit <b>team</b>"
kind: audit note
published: 2020-06-01
---
Zephyr safeguarding audit note

The Zephyr safeguarding audit of child protection found that officers had pasted \
<script>window.__pwned=1</script> into case notes, and that \
<img src=x onerror="window.__pwned=2;alert('pwned')"> appeared in child protection referral forms.

Child protection referrals were otherwise handled promptly by the Zephyr audit team.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, real_embedder: Any) -> Iterator[str]:
    """The app on a free loopback port, with no index yet: it builds one as it starts."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    (root / "corpus" / "markup.txt").write_text(MARKUP_DOC, encoding="utf-8")
    settings = Settings(corpus=root / "corpus", index=root / "index", port=free_port())
    pipeline = Pipeline(settings, embed_model=real_embedder, model_id=MODEL_ID)
    demo = build_app(settings, pipeline)
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"{CHROMIUM} is missing in CI: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@dataclass
class Session:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # the status line as the page loaded

    def foreign_requests(self) -> list[str]:
        port = urlsplit(self.url).port
        return [
            u for u in self.requests
            if not u.startswith(("data:", "blob:"))
            and (urlsplit(u).hostname not in LOCAL_HOSTS or urlsplit(u).port != port)
        ]  # fmt: skip


@pytest.fixture
def app(browser: Any, app_url: str) -> Iterator[Session]:
    """A fresh page (its own conversation) once the index is ready; it must never reach
    another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    session = Session(page, app_url)
    page.on("request", lambda r: session.requests.append(r.url))
    page.on("dialog", lambda d: (session.dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    wait_until_ready(session)
    yield session
    context.close()
    assert session.foreign_requests() == []


def wait_until_ready(session: Session, timeout: float = 180) -> None:
    """Watch the status line until the index is ready, keeping what it said on the way."""
    status = session.page.locator("#status")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = " ".join(status.inner_text().split())
        if not session.statuses or session.statuses[-1] != text:
            session.statuses.append(text)
        if "Ready: 6 documents" in text:
            return
        session.page.wait_for_timeout(100)
    raise AssertionError(f"the index never became ready: {session.statuses}")


def ask(app: Session, question: str) -> Any:
    """Type a question, press Enter, wait for the whole answer; returns its bubble."""
    bots = app.page.locator('#chat [data-testid="bot"]')
    before = bots.count()
    box = app.page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    expect(bots).to_have_count(before + 1, timeout=WAIT_MS)
    bubble = bots.nth(before)
    expect(bubble.locator(ANSWER_DONE)).to_have_count(1, timeout=WAIT_MS)
    return bubble


def screenshot(app: Session, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    app.page.screenshot(path=str(OUTPUT / name), full_page=False)


def test_index_is_built_on_start_and_answers_cite_highlighted_passages(app):
    # The first page saw the index being built (the fixture gave the app none).
    assert any("Building the index" in s or "No index yet" in s for s in app.statuses)
    expect(app.page.locator("#status")).to_contain_text("Index updated in")
    bubble = ask(app, "How many case files did inspectors review in 2019?")
    expect(bubble).to_contain_text("viewed 21 child protection case files")
    expect(bubble.locator("a.cite")).to_have_text(["[1]"])
    card = app.page.locator("#sources-panel #src-0-1")
    expect(card).to_be_visible()
    expect(card).to_contain_text("24 July 2019")
    expect(card).to_contain_text("Heart (Four Counties) · news article")
    expect(card.locator("a.source-link")).to_have_attribute("href", "https://www.heart.co.uk/fourcounties/news/local/northants-police-slow-on-child-protection-progress/")  # fmt: skip
    mark = card.locator(".passage mark")
    expect(mark).to_have_count(1)
    quote = mark.inner_text()
    assert "viewed 21 child protection case files" in quote
    assert " ".join(quote.split()) in " ".join(bubble.inner_text().split())
    screenshot(app, "answer.png")


def test_clicking_a_marker_brings_its_card_into_view(app):
    first = ask(app, "How many case files did inspectors review in 2019?")
    ask(app, "What did the inspectorate say about the backlog of devices?")
    card = app.page.locator("#src-0-1")
    expect(card).not_to_be_in_viewport()  # folded under the newer answer's sources
    first.locator("a.cite").first.click()
    expect(card).to_be_in_viewport(ratio=0.9)
    expect(card).to_have_class("card flash")
    screenshot(app, "marker-click.png")


def test_follow_ups_use_the_conversation_until_a_new_one_starts(app):
    ask(app, "What does MADRA stand for?")
    follow_up = ask(app, "When was it established?")
    expect(follow_up).to_contain_text("Searched for: “When was Multi Agency Daily Risk Assessment")
    expect(follow_up).to_contain_text("April 2020")
    app.page.locator("#new-conversation").click()
    expect(app.page.locator('#chat [data-testid="bot"]')).to_have_count(0)
    expect(app.page.locator("#sources-panel")).to_contain_text("Sources appear here")
    again = ask(app, "When was it established?")
    expect(again).not_to_contain_text("Searched for")
    app.page.locator("#chat").get_by_role("button", name="Clear").click()  # the chat's bin
    expect(app.page.locator('#chat [data-testid="bot"]')).to_have_count(0)
    expect(app.page.locator("#sources-panel")).to_contain_text("Sources appear here")


def test_an_off_topic_question_abstains_and_looks_different(app):
    answered = ask(app, "What does MADRA stand for?")
    bubble = ask(app, "What is the recipe for lasagne?")
    expect(bubble.locator(".msg-abstain .msg-label")).to_have_text("Not found in the documents")
    expect(bubble.locator(".msg-answer")).to_have_count(0)
    expect(bubble).to_contain_text("suggestions, not an answer")
    suggestions = app.page.locator("#turn-1 .card.suggestion")
    expect(suggestions.first).to_be_visible()
    expect(app.page.locator("#turn-1 .card:not(.suggestion)")).to_have_count(0)

    def style(locator: Any) -> list[str]:
        return locator.evaluate(
            "e => [getComputedStyle(e).borderLeftColor, getComputedStyle(e).borderLeftWidth]"
        )

    assert style(bubble.locator(".msg-abstain")) == ["rgb(245, 158, 11)", "4px"]
    assert style(answered.locator(".msg-answer"))[1] == "0px"
    screenshot(app, "abstain.png")


def test_markup_in_documents_and_questions_is_shown_as_text_and_never_runs(app):
    question = 'What did the Zephyr safeguarding audit find? <img src=x onerror="window.__pwned=5">'
    bubble = ask(app, question)
    user = app.page.locator('#chat [data-testid="user"]').last
    expect(user).to_contain_text('<img src=x onerror="window.__pwned=5">')
    panel = app.page.locator("#sources-panel")
    expect(panel).to_contain_text("<script>window.__pwned=1</script>")
    expect(panel).to_contain_text("""<img src=x onerror="window.__pwned=2;alert('pwned')">""")
    expect(panel).to_contain_text(
        'Zephyr safeguarding audit note <img src=x onerror="window.__pwned=3">'
    )
    expect(panel).to_contain_text("Audit <b>team</b>")
    if bubble.locator(".msg-answer").count():
        expect(bubble).to_contain_text("<script>window.__pwned=1</script>")
    page = app.page
    assert page.locator("#chat script, #sources-panel script").count() == 0
    assert (
        page.locator('img[src="x"]').count() == 0 and page.locator("#sources-panel b").count() == 0
    )
    page.wait_for_timeout(500)  # give any stray handler the chance to run
    assert page.evaluate("window.__pwned") is None
    assert app.dialogs == []
    screenshot(app, "markup.png")


def test_user_errors_are_readable_messages_in_the_chat(app):
    empty = ask(app, "")
    expect(empty.locator(".msg-error")).to_contain_text("The question is empty")
    huge = ask(app, "why " * 24_999 + "now?")  # 100,000 characters
    expect(huge.locator(".msg-error")).to_contain_text(
        "100,000 characters long; the limit is 2,000"
    )
    expect(app.page.locator('#chat [data-testid="user"]').last).to_contain_text(
        "100,000 characters in all"
    )
    body = app.page.locator("body").inner_text()
    assert "Traceback" not in body and "Error" not in body.replace("msg-error", "")
    assert ask(app, "What does MADRA stand for?").locator(".msg-answer").count() == 1


def test_an_example_question_is_asked_with_one_click(app):
    app.page.locator("#chat").get_by_text("What does MADRA stand for?").click()
    bubble = app.page.locator('#chat [data-testid="bot"]').first
    expect(bubble.locator(ANSWER_DONE)).to_have_count(1, timeout=WAIT_MS)
    expect(bubble).to_contain_text("Multi Agency Daily Risk Assessment")
    expect(app.page.locator("#src-0-1")).to_contain_text("Northamptonshire Police")


def test_about_view_lists_the_documents(app):
    app.page.get_by_role("tab", name="About this corpus").click()
    corpus = app.page.locator("#corpus")
    expect(corpus.locator("tbody tr")).to_have_count(6)
    expect(corpus).to_contain_text("6 documents, published 2013 to 2021")
    for text in ("Heart (Four Counties)", "24 July 2019", "inferred:", "audit note",
                 'Zephyr safeguarding audit note <img src=x onerror="window.__pwned=3">'):  # fmt: skip
        expect(corpus).to_contain_text(text)


def test_filters_limit_the_sources(app):
    app.page.get_by_text("Filter the sources").click()
    app.page.get_by_label("news article").check()
    ask(app, "What did the inspectorate say about the backlog of devices?")
    cards = app.page.locator("#turn-0 .card")
    expect(cards.first).to_be_visible()
    for byline in cards.locator(".byline").all_inner_texts():
        assert byline.endswith("news article")


def test_the_conversation_downloads_as_markdown_with_its_sources(app):
    ask(app, "What does MADRA stand for?")
    button = app.page.get_by_role("button", name="Download as Markdown")
    expect(button).to_be_enabled()
    with app.page.expect_download() as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## 1. What does MADRA stand for?" in text and "**Sources**" in text
    assert "1. **National child protection inspection" in text
    assert "Northamptonshire Police, force statement, 24 March 2021" in text
    assert "https://www.northants.police.uk/" in text
    assert "> A positive initiative introduced by the Force called the Multi Agency" in text


def test_the_page_loads_nothing_from_other_hosts(app):
    ask(app, "What does MADRA stand for?")
    app.page.get_by_role("tab", name="About this corpus").click()
    app.page.wait_for_timeout(500)
    assert app.requests, "no requests were recorded"
    assert app.foreign_requests() == []


def test_a_briefing_lays_out_each_document_in_date_order_and_downloads(app):
    app.page.get_by_role("tab", name="Briefing").click()
    box = app.page.locator("#briefing-topic textarea")
    box.fill("missing children")
    box.press("Enter")
    note = app.page.locator("#briefing-note")
    expect(note.get_by_role("heading", name="Sources")).to_be_visible(timeout=WAIT_MS)
    headings = note.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0].startswith("2013:") and headings[-1] == "Sources"
    assert any(h.startswith("24 July 2019:") for h in headings)
    expect(note).to_contain_text("25% reduction in time taken to locate missing children")
    screenshot(app, "briefing.png")
    button = app.page.get_by_role("button", name="Download briefing")
    expect(button).to_be_enabled()
    with app.page.expect_download() as download:
        button.click()
    assert (
        Path(download.value.path())
        .read_text(encoding="utf-8")
        .startswith("# Briefing: missing children")
    )


def test_the_timeline_tab_charts_the_inspections_in_order_with_their_sources(app):
    app.page.get_by_role("tab", name="Timeline").click()
    app.page.locator("#show-timeline").click()
    entries = app.page.locator("#timeline-entries .event")
    expect(entries.first).to_be_visible(timeout=WAIT_MS)
    dates = entries.evaluate_all("els => els.map(e => e.dataset.date)")
    for wanted in ("2013-01", "2018", "2019-03", "2020-11"):
        assert wanted in dates, dates
    assert [dates.index(d) for d in ("2013-01", "2018", "2019-03", "2020-11")] == sorted(
        dates.index(d) for d in ("2013-01", "2018", "2019-03", "2020-11")
    )
    first_2018 = entries.nth(dates.index("2018"))
    expect(first_2018.locator(".when")).to_have_text("2018 · inspection")
    expect(first_2018).to_contain_text("initially inspected")
    first_2018.locator("summary").click()
    expect(first_2018.locator(".card")).to_have_count(4)
    expect(first_2018.locator(".card").first).to_contain_text("24 March 2021")
    chart = app.page.locator("#timeline-chart .js-plotly-plot")
    expect(chart).to_be_visible(timeout=WAIT_MS)
    points = chart.locator(".scatterlayer .point")
    expect(points).to_have_count(len(dates))
    expect(chart.locator(".xtick")).not_to_have_count(0)  # a date axis
    assert "November to December 2020" in chart.locator(".scatterlayer").text_content()
    chart.scroll_into_view_if_needed()
    hovered = []  # hovering on each point shows its entry, date and sources
    for i in range(points.count()):
        box = points.nth(i).bounding_box()
        app.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        app.page.wait_for_timeout(150)
        hovered.append(" ".join((chart.locator(".hoverlayer").text_content() or "").split()))
        if "March 2019" in hovered[-1]:
            break
    assert "March 2019 · review" in hovered[-1] and "conducted a post-inspection" in hovered[-1]
    screenshot(app, "timeline.png")


def test_the_check_tab_gives_a_verdict_with_the_passages_for_and_against(app):
    app.page.get_by_role("tab", name="Check").click()
    box = app.page.locator("#claim textarea")
    result = app.page.locator("#check-result")
    box.fill("Inspectors viewed 25 child protection case files in 2019.")
    box.press("Enter")
    expect(result.locator(".verdict")).to_have_text("Contradicted", timeout=WAIT_MS)
    expect(result.locator(".evidence.contradicts")).to_contain_text("gives 21, not 25")
    box.fill("The force now finds missing children 25% faster.")
    app.page.locator("#check-claim").click()
    expect(result.locator(".verdict")).to_have_text("Supported", timeout=WAIT_MS)
    support = result.locator(".evidence.supports").first
    expect(support).to_contain_text("25% reduction in time taken to locate missing children")
    expect(support.locator(".card")).to_contain_text("24 March 2021")
    expect(support.locator(".card .byline")).to_contain_text("Northamptonshire Police")
    screenshot(app, "check.png")
    box.fill("")
    box.press("Enter")
    expect(result.locator(".msg-error")).to_contain_text("empty", timeout=WAIT_MS)


def test_the_briefing_downloads_as_a_word_document(app):
    import docx

    app.page.get_by_role("tab", name="Briefing").click()
    box = app.page.locator("#briefing-topic textarea")
    box.fill("missing children")
    box.press("Enter")
    button = app.page.get_by_role("button", name="Download as Word")
    expect(button).to_be_enabled(timeout=WAIT_MS)
    with app.page.expect_download() as download:
        button.click()
    document = docx.Document(download.value.path())
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Briefing: missing children" and "Notes" in texts
    assert any(t.startswith("24 July 2019:") for t in texts)
