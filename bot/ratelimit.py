"""Telegram's flood limits, kept on the client side for every request the bot makes.

python-telegram-bot's ``AIORateLimiter`` keeps the overall rate and a leaky bucket per group, but
nothing per private chat: a reply of three chunks followed by the answer to the user's next
command is four messages to one chat within a second, and Telegram answers 429. Its group bucket
also lets a 21st message through three seconds after a burst of 20, where Telegram counts 20 per
minute. This limiter keeps, per bot:

* overall: one request every ``1 / overall_per_second`` seconds (every request that names a chat
  counts, edits and lookups included), paced evenly rather than in bursts of a second's worth, so
  that network jitter, which can bring requests closer together than they left, does not push the
  bot over Telegram's limit even at its full 30/s (``BRIEFINGS_SEND_RATE``); and, as a backstop, at
  most that many requests really leaving in any second. The slots come from a :class:`Pacer`: this
  process's own (:class:`LocalPacer`), or one shared by every process of the bot through the
  database (:class:`SharedPacer`), so that two processes together keep the one rate of their token;
* per private chat: at most ``private_per_second`` messages in any second;
* per group, supergroup or channel: at most ``group_per_minute`` messages in any 60 s.

The group default stays under Telegram's 20/min so that the outbox's record before each message
leaves (:data:`DEPARTING`) and jitter do not push the bot over it. Slots are taken in order, so
waiting requests are served first come, first served.

A 429 does not say whether the limit hit was the chat's or the bot's. Since the bot keeps the
overall rate itself, a 429 on a message to one chat is taken as that chat's: the chat waits
``retry_after`` and everyone else goes on. When another chat had a 429 within ``FLOOD_CLUSTER``
seconds, the limit is the bot's: every request pauses for ``retry_after``, in every process
sharing the pacer (a 429 on a request that is not a message to a chat pauses everything at
once). The request is retried, at most ``max_retries`` times; then the
:class:`~telegram.error.RetryAfter` goes to the caller. A 5xx
answer or a failed connection is retried ``server_error_retries`` times after a short pause (so a
reply to a command survives a hiccup of the Bot API); a timeout is not (the request may have been
delivered: the caller decides).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
from collections import deque
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, Protocol

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
JSONDict = dict[str, Any]

#: Bot API methods that post a message (these count towards the per-chat limits)
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
        "sendpaidmedia",
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }
)
PRUNE_AT = 1024  # per-chat states kept before idle ones are dropped
#: how far behind schedule the pacer may let requests catch up (a late wake-up of the event loop
#: does not cost a slot); at most ``1 + SLACK * rate`` requests leave back to back
SLACK = 0.1
#: 429s to two different chats within this many seconds mean the bot's own limit, not a chat's
FLOOD_CLUSTER = 1.0


class Departure(Protocol):
    """Told just before a request leaves, after its turn: the outbox records there that a message
    is on its way (see :mod:`bot.delivery`); ``stayed`` takes that back when a 429 pause began
    meanwhile and the request waits for another turn."""

    async def departing(self) -> None: ...

    async def stayed(self) -> None: ...


#: the caller's :class:`Departure` for the requests it makes (a context variable: per task)
DEPARTING: ContextVar[Departure | None] = ContextVar("departing", default=None)


class _Window:
    """At most ``limit`` slots in any ``period`` seconds; ``reserve()`` hands out the next slot."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.slots: deque[float] = deque()

    def reserve(self, now: float) -> float:
        """The time of the next free slot (now or later), taken."""
        while self.slots and self.slots[0] <= now - self.period:
            self.slots.popleft()
        slot = now
        if len(self.slots) >= self.limit:
            slot = max(now, self.slots[-self.limit] + self.period)
        self.slots.append(slot)
        return slot

    def idle(self, now: float) -> bool:
        return not self.slots or self.slots[-1] <= now - self.period


class _Departures:
    """The moments requests really left: at most ``limit`` in any ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.times: deque[float] = deque()

    async def leave(self) -> None:
        """Wait until one more may leave now, and count it."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self.times and self.times[0] <= now - self.period:
                self.times.popleft()
            if len(self.times) < self.limit:
                self.times.append(now)
                return
            await asyncio.sleep(self.times[0] + self.period - now)


