"""End to end: the outbox sender under Telegram's limits and failures (real PTB client, real HTTP).

429 storms, users who blocked the bot, 5xx answers, hanging and dropped requests, and a fan-out
to many subscribers at once with the server enforcing Telegram's default flood limits.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from sqlalchemy import select

from bot.context import sender_of
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from briefings.storage.tables import Delivery
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.due import ONE_PART, drain_logged, due_now
from tests.bot_e2e.harness import (
    assert_clean,
    busiest_second,
    client_log,
    closest_sends,
    describe,
    initialized,
    left_during_a_pause,
    retry_after_ignored,
    sent_texts,
    subscribe_many,
)

botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service

log = logging.getLogger(__name__)


def statuses(service: BriefingService) -> dict[int, str]:
    with service.db.transaction() as session:
        return {d.chat_id: d.status for d in session.scalars(select(Delivery))}


def assert_each_got_one_digest(server: BotApiServer, chats: list[int]) -> list[str]:
    """Every chat received the same digest, once, parts in order; returns it."""
    first = sent_texts(server, chats[0])
    assert first and first[0].startswith("Digest"), first[:1]
    for chat in chats:
        assert sent_texts(server, chat) == first, f"chat {chat}"
    assert server.duplicates() == []
    return first


async def test_429_storm_every_digest_once(
    botapi_server: BotApiServer, service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = botapi_server
    chats = subscribe_many(service, server, range(2000, 2030), "08:00", "Asia/Kolkata")
    assert due_now(service) == 30
    storms = [
        server.inject("too_many_requests", method="sendMessage", probability=0.5, times=10, retry_after=1),
        server.inject("too_many_requests", method="sendMessage", probability=0.3, times=4, retry_after=2),
    ]
    with client_log(monkeypatch) as requests:
        async with initialized(service) as app:
            started = time.monotonic()
            report = await sender_of(app).drain()
            elapsed = time.monotonic() - started
    assert sum(f.triggered for f in storms) == 14
    assert len([r for r in requests if r.status == 429]) == 14
    assert (report.sent, report.failed, report.deferred) == (30, 0, 0)
    parts = assert_each_got_one_digest(server, chats)
    assert set(statuses(service).values()) == {"sent"}
    assert retry_after_ignored(server) == []  # per chat, as the server saw the requests arrive
    assert left_during_a_pause(requests) == []  # and every request, as they left the bot
    assert_clean(server)
    log.warning(
        "429 storm: %d digests (%d messages, %d injected 429s) in %.1f s: %.1f digests/s",
        len(chats),
        len(chats) * len(parts),
        14,
        elapsed,
        len(chats) / elapsed,
    )


async def test_a_429_on_one_chat_holds_that_chat_only(
    botapi_server: BotApiServer, service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot keeps the overall rate itself, so a lone 429 is the chat's: the others go on."""
    server = botapi_server
    chats = subscribe_many(service, server, range(5001, 5041), *ONE_PART)
    assert due_now(service) == 40
    fault = server.inject("too_many_requests", method="sendMessage", chat_id=5001, retry_after=2)
    sent, requests = await drain_logged(service, monkeypatch)
    assert fault.triggered == 1 and sent == 40
    assert_each_got_one_digest(server, chats)
    (flood,) = [r for r in requests if r.status == 429]
    assert flood.back is not None
    during = [r for r in requests if r.method == "sendMessage" and flood.back < r.left < flood.back + 2]
    assert len(during) >= 20  # the others were sent meanwhile (at 25/s: about 50 in two seconds)
    assert all(r.chat_id != 5001 for r in during)  # but nothing to the chat that had the 429
    assert left_during_a_pause(requests) == [] and retry_after_ignored(server) == []
    assert_clean(server)


