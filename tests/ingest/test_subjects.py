"""What documents are about: the force inferred from title and text, questions that name
a force answered from its documents (or told that they do not say), undated sources that
read sensibly, and one fact told by two sources answered once."""

from __future__ import annotations

import pytest

from assistant.index.embed import MODEL_ID
from assistant.ingest.corpus import load_corpus
from assistant.ingest.subjects import SubjectIndex, infer_subject, places_about, subjects_named
from assistant.pipeline import Pipeline
from assistant.settings import Settings
from assistant.types import DocumentMeta, Filters

# --- unit: reading the subject ------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("title", "text", "subject"),
    [
        (
            "Cheshire – child protection",
            "Cheshire Constabulary was inspected.",
            "Cheshire Constabulary",
        ),
        (
            "A report",
            "The Chief Constable of Cheshire Police spoke. Cheshire Police agreed.",
            "Cheshire Police",
        ),
        (
            "Review",
            "Avon and Somerset Constabulary improved; Avon and Somerset Constabulary said so.",
            "Avon and Somerset Constabulary",
        ),
        (
            "News",
            "Today Durham Police said it had acted. Durham Police also said more.",
            "Durham Police",
        ),
        # a national report naming forces alike is about none of them
        ("National findings", "Durham Police did well. Cheshire Police did well.", None),
        # "HM Inspectorate of Constabulary" is the inspectorate, not a force
        (
            "Report",
            "HM Inspectorate of Constabulary visited. HM Inspectorate of Constabulary wrote.",
            None,
        ),
    ],
)
def test_the_force_a_document_is_about_is_read_from_its_title_and_text(title, text, subject):
    assert infer_subject(title, text) == subject


@pytest.mark.unit
def test_a_question_names_a_place_by_its_whole_name_only():
    places = ["Yorkshire", "South Yorkshire", "Cheshire"]
    assert subjects_named("What did South Yorkshire Police find?", places) == ["South Yorkshire"]
    assert subjects_named("What did inspectors find in North Yorkshire?", places) == []
    assert subjects_named("In Cheshire, how many cases?", places) == ["Cheshire"]
    assert subjects_named("how did cheshire do in 2023?", places) == ["Cheshire"]


@pytest.mark.unit
def test_a_county_short_form_is_the_same_place():
    def meta(doc_id: str, text: str) -> DocumentMeta:
        return DocumentMeta(doc_id=doc_id, title=doc_id, places=tuple(places_about("", text)))

    index = SubjectIndex(
        [
            meta("a", "Beds Police said. Beds Police agreed."),
            meta("b", "Bedfordshire Police was inspected. Bedfordshire Police agreed."),
            meta("c", "Northumbria Police was inspected. Northumbria Police agreed."),
        ]
    )
    assert set(index.named("How did Bedfordshire do?")) == {"Bedfordshire", "Beds"}
    assert index.named("How did Northumbria do?") == ("Northumbria",)
    assert index.unknown("What did Surrey Police find?") == ["Surrey Police"]
    assert Filters(subjects=("Beds",)).allows(DocumentMeta(doc_id="a", title="a", places=("Beds",)))


# --- the real model over a small corpus of several forces ---------------------------------

DOCS = {
    "cheshire-release.md": """---
title: Cheshire Constabulary – National child protection inspection
publisher: HMICFRS
kind: press release
published: 2022-05-11
---
Cheshire Constabulary must improve how it protects children, says inspectorate
As part of a rolling programme, inspectors examined 38 child protection cases handled by Cheshire Constabulary.

Of the 38 cases, inspectors rated 10 as inadequate.

Cheshire Constabulary said it accepted all nine recommendations.
""",
    "cheshire-news.md": """---
title: Inspectors criticise Cheshire Police over child protection
publisher: Cheshire Daily
kind: news article
---
Inspectors criticise Cheshire Police over child protection

Of the 38 cases, inspectors rated 10 as inadequate, the report said.

Cheshire Police told this paper it was already acting on the findings of the 2022 report.
""",
    "durham-release.md": """---
title: Durham Constabulary – National child protection inspection
publisher: HMICFRS
kind: press release
published: 2020-02-04
---
Durham Constabulary praised for child protection work
Inspectors examined 52 child protection cases handled by Durham Constabulary.

Of the 52 cases, inspectors rated 4 as inadequate.

Durham Constabulary said it welcomed the report.
""",
    "durham-undated.md": """---
title: Durham Police statement on safeguarding
publisher: Durham Constabulary
kind: force statement
---
Durham Police statement on safeguarding

Durham Police has trained every response officer in spotting signs of child exploitation.

Durham Police will publish its safeguarding plan online.
""",
}


@pytest.fixture(scope="module")
def forces(tmp_path_factory: pytest.TempPathFactory, real_embedder: object) -> Pipeline:
    root = tmp_path_factory.mktemp("forces")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus=corpus, index=root / "index")
    pipeline = Pipeline(settings, embed_model=real_embedder, model_id=MODEL_ID)  # type: ignore[arg-type]
    pipeline.build()
    return pipeline


