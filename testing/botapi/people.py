"""Setting up the world of the local Bot API test server: users, groups and channels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from testing.botapi.core import ServerCore
from testing.botapi.records import JSONDict
from testing.botapi.world import BotInfo, BotMembership, ChatInfo, ChatType, UserInfo


class People(ServerCore):
    """Users, groups and channels the test creates (test side)."""

    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        started: bool = False,
        bot: str | None = None,
    ) -> JSONDict:
        """Create or update a user; ``started=True`` also opens the private chat with the bot
        (as if the user had pressed Start), so the bot may message them first."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = self._users.get(user_id)
        if user is None:
            user = UserInfo(user_id, first_name or f"User{user_id}")
            self._users[user_id] = user
        if first_name:
            user.first_name = first_name
        if username is not None:
            user.username = username
        if last_name is not None:
            user.last_name = last_name
        if language_code is not None:
            user.language_code = language_code
        chat = self._chats.get(user_id)
        if chat is not None:
            chat.first_name, chat.last_name, chat.username = user.first_name, user.last_name, user.username
        if started:
            self._private_chat(user, self._bot(bot)).bots[self._bot(bot).token].started = True
        self._notify()
        return user.to_api()

    def _ensure_user(self, user_id: int, **names: str | None) -> UserInfo:
        if user_id not in self._users or any(v is not None for v in names.values()):
            self.add_user(
                user_id,
                names.get("first_name"),
                username=names.get("username"),
                last_name=names.get("last_name"),
                language_code=names.get("language_code"),
            )
        return self._users[user_id]

    def _private_chat(self, user: UserInfo, bot: BotInfo) -> ChatInfo:
        chat = self._chats.get(user.id)
        if chat is None:
            chat = ChatInfo(
                user.id,
                "private",
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
            )
            self._chats[user.id] = chat
            self._messages[user.id] = {}
        chat.bots.setdefault(bot.token, BotMembership(status="member"))
        return chat

    def add_group(
        self,
        chat_id: int,
        title: str | None = None,
        *,
        chat_type: Literal["group", "supergroup"] | None = None,
        username: str | None = None,
        is_forum: bool = False,
        creator: int | None = None,
        admins: Iterable[int] = (),
        members: Iterable[int] = (),
        bot_status: Literal["member", "administrator", "left", "kicked"] = "member",
        bot: str | None = None,
    ) -> JSONDict:
        """Create (or update) a group; ids below -1000000000000 default to supergroups.

        ``admins`` are user ids shown by getChatAdministrators (with ``creator`` as the owner);
        ``bot_status`` is the bot's own membership (``administrator`` makes it see every message).
        """
        if chat_id >= 0:
            raise ValueError("group ids are negative")
        kind: ChatType = chat_type or ("supergroup" if chat_id < -1_000_000_000_000 else "group")
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatInfo(chat_id, kind, title=title or f"Group {chat_id}")
            self._chats[chat_id] = chat
            self._messages[chat_id] = {}
        chat.type = kind
        if title:
            chat.title = title
        if username is not None:
            chat.username = username
        chat.is_forum = is_forum
        if creator is not None:
            self._ensure_user(creator)
            chat.creator = creator
            chat.members.add(creator)
        for user_id in admins:
            self._ensure_user(user_id)
            if user_id not in chat.admins:
                chat.admins.append(user_id)
            chat.members.add(user_id)
        for user_id in members:
            self._ensure_user(user_id)
            chat.members.add(user_id)
        chat.bots[self._bot(bot).token] = BotMembership(status=bot_status)
        self._notify()
        return chat.to_api()

    def add_channel(
        self,
        chat_id: int,
        title: str | None = None,
        *,
        username: str | None = None,
        bot_status: Literal["member", "administrator", "left", "kicked"] = "administrator",
        admins: Iterable[int] = (),
        creator: int | None = None,
        bot: str | None = None,
    ) -> JSONDict:
        """Create (or update) a channel; the bot must be ``administrator`` to post there."""
        if chat_id >= 0:
            raise ValueError("channel ids are negative")
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = ChatInfo(chat_id, "channel", title=title or f"Channel {chat_id}")
            self._chats[chat_id] = chat
            self._messages[chat_id] = {}
        if title:
            chat.title = title
        if username is not None:
            chat.username = username
        if creator is not None:
            self._ensure_user(creator)
            chat.creator = creator
        for user_id in admins:
            self._ensure_user(user_id)
            if user_id not in chat.admins:
                chat.admins.append(user_id)
        chat.bots[self._bot(bot).token] = BotMembership(status=bot_status)
        self._notify()
        return chat.to_api()

    def chat(self, chat_id: int) -> JSONDict:
        """The Chat object of a known chat."""
        return self._chats[chat_id].to_api()
