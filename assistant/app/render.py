"""HTML for the chat app: answer bubbles, source cards, the corpus list and the status line.
Everything from documents or users is escaped here; `ui` only places the results.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from assistant.text.dates import human_date
from assistant.types import Answer, Citation, Document, DocumentMeta, Suggestion

_MARKERS = re.compile(r"(?:\[\d+\])+")
_MARKER = re.compile(r"\[(\d+)\]")
_YEAR_LABEL = re.compile(r"^From (\d{4}|date unknown): ")
SHOWN_QUESTION_CHARS = 600  # a pasted essay is cut in the bubble, not in what is asked
CONTEXT_CHARS = 280  # of the passage shown either side of a quote: enough to read it in


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br>")


def passage_html(text: str) -> str:
    """A passage as HTML: escaped, blank lines between paragraphs folded to one break."""
    return re.sub(r"\n\s*\n+|\n", "<br>", escape(text))


def safe_url(url: str | None) -> str | None:
    """The address if it is a web address a link may point to (never javascript: etc.)."""
    if url and re.match(r"^https?://", url.strip(), re.I):
        return url.strip()
    return None


def card_id(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


def suggestion_id(turn: int, i: int) -> str:
    return f"sug-{turn}-{i}"


def question_html(question: str) -> str:
    """The user's bubble: the question as typed, shown as text."""
    shown = question
    if len(question) > SHOWN_QUESTION_CHARS:
        shown = question[:SHOWN_QUESTION_CHARS] + f"… ({len(question):,} characters in all)"
    return f'<div class="msg-question">{text_html(shown)}</div>'


def pending_html(text: str = "Searching the documents…") -> str:
    return f'<div class="msg-answer msg-pending"><span class="pending">{escape(text)}</span></div>'


def partial_html(text: str) -> str:
    """An answer being streamed: escaped text so far, markers not yet linked."""
    cursor = '<span class="cursor">▍</span>'
    return f'<div class="msg-answer msg-streaming">{text_html(text)}{cursor}</div>'


def error_html(message: str) -> str:
    """A user error (empty question, no index yet, ...) as a message in the chat."""
    message = message[:1].upper() + message[1:]
    return (
        '<div class="msg-error"><div class="msg-label">Could not answer</div>'
        f"<p>{text_html(message)}</p></div>"
    )


def _linked_markers(escaped: str, turn: int, known: set[int]) -> str:
    def link(group: re.Match[str]) -> str:
        out = []
        for m in _MARKER.finditer(group.group(0)):
            n = int(m.group(1))
            if n in known:
                out.append(
                    f'<a class="cite" href="#{card_id(turn, n)}" title="Show source {n}">[{n}]</a>'
                )
            else:
                out.append(m.group(0))
        return "".join(out)

    return _MARKERS.sub(link, escaped)


def answer_text_html(answer: Answer, turn: int) -> str:
    """The answer text, escaped, each marker a link to its source card."""
    known = {c.n for c in answer.citations}
    lines = []
    for line in answer.answer.split("\n"):
        label = ""
        if m := _YEAR_LABEL.match(line):
            label = f'<span class="year-label">{escape(m.group(0).strip())}</span> '
            line = line[m.end() :]
        lines.append(label + _linked_markers(escape(line), turn, known))
    css = "answer-lines" if len(lines) > 1 else "answer-text"
    return f'<div class="{css}">' + "".join(f"<p>{ln}</p>" for ln in lines) + "</div>"


def searched_html(answer: Answer) -> str:
    if answer.searched_for == answer.question:
        return ""
    return f'<p class="searched">Searched for: “{escape(answer.searched_for)}”</p>'


def answer_html(answer: Answer, turn: int) -> str:
    """The assistant's bubble for one answer or abstention."""
    if answer.abstained:
        return abstention_html(answer, turn)
    notice = f'<p class="notice">{escape(answer.notice)}</p>' if answer.notice else ""
    count = len(answer.citations)
    how = "quoted verbatim" if answer.answerer == "extractive" else f"written by {answer.answerer}"
    sources = f"{how} · {count} source{'s' if count != 1 else ''} in the panel"
    return (
        '<div class="msg-answer">'
        f'<div class="msg-label">Answer <span class="msg-meta">{escape(sources)}</span></div>'
        f"{searched_html(answer)}{answer_text_html(answer, turn)}{notice}</div>"
    )


