"""Delivering digests and channel posts through the outbox: what is due is planned once per local
day, claimed by a sender with its messages built, and marked sent, retried or failed; and the
sending rate that the bot's processes share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from briefings import render
from briefings.service.part import Ground, Part
from briefings.service.reading import Reading
from briefings.storage import outbox, reads, sendrate


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery and the messages to send for it."""

    delivery_id: int
    chat_id: int
    chat_type: str
    kind: str
    messages: list[str]
    parts_sent: int
    attempt: int | None = None  # the claim's number (see outbox.Claimed); None: not fenced
    address: str | None = None  # a channel's @name, when it is configured by name

    @property
    def target(self) -> int | str:
        """Where the messages go: the channel's @name, or the chat's id."""
        return self.address or self.chat_id


class Delivery(Part):
    """The outbox as a sender sees it; the messages come from ``reading``."""

    def __init__(self, ground: Ground, reading: Reading) -> None:
        super().__init__(ground)
        self.reading = reading

    # ------------------------------------------------------------------ planning

    def plan(self) -> int:
        """Plan what is due now: the digests, and the channel post once it is time; returns the
        deliveries planned."""
        planned = self.plan_due()
        if self.channel_post_due() and self.plan_channel_post():
            planned += 1
        return planned

    def plan_due(self) -> int:
        """Plan each subscriber's digest that is due by its local time; returns the deliveries planned."""
        with self.db.transaction() as session:
            return outbox.plan_due_digests(session, self.clock.now())

    def channel_post_due(self) -> bool:
        """Whether a channel is set and its post time (BRIEFINGS_CHANNEL_POST_TIME) has come today."""
        if not self.settings.channel_id:
            return False
        local = self.clock.now().astimezone(ZoneInfo(self.settings.timezone))
        return local.strftime("%H:%M") >= self.settings.channel_post_time

    def plan_channel_post(self) -> bool:
        """Plan today's channel post (once a local day); False when there is no channel or it is planned."""
        if not self.settings.channel_id:
            return False
        chat = self.settings.channel_chat_id
        local = self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()
        with self.db.transaction() as session:
            return outbox.plan_channel_post(session, chat, local, self.clock.now())

    # ------------------------------------------------------------------ sending

    def claim(self, limit: int) -> list[Outgoing]:
        """Take up to ``limit`` due deliveries and build their messages (each distinct digest once)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            claimed = outbox.claim(session, now, limit)
            chats = [c.chat_id for c in claimed]
            details = reads.subscriber_details(session, chats)
            since = outbox.last_sent_many(session, chats)
        channel = self.settings.channel_id
        address = channel if channel.startswith("@") else None
        out: list[Outgoing] = []
        built: dict[tuple[dt.datetime | None, tuple[str, ...], str, str | None], list[str]] = {}
        for row in claimed:
            to = None
            if row.kind == "channel":
                messages = self.reading.channel_post_messages(beat=self.settings.channel_beat or None)
                chat_type, to = "channel", address
            else:
                known = details.get(row.chat_id)
                chat_type, topics, zone, beat = (
                    (known.chat_type, known.topics, known.timezone, known.beat)
                    if known is not None
                    else ("private", [], self.settings.timezone, None)
                )
                if beat is not None and beat not in self.beats.slugs:
                    beat = None  # a beat no longer configured: the default one
                key = (since.get(row.chat_id), tuple(sorted(topics)), zone, beat)
                if key not in built:
                    digest = self.reading.digest(key[0], now, topics, zone, beat)
                    built[key] = [render.digest_message(digest)]
                messages = list(built[key])
            out.append(
                Outgoing(row.id, row.chat_id, chat_type, row.kind, messages, row.parts_sent, row.attempt, to)
            )
        return out

    def part_sent(self, delivery_id: int, parts_sent: int, attempt: int | None = None) -> None:
        """Record the parts sent (renewing the claim); :class:`~briefings.errors.ClaimLost` when another
        sender has taken the delivery since ``attempt``."""
        with self.db.transaction() as session:
            outbox.record_parts(session, delivery_id, parts_sent, self.clock.now(), attempt)

    def sent(self, delivery_id: int, attempt: int | None = None) -> bool:
        with self.db.transaction() as session:
            return outbox.mark_sent(session, delivery_id, self.clock.now(), attempt)

    def retry_later(
        self, delivery_id: int, delay: dt.timedelta, error: str, attempt: int | None = None
    ) -> bool:
        with self.db.transaction() as session:
            return outbox.mark_retry(session, delivery_id, self.clock.now() + delay, error, attempt)

    def failed(self, delivery_id: int, error: str, *, chat_gone: bool, attempt: int | None = None) -> bool:
        with self.db.transaction() as session:
            return outbox.mark_failed(session, delivery_id, error, deactivate=chat_gone, attempt=attempt)

    # ------------------------------------------------------------------ the shared sending rate

    @property
    def shares_send_rate(self) -> bool:
        """Whether the bot's processes share one sending rate through the database (PostgreSQL)."""
        return self.db.engine.dialect.name == "postgresql"

    def reserve_send_slot(self, bot: str, interval: float, slack: float) -> float:
        """Seconds until this process may send its next message (see :mod:`briefings.storage.sendrate`)."""
        with self.db.engine.begin() as connection:
            return sendrate.reserve(connection, bot, interval, slack)

    def hold_sending(self, bot: str, seconds: float) -> None:
        with self.db.engine.begin() as connection:
            sendrate.hold(connection, bot, seconds)
