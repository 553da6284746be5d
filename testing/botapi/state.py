"""State of the local Bot API test server: clock, rate limits, fault injection, records, world.

Nothing here does I/O; :mod:`testing.botapi.server` owns one instance of each class below and uses
them from its event loop only.  Tests mostly meet these classes as return values:

* :class:`CallRecord` — one HTTP call of the bot (``server.calls``), with decoded parameters, status,
  response JSON, the fault injected into it (if any) and timings;
* :class:`RateLimits` — the limits to enforce (``BotApiServer(limits=RateLimits(private_burst=1))``);
* :class:`ManualClock` — a clock the test advances by hand (``BotApiServer(clock=ManualClock())``)
  so that rate-limit windows can be crossed without sleeping;
* :class:`Fault` — returned by ``server.inject(...)``; ``fault.triggered`` tells how often it fired;
* :class:`Stats`, :class:`Violation`, :class:`Duplicate` — what ``server.stats`` and
  ``server.duplicates()`` return.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

JSONDict = dict[str, Any]

# --------------------------------------------------------------------------------------------------
# Clock
# --------------------------------------------------------------------------------------------------


class Clock(Protocol):
    """Time source for rate limits and message dates."""

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (rate limits, call timings)."""
        ...

    def time(self) -> float:
        """Unix time (message ``date`` fields)."""
        ...


class RealClock:
    """The default: :func:`time.monotonic` and :func:`time.time`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when the test calls :meth:`advance`.

    Only the server's bookkeeping (rate limits, dates, ``CallRecord.at``) uses it; long polling and
    injected hangs still wait in real time.
    """

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self._wall = start
        self._mono = 0.0

    def monotonic(self) -> float:
        return self._mono

    def time(self) -> float:
        return self._wall + self._mono

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._mono += seconds


# --------------------------------------------------------------------------------------------------
# Rate limits
# --------------------------------------------------------------------------------------------------

#: methods that post a message (lower case); only these count towards the limits by default
MESSAGE_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendvideonote",
        "sendmediagroup",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendpoll",
        "senddice",
        "sendsticker",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Telegram's flood limits, per bot token.

    * ``global_per_second`` with a bucket of ``global_burst`` messages over all chats;
    * ``private_per_second`` per private chat with a bucket of ``private_burst`` (Telegram tolerates
      short bursts; ``private_burst=1`` makes the limit exact);
    * ``group_per_minute`` messages in any 60 s window per group, supergroup or channel.

    When a limit is exceeded the call answers ``429 Too Many Requests: retry after N`` with
    ``parameters.retry_after = N`` (whole seconds, at least 1).  With ``flood_wait`` the chat (or the
    whole bot, for the global limit) then stays blocked for those N seconds: every message sent
    before they are over is answered 429 as well and counted in ``Stats.retry_after_ignored``; so
    does the chat (or the bot) an injected 429 names (``BotApiServer.inject``).
    ``methods`` are the (lower-case) Bot API methods that count as messages.
    """

    enabled: bool = True
    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20
    flood_wait: bool = True
    methods: frozenset[str] = MESSAGE_METHODS

    @classmethod
    def disabled(cls) -> RateLimits:
        return cls(enabled=False)


class TokenBucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 when available now)."""
        self._refill(now)
        if self.tokens >= 1 - 1e-9:
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else math.inf

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


class SlidingWindow:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.events: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self.events and self.events[0] <= now - self.window:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0.0
        return self.events[0] + self.window - now

    def take(self, now: float) -> None:
        self.events.append(now)


RateScope = Literal["global", "private", "group", "flood_wait"]


@dataclass(frozen=True, slots=True)
class Violation:
    """A genuine 429 caused by the bot's own sending rate (not an injected fault)."""

    at: float
    token: str
    method: str
    chat_id: int
    scope: RateScope
    retry_after: int