def abstention_html(answer: Answer, turn: int) -> str:
    """Not an answer: says so first, then points at the nearest passages as suggestions."""
    items = "".join(
        f'<li><a class="cite" href="#{suggestion_id(turn, i)}">{escape(s.title)}</a> '
        f"({escape(human_date(s.published))})</li>"
        for i, s in enumerate(answer.suggestions, start=1)
    )
    nearest = (
        '<p class="suggest-head">Nearest passages (suggestions, not an answer):</p>'
        f"<ul>{items}</ul>"
        if items
        else ""
    )
    return (
        '<div class="msg-abstain">'
        '<div class="msg-label">Not found in the documents</div>'
        f"{searched_html(answer)}<p>{text_html(answer.answer)}</p>{nearest}</div>"
    )


def highlighted_passage(c: Citation) -> str:
    """The passage around the quote (up to CONTEXT_CHARS either side), escaped, with the
    quoted sentence(s) in <mark>, placed by the citation's offsets."""
    start, end = c.start - c.passage_start, c.end - c.passage_start
    if not (0 <= start < end <= len(c.passage)) or c.passage[start:end] != c.quote:
        found = c.passage.find(c.quote)  # offsets disagree: fall back to the text itself
        if found < 0:
            return f"<mark>{passage_html(c.quote)}</mark>"
        start, end = found, found + len(c.quote)
    before, quote, after = _before(c.passage[:start]), c.passage[start:end], _after(c.passage[end:])
    return f"{passage_html(before)}<mark>{passage_html(quote)}</mark>{passage_html(after)}"


