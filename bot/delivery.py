"""The outbox sender: drains due deliveries within Telegram's limits.

The Application's AIORateLimiter keeps the overall rate (about 30 messages/s) and the per-group
rate (20/min) and waits out 429 ``retry_after``. On top of it this sender spaces the parts of one
view sent to the same private chat (1 message/s), retries 5xx and timeouts with backoff,
and on 403 (blocked, kicked, deactivated) marks the delivery failed and deactivates the chat.
Each part sent is recorded, so a crash never resends the parts already delivered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.calls import call
from briefings.service.app import BriefingService, Outgoing

log = logging.getLogger(__name__)
PRIVATE_SPACING = 1.05  # seconds between two messages to one private chat
GROUP_SPACING = 3.05  # 20 per minute
RETRIES = 3
CLAIM = 100


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


class Sender:
    def __init__(self, bot: Bot, service: BriefingService, *, concurrency: int = 32) -> None:
        self.bot = bot
        self.service = service
        self.concurrency = concurrency
        self._lock = asyncio.Lock()

    async def drain(self) -> DrainReport:
        """Send every due delivery; one drain at a time per process."""
        report = DrainReport()
        async with self._lock:
            gate = asyncio.Semaphore(self.concurrency)

            async def one(item: Outgoing) -> None:
                async with gate:
                    await self._deliver(item, report)

            while True:
                batch = await call(self.service.claim, CLAIM)
                if not batch:
                    break
                await asyncio.gather(*(one(item) for item in batch))
        return report

    async def send_now(self, chat_id: int | str, messages: list[str]) -> None:
        """Send a view right away (an admin's /post), under the same limits and retries."""
        for index, text in enumerate(messages):
            if index:
                await asyncio.sleep(GROUP_SPACING)
            await self._send(chat_id, text)

    async def _deliver(self, item: Outgoing, report: DrainReport) -> None:
        spacing = PRIVATE_SPACING if item.chat_type == "private" else GROUP_SPACING
        target: int | str = item.chat_id
        if item.kind == "channel" and self.service.settings.channel_id.startswith("@"):
            target = self.service.settings.channel_id
        try:
            for index in range(item.parts_sent, len(item.messages)):
                if index > item.parts_sent:
                    await asyncio.sleep(spacing)
                await self._send(target, item.messages[index])
                if index < len(item.messages) - 1:
                    await call(self.service.part_sent, item.delivery_id, index + 1)
        except Forbidden as exc:
            await call(self.service.failed, item.delivery_id, f"403 {exc.message}", chat_gone=True)
            report.failed += 1
            return
        except ChatMigrated as exc:
            await call(
                self.service.failed, item.delivery_id, f"chat migrated to {exc.new_chat_id}", chat_gone=True
            )
            report.failed += 1
            return
        except BadRequest as exc:
            gone = "chat not found" in exc.message.lower()
            log.error("delivery %s to %s rejected: %s", item.delivery_id, item.chat_id, exc.message)
            await call(self.service.failed, item.delivery_id, f"400 {exc.message}", chat_gone=gone)
            report.failed += 1
            return
        except (NetworkError, RetryAfter, TelegramError) as exc:
            delay = dt.timedelta(seconds=30)
            await call(self.service.retry_later, item.delivery_id, delay, f"{type(exc).__name__}: {exc}")
            report.deferred += 1
            return
        await call(self.service.sent, item.delivery_id)
        report.sent += 1

    async def _send(self, chat_id: int | str, text: str) -> None:
        """One message; 5xx and timeouts retried with backoff (429s are waited out by the rate limiter)."""
        for attempt in range(RETRIES + 1):
            try:
                await self.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                return
            except RetryAfter as exc:
                if attempt == RETRIES:
                    raise
                await asyncio.sleep(_seconds(exc.retry_after) + 0.1)
            except (Forbidden, BadRequest, ChatMigrated):
                raise
            except NetworkError:
                if attempt == RETRIES:
                    raise
                await asyncio.sleep(min(8.0, 0.5 * 2**attempt))


def _seconds(value: int | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
