"""The pipeline on ingest: read → extract new articles → store them with their facts → update the picture.

Each batch of new articles is stored with its facts in one transaction, so an article is never
stored without its summary. After the batches the new articles are merged into the consolidated
picture (:func:`update_picture`), which is saved under a new version.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from briefings import consolidate as consolidate_package
from briefings.beats import Beat, judge, load_beats, restrict
from briefings.consolidate import Consolidator
from briefings.consolidate import state as consolidator_state
from briefings.ingest.fetch import FetchPolicy
from briefings.ingest.sources import EntryRef, Loaded, Polled, Rejected, SourceLoader
from briefings.models import ArticleSummary, CleanArticle, Consolidated
from briefings.service.ingest import IngestReport, expand_inputs
from briefings.service.polling import DbMemory, Schedule, record
from briefings.storage import picture as pictures
from briefings.storage import polling as polled_store
from briefings.storage import reads
from briefings.storage import relevance as verdicts
from briefings.storage import repository as repo
from briefings.storage.db import Database
from briefings.storage.facts import article_summary, summary_facts
from briefings.storage.picture import pack_picture
from briefings.storage.tables import Article, Picture, utcnow

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
        with _warm_lock:
            _warm.pop(db, None)  # this process's consolidators hold the replaced texts
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


STATE_EVERY = 256  # articles merged since the stored state was saved before it is saved again


@dataclass
class _Warm:
    """The consolidator of the picture version this process saved last, kept in memory."""

    version: int
    consolidator: Consolidator
    saved: int  # how many of its articles the stored state covers


_warm: weakref.WeakKeyDictionary[Database, dict[str, _Warm]] = weakref.WeakKeyDictionary()
_warm_lock = threading.Lock()


def update_picture(db: Database, beats: Sequence[Beat] = ()) -> Consolidated:
    """Bring every beat's picture up to date (default: the bundled beat); the first beat's picture."""
    pictures = update_pictures(db, list(beats) or load_beats([]))
    return next(iter(pictures.values()))


def update_pictures(db: Database, beats: Sequence[Beat]) -> dict[str, Consolidated]:
    """Each beat's picture, brought up to date and saved as a new version (by beat slug)."""
    return {beat.slug: _update_beat(db, beat) for beat in beats}


@dataclass(frozen=True)
class PictureStatus:
    """How a beat's picture stands against the stored articles."""

    beat: str
    articles: int  # stored articles
    judged: int  # of them judged for the beat
    on_beat: int  # of them on the beat
    pictured: int | None  # articles in the stored picture (None: no picture)
    file_changed: bool  # the beat file changed since the articles were judged

    @property
    def behind(self) -> bool:
        if self.pictured is None:
            return self.articles > 0
        return self.file_changed or self.judged != self.articles or self.pictured != self.on_beat

    def describe(self) -> str:
        if self.pictured is None:
            return f"no picture yet, {self.articles} articles stored"
        text = (
            f"picture of {self.pictured} articles; {self.on_beat} of {self.articles} stored are on the beat"
        )
        if self.file_changed:
            text += "; the beat file changed since they were judged"
        elif self.judged != self.articles:
            text += f"; {self.articles - self.judged} not judged yet"
        return text


def picture_status(db: Database, beats: Sequence[Beat]) -> list[PictureStatus]:
    """Each beat's picture against the stored articles (a few counts)."""
    out: list[PictureStatus] = []
    with db.transaction() as session:
        total = reads.article_count(session)
        for beat in beats:
            row = pictures.picture_counts(session, beat.slug)
            judged, relevant = verdicts.counts(session, beat.slug)
            out.append(
                PictureStatus(
                    beat.slug,
                    total,
                    judged,
                    relevant,
                    row[0] if row is not None else None,
                    row is not None and row[1] != beat.digest,
                )
            )
    return out


def pictures_behind(db: Database, beats: Sequence[Beat]) -> list[Beat]:
    """The beats whose picture lags the stored articles: articles not judged for the beat, a beat
    file changed since they were judged, or a picture holding other than the articles on the beat
    (cheap: a few counts, run on every ingest and at the bot's start)."""
    by_slug = {b.slug: b for b in beats}
    return [by_slug[s.beat] for s in picture_status(db, beats) if s.behind]


def _judge_missing(session: Session, beat: Beat, row: Picture | None) -> bool:
    """Judge the stored articles that have no verdict for the beat (all of them when its file
    changed); True when every verdict was judged again."""
    again = row is None or row.beat_digest != beat.digest
    if again:
        verdicts.forget(session, beat.slug)
    missing = verdicts.unjudged(session, beat.slug)
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        summaries = dict(zip(chunk, reads.stored_summaries(session, chunk), strict=True))
        verdicts.store(session, beat.slug, {i: judge(s, beat).as_json() for i, s in summaries.items()})
    return again


