"""The overall sending rate shared by the bot's processes through PostgreSQL (a GCRA in one row)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from briefings.storage import sendrate
from briefings.storage.db import Database
from tests.pgschema import pg_schema

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL")]


@pytest.fixture
def pg() -> Iterator[Database]:
    with pg_schema(PG_URL) as url:
        db = Database(url)
        try:
            yield db
        finally:
            db.dispose()


def test_slots_are_spaced_by_the_interval(pg: Database) -> None:
    with pg.engine.begin() as conn:
        delays = [sendrate.reserve(conn, "bot1", 0.1, 0.0) for _ in range(5)]
    assert delays[0] == 0.0
    # each slot one interval after the one before (the calls themselves take a little time)
    assert [round(d, 1) for d in delays] == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_two_processes_share_one_rate(pg: Database) -> None:
    """Two threads (as two processes would) taking slots as fast as they can: together one rate."""
    interval = 0.02
    moments: list[float] = []
    lock = threading.Lock()

    def sender() -> None:
        for _ in range(25):
            with pg.engine.begin() as conn:
                delay = sendrate.reserve(conn, "bot2", interval, 0.0)
            time.sleep(delay)
            with lock:
                moments.append(time.monotonic())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    moments.sort()
    span = moments[-1] - moments[0]
    assert span >= 49 * interval * 0.9  # 50 slots: not two rates of 25 slots each
    with pg.engine.begin() as conn:  # another bot has its own pace
        assert sendrate.reserve(conn, "bot3", interval, 0.0) == 0.0


def test_a_429_holds_every_process(pg: Database) -> None:
    with pg.engine.begin() as conn:
        sendrate.reserve(conn, "bot4", 0.01, 0.0)
        sendrate.hold(conn, "bot4", 2.0)
    with pg.engine.begin() as conn:
        assert 1.8 < sendrate.reserve(conn, "bot4", 0.01, 0.0) <= 2.0
