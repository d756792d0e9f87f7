"""The app's briefing-preparation tabs: Timeline (a chart and the dated entries with their
sources) and Check (a claim's verdict, and the passages for and against it). Layout,
wiring and HTML here; the work is `brief.timeline` and `brief.claims` through the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import gradio as gr

from assistant.app.render import citation_card, error_html
from assistant.app.service import Service, filters_from
from assistant.brief.chart import timeline_figure
from assistant.errors import AssistantError
from assistant.types import Citation, ClaimCheck, ClaimEvidence, Timeline

TIMELINE_CARDS = 901  # card ids "src-901-n": apart from the chat's turns
CHECK_CARDS = 902


def prompt_row(
    intro: str, placeholder: str, input_id: str, button: str, button_id: str
) -> tuple[gr.Textbox, gr.Button]:
    """A tab's opening: a line saying what it does, then a text box and its button."""
    gr.HTML(f"<p class='briefing-intro'>{intro}</p>")
    with gr.Row(equal_height=True):
        text = gr.Textbox(
            placeholder=placeholder, show_label=False, scale=5, container=False,
            elem_id=input_id,
        )  # fmt: skip
        go = gr.Button(button, variant="primary", scale=1, elem_id=button_id)
    return text, go


def timeline_tab(service: Service, filters: Sequence[Any]) -> None:
    """Build and wire the Timeline tab (inside a `gr.Tab`)."""
    topic, show = prompt_row(
        "What happened when: each inspection, revisit, review and publication the documents "
        "date, in the order it happened, with what it found. Hover on a point for the entry; "
        "the list below quotes each with its sources. Leave the topic empty for everything. "
        "Uses the filters of the chat.",
        "Optional topic, e.g. inspection, missing children, MADRA", "timeline-topic",
        "Show timeline", "show-timeline",
    )  # fmt: skip
    chart = gr.Plot(label="Timeline", elem_id="timeline-chart", show_label=False)
    entries = gr.HTML(elem_id="timeline-entries")

    def run(text: str, *chosen: Any) -> tuple[Any, str]:
        try:
            timeline = service.timeline(text, filters_from(*chosen))
        except AssistantError as e:
            return gr.skip(), error_html(str(e))
        return timeline_figure(timeline), timeline_html(timeline)

    for event in (topic.submit, show.click):
        event(run, [topic, *filters], [chart, entries], api_visibility="private")


def check_tab(service: Service, filters: Sequence[Any]) -> None:
    """Build and wire the Check tab (inside a `gr.Tab`)."""
    claim, check = prompt_row(
        "Check a sentence before you say it: the passages that support it, those that "
        "contradict or qualify it (another year, another figure, the opposite), and a "
        "verdict. Figures, years, names and negations must agree; shared words are not "
        "enough. Uses the filters of the chat.",
        "A claim, e.g. The force now finds missing children 25% faster.", "claim",
        "Check", "check-claim",
    )  # fmt: skip
    result = gr.HTML(elem_id="check-result")

    def run(text: str, *chosen: Any) -> str:
        try:
            return check_html(service.check(text, filters_from(*chosen)))
        except AssistantError as e:
            return error_html(str(e))

    for event in (claim.submit, check.click):
        event(run, [claim, *filters], [result], api_visibility="private")


def _cards(citations: Sequence[Citation], numbers: Sequence[int], turn: int) -> str:
    by_n = {c.n: c for c in citations}
    return "".join(citation_card(by_n[n], turn) for n in numbers if n in by_n)


def timeline_html(timeline: Timeline) -> str:
    """The entries in order: date, kind, the quoted sentence, then its source cards."""
    if not timeline.events:
        reason = timeline.empty_reason or "No dated events."
        return f'<div class="timeline empty"><p>{escape(reason)}</p></div>'
    items = []
    for ev in timeline.events:
        marks = "".join(f"[{n}]" for n in ev.citations)
        items.append(
            f'<li class="event" data-date="{escape(ev.date)}">'
            f'<p class="when"><span class="date">{escape(ev.date_label)}</span> · '
            f'<span class="kind">{escape(ev.kind)}</span></p>'
            f'<p class="entry">“{escape(ev.text)}” <span class="marks">{marks}</span></p>'
            f"<details><summary>{len(ev.citations)} source(s)</summary>"
            f"{_cards(timeline.citations, ev.citations, TIMELINE_CARDS)}</details></li>"
        )
    return f'<ol class="timeline">{"".join(items)}</ol>'


VERDICT_CLASS = {
    "supported": "verdict-supported", "partly supported": "verdict-partly",
    "contradicted": "verdict-contradicted", "not found": "verdict-not-found",
}  # fmt: skip


def _evidence_html(title: str, items: Sequence[ClaimEvidence], check: ClaimCheck) -> str:
    if not items:
        return ""
    rows = "".join(
        f'<li class="evidence {escape(e.stance)}"><p><b>[{e.citation}] {escape(e.stance)}</b>'
        f" ({escape(e.reason)}): “{escape(e.text)}”</p>"
        f"{_cards(check.citations, [e.citation], CHECK_CARDS)}</li>"
        for e in items
    )
    return f'<h3>{escape(title)}</h3><ul class="evidence-list">{rows}</ul>'


def check_html(check: ClaimCheck) -> str:
    """The verdict as a badge, why, then the passages for and against, with sources."""
    badge = (
        f'<p class="verdict {VERDICT_CLASS[check.verdict]}" data-verdict="{check.verdict}">'
        f"{escape(check.verdict.capitalize())}</p>"
    )
    return (
        f'<div class="claim-check">{badge}<p class="claim">Claim: “{escape(check.claim)}”</p>'
        f'<p class="explanation">{escape(check.explanation)}</p>'
        f"{_evidence_html('Supporting', check.supporting, check)}"
        f"{_evidence_html('Contradicting or qualifying', check.contradicting, check)}</div>"
    )
