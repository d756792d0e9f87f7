"""Grounded answers on the real index: the right fact, a checked citation, dates, abstention."""

from __future__ import annotations

import itertools

import pytest

from assistant.answer.citations import checked, make_citation, normalise
from assistant.answer.extractive import render
from assistant.ingest.corpus import load_corpus
from assistant.retrieve.followups import Turn
from assistant.text.proper_names import expansion
from assistant.types import Answer, Statement
from tests.conftest import CORPUS

DOCS = {d.doc_id: d for d in load_corpus(CORPUS).documents}


def assert_grounded(answer: Answer) -> None:
    """What every answer must satisfy: each quote verbatim in its document, each statement
    inside one of its quotes, each citation dated and titled."""
    assert answer.citations or answer.abstained
    for c in answer.citations:
        doc = DOCS[c.doc_id]
        assert doc.text[c.start : c.end] == c.quote
        assert normalise(c.quote) in normalise(doc.text)
        assert c.title and c.published and c.publisher
        assert c.passage[c.start - c.passage_start : c.end - c.passage_start] == c.quote
    by_n = {c.n: c for c in answer.citations}
    for st in answer.statements:
        assert st.citations and all(n in by_n for n in st.citations)
        assert any(normalise(st.text) in normalise(by_n[n].quote) for n in st.citations)
        assert "".join(f"[{n}]" for n in st.citations) in answer.answer


@pytest.mark.integration
def test_a_number_question_answers_with_the_number_and_cites_its_source(real_pipeline):
    answer = real_pipeline.ask("How many case files were reviewed in 2019?")
    assert_grounded(answer)
    assert not answer.abstained
    assert "21" in answer.answer
    assert answer.citations[0].doc_id == "003_934f7f560a60dbae"
    assert answer.citations[0].published == "2019-07-24"


@pytest.mark.integration
def test_a_date_question_answers_with_the_date(real_pipeline):
    answer = real_pipeline.ask("When was the Multi Agency Daily Risk Assessment established?")
    assert_grounded(answer)
    assert "April 2020" in answer.answer


@pytest.mark.integration
@pytest.mark.parametrize(
    "acronym,expanded",
    [
        ("MOSOVO", "Management of Sexual or Violent Offenders"),
        ("NSCB", "Northamptonshire Safeguarding Children Board"),
    ],
)
def test_an_acronym_question_expands_it(real_pipeline, acronym, expanded):
    answer = real_pipeline.ask(f"What does {acronym} stand for?")
    assert_grounded(answer)
    assert expanded in answer.answer


@pytest.mark.integration
def test_an_acronym_the_documents_never_expand_is_not_guessed(real_pipeline):
    answer = real_pipeline.ask("What does OFSTED stand for?")
    assert answer.abstained


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    ["What is the recipe for lasagne?", "Who won the football world cup in 2018?"],
)
def test_an_off_topic_question_abstains_and_says_what_the_corpus_covers(real_pipeline, question):
    answer = real_pipeline.ask(question)
    assert answer.abstained and not answer.citations and not answer.statements
    assert answer.answer.startswith("The documents do not answer this question.")
    assert "5 documents, published 2013 to 2021" in answer.answer
    assert answer.suggestions and all(s.title and s.passage for s in answer.suggestions)


@pytest.mark.integration
def test_a_quoted_finding_is_shown_with_the_person_who_said_it(real_pipeline):
    # The sentence itself names nobody: Zoe Billingham's attribution is paragraphs above.
    answer = real_pipeline.ask(
        "Who said the force was working hard to deal with a legacy of long-term under-funding?"
    )
    assert_grounded(answer)
    assert answer.answer.startswith("Zoe Billingham said: “The force is working hard")
    assert answer.statements[0].speaker == "Zoe Billingham"
    assert "Billingham" not in answer.citations[0].quote  # the quote stays verbatim


