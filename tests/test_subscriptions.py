"""Digest subscriptions and the outbox: parsing, planning by local time (DST included), claiming once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from briefings.errors import ClaimLost, InvalidRequest
from briefings.service import subscriptions as subs
from briefings.storage import outbox
from briefings.storage.db import Database
from briefings.storage.tables import Delivery

TOPICS = ["rare-earths", "flights", "visas"]


def parse(*args: str) -> subs.SubscribeRequest:
    return subs.parse_subscribe(list(args), default_time="08:00", default_zone="UTC", topics=TOPICS)


def test_parse_defaults_and_any_order() -> None:
    assert parse() == subs.SubscribeRequest("08:00", "UTC", [])
    assert parse("7:30", "Asia/Kolkata", "flights", "VISAS") == subs.SubscribeRequest(
        "07:30", "Asia/Kolkata", ["flights", "visas"]
    )
    assert parse("Europe/Berlin", "rare-earths", "21:05").local_time == "21:05"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["25:00"], "'25:00' is not a time of day"),
        (["8am"], "'8am' is not a time of day"),
        (["Asia/Atlantis"], "unknown time zone 'Asia/Atlantis'"),
        (["weather"], "unknown topic 'weather'"),
        (["x" * 100], "too long"),
    ],
)
def test_parse_errors_say_what_to_fix(args: list[str], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message.replace("(", r"\(")):
        parse(*args)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def subscribe(
    db: Database, chat: int, local_time: str, zone: str, created: str = "2025-01-01T00:00:00+00:00"
) -> None:
    with db.transaction() as s:
        outbox.subscribe(
            s, chat, "private", local_time=local_time, timezone=zone, topics=[], beat=None, now=at(created)
        )


def planned(db: Database) -> list[tuple[int, dt.date]]:
    with db.transaction() as s:
        return sorted((d.chat_id, d.digest_date) for d in s.scalars(select(Delivery)))


def test_digest_is_due_at_local_time_once(db: Database) -> None:
    subscribe(db, 1, "08:00", "Asia/Kolkata")
    subscribe(db, 2, "08:00", "America/New_York", created="2025-06-13T00:00:00+00:00")
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-06-13T02:29:00+00:00")) == 0  # 07:59 in Kolkata
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-06-13T02:30:00+00:00")) == 1  # 08:00 in Kolkata
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-06-13T03:30:00+00:00")) == 0  # once per local day
    assert planned(db) == [(1, dt.date(2025, 6, 13))]
    with db.transaction() as s:  # 08:00 EDT is 12:00 UTC
        assert outbox.plan_due_digests(s, at("2025-06-13T12:00:00+00:00")) == 1


def test_daylight_saving_is_followed(db: Database) -> None:
    subscribe(db, 7, "08:00", "Europe/Berlin")
    # winter: 08:00 CET = 07:00 UTC; summer: 08:00 CEST = 06:00 UTC (DST began 2025-03-30)
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-03-29T06:30:00+00:00")) == 0
        assert outbox.plan_due_digests(s, at("2025-03-29T07:00:00+00:00")) == 1
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-03-30T06:00:00+00:00")) == 1
    assert planned(db)[-1] == (7, dt.date(2025, 3, 30))


def test_a_new_subscriber_starts_tomorrow_when_today_has_passed(db: Database) -> None:
    subscribe(db, 3, "08:00", "UTC", created="2025-06-13T09:00:00+00:00")
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-06-13T09:01:00+00:00")) == 0
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, at("2025-06-14T08:00:00+00:00")) == 1


def test_missed_digest_is_sent_once_when_back(db: Database) -> None:
    subscribe(db, 4, "08:00", "UTC")
    with db.transaction() as s:  # the bot was down from 07:00 to 11:00
        assert outbox.plan_due_digests(s, at("2025-06-13T11:00:00+00:00")) == 1
        assert outbox.plan_due_digests(s, at("2025-06-13T11:01:00+00:00")) == 0


def test_claim_gives_each_row_to_one_sender_and_stale_claims_return(db: Database) -> None:
    for chat in range(10, 20):
        subscribe(db, chat, "08:00", "UTC")
    now = at("2025-06-13T08:00:00+00:00")
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, now) == 10
    with db.transaction() as s:
        first = [d.id for d in outbox.claim(s, now, 6)]
    with db.transaction() as s:
        second = [d.id for d in outbox.claim(s, now, 6)]
    assert len(first) == 6 and len(second) == 4 and not set(first) & set(second)
    with db.transaction() as s:
        assert outbox.claim(s, now, 6) == []
        outbox.mark_sent(s, first[0], now)
    later = now + outbox.LEASE + dt.timedelta(seconds=1)
    with db.transaction() as s:  # the other claims were never finished: a crashed sender
        again = [d.id for d in outbox.claim(s, later, 100)]
    assert sorted(again) == sorted(first[1:] + second)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "sent")) == 1


def test_failed_403_deactivates_the_chat(db: Database) -> None:
    subscribe(db, 30, "08:00", "UTC")
    now = at("2025-06-13T08:00:00+00:00")
    with db.transaction() as s:
        outbox.plan_due_digests(s, now)
        row = outbox.claim(s, now, 1)[0]
        outbox.mark_failed(s, row.id, "403 Forbidden: bot was blocked by the user", deactivate=True)
    with db.transaction() as s:
        sub = outbox.subscription_of(s, 30)
        assert sub is not None and not sub.active
        assert outbox.plan_due_digests(s, now + dt.timedelta(days=1)) == 0


def test_digest_moments_are_shown_in_the_subscribers_zone() -> None:
    from briefings.models import Consolidated
    from briefings.views import build_digest

    since = at("2025-06-12T02:30:00+00:00")
    until = at("2025-06-13T02:30:00+00:00")
    from zoneinfo import ZoneInfo

    digest = build_digest(Consolidated(), {}, {}, [], since=since, until=until, zone=ZoneInfo("Asia/Kolkata"))
    assert (digest.since, digest.until) == ("2025-06-12 08:00 IST", "2025-06-13 08:00 IST")
    utc = build_digest(Consolidated(), {}, {}, [], since=since, until=until)
    assert utc.until == "2025-06-13 02:30 UTC"


def test_a_sender_whose_claim_was_taken_again_is_fenced_off(db: Database) -> None:
    """A sender that outlived its lease (a long pause, a slow network) cannot record parts or
    finish a delivery that another sender has taken since: the claim's number is a fence."""
    subscribe(db, 40, "08:00", "UTC")
    now = at("2025-06-13T08:00:00+00:00")
    with db.transaction() as s:
        outbox.plan_due_digests(s, now)
        slow = outbox.claim(s, now, 1)[0]
        outbox.record_parts(s, slow.id, 1, now, slow.attempt)
    later = now + outbox.LEASE + dt.timedelta(seconds=1)
    with db.transaction() as s:
        fresh = outbox.claim(s, later, 1)[0]
    assert (fresh.id, fresh.parts_sent, fresh.attempt) == (slow.id, 1, slow.attempt + 1)
    with db.transaction() as s, pytest.raises(ClaimLost):
        outbox.record_parts(s, slow.id, 2, later, slow.attempt)
    with db.transaction() as s:
        assert not outbox.mark_sent(s, slow.id, later, slow.attempt)
        assert not outbox.mark_retry(s, slow.id, later, "timeout", slow.attempt)
        assert not outbox.mark_failed(s, slow.id, "403", deactivate=True, attempt=slow.attempt)
        outbox.record_parts(s, fresh.id, 2, later, fresh.attempt)  # renews the lease
        assert outbox.mark_sent(s, fresh.id, later, fresh.attempt)
    with db.transaction() as s:
        row = s.get(Delivery, slow.id)
        assert row is not None and (row.status, row.parts_sent) == ("sent", 2)
        sub = outbox.subscription_of(s, 40)
        assert sub is not None and sub.active


