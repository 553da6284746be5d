"""End to end: admin commands (/stats, /post, /ingest) for BRIEFINGS_ADMIN_IDS only, and a polite
refusal for everyone else, through the real bot and the local Bot API server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefings.extract import Extractor
from briefings.service.app import BriefingService
from briefings.storage.reads import picture_version
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import ADMIN, CHANNEL, assert_clean, make_service, running_bot
from tests.bot_e2e.pages import PAGE
from tests.webserver import LocalServer

botapi_server, corpus, bot_db_url = e2e.botapi_server, e2e.corpus, e2e.bot_db_url

USER = 42
REFUSAL = "Sorry, that command is for the bot's admins."


@pytest.fixture
def service(bot_db_url: str, botapi_server: BotApiServer, extractor: Extractor) -> Iterator[BriefingService]:
    # the session's extractor: loading another takes seconds
    svc = make_service(bot_db_url, botapi_server, extractor=extractor, channel_id=str(CHANNEL))
    yield svc
    svc.close()


def channel_messages(server: BotApiServer) -> list[str]:
    return server.texts(CHANNEL)


def warnings_of(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


async def test_non_admins_are_refused_politely(
    botapi_server: BotApiServer, service: BriefingService, caplog: pytest.LogCaptureFixture
) -> None:
    """Refused with a reply threaded to the command, and a WARNING naming the user, the chat and
    the command."""
    caplog.set_level(logging.INFO)
    server = botapi_server
    server.add_channel(CHANNEL, "India–China briefing")
    async with running_bot(service):
        commands = ("/post", "/stats", "/post flights", "/ingest https://example.org/a.html")
        users = range(USER, USER + len(commands))  # one chat each: the replies are not spaced
        for user, command in zip(users, commands, strict=True):
            server.user_sends(user, command)
        for user, command in zip(users, commands, strict=True):
            refusal = await server.wait_for_message(user, REFUSAL)
            assert refusal["reply_to_message"]["text"] == command
        group = -1001112223334
        server.add_group(group, "Newsroom", creator=USER)  # owner of a group, still no bot admin
        server.user_sends(USER, "/post@BriefBot", chat=group)
        await server.wait_for_message(group, REFUSAL)
        await server.wait_updates_consumed()
    assert channel_messages(server) == []
    assert service.reading.stats().articles == 10  # nothing ingested either
    assert sorted(warnings_of(caplog, "bot.handlers.admin")) == sorted(
        [
            f"refused /post from user {USER} in chat {USER}: not in BRIEFINGS_ADMIN_IDS",
            f"refused /stats from user {USER + 1} in chat {USER + 1}: not in BRIEFINGS_ADMIN_IDS",
            f"refused /post from user {USER + 2} in chat {USER + 2}: not in BRIEFINGS_ADMIN_IDS",
            f"refused /ingest from user {USER + 3} in chat {USER + 3}: not in BRIEFINGS_ADMIN_IDS",
            f"refused /post from user {USER} in chat {group}: not in BRIEFINGS_ADMIN_IDS",
        ]
    )
    assert not [r for r in caplog.records if server.token.split(":")[1] in r.getMessage()]
    assert_clean(server)


async def test_admin_stats_and_post(botapi_server: BotApiServer, service: BriefingService) -> None:
    server = botapi_server
    server.add_channel(CHANNEL, "India–China briefing")
    async with running_bot(service):
        server.user_sends(ADMIN, "/stats")
        stats = await server.wait_for_message(ADMIN, "Stats")
        assert "articles: 10" in stats["text"]
        assert "officials: 13" in stats["text"]
        assert "subscribers: 0" in stats["text"]
        assert "deliveries sent: 0" in stats["text"] and "failed: 0" in stats["text"]

        server.user_sends(ADMIN, "/post")
        done = await server.wait_for_message(ADMIN, "Posted to", timeout=10)
        assert str(CHANNEL) in done["text"]
        post = await server.wait_for_message(CHANNEL, "India–China briefing")
        assert post["chat"]["type"] == "channel"

        server.user_sends(ADMIN, "/post flights")
        await server.wait_for_message(ADMIN, "Posted to", timeout=10)
        await server.wait_for_message(CHANNEL, "Direct flights")

        server.user_sends(ADMIN, "/post nonsense")
        refusal = await server.wait_for_message(ADMIN, "unknown topic")
        assert "nonsense" in refusal["text"]
    assert len(channel_messages(server)) >= 2
    assert_clean(server)


async def test_post_to_a_channel_by_username_and_without_a_channel(
    botapi_server: BotApiServer, bot_db_url: str, extractor: Extractor
) -> None:
    server = botapi_server
    server.add_channel(CHANNEL, "India–China briefing", username="indiachinabrief")
    named = make_service(bot_db_url, server, channel_id="@indiachinabrief")
    try:
        async with running_bot(named):
            server.user_sends(ADMIN, "/post")
            await server.wait_for_message(ADMIN, "Posted to @indiachinabrief", timeout=10)
            await server.wait_for_message(CHANNEL, "India–China briefing")
    finally:
        named.close()
    unset = make_service(bot_db_url, server, channel_id="")
    try:
        async with running_bot(unset):
            server.user_sends(ADMIN, "/post")
            await server.wait_for_message(ADMIN, "No channel configured")
    finally:
        unset.close()
    assert_clean(server)


async def test_post_to_a_channel_where_the_bot_is_no_admin(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    server.add_channel(CHANNEL, "India–China briefing", bot_status="member")
    async with running_bot(service):
        server.user_sends(ADMIN, "/post")
        answer = await server.wait_for_message(ADMIN, timeout=10)
        assert "channel" in answer["text"].lower() and "admin" in answer["text"].lower()
    assert channel_messages(server) == []
    assert [c.description for c in server.failed_calls()] == [
        "Bad Request: need administrator rights in the channel chat"
    ]


async def test_ingest_refuses_private_addresses_by_default(
    botapi_server: BotApiServer, service: BriefingService, web: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Refused before any request, said in the reply, and logged at WARNING (the URL without its
    credentials or query, which may hold secrets)."""
    caplog.set_level(logging.INFO)
    server = botapi_server
    url = web.add("/bot-e2e/shipki-la.html", PAGE)
    host, port = url.split("/")[2].split(":")
    with_secrets = f"http://editor:hunter2@{host}:{port}/bot-e2e/shipki-la.html?key=k3y-Secret"
    async with running_bot(service):
        server.user_sends(ADMIN, "/ingest")
        await server.wait_for_message(ADMIN, "Usage: /ingest <url>")
        server.user_sends(ADMIN, f"/ingest {url}")
        answer = await server.wait_for_message(ADMIN, "rejected 1", timeout=10)
        assert "private or local address" in answer["text"]
        assert "ingested 0" in answer["text"]
        server.user_sends(ADMIN, f"/ingest {with_secrets}")
        await server.wait_for_message(ADMIN, "rejected 1", timeout=10)
    assert web.hits.get("/bot-e2e/shipki-la.html", 0) == 0  # refused before any request
    assert service.reading.stats().articles == 10
    refused = f"/ingest by {ADMIN}: rejected {url}: refused: {host} is a private or local address"
    assert warnings_of(caplog, "bot.handlers.admin") == [refused, refused]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "hunter2" not in logged and "k3y-Secret" not in logged
    assert_clean(server)