@pytest.mark.integration
def test_a_document_can_be_named_by_its_publisher(real_pipeline):
    # "Heart" is only in 003's metadata: its chunks are indexed under their publisher too.
    answer = real_pipeline.ask("On what date did Heart report on the inspection?")
    assert_grounded(answer)
    assert "24 July 2019" in answer.answer
    assert answer.citations[0].doc_id.startswith("003_")


@pytest.mark.integration
def test_a_year_no_document_mentions_is_not_answered_from_another_year(real_pipeline):
    # The 2020 inspection is covered; a 2023 one is not, however alike the question.
    answer = real_pipeline.ask("What did inspectors find about child protection in 2023?")
    assert answer.abstained
    assert not real_pipeline.ask(
        "What did inspectors find about child protection in 2020?"
    ).abstained


@pytest.mark.integration
def test_what_a_named_person_said_is_not_answered_with_someone_elses_words(real_pipeline):
    # Nick Adderley spoke about the 2019 report; the 2013 sources never mention him.
    answer = real_pipeline.ask("What did Nick Adderley say about the 2013 inspection?")
    assert answer.abstained
    said = real_pipeline.ask("What did Nick Adderley say about the 2019 report?")
    assert not said.abstained and "Adderley" in said.answer


@pytest.mark.integration
def test_a_named_body_is_looked_for_where_retrieval_missed_it(real_pipeline):
    # The one passage on the NSCB's review ranks low in meaning, below the top passages.
    answer = real_pipeline.ask("What did the NSCB review criticise the police for?")
    assert_grounded(answer)
    assert "missed opportunities" in answer.answer
    assert all(c.doc_id.startswith("003_") for c in answer.citations)


@pytest.mark.integration
def test_a_named_body_the_answers_source_never_mentions_is_not_answered(real_pipeline):
    # Ofsted is in the 2013 article only; MADRA only in the 2021 force statement.
    assert real_pipeline.ask("What did Ofsted find in 2019?").abstained
    assert real_pipeline.ask("What did Zoe Billingham say about MADRA?").abstained
    # The inspectorate's old and new names are one body.
    for question in (
        "What did HMIC say about the force in 2019?",
        "What did HMICFRS find in 2013?",
    ):
        answer = real_pipeline.ask(question)
        assert not answer.abstained, question


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        "What did the PEEL inspection conclude about Northamptonshire Police's child protection?",
        "What did the NSPCC say about the force's child protection in 2021?",
        "Did the MASH improve how Northamptonshire Police shares information about children?",
    ],
)
def test_an_acronym_the_documents_neither_use_nor_spell_out_is_not_answered(
    real_pipeline, question
):
    assert real_pipeline.ask(question).abstained


@pytest.mark.integration
def test_a_count_for_another_team_or_year_is_not_the_count_asked_for(real_pipeline):
    # 31 cases is the POLIT team's average workload, not the IOM team's.
    assert real_pipeline.ask("How many cases does each IOM officer handle on average?").abstained
    answer = real_pipeline.ask("How many cases does each POLIT officer handle on average?")
    assert not answer.abstained and "31 cases" in answer.answer


@pytest.mark.integration
def test_a_body_named_in_common_words_is_looked_for_by_its_whole_name(real_pipeline):
    # "Safeguarding", "Children" and "Board" are each common words in the documents; the
    # board's name together is in the 2019 article only.
    answer = real_pipeline.ask("What did the Safeguarding Children Board review say?")
    assert_grounded(answer)
    assert "missed opportunities" in answer.answer
    assert answer.citations[0].doc_id.startswith("003_")


@pytest.mark.integration
def test_a_question_typed_as_keywords_is_answered(real_pipeline):
    # No question word: the name makes the sentence on topic, the last word its kind.
    answer = real_pipeline.ask("Simon Bailey role")
    assert_grounded(answer)
    assert "national lead" in answer.answer
    answer = real_pipeline.ask("2013 HMIC return date")
    assert "October" in answer.statements[0].text


