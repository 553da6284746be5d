"""Rules against the learned tagger, with the same criteria.

1. Officials and titles on the real held-out sets (``tests/heldout_real``, ``tests/heldout_real2``):
   the rules' output is ``briefings extract --format json``; the tagger's officials come from
   :mod:`.learned`. Both are scored by the shared scorer (``/work/shared/eval/score.py``: officials
   matched by name, a title right when its words match the gold title's).
2. Span F1 (exact start and end) of TITLE and OFFICIAL on the hand-corrected dev texts, for the
   rules' pre-annotation and for the tagger.

    python -m experiments.title_tagger.evaluate --model DIR [--json OUT]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import spacy

from briefings.ingest.clean import clean_text

from .learned import officials
from .make_data import split

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SCORER = Path("/work/shared/eval/score.py")
SETS = {"heldout_real": ROOT / "tests/heldout_real", "heldout_real2": ROOT / "tests/heldout_real2"}
FIELDS = ("officials", "titles")
SHORT = {"TITLE": "T", "OFFICIAL": "O"}


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(gold: Path, preds: list[dict[str, Any]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(preds, f)
    with contextlib.redirect_stdout(io.StringIO()):
        result = _scorer().score(gold, Path(f.name))
    Path(f.name).unlink()
    return {k: result[k] for k in FIELDS}


def rules_predictions(articles: list[Path]) -> list[dict[str, Any]]:
    cli = Path(sys.executable).parent / "briefings"
    out = subprocess.run(
        [str(cli), "extract", *map(str, articles), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [{"article": p["article"], "officials": p["officials"]} for p in json.loads(out)]


def learned_predictions(nlp: Any, articles: list[Path]) -> tuple[list[dict[str, Any]], float]:
    texts = [clean_text(p.read_text()).text for p in articles]
    list(nlp.pipe(texts[:2]))  # warm up: the first call pays for lazy set-up
    start = time.process_time()
    docs = list(nlp.pipe(texts))
    cpu = time.process_time() - start
    preds = [{"article": p.name, "officials": officials(d)} for p, d in zip(articles, docs, strict=True)]
    return preds, cpu / len(articles)


Spans = set[tuple[int, int, int, str]]  # (text index, start, end, label)


def span_prf(gold: Spans, pred: Spans, label: str) -> dict[str, float]:
    g = {s for s in gold if s[3] == label}
    p = {s for s in pred if s[3] == label}
    tp = len(g & p)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "precision": round(prec, 3),
        "recall": round(rec, 3),
        "f1": round(f1, 3),
        "gold": len(g),
        "pred": len(p),
    }


def dev_spans(nlp: Any) -> dict[str, dict[str, dict[str, float]]]:
    data = HERE / "data"
    annotated = [json.loads(x) for x in (data / "annotated.jsonl").read_text().splitlines()]
    pre = {d["file"]: d for d in (json.loads(x) for x in (data / "pre.jsonl").read_text().splitlines())}
    _, dev = split(annotated)
    gold: Spans = set()
    rules: Spans = set()
    model: Spans = set()
    for i, doc in enumerate(dev):
        gold |= {(i, s, e, lab) for s, e, lab in doc["spans"]}
        rules |= {(i, s, e, lab) for s, e, lab in pre[doc["file"]]["spans"]}
        model |= {
            (i, e.start_char, e.end_char, SHORT[e.label_]) for e in nlp(doc["text"]).ents if e.label_ in SHORT
        }
    return {
        name: {"TITLE": span_prf(gold, pred, "T"), "OFFICIAL": span_prf(gold, pred, "O")}
        for name, pred in (("rules", rules), ("learned", model))
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    nlp = spacy.load(args.model)
    report: dict[str, Any] = {"model": str(args.model), "sets": {}}
    for name, folder in SETS.items():
        articles = sorted((folder / "articles").glob("*.txt"))
        learned, cpu = learned_predictions(nlp, articles)
        report["sets"][name] = {
            "rules": _score(folder / "gold", rules_predictions(articles)),
            "learned": _score(folder / "gold", learned),
            "learned_cpu_ms_per_article": round(cpu * 1000, 1),
        }
    report["dev_spans"] = dev_spans(nlp)
    print(f"{'set':14} {'system':8} {'officials P/R/F1':>20} {'titles P/R/F1':>20}")
    for name, r in report["sets"].items():
        for system in ("rules", "learned"):
            row = [
                f"{r[system][f]['precision']:.3f}/{r[system][f]['recall']:.3f}/{r[system][f]['f1']:.3f}"
                for f in FIELDS
            ]
            print(f"{name:14} {system:8} {row[0]:>20} {row[1]:>20}")
        print(f"{'':14} learned CPU {r['learned_cpu_ms_per_article']} ms/article")
    print("dev span F1 (exact), hand-corrected dev texts:")
    for system, labels in report["dev_spans"].items():
        print(
            f"  {system:8} "
            + "  ".join(
                f"{lab} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} ({v['gold']} gold)"
                for lab, v in labels.items()
            )
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
