"""Time and Telegram's flood limits for the local Bot API test server: the clock the server keeps
its books by (:class:`RealClock`, or a :class:`ManualClock` the test advances), the limits to enforce
(:class:`RateLimits`) and the limiter that applies them per bot token (:class:`RateLimiter`).

Which methods post a message (and so count) is the bot's own list, :data:`bot.ratelimit.MESSAGE_METHODS`:
one list of Telegram's message methods for the bot and the server.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.ratelimit import MESSAGE_METHODS

__all__ = ["MESSAGE_METHODS", "Clock", "ManualClock", "RateLimiter", "RateLimits", "RealClock", "Violation"]

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
