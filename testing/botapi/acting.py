"""The test plays the users: what they do becomes updates for the bot (messages, edits, button
presses, channel posts, blocking the bot, kicking it, deleting their account)."""

from __future__ import annotations

import copy
from typing import Literal

from testing.botapi.autodetect import find_entities
from testing.botapi.people import People
from testing.botapi.records import CallbackQueryState, JSONDict
from testing.botapi.world import BotInfo, BotMembership, ChatInfo, StoredMessage, UserInfo


class Acting(People):
    """Simulated users (test side): each action queues the updates Telegram would send."""

    def user_sends(
        self,
        user_id: int,
        text: str,
        *,
        chat: int | None = None,
        chat_type: Literal["private", "group", "supergroup"] | None = None,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
        title: str | None = None,
        reply_to: int | JSONDict | None = None,
        message_thread_id: int | None = None,
        entities: list[JSONDict] | None = None,
        bot: str | None = None,
    ) -> JSONDict:
        """User ``user_id`` sends ``text``; returns the Message the bot will receive.

        Without ``chat`` the message goes to the private chat with the bot (``bot`` token, default
        the primary one); sending there also un-blocks the bot, as in Telegram.  With a negative
        ``chat`` it goes to that group (created if needed, with the bot as a member): every bot in
        the group that can see it gets the update — with privacy mode on (the default) only
        commands without ``@`` or addressed to it (``/brief@BriefBot``), replies to its messages,
        or everything if it is an administrator.  ``entities`` default to what Telegram detects
        (``bot_command`` with offset/length, mentions, hashtags, URLs...).
        """
        user = self._ensure_user(
            user_id,
            first_name=first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )
        target_bot = self._bot(bot)
        if chat is None or chat == user_id:
            if chat_type not in (None, "private"):
                raise ValueError("a group message needs a negative chat id")
            room = self._private_chat(user, target_bot)
            membership = room.bots[target_bot.token]
            membership.started = True
            membership.blocked = False
            if membership.status == "kicked":
                membership.status = "member"
            recipients = [target_bot]
        else:
            if chat >= 0:
                raise ValueError("group chat ids are negative")
            if chat not in self._chats:
                self.add_group(chat, title, chat_type=chat_type if chat_type != "private" else None, bot=bot)
            room = self._chats[chat]
            if room.type == "channel":
                raise ValueError("users don't write into channels; use channel_post")
            room.members.add(user_id)
            recipients = list(self._bots.values())
        payload: JSONDict = {
            "message_id": self._next_message_id(room),
            "from": user.to_api(),
            "chat": room.to_api(),
            "date": int(self.clock.time()),
        }
        if message_thread_id is not None:
            payload["message_thread_id"] = message_thread_id
            if room.is_forum:
                payload["is_topic_message"] = True
        replied = self._find_reply(room, reply_to)
        if replied is not None:
            payload["reply_to_message"] = self._reply_copy(replied)
        payload["text"] = text
        found = entities if entities is not None else [e.to_api() for e in find_entities(text)]
        if found:
            payload["entities"] = found
        stored = self._store(room, payload, f"user:{user_id}", None)
        for recipient in recipients:
            if self._bot_sees(recipient, room, stored):
                self._enqueue(recipient, "message", payload)
        return copy.deepcopy(payload)

    def _bot_sees(self, bot: BotInfo, chat: ChatInfo, stored: StoredMessage) -> bool:
        membership = chat.bots.get(bot.token)
        if membership is None or membership.status in ("left", "kicked"):
            return False
        if (
            chat.type == "private"
            or not bot.privacy_mode
            or membership.status in ("administrator", "creator")
        ):
            return True
        text = str(stored.payload.get("text", ""))
        for entity in stored.payload.get("entities", []):
            if entity.get("type") == "bot_command":
                command = text[entity["offset"] : entity["offset"] + entity["length"]]
                target = command.partition("@")[2]
                if not target or target.lower() == bot.username.lower():
                    return True
        reply = stored.payload.get("reply_to_message")
        return bool(reply and reply.get("from", {}).get("id") == bot.id)

    def user_edits(
        self, user_id: int, message: int | JSONDict, text: str, *, chat: int | None = None
    ) -> JSONDict:
        """The user edits one of their messages: an ``edited_message`` update."""
        chat_id = (
            chat if chat is not None else (message["chat"]["id"] if isinstance(message, dict) else user_id)
        )
        message_id = message if isinstance(message, int) else int(message["message_id"])
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None or stored.sender != f"user:{user_id}":
            raise ValueError(f"user {user_id} has no message {message_id} in chat {chat_id}")
        stored.payload["text"] = text
        stored.payload["edit_date"] = int(self.clock.time())
        found = [e.to_api() for e in find_entities(text)]
        if found:
            stored.payload["entities"] = found
        else:
            stored.payload.pop("entities", None)
        room = self._chats[chat_id]
        for bot in self._bots.values():
            if self._bot_sees(bot, room, stored):
                self._enqueue(bot, "edited_message", stored.payload)
        return copy.deepcopy(stored.payload)

    def user_presses(
        self,
        user_id: int,
        message: int | JSONDict,
        callback_data: str | None = None,
        *,
        button_text: str | None = None,
        chat: int | None = None,
        check: bool = True,
    ) -> JSONDict:
        """User presses an inline button of a bot message: a ``callback_query`` update.

        ``message`` is a Message (e.g. from :meth:`messages` or :meth:`wait_for_message`) or a
        message id in ``chat`` (default: the user's private chat).  Give ``callback_data`` or the
        ``button_text``; with ``check`` the button must exist on the message *as it is now* (after
        edits), like in a real client.  Returns the CallbackQuery (its ``id`` is what the bot must
        answer with answerCallbackQuery).
        """
        user = self._ensure_user(user_id)
        chat_id = (
            chat if chat is not None else (message["chat"]["id"] if isinstance(message, dict) else user_id)
        )
        message_id = message if isinstance(message, int) else int(message["message_id"])
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        if stored.token is None:
            raise ValueError("only messages sent by a bot have inline buttons")
        buttons = [
            button
            for row in stored.payload.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
            if "callback_data" in button
        ]
        if button_text is not None:
            match = [b for b in buttons if b.get("text") == button_text]
            if not match:
                raise ValueError(f"no callback button {button_text!r} on message {message_id}: {buttons}")
            callback_data = str(match[0]["callback_data"])
        if callback_data is None:
            raise ValueError("give callback_data or button_text")
        if check and not any(b.get("callback_data") == callback_data for b in buttons):
            raise ValueError(
                f"no button with callback_data {callback_data!r} on message {message_id}: {buttons}"
            )
        query: JSONDict = {
            "id": str(next(self._query_ids)),
            "from": user.to_api(),
            "message": copy.deepcopy(stored.payload),
            "chat_instance": str(abs(chat_id) * 7919 + 1_000_003),
            "data": callback_data,
        }
        self._queries[query["id"]] = CallbackQueryState(query, stored.token, self.clock.monotonic())
        self._enqueue(self._bot(stored.token), "callback_query", query)
        return copy.deepcopy(query)

    def channel_post(
        self,
        chat_id: int,
        text: str,
        *,
        title: str | None = None,
        username: str | None = None,
        author_signature: str | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """A post in a channel (created if needed, the bot as administrator): ``channel_post``."""
        if chat_id not in self._chats:
            self.add_channel(chat_id, title, username=username)
        room = self._chats[chat_id]
        if room.type != "channel":
            raise ValueError(f"chat {chat_id} is not a channel")
        payload: JSONDict = {
            "message_id": self._next_message_id(room),
            "sender_chat": room.to_api(),
            "chat": room.to_api(),
            "date": int(self.clock.time()),
            "text": text,
        }
        if author_signature:
            payload["author_signature"] = author_signature
        found = entities if entities is not None else [e.to_api() for e in find_entities(text)]
        if found:
            payload["entities"] = found
        self._store(room, payload, f"chat:{chat_id}", None)
        for bot in self._bots.values():
            membership = room.bots.get(bot.token)
            if membership is not None and membership.status in ("administrator", "creator"):
                self._enqueue(bot, "channel_post", payload)
        return copy.deepcopy(payload)

    def _my_chat_member(
        self, bot: BotInfo, chat: ChatInfo, actor: UserInfo | None, old: str, new: str
    ) -> None:
        bot_user = bot.user()
        new_member: JSONDict = {"status": new, "user": bot_user}
        if new == "kicked":
            new_member["until_date"] = 0
        change = {
            "chat": chat.to_api(),
            "from": (actor.to_api() if actor else self._users.get(chat.id, UserInfo(chat.id, "")).to_api()),
            "date": int(self.clock.time()),
            "old_chat_member": {"status": old, "user": bot_user},
            "new_chat_member": new_member,
        }
        self._enqueue(bot, "my_chat_member", change)

    def user_blocks_bot(self, user_id: int, *, bot: str | None = None, notify: bool = True) -> None:
        """The user blocks the bot: sends to that private chat now answer
        ``403 Forbidden: bot was blocked by the user`` (a ``my_chat_member`` update is queued)."""
        target = self._bot(bot)
        user = self._ensure_user(user_id)
        room = self._private_chat(user, target)
        membership = room.bots[target.token]
        membership.started = True
        membership.blocked = True
        if notify:
            self._my_chat_member(target, room, user, "member", "kicked")
        self._notify()

    def user_unblocks_bot(self, user_id: int, *, bot: str | None = None) -> None:
        target = self._bot(bot)
        room = self._private_chat(self._ensure_user(user_id), target)
        room.bots[target.token].blocked = False
        self._notify()

    def kick_bot(
        self, chat_id: int, *, by: int | None = None, bot: str | None = None, notify: bool = True
    ) -> None:
        """Remove the bot from a group or channel: ``403 Forbidden: bot was kicked from the group chat``."""
        target = self._bot(bot)
        room = self._chats[chat_id]
        if room.type == "private":
            raise ValueError("use user_blocks_bot for private chats")
        membership = room.bots.setdefault(target.token, BotMembership())
        old = membership.status
        membership.status = "kicked"
        if notify:
            actor = self._users.get(by) if by is not None else None
            self._my_chat_member(target, room, actor, old, "kicked")
        self._notify()

    def add_bot_to_chat(
        self,
        chat_id: int,
        *,
        by: int | None = None,
        status: Literal["member", "administrator"] = "member",
        bot: str | None = None,
        notify: bool = True,
    ) -> None:
        """(Re-)add the bot to an existing group or channel (``my_chat_member`` update)."""
        target = self._bot(bot)
        room = self._chats[chat_id]
        membership = room.bots.setdefault(target.token, BotMembership(status="left"))
        old = membership.status
        membership.status = status
        if notify:
            self._my_chat_member(target, room, self._users.get(by) if by else None, old, status)
        self._notify()

    def deactivate_user(self, user_id: int) -> None:
        """The user deleted their account: ``403 Forbidden: user is deactivated``."""
        self._ensure_user(user_id).deactivated = True
        self._notify()
