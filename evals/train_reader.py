"""Train the reader's adapter (`assistant/answer/reader_model.py`) on the tune cases: the seed eval
set's tune split and, with `--dev`, the development set's two tune batches (folds A, B
and C). Held-out cases, the third batch (`cases-3.yaml`) and the locked folds' questions
are never read, nor, as candidates, the locked folds' documents. The shipped adapter is
trained with `--folds --dev` on 869 cases; with the sentence weights and abstention
refitted on its out-of-fold similarities (`fit_weights.py --dev`), see the README's
development set.

For every answerable tune case, the final turn's candidate sentences are labelled by
whether they hold a required fact. The bundled all-MiniLM-L6-v2 gets a low-rank adapter
trained so that the question's vector lies nearer a fact-bearing sentence than the other
candidates (a softmax over one such sentence, the 7 best-scoring others and 8 at random,
at temperature 0.05). Only the adapter learns; the base weights stay as verified.

    .venv/bin/python evals/train_reader.py --folds --dev  # the shipped adapter, and
                                                          # evals/reader-oof.json.gz
    .venv/bin/python evals/train_reader.py --dev --without dev-A --out /tmp/no-a.safetensors

With `--folds`, it also trains one adapter per fold left out (a development fold's two
batches together, the seed batches dealt among the folds) and records each case's
similarities from the adapter that never saw it. `fit_weights.py` fits abstention on
those: an adapter's similarities for the cases it was trained on flatter it. With
`--without`, it trains one adapter without some groups, to score them held out (copy it
over the shipped adapter and run `assistant eval --set dev`). About 25 minutes for the
adapter on all cases and 15 for each fold's, on two shared cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

from assistant.answer.reader_model import (
    ADAPTER_PATH,
    adapted_layers,
    mean_pooled,
)
from assistant.evals.runner import Case, fact_present
from assistant.index.embed import WEIGHTS_SHA256, base_model
from assistant.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).parent))
from fit_weights import OOF_PATH, eval_sets, final_turn

CONFIG = {"rank": 8, "alpha": 16, "epochs": 2, "lr": 3e-4, "tau": 0.05, "negatives": 15, "seed": 0}
_BATCH = re.compile(r"^(fresh|blind\d+)-")


@dataclass
class Example:
    case_id: str
    group: str  # the batch the case was written in
    question: str  # as searched for (a follow-up rewritten)
    texts: list[str]  # the candidate sentences
    labels: list[bool]  # holds a required fact
    scores: list[float]  # the answerer's score without the adapter


def batch_of(case: Case) -> str:
    m = _BATCH.match(case.id)
    return m.group(1) if m else "first"


def folds_of(groups: set[str]) -> dict[str, str]:
    """The fold each group of cases is left out with: a development fold's batches
    together (dev-A and dev-2-A ask about the same documents), the seed set's batches dealt
    among those folds in turn; each seed batch its own fold without the development set."""
    dev = {g: g.rsplit("-", 1)[1] for g in groups if g.startswith("dev-")}
    letters = sorted(set(dev.values()))
    seed = sorted(groups - dev.keys())
    return dev | {g: letters[i % len(letters)] if letters else g for i, g in enumerate(seed)}


def examples(pipeline: Pipeline, cases: list[Case]) -> list[Example]:
    found = []
    for case in cases:
        answer, _, ranked = final_turn(pipeline, case)
        labels = [any(fact_present(c.text, f) for f in case.facts) for c in ranked]
        if any(labels):
            found.append(
                Example(
                    case_id=case.id,
                    group=batch_of(case),
                    question=answer.searched_for,
                    texts=[c.text for c in ranked],
                    labels=labels,
                    scores=[c.score for c in ranked],
                )
            )
    return found


class LoRA(torch.nn.Module):
    """A linear layer plus a trainable low-rank update."""

    def __init__(self, base: torch.nn.Linear, rank: int, scale: float) -> None:
        super().__init__()
        self.base = base
        self.scale = scale
        self.a = torch.nn.Parameter(torch.randn(rank, base.in_features) / base.in_features**0.5)
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def train(data: list[Example], config: dict[str, Any] = CONFIG) -> dict[str, Any]:
    """The adapter's tensors ("{layer}.a", "{layer}.b"), trained on the examples."""
    torch.manual_seed(config["seed"])
    rnd = random.Random(config["seed"])
    model, tokenizer = base_model()
    for p in model.parameters():
        p.requires_grad = False
    wrapped = {}
    for name, (holder, attr) in adapted_layers(model).items():
        wrapped[name] = LoRA(
            getattr(holder, attr), config["rank"], config["alpha"] / config["rank"]
        )
        setattr(holder, attr, wrapped[name])
    params = [p for m in wrapped.values() for p in (m.a, m.b)]
    opt = torch.optim.AdamW(params, lr=config["lr"], weight_decay=0.0)
    steps = config["epochs"] * len(data)
    warmup = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps)
    )
    model.train()
    order = list(data)
    for _ in range(config["epochs"]):
        rnd.shuffle(order)
        for ex in order:
            pos = [i for i, x in enumerate(ex.labels) if x]
            neg = [i for i, x in enumerate(ex.labels) if not x]
            hard = sorted(neg, key=lambda i: -ex.scores[i])[: config["negatives"] // 2]
            rest = [i for i in neg if i not in hard]
            rnd.shuffle(rest)
            picked = [rnd.choice(pos), *hard, *rest[: config["negatives"] - len(hard)]]
            v = mean_pooled(model, tokenizer, [ex.question] + [ex.texts[i] for i in picked])
            logits = (v[1:] @ v[0]) / config["tau"]
            loss = torch.nn.functional.cross_entropy(logits[None], torch.tensor([0]))
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
    return {
        key: tensor.detach().clone().contiguous()
        for name, m in wrapped.items()
        for key, tensor in ((f"{name}.a", m.a), (f"{name}.b", m.b))
    }


def save(tensors: dict[str, Any], path: Path, cases: int) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"base_sha256": WEIGHTS_SHA256, "config": json.dumps(CONFIG), "cases": str(cases)}
    save_file(tensors, str(path), metadata=meta)


