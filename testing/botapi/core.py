"""The state of the local Bot API test server and what every part of it uses: the world (bots, users,
chats, messages), the records, waiting for a change, and the checks every method handler makes
(which chat a ``chat_id`` is, whether the bot may write there, the flood limits)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

import aiohttp
from aiohttp import web

from testing.botapi.context import DEFAULT_TOKEN, ApiError, BotKwargs, CallContext, MethodHandler, bad_request
from testing.botapi.faults import FaultPlan
from testing.botapi.limits import Clock, RateLimiter, RateLimits, RealClock, Violation
from testing.botapi.records import (
    CallbackAnswer,
    CallbackQueryState,
    CallRecord,
    ChatAction,
    Delivery,
    EditRecord,
    JSONDict,
    WebhookDelivery,
)
from testing.botapi.world import BotInfo, ChatInfo, StoredMessage, UserInfo

if TYPE_CHECKING:
    from telegram.ext._applicationbuilder import InitApplicationBuilder

T = TypeVar("T")


class ServerCore:
    """The server's state and what every part of it uses (the whole server, and its options, is
    :class:`~testing.botapi.server.BotApiServer`)."""

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

    def _register_builtin_methods(self) -> None:
        """The Bot API methods served from the start: the areas of :class:`~testing.botapi.BotApiServer`."""

    def register_method(self, name: str, handler: MethodHandler) -> None:
        """Serve another Bot API method: ``async def handler(ctx: CallContext) -> result``.

        Raise :class:`ApiError` to answer an error; the return value becomes ``result``.
        """
        self._methods[name.lower()] = handler

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

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        await self._wait_for(lambda: None, seconds)

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

    def _chat_messages(self, chat_id: int) -> list[StoredMessage]:
        return sorted(self._messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

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
            raise bad_request("chat not found")
        if chat.type == "private" and bot.token not in chat.bots:
            known = any(bot.token in c.bots and chat.id in c.members for c in self._chats.values())
            if known:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found")
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
            raise bad_request("need administrator rights in the channel chat")

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
