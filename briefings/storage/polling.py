"""Stored polling: each polled URL's validators and health, the feed entries read, and the earlier
versions of stories their sources corrected. The caller owns the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from briefings.models import CleanArticle
from briefings.storage.repository import SOURCE_MAX, outlet_named, replace_facts
from briefings.storage.tables import Article, ArticleSource, ArticleVersion, Fact, PolledSource, SeenEntry


def _key(value: str | None) -> str | None:
    """A GUID or link as stored (cut to the column), or None when no database can store it (NUL)."""
    if not value or "\x00" in value:
        return None
    return value[:SOURCE_MAX]


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC time (SQLite gives them back naive)."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def source_row(session: Session, url: str, *, create: bool = False) -> PolledSource | None:
    row = session.scalar(select(PolledSource).where(PolledSource.url == url[:SOURCE_MAX]))
    if row is None and create:
        row = PolledSource(url=url[:SOURCE_MAX], failures=0)
        session.add(row)
        session.flush()
    return row


def source_rows(session: Session, urls: Iterable[str]) -> dict[str, PolledSource]:
    wanted = sorted({u[:SOURCE_MAX] for u in urls})
    out: dict[str, PolledSource] = {}
    for i in range(0, len(wanted), 500):
        out.update(
            (row.url, row)
            for row in session.scalars(select(PolledSource).where(PolledSource.url.in_(wanted[i : i + 500])))
        )
    return out


@dataclass(frozen=True)
class PollResult:
    """How one poll of a URL went (see ``ingest.sources.Polled``)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None


def record_poll(
    session: Session, result: PollResult, now: dt.datetime, *, interval: dt.timedelta, cap: dt.timedelta
) -> PolledSource:
    """Store a poll: validators and success, or the error with the next poll backed off
    (``interval`` × 2^(failures in a row − 1), at most ``cap``, and no sooner than a Retry-After)."""
    row = source_row(session, result.url, create=True)
    assert row is not None
    row.last_polled_at = now
    if result.error is None:
        row.failures = 0
        row.failing_since = None
        row.alerted_at = None
        row.last_success_at = now
        if result.etag is not None or result.last_modified is not None:
            row.etag, row.last_modified = result.etag, result.last_modified
        row.next_poll_at = now + interval
        return row
    row.failures = (row.failures or 0) + 1
    row.last_error = result.error[:500]
    row.last_error_at = now
    row.failing_since = aware(row.failing_since) or now
    delay = backoff(row.failures, interval, cap)
    if result.retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=result.retry_after))
    row.next_poll_at = now + delay
    return row