class RateLimiter:
    """Decides whether one more message may be delivered now."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._global: dict[str, TokenBucket] = {}
        self._private: dict[tuple[str, int], TokenBucket] = {}
        self._group: dict[tuple[str, int], SlidingWindow] = {}
        self._blocked_until: dict[tuple[str, int | None], float] = {}

    def reset(self) -> None:
        self._global.clear()
        self._private.clear()
        self._group.clear()
        self._blocked_until.clear()

    def counts(self, method: str) -> bool:
        return self.limits.enabled and method.lower() in self.limits.methods

    def check(self, token: str, method: str, chat_id: int, private: bool) -> Violation | None:
        """Take one message from the buckets, or return the violation (nothing taken then)."""
        limits = self.limits
        now = self.clock.monotonic()
        for key in ((token, None), (token, chat_id)):
            until = self._blocked_until.get(key, 0.0)
            if until > now:
                return Violation(
                    now, token, method, chat_id, "flood_wait", max(1, math.ceil(until - now - 1e-9))
                )
        bucket = self._global.setdefault(
            token, TokenBucket(limits.global_per_second, limits.global_burst, now)
        )
        chat_limit: TokenBucket | SlidingWindow
        if private:
            chat_limit = self._private.setdefault(
                (token, chat_id), TokenBucket(limits.private_per_second, limits.private_burst, now)
            )
        else:
            chat_limit = self._group.setdefault(
                (token, chat_id), SlidingWindow(limits.group_per_minute, 60.0)
            )
        global_wait, chat_wait = bucket.wait(now), chat_limit.wait(now)
        if global_wait <= 0 and chat_wait <= 0:
            bucket.take(now)
            chat_limit.take(now)
            return None
        if chat_wait >= global_wait:
            scope: RateScope = "private" if private else "group"
            wait, key = chat_wait, (token, chat_id)
        else:
            scope, wait, key = "global", global_wait, (token, None)
        retry_after = max(1, math.ceil(wait - 1e-9))
        if limits.flood_wait:
            self._blocked_until[key] = now + retry_after
        return Violation(now, token, method, chat_id, scope, retry_after)

    def hold(self, token: str, chat_id: int | None, seconds: float) -> None:
        """A flood wait Telegram imposed without the bot breaking a limit (an injected 429): no
        message to ``chat_id`` (``None``: to any chat of the bot) within ``seconds`` from now."""
        if self.limits.enabled and self.limits.flood_wait:
            key = (token, chat_id)
            until = self.clock.monotonic() + seconds
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), until)


# --------------------------------------------------------------------------------------------------
# Fault injection
# --------------------------------------------------------------------------------------------------

FaultKind = Literal["too_many_requests", "internal_error", "bad_gateway", "hang", "drop", "error"]
#: what an injected 429 holds: the chat the message was for, or every chat of the bot
FloodScope = Literal["chat", "bot"]
FAULT_KINDS: tuple[str, ...] = ("too_many_requests", "internal_error", "bad_gateway", "hang", "drop", "error")


@dataclass(slots=True)
class Fault:
    """One injected failure rule (see ``BotApiServer.inject``).

    A call matches when ``method`` (case-insensitive, ``None`` = any) and ``chat_id`` (``None`` =
    any) match; then it fires with ``probability`` (seeded RNG) until it fired ``times`` times
    (``None`` = forever).  ``after=True`` lets the call take effect first (the message *is*
    delivered) and only then fails the response: the case that creates duplicates when the bot
    retries blindly.
    """

    kind: FaultKind
    method: str | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    probability: float = 1.0
    retry_after: int = 5
    scope: FloodScope = "chat"
    hang_seconds: float = 30.0
    status: int = 500
    description: str = "Internal Server Error"
    after: bool = False
    triggered: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.triggered >= self.times

    def matches(self, method: str, chat_id: object, after: bool) -> bool:
        if self.exhausted or self.after != after:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


class FaultPlan:
    def __init__(self, seed: int) -> None:
        self.faults: list[Fault] = []
        self.rng = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; use one of {FAULT_KINDS}")
        if not 0.0 <= fault.probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def pick(self, method: str, chat_id: object, *, after: bool) -> Fault | None:
        for fault in self.faults:
            if not fault.matches(method, chat_id, after):
                continue
            if fault.probability < 1.0 and self.rng.random() >= fault.probability:
                continue
            fault.triggered += 1
            return fault
        return None


# --------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class CallRecord:
    """One HTTP request the bot made.

    ``params`` are decoded (numbers are ints, ``reply_markup``/``entities``/... are dicts and
    lists); ``response`` is the JSON body sent back (``None`` when the connection was dropped or
    the body was not JSON); ``fault`` names the injected fault, if any; ``abandoned`` is set when
    the client had already gone when the answer was ready (e.g. a long poll cancelled at shutdown).
    ``at`` is the server clock's monotonic time at arrival.
    """

    seq: int
    token: str
    method: str
    params: JSONDict
    at: float
    wall_time: float
    http_method: str = "POST"
    status: int = 0
    response: JSONDict | None = None
    fault: str | None = None
    abandoned: bool = False
    duration: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def done(self) -> bool:
        return self.status != 0

    @property
    def description(self) -> str | None:
        if self.response is None:
            return None
        value = self.response.get("description")
        return value if isinstance(value, str) else None

    @property
    def result(self) -> Any:
        return None if self.response is None else self.response.get("result")

    def __str__(self) -> str:
        outcome = "pending" if not self.done else (self.description or str(self.status))
        fault = f" [fault: {self.fault}]" if self.fault else ""
        gone = " [client gone]" if self.abandoned else ""
        return f"#{self.seq} {self.method}({_short(self.params)}) -> {self.status} {outcome}{fault}{gone}"


def _short(params: JSONDict, limit: int = 120) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class EditRecord:
    """A successful ``editMessageText``/``editMessageReplyMarkup``: the message before and after."""

    method: str
    chat_id: int
    message_id: int
    before: JSONDict
    after: JSONDict
    at: float


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An ``answerCallbackQuery`` call with the query it answered."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    query: JSONDict | None
    at: float


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The same text delivered more than once to the same chat."""

    chat_id: int
    text: str
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Stats:
    """A snapshot of counters (``server.stats``).

    ``rate_limit_violations`` counts only genuine 429s caused by the bot's sending rate (including
    ``retry_after_ignored``, messages sent while a flood wait was still running); injected faults are
    counted separately in ``injected_faults``.
    """

    total_calls: int
    calls_by_method: dict[str, int]
    responses_by_status: dict[int, int]
    rate_limit_violations: int
    retry_after_ignored: int
    violations: tuple[Violation, ...]
    injected_faults: int
    injected_by_kind: dict[str, int]
    messages_delivered: int
    messages_by_chat: dict[int, int]

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.responses_by_status.items() if status != 200)


# --------------------------------------------------------------------------------------------------
# World: users, chats, bots, messages, updates
# --------------------------------------------------------------------------------------------------

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


def count_by(values: Iterable[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
