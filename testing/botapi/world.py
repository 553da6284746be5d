"""The world the local Bot API test server simulates: users, bots, chats and memberships, the
messages stored in each chat and every bot's queue of updates and webhook."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from testing.botapi.records import JSONDict

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]


@dataclass(slots=True)
class UserInfo:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    deactivated: bool = False

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(slots=True)
class BotMembership:
    """How one bot relates to one chat."""

    status: MemberStatus = "member"
    started: bool = False  # private chats: the user has talked to the bot
    blocked: bool = False  # private chats: the user blocked the bot


@dataclass(slots=True)
class ChatInfo:
    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    creator: int | None = None
    admins: list[int] = field(default_factory=list)
    members: set[int] = field(default_factory=set)
    bots: dict[str, BotMembership] = field(default_factory=dict)  # by token
    next_message_id: int = 1

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def kind_label(self) -> str:
        return {"group": "group", "supergroup": "supergroup", "channel": "channel"}.get(self.type, "private")


@dataclass(slots=True)
class StoredMessage:
    chat_id: int
    message_id: int
    payload: JSONDict
    sender: str  # "bot:<token>", "user:<id>" or "chat:<id>"
    at: float
    token: str | None = None  # the bot that sent it
    deleted: bool = False
    deleted_at: float | None = None

    @property
    def from_bot(self) -> bool:
        return self.sender.startswith("bot:")


@dataclass(slots=True)
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass(slots=True)
class BotInfo:
    """A bot known to the server (one token)."""

    token: str
    id: int
    username: str
    first_name: str
    privacy_mode: bool = True
    can_join_groups: bool = True
    updates: deque[JSONDict] = field(default_factory=deque)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: Webhook = field(default_factory=Webhook)
    commands: dict[tuple[str, str], list[JSONDict]] = field(default_factory=dict)
    poll_generation: int = 0
    polling: int = 0  # getUpdates calls currently waiting

    def user(self) -> JSONDict:
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def accepts(self, update_type: str) -> bool:
        allowed = self.allowed_updates
        if not allowed:
            return update_type in DEFAULT_ALLOWED_UPDATES
        return update_type in allowed

    def drop_acknowledged(self, offset: int) -> None:
        if offset > 0:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
        elif offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