def similarities(tensors: dict[str, Any], data: list[Example]) -> dict[str, dict[str, float]]:
    """Each case's candidate similarities under the adapter: case id: {sentence: cosine}."""
    from assistant.answer.reader_model import ReaderModel, merge_adapter

    model, tokenizer = base_model()
    merge_adapter(model, tensors, CONFIG["alpha"] / CONFIG["rank"])
    reader = ReaderModel(model, tokenizer)
    return {
        ex.case_id: dict(zip(ex.texts, reader.similarities(ex.question, ex.texts), strict=True))
        for ex in data
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", action="store_true", help="also write out-of-fold similarities")
    parser.add_argument("--dev", action="store_true", help="train on the dev tune folds too")
    parser.add_argument(
        "--without", help="train one adapter without these groups (dev-A, or dev-C,dev-2-C)"
    )
    parser.add_argument("--out", type=Path, default=ADAPTER_PATH, help="where to write it")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data = []
    for name, pipeline, cases in eval_sets(dev=args.dev, locked_documents=False):
        pipeline.reader_model = None  # candidates scored as without the adapter
        answerer = pipeline.extractive
        answerer.scoring = replace(answerer.scoring, answers=0.0)
        found = examples(pipeline, [c for c in cases if c.answerable])
        data += [ex if name == "seed" else replace(ex, group=name) for ex in found]
    print(f"{len(data)} answerable tune cases with a fact-bearing candidate", file=sys.stderr)
    if args.without:
        left_out = set(args.without.split(","))
        if left_out - {ex.group for ex in data}:
            parser.error(f"no group {args.without}: {sorted({ex.group for ex in data})}")
        data = [ex for ex in data if ex.group not in left_out]
    t = time.time()
    save(train(data), args.out, len(data))
    print(f"adapter written to {args.out} ({time.time() - t:.0f} s)", file=sys.stderr)
    if args.folds and not args.without:
        oof: dict[str, dict[str, float]] = {}
        fold = folds_of({ex.group for ex in data})
        for left_out in sorted(set(fold.values())):
            t = time.time()
            held = [ex for ex in data if fold[ex.group] == left_out]
            oof |= similarities(train([ex for ex in data if fold[ex.group] != left_out]), held)
            groups = sorted(g for g, f in fold.items() if f == left_out)
            print(
                f"  without {', '.join(groups)} ({len(held)} cases): {time.time() - t:.0f} s",
                file=sys.stderr,
            )
        rounded = {c: {t: round(x, 5) for t, x in sims.items()} for c, sims in oof.items()}
        OOF_PATH.write_bytes(gzip.compress(json.dumps(rounded, sort_keys=True).encode(), mtime=0))
        print(f"out-of-fold similarities written to {OOF_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
