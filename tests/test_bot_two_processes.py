"""End to end: two ``briefbot send-due`` processes on one PostgreSQL database, one of them killed
with SIGKILL in the middle of the fan-out and started again: every due digest is delivered exactly
once, and the two processes together keep the bot's one overall rate.

Both processes plan (the unique key and ``ON CONFLICT DO NOTHING`` make that safe) and claim with
``FOR UPDATE SKIP LOCKED``; they take their sending slots from one row in the database
(:mod:`briefings.storage.sendrate`), so the server, which enforces Telegram's 30 messages/s,
never sees more than that although each process is configured for 30/s. The deliveries the killed
process held are retaken after the lease by a last run whose clock is moved past it (as cron would
do a few minutes later).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from briefings import render
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import ingest_articles
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from briefings.storage.db import Database
from briefings.storage.outbox import LEASE
from briefings.storage.tables import Article, Delivery
from testing.botapi import ThreadedBotApiServer, parse_text
from testing.processes import run_briefbot, start_briefbot
from tests.bot_e2e.harness import CORPUS, INGESTED, make_service
from tests.pgschema import pg_schema

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]
log = logging.getLogger(__name__)
PLANNED_AT = dt.datetime(2025, 6, 13, 2, 30, tzinfo=dt.UTC)  # 08:00 in Kolkata
WHOLE_BEAT = list(range(8100, 8160))  # digests of several messages (one a second to each chat)
ONE_TOPIC = list(range(8200, 8340))  # one message each
GROUPS = [-1008000000001, -1008000000002, -1008000000003]
RATE = "30"  # each process is configured for Telegram's whole limit: together they must share it


@dataclass
class Fleet:
    server: ThreadedBotApiServer
    service: BriefingService
    db_url: str
    folder: Path
    anchor: float  # wall time at which the bots' clock reads PLANNED_AT

    def settings(self, clock: dt.datetime) -> dict[str, str]:
        return {
            "BRIEFINGS_DATABASE_URL": self.db_url,
            "BRIEFINGS_CLOCK_START": clock.isoformat(),
            "BRIEFINGS_SEND_RATE": RATE,
        }

    def now(self) -> dt.datetime:
        """The bots' clock, the same in every process started (an offset clock from the anchor)."""
        return PLANNED_AT + dt.timedelta(seconds=time.time() - self.anchor)

    def start(self) -> subprocess.Popen[str]:
        return start_briefbot(self.server, self.folder, "send-due", **self.settings(self.now()))

    def delivered(self) -> int:
        return self.server.call(lambda: len(self.server.server.deliveries))

    def statuses(self) -> dict[str, int]:
        with self.service.db.transaction() as session:
            rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
            return {status: n for status, n in rows}


@pytest.fixture
def pg_url() -> Iterator[str]:
    with pg_schema(PG_URL) as url:
        yield url


@pytest.fixture
def fleet(pg_url: str, extractor: Extractor, tmp_path: Path) -> Iterator[Fleet]:
    db = Database(pg_url)
    report = ingest_articles(db, [str(CORPUS)], FetchPolicy(allow_private=True), extractor)
    assert report.ingested >= 8, report.summary()
    with db.transaction() as session:
        session.execute(update(Article).values(ingested_at=INGESTED))
    db.dispose()
    with ThreadedBotApiServer(method_latency={"sendMessage": 0.05}) as server:
        service = make_service(pg_url, None, clock=FixedClock(PLANNED_AT - dt.timedelta(hours=1)))
        for chat in WHOLE_BEAT + ONE_TOPIC:
            server.add_user(chat, started=True)
            topics = [] if chat in WHOLE_BEAT else ["terrorism"]
            service.subscriptions.subscribe(chat, "private", ["08:00", "Asia/Kolkata", *topics])
        for group in GROUPS:
            server.add_group(group, f"Group {group}")
            service.subscriptions.subscribe(group, "supergroup", ["08:00", "Asia/Kolkata"])
        try:
            yield Fleet(server, service, pg_url, tmp_path, time.time())
        finally:
            service.close()


def expected(service: BriefingService, topics: list[str]) -> list[str]:
    digest = service.reading.digest(None, PLANNED_AT, topics, "Asia/Kolkata")
    return [parse_text(m, "HTML").text for m in [render.digest_message(digest)]]


def test_two_processes_one_killed_every_digest_exactly_once(fleet: Fleet) -> None:
    server = fleet.server
    whole, one = expected(fleet.service, []), expected(fleet.service, ["terrorism"])
    assert len(whole) == 1 and len(one) == 1, (len(whole), len(one))  # a digest is one message
    want = {chat: whole for chat in WHOLE_BEAT + GROUPS} | {chat: one for chat in ONE_TOPIC}
    total = sum(len(m) for m in want.values())

    first, other = fleet.start(), fleet.start()
    deadline = time.monotonic() + 40
    while fleet.delivered() < total * 0.4:
        assert first.poll() is None and other.poll() is None, (first.communicate(), other.communicate())
        assert time.monotonic() < deadline, "the fan-out did not get going"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    assert first.returncode == -signal.SIGKILL
    at_kill = fleet.delivered()
    held = fleet.statuses().get("sending", 0)
    assert 0 < at_kill < total and held > 0, (at_kill, held)  # killed mid-way, with claims held

    again = fleet.start()  # restarted at once: it shares the rest with the other process
    outputs = [p.communicate(timeout=60) for p in (other, again)]
    for p, (_out, err) in zip((other, again), outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
    assert "sent 0" not in outputs[0][0], outputs[0][0]  # the survivor did send its share

    # the killed process's claims are retaken once the lease is over (here: a clock moved past it)
    later = fleet.now() + LEASE + dt.timedelta(seconds=5)
    sweep = run_briefbot(server, fleet.folder, "send-due", timeout=60, **fleet.settings(later))
    assert sweep.returncode == 0, sweep.stderr[-2000:]
    assert "planned 0" in sweep.stdout, sweep.stdout
    assert fleet.statuses() == {"sent": len(want)}

    received: dict[int, list[str]] = {}
    for d in server.call(lambda: server.server.deliveries):
        received.setdefault(d.chat_id, []).append(d.text)
    lost = [chat for chat, msgs in want.items() if len(received.get(chat, [])) < len(msgs)]
    twice = [chat for chat, msgs in want.items() if len(received.get(chat, [])) > len(msgs)]
    damaged = [chat for chat, msgs in want.items() if _bodies(received.get(chat, [])) != _bodies(msgs)]
    log.warning(
        "two processes: %d messages, SIGKILL after %d with %d deliveries claimed; lost %s, twice %s",
        total,
        at_kill,
        held,
        lost,
        twice,
    )
    assert lost == [], f"digests lost: {lost}"
    assert twice == [], f"digests sent twice: {twice}"
    assert damaged == [], f"digests not as built: {damaged}"
    assert server.duplicates() == []
    # one overall rate for both processes: Telegram's limits held as the server counted them
    assert server.call(lambda: server.server.violations) == []
    assert server.failed_calls() == []
    for _out, err in [*outputs, (sweep.stdout, sweep.stderr)]:
        assert server.token.split(":")[1] not in err


MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _bodies(messages: list[str]) -> list[str]:
    """The messages without the moments in them (a digest names the minute it was built)."""
    return [MOMENT.sub("<moment>", m) for m in messages]
