"""What the tests of the local Bot API server (tests/test_botapi_*.py) share: a ``telegram.Bot``
client for it, an ``Application`` polling it with given handlers, a small command/echo bot, no
rate limits, and the mark that silences PTB's deprecation warnings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot, Update
from telegram.ext import Application, BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from testing.botapi import BotApiServer, RateLimits
from testing.botapi.fixtures import polling

ignore_ptb_deprecations = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


NO_LIMITS = RateLimits.disabled()


@asynccontextmanager
async def client(server: BotApiServer, *, read_timeout: float | None = None) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=read_timeout) if read_timeout else None
    async with Bot(**server.bot_kwargs(), request=request) as bot:
        yield bot


@asynccontextmanager
async def running(
    server: BotApiServer, handlers: Iterable[BaseHandler[Any, Any, Any]]
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """An Application with the given handlers, polling the test server."""
    app = server.application_builder().build()
    for handler in handlers:
        app.add_handler(handler)
    async with polling(app):
        yield app


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_text(f"Welcome, {update.effective_user.first_name}!")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text, do_quote=False)


ECHO_BOT = (CommandHandler("start", start), MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
