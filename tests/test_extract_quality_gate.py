"""Extraction quality gate: the seed articles, scored by the shared scorer, against pinned floors.

The floors live in ``tests/quality_floors.json``. They can only go up:
``test_floors_are_not_lowered`` fails when a floor there is below the value pinned in
``PINNED_FLOORS`` below, so lowering one needs an edit to this file too, in plain sight of review.

How to raise the floors (after an improvement, with the measured numbers in the commit message):
1. run ``.venv/bin/pytest tests/test_extract_quality_gate.py -q -s`` and read the printed table;
2. set the new floors in ``tests/quality_floors.json`` (keep a small margin under the measured value);
3. copy the same numbers into ``PINNED_FLOORS`` here, in the same commit.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from briefings.consolidate import consolidate
from briefings.extract import Extractor
from briefings.ingest.clean import clean_text
from briefings.models import CleanArticle

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FLOORS_FILE = Path(__file__).with_name("quality_floors.json")

PINNED_CONSOLIDATED_FLOORS: dict[str, float] = {
    "score": 0.85,
    "officials": 0.9,
    "agreements": 0.75,
    "issues": 0.9,
    "timeline": 0.7,
    "discrepancies": 0.8,
}

PINNED_FLOORS: dict[str, float] = {
    "score": 0.95,
    "officials": 0.95,
    "titles": 0.95,
    "countries": 0.95,
    "agreements": 0.9,
    "issues": 0.9,
    "events": 0.8,
    "quotes": 0.9,
    "speakers": 0.9,
    "figures": 0.9,
}

needs_shared = pytest.mark.skipif(
    not (SHARED / "seeds").is_dir() or not (SHARED / "eval" / "score.py").is_file(),
    reason=f"shared seeds/scorer not found at {SHARED} (the quality gate needs ../shared beside the repo)",
)


def _floors() -> dict[str, float]:
    raw: dict[str, Any] = json.loads(FLOORS_FILE.read_text())
    return {"score": float(raw["score"]), **{k: float(v) for k, v in raw["f1"].items()}}


def _consolidated_floors() -> dict[str, float]:
    raw: dict[str, Any] = json.loads(FLOORS_FILE.read_text())
    return {k: float(v) for k, v in raw["consolidated"].items()}


def _load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _article(path: Path) -> CleanArticle:
    return clean_text(path.read_text(encoding="utf-8"))


def test_floors_are_not_lowered() -> None:
    floors = _floors()
    assert set(floors) == set(PINNED_FLOORS), "quality_floors.json and PINNED_FLOORS name different fields"
    lowered = {k: (floors[k], v) for k, v in PINNED_FLOORS.items() if floors[k] < v}
    assert not lowered, f"floors lowered below the pinned values (file, pinned): {lowered}"
    merged = _consolidated_floors()
    assert set(merged) == set(PINNED_CONSOLIDATED_FLOORS)
    lowered = {k: (merged[k], v) for k, v in PINNED_CONSOLIDATED_FLOORS.items() if merged[k] < v}
    assert not lowered, f"consolidated floors lowered below the pinned values (file, pinned): {lowered}"


@needs_shared
def test_seed_quality_meets_floors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ex = Extractor.load()
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    items = [(p.name, _article(p)) for p in seeds]
    summaries = [s.model_dump(mode="json") for s in ex.extract_many(items)]
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps(summaries))
    with capsys.disabled():
        result = _load_scorer().score(SHARED / "gold", pred)
    measured = {
        "score": float(result["score"]),
        **{k: float(result[k]["f1"]) for k in PINNED_FLOORS if k != "score"},
    }
    below = {k: (measured[k], floor) for k, floor in _floors().items() if measured[k] < floor}
    assert not below, f"extraction quality below floors (measured, floor): {below}"


@needs_shared
def test_consolidated_quality_meets_floors(tmp_path: Path) -> None:
    ex = Extractor.load()
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    picture = consolidate(list(ex.extract_many([(p.name, _article(p)) for p in seeds])))
    pred = tmp_path / "consolidated.json"
    pred.write_text(picture.model_dump_json())
    scorer = SHARED / "eval" / "score_consolidated.py"
    out = subprocess.run(
        [
            sys.executable,
            str(scorer),
            "--gold",
            str(SHARED / "gold" / "CONSOLIDATED.json"),
            "--pred",
            str(pred),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = {
        m.group(1).strip(): float(m.group(2)) for m in re.finditer(r"^([a-z ]+?)\s+([01]\.\d{3})$", out, re.M)
    }
    rows["score"] = float(re.search(r"^score: ([0-9.]+)$", out, re.M).group(1))  # type: ignore[union-attr]
    below = {k: (rows[k], floor) for k, floor in _consolidated_floors().items() if rows[k] < floor}
    assert not below, f"consolidation quality below floors (measured, floor): {below}\n{out}"
