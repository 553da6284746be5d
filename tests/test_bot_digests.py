"""End to end: scheduled digests and channel posts through the outbox, with a controllable clock.

The clock is a :class:`FixedClock`: 2025-06-13T02:29Z is 07:59 in Kolkata, 02:30Z is 08:00.
The digest tick is the real job (``bot.jobs.digest_tick``) run by PTB's JobQueue machinery
(``Job.run``), or the real JobQueue schedule with the bot polling.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from bot.context import BotApp
from briefings.extract import Extractor
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from briefings.storage.tables import Delivery
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import (
    CHANNEL,
    START,
    assert_clean,
    initialized,
    make_service,
    running_bot,
    sent_texts,
    subscribe_many,
)
from tests.bot_e2e.pages import PAGE
from tests.webserver import LocalServer

botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service

USER = 42
EIGHT_IN_KOLKATA = dt.datetime(2025, 6, 13, 2, 30, tzinfo=dt.UTC)


def clock_of(service: BriefingService) -> FixedClock:
    assert isinstance(service.clock, FixedClock)
    return service.clock


async def run_job(app: BotApp, name: str) -> None:
    queue = app.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name(name)
    await job.run(app)


def deliveries(service: BriefingService) -> list[tuple[int, str, dt.date, str]]:
    with service.db.transaction() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id))
        return [(d.chat_id, d.kind, d.digest_date, d.status) for d in rows]


async def test_digest_fires_at_eight_in_kolkata_once(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    clock = clock_of(service)
    assert clock.now() == START
    subscribe_many(service, server, [USER], "08:00", "Asia/Kolkata")
    subscribe_many(service, server, [43], "08:00", "Europe/Berlin")  # 06:00Z: not yet
    async with initialized(service, jobs=True) as app:
        await run_job(app, "digest-tick")
        assert server.calls_to("sendMessage") == []
        assert deliveries(service) == []

        clock.set(EIGHT_IN_KOLKATA)
        await run_job(app, "digest-tick")
        texts = sent_texts(server, USER)
        assert texts and texts[0].startswith("Digest")
        assert "2025-06-12 08:00 IST → 2025-06-13 08:00 IST" in texts[0]  # the subscriber's time
        assert deliveries(service) == [(USER, "digest", dt.date(2025, 6, 13), "sent")]

        for minutes in (0, 1, 60):  # later ticks the same local day: nothing more
            clock.set(EIGHT_IN_KOLKATA + dt.timedelta(minutes=minutes))
            await run_job(app, "digest-tick")
        assert sent_texts(server, USER) == texts
        assert sent_texts(server, 43) == []

        clock.set(dt.datetime(2025, 6, 13, 6, 0, tzinfo=dt.UTC))  # 08:00 CEST
        await run_job(app, "digest-tick")
        assert sent_texts(server, 43) and sent_texts(server, 43)[0].startswith("Digest")

        clock.set(dt.datetime(2025, 6, 14, 2, 30, tzinfo=dt.UTC))  # the next morning in Kolkata
        await run_job(app, "digest-tick")
        tomorrow = sent_texts(server, USER)[len(texts) :]
        assert tomorrow and "Nothing new since 2025-06-13 08:00 IST" in tomorrow[0]
    assert server.duplicates() == []
    assert_clean(server)


async def test_the_running_bot_ticks_by_itself(botapi_server: BotApiServer, bot_db_url: str) -> None:
    """The real JobQueue schedule: /subscribe at 08:00 sharp and the first tick (after 1 s) delivers."""
    server = botapi_server
    svc = make_service(bot_db_url, server, clock=FixedClock(EIGHT_IN_KOLKATA))
    try:
        async with running_bot(svc, jobs=True):
            server.user_sends(USER, "/subscribe 08:00 Asia/Kolkata terrorism")  # a one-message digest
            await server.wait_for_message(USER, "Subscribed")
            digest = await server.wait_for_message(USER, "Digest", timeout=10)
            assert "2025-06-13 08:00 IST" in digest["text"]
            await asyncio.sleep(0.5)
    finally:
        svc.close()
    assert [d[3] for d in deliveries(svc)] == ["sent"]
    assert server.duplicates() == []
    assert_clean(server)


async def test_daylight_saving_is_followed(botapi_server: BotApiServer, service: BriefingService) -> None:
    """08:00 in Berlin is 07:00Z in winter and 06:00Z from the last Sunday of March."""
    server = botapi_server
    clock = clock_of(service)
    clock.set(dt.datetime(2025, 3, 1, tzinfo=dt.UTC))  # subscribed in winter
    subscribe_many(service, server, [USER], "08:00", "Europe/Berlin", "terrorism")
    async with initialized(service, jobs=True) as app:
        for moment, total in (
            ("2025-03-29T06:59", 0),
            ("2025-03-29T07:00", 1),  # 08:00 CET
            ("2025-03-30T05:59", 1),
            ("2025-03-30T06:00", 2),  # 08:00 CEST: an hour earlier in UTC
            ("2025-03-30T07:00", 2),
        ):
            clock.set(dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC))
            await run_job(app, "digest-tick")
            assert len(sent_texts(server, USER)) == total, moment
    assert_clean(server)


async def test_scheduled_ingestion_of_the_configured_sources(
    botapi_server: BotApiServer, bot_db_url: str, web: LocalServer, extractor: Extractor
) -> None:
    """BRIEFINGS_SOURCES are ingested by their own job (private addresses allowed: the operator set them)."""
    url = web.add("/bot-e2e/scheduled-shipki-la.html", PAGE)
    svc = make_service(
        bot_db_url, botapi_server, extractor=extractor, sources=[url], ingest_interval_minutes=5
    )
    try:
        async with initialized(svc, jobs=True) as app:
            queue = app.job_queue
            assert queue is not None
            (job,) = queue.get_jobs_by_name("ingest-sources")
            assert job.job.trigger.interval == dt.timedelta(minutes=5)
            await run_job(app, "ingest-sources")
            await run_job(app, "ingest-sources")  # the second time: unchanged
        assert svc.reading.stats().articles == 11
    finally:
        svc.close()


async def test_digest_limited_to_topics(botapi_server: BotApiServer, service: BriefingService) -> None:
    server = botapi_server
    subscribe_many(service, server, [USER], "08:00", "Asia/Kolkata", "terrorism")
    subscribe_many(service, server, [43], "08:00", "Asia/Kolkata", "flights")
    clock_of(service).set(EIGHT_IN_KOLKATA)
    async with initialized(service, jobs=True) as app:
        await run_job(app, "digest-tick")
    only_terrorism, only_flights = sent_texts(server, USER), sent_texts(server, 43)
    assert only_terrorism and only_flights
    assert "Direct flights" in "\n".join(only_flights)
    assert "Direct flights" not in "\n".join(only_terrorism)
    assert_clean(server)


async def test_channel_post_at_its_time_once_a_day_and_after_downtime(
    botapi_server: BotApiServer, bot_db_url: str
) -> None:
    """The tick posts to the channel at BRIEFINGS_CHANNEL_POST_TIME (local), once a day; a post
    missed while the bot was down goes out on the first tick after it comes back."""
    server = botapi_server
    server.add_channel(CHANNEL, "India–China briefing")
    clock = FixedClock(dt.datetime(2025, 6, 13, 3, 29, tzinfo=dt.UTC))  # 08:59 in Kolkata
    svc = make_service(
        bot_db_url,
        server,
        clock=clock,
        channel_id=str(CHANNEL),
        channel_post_time="09:00",
        timezone="Asia/Kolkata",
    )
    try:
        async with initialized(svc, jobs=True) as app:
            await run_job(app, "digest-tick")
            assert sent_texts(server, CHANNEL) == []
            clock.set(dt.datetime(2025, 6, 13, 3, 30, tzinfo=dt.UTC))  # 09:00 in Kolkata
            await run_job(app, "digest-tick")
            posts = sent_texts(server, CHANNEL)
            assert posts and "India–China briefing" in posts[0]
            for minutes in (1, 2, 300):  # the same day: nothing more
                clock.set(dt.datetime(2025, 6, 13, 3, 30, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes))
                await run_job(app, "digest-tick")
            assert sent_texts(server, CHANNEL) == posts
            # down from the evening before until 15:00 the next day: the post goes out once, late
            clock.set(dt.datetime(2025, 6, 14, 9, 30, tzinfo=dt.UTC))
            await run_job(app, "digest-tick")
            await run_job(app, "digest-tick")
            assert len(sent_texts(server, CHANNEL)) == 2 * len(posts)
        assert deliveries(svc) == [
            (CHANNEL, "channel", dt.date(2025, 6, 13), "sent"),
            (CHANNEL, "channel", dt.date(2025, 6, 14), "sent"),
        ]
    finally:
        svc.close()
    assert_clean(server)  # (the two days' posts are the same text: no news in between)
