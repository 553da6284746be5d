"""Polling sources as a good citizen: what the loader remembers between polls (validators, entries
read), how each poll is recorded (health, backoff), which sources are due, and their health."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from briefings.ingest.feed import FeedEntry
from briefings.ingest.fetch import Validators
from briefings.ingest.sources import Known, Polled
from briefings.storage import polling as store
from briefings.storage.db import Database
from briefings.storage.tables import utcnow

#: a source's next poll this close ahead counts as due (the schedule's runs drift by seconds)
DUE_SLACK = dt.timedelta(seconds=60)
#: a source failing this long is reported to the admins, once per failing spell
ALERT_AFTER = dt.timedelta(days=1)


class DbMemory:
    """The loader's :class:`~briefings.ingest.sources.Memory` over the database (thread-safe: each
    question is one short transaction of its own)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def validators(self, url: str) -> Validators | None:
        with self.db.transaction() as session:
            row = store.source_row(session, url)
            if row is None or (row.etag is None and row.last_modified is None):
                return None
            return Validators(row.etag, row.last_modified)

    def known(self, entries: Sequence[FeedEntry]) -> list[Known | None]:
        guids = [e.guid for e in entries if e.guid]
        links = [e.link for e in entries if e.link]
        if not guids and not links:
            return [None] * len(entries)
        with self.db.transaction() as session:
            by_guid, by_link = store.known_entries(session, guids, links)
        out: list[Known | None] = []
        for entry in entries:
            found = (by_guid.get(entry.guid) if entry.guid else None) or (
                by_link.get(entry.link) if entry.link else None
            )
            out.append(Known(found.article_id, found.stamp) if found is not None else None)
        return out


@dataclass(frozen=True)
class Schedule:
    """How often sources are polled and how far a failing one backs off."""

    interval: dt.timedelta = dt.timedelta(minutes=30)
    backoff_cap: dt.timedelta = dt.timedelta(hours=6)
    now: Callable[[], dt.datetime] = utcnow


def record(db: Database, polled: Polled, schedule: Schedule) -> None:
    """Store how one URL's poll went."""
    validators = polled.validators
    result = store.PollResult(
        url=polled.url,
        etag=validators.etag if validators else None,
        last_modified=validators.last_modified if validators else None,
        error=polled.error,
        retry_after=polled.retry_after,
    )
    with db.transaction() as session:
        store.record_poll(
            session, result, schedule.now(), interval=schedule.interval, cap=schedule.backoff_cap
        )


def due(db: Database, urls: Sequence[str], now: dt.datetime) -> tuple[list[str], list[str]]:
    """(due, waiting): the URLs to poll now, and those backing off or held by a Retry-After."""
    with db.transaction() as session:
        rows = store.source_rows(session, urls)
    ready: list[str] = []
    waiting: list[str] = []
    for url in urls:
        row = rows.get(url)
        at = store.aware(row.next_poll_at) if row is not None else None
        failing = row is not None and row.failures > 0
        (waiting if failing and at is not None and at > now + DUE_SLACK else ready).append(url)
    return ready, waiting


class SourceHealth(BaseModel):
    """One polled source as ``briefings sources`` and ``/sources`` show it."""

    url: str
    configured: bool  # one of BRIEFINGS_SOURCES
    last_success: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    failing_since: dt.datetime | None
    failures: int
    entries_seen: int
    next_poll: dt.datetime | None
    etag: str | None
    last_modified: str | None


def health(db: Database, configured: Sequence[str] = ()) -> list[SourceHealth]:
    """Every polled source, the configured ones first (in their order), then the others by URL;
    a configured URL not polled yet is listed with nothing known."""
    with db.transaction() as session:
        rows = store.all_sources(session)
        seen = store.entries_seen(session)
    by_url = {r.url: r for r in rows}
    order = [u for u in dict.fromkeys(configured) if "://" in u] + [
        r.url for r in rows if r.url not in configured
    ]
    out: list[SourceHealth] = []
    for url in order:
        row = by_url.get(url)
        out.append(
            SourceHealth(
                url=url,
                configured=url in configured,
                last_success=store.aware(row.last_success_at) if row else None,
                last_error=row.last_error if row else None,
                last_error_at=store.aware(row.last_error_at) if row else None,
                failing_since=store.aware(row.failing_since) if row else None,
                failures=row.failures if row else 0,
                entries_seen=seen.get(row.id, 0) if row else 0,
                next_poll=store.aware(row.next_poll_at) if row else None,
                etag=row.etag if row else None,
                last_modified=row.last_modified if row else None,
            )
        )
    return out


def alerts(db: Database, now: dt.datetime, after: dt.timedelta = ALERT_AFTER) -> list[SourceHealth]:
    """The sources that have been failing for ``after`` and were not reported yet; each is
    reported once per failing spell (marked here)."""
    with db.transaction() as session:
        rows = store.due_alerts(session, now, after)
        return [
            SourceHealth(
                url=r.url,
                configured=True,
                last_success=store.aware(r.last_success_at),
                last_error=r.last_error,
                last_error_at=store.aware(r.last_error_at),
                failing_since=store.aware(r.failing_since),
                failures=r.failures,
                entries_seen=0,
                next_poll=store.aware(r.next_poll_at),
                etag=r.etag,
                last_modified=r.last_modified,
            )
            for r in rows
        ]
