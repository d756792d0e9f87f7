"""The reader model: the committed adapter, checked against the base weights it was trained
on, and what it changes about which sentence answers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.answer.reader_model import ADAPTER_PATH, read_adapter
from assistant.errors import ModelIntegrityError
from assistant.index.embed import WEIGHTS_SHA256

ROOT = Path(__file__).resolve().parents[2]


def _adapter(path: Path, base: str) -> Path:
    import torch
    from safetensors.torch import save_file

    save_file({"0.attention.self.query.a": torch.zeros(8, 384)}, str(path), {"base_sha256": base})
    return path


@pytest.mark.unit
def test_an_adapter_for_other_base_weights_is_refused(tmp_path: Path) -> None:
    path = _adapter(tmp_path / "a.safetensors", "0" * 64)
    with pytest.raises(ModelIntegrityError, match=r"trained on other base weights.*retrain"):
        read_adapter(path)


@pytest.mark.unit
def test_a_missing_adapter_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ModelIntegrityError, match=r"not found.*train_reader\.py"):
        read_adapter(tmp_path / "none.safetensors")


@pytest.mark.unit
def test_the_committed_adapter_is_for_the_bundled_model() -> None:
    tensors, meta = read_adapter(ADAPTER_PATH)
    assert meta["base_sha256"] == WEIGHTS_SHA256
    assert len(tensors) == 6 * 6 * 2  # six layers, six linear maps each, A and B


@pytest.mark.integration
def test_an_incomplete_adapter_is_refused_when_merged(tmp_path: Path) -> None:
    from assistant.answer.reader_model import load_reader

    path = _adapter(tmp_path / "a.safetensors", WEIGHTS_SHA256)
    with pytest.raises(ModelIntegrityError, match=r"no weights for 0\.attention\.self\.query"):
        load_reader(path)


@pytest.mark.integration
def test_training_moves_the_question_toward_its_answer() -> None:
    """One short run of the trainer on two questions: each question's answer gains on the
    other sentences offered with it, by 0.05 in cosine on average (a broken loss or optimiser step would not)."""
    sys.path.insert(0, str(ROOT / "evals"))
    from train_reader import CONFIG, Example, similarities, train

    texts = [
        "POLIT officers have an average workload of 31 cases.",
        "The report was published on 24 March 2021.",
        "Zoë Billingham is HM Inspector of Constabulary.",
        "Trigger plans are in place for the most frequent missing persons.",
    ]
    data = [
        Example("a", "g", "How busy is the online abuse team?", texts, [1, 0, 0, 0], [0.0] * 4),
        Example("b", "g", "Who gets a trigger plan?", texts, [0, 0, 0, 1], [0.0] * 4),
    ]
    config = {**CONFIG, "epochs": 4, "negatives": 3}
    trained = train(data, config)
    before = similarities({k: v * 0 for k, v in trained.items()}, data)  # the base model
    after = similarities(trained, data)

    def margin(sims: dict[str, dict[str, float]], case: str, answer: str) -> float:
        others = [s for t, s in sims[case].items() if t != answer]
        return sims[case][answer] - max(others)

    answers = {ex.case_id: ex.texts[ex.labels.index(1)] for ex in data}
    gains = [margin(after, c, a) - margin(before, c, a) for c, a in answers.items()]
    assert sum(gains) / len(gains) > 0.05


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Written for this test, not in the eval set; the words barely meet the source's.
        ("What went wrong with computers taken from suspects back in 2013?", "delays in analysing"),
        ("What made the force set up a daily risk meeting with partners?", "COVID-19 lockdown"),
    ],
)
def test_the_reader_model_finds_the_answer_to_a_paraphrase(real_pipeline, question, expected):
    answer = real_pipeline.ask(question)
    assert not answer.abstained and expected in answer.answer
    real_pipeline.extractive.model = None  # without it: refused, wrong, or far less sure
    try:
        without = real_pipeline.ask(question)
    finally:
        real_pipeline.extractive.model = real_pipeline.reader_model
    assert (
        without.abstained
        or expected not in without.answer
        or without.confidence < answer.confidence - 0.2
    )
