"""Rate limits and injected faults of the local Bot API server (testing/botapi), driven by the
real python-telegram-bot client: flood waits per chat, group and over the whole bot, injected
errors, drops and hangs, reproducible probabilistic faults."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from testing.botapi import BotApiServer, ManualClock, RateLimits
from tests.botapi_support import NO_LIMITS, client, ignore_ptb_deprecations


def _seconds(value: int | float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@ignore_ptb_deprecations
async def test_rate_limit_per_private_chat() -> None:
    async with BotApiServer(limits=RateLimits(private_burst=1)) as server, client(server) as bot:
        server.add_user(42, started=True)
        server.add_user(43, started=True)
        await bot.send_message(42, "one")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(42, "two")
        assert _seconds(info.value.retry_after) == 1
        with pytest.raises(RetryAfter):  # sent during the flood wait: ignored retry_after
            await bot.send_message(42, "three")
        await bot.send_message(43, "other chats are not affected")
        stats = server.stats
        assert (stats.rate_limit_violations, stats.retry_after_ignored, stats.injected_faults) == (2, 1, 0)
        assert [v.scope for v in server.violations] == ["private", "flood_wait"]
        assert server.calls_to("sendMessage")[1].response == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }


@ignore_ptb_deprecations
async def test_group_and_global_limits_on_a_manual_clock() -> None:
    clock = ManualClock()
    limits = RateLimits(global_per_second=30, global_burst=30, private_burst=5)
    async with BotApiServer(limits=limits, clock=clock) as server, client(server) as bot:
        server.add_group(-100, "Busy group")
        for i in range(20):
            await bot.send_message(-100, f"message {i}")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(-100, "the 21st within a minute")
        assert _seconds(info.value.retry_after) == 60
        clock.advance(60)
        await bot.send_message(-100, "a minute later")

        server.set_limits(RateLimits(global_per_second=5, global_burst=5))
        for user in range(1, 7):
            server.add_user(user, started=True)
        for user in range(1, 6):
            await bot.send_message(user, "global burst")  # five different chats in the same instant
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(6, "over the global limit")
        assert _seconds(info.value.retry_after) == 1
        assert [v.scope for v in server.violations] == ["group", "global"]


@ignore_ptb_deprecations
async def test_injected_faults_are_counted_separately() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        server.add_user(42, started=True)
        server.add_user(43, started=True)
        flood = server.inject("too_many_requests", method="sendMessage", chat_id=42, retry_after=7)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(42, "x")
        assert _seconds(info.value.retry_after) == 7
        await bot.send_message(42, "the fault fired once")
        server.inject("internal_error", method="sendMessage")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(43, "x")
        server.inject("bad_gateway")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
        server.inject("error", status=403, description="Forbidden: bot was blocked by the user", chat_id=43)
        with pytest.raises(Forbidden):
            await bot.send_message(43, "x")
        stats = server.stats
        assert flood.triggered == 1
        assert stats.injected_faults == 4 and stats.rate_limit_violations == 0
        assert stats.injected_by_kind == {
            "too_many_requests": 1,
            "internal_error": 1,
            "bad_gateway": 1,
            "error": 1,
        }
        assert server.failed_calls() == []  # faults are not the bot's fault
        assert len(server.failed_calls(include_faults=True)) == 4


@ignore_ptb_deprecations
async def test_an_injected_429_holds_its_chat_or_the_whole_bot_like_telegram() -> None:
    """An injected 429 is a flood wait like any other: a message sent inside its ``retry_after`` is
    answered 429 again and counted as the bot's own violation, in its chat or, for a flood over the
    whole bot, in every chat."""
    clock = ManualClock()
    async with BotApiServer(clock=clock) as server, client(server) as bot:
        for user in (42, 43, 44):
            server.add_user(user, started=True)
        server.inject("too_many_requests", method="sendMessage", chat_id=42, retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(42, "the injected 429")
        await bot.send_message(43, "another chat goes on")
        clock.advance(2.5)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(42, "inside the chat's flood wait")
        assert _seconds(info.value.retry_after) == 1
        clock.advance(0.5)
        await bot.send_message(42, "after it")
        assert [(v.scope, v.chat_id) for v in server.violations] == [("flood_wait", 42)]

        server.inject("too_many_requests", method="sendMessage", chat_id=43, retry_after=2, scope="bot")
        with pytest.raises(RetryAfter):
            await bot.send_message(43, "a flood over the whole bot")
        with pytest.raises(RetryAfter):
            await bot.send_message(44, "any chat, inside it")
        clock.advance(2)
        await bot.send_message(44, "after it")
        assert [(v.scope, v.chat_id) for v in server.violations][1:] == [("flood_wait", 44)]
        stats = server.stats
        assert (stats.injected_faults, stats.rate_limit_violations, stats.retry_after_ignored) == (2, 2, 2)


async def test_probabilistic_faults_are_reproducible() -> None:
    async def failures(seed: int) -> list[int]:
        async with BotApiServer(seed=seed) as server, client(server) as bot:
            server.inject("internal_error", method="getMe", times=None, probability=0.5)
            failed = []
            for i in range(20):
                try:
                    await bot.get_me()
                except NetworkError:
                    failed.append(i)
            assert server.stats.injected_faults == len(failed)
            return failed

    first = await failures(3)
    assert first == await failures(3)
    assert 3 <= len(first) <= 17


async def test_dropped_answer_after_delivery_reveals_blind_retries() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        server.add_user(42, started=True)
        server.inject("drop", method="sendMessage", after=True)
        with pytest.raises(NetworkError):
            await bot.send_message(42, "Your brief")
        await bot.send_message(42, "Your brief")  # a naive retry
        assert server.texts(42) == ["Your brief", "Your brief"]
        [duplicate] = server.duplicates()
        assert (duplicate.chat_id, duplicate.text, len(duplicate.message_ids)) == (42, "Your brief", 2)


async def test_hang_times_the_client_out_then_delivers() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server, read_timeout=0.3) as bot:
        server.add_user(42, started=True)
        server.inject("hang", method="sendMessage", hang_seconds=0.6)
        with pytest.raises(TimedOut):
            await bot.send_message(42, "slow")
        late = await server.wait_for_message(42, "slow", timeout=2)
        assert late["text"] == "slow"
        assert server.calls_to("sendMessage")[0].abandoned
