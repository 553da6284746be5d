"""The consolidated picture of each beat: loaded, brought up to date, kept warm, saved.

Each beat has one stored picture (see :mod:`briefings.storage.picture`) and the consolidator state
behind it (see :mod:`briefings.consolidate.state`). This process keeps the consolidator of the
picture version it saved last in memory; a process that has none restores the stored state, or
rebuilds it from the stored summaries when the state is missing or of other code. New articles
are merged as their batches are stored (:func:`merge`), and :func:`update_pictures` saves every
beat's picture as a new version.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from briefings import consolidate as consolidate_package
from briefings.beats import Beat, judge, load_beats, restrict
from briefings.consolidate import Consolidator
from briefings.consolidate import state as consolidator_state
from briefings.models import ArticleSummary, Consolidated
from briefings.storage import picture as pictures
from briefings.storage import reads
from briefings.storage import relevance as verdicts
from briefings.storage.db import Database
from briefings.storage.picture import pack_picture
from briefings.storage.tables import Picture, utcnow

log = logging.getLogger(__name__)

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
    articles batch by batch already, see :func:`merge`). The state
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


def merge(db: Database, beats: Sequence[Beat], summaries: Iterable[ArticleSummary]) -> None:
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


def forget(db: Database) -> None:
    """This process's consolidators of ``db`` are stale (stored texts were replaced): the next
    update restores or rebuilds them."""
    with _warm_lock:
        _warm.pop(db, None)


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
    except consolidator_state.StateError as e:
        log.info(
            "picture %s: the stored state is not read (%s); it is rebuilt from the stored summaries",
            row.beat,
            e,
        )
        return None