def _update_beat(db: Database, beat: Beat) -> Consolidated:
    """Merge the on-beat articles the beat's picture lacks into it and save it as a new version.

    The consolidator behind the picture is found, in order: in this process's memory (when no
    other process has saved a picture since), in the stored state, or rebuilt from every stored
    summary. Whatever on-beat article it lacks is then read back and added, so a state saved a
    few hundred articles ago costs those articles, not all of them (an ingest has merged its own
    articles batch by batch already, see :func:`_merge`). The state
    (hundreds of megabytes at ten thousand articles) is saved again only every ``STATE_EVERY``
    articles, while the picture is saved every time.
    """
    with _warm_lock, _gc_paused(), db.transaction() as session:
        row = pictures.picture_row(session, beat.slug, lock=True)
        rejudged = _judge_missing(session, beat, row)
        warm = _current(db, beat, row)
        _warm.get(db, {}).pop(beat.slug, None)  # back only once this transaction has committed
        on_beat = verdicts.relevant_ids(session, beat.slug)
        missing = [i for i in on_beat if str(i) not in warm.consolidator]
        if rejudged or len(missing) + len(warm.consolidator) != len(
            on_beat
        ):  # it holds an article off the beat
            warm, missing = _Warm(warm.version, Consolidator(), 0), list(on_beat)
        consolidator = warm.consolidator
        for summary in reads.stored_summaries(session, missing):
            consolidator.add(restrict(summary, beat))
        picture = consolidator.result()
        if row is None:
            row = pictures.new_picture_row(session, beat.slug)
        row.version += 1
        row.articles = len(consolidator)
        row.beat_digest = beat.digest
        row.packed = pack_picture(picture)
        if warm.saved == 0 or len(consolidator) - warm.saved >= STATE_EVERY:
            row.state = _freeze(consolidator)
            warm.saved = len(consolidator)
        row.updated_at = utcnow()
        session.flush()
        warm.version = row.version
    _warm.setdefault(db, {})[beat.slug] = warm  # only once the transaction has committed
    return picture


def _current(db: Database, beat: Beat, row: Picture | None) -> _Warm:
    """This process's consolidator of ``beat`` for ``db`` when it is behind the stored picture
    ``row``, else the stored state (or a new consolidator). Call with ``_warm_lock`` held."""
    version = row.version if row is not None else 0
    warm = _warm.get(db, {}).get(beat.slug)
    if warm is None or warm.version != version:
        restored = _restore(row) if row is not None and row.beat_digest == beat.digest else None
        warm = _Warm(version, restored or Consolidator(), len(restored) if restored else 0)
    return warm


def _merge(db: Database, beats: Sequence[Beat], summaries: Iterable[ArticleSummary]) -> None:
    """Add the summaries of newly committed articles to this process's consolidator of each beat
    they are on."""
    batch = list(summaries)
    with _warm_lock, _gc_paused(), db.transaction() as session:
        for beat in beats:
            row = pictures.picture_row(session, beat.slug, lock=False)
            if row is None or row.beat_digest != beat.digest:
                continue  # the picture is built from scratch by the update
            warm = _current(db, beat, row)
            for summary in batch:
                if summary.article not in warm.consolidator and judge(summary, beat).relevant:
                    warm.consolidator.add(restrict(summary, beat))
            _warm.setdefault(db, {})[beat.slug] = warm


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Consolidation allocates millions of small objects that live on: the cyclic collector,
    which would walk them all again and again, has nothing to free there (measured: unpickling
    a 3,000-article state 2.6 s with it, 0.4 s without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _code_version() -> str:
    """A digest of the consolidation code and its data files: a state saved by other code (or
    other word lists) would restore into objects that lack what this code expects, so it is
    rebuilt instead."""
    digest = hashlib.blake2b(digest_size=16)
    folder = Path(consolidate_package.__file__).parent
    for path in sorted([*folder.glob("*.py"), *folder.glob("data/*")]):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


STATE_VERSION = _code_version()


def _freeze(consolidator: Consolidator) -> bytes | None:
    """The consolidator's state as stored (see :mod:`briefings.consolidate.state`), or None when
    it cannot be written (then it is rebuilt next time)."""
    try:
        return consolidator_state.dump(consolidator, STATE_VERSION)
    except (TypeError, ValueError, OverflowError):
        return None


def _restore(row: Picture | None) -> Consolidator | None:
    """The stored consolidator, or None when there is none, or other code or another format
    stored it, or the bytes are not a state at all (then it is rebuilt from the stored summaries).
    The state is plain data read as such: whatever the bytes, nothing in them is run."""
    if row is None or row.state is None:
        return None
    try:
        return consolidator_state.load(row.state, STATE_VERSION)
    except consolidator_state.StateError:
        return None
