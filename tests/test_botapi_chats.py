"""Chats and commands of the local Bot API server (testing/botapi): chat info, members and
administrators, bot commands per scope and language."""

from __future__ import annotations

import pytest
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat, Chat
from telegram.error import BadRequest

from testing.botapi import BotApiServer
from tests.botapi_support import client


async def test_chat_info_members_and_admins() -> None:
    async with BotApiServer() as server, client(server) as bot:
        server.add_group(-200, "Editors", creator=1, admins=[2], members=[3], bot_status="administrator")
        chat = await bot.get_chat(-200)
        assert (chat.id, chat.type, chat.title) == (-200, Chat.GROUP, "Editors")
        admins = await bot.get_chat_administrators(-200)
        assert [(m.status, m.user.id) for m in admins] == [
            ("creator", 1),
            ("administrator", 2),
            ("administrator", bot.id),
        ]
        assert (await bot.get_chat_member(-200, 3)).status == "member"
        assert (await bot.get_chat_member(-200, bot.id)).status == "administrator"
        server.add_user(4)
        assert (await bot.get_chat_member(-200, 4)).status == "left"
        with pytest.raises(BadRequest, match="User not found"):
            await bot.get_chat_member(-200, 777)
        assert await bot.get_chat_member_count(-200) == 4
        server.user_sends(42, "hi")
        with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
            await bot.get_chat_administrators(42)


async def test_commands_per_scope() -> None:
    async with BotApiServer() as server, client(server) as bot:
        await bot.set_my_commands(
            [BotCommand("brief", "Today's brief"), BotCommand("who", "Look someone up")]
        )
        await bot.set_my_commands(
            [BotCommand("brief", "Brief for the group")], scope=BotCommandScopeAllGroupChats()
        )
        await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="de")
        assert [c.command for c in await bot.get_my_commands()] == ["brief", "who"]
        assert [c.description for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == [
            "Brief for the group"
        ]
        assert server.commands(language_code="de") == [{"command": "start", "description": "Beginnen"}]
        await bot.delete_my_commands(scope=BotCommandScopeAllGroupChats())
        assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Not Valid", "x")])
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.set_my_commands([BotCommand("x", "y")], scope=BotCommandScopeChat(-1))
