"""End to end: what a 429 over the whole bot costs, now that a lone 429 holds only its chat.

A 429 does not say whose limit it was. The bot keeps the overall rate itself, so it takes a lone 429
as the chat's and goes on with the others (:mod:`bot.ratelimit`). When Telegram's flood control was
in fact over the whole bot, the next message to another chat is answered 429 too: that second chat
within ``FLOOD_CLUSTER`` tells the bot, which then pauses everything. The price of the guess is that
message (and any other that left before its answer came back), which the test server counts as the
bot's own violation; this test pins it. Without the second-chat rule it would be every message of
the ``retry_after`` (about fifty here).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot import delivery
from bot.context import sender_of
from bot.ratelimit import TelegramRateLimiter
from briefings.service.app import BriefingService
from briefings.storage.tables import Delivery
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.due import EIGHT_IN_KOLKATA, ONE_PART, drain_logged, due_now
from tests.bot_e2e.harness import (
    initialized,
    left_during_a_pause,
    sent_texts,
    subscribe_many,
)

botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service


async def test_a_flood_over_the_whole_bot_costs_one_probe_then_pauses_everything(
    botapi_server: BotApiServer, service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = botapi_server
    chats = subscribe_many(service, server, range(5201, 5241), *ONE_PART)
    flooded = 5210  # mid-way: the bot is sending at its even pace by then
    fault = server.inject(
        "too_many_requests", method="sendMessage", chat_id=flooded, retry_after=2, scope="bot"
    )
    due_now(service)
    sent, requests = await drain_logged(service, monkeypatch)
    assert fault.triggered == 1 and sent == 40
    first = sent_texts(server, chats[0])
    assert all(sent_texts(server, chat) == first for chat in chats) and server.duplicates() == []

    probes = server.violations  # messages to other chats inside the bot's flood wait
    assert 1 <= len(probes) <= 3 and {v.scope for v in probes} == {"flood_wait"}
    assert flooded not in {v.chat_id for v in probes}
    assert len(server.failed_calls()) == len(probes)
    floods = sorted((r for r in requests if r.status == 429), key=lambda r: r.back or 0.0)
    assert len(floods) == 1 + len(probes)
    assert floods[0].back is not None and floods[-1].back is not None
    assert floods[-1].back - floods[0].back < 1.0  # found out within a second
    end = floods[0].back + 2  # and from the probe's answer on, nothing until the bot's wait is over
    after_probe = [r for r in requests if r.method == "sendMessage" and floods[-1].back < r.left < end]
    assert after_probe == []
    assert left_during_a_pause(requests) == []


async def test_a_delivery_deferred_after_429s_waits_out_the_flood(
    botapi_server: BotApiServer, service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery still answered 429 after its retries is tried again no sooner than the chat's
    ``retry_after``: the process that retakes it (this one later, or another) does not know of it."""
    server = botapi_server
    subscribe_many(service, server, [5401], *ONE_PART)
    server.inject("too_many_requests", method="sendMessage", chat_id=5401, times=None, retry_after=45)
    monkeypatch.setattr(delivery, "RETRIES", 0)  # give up at the first 429 (no 45 s waits here)
    due_now(service)
    async with initialized(service) as app:
        limiter = app.bot.rate_limiter
        assert isinstance(limiter, TelegramRateLimiter)
        limiter.max_retries = 0
        report = await sender_of(app).drain()
    assert (report.sent, report.deferred) == (0, 1)
    with service.db.transaction() as session:
        (row,) = session.scalars(select(Delivery))
        due = row.due_at if row.due_at.tzinfo else row.due_at.replace(tzinfo=dt.UTC)
    assert row.status == "pending" and due >= EIGHT_IN_KOLKATA + dt.timedelta(seconds=45)
    assert server.violations == []
