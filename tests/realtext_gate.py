"""The quality gate of a development set of real texts (``tests/heldout_real*``): its floors, its
completeness and its score by the shared scorer. Each set's test module pins its own floors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from briefings.extract import Extractor
from briefings.ingest.clean import clean_text

REPO = Path(__file__).resolve().parents[1]
SCORER = REPO.parent / "shared" / "eval" / "score.py"

needs_scorer = pytest.mark.skipif(
    not SCORER.is_file(),
    reason=f"shared scorer not found at {SCORER} (the real-text check needs ../shared beside the repo)",
)


def floors(folder: Path) -> dict[str, float]:
    raw: dict[str, Any] = json.loads((folder / "floors.json").read_text())
    return {"score": float(raw["score"]), **{k: float(v) for k, v in raw["f1"].items()}}


def check_not_lowered(folder: Path, pinned: dict[str, float]) -> None:
    found = floors(folder)
    assert set(found) == set(pinned), "floors.json and PINNED_FLOORS name different fields"
    lowered = {k: (found[k], v) for k, v in pinned.items() if found[k] < v}
    assert not lowered, f"real-text floors lowered below the pinned values (file, pinned): {lowered}"


def check_complete(folder: Path, *, at_least: int) -> None:
    articles = {p.stem for p in (folder / "articles").glob("*.txt")}
    gold = {p.stem for p in (folder / "gold").glob("*.json")}
    assert len(articles) >= at_least
    assert articles == gold, f"texts without gold or gold without text: {articles ^ gold}"
    for path in (folder / "gold").glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["article"] == path.stem + ".txt"


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score_real_texts", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_quality(
    folder: Path, pinned: dict[str, float], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Extract the set with its own taxonomy, score it and compare with its floors (the table is printed)."""
    ex = Extractor.load(folder / "topics.toml")
    paths = sorted((folder / "articles").glob("*.txt"))
    items = [(p.name, clean_text(p.read_text(encoding="utf-8"))) for p in paths]
    pred = tmp_path / f"{folder.name}_pred.json"
    pred.write_text(json.dumps([s.model_dump(mode="json") for s in ex.extract_many(items)]))
    with capsys.disabled():
        print(f"\nreal-text set (tests/{folder.name}):")
        result = _scorer().score(folder / "gold", pred)
    measured = {
        "score": float(result["score"]),
        **{k: float(result[k]["f1"]) for k in pinned if k != "score"},
    }
    below = {k: (measured[k], floor) for k, floor in floors(folder).items() if measured[k] < floor}
    assert not below, f"real-text extraction quality below floors (measured, floor): {below}"
