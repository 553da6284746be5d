"""Subscribing a chat to the daily digest, stopping it, and reading its settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefings.service.part import Part
from briefings.service.subscriptions import parse_subscribe
from briefings.storage import outbox
from briefings.storage.tables import Subscription


@dataclass(frozen=True)
class SubscriptionInfo:
    chat_id: int
    local_time: str
    timezone: str
    topics: list[str]
    active: bool
    beat: str | None = None

    @classmethod
    def of(cls, row: Subscription) -> SubscriptionInfo:
        return cls(
            chat_id=row.chat_id,
            local_time=row.local_time,
            timezone=row.timezone,
            topics=list(row.topics or []),
            active=row.active,
            beat=row.beat,
        )


class Subscriptions(Part):
    """A chat's digest subscription: ``/subscribe [HH:MM] [Area/City] [beat] [topics...]``."""

    def subscribe(self, chat_id: int, chat_type: str, args: Sequence[str]) -> SubscriptionInfo:
        request = parse_subscribe(
            args,
            default_time=self.settings.digest_time,
            default_zone=self.settings.timezone,
            topics=list(self.beats.default.labels),
            beats={b.slug: list(b.labels) for b in self.beats.all[1:]},
        )
        with self.db.transaction() as session:
            row = outbox.subscribe(
                session,
                chat_id,
                chat_type,
                local_time=request.local_time,
                timezone=request.timezone,
                topics=request.topics,
                beat=request.beat,
                now=self.clock.now(),
            )
            return SubscriptionInfo.of(row)

    def unsubscribe(self, chat_id: int) -> bool:
        with self.db.transaction() as session:
            return outbox.unsubscribe(session, chat_id)

    def subscription(self, chat_id: int) -> SubscriptionInfo | None:
        with self.db.transaction() as session:
            row = outbox.subscription_of(session, chat_id)
            return SubscriptionInfo.of(row) if row else None
