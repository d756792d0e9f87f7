"""Timelines: dated events in the order they happened, each quoted with all its sources."""

from __future__ import annotations

import pytest

from assistant.answer.citations import normalise
from assistant.brief.timeline import event_date, make_timeline
from assistant.ingest.corpus import load_corpus
from assistant.types import Filters
from tests.conftest import CORPUS

DOCS = {d.doc_id: d for d in load_corpus(CORPUS).documents}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sentence", "published", "iso", "label"),
    [
        ("in March 2019 HMICFRS conducted a review.", "2021-03-24", "2019-03", "March 2019"),
        ("a third inspection between November and December 2020 of the force.", "2021-03-24",
         "2020-11", "November to December 2020"),
        ("We initially inspected the force in 2018.", "2021-03-24", "2018", "2018"),
        # A month without a year takes the article's year, and stays a month.
        ("Our inspection in January found failings.", "2013", "2013-01", "January 2013"),
        # "Today" is the article's own date, no more precise than the article is.
        ("A report out today has concluded it.", "2019-07-24", "2019-07-24", "24 July 2019"),
        ("HMIC today said it is too early to say.", "2013", "2013", "2013"),
        ("The revisit, made last month, found changes.", "2013", "2013", "2013"),
    ],
)  # fmt: skip
def test_event_dates_are_as_precise_as_the_text(sentence, published, iso, label):
    date = event_date(sentence, published)
    assert date is not None and (date.iso, date.label) == (iso, label)


@pytest.mark.unit
def test_a_sentence_without_a_date_has_no_event_date():
    assert event_date("Inspectors found the force had improved.", "2021-03-24") is None


@pytest.mark.integration
def test_the_inspections_come_in_the_order_they_happened_with_every_source(real_pipeline):
    reader = real_pipeline.reader
    timeline = make_timeline(reader.documents, reader.chunks.values())
    events = timeline.events
    dates = [e.date for e in events]
    key = [(int(d[:4]), int(d[5:7]) if len(d) > 4 else 13) for d in dates]
    assert key == sorted(key)  # by the date of the event, not of the article
    by_n = {c.n: c for c in timeline.citations}

    def event(year: str, kinds: tuple[str, ...]):
        found = [e for e in events if e.date.startswith(year) and e.kind in kinds]
        assert found, f"no {kinds} in {year}: {[(e.date, e.kind) for e in events]}"
        return found[0]

    jan_2013 = event("2013-01", ("inspection",))
    assert "Our inspection in January found" in jan_2013.text
    first = event("2018", ("inspection",))
    assert first.date == "2018" and first.date_label == "2018"  # no month is made up
    # Reported by the 2019 article, the 2021 press release and the report page: one event.
    assert {by_n[n].doc_id for n in first.citations} >= {
        "000_f69caca4407db16f", "002_8195b7b72e696d93", "003_934f7f560a60dbae"
    }  # fmt: skip
    review = event("2019", ("review", "inspection", "revisit"))
    assert review.date_label == "March 2019" and "post-inspection review" in review.text
    third = event("2020", ("inspection",))
    assert third.date_label == "November to December 2020"
    order = [events.index(e) for e in (jan_2013, first, review, third)]
    assert order == sorted(order)
    for ev in events:  # every entry is a verbatim quote, cited
        quoted = by_n[ev.citations[0]]
        assert normalise(ev.text) == normalise(quoted.quote)
        assert DOCS[quoted.doc_id].text[quoted.start : quoted.end] == quoted.quote
    assert len({(e.date, e.kind) for e in events}) == len(events)  # no event twice


@pytest.mark.integration
def test_a_topic_and_filters_narrow_the_timeline(real_pipeline):
    reader = real_pipeline.reader
    madra = make_timeline(reader.documents, reader.chunks.values(), "MADRA")
    assert [(e.date_label, e.kind) for e in madra.events] == [("April 2020", "initiative")]
    only_2019 = make_timeline(
        reader.documents, reader.chunks.values(), filters=Filters(year_from=2019, year_to=2019)
    )
    assert {c.doc_id for c in only_2019.citations} == {"003_934f7f560a60dbae"}
    assert "24 July 2019" in [e.date_label for e in only_2019.events]
    nothing = make_timeline(reader.documents, reader.chunks.values(), "helicopter purchases")
    assert nothing.events == () and "No dated events" in nothing.empty_reason