async def test_429s_on_two_chats_at_once_hold_every_chat(
    botapi_server: BotApiServer, service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chats answered 429 within a second: the limit is the bot's, and everything pauses."""
    server = botapi_server
    chats = subscribe_many(service, server, range(5101, 5141), *ONE_PART)
    assert due_now(service) == 40
    faults = [
        server.inject("too_many_requests", method="sendMessage", chat_id=chat, retry_after=2)
        for chat in (5101, 5102)
    ]
    sent, requests = await drain_logged(service, monkeypatch)
    assert [f.triggered for f in faults] == [1, 1] and sent == 40
    assert_each_got_one_digest(server, chats)
    floods = sorted((r for r in requests if r.status == 429), key=lambda r: r.back or 0.0)
    assert len(floods) == 2 and floods[1].back is not None and floods[0].back is not None
    assert floods[1].back - floods[0].back < 1.0
    second = floods[1].back
    assert [r for r in requests if r.method == "sendMessage" and second < r.left < second + 2] == []
    assert left_during_a_pause(requests) == [] and retry_after_ignored(server) == []
    assert_clean(server)


async def test_blocked_user_fails_once_and_is_paused(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    subscribe_many(service, server, [3001, 3002, 3003, 3004], *ONE_PART)
    server.user_blocks_bot(3002, notify=False)
    server.deactivate_user(3003)
    assert due_now(service) == 4
    async with initialized(service) as app:
        report = await sender_of(app).drain()
        assert (report.sent, report.failed) == (2, 2)
        assert statuses(service) == {3001: "sent", 3002: "failed", 3003: "failed", 3004: "sent"}
        assert_each_got_one_digest(server, [3001, 3004])
        failed = server.failed_calls()
        assert sorted((c.params["chat_id"], c.status) for c in failed) == [(3002, 403), (3003, 403)], (
            describe(failed)
        )
        for chat in (3002, 3003):
            info = service.subscriptions.subscription(chat)
            assert info is not None and not info.active

        clock = service.clock
        assert isinstance(clock, FixedClock)
        clock.advance(dt.timedelta(days=1))  # the next morning: nothing planned for them
        assert service.delivery.plan_due() == 2
        report = await sender_of(app).drain()
        assert (report.sent, report.failed) == (2, 0)
    assert len(server.calls_to("sendMessage")) == len(sent_texts(server, 3001)) * 2 + 2
    assert [c for c in server.failed_calls() if c.params["chat_id"] not in (3002, 3003)] == []


async def test_5xx_drops_and_a_hang_are_retried_and_delivered_once(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    chats = subscribe_many(service, server, [4001, 4002, 4003, 4004], *ONE_PART)
    assert due_now(service) == 4
    faults = [
        server.inject("internal_error", method="sendMessage", chat_id=4001, times=2),
        server.inject("bad_gateway", method="sendMessage", chat_id=4002, times=1),
        server.inject("drop", method="sendMessage", chat_id=4003, times=1),
        server.inject("hang", method="sendMessage", chat_id=4004, times=1, hang_seconds=60),
    ]
    async with initialized(service) as app:
        sender_of(app).read_timeout = 1.5  # the hang times out sooner than PTB's 5 s
        report = await sender_of(app).drain()
    assert [f.triggered for f in faults] == [2, 1, 1, 1]
    assert (report.sent, report.failed, report.deferred) == (4, 0, 0)
    assert_each_got_one_digest(server, chats)
    assert_clean(server)


async def test_persistent_5xx_is_deferred_not_lost(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    subscribe_many(service, server, [4101, 4102], *ONE_PART)
    assert due_now(service) == 2
    server.inject("internal_error", method="sendMessage", chat_id=4101, times=None)
    async with initialized(service) as app:
        report = await sender_of(app).drain()
        assert (report.sent, report.failed, report.deferred) == (1, 0, 1)
        assert statuses(service) == {4101: "pending", 4102: "sent"}
        server.clear_faults()
        clock = service.clock
        assert isinstance(clock, FixedClock)
        report = await sender_of(app).drain()  # not due again yet: it waits
        assert report.sent == 0
        clock.advance(dt.timedelta(minutes=1))
        report = await sender_of(app).drain()
        assert report.sent == 1
    assert statuses(service) == {4101: "sent", 4102: "sent"}
    for chat in (4101, 4102):
        assert [t for t in sent_texts(server, chat) if t.startswith("Digest")] != []
        assert len([t for t in sent_texts(server, chat) if t.startswith("Digest")]) == 1
    assert server.duplicates() == []
    assert_clean(server)


@pytest.mark.xfail(
    strict=True,
    reason="at-least-once: when Telegram delivers a message but its answer is lost (5xx or timeout"
    " after processing) the bot cannot know and resends; the Bot API has no idempotency key",
)
async def test_lost_answer_after_delivery_is_not_resent(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    subscribe_many(service, server, [4201], *ONE_PART)
    assert due_now(service) == 1
    server.inject("internal_error", method="sendMessage", chat_id=4201, times=1, after=True)
    async with initialized(service) as app:
        await sender_of(app).drain()
    assert server.duplicates() == []


async def test_fan_out_stays_within_telegrams_limits(
    botapi_server: BotApiServer, service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """60 private subscribers and 3 groups due at once; the server enforces Telegram's default limits."""
    server = botapi_server
    chats = subscribe_many(service, server, range(5000, 5060), "08:00", "Asia/Kolkata")
    groups = [-1005000000001, -1005000000002, -1005000000003]
    for group in groups:
        server.add_group(group, f"Group {group}")
        service.subscriptions.subscribe(group, "supergroup", ["08:00", "Asia/Kolkata"])
    assert due_now(service) == 63
    with client_log(monkeypatch) as requests:
        async with initialized(service) as app:
            started = time.monotonic()
            report = await sender_of(app).drain()
            elapsed = time.monotonic() - started
    assert (report.sent, report.failed, report.deferred) == (63, 0, 0)
    parts = assert_each_got_one_digest(server, chats)
    for group in groups:
        assert sent_texts(server, group) == parts
    assert server.violations == []  # no genuine 429: Telegram's limits as the server keeps them
    assert_clean(server)
    # and as the bot sent them: 25 in any second overall as the rate limiter counts (under
    # Telegram's 30; +1 for the ms between it and the socket), 1 a second per private chat,
    # 19 a minute per group
    assert busiest_second(requests) <= 26
    assert min(closest_sends(requests, chat) for chat in chats) >= 0.99
    assert max(busiest_second(requests, group) for group in groups) <= 19
    log.warning(
        "fan-out: %d digests, %d messages in %.1f s (%.1f msg/s)",
        63,
        len(server.calls_to("sendMessage")),
        elapsed,
        len(server.calls_to("sendMessage")) / elapsed,
    )
