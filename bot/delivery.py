"""The outbox sender: drains due deliveries within Telegram's limits.

The Application's rate limiter (:mod:`bot.ratelimit`) keeps Telegram's limits (overall, per private
chat, per group), waits out 429 ``retry_after`` and retries 5xx answers. On top of it this sender
retries timeouts with backoff, defers a delivery that still fails to a later tick (after a 429, not
before its ``retry_after`` is over: whoever retakes it does not know of the wait), and on 403
(blocked, kicked, deactivated) marks the delivery failed and deactivates the chat.

What a crash (SIGKILL, power loss) can do: Telegram has no idempotency key, so a message whose
request had left when the process died may or may not have been delivered, and nothing tells.
This sender records each part as sent *just before its request leaves* (after its rate-limit
turn, through :data:`bot.ratelimit.DEPARTING`), and takes the mark back when the request fails
in a way that says it was not delivered. After a crash the delivery is resumed from the first
part not yet recorded, so a message that was on its way is not sent a second time (at most
once); the price is a part whose request was lost on the way while the process died (it is on
record as sent), and the instant between the database commit and the request leaving (about a
millisecond). A request that timed out in a running process is sent again (Telegram may or may
not have delivered it): at least once.

Several senders (processes) share the outbox: each takes due rows with a claim (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL) that lasts :data:`~briefings.storage.outbox.LEASE` and is renewed
by every part recorded; a claim not renewed in time (its sender died) is taken again, and the
first sender's later writes are then refused (:class:`ClaimLost`), before its next request leaves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest

from bot.calls import Serial, call
from bot.ratelimit import DEPARTING, retry_seconds
from briefings.errors import ClaimLost
from briefings.service.delivering import Delivery, Outgoing

log = logging.getLogger(__name__)
P = ParamSpec("P")
RETRIES = 3
CLAIM = 100  # deliveries claimed at most at once
DEFER = dt.timedelta(seconds=30)  # a delivery that still fails is tried again this much later


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


class Sender:
    def __init__(
        self,
        bot: Bot,
        delivery: Delivery,
        *,
        concurrency: int = 32,
        read_timeout: float | None = None,
    ) -> None:
        self.bot = bot
        self.delivery = delivery
        self.concurrency = concurrency
        self.read_timeout = read_timeout  # seconds for Telegram's answer (None: the Application's)
        # (not passed as None: for PTB that means no timeout at all)
        self._lock = asyncio.Lock()
        self._writes: Serial | None = None

    async def drain(self) -> DrainReport:
        """Send every due delivery; one drain at a time per process.

        Deliveries are claimed as room frees up, at most ``concurrency`` in flight, rather than
        batch after batch: the slowest delivery of a batch (a chat's one message a second, a
        timeout) does not hold up the ones after it, so the overall rate is kept to the end.
        """
        report = DrainReport()
        async with self._lock:
            with Serial("outbox") as self._writes:
                try:
                    await self._pump(report)
                finally:
                    self._writes = None
        return report

    async def _pump(self, report: DrainReport) -> None:
        running: set[asyncio.Task[None]] = set()
        refill = max(1, self.concurrency // 4)  # claim when this much room is free
        more = True
        try:
            while True:
                room = self.concurrency - len(running)
                if more and (room >= refill or not running):
                    batch = await call(self.delivery.claim, min(room, CLAIM))
                    more = bool(batch)
                    running.update(asyncio.create_task(self._deliver_one(item, report)) for item in batch)
                if not running:
                    return
                _done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in running:
                task.cancel()

    async def _deliver_one(self, item: Outgoing, report: DrainReport) -> None:
        try:
            await self._deliver(item, report)
        except ClaimLost:
            log.warning(
                "delivery %s: taken by another sender after this one's lease ran out", item.delivery_id
            )
        except Exception:  # left claimed: retaken after the lease
            log.exception("delivery %s failed", item.delivery_id)

    async def write(self, fn: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> None:
        """A change to a delivery's state, in the drain's one writer thread."""
        if self._writes is not None:
            await self._writes.call(fn, *args, **kwargs)
        else:
            await call(fn, *args, **kwargs)

    async def send_now(self, chat_id: int | str, messages: list[str]) -> None:
        """Send a view right away (an admin's /post), under the same limits and retries."""
        for text in messages:
            await self._send(chat_id, text)

    async def _deliver(self, item: Outgoing, report: DrainReport) -> None:
        target = item.target
        try:
            for index in range(item.parts_sent, len(item.messages)):
                progress = _Progress(self, item.delivery_id, index, item.attempt)
                await self._send(target, item.messages[index], progress)
        except Forbidden as exc:
            await self._fail(item, f"403 {exc.message}", gone=True)
            report.failed += 1
            return
        except ChatMigrated as exc:
            await self._fail(item, f"chat migrated to {exc.new_chat_id}", gone=True)
            report.failed += 1
            return
        except BadRequest as exc:
            gone = "chat not found" in exc.message.lower()
            log.error("delivery %s to %s rejected: %s", item.delivery_id, item.chat_id, exc.message)
            await self._fail(item, f"400 {exc.message}", gone=gone)
            report.failed += 1
            return
        except (NetworkError, RetryAfter, TelegramError) as exc:
            delay, why = DEFER, f"{type(exc).__name__}: {exc}"
            if isinstance(exc, RetryAfter):  # not before the flood wait is over, whoever retakes it
                delay = max(delay, dt.timedelta(seconds=retry_seconds(exc.retry_after) + 1))
            await self.write(self.delivery.retry_later, item.delivery_id, delay, why, item.attempt)
            report.deferred += 1
            return
        await self.write(self.delivery.sent, item.delivery_id, item.attempt)
        report.sent += 1

    async def _fail(self, item: Outgoing, error: str, *, gone: bool) -> None:
        await self.write(self.delivery.failed, item.delivery_id, error, chat_gone=gone, attempt=item.attempt)

    async def _send(self, chat_id: int | str, text: str, progress: _Progress | None = None) -> None:
        """One message; timeouts retried with backoff (the rate limiter waits out 429s and retries 5xx).

        With ``progress`` the part is recorded as sent when its request leaves, and the record is
        taken back when the request fails.
        """
        for attempt in range(RETRIES + 1):
            token = DEPARTING.set(progress)
            try:
                await self.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    read_timeout=BaseRequest.DEFAULT_NONE if self.read_timeout is None else self.read_timeout,
                )
            except RetryAfter as exc:
                await _undo(progress)
                if attempt == RETRIES:
                    raise
                await asyncio.sleep(retry_seconds(exc.retry_after) + 0.1)
            except (Forbidden, BadRequest, ChatMigrated):
                await _undo(progress)
                raise
            except TimedOut:
                await _undo(progress)
                if attempt == RETRIES:
                    raise
                await asyncio.sleep(min(8.0, 0.5 * 2**attempt))
            except NetworkError:  # 5xx, connection errors: the rate limiter has tried again already
                await _undo(progress)
                raise
            except Exception:  # any other answer: not delivered either
                await _undo(progress)
                raise
            else:
                if progress is not None and not progress.recorded:  # no departure hook ran
                    await progress.departing()
                return
            finally:
                DEPARTING.reset(token)


@dataclass
class _Progress:
    """Part ``index`` of a delivery: recorded as sent as its request leaves, or taken back."""

    sender: Sender
    delivery_id: int
    index: int
    attempt: int | None = None
    recorded: bool = field(default=False)

    async def departing(self) -> None:
        """Raises :class:`ClaimLost` (and the request does not leave) when another sender has
        taken the delivery meanwhile."""
        await self.sender.write(
            self.sender.delivery.part_sent, self.delivery_id, self.index + 1, self.attempt
        )
        self.recorded = True

    async def stayed(self) -> None:
        if self.recorded:
            await self.sender.write(
                self.sender.delivery.part_sent, self.delivery_id, self.index, self.attempt
            )
            self.recorded = False


async def _undo(progress: _Progress | None) -> None:
    if progress is not None:
        await progress.stayed()
