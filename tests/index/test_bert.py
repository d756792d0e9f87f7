"""The bundled model runs on torch alone: the same vectors as transformers gives, to the
bit, and a question answered in a fresh process never imports transformers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index.embed import MAX_TOKENS, base_model, inference_copy
from assistant.ingest.corpus import load_corpus
from assistant.text.sentences import sentence_spans

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _texts() -> list[str]:
    docs = load_corpus(ROOT / "corpus").documents
    texts = [d.text[s:e] for d in docs for s, e in sentence_spans(d.text)]
    # Whole documents (truncated at 256 tokens), accents, typographic marks, nothing.
    texts += [d.text for d in docs] + ["Zoë’s café — “naïve” £1,234", ""]
    return texts


def test_token_ids_and_vectors_are_transformers_own_to_the_bit():
    import torch

    theirs, their_tokenizer = base_model()
    ours, our_tokenizer = inference_copy()
    assert "transformers" not in type(ours).__module__
    texts = _texts()
    with torch.inference_mode():
        for size in (1, 32):  # alone (no padding) and in padded batches
            for start in range(0, len(texts), size):
                batch = texts[start : start + size]
                kwargs = {"padding": True, "truncation": True, "max_length": MAX_TOKENS}
                a = their_tokenizer(batch, return_tensors="pt", **kwargs)
                b = our_tokenizer(batch, return_tensors="pt", **kwargs)
                for key in ("input_ids", "token_type_ids", "attention_mask"):
                    assert torch.equal(a[key], b[key]), batch
                expected = theirs(**a).last_hidden_state
                assert torch.equal(ours(**b).last_hidden_state, expected), batch


_ASK = """
import json, sys
from pathlib import Path
from assistant.pipeline import Pipeline
from assistant.settings import Settings

pipeline = Pipeline(Settings(corpus=Path(sys.argv[1]), index=Path(sys.argv[2])))
answer = pipeline.ask("What does MADRA stand for?")
print(json.dumps({"answer": answer.answer, "transformers": "transformers" in sys.modules}))
"""


def test_a_question_answered_in_a_fresh_process_does_not_import_transformers(seed_index):
    out = subprocess.run(
        [sys.executable, "-c", _ASK, str(seed_index.corpus), str(seed_index.index)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    found = json.loads(out.stdout)
    assert "Multi Agency Daily Risk Assessment" in found["answer"]
    assert found["transformers"] is False
