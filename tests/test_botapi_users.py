"""Users of the local Bot API server (testing/botapi): a user talking to a bot, blocking it,
deactivated users, two bots and the test helpers that wait for what the bot sent."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden

from testing.botapi import BotApiServer
from testing.botapi.fixtures import botapi_server  # noqa: F401  (botapi_server is a fixture)
from tests.botapi_support import ECHO_BOT, NO_LIMITS, client, running


async def test_user_sends_start_and_the_bot_replies() -> None:
    async with BotApiServer() as server, running(server, ECHO_BOT):
        sent = server.user_sends(42, "/start", first_name="Ada")
        assert sent["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
        reply = await server.wait_for_message(42, "Welcome")
        assert reply["text"] == "Welcome, Ada!"
        assert reply["from"]["username"] == "BriefBot"
        assert reply["chat"] == {"id": 42, "type": "private", "first_name": "Ada"}
        assert "reply_to_message" not in reply  # PTB quotes by default only in groups

        server.user_sends(42, "hello there")
        assert (await server.wait_for_message(42))["text"] == "hello there"  # mailbox: the next one
        server.user_sends(42, "hello there")
        assert (await server.wait_for_message(42, "hello"))["message_id"] > reply["message_id"] + 1
        await server.wait_updates_consumed()
        assert server.texts(42) == ["Welcome, Ada!", "hello there", "hello there"]
        assert server.stats.rate_limit_violations == 0
        assert server.failed_calls() == []


async def test_unknown_chat_and_forbidden_chats() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(999, "hello?")

        server.user_sends(42, "/start")
        server.user_blocks_bot(42)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(42, "still there?")
        server.user_sends(42, "/start")  # writing to the bot again unblocks it
        await bot.send_message(42, "welcome back")

        server.add_group(-500, "Team")
        await bot.send_message(-500, "hi team")
        server.kick_bot(-500)
        with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
            await bot.send_message(-500, "hi again")

        server.deactivate_user(42)
        with pytest.raises(Forbidden, match="user is deactivated"):
            await bot.send_chat_action(42, "typing")

        server.add_channel(-1009, "Briefs", bot_status="member")
        with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
            await bot.send_message(-1009, "post")
        # the block/kick notifications were queued as my_chat_member updates
        kinds = [next(k for k in u if k != "update_id") for u in server.pending_updates()]
        assert kinds.count("my_chat_member") == 2


async def test_two_bots_users_edits_and_helpers(botapi_server: BotApiServer) -> None:  # noqa: F811
    server = botapi_server
    other = server.add_bot("777:other", username="OtherBot")
    async with client(server) as bot, Bot("777:other", base_url=server.base_url) as other_bot:
        server.user_sends(42, "/start")  # only BriefBot has a private chat with user 42
        with pytest.raises(BadRequest, match="Chat not found"):
            await other_bot.send_message(42, "hi")
        server.add_group(-300, "Both bots")
        server.add_group(-300, bot=other.token)
        server.user_sends(42, "/brief@OtherBot", chat=-300)
        assert [u["message"]["text"] for u in server.pending_updates(other.token)] == ["/brief@OtherBot"]
        assert [u["message"]["text"] for u in server.pending_updates()] == ["/start"]

        original = server.user_sends(42, "typo", chat=-300)
        server.user_edits(42, original, "/fixed", chat=-300)
        assert server.pending_updates()[-1]["edited_message"]["text"] == "/fixed"

        before = len(server.calls_to("sendMessage"))
        send = asyncio.create_task(bot.send_message(-300, "first"))
        call = await server.wait_for_call("sendMessage", after=before)
        assert call.ok and call.params == {"chat_id": -300, "text": "first"}
        await send
        await bot.send_chat_action(-300, "typing")
        await other_bot.send_message(-300, "second")
        assert [m["text"] for m in await server.wait_for_messages(-300, 2)] == ["first", "second"]
        assert server.texts(-300, token=other.token) == ["second"]
        assert [a.action for a in server.chat_actions(-300)] == ["typing"]
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await bot.send_chat_action(-300, "dancing")
        await bot.set_my_name("Brief Bot Deluxe")
        assert (await bot.get_my_name()).name == "Brief Bot Deluxe"
        assert (await other_bot.get_my_name()).name == "OtherBot"
        with pytest.raises(TimeoutError, match="chat -300 contains"):
            await server.wait_for_message(-300, "never", timeout=0.05)
