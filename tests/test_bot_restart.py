"""End to end: ``briefbot send-due`` as a separate process, killed with SIGKILL in the middle of
sending digests and run again: every due digest is delivered, none twice (or, if the kill fell
between Telegram's answer and the database commit, the resend is counted and reported).

The bot reads its clock from ``BRIEFINGS_CLOCK_START`` (an offset clock): the second run starts
three minutes later, past the delivery lease (two minutes), so the claims of the killed process
are taken again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from briefings.storage.tables import Delivery
from testing.botapi import ThreadedBotApiServer
from testing.processes import run_briefbot, start_briefbot
from tests.bot_e2e.harness import corpus_file, fresh_db_url, make_service

log = logging.getLogger(__name__)
PLANNED_AT = dt.datetime(2025, 6, 13, 2, 30, tzinfo=dt.UTC)  # 08:00 in Kolkata
SUBSCRIBERS = list(range(7000, 7040))


@dataclass
class World:
    server: ThreadedBotApiServer
    service: BriefingService
    db_url: str
    folder: Path

    def settings(self, clock_start: dt.datetime) -> dict[str, str]:
        return {
            "BRIEFINGS_DATABASE_URL": self.db_url,
            "BRIEFINGS_CLOCK_START": clock_start.isoformat().replace("+00:00", "Z"),
        }

    def start(self, clock_start: dt.datetime) -> subprocess.Popen[str]:
        return start_briefbot(self.server, self.folder, "send-due", **self.settings(clock_start))

    def run(self, clock_start: dt.datetime, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return run_briefbot(
            self.server, self.folder, "send-due", timeout=timeout, **self.settings(clock_start)
        )

    def statuses(self) -> dict[str, int]:
        with self.service.db.transaction() as session:
            rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
            return {status: n for status, n in rows}

    def received(self, chat: int) -> list[str]:
        return [d.text for d in self.server.call(lambda: self.server.server.deliveries) if d.chat_id == chat]


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, extractor: object) -> Iterator[World]:
    corpus = corpus_file(tmp_path_factory, extractor)  # type: ignore[arg-type]
    db_url = fresh_db_url(corpus, tmp_path / "db")
    with ThreadedBotApiServer(method_latency={"sendMessage": 0.25}) as server:
        service = make_service(db_url, None, clock=FixedClock(PLANNED_AT - dt.timedelta(hours=1)))
        for chat in SUBSCRIBERS:
            server.add_user(chat, started=True)
            service.subscriptions.subscribe(chat, "private", ["08:00", "Asia/Kolkata"])
        assert isinstance(service.clock, FixedClock)
        service.clock.set(PLANNED_AT)
        assert service.delivery.plan_due() == len(SUBSCRIBERS)  # the planned deliveries are in the database
        try:
            yield World(server, service, db_url, tmp_path)
        finally:
            service.close()


def digest_parts(world: World) -> int:
    """How many messages one digest is (every subscriber gets the same one)."""
    from briefings import render

    digest = world.service.reading.digest(None, PLANNED_AT)
    return len([render.digest_message(digest)])


def check_everyone_served(world: World, parts: int) -> tuple[list[int], list[int]]:
    """(chats that lost something, chats that got a digest more than once)."""
    lost, twice = [], []
    for chat in SUBSCRIBERS:
        texts = world.received(chat)
        headers = [t for t in texts if t.startswith("Digest")]
        if not headers or len(texts) < parts:
            lost.append(chat)
        if len(headers) > 1 or len(texts) > parts:
            twice.append(chat)
    return lost, twice


KILL_AT = [float(x) for x in os.environ.get("BOT_E2E_KILL_AT", "0.4").split(",")]


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", KILL_AT)
def test_killed_mid_way_then_restarted_no_loss_no_duplicate(world: World, kill_at: float) -> None:
    """``kill_at``: the share of the messages delivered when SIGKILL comes (BOT_E2E_KILL_AT=0.2,0.5,0.8
    to try several)."""
    server = world.server
    parts = digest_parts(world)
    total = parts * len(SUBSCRIBERS)

    first = world.start(PLANNED_AT)
    deadline = time.monotonic() + 30
    while server.stats.messages_delivered < int(total * kill_at):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first run did not get going"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    _out, err = first.communicate(timeout=10)
    assert first.returncode == -signal.SIGKILL
    delivered_before = server.stats.messages_delivered
    in_flight = world.statuses()
    assert 0 < delivered_before < total, delivered_before
    assert in_flight.get("sending", 0) > 0, in_flight  # it was killed with claims held

    # within the lease the claims of the dead process are left alone (a second bot could be busy)
    soon = world.run(PLANNED_AT + dt.timedelta(seconds=30))
    assert soon.returncode == 0, soon.stderr[-2000:]
    assert world.statuses().get("sending", 0) == in_flight["sending"]

    later = world.run(PLANNED_AT + dt.timedelta(minutes=3))
    assert later.returncode == 0, later.stderr[-2000:]
    assert "planned 0" in later.stdout, later.stdout
    assert world.statuses() == {"sent": len(SUBSCRIBERS)}

    lost, twice = check_everyone_served(world, parts)
    assert lost == [], f"digests lost: {lost}"
    duplicates = server.duplicates()
    log.warning(
        "restart: %d of %d messages before SIGKILL, %d deliveries claimed; resent after the restart:"
        " %d chats (%s), %d identical messages",
        delivered_before,
        total,
        in_flight.get("sending", 0),
        len(twice),
        twice,
        len(duplicates),
    )
    # a resend can only come from the moment between Telegram's answer and the commit: at most
    # the deliveries that were in flight when the process died
    assert len(twice) <= in_flight["sending"]
    assert twice == [], f"resent after the restart (sent, but not yet marked sent when killed): {twice}"
    for text in (err, soon.stderr, later.stderr):
        assert server.token not in text and server.token.split(":")[1] not in text
    assert server.failed_calls() == []