@pytest.mark.integration
def test_the_dates_a_question_gives_are_not_its_answer(real_pipeline):
    # The third inspection's period, not the 2021 report's publication date.
    answer = real_pipeline.ask(
        "Which period of inspection work is the March 2021 assessment of progress based on?"
    )
    assert_grounded(answer)
    assert "November and December 2020" in answer.statements[0].text


@pytest.mark.integration
def test_a_time_of_day_can_be_a_part_of_the_day(real_pipeline):
    answer = real_pipeline.ask("At what time of day was the 2013 HMIC report published?")
    assert_grounded(answer)
    assert "this morning" in answer.statements[0].text


@pytest.mark.integration
def test_a_purpose_is_answered_with_the_aim_not_the_occasion(real_pipeline):
    # MADRA was set up "in response to" a rise in domestic abuse; its aim is another sentence.
    answer = real_pipeline.ask("What was the aim of MADRA?")
    assert_grounded(answer)
    assert answer.statements[0].text.startswith("The aim was to strengthen child safeguarding")


@pytest.mark.integration
def test_a_name_written_differently_is_still_the_documents_name(real_pipeline):
    # Without the hyphen, or with a letter missing, the name would be one the documents
    # do not know, and the question refused.
    answer = real_pipeline.ask("How old was Dylan Tiffin Brown?")
    assert_grounded(answer)
    assert "2 year-old" in answer.answer
    answer = real_pipeline.ask("What did Nick Adderly say about the 2019 report?")
    assert_grounded(answer)
    assert "Adderley" in answer.searched_for and "Adderley" in answer.answer


@pytest.mark.integration
def test_a_question_asked_indirectly_is_answered_like_the_direct_one(real_pipeline):
    answer = real_pipeline.ask("I need the date the 2019 Heart article came out.")
    assert_grounded(answer)
    assert "24 July 2019" in answer.statements[0].text


@pytest.mark.integration
def test_a_question_about_money_is_not_answered_with_other_numbers(real_pipeline):
    # The 2021 documents give percentages and caseloads, but no amount of money.
    answer = real_pipeline.ask("How much did the force spend on child protection in 2020?")
    assert answer.abstained


@pytest.mark.integration
def test_a_question_about_a_place_is_not_answered_without_one(real_pipeline):
    # The documents say when and how the children died, never where they lived.
    assert real_pipeline.ask("Where did Dylan Tiffin-Brown live?").abstained
    assert real_pipeline.ask("At which crown court were the two killers sentenced?").abstained
    answer = real_pipeline.ask("Which country's police forces does the NCPI programme inspect?")
    assert not answer.abstained and "England and Wales" in answer.answer


@pytest.mark.integration
def test_a_possessive_name_is_a_name_the_documents_know(real_pipeline):
    # "Heart's" is Heart, the publisher of 003, not a name the corpus lacks.
    answer = real_pipeline.ask("Heart's story on the 2019 report: when was it last updated?")
    assert_grounded(answer)
    assert "17:15" in answer.answer


@pytest.mark.integration
def test_a_follow_up_is_understood_from_the_earlier_turn(real_pipeline):
    first = real_pipeline.ask("What does MADRA stand for?")
    history = [Turn("What does MADRA stand for?", first.searched_for, first)]
    follow = real_pipeline.ask("When was it set up?", history)
    assert_grounded(follow)
    assert follow.searched_for != follow.question
    assert "Multi Agency Daily Risk Assessment" in follow.searched_for
    assert "April 2020" in follow.answer


@pytest.mark.integration
def test_a_question_naming_a_year_prefers_sources_about_that_year(real_pipeline):
    for year, doc in (("2013", "001_db44794824846e28"), ("2019", "003_934f7f560a60dbae")):
        answer = real_pipeline.ask(f"What did inspectors find about the force in {year}?")
        assert_grounded(answer)
        assert answer.citations[0].doc_id == doc, year
        # Nothing is said twice (a quote run on to the next sentence, which is also shown).
        said = [" ".join(st.text.split()) for st in answer.statements]
        assert not any(a in b for a, b in itertools.permutations(said, 2)), said


