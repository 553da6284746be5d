"""Updates from the local Bot API server (testing/botapi): getUpdates long polling, webhooks,
privacy mode in groups, channel posts and callback queries, with an ``Application`` polling it."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from typing import Any

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from testing.botapi import BotApiServer
from tests.botapi_support import ECHO_BOT, client, running


async def test_group_command_addressed_to_the_bot() -> None:
    async with BotApiServer(username="BriefBot") as server, running(server, ECHO_BOT):
        group = -1001234567890
        server.add_group(group, "Newsroom", admins=[7], creator=7)
        sent = server.user_sends(43, "/start@BriefBot", chat=group, first_name="Bob")
        assert sent["chat"] == {"id": group, "type": "supergroup", "title": "Newsroom"}
        assert sent["entities"] == [{"offset": 0, "length": 15, "type": "bot_command"}]
        reply = await server.wait_for_message(group, "Welcome, Bob")
        assert reply["chat"]["id"] == group

        # privacy mode: other bots' commands and plain chatter never reach the bot
        server.user_sends(43, "/start@OtherBot", chat=group)
        server.user_sends(43, "just talking", chat=group)
        await server.wait_updates_consumed()
        await asyncio.sleep(0.05)
        assert server.texts(group) == ["Welcome, Bob!"]
        assert len(server.history(group)) == 4


async def test_callback_query_round_trip() -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Today", callback_data="brief:today"),
                    InlineKeyboardButton("Week", callback_data="brief:week"),
                ]
            ]
        )
        await update.effective_message.reply_text("Which brief?", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer("Preparing…")
        await query.edit_message_text(f"You chose {query.data.split(':')[1]}")

    async with (
        BotApiServer() as server,
        running(server, [CommandHandler("menu", menu), CallbackQueryHandler(pressed)]),
    ):
        server.user_sends(42, "/menu")
        menu_message = await server.wait_for_message(42, "Which brief?")
        query = server.user_presses(42, menu_message, button_text="Week")
        answer = await server.wait_for_callback_answer(query["id"])
        assert (answer.text, answer.query and answer.query["data"]) == ("Preparing…", "brief:week")
        edit = await server.wait_for_edit(42, menu_message["message_id"])
        assert edit.after["text"] == "You chose week"
        assert "reply_markup" not in edit.after  # editing without reply_markup removes the keyboard
        with pytest.raises(ValueError, match="no button"):
            server.user_presses(42, menu_message, "brief:today")  # the keyboard is gone
        async with client(server) as bot:
            with pytest.raises(BadRequest, match="Query is too old"):
                await bot.answer_callback_query(query["id"])


async def test_long_polling_offset_limit_and_allowed_updates() -> None:
    async with BotApiServer() as server, client(server) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        assert not poll.done()
        started = time.monotonic()
        server.user_sends(42, "wake up")
        [update] = await poll
        assert time.monotonic() - started < 1
        assert update.message is not None and update.message.text == "wake up"

        server.user_sends(42, "second")
        server.user_sends(42, "third")
        assert len(await bot.get_updates(limit=2)) == 2  # nothing acknowledged yet
        rest = await bot.get_updates(offset=update.update_id + 2)
        assert [u.message.text for u in rest if u.message] == ["third"]
        assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()

        await bot.get_updates(allowed_updates=["callback_query"], timeout=0)
        server.user_sends(42, "filtered out")
        assert server.pending_updates() == []

        # a second poller (another bot instance: PTB allows one getUpdates per Bot at a time)
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        async with client(server) as other:
            assert await other.get_updates(timeout=dtm.timedelta(seconds=0.2)) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first


async def test_webhook_delivery_with_secret_token() -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    status = {"code": 200}

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=status["code"])

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook_url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with BotApiServer(webhook_retry_delay=0.05) as server, client(server) as bot:
            assert await bot.set_webhook(hook_url, secret_token="s3cret")
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
            server.user_sends(42, "via webhook")
            await server.wait_updates_consumed()
            assert received[0][0] == "s3cret"
            assert received[0][1]["message"]["text"] == "via webhook"
            status["code"] = 500
            server.user_sends(42, "refused")
            await server.wait_until(lambda: server.webhook_info().get("last_error_message"))
            info = await bot.get_webhook_info()
            assert info.url == hook_url and info.pending_update_count == 1
            assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
            with pytest.raises(BadRequest, match=r"(?i)an https url must be provided"):
                await bot.set_webhook("http://example.com/hook")
            assert await bot.delete_webhook(drop_pending_updates=True)
            assert server.pending_updates() == []
    finally:
        await runner.cleanup()


async def test_channel_posts_reach_admin_bots() -> None:
    async with BotApiServer() as server, client(server) as bot:
        server.add_channel(-1007, "Briefs", username="briefs")
        post = server.channel_post(-1007, "New brief is out #politics")
        [update] = await bot.get_updates()
        assert update.channel_post is not None and update.channel_post.text == post["text"]
        assert update.channel_post.entities[0].type == "hashtag"
        sent = await bot.send_message("@briefs", "From the bot")
        assert sent.chat.id == -1007 and sent.from_user is None and sent.sender_chat is not None
