"""The stored picture after ingests in steps equals the picture of every stored article at once,
whichever process made the steps and however old the stored consolidator state is."""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from briefings import service
from briefings.consolidate import consolidate
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import pipeline
from briefings.storage.db import Database
from briefings.storage.picture import unpack_picture
from briefings.storage.tables import Article, Picture

EXAMPLES = sorted(p for p in (Path(__file__).resolve().parents[1] / "examples" / "articles").glob("*.txt"))


def stored(db: Database) -> tuple[int, dict[str, Any], bool]:
    """(version, payload, whether a state is stored)."""
    with db.transaction() as session:
        row = session.scalars(select(Picture)).one()
        return row.version, unpack_picture(row.packed).model_dump(mode="json"), row.state is not None


def from_scratch(db: Database) -> dict[str, Any]:
    with db.transaction() as session:
        return consolidate(list(pipeline.stored_summaries(session))).model_dump(mode="json")


def ingest(db: Database, extractor: Extractor, paths: list[Path]) -> None:
    report = service.ingest_articles(db, [str(p) for p in paths], FetchPolicy(), extractor)
    assert report.ingested == len(paths), report.summary()


def test_steps_in_one_process_and_in_others_give_the_batch_picture(
    db_url: str, extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "STATE_EVERY", 2)  # the stored state lags behind the picture
    assert len(EXAMPLES) >= 5
    first, second = Database(db_url), Database(db_url)  # two processes, as far as the picture knows
    try:
        ingest(first, extractor, EXAMPLES[:2])  # no state yet: built and saved
        assert stored(first)[2]
        ingest(first, extractor, EXAMPLES[2:3])  # warm: one article merged, state not saved again
        ingest(second, extractor, EXAMPLES[3:4])  # cold: the state lacks two articles, caught up
        version, payload, _ = stored(second)
        assert payload == from_scratch(second) and payload["officials"]
        ingest(first, extractor, EXAMPLES[4:])  # its memory is a version behind: it restores instead
        version_after, payload, _ = stored(first)
        assert version_after == version + 1
        assert payload == from_scratch(first)
    finally:
        first.dispose()
        second.dispose()


def test_a_state_that_cannot_be_read_is_rebuilt(db_url: str, extractor: Extractor) -> None:
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[:2])
        with db.transaction() as session:
            session.scalars(select(Picture)).one().state = b"not a pickled consolidator"
    finally:
        db.dispose()
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[2:3])
        _, payload, has_state = stored(db)
        assert payload == from_scratch(db) and has_state
    finally:
        db.dispose()


def test_a_state_other_code_stored_is_rebuilt(db_url: str, extractor: Extractor) -> None:
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[:2])
        with db.transaction() as session:  # as older code would have left it: an index it lacks
            row = session.scalars(select(Picture)).one()
            assert row.state is not None
            _, consolidator = pickle.loads(zlib.decompress(row.state))
            del consolidator._timeline
            row.state = zlib.compress(pickle.dumps(("older code", consolidator)))
    finally:
        db.dispose()
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[2:3])
        _, payload, _ = stored(db)
        assert payload == from_scratch(db)
    finally:
        db.dispose()


class Recording:
    """The real extractor, noting which stories were handed to its workers."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor
        self.submitted: list[str] = []

    def workers(self, n_process: int = 1) -> pipeline.Workers:
        inner = self.extractor.workers(n_process)
        submitted = self.submitted

        class Noting:
            def __enter__(self) -> Noting:
                inner.__enter__()
                return self

            def __exit__(self, *exc: object) -> None:
                inner.__exit__(*exc)

            def submit(self, items: list[tuple[str, Any]]) -> pipeline.Pending:
                submitted.extend(name for name, _ in items)
                return inner.submit(items)

        return Noting()


def articles(db: Database) -> list[tuple[str, list[str]]]:
    with db.transaction() as session:
        rows = session.scalars(select(Article).order_by(Article.id)).all()
        return [(a.content_hash, sorted(s.source.rsplit("/", 1)[-1] for s in a.sources)) for a in rows]


def test_overlapping_batches_store_what_one_batch_at_a_time_stores(
    db_url: str, extractor: Extractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers, batches of two, two batches ahead: a story that comes again while its first
    copy is still being extracted is extracted once and stored once, with both sources."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, path in enumerate(EXAMPLES):
        (folder / f"{3 * i:02d}-{path.name}").write_bytes(path.read_bytes())
        if i % 2 == 0:  # the same story again, after the next one: in the next batch
            (folder / f"{3 * i + 4:02d}-again.txt").write_bytes(path.read_bytes())
    monkeypatch.setattr(pipeline, "BATCH", 2)
    monkeypatch.setattr(pipeline, "AHEAD", 2)
    recording = Recording(extractor)
    overlapped = Database(db_url)
    one_at_a_time = Database(f"sqlite:///{tmp_path / 'sequential.db'}")
    try:
        report = service.ingest_articles(overlapped, [str(folder)], FetchPolicy(), recording, n_process=2)
        assert (report.ingested, report.unchanged, report.new_sources) == (len(EXAMPLES), 3, 3)
        assert sorted(recording.submitted) == sorted(set(recording.submitted))  # each story once
        assert len(recording.submitted) == len(EXAMPLES)
        monkeypatch.setattr(pipeline, "AHEAD", 0)
        service.ingest_articles(one_at_a_time, [str(folder)], FetchPolicy(), extractor)
        assert articles(overlapped) == articles(one_at_a_time)
        assert stored(overlapped)[1] == stored(one_at_a_time)[1] == from_scratch(overlapped)
    finally:
        overlapped.dispose()
        one_at_a_time.dispose()
