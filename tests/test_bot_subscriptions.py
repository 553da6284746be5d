"""End to end: subscribing to the daily digest, in private chats and in groups, through the real bot."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from briefings.service.app import BriefingService
from briefings.storage.tables import Subscription
from testing.botapi import BotApiServer
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import ask, assert_clean, running_bot

botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service

USER = 42
GROUP = -1001234567890
OWNER, ADMIN_MEMBER, MEMBER = 7, 8, 9


async def test_subscribe_settings_errors_and_unsubscribe(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server

    async def subscribe_and_stop(user: int) -> None:
        none_yet = await ask(server, user, "/settings", "No digest here yet")
        assert "/subscribe 08:00 Asia/Kolkata" in none_yet["text"]
        done = await ask(server, user, "/subscribe 08:00 Asia/Kolkata", "Subscribed")
        assert "08:00" in done["text"] and "Asia/Kolkata" in done["text"] and "all topics" in done["text"]
        info = service.subscriptions.subscription(user)
        assert info is not None and info.active
        assert (info.local_time, info.timezone) == ("08:00", "Asia/Kolkata")
        shown = await ask(server, user, "/settings", "Daily digest at")
        assert "08:00" in shown["text"] and "Asia/Kolkata" in shown["text"] and "paused" not in shown["text"]
        await ask(server, user, "/unsubscribe", "Unsubscribed")
        paused = await ask(server, user, "/settings", "Daily digest at")
        assert "paused" in paused["text"]
        await ask(server, user, "/unsubscribe", "no digest to stop")

    async def wrong_arguments(user: int) -> None:
        await ask(server, user, "/subscribe 08:00 Asia/Kolkata", "Subscribed")
        bad_time = await ask(server, user, "/subscribe 25:00", "not a time of day")
        assert "25:00" in bad_time["text"] and "HH:MM" in bad_time["text"]
        bad_zone = await ask(server, user, "/subscribe 08:00 Mars/Base", "unknown time zone")
        assert "Mars/Base" in bad_zone["text"] and "Area/City" in bad_zone["text"]
        region = await ask(server, user, "/subscribe 08:00 America/Argentina", "unknown time zone")
        assert "America/Argentina/Buenos_Aires" in region["text"] and "went wrong" not in region["text"]
        bad_topic = await ask(server, user, "/subscribe 7:30 flights weather", "unknown topic")
        assert "weather" in bad_topic["text"]
        hostile = await ask(server, user, "/subscribe <b>&amp;", "unknown topic")
        assert "<b>&amp;" in hostile["text"]  # shown as typed: escaped, not parsed
        for text in (bad_time["text"], bad_zone["text"], bad_topic["text"]):
            assert "went wrong" not in text
        info = service.subscriptions.subscription(user)  # the errors changed nothing
        assert info is not None and (info.local_time, info.timezone) == ("08:00", "Asia/Kolkata")

    async def topics_and_defaults(user: int) -> None:
        topics = await ask(server, user, "/subscribe Europe/Berlin 7:30 flights VISAS", "Subscribed")
        assert "07:30" in topics["text"] and "Europe/Berlin" in topics["text"]
        assert "flights, visas" in topics["text"]
        default = await ask(server, user, "/subscribe", "Subscribed")  # the defaults from the configuration
        assert "08:00" in default["text"] and "UTC" in default["text"] and "all topics" in default["text"]

    async with running_bot(service):
        await asyncio.gather(subscribe_and_stop(USER), wrong_arguments(43), topics_and_defaults(44))
    assert_clean(server)


async def test_group_commands_thread_and_only_admins_subscribe(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    server.add_group(GROUP, "Newsroom", creator=OWNER, admins=[ADMIN_MEMBER], members=[MEMBER])
    async with running_bot(service):
        command = server.user_sends(MEMBER, "/brief@BriefBot", chat=GROUP)
        first = await server.wait_for_message(GROUP, "India–China briefing", timeout=10)
        assert first["reply_to_message"]["message_id"] == command["message_id"]
        sent = [c for c in server.calls_to("sendMessage") if c.params.get("chat_id") == GROUP]
        assert sent[0].params["reply_parameters"]["message_id"] == command["message_id"]

        server.user_sends(MEMBER, "/who@BriefBot misri", chat=GROUP)
        await server.wait_for_message(GROUP, "Vikram Misri", timeout=10)
        server.user_sends(MEMBER, "/brief@OtherBot", chat=GROUP)  # not for us: never seen

        refused_cmd = server.user_sends(MEMBER, "/subscribe@BriefBot 09:00 Asia/Kolkata", chat=GROUP)
        refused = await server.wait_for_message(GROUP, "Only this group's admins")
        assert refused["reply_to_message"]["message_id"] == refused_cmd["message_id"]
        assert service.subscriptions.subscription(GROUP) is None
        server.user_sends(MEMBER, "/unsubscribe@BriefBot", chat=GROUP)
        await server.wait_for_message(GROUP, "Only this group's admins")

        server.user_sends(ADMIN_MEMBER, "/subscribe@BriefBot 09:00 Asia/Kolkata", chat=GROUP)
        accepted = await server.wait_for_message(GROUP, "Subscribed")
        assert "09:00" in accepted["text"]
        info = service.subscriptions.subscription(GROUP)
        assert info is not None and info.active and info.timezone == "Asia/Kolkata"

        server.user_sends(OWNER, "/subscribe 10:15", chat=GROUP)  # the owner, without @BriefBot
        await server.wait_for_message(GROUP, "10:15")
        server.user_sends(MEMBER, "/settings@BriefBot", chat=GROUP)  # anyone may look
        shown = await server.wait_for_message(GROUP, "Daily digest at")
        assert "10:15" in shown["text"]
        await server.wait_updates_consumed()
    replied_to = [m.get("reply_to_message", {}).get("text", "") for m in server.messages(GROUP)]
    assert "/brief@OtherBot" not in replied_to
    with service.db.transaction() as session:
        row = session.scalar(select(Subscription).where(Subscription.chat_id == GROUP))
        assert row is not None and row.chat_type == "supergroup"
    assert_clean(server)


async def test_basic_group_subscribes_too(botapi_server: BotApiServer, service: BriefingService) -> None:
    server = botapi_server
    group = -4000123
    server.add_group(group, "Old style group", chat_type="group", creator=OWNER, members=[MEMBER])
    async with running_bot(service):
        server.user_sends(MEMBER, "/subscribe@BriefBot", chat=group)
        await server.wait_for_message(group, "Only this group's admins")
        server.user_sends(OWNER, "/subscribe@BriefBot 06:45 Asia/Kolkata", chat=group)
        await server.wait_for_message(group, "Subscribed")
    info = service.subscriptions.subscription(group)
    assert info is not None and info.local_time == "06:45"
    assert_clean(server)


async def test_blocked_or_removed_bot_pauses_the_digest_at_once(
    botapi_server: BotApiServer, service: BriefingService
) -> None:
    server = botapi_server
    server.add_group(GROUP, "Newsroom", creator=OWNER)
    for chat, chat_type in ((USER, "private"), (GROUP, "supergroup")):
        service.subscriptions.subscribe(chat, chat_type, ["08:00", "Asia/Kolkata"])
    async with running_bot(service):
        server.user_blocks_bot(USER)  # a my_chat_member update: kicked
        server.kick_bot(GROUP, by=OWNER)
        await server.wait_updates_consumed()
        await server.wait_until(lambda: not any(_active(service, c) for c in (USER, GROUP)))
        server.user_sends(USER, "/settings")  # writing to the bot unblocks it
        paused = await server.wait_for_message(USER, "Daily digest at")
        assert "paused" in paused["text"]
        server.user_sends(USER, "/subscribe")
        await server.wait_for_message(USER, "Subscribed")
    assert _active(service, USER) and not _active(service, GROUP)
    assert_clean(server)


def _active(service: BriefingService, chat: int) -> bool:
    info = service.subscriptions.subscription(chat)
    return info is not None and info.active
