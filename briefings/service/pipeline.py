"""The pipeline on ingest: read → extract new articles → store them with their facts → update the picture.

Each batch of new articles is stored with its facts in one transaction, so an article is never
stored without its summary, and merged into this process's consolidators (see
:mod:`briefings.service.picture`). After the batches each beat's picture is brought up to date
and saved under a new version (:func:`update_pictures`).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from briefings.beats import Beat, judge, load_beats
from briefings.ingest.fetch import FetchPolicy
from briefings.ingest.sources import EntryRef, Loaded, Polled, Rejected, SourceLoader
from briefings.models import ArticleSummary, CleanArticle
from briefings.service.ingest import IngestReport, expand_inputs
from briefings.service.picture import (  # the picture's names stay importable from here
    STATE_VERSION,
    PictureStatus,
    _restore,
    forget,
    picture_status,
    pictures_behind,
    update_picture,
    update_pictures,
)
from briefings.service.picture import merge as _merge
from briefings.service.polling import DbMemory, Schedule, record
from briefings.storage import picture as pictures
from briefings.storage import polling as polled_store
from briefings.storage import relevance as verdicts
from briefings.storage import repository as repo
from briefings.storage.db import Database
from briefings.storage.facts import article_summary, summary_facts
from briefings.storage.tables import Article

BATCH = 64
EXTRACTOR_VERSION = "1"


class Pending(Protocol):
    def get(self) -> list[ArticleSummary]: ...


class Workers(Protocol):
    """Extraction in the background: a batch is submitted, then collected (see ``extract.Workers``)."""

    def __enter__(self) -> Workers: ...

    def __exit__(self, *exc: object) -> None: ...

    def submit(self, items: list[tuple[str, CleanArticle]]) -> Pending: ...


class ExtractorLike(Protocol):
    def workers(self, n_process: int = 1) -> Workers: ...


AHEAD = 2  # batches handed to the extraction workers before the oldest is stored


def ingest_articles(
    db: Database,
    inputs: list[str],
    policy: FetchPolicy,
    extractor: ExtractorLike,
    *,
    n_process: int = 1,
    beats: Sequence[Beat] = (),
    on_total: Callable[[int], None] | None = None,
    on_source: Callable[[str], None] | None = None,
    schedule: Schedule | None = None,
) -> IngestReport:
    """Ingest inputs, extracting each new article and storing it with its facts; then update the picture.

    Batches overlap: while the workers extract the next ``AHEAD`` batches, this process reads
    sources and stores and merges the oldest batch, so neither waits for the other.

    Each new article's relevance to every beat (default: the bundled one) is stored with it; the
    pictures of the beats are then brought up to date, also when nothing new arrived but one is
    behind the stored articles (a run that failed after its commit, a beat file that changed).

    URLs are polled as a good citizen: read at once across hosts within each host's limits,
    fetched conditionally, a feed's entries read before skipped unless the feed dates them later
    (then a changed text replaces its story's, the old one kept as a version); how each URL went
    is recorded by ``schedule`` (its health, and its next poll, backed off after failures).
    """
    beats = list(beats) or load_beats([])
    schedule = schedule or Schedule()
    report = IngestReport()
    queue: deque[_Batch] = deque()
    in_flight: set[str] = set()  # content hashes submitted for extraction and not yet stored
    with SourceLoader(policy, DbMemory(db)) as loader, extractor.workers(n_process) as workers:
        sources, report.rejected = expand_inputs(loader, inputs)
        if on_total is not None:
            on_total(len(sources))
        batch: list[Loaded] = []
        rejected: dict[str, list[Rejected]] = {}  # by source: reported in the order of the inputs
        for source, items in loader.load_all(sources):
            empty: list[polled_store.EntrySeen] = []  # entries read that hold no article
            for item in items:
                if isinstance(item, Rejected):
                    rejected.setdefault(source, []).append(item)
                    if item.entry is not None:
                        empty.append(_seen(item.entry, None))
                else:
                    batch.append(item)
            polled = loader.polled.get(source)
            if polled is not None:
                _record(db, polled, items, empty, schedule, report)
            if len(batch) >= BATCH:
                queue.append(_submit(db, batch, workers, in_flight, report, schedule))
                batch = []
                if len(queue) > AHEAD:
                    _store(db, beats, queue.popleft(), workers, in_flight, report, schedule)
            if on_source is not None:
                on_source(source)
        report.rejected += [r for source in sources for r in rejected.pop(source, [])]
        if batch:
            queue.append(_submit(db, batch, workers, in_flight, report, schedule))
        while queue:
            _store(db, beats, queue.popleft(), workers, in_flight, report, schedule)
    behind = beats if report.ingested or report.updated else pictures_behind(db, beats)
    if behind:
        update_pictures(db, behind)
    return report


def _seen(entry: EntryRef, article_id: int | None) -> polled_store.EntrySeen:
    return polled_store.EntrySeen(entry.feed, entry.guid, entry.link, entry.stamp, article_id)


def _record(
    db: Database,
    polled: Polled,
    items: list[Loaded | Rejected],
    empty: list[polled_store.EntrySeen],
    schedule: Schedule,
    report: IngestReport,
) -> None:
    """Record how a URL input's poll went, and the entries it read that hold no article."""
    if polled.error is None:
        failed = next((i for i in items if isinstance(i, Rejected) and i.source == polled.url), None)
        if failed is not None and not polled.feed:  # rejected as a whole after its fetch
            polled.error = failed.reason
    report.unchanged += polled.known
    report.not_modified += polled.not_modified
    record(db, polled, schedule)
    if empty:
        with db.transaction() as session:
            polled_store.remember_entries(session, empty, schedule.now())


@dataclass
class _Batch:
    pending: list[tuple[Loaded, str]]  # (item, content hash) of what may need writing
    extracting: list[str]  # the content hashes this batch submitted, in submission order
    summaries: Pending


def _submit(
    db: Database,
    batch: list[Loaded],
    workers: Workers,
    in_flight: set[str],
    report: IngestReport,
    schedule: Schedule,
) -> _Batch:
    """Drop what is stored already from the same place; hand the new stories to the workers.

    A story that an earlier batch still in flight is extracting is not extracted again: that
    batch is stored first, so this one finds the story stored and only adds its source.
    """
    hashes = [repo.content_hash(item.article.text) for item in batch]
    with db.transaction() as session:
        known = repo.existing_hashes(session, hashes)
        seen = repo.known_sources(session, known.values())
    fresh: dict[str, Loaded] = {}
    pending: list[tuple[Loaded, str]] = []
    remembered: list[polled_store.EntrySeen] = []
    for item, digest in zip(batch, hashes, strict=True):
        if digest in known and (known[digest], item.source[: repo.SOURCE_MAX]) in seen:
            report.unchanged += 1  # the same story from the same place: nothing to write
            if item.entry is not None:
                remembered.append(_seen(item.entry, known[digest]))
            continue
        pending.append((item, digest))
        if digest not in known and digest not in fresh and digest not in in_flight:
            fresh[digest] = item
    if remembered:
        with db.transaction() as session:
            polled_store.remember_entries(session, remembered, schedule.now())
    in_flight.update(fresh)
    summaries = workers.submit([(d, it.article) for d, it in fresh.items()])
    return _Batch(pending, list(fresh), summaries)


def _store(
    db: Database,
    beats: Sequence[Beat],
    batch: _Batch,
    workers: Workers,
    in_flight: set[str],
    report: IngestReport,
    schedule: Schedule,
) -> None:
    """Store one batch's new articles with their facts and relevance in one transaction, then merge
    them. A feed entry dated later than when it was read, whose text changed, replaces its story's
    text and facts (the old text kept as a version); every picture is then rebuilt."""
    if not batch.pending:
        return
    summaries = dict(zip(batch.extracting, batch.summaries.get(), strict=True))
    written: dict[int, ArticleSummary] = {}
    replaced: dict[int, tuple[Loaded, str, ArticleSummary]] = {}  # article id -> its newer version
    now = schedule.now()
    try:
        with db.transaction() as session:
            known = repo.existing_hashes(session, [digest for _, digest in batch.pending])
            new: dict[str, repo.NewArticle] = {}
            again: list[tuple[Loaded, str]] = []  # stored already, or earlier in this batch
            taken: set[str] = set()
            for item, digest in batch.pending:
                if digest in known or digest in taken:
                    again.append((item, digest))
                    continue
                taken.add(digest)
                summary = summaries.get(digest)
                if summary is None:  # known when submitted, gone since: extract it after all
                    summary = workers.submit([(digest, item.article)]).get()[0]
                target = item.entry.replaces if item.entry is not None and item.entry.updated else None
                if target is not None and target not in replaced:
                    replaced[target] = (item, digest, summary)
                    continue
                date = _date(summary.reference_date)
                new[digest] = repo.NewArticle(item.article, item.source, digest, date, summary_facts(summary))
            stored = repo.add_new_articles(session, list(new.values()), version=EXTRACTOR_VERSION)
            if stored is None:  # another process stored some of them meanwhile: one at a time
                added = [_add_one(session, story) for story in new.values()]
            else:
                added = [(row, True) for row in stored]
            for (row, created), story in zip(added, new.values(), strict=True):
                known[story.digest] = row.id
                if not created:
                    report.unchanged += 1
                    continue
                written[row.id] = article_summary(row, story.facts)
                report.ingested += 1
                report.article_ids.append(row.id)
            for target, (item, digest, summary) in replaced.items():
                facts = summary_facts(summary)
                date = _date(summary.reference_date)
                current = polled_store.replace_article(
                    session, target, item.article, digest, date, facts, version=EXTRACTOR_VERSION, now=now
                )
                if current is None:  # the story is gone: stored as a new one
                    row, created = _add_one(
                        session, repo.NewArticle(item.article, item.source, digest, date, facts)
                    )
                    if not created:
                        again.append((item, digest))
                        continue
                    report.ingested += 1
                else:
                    row = current
                    report.updated += 1
                    repo.add_source_to(session, row.id, item.source)
                known[digest] = row.id
                written[row.id] = article_summary(row, facts)
                report.article_ids.append(row.id)
            for item, digest in again:
                report.unchanged += 1
                if repo.add_source_to(session, known[digest], item.source):
                    report.new_sources += 1
            for beat in beats:
                verdicts.store(session, beat.slug, {i: judge(s, beat).as_json() for i, s in written.items()})
            entries = [_seen(item.entry, known.get(d)) for item, d in batch.pending if item.entry is not None]
            polled_store.remember_entries(session, entries, now)
            if replaced:
                pictures.invalidate_all(session)
    finally:
        in_flight.difference_update(batch.extracting)
    if replaced:
        forget(db)  # this process's consolidators hold the replaced texts
    if written:
        _merge(db, beats, written.values())  # committed: merged now, as they read back, and not kept


def _add_one(session: Session, story: repo.NewArticle) -> tuple[Article, bool]:
    """Store one story as :func:`repo.add_new_articles` does; (row, False) when it is stored already
    (then it only gains the source)."""
    article, created = repo.add_article(session, story.article, story.source, story.digest)
    if created:
        article.reference_date = story.reference_date
        repo.replace_facts(session, article, story.facts, version=EXTRACTOR_VERSION)
    return article, created


def _date(value: str | None) -> dt.date | None:
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


__all__ = [
    "STATE_VERSION",
    "ExtractorLike",
    "Pending",
    "PictureStatus",
    "Workers",
    "_restore",
    "ingest_articles",
    "picture_status",
    "pictures_behind",
    "update_picture",
    "update_pictures",
]
