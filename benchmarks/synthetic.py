"""Synthetic corpora for the scale runs, generated from the seed documents (no download):
their sentences recombined, with other forces, years and figures, so that BM25 sees text
as varied as real reports. Deterministic for a given seed."""

from __future__ import annotations

import random
import re
from functools import partial
from itertools import cycle
from pathlib import Path

from assistant.ingest.corpus import load_corpus
from assistant.text.sentences import sentence_spans
from benchmarks.common import ROOT

FORCES = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "Cleveland",
    "Cumbria", "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Essex",
    "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire",
    "Humberside", "Kent", "Lancashire", "Leicestershire", "Lincolnshire", "Merseyside",
    "Norfolk", "North Wales", "North Yorkshire", "Nottinghamshire", "South Wales",
    "South Yorkshire", "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley",
    "Warwickshire", "West Mercia", "West Midlands", "West Yorkshire", "Wiltshire",
)  # fmt: skip
FORCE_NAMED = re.compile(r"Northamptonshire|Northants")  # the seeds' force
_YEAR = re.compile(r"\b(20[0-2]\d)\b")
_FIGURE = re.compile(r"\b(?<![\d,.])(\d{1,3})(?![\d,.]*\d{3}\b)\b")


def vary(text: str, rng: random.Random, force: str | None = None, shift: int = 0) -> str:
    """The text about another force, `shift` years later, with other figures."""
    force = force or rng.choice(FORCES)
    text = FORCE_NAMED.sub(force, text)
    text = _YEAR.sub(partial(_shifted, shift), text)
    return _FIGURE.sub(lambda m: str(max(1, int(int(m.group(1)) * rng.uniform(0.5, 1.8)))), text)


def _shifted(shift: int, match: re.Match[str]) -> str:
    return str(int(match.group(1)) + shift)


def seed_sentences() -> list[str]:
    """Every sentence of the seed documents."""
    docs = load_corpus(ROOT / "corpus").documents
    return [d.text[s:e] for d in docs for s, e in sentence_spans(d.text) if e - s > 20]


def chunk_texts(n: int, seed: int = 0, sentences_per_chunk: int = 7) -> list[str]:
    """`n` chunk-sized texts (~160 tokens) of recombined, varied seed sentences."""
    rng = random.Random(seed)
    pool = seed_sentences()
    texts = []
    for _ in range(n):
        force, shift = rng.choice(FORCES), rng.randint(-8, 3)
        picked = rng.sample(pool, sentences_per_chunk)
        texts.append(" ".join(vary(s, rng, force, shift) for s in picked))
    return texts


def corpus_folder(target: Path, documents: int, seed: int = 0) -> Path:
    """`documents` distinct documents in a corpus folder: each a seed document (text and
    metadata) retold of another force and other years and figures; the seeds themselves
    first. A retelling that repeats one already written is drawn again from the next seed:
    a seed without figures has only a force and a year to vary, and the index keeps one
    copy of a text (at 15k documents, a fifth were repeats and the index fell short)."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    seeds = [
        (path.stem.split("_")[1], path.read_text(encoding="utf-8"),
         path.with_suffix(".meta.yaml").read_text(encoding="utf-8"))
        for path in sorted((ROOT / "corpus").glob("*.txt"))
    ]  # fmt: skip
    turns = cycle(seeds)
    written: set[str] = set()
    for i in range(documents):
        name, text, sidecar = next(turns)
        if i >= len(seeds):  # the real documents first, as they are
            force, shift = rng.choice(FORCES), rng.randint(-6, 0)
            text = vary(text, rng, force, shift)
            while text in written:
                name, original, sidecar = next(turns)
                text = vary(original, rng, force, shift)
            sidecar = _YEAR.sub(partial(_shifted, shift), FORCE_NAMED.sub(force, sidecar))
        written.add(text)
        (target / f"{i:04d}_{name}.txt").write_text(text, encoding="utf-8")
        (target / f"{i:04d}_{name}.meta.yaml").write_text(sidecar, encoding="utf-8")
    return target
