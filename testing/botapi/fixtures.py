"""Pytest fixtures and a polling helper for end-to-end tests against the local Bot API server.

``tests/conftest.py`` is shared, so import the fixtures you need into your test module::

    from testing.botapi.fixtures import botapi_server, polling  # noqa: F401  (fixture import)

    async def test_brief(botapi_server: BotApiServer) -> None:
        app = build_application(settings, builder=botapi_server.application_builder())
        async with polling(app):
            botapi_server.user_sends(42, "/brief")
            await botapi_server.wait_for_message(42, "Brief")

``polling(app)`` initialises the Application (getMe), starts long polling with a short timeout and
stops everything again, also when the test fails inside the block.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram.ext import Application

from testing.botapi.server import BotApiServer
from testing.botapi.threaded import ThreadedBotApiServer

__all__ = ["botapi_server", "polling", "threaded_botapi_server"]


@pytest.fixture
async def botapi_server() -> AsyncIterator[BotApiServer]:
    """A running :class:`BotApiServer` with default options (BriefBot, Telegram's limits)."""
    async with BotApiServer() as server:
        yield server


@pytest.fixture
def threaded_botapi_server() -> Iterator[ThreadedBotApiServer]:
    """A :class:`ThreadedBotApiServer` for bots running in another process."""
    with ThreadedBotApiServer() as server:
        yield server


@asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any], *, timeout: int = 1
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run ``app`` with getUpdates long polling for the duration of the block."""
    async with app:
        if app.updater is None:
            raise RuntimeError("the Application has no Updater")
        await app.updater.start_polling(timeout=timeout, poll_interval=0)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