class Pacer(Protocol):
    """Hands out the overall slots, one every ``1 / rate`` seconds, first come first served."""

    async def reserve(self, interval: float) -> float:
        """Take the next slot; the seconds until it (0: now)."""
        ...

    async def pause(self, seconds: float) -> None:
        """No slot for anyone within ``seconds`` from now (Telegram answered 429)."""
        ...


class LocalPacer:
    """This process's own slots (the bot runs in one process)."""

    def __init__(self) -> None:
        self._next = 0.0

    async def reserve(self, interval: float) -> float:
        now = asyncio.get_running_loop().time()
        slot = max(self._next, now - SLACK)
        self._next = slot + interval
        return max(0.0, slot - now)

    async def pause(self, seconds: float) -> None:
        self._next = max(self._next, asyncio.get_running_loop().time() + seconds)


class SharedPacer:
    """Slots shared by every process of one bot: ``reserve(interval, slack)`` and ``hold(seconds)``
    are blocking calls to the shared store (the database: one row per bot, a GCRA whose clock is
    the database server's), run off the event loop. When the store fails, the slot is taken from
    this process's own pacer, and that is logged."""

    def __init__(self, reserve: Callable[[float, float], float], hold: Callable[[float], None]) -> None:
        self._reserve = reserve
        self._hold = hold
        self._local = LocalPacer()
        self._failing = False

    async def reserve(self, interval: float) -> float:
        try:
            delay = await asyncio.to_thread(self._reserve, interval, SLACK)
        except Exception as exc:
            if not self._failing:
                log.warning("shared send rate unavailable, pacing this process alone: %s", exc)
            self._failing = True
            return await self._local.reserve(interval)
        if self._failing:
            log.warning("shared send rate available again")
            self._failing = False
        return delay

    async def pause(self, seconds: float) -> None:
        await self._local.pause(seconds)
        try:
            await asyncio.to_thread(self._hold, seconds)
        except Exception as exc:
            log.warning("could not share a 429 pause: %s", exc)


class TelegramRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self,
        *,
        overall_per_second: float = 25,
        private_per_second: int = 1,
        group_per_minute: int = 19,
        max_retries: int = 3,
        server_error_retries: int = 2,
        pacer: Pacer | None = None,
    ) -> None:
        if overall_per_second <= 0:
            raise ValueError("overall_per_second must be positive")
        self.overall_per_second = overall_per_second
        self.private_per_second = private_per_second
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self.server_error_retries = server_error_retries
        self.pacer: Pacer = pacer or LocalPacer()
        self._interval = 1.0 / overall_per_second
        self._turns = asyncio.Lock()
        self._departures = _Departures(math.ceil(overall_per_second), 1.0)
        self._chats: dict[int | str, _ChatState] = {}
        self._paused_until = 0.0
        self._floods: deque[tuple[float, int | str]] = deque()  # recent 429s: (when, chat)

    async def initialize(self) -> None:
        self._turns = asyncio.Lock()
        self._departures = _Departures(math.ceil(self.overall_per_second), 1.0)
        self._chats.clear()
        self._paused_until = 0.0
        self._floods.clear()

    async def shutdown(self) -> None:
        self._chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        chat = _chat_key(data.get("chat_id"))
        message = endpoint.lower() in MESSAGE_METHODS
        flood_waits = server_errors = 0
        departure = DEPARTING.get()
        while True:
            await self._wait_turn(chat, message, departure)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc.retry_after)
                now = asyncio.get_running_loop().time()
                if chat is not None and message and self._only_this_chat(chat, now):
                    state = self._chat_state(chat, now)
                    state.blocked_until = max(state.blocked_until, now + seconds + 0.1)
                    scope = "this chat"
                else:
                    self._paused_until = max(self._paused_until, now + seconds + 0.1)
                    await self.pacer.pause(seconds + 0.1)
                    scope = "every chat"
                flood_waits += 1
                if flood_waits > retries:
                    raise
                log.info("429 on %s: %s waits %.1f s before retrying", endpoint, scope, seconds)
                if departure is not None:  # not delivered: not on record while it waits either
                    await departure.stayed()
            except NetworkError as exc:
                # a 5xx answer or a connection that failed: tried again after a pause. Not a 4xx
                # (BadRequest) and not a timeout (TimedOut): that request may have been delivered
                if type(exc) is not NetworkError or server_errors >= self.server_error_retries:
                    raise
                server_errors += 1
                if departure is not None:  # it is sent again: on record again when it leaves
                    await departure.stayed()
                log.info("%s on %s: retrying", exc.message, endpoint)
                await asyncio.sleep(0.5 * server_errors)

    async def _wait_turn(self, chat: int | str | None, message: bool, departure: Departure | None) -> None:
        """Sleep until this request may go: after any 429 pause, in the chat's slot and an overall slot.

        The requests to one chat take their turns one after the other, and the chat's slot is moved
        to the moment the request really leaves (after its overall slot), so a wait for the overall
        limit never brings two messages to one chat closer together. A turn that comes while a 429
        pause is on (it was taken before the pause began) is given up and taken again after it, so
        the requests held up by the pause leave at the limited rate, not all at once; the chat's
        slot is given back with it (the message did not leave, so the chat does not wait another
        second for it). A turn taken before the pause that comes after it is kept.
        """
        loop = asyncio.get_running_loop()
        while True:
            while (pause := self._paused_until - loop.time()) > 0:
                await asyncio.sleep(pause)
            held_until = 0.0
            if chat is not None and message:
                state = self._chat_state(chat, loop.time())
                async with state.lock:
                    await _until(state.blocked_until)  # a 429 on this chat: only it waits
                    await _until(state.window.reserve(loop.time()))
                    await self._overall_turn(departure)
                    held_until = max(self._paused_until, state.blocked_until)
                    if loop.time() < held_until:
                        state.window.slots.pop()
                    else:
                        state.window.slots[-1] = loop.time()
            elif chat is not None:
                await self._overall_turn(departure)
            elif departure is not None:
                await departure.departing()
            if loop.time() >= max(held_until, self._paused_until):
                return
            if departure is not None:
                await departure.stayed()

    def _only_this_chat(self, chat: int | str, now: float) -> bool:
        """Record a 429 on ``chat``; True unless another chat had one within ``FLOOD_CLUSTER`` s."""
        floods = self._floods
        while floods and floods[0][0] < now - FLOOD_CLUSTER:
            floods.popleft()
        floods.append((now, chat))
        return all(other == chat for _, other in floods)

    async def _overall_turn(self, departure: Departure | None) -> None:
        """Wait for an overall slot, tell ``departure``, and leave: if telling it took long enough to
        bunch requests up, they still leave at most ``overall_per_second`` in any second.

        One slot is reserved at a time per process (the next request reserves when this one's
        slot has come), so that a pause shared by another process applies to the next slot."""
        async with self._turns:
            delay = await self.pacer.reserve(self._interval)
            if delay > 0:
                await asyncio.sleep(delay)
        if departure is not None:
            await departure.departing()
        await self._departures.leave()

    def _chat_state(self, chat: int | str, now: float) -> _ChatState:
        state = self._chats.get(chat)
        if state is None:
            if len(self._chats) >= PRUNE_AT:
                self._chats = {key: value for key, value in self._chats.items() if not value.idle(now)}
            if isinstance(chat, int) and chat > 0:
                state = _ChatState(_Window(self.private_per_second, 1.0))
            else:
                state = _ChatState(_Window(self.group_per_minute, 60.0))
            self._chats[chat] = state
        return state


class _ChatState:
    def __init__(self, window: _Window) -> None:
        self.window = window
        self.lock = asyncio.Lock()
        self.blocked_until = 0.0  # a 429 on this chat alone: nothing to it before then

    def idle(self, now: float) -> bool:
        return not self.lock.locked() and self.window.idle(now) and self.blocked_until <= now


async def _until(moment: float) -> None:
    delay = moment - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)


def _chat_key(value: object) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return text.lower()  # @channelname: a channel or supergroup


def retry_seconds(value: int | dt.timedelta) -> float:
    """A 429's ``retry_after`` (seconds, or a timedelta in newer PTB) in seconds."""
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
