"""Fuzz: hostile files (random bytes, mixed encodings, markup, right-to-left text, emoji, broken
pages and feeds, sizes around the cap) through the real ingestion pipeline into a real database,
and ``briefings ingest`` as a process. A few examples with a fixed seed here; ``python
benchmarks/fuzz_run.py --target ingest --seconds 300`` runs the same properties for longer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from briefings.extract import Extractor
from tests.fuzz.ingest import IngestTarget, run_cli
from tests.fuzz.strategies import FuzzFile, fuzz_files, fuzz_inputs

MAX_BYTES = 64 * 1024
CI = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture
def target(db_url: str, tmp_path: Path, extractor: Extractor) -> Iterator[IngestTarget]:
    fuzz = IngestTarget(db_url, tmp_path / "cases", extractor, max_bytes=MAX_BYTES)
    yield fuzz
    fuzz.close()


def test_hostile_files_are_ingested_or_rejected_in_one_line(target: IngestTarget) -> None:
    @CI
    @given(files=fuzz_files(max_bytes=MAX_BYTES))
    def case(files: list[FuzzFile]) -> None:
        target.check(files)

    case()
    assert target.cases >= 15


def test_cli_ingest_of_hostile_files(tmp_path: Path) -> None:
    """One ``briefings ingest`` run over a folder's worth of fuzz files: a line per rejection, a
    summary, no traceback."""
    drawn: list[list[FuzzFile]] = []

    @settings(CI, max_examples=6, phases=[Phase.generate])
    @given(files=fuzz_files(max_bytes=MAX_BYTES))
    def collect(files: list[FuzzFile]) -> None:
        drawn.append(files)

    collect()
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for case, files in enumerate(drawn):
        for index, item in enumerate(files):
            path = folder / f"{case}-{index}-{item.name}"
            path.write_bytes(item.data)
            paths.append(path)
    run_cli(paths, f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)


GOOD = """India and China agree to restore flights

date 2025-06-13

Indian Foreign Secretary Asha Kumar met Chinese Vice Foreign Minister Liu Bo in New Delhi on June 12.
The two sides agreed to restore direct flights, India said.
"""


def test_hostile_urls_and_paths_are_rejected_one_line_each_and_the_batch_goes_on(
    target: IngestTarget, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")

    @CI
    @given(inputs=fuzz_inputs())
    def case(inputs: list[str]) -> None:
        target.check_inputs(good, inputs)

    case()
    assert target.cases >= 15
