"""Scheduled work on PTB's JobQueue (APScheduler underneath): ingestion, the digest tick, the channel post."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from bot.calls import call
from bot.context import BotApp, BotContext
from bot.delivery import Sender

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def sender_of(context: BotContext) -> Sender:
    sender = context.application.bot_data["sender"]
    assert isinstance(sender, Sender)
    return sender


async def ingest_sources(context: BotContext) -> None:
    report = await call(context.service.ingest_sources)
    log.info("scheduled ingestion: %s", report.summary())


async def digest_tick(context: BotContext) -> None:
    """One tick for everyone: plan what is due now, then drain the outbox."""
    planned = await call(context.service.plan_due)
    report = await sender_of(context).drain()
    if planned or report.sent or report.failed:
        log.info("digest tick: planned %s, sent %s, failed %s", planned, report.sent, report.failed)


async def channel_post(context: BotContext) -> None:
    if await call(context.service.plan_channel_post):
        await sender_of(context).drain()


def schedule(app: BotApp) -> None:
    service = app.bot_data["service"]
    settings = service.settings
    queue = app.job_queue
    assert queue is not None
    queue.run_repeating(digest_tick, interval=TICK_SECONDS, first=1, name="digest-tick")
    if settings.sources:
        queue.run_repeating(
            ingest_sources, interval=settings.ingest_interval_minutes * 60, first=5, name="ingest-sources"
        )
    if settings.channel_id:
        hour, minute = (int(x) for x in settings.channel_post_time.split(":"))
        queue.run_daily(
            channel_post, time=dt.time(hour, minute, tzinfo=ZoneInfo(settings.timezone)), name="channel-post"
        )