def test_recording_a_part_renews_the_lease(db: Database) -> None:
    subscribe(db, 41, "08:00", "UTC")
    now = at("2025-06-13T08:00:00+00:00")
    with db.transaction() as s:
        outbox.plan_due_digests(s, now)
        row = outbox.claim(s, now, 1)[0]
    busy = now + outbox.LEASE - dt.timedelta(seconds=5)
    with db.transaction() as s:
        outbox.record_parts(s, row.id, 1, busy, row.attempt)
    with db.transaction() as s:  # past the first claim's lease, not past the renewed one
        assert outbox.claim(s, now + outbox.LEASE + dt.timedelta(seconds=1), 1) == []


def test_planning_twice_at_once_inserts_each_delivery_once(db: Database) -> None:
    """Two processes planning the same minute may both find a subscription not yet planned; the
    second insert then skips the row the first made (ON CONFLICT DO NOTHING), in bulk."""
    for chat in range(50, 60):
        subscribe(db, chat, "08:00", "UTC")
    now = at("2025-06-13T08:00:00+00:00")
    with db.transaction() as s:
        assert outbox.plan_due_digests(s, now) == 10
        rows = [
            {
                "subscription_id": d.subscription_id,
                "chat_id": d.chat_id,
                "kind": "digest",
                "digest_date": d.digest_date,
                "due_at": d.due_at,
                "status": "pending",
                "attempts": 0,
                "parts_sent": 0,
                "created_at": now,
            }
            for d in s.scalars(select(Delivery))
        ]
    with db.transaction() as s:  # what the other process found, a moment too late
        assert outbox._insert_new(s, rows) == 0
    assert len(planned(db)) == 10