@pytest.mark.integration
def test_each_answer_reports_its_timings(real_pipeline):
    answer = real_pipeline.ask("What is MADRA?")
    assert set(answer.timings_ms) == {"retrieve", "answer", "total"}


@pytest.mark.unit
def test_sources_of_different_years_are_labelled_not_blended():
    statements = [
        Statement(text="In 2019 progress was slow.", citations=(1,), label="2019"),
        Statement(text="In 2021 the response was excellent.", citations=(2,), label="2021"),
    ]
    text = render(statements)
    assert text.splitlines() == [
        "From 2019: In 2019 progress was slow. [1]",
        "From 2021: In 2021 the response was excellent. [2]",
    ]
    assert render([Statement(text="One fact.", citations=(1, 2))]) == "One fact. [1][2]"


@pytest.mark.unit
def test_the_citation_check_drops_a_statement_whose_quote_is_not_in_its_document(caplog):
    doc = DOCS["003_934f7f560a60dbae"]
    start = doc.text.index("21 child protection case files")
    from assistant.types import Chunk

    chunk = Chunk(
        chunk_id="c", doc_id=doc.doc_id, index=0, text=doc.text[:500], start=0, end=500, tokens=1
    )
    good = make_citation(1, doc, start, start + 30, chunk)
    forged = good.model_copy(update={"n": 2, "quote": "viewed 25 child protection case files"})
    kept, citations, problems = checked(
        [Statement(text=good.quote, citations=(1,)), Statement(text=forged.quote, citations=(2,))],
        [good, forged],
        DOCS,
        verbatim=True,
    )
    assert [s.text for s in kept] == [good.quote] and [c.n for c in citations] == [1]
    assert any("quote not found" in p for p in problems)
    assert "citation check" in caplog.text


@pytest.mark.unit
@pytest.mark.parametrize(
    "acronym,text,expected",
    [
        (
            "MADRA",
            "the Multi Agency Daily Risk Assessment (MADRA), established",
            "Multi Agency Daily Risk Assessment",
        ),
        (
            "HMICFRS",
            "by Her Majesty's Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS) viewed",
            "Her Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
        ),
        (
            "MOSOVO",
            "the MOSOVO (Management of Sexual or Violent Offenders) team",
            "Management of Sexual or Violent Offenders",
        ),
        ("IOM", "Integrated Offender Manager team (IOM) officers", "Integrated Offender Manager"),
        ("OFSTED", "A damning OFSTED report found", None),
        ("ABC", "the Alpha Beta Gamma Delta (ABC) board", None),
    ],
)
def test_acronym_expansions_are_found_only_where_the_words_spell_it(acronym, text, expected):
    span = expansion(acronym, text)
    assert (text[span[0] : span[1]] if span else None) == expected


@pytest.mark.integration
def test_a_heading_or_dateline_does_not_answer_what_a_report_found(real_pipeline):
    # The question names the report by its date and title; the dateline under the title
    # ("... assessment of progress Published on: 24 March 2021") says nothing about it.
    answer = real_pipeline.ask(
        "What did the 24 March 2021 assessment say about the force's leadership?"
    )
    assert "Published on" not in answer.answer
    # A metadata line still answers what it itself gives: the PDF's size.
    answer = real_pipeline.ask("How big is the PDF of the assessment of progress?")
    assert_grounded(answer)
    assert "317kB" in answer.statements[0].text


