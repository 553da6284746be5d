"""Scheduled work on PTB's JobQueue (APScheduler underneath): ingestion and the one tick.

One tick a minute, for everyone: it asks the database what is due by the service's clock (each
subscriber's local digest time; the channel post at ``BRIEFINGS_CHANNEL_POST_TIME`` in
``BRIEFINGS_TIMEZONE``), plans it in the outbox once per local day, and drains the outbox. What
fell due while the bot was down is planned on the first tick after it comes back, once.
"""

from __future__ import annotations

import html
import logging

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.calls import call
from bot.context import BotApp, BotContext, service_of
from briefings.printable import printable
from briefings.service.polling import SourceHealth

log = logging.getLogger(__name__)
TICK_SECONDS = 60


async def ingest_sources(context: BotContext) -> None:
    report = await call(context.ingestion.ingest_sources)
    log.info("scheduled ingestion: %s", report.summary())
    await report_failing_sources(context)


def failing_message(source: SourceHealth) -> str:
    """The admins' note on a source failing for a day (Telegram HTML, escaped)."""
    since = source.failing_since.strftime("%d %b %Y %H:%M UTC") if source.failing_since else "?"
    upcoming = source.next_poll.strftime("%d %b %H:%M UTC") if source.next_poll else "—"
    return (
        f"⚠️ <b>A source has been failing for a day</b>\n{html.escape(printable(source.url)[:500])}\n"
        f"Failing since {since}, {source.failures} polls in a row; last error: "
        f"{html.escape(printable(source.last_error or '?')[:300])}\nNext poll: {upcoming}. /sources"
    )


async def report_failing_sources(context: BotContext) -> None:
    """Tell the admins, once per failing spell, of each source failing for a day."""
    admins = list(context.settings.admin_ids)
    if not admins:
        return  # nobody to tell: not marked as told either
    for source in await call(context.ingestion.source_alerts):
        log.warning("source failing since %s: %s (%s)", source.failing_since, source.url, source.last_error)
        for admin in admins:
            try:
                await context.bot.send_message(admin, failing_message(source), parse_mode=ParseMode.HTML)
            except TelegramError as exc:
                log.warning("could not tell admin %s of the failing source %s: %s", admin, source.url, exc)


async def digest_tick(context: BotContext) -> None:
    """One tick for everyone: plan what is due now, then drain the outbox."""
    planned = await call(context.delivery.plan)
    report = await context.sender.drain()
    if planned or report.sent or report.failed or report.deferred:
        log.info(
            "tick: planned %s, sent %s, failed %s, deferred %s",
            planned,
            report.sent,
            report.failed,
            report.deferred,
        )


def schedule(app: BotApp) -> None:
    settings = service_of(app).settings
    queue = app.job_queue
    assert queue is not None
    queue.run_repeating(digest_tick, interval=TICK_SECONDS, first=1, name="digest-tick")
    if settings.sources:
        queue.run_repeating(
            ingest_sources, interval=settings.ingest_interval_minutes * 60, first=5, name="ingest-sources"
        )