async def test_ingest_only_fetches_urls_never_local_files(
    botapi_server: BotApiServer, service: BriefingService, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """/ingest is the safe fetch of a URL: a path on the bot's machine is no source for a chat command."""
    caplog.set_level(logging.INFO)
    server = botapi_server
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "shipki-la.html").write_text(PAGE, encoding="utf-8")
    async with running_bot(service):
        for target in (str(folder), str(folder / "shipki-la.html"), f"file://{folder}/shipki-la.html"):
            server.user_sends(ADMIN, f"/ingest {target}")
            answer = await server.wait_for_message(ADMIN, timeout=10)
            assert "ingested 1" not in answer["text"], answer["text"]
            assert "http" in answer["text"], answer["text"]
    assert service.reading.stats().articles == 10
    assert warnings_of(caplog, "bot.handlers.admin") == [
        f"/ingest by {ADMIN}: refused {target}: not an http(s) URL"
        for target in (str(folder), str(folder / "shipki-la.html"), f"file://{folder}/shipki-la.html")
    ]
    assert_clean(server)


async def test_ingest_with_private_urls_allowed(
    botapi_server: BotApiServer,
    bot_db_url: str,
    extractor: Extractor,
    web: LocalServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    server = botapi_server
    url = web.add("/bot-e2e/shipki-la-allowed.html", PAGE)
    svc = make_service(bot_db_url, server, extractor=extractor, allow_private_urls=True)
    try:
        async with running_bot(svc):
            server.user_sends(ADMIN, f"/ingest {url}")
            answer = await server.wait_for_message(ADMIN, "ingested 1", timeout=20)
            assert "rejected 0" in answer["text"]
            with svc.db.transaction() as session:  # read by the ingest already, not by the next command
                assert svc.reading.loaded_version() == picture_version(session) > 0
            server.user_sends(ADMIN, f"/ingest {url}")
            again = await server.wait_for_message(ADMIN, "unchanged 1", timeout=20)
            assert "ingested 0" in again["text"]
            server.user_sends(ADMIN, "/stats")
            stats = await server.wait_for_message(ADMIN, "Stats")
            assert "articles: 11" in stats["text"]
            server.user_sends(USER, "/sources")
            sources = await server.wait_for_message(USER, "Sources")
            assert "The Ridge Courier" in sources["text"]
    finally:
        svc.close()
    assert warnings_of(caplog, "bot.handlers.admin") == []  # nothing refused
    assert f"/ingest by {ADMIN} of {url}: ingested 1, unchanged 0, rejected 0" in caplog.messages
    assert_clean(server)


async def test_ingest_of_a_malformed_url_is_a_rejection_not_an_error(
    botapi_server: BotApiServer, service: BriefingService, caplog: pytest.LogCaptureFixture
) -> None:
    """A bracket left open, a port out of range, an empty host label: each answered with its
    rejection, with the guard on, and nothing logged at ERROR."""
    caplog.set_level(logging.INFO)
    server = botapi_server
    async with running_bot(service):
        for url in ("http://example.com:99999/", "http://[::1", "http://a..b/"):
            server.user_sends(ADMIN, f"/ingest {url}")
            answer = await server.wait_for_message(ADMIN, "rejected 1", timeout=10)
            assert "malformed URL" in answer["text"], answer["text"]
            assert "Sorry" not in answer["text"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert service.reading.stats().articles == 10
    assert_clean(server)