@pytest.mark.integration
def test_a_date_within_a_year_is_not_taken_from_another_year(real_pipeline):
    # The documents date the third inspection (2020), never the month of the first (2018).
    assert real_pipeline.ask(
        "Which month in 2018 was the first child protection inspection?"
    ).abstained
    answer = real_pipeline.ask("When in 2020 did HMICFRS carry out the third inspection?")
    assert_grounded(answer)
    assert "November and December 2020" in answer.statements[0].text


@pytest.mark.integration
def test_a_count_of_people_is_not_answered_by_a_span_of_time(real_pipeline):
    # "training ... over the past two years" does not say how many were trained.
    assert real_pipeline.ask(
        "How many staff have completed child vulnerability training?"
    ).abstained


@pytest.mark.integration
def test_which_officers_asks_for_a_kind_of_officer_not_a_name(real_pipeline):
    answer = real_pipeline.ask(
        "Which officers' records showed they considered what children wanted?"
    )
    assert_grounded(answer)
    assert "response and specialist investigators" in answer.answer


@pytest.mark.integration
def test_words_a_question_quotes_find_the_passage_that_has_them(real_pipeline):
    answer = real_pipeline.ask(
        'Before the 2019 report, which local body had said the force "missed opportunities"?'
    )
    assert_grounded(answer)
    assert "Safeguarding Children Board" in answer.answer


@pytest.mark.integration
def test_an_answer_that_points_back_shows_what_it_points_at(real_pipeline):
    answer = real_pipeline.ask("Why did HMICFRS carry out a third inspection in 2020?")
    assert_grounded(answer)
    # "Due to these concerns, ..." comes with the concerns it refers to.
    assert "progress since our initial inspection was slow" in answer.statements[0].text


@pytest.mark.integration
def test_keywords_typed_in_lower_case_find_the_names_they_mean(real_pipeline):
    answer = real_pipeline.ask("adderley unequivocal")
    assert_grounded(answer)
    assert answer.searched_for == "Adderley unequivocal"
    assert "unequivocally" in answer.statements[0].text


@pytest.mark.integration
def test_who_is_a_named_person_is_answered_with_what_they_are(real_pipeline):
    answer = real_pipeline.ask("Who is Simon Bailey?")
    assert_grounded(answer)
    assert "national lead" in answer.statements[0].text


@pytest.mark.integration
def test_keywords_ending_on_a_kind_of_answer_want_that_kind(real_pipeline):
    answer = real_pipeline.ask("HMICFRS full name")
    assert_grounded(answer)
    assert "Inspectorate of Constabulary and Fire" in answer.statements[0].text
    # No budget is given for the team, so none is made up from its other figures.
    assert real_pipeline.ask("MOSOVO budget 2021").abstained


@pytest.mark.integration
def test_who_did_something_a_body_does_is_answered_with_the_body(real_pipeline):
    answer = real_pipeline.ask("Who said the force had missed opportunities?")
    assert_grounded(answer)
    assert "Safeguarding Children Board" in answer.statements[0].text


@pytest.mark.integration
def test_a_figure_from_a_source_about_another_year_is_not_the_one_asked_for(real_pipeline):
    # The 25% is in the force's 2021 statement; it gives no figure for 2019.
    question = (
        "What percentage reduction in time to find missing children did the force achieve in {}?"
    )
    assert real_pipeline.ask(question.format(2019)).abstained
    answer = real_pipeline.ask(question.format(2021))
    assert_grounded(answer)
    assert "25%" in answer.statements[0].text


@pytest.mark.integration
def test_a_headline_is_answered_by_the_title_however_little_it_shares_with_the_question(
    real_pipeline,
):
    answer = real_pipeline.ask("What was the headline of Heart's 2019 article?")
    assert_grounded(answer)
    assert answer.statements[0].text.startswith("Northants Police slow on child protection")


@pytest.mark.integration
def test_a_dateline_answers_when_a_report_came_out_not_when_an_inspection_happened(
    real_pipeline,
):
    answer = real_pipeline.ask(
        "When did the National Child Protection Inspection programme first inspect Northamptonshire?"
    )
    assert_grounded(answer)
    assert "2018" in answer.statements[0].text
    answer = real_pipeline.ask("When was the assessment of progress published?")
    assert "24 March 2021" in answer.statements[0].text


