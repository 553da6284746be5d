"""Build the Application: settings and services in, handlers and jobs assembled in one place."""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.context import CONTEXT_TYPES, SERVICE_KEY, BotApp
from bot.delivery import Sender
from bot.errors import on_error
from bot.handlers import admin, brief, start, subscribe, topics, who
from bot.jobs import schedule
from briefings.service.app import BriefingService

COMMANDS = [
    BotCommand("brief", "The briefing, whole beat or one topic"),
    BotCommand("who", "Profile of an official"),
    BotCommand("topics", "Topics of the beat"),
    BotCommand("timeline", "Dated events"),
    BotCommand("sources", "Outlets in the briefing"),
    BotCommand("subscribe", "Daily digest: [HH:MM] [Area/City] [topics]"),
    BotCommand("unsubscribe", "Stop the daily digest"),
    BotCommand("settings", "Your digest settings"),
    BotCommand("help", "How to use this bot"),
]


def quiet_http_logs() -> None:
    """httpx logs request URLs, which carry the bot token, at INFO."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


async def _post_init(app: BotApp) -> None:
    await app.bot.set_my_commands(COMMANDS)


def build_application(service: BriefingService, *, with_jobs: bool = True) -> BotApp:
    settings = service.settings
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(16)
        .post_init(_post_init)
    )
    app: BotApp = builder.build()
    app.bot_data[SERVICE_KEY] = service
    app.bot_data["sender"] = Sender(app.bot, service)
    for module in (start, brief, who, topics, subscribe, admin):
        app.add_handlers(module.HANDLERS)
    app.add_error_handler(on_error)
    if with_jobs:
        schedule(app)
    return app


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.CHANNEL_POST, Update.MY_CHAT_MEMBER]
