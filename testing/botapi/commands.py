"""Bot API methods on the bot itself: getMe, logOut, close, the command lists per scope and
language (set/get/deleteMyCommands) and its name and descriptions (set/getMyName, ...Description,
...ShortDescription)."""

from __future__ import annotations

import copy
import json
import re

from testing.botapi.context import CallContext, MethodHandler, bad_request
from testing.botapi.core import ServerCore
from testing.botapi.records import JSONDict

_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class CommandMethods(ServerCore):
    """getMe, commands, names and descriptions."""

    def _command_methods(self) -> dict[str, MethodHandler]:
        handlers: dict[str, MethodHandler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
        }
        profile = (
            ("Name", "name"),
            ("Description", "description"),
            ("ShortDescription", "short_description"),
        )
        for field_name, key in profile:
            handlers[f"setMy{field_name}"] = self._profile_setter(key)
            handlers[f"getMy{field_name}"] = self._profile_getter(key)
        return handlers

    async def _ok(self, ctx: CallContext) -> bool:
        return True

    async def _get_me(self, ctx: CallContext) -> JSONDict:
        bot = ctx.bot
        return {
            **bot.user(),
            "can_join_groups": bot.can_join_groups,
            "can_read_all_group_messages": not bot.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _scope(self, ctx: CallContext) -> tuple[str, str]:
        scope = ctx.params.get("scope")
        if scope is None or scope == "":
            scope = {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            if scope.get("chat_id") is None:
                raise bad_request("chat_id is empty")
            self.resolve_chat(ctx.bot, scope["chat_id"])
        if scope["type"] == "chat_member" and not isinstance(scope.get("user_id"), int):
            raise bad_request("user_id is empty")
        language = ctx.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return scope_key(scope, language)

    async def _set_my_commands(self, ctx: CallContext) -> bool:
        commands = ctx.params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND.fullmatch(command.removeprefix("/").lower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command.removeprefix("/").lower(), "description": description})
        key = self._scope(ctx)
        if clean:
            ctx.bot.commands[key] = clean
        else:
            ctx.bot.commands.pop(key, None)
        self._notify()
        return True

    async def _get_my_commands(self, ctx: CallContext) -> list[JSONDict]:
        return copy.deepcopy(ctx.bot.commands.get(self._scope(ctx), []))

    async def _delete_my_commands(self, ctx: CallContext) -> bool:
        ctx.bot.commands.pop(self._scope(ctx), None)
        self._notify()
        return True

    def _profile_setter(self, key: str) -> MethodHandler:
        async def handler(ctx: CallContext) -> bool:
            language = ctx.get_str("language_code") or ""
            value = ctx.get_str(key) or ""
            limits = {"name": 64, "description": 512, "short_description": 120}
            if len(value) > limits[key]:
                raise bad_request(f"bot {key.replace('_', ' ')} is too long")
            self._profiles[(ctx.bot.token, key, language)] = value
            return True

        return handler

    def _profile_getter(self, key: str) -> MethodHandler:
        async def handler(ctx: CallContext) -> JSONDict:
            language = ctx.get_str("language_code") or ""
            value = self._profiles.get(
                (ctx.bot.token, key, language), self._profiles.get((ctx.bot.token, key, ""), "")
            )
            if key == "name" and not value:
                value = ctx.bot.first_name
            return {key: value}

        return handler


def scope_key(scope: JSONDict, language: str) -> tuple[str, str]:
    return json.dumps(scope, sort_keys=True, separators=(",", ":")), language