@pytest.mark.integration
def test_a_source_named_only_by_its_publisher_is_found_and_dated(real_pipeline):
    # "Heart" is only the article's publisher: no passage says it.
    answer = real_pipeline.ask("When was the Heart article first published?")
    assert_grounded(answer)
    assert "24 July 2019" in answer.statements[0].text
    answer = real_pipeline.ask("What did Heart report on 24 July 2019?")
    assert_grounded(answer)
    assert all(c.doc_id.startswith("003_") for c in answer.citations)


@pytest.mark.unit
def test_question_words_the_documents_lack_are_embedded_with_the_question_once(fake_pipeline):
    """The corpus words near a question's unknown words ("kids": "children") need the
    words' vectors: they are made with the question's own (not in a pass of their own on
    another thread, which on two cores queues behind the others), and only once."""
    import threading

    fake_pipeline.build()
    fake = fake_pipeline.embed_model
    assert fake_pipeline.reader.tables.stats.df.get("kid", 0) == 0
    fake_pipeline.ask("Do officers listen to what the kids themselves say?")
    assert fake.embedded_on("kids") == [threading.current_thread().name]
    fake_pipeline.ask("Do the kids get a say?")
    assert fake.embedded_on("kids") == [threading.current_thread().name]


@pytest.mark.unit
def test_answering_keeps_numpy_products_to_one_thread(fake_pipeline):
    """Beside the other thread's model pass, numpy's BLAS splitting a product over both
    cores waits for the busy one (ranking 2,000 chunk vectors: 6-8 ms, 0.05 on one)."""
    from threadpoolctl import threadpool_info

    fake_pipeline.build()
    fake_pipeline.ask("How many case files were reviewed?")
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(lib["num_threads"] == 1 for lib in blas)


@pytest.mark.integration
def test_a_question_takes_two_model_passes_each_on_a_share_of_the_cores(real_pipeline, monkeypatch):
    """A question takes two passes side by side: the embedding model's, for the question
    and its words no document uses together, and the reader model's. Each runs on its share
    of torch's threads (one apiece on two cores), not each on all of them, which on two
    cores makes them queue behind each other; so would a third pass."""
    import torch

    from assistant.answer import reader_model
    from assistant.index.bert import Bert
    from assistant.index.embed import shared_threads

    share = shared_threads()
    seen: dict[str, list[tuple[int, int]]] = {"embedder": [], "reader": []}

    def spying(kind, function, texts):  # type: ignore[no-untyped-def]
        def spy(*args):  # type: ignore[no-untyped-def]
            seen[kind].append((torch.get_num_threads(), len(texts(args))))
            return function(*args)

        return spy

    embedder = type(real_pipeline.embed_model)
    monkeypatch.setattr(embedder, "_encode", spying("embedder", embedder._encode, lambda a: a[1]))
    monkeypatch.setattr(Bert, "packed", spying("embedder", Bert.packed, lambda a: a[1]))
    mean_pooled = reader_model.mean_pooled
    monkeypatch.setattr(reader_model, "mean_pooled", spying("reader", mean_pooled, lambda a: a[2]))
    before = torch.get_num_threads()
    # "gumshoes": a word no document uses, embedded with the question.
    real_pipeline.ask("Did gumshoes check on registered sex offenders in Northamptonshire?")
    # One pass: the question with "gumshoes" (and any other word no document uses).
    assert len(seen["embedder"]) == 1 and seen["embedder"][0][1] >= 2
    assert seen["embedder"][0][0] == share
    assert seen["reader"] and {n for n, _ in seen["reader"]} == {share}
    assert torch.get_num_threads() == before  # the asking thread has all of its threads back
