"""Scheduled work on PTB's JobQueue (APScheduler underneath): ingestion and the one tick.

One tick a minute, for everyone: it asks the database what is due by the service's clock (each
subscriber's local digest time; the channel post at ``BRIEFINGS_CHANNEL_POST_TIME`` in
``BRIEFINGS_TIMEZONE``), plans it in the outbox once per local day, and drains the outbox. What
fell due while the bot was down is planned on the first tick after it comes back, once.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot.calls import call
from bot.context import BotApp, BotContext
from bot.delivery import Sender
from briefings.service.app import BriefingService

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def sender_of(context: BotContext) -> Sender:
    sender = context.application.bot_data["sender"]
    assert isinstance(sender, Sender)
    return sender


async def ingest_sources(context: BotContext) -> None:
    report = await call(context.service.ingest_sources)
    log.info("scheduled ingestion: %s", report.summary())


def plan(service: BriefingService) -> int:
    """Plan what is due now (blocking: run it off the event loop); returns deliveries planned."""
    planned = service.plan_due()
    if channel_post_due(service) and service.plan_channel_post():
        planned += 1
    return planned


def channel_post_due(service: BriefingService) -> bool:
    settings = service.settings
    if not settings.channel_id:
        return False
    local = service.clock.now().astimezone(ZoneInfo(settings.timezone))
    return local.strftime("%H:%M") >= settings.channel_post_time


async def digest_tick(context: BotContext) -> None:
    """One tick for everyone: plan what is due now, then drain the outbox."""
    planned = await call(plan, context.service)
    report = await sender_of(context).drain()
    if planned or report.sent or report.failed or report.deferred:
        log.info(
            "tick: planned %s, sent %s, failed %s, deferred %s",
            planned,
            report.sent,
            report.failed,
            report.deferred,
        )


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
