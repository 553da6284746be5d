"""The audience of bench_fanout (chats over 30 time zones, all due at once, some that refuse the
bot), the faults injected into its fan-out, and the audit of what each chat received."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from briefings.storage.db import Database
from briefings.storage.outbox import LEASE
from briefings.storage.tables import Delivery, Subscription
from testing.botapi import BotApiServer, CallRecord, Fault

#: the moment everyone is due (each subscriber's local time has come by then in their zone)
DUE = dt.datetime(2025, 6, 13, 12, 0, tzinfo=dt.UTC)
SUBSCRIBED = DUE - dt.timedelta(days=2)
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Helsinki",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Asia/Tehran",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Yangon",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Caracas",
    "America/Sao_Paulo",
    "America/St_Johns",
]
PRIVATE_BASE = 500_000_000
GROUP_BASE = -1_002_000_000_000


@dataclasses.dataclass(frozen=True)
class Chat:
    chat_id: int
    chat_type: str  # private, supergroup
    zone: str
    local_time: str
    topics: tuple[str, ...]
    fate: str  # ok; blocked, deactivated, kicked (403); not_started (400 chat not found)

    @property
    def deliverable(self) -> bool:
        return self.fate == "ok"


def population(subscribers: int, groups: int, topics: Sequence[str], seed: int) -> list[Chat]:
    """The audience, the same for the same seed: everyone due at :data:`DUE` in their own zone."""
    rng = random.Random(seed)
    chats: list[Chat] = []
    for i in range(subscribers + groups):
        private = i < subscribers
        zone = ZONES[i % len(ZONES)] if rng.random() < 0.7 else rng.choice(ZONES)
        local = DUE.astimezone(ZoneInfo(zone))
        minutes_today = local.hour * 60 + local.minute
        at = minutes_today - rng.randint(0, min(90, minutes_today))  # due within the last 90 min
        chosen = tuple(sorted(rng.sample(list(topics), rng.randint(1, 2)))) if rng.random() < 0.25 else ()
        roll = rng.random()
        if private:
            fate = (
                "blocked"
                if roll < 0.010
                else "deactivated"
                if roll < 0.013
                else "not_started"
                if roll < 0.015
                else "ok"
            )
        else:
            fate = "kicked" if roll < 0.04 else "ok"
        chats.append(
            Chat(
                chat_id=PRIVATE_BASE + i if private else GROUP_BASE - (i - subscribers),
                chat_type="private" if private else "supergroup",
                zone=zone,
                local_time=f"{at // 60:02d}:{at % 60:02d}",
                topics=chosen,
                fate=fate,
            )
        )
    return chats


def store_subscriptions(db: Database, chats: Sequence[Chat]) -> None:
    rows = [
        {
            "chat_id": c.chat_id,
            "chat_type": c.chat_type,
            "local_time": c.local_time,
            "timezone": c.zone,
            "topics": list(c.topics),
            "active": True,
            "created_at": SUBSCRIBED,
            "updated_at": SUBSCRIBED,
        }
        for c in chats
    ]
    with db.transaction() as session:
        for start in range(0, len(rows), 2000):
            session.execute(insert(Subscription), rows[start : start + 2000])


def open_chats(server: BotApiServer, chats: Sequence[Chat]) -> None:
    """The chats as Telegram knows them (runs on the server's loop)."""
    for c in chats:
        if c.chat_type != "private":
            server.add_group(
                c.chat_id, f"Group {c.chat_id}", bot_status="kicked" if c.fate == "kicked" else "member"
            )
        elif c.fate == "not_started":
            server.add_user(c.chat_id)
        else:
            server.add_user(c.chat_id, started=True)
            if c.fate == "blocked":
                server.user_blocks_bot(c.chat_id, notify=False)
            elif c.fate == "deactivated":
                server.deactivate_user(c.chat_id)


def inject_faults(server: BotApiServer, messages: int) -> list[Fault]:
    """Faults spread over the fan-out (seeded by the server): about one 429 per thousand messages,
    one 5xx per two hundred, one request in two thousand never answered."""

    def spread(times: int) -> float:
        return min(1.0, 1.5 * times / max(1, messages))

    rules = [
        ("too_many_requests", max(1, messages // 2000), {"retry_after": 1}),
        ("too_many_requests", max(1, messages // 2000), {"retry_after": 2}),
        ("internal_error", max(2, messages // 250), {}),
        ("bad_gateway", max(1, messages // 500), {}),
        ("hang", max(1, messages // 2000), {"hang_seconds": 3600.0}),  # never answered
    ]
    return [
        server.inject(kind, method="sendMessage", times=times, probability=spread(times), **extra)  # type: ignore[arg-type]
        for kind, times, extra in rules
    ]


def statuses(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {
            s: n for s, n in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        }


def unfinished_after(db: Database) -> dt.datetime | None:
    """When the deliveries not yet sent or failed can be taken (a claim's lease over, a retry due)."""
    with db.transaction() as session:
        rows = session.execute(
            select(Delivery.status, Delivery.due_at, Delivery.claimed_at).where(
                Delivery.status.in_(["pending", "sending"])
            )
        ).all()
    moments = []
    for status, due_at, claimed_at in rows:
        if status == "sending" and claimed_at is not None:
            moments.append(_aware(claimed_at) + LEASE)
        moments.append(_aware(due_at))
    return max(moments) if moments else None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclasses.dataclass
class Audit:
    deliverable: int = 0
    complete: int = 0
    lost: list[int] = dataclasses.field(default_factory=list)
    duplicated: list[int] = dataclasses.field(default_factory=list)
    damaged: list[int] = dataclasses.field(default_factory=list)
    to_403: int = 0
    got_403_and_delivered: list[int] = dataclasses.field(default_factory=list)
    not_deactivated: list[int] = dataclasses.field(default_factory=list)
    extra_parts: int = 0


def audit(
    chats: Sequence[Chat], expected: dict[int, list[str]], received: dict[int, list[str]], db: Database
) -> Audit:
    result = Audit()
    with db.transaction() as session:
        active = {chat: on for chat, on in session.execute(select(Subscription.chat_id, Subscription.active))}
    for c in chats:
        got = received.get(c.chat_id, [])
        if not c.deliverable:
            result.to_403 += 1
            if got:
                result.got_403_and_delivered.append(c.chat_id)
            if active.get(c.chat_id, True):
                result.not_deactivated.append(c.chat_id)
            continue
        result.deliverable += 1
        want = expected[c.chat_id]
        headers = sum(1 for m in got if m.startswith("Digest"))
        if len(got) < len(want):
            result.lost.append(c.chat_id)
        if headers > 1 or len(got) > len(want):
            result.duplicated.append(c.chat_id)
            result.extra_parts += max(0, len(got) - len(want))
        if len(got) == len(want) and headers == 1:
            if [body(m) for m in got] == [body(m) for m in want]:
                result.complete += 1
            else:
                result.damaged.append(c.chat_id)
    return result


def slot_use(calls: Sequence[CallRecord], first: float, last: float, slots: float) -> str:
    """The sendMessage requests that arrived from ``first`` to ``last`` by outcome, and the slots
    of that span no request used, as shares of the ``slots`` of the span."""
    outcomes = Counter(_slot(c) for c in calls if first <= c.at <= last)
    idle = slots - sum(outcomes.values())
    parts = [f"{what} {n} ({100 * n / slots:.2f}%)" for what, n in outcomes.most_common()]
    # below zero: the few requests the pacer lets leave back to back when it is behind (SLACK)
    return ", ".join([*parts, f"no request {idle:.0f} ({100 * idle / slots:.2f}%)"])


def _slot(call: CallRecord) -> str:
    kinds = {"too_many_requests": "injected 429", "hang": "never answered", "drop": "dropped"}
    if call.fault in ("internal_error", "bad_gateway"):
        return "5xx"
    if call.fault is not None:
        return kinds.get(call.fault, call.fault)
    return {200: "delivered", 403: "403", 400: "400", 429: "genuine 429"}.get(call.status or 0, "other")


def outcome_of(call: CallRecord) -> str:
    return f"{call.status}" + (f" ({call.fault})" if call.fault else "")


MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def body(message: str) -> str:
    """A message without the moments in it (a digest names the minute it was built, and the
    minute it starts from when there is nothing new)."""
    return MOMENT.sub("<moment>", message)
