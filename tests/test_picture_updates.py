"""The stored picture after ingests in steps equals the picture of every stored article at once,
whichever process made the steps and however old the stored consolidator state is."""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path
from typing import Any

import msgpack
import pytest
import zstandard
from sqlalchemy import select

from briefings import service
from briefings.beats import load_beats, restrict
from briefings.consolidate import Consolidator, consolidate
from briefings.consolidate import state as consolidator_state
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import picture as picture_service
from briefings.service import pipeline
from briefings.storage import reads
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
        return consolidate(list(reads.stored_summaries(session))).model_dump(mode="json")


def ingest(db: Database, extractor: Extractor, paths: list[Path]) -> None:
    report = service.ingest_articles(db, [str(p) for p in paths], FetchPolicy(), extractor)
    assert report.ingested == len(paths), report.summary()


def test_steps_in_one_process_and_in_others_give_the_batch_picture(
    db_url: str, extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(picture_service, "STATE_EVERY", 2)  # the stored state lags behind the picture
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
        with db.transaction() as session:  # as older code would have left it
            row = session.scalars(select(Picture)).one()
            assert row.state is not None
            consolidator = consolidator_state.load(row.state, pipeline.STATE_VERSION)
            del consolidator._timeline  # an index it lacks: never read, as the code differs
            row.state = consolidator_state.dump(Consolidator(), "older code")
    finally:
        db.dispose()
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[2:3])
        _, payload, _ = stored(db)
        assert payload == from_scratch(db)
    finally:
        db.dispose()


def test_the_stored_state_restores_the_consolidator_built_from_the_summaries(
    db_url: str, extractor: Extractor
) -> None:
    """The state read back from the database is the consolidator of the stored summaries: the same
    indexes, the same picture, and the same again after one more article."""
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[:-1])
        beat = load_beats([])[0]
        with db.transaction() as session:
            row = session.scalars(select(Picture)).one()
            assert row.state is not None and row.state[:1] != b"\x80"  # no pickle
            restored = pipeline._restore(row)
            summaries = [restrict(s, beat) for s in reads.stored_summaries(session)]
        assert restored is not None
        fresh = Consolidator()
        for summary in summaries:
            fresh.add(summary)
        picture = fresh.result()  # the state keeps what the last result built
        assert restored.state() == fresh.state()
        assert restored.result() == picture == consolidate(summaries)
        ingest(db, extractor, EXAMPLES[-1:])
        with db.transaction() as session:
            last = [restrict(s, beat) for s in reads.stored_summaries(session)][-1]
        restored.add(last)
        fresh.add(last)
        assert restored.state() == fresh.state()
        assert restored.result().model_dump(mode="json") == stored(db)[1] == from_scratch(db)
    finally:
        db.dispose()


class _Planted:
    """Unpickling this creates a file: what a crafted pickled state would do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return open, (str(self.path), "w")


@pytest.mark.parametrize(
    "crafted",
    [
        "pickle",
        "compressed pickle",
        "pickle of a consolidator",
        "garbage",
        "compressed garbage",
        "right header, bad payload",
        "a bomb",
        "a zlib bomb",
    ],
)
def test_a_crafted_state_is_refused_and_nothing_in_it_runs(
    db_url: str, extractor: Extractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crafted: str
) -> None:
    """Whoever can write ``pictures.state`` cannot run code in the processes that ingest: the
    bytes are refused, the state is rebuilt from the stored summaries, and the picture is right."""
    planted = tmp_path / "planted"
    evil = pickle.dumps(_Planted(planted))
    values = {
        "pickle": evil,
        "compressed pickle": zlib.compress(evil),
        "pickle of a consolidator": zlib.compress(pickle.dumps((pipeline.STATE_VERSION, Consolidator()))),
        "garbage": b"\x00\xff not a state",
        "compressed garbage": zlib.compress(b"\x93\xa1x\x01\xa1y"),
        "right header, bad payload": zstandard.compress(
            msgpack.packb([consolidator_state.MAGIC, consolidator_state.FORMAT, pipeline.STATE_VERSION])
            + msgpack.packb({"articles": [[1, 2, 3]], "people": "x"})
        ),
        "a bomb": zstandard.compress(b"\0" * (1 << 24), 19),
        "a zlib bomb": zlib.compress(b"\0" * (1 << 24), 9),
    }
    monkeypatch.setattr(consolidator_state, "MAX_BYTES", 1 << 20)  # larger states are refused
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[:2])
        with db.transaction() as session:
            session.scalars(select(Picture)).one().state = values[crafted]
    finally:
        db.dispose()
    db = Database(db_url)
    try:
        ingest(db, extractor, EXAMPLES[2:3])
        _, payload, has_state = stored(db)
        assert payload == from_scratch(db) and has_state
        with db.transaction() as session:
            assert pipeline._restore(session.scalars(select(Picture)).one()) is not None  # rewritten
    finally:
        db.dispose()
    assert not planted.exists()


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
