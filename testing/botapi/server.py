"""A local Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1, free port).

The bot under test talks to it exactly as to ``api.telegram.org``: point python-telegram-bot at it
with ``base_url``/``base_file_url`` and drive it from the test by simulating users::

    from testing.botapi import BotApiServer

    async def test_start_replies() -> None:
        async with BotApiServer(username="BriefBot") as server:
            app = (
                Application.builder()
                .token(server.token)
                .base_url(server.base_url)            # f"{server.url}/bot"
                .base_file_url(server.base_file_url)  # f"{server.url}/file/bot"
                .build()
            )
            app.add_handler(CommandHandler("start", start))
            async with app:                           # initialize: getMe
                await app.updater.start_polling(timeout=1, poll_interval=0)
                await app.start()
                server.user_sends(42, "/start")       # an update the bot gets via getUpdates
                reply = await server.wait_for_message(42, "Welcome")
                await app.updater.stop()
                await app.stop()
            assert server.stats.rate_limit_violations == 0

When the bot runs in another process (``briefbot`` started with ``subprocess``), use
:class:`ThreadedBotApiServer`: the same server on its own event loop in a background thread, with
blocking versions of the helpers (``with ThreadedBotApiServer(username="BriefBot") as server:``).

What the server does
--------------------
* ``/bot<token>/<method>`` for every registered token (``add_bot`` for more than one); an unknown
  token answers ``401 Unauthorized``, an unknown method ``404 Not Found``.  Parameters are read from
  the query string, form data (url-encoded or multipart, where python-telegram-bot JSON-encodes
  every non-string value) or a JSON body; they are recorded decoded in :attr:`BotApiServer.calls`.
* Methods: getMe, logOut, close, getUpdates (long polling, offset, limit, allowed_updates, 409 for a
  second concurrent poller), setWebhook/deleteWebhook/getWebhookInfo (updates are POSTed to a
  webhook with the secret-token header), set/get/deleteMyCommands (per scope and language),
  set/getMyName/Description/ShortDescription, sendMessage, editMessageText, editMessageReplyMarkup,
  deleteMessage, answerCallbackQuery, getChat, getChatMember, getChatAdministrators,
  getChatMemberCount, sendChatAction.  ``register_method`` adds more.
* Validation like Telegram (see :mod:`testing.botapi.entities` for the text): HTML/MarkdownV2 parse
  errors, empty and too long texts (4096 UTF-16 units after parsing), callback_data over 64 bytes,
  more than 100 buttons, unknown chats, "message is not modified", unknown messages, 403 for blocked,
  kicked and deactivated.
* Flood limits (:class:`~testing.botapi.state.RateLimits`, optionally on a :class:`ManualClock`),
  injected faults (:meth:`BotApiServer.inject`), optional latency, statistics and duplicate
  detection.

All test-side methods of :class:`BotApiServer` must be called from the event loop the server runs
on (the test's own loop); they are synchronous except the ``wait_for_*`` helpers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import ipaddress
import itertools
import json
import random
import re
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from testing.botapi.entities import (
    EmptyTextError,
    EntityParseError,
    EntityRangeError,
    FormattedText,
    check_link,
    find_entities,
    parse_text,
    utf16_len,
)
from testing.botapi.state import (
    BotInfo,
    BotMembership,
    CallbackAnswer,
    CallRecord,
    ChatInfo,
    ChatType,
    Clock,
    Duplicate,
    EditRecord,
    Fault,
    FaultKind,
    FaultPlan,
    FloodScope,
    JSONDict,
    ManualClock,
    RateLimiter,
    RateLimits,
    RealClock,
    Stats,
    StoredMessage,
    UserInfo,
    Violation,
    count_by,
)

if TYPE_CHECKING:
    from telegram.ext._applicationbuilder import InitApplicationBuilder

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiServer",
    "ManualClock",
    "MessagePredicate",
    "RateLimits",
    "ThreadedBotApiServer",
]

T = TypeVar("T")

DEFAULT_TOKEN = "123456789:TEST-local-bot-api-token"
MessagePredicate = Callable[[JSONDict], bool] | str | re.Pattern[str] | None
MethodHandler = Callable[["CallContext"], Awaitable[Any]]

MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly"
    " the same as a current content and reply markup of the message"
)
CALLBACK_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)

# how form-encoded parameters are decoded (PTB sends str values raw, everything else as JSON)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "media",
        "results",
        "menu_button",
        "permissions",
    }
)
_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "reply_to_message_id",
        "user_id",
        "cache_time",
        "max_connections",
        "until_date",
        "direct_messages_topic_id",
    }
)
_CHAT_PARAMS = frozenset({"chat_id", "from_chat_id"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
        "only_if_banned",
        "revoke_messages",
    }
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
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


class BotKwargs(TypedDict):
    """``telegram.Bot(**server.bot_kwargs())``."""

    token: str
    base_url: str
    base_file_url: str


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSONDict:
        data: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(slots=True)
class CallContext:
    """What a method handler gets: the bot, the decoded parameters and the call record."""

    server: BotApiServer
    bot: BotInfo
    method: str
    params: JSONDict
    record: CallRecord
    description: str | None = None  # optional "description" next to a successful result

    # typed parameter access -----------------------------------------------------------------
    def has(self, name: str) -> bool:
        return self.params.get(name) is not None

    def get_str(self, name: str, *, required: bool = False, empty: str | None = None) -> str | None:
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise _bad(empty or f"parameter {name} is required")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise _bad(f"field {name!r} must be of type String")
        return value

    def get_int(self, name: str, *, required: bool = False, empty: str | None = None) -> int | None:
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise _bad(empty or f"parameter {name} is required")
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value.strip())
        raise _bad(f"invalid {name} specified")

    def get_float(self, name: str) -> float | None:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return float(value)
        raise _bad(f"invalid {name} specified")

    def get_bool(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return False

    def get_chat(self, name: str = "chat_id") -> int | str:
        value = self.params.get(name)
        if value is None or value == "":
            raise _bad(f"{name} is empty")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _bad(f"invalid {name} specified")
        return value


@dataclass(slots=True)
class CallbackQueryState:
    query: JSONDict
    token: str
    at: float
    answered: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message the bot delivered (in delivery order; kept after deletion)."""

    chat_id: int
    message_id: int
    text: str
    token: str
    at: float


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook."""

    token: str
    update_id: int
    status: int | None
    error: str | None
    at: float


@dataclass(slots=True)
class ChatAction:
    chat_id: int
    action: str
    at: float
    token: str = field(default="")


class BotApiServer:
    """An in-process Telegram Bot API server on ``host:port`` (default 127.0.0.1, free port).

    Constructor options:

    * ``token``, ``bot_id`` (default: the number before ``:`` in the token), ``username``,
      ``first_name``, ``privacy_mode`` — the primary bot; ``add_bot`` registers more;
    * ``limits`` — :class:`RateLimits` to enforce (``RateLimits.disabled()`` to switch them off);
    * ``clock`` — :class:`RealClock` (default) or :class:`ManualClock`;
    * ``latency`` — seconds added to every request, or a ``(min, max)`` range drawn from the seeded
      RNG; ``method_latency`` maps method names to extra seconds;
    * ``seed`` — seeds the RNG of probabilistic faults and latency;
    * ``strict_html`` — also reject a bare ``&`` and ``<a>`` without an http(s)/tg link (see
      :mod:`testing.botapi.entities`); ``False`` behaves exactly like Telegram;
    * ``max_text_length`` — 4096 UTF-16 code units;
    * ``deliver_webhooks`` — POST updates to a webhook set with setWebhook (``http://`` is accepted
      for loopback addresses, ``https://`` everywhere); ``webhook_retry_delay`` between failures;
    * ``callback_query_ttl`` — seconds (server clock) after which a callback query can no longer be
      answered; ``None`` = forever.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "BriefBot",
        first_name: str = "Brief Bot",
        bot_id: int | None = None,
        privacy_mode: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: RateLimits | None = None,
        clock: Clock | None = None,
        latency: float | tuple[float, float] = 0.0,
        method_latency: Mapping[str, float] | None = None,
        seed: int = 0,
        strict_html: bool = True,
        max_text_length: int = 4096,
        deliver_webhooks: bool = True,
        webhook_retry_delay: float = 0.2,
        callback_query_ttl: float | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.clock: Clock = clock or RealClock()
        self.limits = limits or RateLimits()
        self.latency = latency
        self.method_latency = {k.lower(): v for k, v in (method_latency or {}).items()}
        self.strict_html = strict_html
        self.max_text_length = max_text_length
        self.deliver_webhooks = deliver_webhooks
        self.webhook_retry_delay = webhook_retry_delay
        self.callback_query_ttl = callback_query_ttl
        self._rng = random.Random(seed)
        self._faults = FaultPlan(seed)
        self._limiter = RateLimiter(self.limits, self.clock)

        self._bots: dict[str, BotInfo] = {}
        self._users: dict[int, UserInfo] = {}
        self._chats: dict[int, ChatInfo] = {}
        self._messages: dict[int, dict[int, StoredMessage]] = {}
        self._queries: dict[str, CallbackQueryState] = {}
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._methods: dict[str, MethodHandler] = {}

        self._calls: list[CallRecord] = []
        self._seq = 0
        self._edits: list[EditRecord] = []
        self._answers: list[CallbackAnswer] = []
        self._actions: list[ChatAction] = []
        self._deliveries: list[Delivery] = []
        self._violations: list[Violation] = []
        self._injected: dict[str, int] = {}
        self._webhook_log: list[WebhookDelivery] = []
        self._seen: dict[int, set[int]] = {}
        self._profiles: dict[tuple[str, str, str], str] = {}
        self._internal_errors: list[tuple[CallRecord, Exception]] = []

        self._changed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._webhook_tasks: dict[str, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None

        self.token = token
        self.add_bot(
            token, username=username, first_name=first_name, bot_id=bot_id, privacy_mode=privacy_mode
        )
        self._register_builtin_methods()

    # ------------------------------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------------------------------

    async def start(self) -> BotApiServer:
        """Start listening; afterwards :attr:`url` is known."""
        if self._runner is not None:
            return self
        self._changed = asyncio.Event()
        self._stopping = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        return self

    async def stop(self) -> None:
        """Release long polls and hanging calls, stop webhook delivery and close the socket."""
        self._stopping = True
        self._notify()
        for task in list(self._webhook_tasks.values()):
            task.cancel()
        for task in list(self._webhook_tasks.values()):
            with contextlib.suppress(BaseException):
                await task
        self._webhook_tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url`` / ``Bot(base_url=...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def bot(self) -> BotInfo:
        """The primary bot."""
        return self._bots[self.token]

    def bot_kwargs(self, token: str | None = None) -> BotKwargs:
        """``telegram.Bot(**server.bot_kwargs())``."""
        return {"token": token or self.token, "base_url": self.base_url, "base_file_url": self.base_file_url}

    def application_builder(self, token: str | None = None) -> InitApplicationBuilder:
        """A PTB ``ApplicationBuilder`` already pointed at this server."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(token or self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # ------------------------------------------------------------------------------------------
    # bots, users, chats
    # ------------------------------------------------------------------------------------------

    def add_bot(
        self,
        token: str,
        *,
        username: str,
        first_name: str | None = None,
        bot_id: int | None = None,
        privacy_mode: bool = True,
    ) -> BotInfo:
        """Register a bot token (the server answers 401 for any other)."""
        if bot_id is None:
            head = token.split(":", 1)[0]
            bot_id = int(head) if head.isdigit() else 100_000 + len(self._bots)
        bot = BotInfo(
            token=token,
            id=bot_id,
            username=username,
            first_name=first_name or username,
            privacy_mode=privacy_mode,
            next_update_id=10_001,
        )
        self._bots[token] = bot
        self._users[bot_id] = UserInfo(bot_id, bot.first_name, username=username, is_bot=True)
        return bot

    def _bot(self, token: str | None) -> BotInfo:
        bot = self._bots.get(token or self.token)
        if bot is None:
            raise KeyError(f"unknown bot token {token!r}")
        return bot

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

    # ------------------------------------------------------------------------------------------
    # simulated users: updates for the bot
    # ------------------------------------------------------------------------------------------

    def _enqueue(self, bot: BotInfo, kind: str, payload: JSONDict) -> JSONDict | None:
        if not bot.accepts(kind):
            return None
        update = {"update_id": bot.next_update_id, kind: copy.deepcopy(payload)}
        bot.next_update_id += 1
        bot.updates.append(update)
        self._notify()
        return update

    def _store(self, chat: ChatInfo, payload: JSONDict, sender: str, token: str | None) -> StoredMessage:
        stored = StoredMessage(chat.id, payload["message_id"], payload, sender, self.clock.monotonic(), token)
        self._messages.setdefault(chat.id, {})[stored.message_id] = stored
        return stored

    def _next_message_id(self, chat: ChatInfo) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _reply_copy(self, stored: StoredMessage) -> JSONDict:
        payload = copy.deepcopy(stored.payload)
        payload.pop("reply_to_message", None)
        return payload

    def _find_reply(self, chat: ChatInfo, reply_to: int | JSONDict | None) -> StoredMessage | None:
        if reply_to is None:
            return None
        message_id = reply_to if isinstance(reply_to, int) else int(reply_to["message_id"])
        stored = self._messages.get(chat.id, {}).get(message_id)
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat.id}")
        return stored

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

    # ------------------------------------------------------------------------------------------
    # inspection
    # ------------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[CallRecord]:
        """Every HTTP call so far, in arrival order (live records)."""
        return list(self._calls)

    def calls_to(self, method: str, *, token: str | None = None) -> list[CallRecord]:
        """Calls of one Bot API method (case-insensitive)."""
        return [
            c
            for c in self._calls
            if c.method.lower() == method.lower() and (token is None or c.token == token)
        ]

    def failed_calls(
        self, *, include_faults: bool = False, include_abandoned: bool = False
    ) -> list[CallRecord]:
        """Finished calls that did not answer 200 (injected faults and abandoned polls excluded)."""
        return [
            c
            for c in self._calls
            if c.done
            and not c.ok
            and (include_faults or c.fault is None)
            and (include_abandoned or not c.abandoned)
        ]

    def _chat_messages(self, chat_id: int) -> list[StoredMessage]:
        return sorted(self._messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def messages(
        self, chat_id: int, *, token: str | None = None, include_deleted: bool = False
    ) -> list[JSONDict]:
        """Messages the bot(s) sent to ``chat_id``, as they are now (after edits), oldest first."""
        return [
            copy.deepcopy(m.payload)
            for m in self._chat_messages(chat_id)
            if m.from_bot and (token is None or m.token == token) and (include_deleted or not m.deleted)
        ]

    def texts(self, chat_id: int, *, token: str | None = None) -> list[str]:
        """Texts of :meth:`messages`."""
        return [str(m.get("text", "")) for m in self.messages(chat_id, token=token)]

    def history(self, chat_id: int, *, include_deleted: bool = False) -> list[JSONDict]:
        """Everything in the chat: user, channel and bot messages, oldest first."""
        return [
            copy.deepcopy(m.payload) for m in self._chat_messages(chat_id) if include_deleted or not m.deleted
        ]

    def message(self, chat_id: int, message_id: int) -> JSONDict:
        return copy.deepcopy(self._messages[chat_id][message_id].payload)

    def is_deleted(self, chat_id: int, message_id: int) -> bool:
        return self._messages[chat_id][message_id].deleted

    def edits(self, chat_id: int | None = None) -> list[EditRecord]:
        return [e for e in self._edits if chat_id is None or e.chat_id == chat_id]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._answers)

    def chat_actions(self, chat_id: int | None = None) -> list[ChatAction]:
        return [a for a in self._actions if chat_id is None or a.chat_id == chat_id]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every message delivered by a bot, in order (also the ones deleted later)."""
        return list(self._deliveries)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        return list(self._webhook_log)

    def pending_updates(self, token: str | None = None) -> list[JSONDict]:
        """Updates not yet acknowledged by the bot (via getUpdates ``offset`` or webhook 2xx)."""
        return copy.deepcopy(list(self._bot(token).updates))

    def commands(
        self, scope: JSONDict | None = None, language_code: str = "", *, token: str | None = None
    ) -> list[JSONDict]:
        """Commands stored with setMyCommands for a scope (default scope by default)."""
        return copy.deepcopy(
            self._bot(token).commands.get(_scope_key(scope or {"type": "default"}, language_code), [])
        )

    def webhook_info(self, token: str | None = None) -> JSONDict:
        return self._webhook_info(self._bot(token))

    @property
    def internal_errors(self) -> list[tuple[CallRecord, Exception]]:
        """Exceptions raised by method handlers (answered 500); should stay empty."""
        return list(self._internal_errors)

    @property
    def violations(self) -> list[Violation]:
        return list(self._violations)

    @property
    def stats(self) -> Stats:
        """Counters so far (see :class:`~testing.botapi.state.Stats`)."""
        return Stats(
            total_calls=len(self._calls),
            calls_by_method=count_by(c.method for c in self._calls),
            responses_by_status=count_by(c.status for c in self._calls if c.done),
            rate_limit_violations=len(self._violations),
            retry_after_ignored=sum(1 for v in self._violations if v.scope == "flood_wait"),
            violations=tuple(self._violations),
            injected_faults=sum(self._injected.values()),
            injected_by_kind=dict(self._injected),
            messages_delivered=len(self._deliveries),
            messages_by_chat=count_by(d.chat_id for d in self._deliveries),
        )

    def duplicates(self, chat_id: int | None = None, *, within: float | None = None) -> list[Duplicate]:
        """Same chat + same text delivered more than once (optionally within ``within`` seconds)."""
        groups: dict[tuple[int, str], list[Delivery]] = {}
        for delivery in self._deliveries:
            if chat_id is None or delivery.chat_id == chat_id:
                groups.setdefault((delivery.chat_id, delivery.text), []).append(delivery)
        result = []
        for (chat, text), items in groups.items():
            if within is not None:
                items = [
                    d
                    for i, d in enumerate(items)
                    if any(abs(d.at - o.at) <= within for j, o in enumerate(items) if j != i)
                ]
            if len(items) > 1:
                result.append(Duplicate(chat, text, tuple(d.message_id for d in items)))
        return result

    def clear_records(self) -> None:
        """Forget calls, edits, answers, deliveries, violations and fault counters (not the chats)."""
        self._calls.clear()
        self._edits.clear()
        self._answers.clear()
        self._actions.clear()
        self._deliveries.clear()
        self._violations.clear()
        self._injected.clear()
        self._webhook_log.clear()
        self._seen.clear()

    def reset_rate_limits(self) -> None:
        self._limiter.reset()

    def set_limits(self, limits: RateLimits) -> None:
        self.limits = limits
        self._limiter = RateLimiter(limits, self.clock)

    # ------------------------------------------------------------------------------------------
    # waiting
    # ------------------------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_for(self, check: Callable[[], T | None], timeout: float) -> T | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            value = check()
            if value is not None:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0 or self._stopping:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_until(self, condition: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until ``condition()`` (re-checked whenever the server state changes) is truthy
        and return its value."""

        def check() -> T | None:
            value = condition()
            return value if value else None

        result = await self._wait_for(check, timeout)
        if result is None:
            raise TimeoutError(f"condition not met within {timeout}s\n{self._diagnose(None)}")
        return result

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: MessagePredicate = None,
        timeout: float = 5.0,
        *,
        include_seen: bool = False,
        token: str | None = None,
    ) -> JSONDict:
        """Wait until the bot has sent a matching message to ``chat_id`` and return it.

        ``predicate`` is a callable on the Message, a substring of its text or a compiled regex.
        Mailbox semantics: each call returns the oldest matching message that no earlier
        ``wait_for_message`` returned (``include_seen=True`` to look at all of them), so the same
        flow can be waited for twice in one test.  On timeout ``TimeoutError`` lists what the chat
        contains and the bot's recent failed calls.
        """
        seen = self._seen.setdefault(chat_id, set())

        def check() -> JSONDict | None:
            for stored in self._chat_messages(chat_id):
                if not stored.from_bot or stored.deleted or (token is not None and stored.token != token):
                    continue
                if not include_seen and stored.message_id in seen:
                    continue
                if _matches(stored.payload, predicate):
                    seen.add(stored.message_id)
                    return copy.deepcopy(stored.payload)
            return None

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(
                f"no message matching {_describe(predicate)} from the bot in chat {chat_id}"
                f" within {timeout}s\n{self._diagnose(chat_id)}"
            )
        return found

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 5.0, *, token: str | None = None
    ) -> list[JSONDict]:
        """Wait until the bot has sent at least ``count`` messages to the chat; return them all."""

        def check() -> list[JSONDict] | None:
            found = self.messages(chat_id, token=token)
            return found if len(found) >= count else None

        result = await self._wait_for(check, timeout)
        if result is None:
            raise TimeoutError(
                f"the bot sent {len(self.messages(chat_id))} of {count} messages to chat {chat_id} within"
                f" {timeout}s\n{self._diagnose(chat_id)}"
            )
        return result

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int | None = None,
        predicate: MessagePredicate = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
    ) -> EditRecord:
        """Wait for an edit (of ``message_id`` if given) whose new version matches ``predicate``.

        ``after`` skips the first N edits of the chat (``len(server.edits(chat))`` before acting).
        """

        def check() -> EditRecord | None:
            for edit in self.edits(chat_id)[after:]:
                if (message_id is None or edit.message_id == message_id) and _matches(edit.after, predicate):
                    return edit
            return None

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(
                f"no edit matching {_describe(predicate)} in chat {chat_id} within {timeout}s\n"
                + self._diagnose(chat_id)
            )
        return found

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[CallRecord], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
        finished: bool = True,
    ) -> CallRecord:
        """Wait for a call of ``method`` (by default a finished one) matching ``predicate``.

        ``after`` skips the first N calls of that method.
        """

        def check() -> CallRecord | None:
            for call in self.calls_to(method)[after:]:
                if (not finished or call.done) and (predicate is None or predicate(call)):
                    return call
            return None

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(f"no {method} call within {timeout}s\n{self._diagnose(None)}")
        return found

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """Wait until the bot answered callback query ``query_id``."""

        def check() -> CallbackAnswer | None:
            return next((a for a in self._answers if a.callback_query_id == query_id), None)

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(
                f"callback query {query_id} not answered within {timeout}s\n{self._diagnose(None)}"
            )
        return found

    async def wait_updates_consumed(self, timeout: float = 5.0, *, token: str | None = None) -> None:
        """Wait until the bot acknowledged every queued update (the next getUpdates offset)."""
        bot = self._bot(token)
        if await self._wait_for(lambda: True if not bot.updates else None, timeout) is None:
            raise TimeoutError(
                f"{len(bot.updates)} updates still pending after {timeout}s\n{self._diagnose(None)}"
            )

    def _diagnose(self, chat_id: int | None) -> str:
        lines = []
        if chat_id is not None:
            lines.append(f"chat {chat_id} contains:")
            for stored in self._chat_messages(chat_id)[-10:]:
                flag = " (deleted)" if stored.deleted else ""
                lines.append(
                    f"  [{stored.message_id}] {stored.sender}: {stored.payload.get('text', '')!r}{flag}"
                )
            if len(lines) == 1:
                lines.append("  (nothing)")
        failed = self.failed_calls(include_faults=True)[-5:]
        if failed:
            lines.append("recent failed calls:")
            lines += [f"  {call}" for call in failed]
        lines.append(f"{len(self._calls)} calls so far; pending updates: {len(self.bot.updates)}")
        return "\n".join(lines)

    # ------------------------------------------------------------------------------------------
    # faults and extensions
    # ------------------------------------------------------------------------------------------

    def inject(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        retry_after: int = 5,
        scope: FloodScope = "chat",
        hang_seconds: float = 30.0,
        status: int = 500,
        description: str | None = None,
        after: bool = False,
    ) -> Fault:
        """Make matching calls fail; returns the :class:`Fault` (``fault.triggered`` counts).

        ``kind``:

        * ``too_many_requests`` — 429 ``Too Many Requests: retry after N`` with
          ``parameters.retry_after = retry_after``. As with Telegram, the flood wait then holds for
          those N seconds: a message to that chat (``scope="chat"``: a chat's own flood control,
          what a bot keeping the overall rate meets) or to any chat of the bot (``scope="bot"``:
          Telegram's flood control over the whole bot) sent before they are over is answered 429
          again and counted as a genuine violation (``retry_after_ignored``). Only while the flood
          limits are enforced, and only for the methods they count;
        * ``internal_error`` — 500 ``Internal Server Error``;
        * ``bad_gateway`` — 502 with nginx's HTML page (PTB raises ``NetworkError``);
        * ``error`` — any ``status`` with ``description`` (e.g. 403 "Forbidden: ...");
        * ``hang`` — no answer for ``hang_seconds`` (the client times out); then the call is
          processed anyway, as a slow Telegram would do, unless the server stops first;
        * ``drop`` — the connection is closed without an answer.

        ``method``/``chat_id`` restrict the calls (``None`` = any), ``times`` how many calls fire
        (``None`` = all), ``probability`` a seeded random fraction.  ``after=True`` processes the
        call first (the message is delivered) and then fails the answer.
        """
        default_description = {
            "internal_error": "Internal Server Error",
            "bad_gateway": "Bad Gateway",
            "error": "Internal Server Error",
        }
        return self._faults.add(
            Fault(
                kind=kind,
                method=method,
                chat_id=chat_id,
                times=times,
                probability=probability,
                retry_after=retry_after,
                scope=scope,
                hang_seconds=hang_seconds,
                status=status,
                description=description or default_description.get(kind, ""),
                after=after,
            )
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        return list(self._faults.faults)

    def register_method(self, name: str, handler: MethodHandler) -> None:
        """Serve another Bot API method: ``async def handler(ctx: CallContext) -> result``.

        Raise :class:`ApiError` to answer an error; the return value becomes ``result``.
        """
        self._methods[name.lower()] = handler

    # ------------------------------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        self._seq += 1
        record = CallRecord(
            seq=self._seq,
            token=token,
            method=method,
            params={},
            at=self.clock.monotonic(),
            wall_time=time.time(),
            http_method=request.method,
        )
        self._calls.append(record)
        started = time.monotonic()
        try:
            return await self._process(request, record)
        finally:
            record.duration = time.monotonic() - started
            self._notify()

    async def _process(self, request: web.Request, record: CallRecord) -> web.StreamResponse:
        try:
            record.params = await _read_params(request)
        except ApiError as error:
            return self._respond(request, record, error.status, error.body())
        bot = self._bots.get(record.token)
        if bot is None:
            return self._respond(
                request, record, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        handler = self._methods.get(record.method.lower())
        if handler is None:
            return self._respond(
                request, record, 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            )
        delay = self._latency_for(record.method)
        if delay > 0:
            await self._sleep(delay)
        ctx = CallContext(self, bot, record.method, record.params, record)
        chat_key = record.params.get("chat_id")
        fault = self._faults.pick(record.method, chat_key, after=False)
        if fault is not None:
            return await self._apply_fault(request, record, fault, ctx, None)
        status, body = await self._run(handler, ctx)
        fault = self._faults.pick(record.method, chat_key, after=True)
        if fault is not None:
            return await self._apply_fault(request, record, fault, ctx, (status, body))
        return self._respond(request, record, status, body)

    async def _run(self, handler: MethodHandler, ctx: CallContext) -> tuple[int, JSONDict]:
        try:
            result = await handler(ctx)
        except ApiError as error:
            return error.status, error.body()
        except Exception as exc:  # a bug in a handler: answer 500 and keep it for the test to see
            self._internal_errors.append((ctx.record, exc))
            description = f"Internal Server Error (test server: {exc.__class__.__name__}: {exc})"
            return 500, {"ok": False, "error_code": 500, "description": description}
        body: JSONDict = {"ok": True, "result": result}
        if ctx.description:
            body["description"] = ctx.description
        return 200, body

    def _latency_for(self, method: str) -> float:
        base = self.latency
        delay = self._rng.uniform(*base) if isinstance(base, tuple) else float(base)
        return delay + self.method_latency.get(method.lower(), 0.0)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        await self._wait_for(lambda: None, seconds)

    async def _apply_fault(
        self,
        request: web.Request,
        record: CallRecord,
        fault: Fault,
        ctx: CallContext,
        processed: tuple[int, JSONDict] | None,
    ) -> web.StreamResponse:
        record.fault = fault.kind
        self._injected[fault.kind] = self._injected.get(fault.kind, 0) + 1
        kind = fault.kind
        if kind == "hang":
            await self._sleep(fault.hang_seconds)
            if processed is None:
                if self._stopping:
                    return self._drop(request, record)
                handler = self._methods[record.method.lower()]
                processed = await self._run(handler, ctx)
            return self._respond(request, record, *processed)
        if kind == "drop":
            return self._drop(request, record)
        if kind == "bad_gateway":
            record.status = 502
            record.response = None
            return web.Response(status=502, text=NGINX_502, content_type="text/html")
        if kind == "too_many_requests":
            retry = fault.retry_after
            self._flood_wait(ctx, fault.scope, retry)
            body: JSONDict = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry}",
                "parameters": {"retry_after": retry},
            }
            return self._respond(request, record, 429, body)
        status = 500 if kind == "internal_error" else fault.status
        return self._respond(
            request, record, status, {"ok": False, "error_code": status, "description": fault.description}
        )

    def _flood_wait(self, ctx: CallContext, scope: FloodScope, seconds: int) -> None:
        """The flood wait an injected 429 imposes (see :meth:`inject`)."""
        if not self._limiter.counts(ctx.method):
            return
        chat: int | None = None
        if scope == "chat":
            try:
                chat = self.resolve_chat(ctx.bot, ctx.get_chat()).id
            except ApiError:  # no such chat: the message would be refused anyway
                return
        self._limiter.hold(ctx.bot.token, chat, seconds)

    def _drop(self, request: web.Request, record: CallRecord) -> web.Response:
        record.status = -1
        record.response = None
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    def _respond(self, request: web.Request, record: CallRecord, status: int, body: JSONDict) -> web.Response:
        record.status = status
        record.response = body
        if request.transport is None or request.transport.is_closing():
            record.abandoned = True
        return _json_response(body, status)

    # ------------------------------------------------------------------------------------------
    # helpers for method handlers
    # ------------------------------------------------------------------------------------------

    def _user_json(self, user_id: int) -> JSONDict:
        user = self._users.get(user_id)
        return user.to_api() if user else {"id": user_id, "is_bot": False, "first_name": ""}

    def resolve_chat(self, bot: BotInfo, ref: int | str) -> ChatInfo:
        """The chat a ``chat_id`` parameter designates for this bot, or 400 chat not found."""
        chat: ChatInfo | None = None
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:].lower()
            chat = next(
                (
                    c
                    for c in self._chats.values()
                    if c.type != "private" and (c.username or "").lower() == name
                ),
                None,
            )
        else:
            try:
                chat = self._chats.get(int(ref))
            except ValueError:
                chat = None
        if chat is None:
            raise _bad("chat not found")
        if chat.type == "private" and bot.token not in chat.bots:
            known = any(bot.token in c.bots and chat.id in c.members for c in self._chats.values())
            if known:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad("chat not found")
        return chat

    def check_can_write(self, bot: BotInfo, chat: ChatInfo) -> None:
        """403 (or 400 for channels without admin rights) when the bot can't post in the chat."""
        membership = chat.bots.get(bot.token)
        if chat.type == "private":
            user = self._users.get(chat.id)
            if user is not None and user.deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if user is not None and user.is_bot:
                raise ApiError(403, "Forbidden: bot can't send messages to bots")
            if membership is None or not membership.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            if membership.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return
        label = f"{chat.kind_label()} chat"
        if membership is None or membership.status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {label}")
        if membership.status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {label}")
        if chat.type == "channel" and membership.status not in ("administrator", "creator"):
            raise _bad("need administrator rights in the channel chat")

    def format_text(self, ctx: CallContext, text: str | None) -> FormattedText:
        """Parse ``text`` with the call's ``parse_mode``/``entities`` like Telegram (400 on errors)."""
        if text is None or text == "":
            raise _bad("message text is empty")
        entities = ctx.params.get("entities")
        if entities is not None and not isinstance(entities, list):
            raise _bad("can't parse entities JSON object")
        try:
            formatted = parse_text(
                text, ctx.get_str("parse_mode"), entities=entities, strict=self.strict_html
            )
        except EntityParseError as error:
            raise _bad(f"can't parse entities: {error}") from None
        except EntityRangeError as error:
            raise _bad(_lower_first(str(error))) from None
        except EmptyTextError:
            raise _bad("message text is empty") from None
        except ValueError:
            raise _bad("unsupported parse_mode") from None
        if utf16_len(formatted.text) > self.max_text_length:
            raise _bad("message is too long")
        return formatted

    def reply_markup(self, ctx: CallContext, *, inline_only: bool = False) -> JSONDict | None:
        """The validated ``reply_markup`` parameter (400 like Telegram when invalid)."""
        markup = ctx.params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _validate_inline_keyboard(markup["inline_keyboard"])
            return {"inline_keyboard": markup["inline_keyboard"]}
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
            return markup
        if "remove_keyboard" in markup or "force_reply" in markup:
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def stored_message(self, chat: ChatInfo, message_id: int) -> StoredMessage | None:
        stored = self._messages.get(chat.id, {}).get(message_id)
        return None if stored is None or stored.deleted else stored

    def take_rate_limit(self, ctx: CallContext, chat: ChatInfo) -> None:
        """Count one message against the flood limits; 429 if over."""
        if not self._limiter.counts(ctx.method):
            return
        violation = self._limiter.check(ctx.bot.token, ctx.method, chat.id, private=chat.type == "private")
        if violation is not None:
            self._violations.append(violation)
            raise ApiError(
                429,
                f"Too Many Requests: retry after {violation.retry_after}",
                {"retry_after": violation.retry_after},
            )

    # ------------------------------------------------------------------------------------------
    # Bot API methods
    # ------------------------------------------------------------------------------------------

    def _register_builtin_methods(self) -> None:
        handlers: dict[str, MethodHandler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "sendChatAction": self._send_chat_action,
        }
        profile = (
            ("Name", "name"),
            ("Description", "description"),
            ("ShortDescription", "short_description"),
        )
        for field_name, key in profile:
            handlers[f"setMy{field_name}"] = self._profile_setter(key)
            handlers[f"getMy{field_name}"] = self._profile_getter(key)
        for name, handler in handlers.items():
            self.register_method(name, handler)

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

    async def _get_updates(self, ctx: CallContext) -> list[JSONDict]:
        bot = ctx.bot
        if bot.webhook.url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete"
                " the webhook first",
            )
        offset = ctx.get_int("offset")
        limit = max(1, min(100, ctx.get_int("limit") or 100))
        timeout = max(0.0, ctx.get_float("timeout") or 0.0)
        allowed = ctx.params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
                raise _bad("can't parse allowed_updates JSON array")
            bot.allowed_updates = list(allowed)
        if offset is not None:
            bot.drop_acknowledged(offset)
        bot.poll_generation += 1
        generation = bot.poll_generation
        self._notify()

        def ready() -> str | None:
            if bot.poll_generation != generation:
                return "conflict"
            return "updates" if bot.updates else None

        bot.polling += 1
        try:
            outcome = await self._wait_for(ready, timeout) if timeout > 0 else ready()
        finally:
            bot.polling -= 1
        if outcome == "conflict":
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request;"
                " make sure that only one bot instance is running",
            )
        return copy.deepcopy(list(bot.updates)[:limit])

    def _webhook_info(self, bot: BotInfo) -> JSONDict:
        hook = bot.webhook
        info: JSONDict = {
            "url": hook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(bot.updates),
        }
        if hook.url:
            info["max_connections"] = hook.max_connections
            if hook.ip_address:
                info["ip_address"] = hook.ip_address
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        return info

    async def _set_webhook(self, ctx: CallContext) -> bool:
        bot = ctx.bot
        url = ctx.get_str("url") or ""
        if not url:
            return await self._delete_webhook(ctx)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad("bad webhook: invalid webhook URL specified")
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = ctx.get_str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_\-]{1,256}", secret):
            raise _bad("secret token contains unallowed characters")
        allowed = ctx.params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise _bad("can't parse allowed_updates JSON array")
        if ctx.get_bool("drop_pending_updates"):
            bot.updates.clear()
        same = bot.webhook.url == url
        bot.webhook.url = url
        bot.webhook.secret_token = secret
        bot.webhook.max_connections = ctx.get_int("max_connections") or 40
        bot.webhook.ip_address = ctx.get_str("ip_address")
        if allowed is not None:
            bot.webhook.allowed_updates = list(allowed)
            bot.allowed_updates = list(allowed)
        bot.poll_generation += 1  # a waiting getUpdates now conflicts
        ctx.description = "Webhook is already set" if same else "Webhook was set"
        if self.deliver_webhooks:
            self._start_webhook_task(bot)
        self._notify()
        return True

    async def _delete_webhook(self, ctx: CallContext) -> bool:
        bot = ctx.bot
        if ctx.get_bool("drop_pending_updates"):
            bot.updates.clear()
        existed = bool(bot.webhook.url)
        bot.webhook.url = ""
        bot.webhook.secret_token = None
        task = self._webhook_tasks.pop(bot.token, None)
        if task is not None:
            task.cancel()
        ctx.description = "Webhook was deleted" if existed else "Webhook is already deleted"
        self._notify()
        return True

    async def _get_webhook_info(self, ctx: CallContext) -> JSONDict:
        return self._webhook_info(ctx.bot)

    def _start_webhook_task(self, bot: BotInfo) -> None:
        task = self._webhook_tasks.pop(bot.token, None)
        if task is not None:
            task.cancel()
        self._webhook_tasks[bot.token] = asyncio.create_task(self._webhook_loop(bot))

    async def _webhook_loop(self, bot: BotInfo) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        session = self._session
        url = bot.webhook.url
        while not self._stopping and bot.webhook.url == url:
            if not bot.updates:
                await self._wait_for(lambda: True if bot.updates or bot.webhook.url != url else None, 1.0)
                continue
            update = bot.updates[0]
            headers = {"Content-Type": "application/json"}
            if bot.webhook.secret_token:
                headers["X-Telegram-Bot-Api-Secret-Token"] = bot.webhook.secret_token
            status: int | None = None
            error: str | None = None
            try:
                async with session.post(url, data=json.dumps(update), headers=headers) as response:
                    status = response.status
                    await response.read()
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {response.reason}"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection refused, timeout...
                error = f"Connection failed: {exc.__class__.__name__}: {exc}"
            self._webhook_log.append(
                WebhookDelivery(bot.token, update["update_id"], status, error, self.clock.monotonic())
            )
            if error is None:
                if bot.updates and bot.updates[0] is update:
                    bot.updates.popleft()
                self._notify()
                continue
            bot.webhook.last_error_date = int(self.clock.time())
            bot.webhook.last_error_message = error
            self._notify()
            await self._sleep(self.webhook_retry_delay)

    def _scope(self, ctx: CallContext) -> tuple[str, str]:
        scope = ctx.params.get("scope")
        if scope is None or scope == "":
            scope = {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise _bad("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            if scope.get("chat_id") is None:
                raise _bad("chat_id is empty")
            self.resolve_chat(ctx.bot, scope["chat_id"])
        if scope["type"] == "chat_member" and not isinstance(scope.get("user_id"), int):
            raise _bad("user_id is empty")
        language = ctx.get_str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(scope, language)

    async def _set_my_commands(self, ctx: CallContext) -> bool:
        commands = ctx.params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _COMMAND.fullmatch(command.removeprefix("/").lower()):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
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
                raise _bad(f"bot {key.replace('_', ' ')} is too long")
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

    def _reply_target(self, ctx: CallContext, chat: ChatInfo) -> StoredMessage | None:
        parameters = ctx.params.get("reply_parameters")
        if parameters is None or parameters == "":
            reply_to = ctx.get_int("reply_to_message_id")
            if reply_to is None:
                return None
            parameters = {
                "message_id": reply_to,
                "allow_sending_without_reply": ctx.get_bool("allow_sending_without_reply"),
            }
        if not isinstance(parameters, dict) or not isinstance(parameters.get("message_id"), int):
            raise _bad("can't parse reply parameters JSON object")
        target_chat = chat
        if parameters.get("chat_id") is not None:
            target_chat = self.resolve_chat(ctx.bot, parameters["chat_id"])
        stored = self.stored_message(target_chat, parameters["message_id"])
        if stored is None:
            if parameters.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        quote = parameters.get("quote")
        if isinstance(quote, str) and quote and quote not in str(stored.payload.get("text", "")):
            raise _bad("quote not found")
        return stored

    async def _send_message(self, ctx: CallContext) -> JSONDict:
        bot = ctx.bot
        chat_ref = ctx.get_chat()
        formatted = self.format_text(ctx, ctx.get_str("text"))
        markup = self.reply_markup(ctx)
        chat = self.resolve_chat(bot, chat_ref)
        self.check_can_write(bot, chat)
        reply = self._reply_target(ctx, chat)
        thread = ctx.get_int("message_thread_id")
        self.take_rate_limit(ctx, chat)

        payload: JSONDict = {"message_id": self._next_message_id(chat)}
        if chat.type == "channel":
            payload["sender_chat"] = chat.to_api()
        else:
            payload["from"] = bot.user()
        payload["chat"] = chat.to_api()
        payload["date"] = int(self.clock.time())
        if thread is not None and chat.is_forum:
            payload["message_thread_id"] = thread
            payload["is_topic_message"] = True
        if reply is not None:
            payload["reply_to_message"] = self._reply_copy(reply)
        payload["text"] = formatted.text
        if formatted.entities:
            payload["entities"] = formatted.to_api(self._user_json)
        preview = ctx.params.get("link_preview_options")
        if isinstance(preview, dict) and preview:
            payload["link_preview_options"] = preview
        elif ctx.get_bool("disable_web_page_preview"):
            payload["link_preview_options"] = {"is_disabled": True}
        if markup is not None and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        if ctx.get_bool("protect_content"):
            payload["has_protected_content"] = True
        stored = self._store(chat, payload, f"bot:{bot.token}", bot.token)
        self._deliveries.append(Delivery(chat.id, stored.message_id, formatted.text, bot.token, stored.at))
        self._notify()
        return copy.deepcopy(payload)

    def _editable(self, ctx: CallContext, chat: ChatInfo) -> StoredMessage:
        message_id = ctx.get_int("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        stored = self.stored_message(chat, message_id)
        if stored is None:
            raise _bad("message to edit not found")
        if stored.token != ctx.bot.token:
            raise _bad("message can't be edited")
        return stored

    def _record_edit(self, ctx: CallContext, stored: StoredMessage, before: JSONDict) -> JSONDict:
        stored.payload["edit_date"] = int(self.clock.time())
        self._edits.append(
            EditRecord(
                ctx.method,
                stored.chat_id,
                stored.message_id,
                before,
                copy.deepcopy(stored.payload),
                self.clock.monotonic(),
            )
        )
        self._notify()
        return copy.deepcopy(stored.payload)

    async def _edit_message_text(self, ctx: CallContext) -> JSONDict | bool:
        if ctx.has("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat_ref = ctx.get_chat()
        formatted = self.format_text(ctx, ctx.get_str("text"))
        markup = self.reply_markup(ctx, inline_only=True)
        chat = self.resolve_chat(ctx.bot, chat_ref)
        self.check_can_write(ctx.bot, chat)
        stored = self._editable(ctx, chat)
        entities = formatted.to_api(self._user_json)
        current = stored.payload
        if (
            current.get("text") == formatted.text
            and current.get("entities", []) == entities
            and current.get("reply_markup") == markup
        ):
            raise _bad(MESSAGE_NOT_MODIFIED.removeprefix("Bad Request: "))
        self.take_rate_limit(ctx, chat)
        before = copy.deepcopy(current)
        current["text"] = formatted.text
        if entities:
            current["entities"] = entities
        else:
            current.pop("entities", None)
        if markup is not None:
            current["reply_markup"] = markup
        else:
            current.pop("reply_markup", None)
        return self._record_edit(ctx, stored, before)

    async def _edit_message_reply_markup(self, ctx: CallContext) -> JSONDict | bool:
        if ctx.has("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        markup = self.reply_markup(ctx, inline_only=True)
        self.check_can_write(ctx.bot, chat)
        stored = self._editable(ctx, chat)
        if stored.payload.get("reply_markup") == markup:
            raise _bad(MESSAGE_NOT_MODIFIED.removeprefix("Bad Request: "))
        self.take_rate_limit(ctx, chat)
        before = copy.deepcopy(stored.payload)
        if markup is not None:
            stored.payload["reply_markup"] = markup
        else:
            stored.payload.pop("reply_markup", None)
        return self._record_edit(ctx, stored, before)

    async def _delete_message(self, ctx: CallContext) -> bool:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        message_id = ctx.get_int("message_id", required=True, empty="message identifier is not specified")
        assert message_id is not None
        stored = self.stored_message(chat, message_id)
        if stored is None:
            raise _bad("message to delete not found")
        membership = chat.bots.get(ctx.bot.token)
        is_admin = membership is not None and membership.status in ("administrator", "creator")
        if stored.token != ctx.bot.token and chat.type != "private" and not is_admin:
            raise _bad("message can't be deleted")
        stored.deleted = True
        stored.deleted_at = self.clock.monotonic()
        self._notify()
        return True

    async def _answer_callback_query(self, ctx: CallContext) -> bool:
        query_id = ctx.get_str("callback_query_id", required=True, empty="query_id is empty")
        assert query_id is not None
        state = self._queries.get(query_id)
        if state is None or state.answered or state.token != ctx.bot.token:
            raise _bad(CALLBACK_QUERY_INVALID.removeprefix("Bad Request: "))
        if (
            self.callback_query_ttl is not None
            and self.clock.monotonic() - state.at > self.callback_query_ttl
        ):
            raise _bad(CALLBACK_QUERY_INVALID.removeprefix("Bad Request: "))
        text = ctx.get_str("text")
        if text is not None and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        state.answered = True
        self._answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                text=text,
                show_alert=ctx.get_bool("show_alert"),
                url=ctx.get_str("url"),
                cache_time=ctx.get_int("cache_time") or 0,
                query=copy.deepcopy(state.query),
                at=self.clock.monotonic(),
            )
        )
        self._notify()
        return True

    async def _get_chat(self, ctx: CallContext) -> JSONDict:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        info = chat.to_api()
        info.update(
            {
                "accent_color_id": abs(chat.id) % 7,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    def _member(self, chat: ChatInfo, user: JSONDict, status: str) -> JSONDict:
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "administrator":
            rights: JSONDict = {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": True,
                "can_edit_stories": True,
                "can_delete_stories": True,
            }
            if chat.type == "channel":
                rights.update({"can_post_messages": True, "can_edit_messages": True})
            else:
                rights["can_pin_messages"] = True
            return rights
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        return {"status": status, "user": user}

    def _status_of(self, chat: ChatInfo, user_id: int) -> str:
        if chat.creator == user_id:
            return "creator"
        if user_id in chat.admins:
            return "administrator"
        if user_id in chat.members or (chat.type == "private" and user_id == chat.id):
            return "member"
        return "left"

    async def _get_chat_member(self, ctx: CallContext) -> JSONDict:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        user_id = ctx.get_int("user_id", required=True, empty="user_id is empty")
        assert user_id is not None
        for bot in self._bots.values():
            if bot.id == user_id:
                membership = chat.bots.get(bot.token)
                status = membership.status if membership else "left"
                return self._member(chat, bot.user(), "member" if chat.type == "private" else status)
        if user_id not in self._users:
            raise _bad("user not found")
        return self._member(chat, self._user_json(user_id), self._status_of(chat, user_id))

    async def _get_chat_administrators(self, ctx: CallContext) -> list[JSONDict]:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        result = []
        if chat.creator is not None:
            result.append(self._member(chat, self._user_json(chat.creator), "creator"))
        result += [
            self._member(chat, self._user_json(uid), "administrator")
            for uid in chat.admins
            if uid != chat.creator
        ]
        for bot in self._bots.values():
            membership = chat.bots.get(bot.token)
            if membership is not None and membership.status == "administrator":
                result.append(self._member(chat, bot.user(), "administrator"))
        return result

    async def _get_chat_member_count(self, ctx: CallContext) -> int:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        if chat.type == "private":
            return 2
        bots = sum(1 for m in chat.bots.values() if m.status in ("member", "administrator", "creator"))
        return len(chat.members | set(chat.admins)) + bots

    async def _send_chat_action(self, ctx: CallContext) -> bool:
        chat = self.resolve_chat(ctx.bot, ctx.get_chat())
        action = ctx.get_str("action", required=True, empty="action is empty")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.check_can_write(ctx.bot, chat)
        self._actions.append(ChatAction(chat.id, action, self.clock.monotonic(), ctx.bot.token))
        self._notify()
        return True


# --------------------------------------------------------------------------------------------------
# module helpers
# --------------------------------------------------------------------------------------------------


def _json_response(body: JSONDict, status: int) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        charset="utf-8",
    )


def _decode_value(name: str, value: str) -> Any:
    """Decode a form/query value the way the Bot API reads that parameter."""
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_PARAMS or name in _CHAT_PARAMS:
        stripped = value.strip()
        if re.fullmatch(r"-?[0-9]+", stripped):
            return int(stripped)
        return value
    if name in _BOOL_PARAMS:
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
    return value


async def _read_params(request: web.Request) -> JSONDict:
    params: JSONDict = {k: _decode_value(k, v) for k, v in request.query.items()}
    if not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _bad("can't parse JSON encoded request body") from None
        if not isinstance(body, dict):
            raise _bad("JSON object expected as request body")
        for key, value in body.items():
            params[key] = (
                _decode_value(key, value) if isinstance(value, str) and key in _JSON_PARAMS else value
            )
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = _decode_value(key, value)
            elif isinstance(value, web.FileField):  # an uploaded file
                params[key] = {"file_name": value.filename, "content_type": value.content_type}
            else:
                params[key] = value.decode("utf-8", "replace")
    return params


def _validate_inline_keyboard(rows: object) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict):
                raise _bad("can't parse inline keyboard button: InlineKeyboardButton should be an Object")
            if not isinstance(button.get("text"), str):
                raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
            actions = [action for action in _BUTTON_ACTIONS if action in button]
            if not actions:
                raise _bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or check_link(url) is None:
                    raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    if count > 100:
        raise _bad("reply markup is too long")


def _scope_key(scope: JSONDict, language: str) -> tuple[str, str]:
    return json.dumps(scope, sort_keys=True, separators=(",", ":")), language


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _matches(message: JSONDict, predicate: MessagePredicate) -> bool:
    if predicate is None:
        return True
    text = str(message.get("text", ""))
    if isinstance(predicate, str):
        return predicate in text
    if isinstance(predicate, re.Pattern):
        return predicate.search(text) is not None
    return bool(predicate(message))


def _describe(predicate: MessagePredicate) -> str:
    if predicate is None:
        return "anything"
    if isinstance(predicate, str):
        return f"text containing {predicate!r}"
    if isinstance(predicate, re.Pattern):
        return f"regex {predicate.pattern!r}"
    return getattr(predicate, "__name__", "the predicate")


# --------------------------------------------------------------------------------------------------
# the same server in a background thread
# --------------------------------------------------------------------------------------------------


class ThreadedBotApiServer:
    """:class:`BotApiServer` on its own event loop in a daemon thread.

    For bots running in another process (or synchronous test code)::

        with ThreadedBotApiServer(username="BriefBot") as server:
            bot = subprocess.Popen([..., "--api-base", server.base_url])
            server.user_sends(42, "/start")
            reply = server.wait_for_message(42, "Welcome")   # blocks

    Test-side helpers are forwarded to the server's loop and block until done; the ``*_async``
    variants await them from another event loop.  ``call(fn, *args)`` runs any synchronous
    server method on the server's loop, ``run(coro)`` any coroutine.
    """

    def __init__(self, server: BotApiServer | None = None, /, **options: Any) -> None:
        self.server = server if server is not None else BotApiServer(**options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    # lifecycle ---------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> ThreadedBotApiServer:
        if self._thread is not None:
            return self
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.server.start())
            except BaseException as exc:  # report to the starting thread
                self._error = exc
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="botapi-server", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the Bot API test server did not start")
        if self._error is not None:
            raise RuntimeError("the Bot API test server failed to start") from self._error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self.server.stop(), loop).result(timeout)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._loop = None
        self._thread = None

    def __enter__(self) -> ThreadedBotApiServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # plumbing ----------------------------------------------------------------------------------
    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("start() the server first")
        return self._loop

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._running_loop()).result(timeout)

    async def run_async(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await a coroutine running on the server's loop from another loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._running_loop()))

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a synchronous server method on the server's loop."""

        async def invoke() -> T:
            return fn(*args, **kwargs)

        return self.run(invoke(), timeout=30)

    # addresses ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def base_file_url(self) -> str:
        return self.server.base_file_url

    @property
    def token(self) -> str:
        return self.server.token

    # forwarded helpers -------------------------------------------------------------------------
    def add_user(self, user_id: int, first_name: str | None = None, **kwargs: Any) -> JSONDict:
        return self.call(self.server.add_user, user_id, first_name, **kwargs)

    def add_group(self, chat_id: int, title: str | None = None, **kwargs: Any) -> JSONDict:
        return self.call(self.server.add_group, chat_id, title, **kwargs)

    def add_channel(self, chat_id: int, title: str | None = None, **kwargs: Any) -> JSONDict:
        return self.call(self.server.add_channel, chat_id, title, **kwargs)

    def user_sends(self, user_id: int, text: str, **kwargs: Any) -> JSONDict:
        return self.call(self.server.user_sends, user_id, text, **kwargs)

    def user_presses(
        self, user_id: int, message: int | JSONDict, callback_data: str | None = None, **kwargs: Any
    ) -> JSONDict:
        return self.call(self.server.user_presses, user_id, message, callback_data, **kwargs)

    def channel_post(self, chat_id: int, text: str, **kwargs: Any) -> JSONDict:
        return self.call(self.server.channel_post, chat_id, text, **kwargs)

    def user_blocks_bot(self, user_id: int, **kwargs: Any) -> None:
        self.call(self.server.user_blocks_bot, user_id, **kwargs)

    def kick_bot(self, chat_id: int, **kwargs: Any) -> None:
        self.call(self.server.kick_bot, chat_id, **kwargs)

    def deactivate_user(self, user_id: int) -> None:
        self.call(self.server.deactivate_user, user_id)

    def inject(self, kind: FaultKind, **kwargs: Any) -> Fault:
        return self.call(self.server.inject, kind, **kwargs)

    def clear_faults(self) -> None:
        self.call(self.server.clear_faults)

    def messages(self, chat_id: int, **kwargs: Any) -> list[JSONDict]:
        return self.call(self.server.messages, chat_id, **kwargs)

    def texts(self, chat_id: int, **kwargs: Any) -> list[str]:
        return self.call(self.server.texts, chat_id, **kwargs)

    def history(self, chat_id: int, **kwargs: Any) -> list[JSONDict]:
        return self.call(self.server.history, chat_id, **kwargs)

    def edits(self, chat_id: int | None = None) -> list[EditRecord]:
        return self.call(self.server.edits, chat_id)

    @property
    def calls(self) -> list[CallRecord]:
        return self.call(lambda: self.server.calls)

    def calls_to(self, method: str) -> list[CallRecord]:
        return self.call(self.server.calls_to, method)

    def failed_calls(self, **kwargs: Any) -> list[CallRecord]:
        return self.call(self.server.failed_calls, **kwargs)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.call(lambda: self.server.callback_answers)

    @property
    def stats(self) -> Stats:
        return self.call(lambda: self.server.stats)

    def duplicates(self, chat_id: int | None = None, **kwargs: Any) -> list[Duplicate]:
        return self.call(self.server.duplicates, chat_id, **kwargs)

    def wait_for_message(
        self, chat_id: int, predicate: MessagePredicate = None, timeout: float = 5.0, **kwargs: Any
    ) -> JSONDict:
        return self.run(self.server.wait_for_message(chat_id, predicate, timeout, **kwargs), timeout + 10)

    async def wait_for_message_async(
        self, chat_id: int, predicate: MessagePredicate = None, timeout: float = 5.0, **kwargs: Any
    ) -> JSONDict:
        return await self.run_async(self.server.wait_for_message(chat_id, predicate, timeout, **kwargs))

    def wait_for_call(self, method: str, timeout: float = 5.0, **kwargs: Any) -> CallRecord:
        return self.run(self.server.wait_for_call(method, timeout=timeout, **kwargs), timeout + 10)

    def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        return self.run(self.server.wait_for_callback_answer(query_id, timeout), timeout + 10)

    def wait_updates_consumed(self, timeout: float = 5.0) -> None:
        self.run(self.server.wait_updates_consumed(timeout), timeout + 10)


# --------------------------------------------------------------------------------------------------
# python -m testing.botapi: a standalone server for manual runs
# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API test server")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="BriefBot")
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits")
    args = parser.parse_args(argv)

    async def serve() -> None:
        limits = RateLimits.disabled() if args.no_limits else None
        async with BotApiServer(args.token, username=args.username, port=args.port, limits=limits) as server:
            print(f"Bot API test server on {server.base_url} (token {server.token}); Ctrl-C to stop")
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
