"""The app's `ask` endpoint, called the way a script would, with gradio_client: the same
JSON as `assistant ask --json`, filters, and readable errors."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from assistant.app.server import launch
from assistant.app.ui import build_app
from assistant.pipeline import Pipeline
from assistant.types import Answer

pytestmark = pytest.mark.integration

MADRA = "What does MADRA stand for?"
CITATION_KEYS = {"n", "doc_id", "title", "publisher", "published", "url", "page", "quote",
                 "start", "end", "passage"}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def client(real_pipeline: Pipeline) -> Iterator[Client]:
    settings = real_pipeline.settings.replace(port=free_port())
    demo = build_app(settings, real_pipeline)
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield Client(f"http://127.0.0.1:{settings.port}/", verbose=False)
    finally:
        demo.close()


def test_ask_returns_the_same_json_as_the_cli(client, real_pipeline):
    got = client.predict(MADRA, api_name="/ask")
    assert set(got) == set(Answer.model_fields)
    assert got["question"] == got["searched_for"] == MADRA and got["abstained"] is False
    assert "Multi Agency Daily Risk Assessment" in got["answer"]
    assert set(got["timings_ms"]) >= {"retrieve", "answer", "total"}
    cited = got["citations"][0]
    assert set(cited) >= CITATION_KEYS and cited["doc_id"] == "004_16b96cc67d0bace7"
    assert cited["published"] == "2021-03-24" and cited["url"].startswith("https://")
    start = cited["start"] - cited["passage_start"]
    assert cited["passage"][start : start + len(cited["quote"])] == cited["quote"]
    expected = real_pipeline.ask(MADRA).model_dump(mode="json")  # what `ask --json` prints
    assert {**got, "timings_ms": {}} == {**expected, "timings_ms": {}}


def test_an_off_topic_question_abstains_with_suggestions(client):
    got = client.predict("What is the recipe for lasagne?", api_name="/ask")
    assert got["abstained"] is True and got["citations"] == []
    assert got["suggestions"] and "do not answer" in got["answer"]


def test_filters_restrict_the_sources(client):
    only = "003_934f7f560a60dbae"
    got = client.predict(
        "How many case files did inspectors review in 2019?", doc_ids=[only], api_name="/ask"
    )
    assert got["citations"] and {c["doc_id"] for c in got["citations"]} == {only}
    got = client.predict(
        "What did the inspectorate say about the backlog of devices?",
        kinds=["news article"], year_from=2010, year_to=2019, api_name="/ask",
    )  # fmt: skip
    shown = got["citations"] + got["suggestions"]
    assert shown and all("2010" <= s["published"][:4] <= "2019" for s in shown)
    assert all(c["kind"] == "news article" for c in got["citations"])
    # By what the documents are about: only Heart's article speaks of "Northants Police".
    got = client.predict(
        "What did the report conclude about children at risk?", subjects=["Northants"],
        api_name="/ask",
    )  # fmt: skip
    shown = got["citations"] + got["suggestions"]
    assert shown and {s["doc_id"] for s in shown} == {"003_934f7f560a60dbae"}
    assert all(
        c["about"] == "Northants Police (inferred from the title and text)"
        for c in got["citations"]
    )


def test_filters_also_apply_to_acronym_expansions(client):
    got = client.predict(MADRA, year_from=2014, year_to=2019, api_name="/ask")
    assert all(c["published"][:4] <= "2019" for c in got["citations"])


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "the question is empty"), ("x" * 100_000, "100,000 characters long")],
)
def test_bad_questions_get_a_readable_error(client, question, message):
    with pytest.raises(AppError, match=message):
        client.predict(question, api_name="/ask")


def test_only_the_ask_endpoint_is_public_and_takes_the_question_first(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]
    assert endpoints["/ask"]["parameters"][0]["parameter_name"] == "question"