def backoff(failures: int, interval: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    """The wait before the next poll after ``failures`` failed polls in a row."""
    if failures <= 0:
        return interval
    grown: dt.timedelta = interval * (2 ** min(failures - 1, 16))
    return min(grown, max(cap, interval))


@dataclass(frozen=True)
class Remembered:
    article_id: int | None
    stamp: dt.datetime | None


def known_entries(
    session: Session, guids: Sequence[str], links: Sequence[str]
) -> tuple[dict[str, Remembered], dict[str, Remembered]]:
    """What is remembered of entries with these GUIDs and links: (by GUID, by link). A link that is
    only an article's source (stored before entries were remembered) counts, with no date."""
    by_guid: dict[str, Remembered] = {}
    by_link: dict[str, Remembered] = {}
    guids = sorted({k for k in map(_key, guids) if k})
    links = sorted({k for k in map(_key, links) if k})

    def keep(table: dict[str, Remembered], key: str, found: Remembered) -> None:
        had = table.get(key)
        if had is None or (found.stamp is not None and (had.stamp is None or found.stamp > had.stamp)):
            table[key] = found

    for i in range(0, max(len(guids), len(links)), 250):
        g, li = guids[i : i + 250], links[i : i + 250]
        rows = session.execute(
            select(SeenEntry.guid, SeenEntry.link, SeenEntry.article_id, SeenEntry.stamp).where(
                or_(SeenEntry.guid.in_(g), SeenEntry.link.in_(li))
            )
        )
        for guid, link, article_id, stamp in rows:
            found = Remembered(article_id, aware(stamp))
            if guid is not None and guid in g:
                keep(by_guid, guid, found)
            if link is not None and link in li:
                keep(by_link, link, found)
        for article_id, source in session.execute(
            select(ArticleSource.article_id, ArticleSource.source).where(ArticleSource.source.in_(li))
        ):
            by_link.setdefault(source, Remembered(article_id, None))
    return by_guid, by_link


@dataclass(frozen=True)
class EntrySeen:
    feed: str
    guid: str | None
    link: str | None
    stamp: dt.datetime | None
    article_id: int | None


def remember_entries(session: Session, entries: Sequence[EntrySeen], now: dt.datetime) -> None:
    """Remember feed entries as read (one row per feed and entry; its date and article updated)."""
    if not entries:
        return
    sources = source_rows(session, {e.feed for e in entries})
    for feed in {e.feed[:SOURCE_MAX] for e in entries} - set(sources):
        made = source_row(session, feed, create=True)
        assert made is not None
        sources[made.url] = made
    for entry in entries:
        source = sources[entry.feed[:SOURCE_MAX]]
        guid, link = _key(entry.guid), _key(entry.link)
        if guid is None and link is None:
            continue
        key = SeenEntry.guid == guid if guid else SeenEntry.link == link
        row = session.scalar(select(SeenEntry).where(SeenEntry.source_id == source.id, key).limit(1))
        if row is None:
            row = SeenEntry(source_id=source.id, guid=guid, link=link)
            session.add(row)
        row.link = link or row.link
        row.stamp = entry.stamp or row.stamp
        row.article_id = entry.article_id if entry.article_id is not None else row.article_id
        row.seen_at = now
    session.flush()


def all_sources(session: Session) -> list[PolledSource]:
    """Every polled source, by URL."""
    return list(session.scalars(select(PolledSource).order_by(PolledSource.url)))


def entries_seen(session: Session) -> dict[int, int]:
    """Entries remembered per polled source id."""
    rows = session.execute(select(SeenEntry.source_id, func.count()).group_by(SeenEntry.source_id))
    return {source_id: int(n) for source_id, n in rows}


def replace_article(
    session: Session,
    article_id: int,
    article: CleanArticle,
    digest: str,
    reference_date: dt.date | None,
    facts: Iterable[Fact],
    *,
    version: str,
    now: dt.datetime,
) -> Article | None:
    """Store a corrected text of a stored story: its current text becomes an earlier version, the
    article takes the new text and facts. None when the article is gone."""
    row = session.get(Article, article_id)
    if row is None:
        return None
    earlier = session.scalar(
        select(func.count()).select_from(ArticleVersion).where(ArticleVersion.article_id == article_id)
    )
    session.add(
        ArticleVersion(
            article_id=row.id,
            version=int(earlier or 0) + 1,
            title=row.title,
            text=row.text,
            content_hash=row.content_hash,
            published=row.published,
            replaced_at=now,
        )
    )
    row.title = article.title[:500]
    row.text = article.text
    row.content_hash = digest
    row.word_count = len(article.text.split())
    row.published = article.published or row.published
    row.reference_date = reference_date or row.reference_date
    if article.outlet:
        row.outlet = outlet_named(session, article.outlet[:200])
    session.flush()
    replace_facts(session, row, facts, version=version)
    session.flush()
    return row


def versions(session: Session, ids: Sequence[int] | None = None) -> dict[int, list[ArticleVersion]]:
    """The earlier versions of these articles (default: all), oldest first."""
    query = select(ArticleVersion).order_by(ArticleVersion.article_id, ArticleVersion.version)
    out: dict[int, list[ArticleVersion]] = {}
    chunks: list[Sequence[int] | None] = (
        [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    )
    for chunk in chunks:
        q = query if chunk is None else query.where(ArticleVersion.article_id.in_(chunk))
        for row in session.scalars(q):
            out.setdefault(row.article_id, []).append(row)
    return out


def due_alerts(session: Session, now: dt.datetime, after: dt.timedelta) -> list[PolledSource]:
    """Sources failing for at least ``after`` and not reported yet in this failing spell; marked
    reported now (the caller's transaction commits that with the report)."""
    rows = list(
        session.scalars(
            select(PolledSource)
            .where(
                PolledSource.failing_since.is_not(None),
                PolledSource.failing_since <= now - after,
                PolledSource.alerted_at.is_(None),
            )
            .order_by(PolledSource.url)
        )
    )
    for row in rows:
        row.alerted_at = now
    session.flush()
    return rows