def _before(text: str, limit: int = CONTEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    return "… " + cut[cut.find(" ") + 1 :] if " " in cut else "… " + cut


def _after(text: str, limit: int = CONTEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def date_html(published: str | None, note: str | None = None) -> str:
    note_html = f'<span class="date-note">{escape(note)}</span>' if note else ""
    return f'<span class="date">{escape(human_date(published))}</span>{note_html}'


def link_html(url: str | None) -> str:
    href = safe_url(url)
    if href is None:
        text = f"source address not usable: {url}" if url else "source address not known"
        return f'<span class="no-url">{escape(text)}</span>'
    return (
        f'<a class="source-link" href="{escape(href, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{escape(href)}</a>'
    )


def _details(*parts: str | None) -> str:
    return escape(" · ".join(p for p in parts if p))


def citation_card(c: Citation, turn: int) -> str:
    """One source card: number, date, title, publisher and kind, address, page, passage."""
    page = f'<span class="page">p. {c.page}</span>' if c.page else ""
    return (
        f'<article class="card" id="{card_id(turn, c.n)}">'
        f'<header><span class="num">{c.n}</span>{date_html(c.published, c.published_note)}'
        f"{page}</header>"
        f'<h4 class="title">{escape(c.title)}</h4>'
        f'<p class="byline">{_details(c.publisher or "publisher unknown", c.kind)}</p>'
        + (f'<p class="about">About: {escape(c.about)}</p>' if c.about else "")
        + f'<p class="url">{link_html(c.url)}</p>'
        f'<blockquote class="passage">{highlighted_passage(c)}</blockquote>'
        "</article>"
    )


def suggestion_card(s: Suggestion, turn: int, i: int) -> str:
    """A nearest passage after an abstention, marked as a suggestion, not an answer."""
    page = f'<span class="page">p. {s.page}</span>' if s.page else ""
    return (
        f'<article class="card suggestion" id="{suggestion_id(turn, i)}">'
        f'<header><span class="tag">Suggestion {i}</span>{date_html(s.published)}{page}</header>'
        f'<h4 class="title">{escape(s.title)}</h4>'
        f'<p class="url">{link_html(s.url)}</p>'
        f'<blockquote class="passage">{passage_html(_after(s.passage, 2 * CONTEXT_CHARS))}'
        "</blockquote>"
        "</article>"
    )


def turn_sources(answer: Answer, turn: int) -> str:
    """The cards of one answer (or the suggestions of one abstention)."""
    if answer.abstained:
        head = (
            '<p class="group-note abstain">Not found in the documents. '
            "Nearest passages, shown as suggestions only:</p>"
        )
        cards = [suggestion_card(s, turn, i) for i, s in enumerate(answer.suggestions, 1)]
    else:
        head = ""
        cards = [citation_card(c, turn) for c in answer.citations]
    if not cards:
        cards = ['<p class="empty">No passages to show.</p>']
    return head + "".join(cards)


def sources_html(answers: Sequence[Answer]) -> str:
    """The sources panel: the latest answer's cards open, earlier ones folded, newest first."""
    if not answers:
        return (
            '<div class="sources-empty">Sources appear here: every answer lists the passages '
            "it quotes, with document, publisher, date and address.</div>"
        )
    groups = []
    for turn in range(len(answers) - 1, -1, -1):
        answer = answers[turn]
        is_open = " open" if turn == len(answers) - 1 else ""
        kind = " abstained" if answer.abstained else ""
        groups.append(
            f'<details class="turn{kind}" id="turn-{turn}"{is_open}>'
            f'<summary><span class="qnum">Q{turn + 1}</span> '
            f"{escape(_short(answer.question))}</summary>"
            f"{turn_sources(answer, turn)}</details>"
        )
    return '<div class="sources">' + "".join(groups) + "</div>"


def _short(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def document_label(meta: DocumentMeta) -> str:
    """How a document is named in the filter: title and date."""
    return f"{_short(meta.title, 90)} ({human_date(meta.published)})"


def subjects_of(metas: Sequence[DocumentMeta]) -> list[tuple[str, str]]:
    """The filter's choices: each place the documents are about, with how many are."""
    counts = Counter(p for m in metas for p in m.places)
    return [(f"{p} ({n})", p) for p, n in sorted(counts.items())]


def sorted_metas(documents: Mapping[str, Document]) -> list[DocumentMeta]:
    return sorted((d.meta for d in documents.values()), key=lambda m: (m.published or "", m.title))


def corpus_html(documents: Mapping[str, Document]) -> str:
    """The "About this corpus" view: every document with its date, publisher and kind."""
    metas = sorted_metas(documents)
    if not metas:
        return '<p class="empty">No documents are indexed yet.</p>'
    years = [m.year for m in metas if m.year]
    span = f", published {min(years)} to {max(years)}" if years else ""
    rows = "".join(
        "<tr>"
        f"<td class='c-date'>{date_html(m.published)}</td>"
        f"<td><div class='title'>{escape(m.title)}</div>"
        f"<div class='url'>{link_html(m.url)}</div>{_date_note(m.published_note)}</td>"
        f"<td>{escape(m.publisher or 'unknown')}</td><td>{escape(m.kind or '—')}</td>"
        f"<td><code>{escape(m.doc_id)}</code></td>"
        "</tr>"
        for m in metas
    )
    return (
        f'<div class="corpus"><p class="corpus-head">{len(metas)} documents{span}. '
        "Answers quote these documents only.</p>"
        "<table><thead><tr><th>Published</th><th>Document</th><th>Publisher</th>"
        f"<th>Kind</th><th>Id</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _date_note(note: str | None) -> str:
    return f"<div class='date-note'>About the date: {escape(note)}</div>" if note else ""


def status_html(kind: str, message: str, done: int = 0, total: int = 0) -> str:
    """The status line: ready, loading, building (with a progress bar) or failed."""
    bar = ""
    if kind == "building" and total:
        bar = f'<progress value="{done}" max="{total}"></progress>'
    return (
        f'<div class="status status-{escape(kind)}" role="status">'
        f'<span class="dot"></span><span class="status-text">{escape(message)}</span>{bar}</div>'
    )


def kinds_of(metas: Iterable[DocumentMeta]) -> list[str]:
    return sorted({m.kind for m in metas if m.kind})
