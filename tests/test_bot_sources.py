"""End to end: /sources shows each polled source's health, and a source failing for a day is
reported to the admins once, through the real bot, the local Bot API server and a feed on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest

from bot.context import BotApp
from bot.jobs import ingest_sources
from briefings.extract import Extractor
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import ADMIN, START, assert_clean, make_service, running_bot
from tests.webserver import LocalServer

botapi_server, corpus, bot_db_url = e2e.botapi_server, e2e.corpus, e2e.bot_db_url

USER = 42
FAILING = "A source has been failing for a day"


@pytest.fixture
def feeds() -> Iterator[LocalServer]:
    web = LocalServer()
    web.start()
    yield web
    web.stop()


async def run_ingest_job(app: BotApp, feeds: LocalServer) -> None:
    """The scheduled ingestion, run once now (as the JobQueue runs it), until the feed was polled."""
    assert app.job_queue is not None
    polls = feeds.hits.get("/feed.rss", 0)
    app.job_queue.run_once(ingest_sources, 0, name="ingest-now")
    for _ in range(400):
        await asyncio.sleep(0.05)
        if feeds.hits.get("/feed.rss", 0) > polls:
            await asyncio.sleep(0.5)  # then the report, if any
            return
    raise AssertionError("the ingestion job did not poll the feed")


async def test_sources_health_and_a_failing_source_reported_once(
    botapi_server: BotApiServer, bot_db_url: str, feeds: LocalServer, extractor: Extractor
) -> None:
    server = botapi_server
    feed = feeds.add("/feed.rss", "gone", "text/plain", status=404)
    clock = FixedClock(START)
    svc: BriefingService = make_service(bot_db_url, server, clock=clock, extractor=extractor, sources=[feed])
    try:
        assert "rejected 1" in svc.ingestion.ingest_sources().summary()  # failing since START
        clock.advance(dt.timedelta(hours=25))  # a day later, still failing: the next run tells
        async with running_bot(svc, jobs=False) as app:
            server.user_sends(ADMIN, "/help")  # the admin has a chat with the bot
            await server.wait_for_message(ADMIN)
            await run_ingest_job(app, feeds)
            alert = await server.wait_for_message(ADMIN, FAILING, timeout=20)
            assert feed in alert["text"] and "HTTP 404" in alert["text"]
            clock.advance(dt.timedelta(hours=2))  # past the backoff of a second failure (1 h)
            await run_ingest_job(app, feeds)  # still failing: not reported again
            server.user_sends(USER, "/sources")
            shown = await server.wait_for_message(USER, "Polled")
            assert feed in shown["text"] and "failing since" in shown["text"] and "HTTP 404" in shown["text"]
            assert "The Harbour Herald" in shown["text"]  # the outlets are still listed
            await server.wait_updates_consumed()
        assert sum(FAILING in t for t in server.texts(ADMIN)) == 1
        assert feeds.hits["/feed.rss"] == 3
    finally:
        svc.close()
    assert_clean(server)