@pytest.mark.integration
def test_each_document_knows_its_force_and_undated_ones_their_inferred_year(forces: Pipeline):
    metas = {d.doc_id: d.meta for d in load_corpus(forces.settings.corpus).documents}
    assert metas["cheshire-news"].subject == "Cheshire Police"
    assert metas["cheshire-news"].subject_note == "inferred from the title and text"
    assert metas["durham-release"].about == "Durham Constabulary (inferred from the title and text)"
    # An undated page gets the year its text names, marked as inferred; none is made up.
    assert metas["cheshire-news"].published == "2022"
    assert "inferred" in (metas["cheshire-news"].published_note or "")
    assert metas["durham-undated"].published is None


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "force", "figure", "not_figure"),
    [
        ("How many cases did inspectors rate inadequate in Cheshire?", "cheshire", "10", "4 as"),
        ("How many cases did inspectors rate inadequate in Durham?", "durham", "4 as", "10 as"),
    ],
)
def test_a_question_naming_a_force_is_answered_from_that_forces_documents(
    forces: Pipeline, question: str, force: str, figure: str, not_figure: str
):
    answer = forces.ask(question)
    assert not answer.abstained, answer.answer
    assert figure in answer.answer and not_figure not in answer.answer
    assert {c.doc_id.split("-")[0] for c in answer.citations} == {force}


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "force"),
    [
        ("How many cases did Surrey Police have rated inadequate?", "Surrey Police"),
        # "Dorset" is a force's place: the corpus mentions no Dorset at all, so without
        # knowing the forces the question was answered from Cheshire's or Durham's figures.
        ("How many cases were rated inadequate in Dorset?", "Dorset Police"),
    ],
)
def test_a_force_with_no_documents_named_in_full_or_by_place_is_said_to_have_none(
    forces: Pipeline, question: str, force: str
):
    answer = forces.ask(question)
    assert answer.abstained
    assert answer.answer.startswith(f"No document in the corpus is about {force}.")


@pytest.mark.integration
def test_a_question_asking_two_things_answers_one_and_names_the_other_unanswered(
    forces: Pipeline,
):
    answer = forces.ask(
        "How many cases did inspectors rate inadequate in Durham, "
        "and who was the chief constable at the time?"
    )
    assert not answer.abstained
    assert "4 as inadequate" in answer.answer
    assert {c.doc_id for c in answer.citations} == {"durham-release"}
    assert answer.notice and "do not answer this part" in answer.notice
    assert "chief constable" in answer.notice


@pytest.mark.integration
@pytest.mark.parametrize("force", ["Durham", "Cheshire"])
def test_a_follow_up_naming_no_place_stays_with_the_conversations_force(
    forces: Pipeline, force: str
):
    from assistant.retrieve.followups import Turn

    first = f"How many cases did inspectors rate inadequate in {force}?"
    history = [Turn(first, first, forces.ask(first))]
    answer = forces.ask("What did the force say about the report?", history=history)
    assert not answer.abstained, answer.answer
    assert {c.doc_id.split("-")[0] for c in answer.citations} == {force.lower()}, answer.answer


@pytest.mark.integration
def test_what_the_documents_about_a_force_do_not_say_is_said_so(forces: Pipeline):
    answer = forces.ask("Who was Durham Constabulary's chief constable when inspectors visited?")
    assert answer.abstained
    assert answer.answer.startswith("The documents about Durham do not answer this question.")
    assert "2 documents" in answer.answer  # what they do cover, and their nearest passages
    assert all(s.doc_id.startswith("durham") for s in answer.suggestions)


@pytest.mark.integration
def test_the_same_fact_from_two_sources_is_one_statement_citing_both(forces: Pipeline):
    answer = forces.ask("How many of the Cheshire cases were rated inadequate?")
    holding = [st for st in answer.statements if "10 as inadequate" in st.text]
    assert len(holding) == 1, answer.answer
    cited = {c.doc_id for c in answer.citations if c.n in holding[0].citations}
    assert cited == {"cheshire-release", "cheshire-news"}


@pytest.mark.integration
def test_an_undated_source_reads_sensibly_when_sources_are_dated_apart(forces: Pipeline):
    answer = forces.ask(
        "What has Durham Police done about child exploitation and what did inspectors rate?"
    )
    assert "nown" not in answer.answer
    labels = {st.label for st in answer.statements}
    if len(labels) > 1:  # shown apart by year: the undated one says so, never a bare fragment
        assert labels <= {"2020", "an undated source"}


@pytest.mark.unit
def test_a_headline_is_shown_apart_from_the_sentence_under_it():
    from assistant.types import Statement

    glued = Statement(
        text="Cheshire Constabulary must improve, says inspectorate\nAs part of a rolling programme, inspectors examined 38 cases.",
        citations=(1,),
    )
    assert glued.shown() == (
        "Cheshire Constabulary must improve, says inspectorate — As part of a rolling "
        "programme, inspectors examined 38 cases."
    )
    wrapped = Statement(text="The force said\nthat it agreed.", citations=(1,))
    assert wrapped.shown() == "The force said that it agreed."
    # Markdown's marks are not shown inside a quote.
    marked = Statement(text="## Points to note\nInspectors audited **38 cases**.", citations=(1,))
    assert marked.shown() == "Points to note — Inspectors audited 38 cases."


@pytest.mark.integration
def test_the_cli_filters_by_subject_and_shows_it_on_each_source(forces: Pipeline):
    import subprocess
    import sys

    from tests.conftest import ROOT

    dirs = ["--corpus", str(forces.settings.corpus), "--index", str(forces.settings.index)]
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", *dirs, "--subject", "Durham",
         "How many child protection cases did inspectors examine?"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=True,
    )  # fmt: skip
    assert "52 child protection cases" in proc.stdout and "38" not in proc.stdout
    assert "about: Durham Constabulary (inferred from the title and text)" in proc.stdout
