"""Digests due at one moment and the bot's sender draining them: the setup shared by the delivery
and flood tests (tests/test_bot_delivery.py, tests/test_bot_floods.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.context import sender_of
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from tests.bot_e2e.harness import ClientCall, client_log, initialized

EIGHT_IN_KOLKATA = dt.datetime(2025, 6, 13, 2, 30, tzinfo=dt.UTC)
#: a digest of one message (one topic): where several parts are not the point, no 1 s between them
ONE_PART = ("08:00", "Asia/Kolkata", "terrorism")


def due_now(service: BriefingService) -> int:
    """Moves the service's clock to 08:00 in Kolkata and plans what is due; how many deliveries."""
    clock = service.clock
    assert isinstance(clock, FixedClock)
    clock.set(EIGHT_IN_KOLKATA)
    return service.delivery.plan_due()


async def drain_logged(
    service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[ClientCall]]:
    """Send everything due; (messages sent, the bot's requests as they left and came back)."""
    with client_log(monkeypatch) as requests:
        async with initialized(service) as app:
            report = await sender_of(app).drain()
    return report.sent, requests
