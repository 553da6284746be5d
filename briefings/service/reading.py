"""What a reader asks for: the brief and its screens, a person, the timeline, the digest of what
changed, the beats and their topics, the outlets and the statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from briefings import render
from briefings.beats import restrict
from briefings.errors import InvalidRequest
from briefings.service.briefs import Reader, Snapshot
from briefings.service.catalog import shown
from briefings.service.part import Ground, Part
from briefings.storage import outbox, reads, relevance
from briefings.views import Brief, Digest, WhoResult

#: a /who query longer than this is cut (no name is that long)
MAX_QUERY = 200


@dataclass(frozen=True)
class Stats:
    articles: int
    officials: int
    subscribers: int
    sent: int
    failed: int
    pending: int


class BeatInfo(BaseModel):
    """A beat as ``briefings beats`` and ``/beats`` list it."""

    slug: str
    name: str
    title: str
    parties: list[str]
    parties_text: str
    need: int
    topics: int
    articles: int  # stored articles on the beat
    file: str


@dataclass(frozen=True)
class Screen:
    """One screen of a brief as the bot shows it: the first screen or a page of a section, with
    what a button needs to come back to it (the picture's version says whether it is still current)."""

    text: str
    version: int
    beat: str
    topic: str | None
    section: str | None  # None: the first screen
    page: int = 1
    pages: int = 1


class Reading(Part):
    """The read side over every beat: one :class:`Reader` per beat, its picture cached by version.

    ``on_picture_loaded`` is called after a reader loads a new picture (the bot moves it out of
    the garbage collector's sight)."""

    def __init__(
        self,
        ground: Ground,
        *,
        on_picture_loaded: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(ground)
        self._readers = {
            b.slug: Reader(
                self.db,
                b.labels,
                beat=b.title,
                slug=b.slug,
                restrict=partial(restrict, beat=b),
                taxonomy=b.taxonomy,
            )
            for b in self.beats
        }
        self.on_picture_loaded(on_picture_loaded)

    def on_picture_loaded(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` after each new picture is loaded (None: nothing)."""
        for reader in self._readers.values():
            reader.after_load = callback

    def _reader(self, beat: str | None) -> Reader:
        return self._readers[self.beats.check(beat).slug]

    def warm_up(self) -> None:
        """Load each beat's picture and build its whole brief now (blocking), so that the first
        commands after a start do not wait for them."""
        for reader in self._readers.values():
            reader.brief()

    def snapshot(self, beat: str | None = None) -> Snapshot:
        """The beat's current picture, parsed (loaded when the stored version changed)."""
        return self._reader(beat).snapshot()

    def loaded_version(self, beat: str | None = None) -> int | None:
        """The version of the beat's picture in memory (None before the first read)."""
        return self._reader(beat).loaded_version

    def current_version(self, beat: str | None = None) -> int:
        """The version of the beat's stored picture (a button from an older one is stale)."""
        return self.snapshot(beat).version or 0

    def today(self) -> dt.date:
        """Today in the deployment's time zone (what is still coming up is relative to it)."""
        return self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    # ------------------------------------------------------------------ the brief

    def brief(self, topic: str | None = None, since: dt.date | None = None, beat: str | None = None) -> Brief:
        topic = self.beats.check_topic(topic, beat)
        return self._reader(beat).brief(topic=topic, since=since, today=self.today())

    def brief_messages(
        self, topic: str | None = None, since: dt.date | None = None, beat: str | None = None
    ) -> list[str]:
        """The brief as one message: its first screen (the sections are one button away)."""
        return [render.first_screen_message(self.brief(topic, since, beat))]

    def channel_post_messages(self, topic: str | None = None, beat: str | None = None) -> list[str]:
        """The channel post: the brief's first screen, one message."""
        return self.brief_messages(topic, beat=beat)

    def screen(
        self, beat: str | None = None, topic: str | None = None, section: str | None = None, page: int = 1
    ) -> Screen:
        """The first screen (``section`` None) or one page of a section of a beat's brief."""
        chosen = self.beats.check(beat)
        view = self.brief(topic, beat=chosen.slug)
        version = self._readers[chosen.slug].loaded_version or 0
        if section is None:
            return Screen(render.first_screen_message(view), version, chosen.slug, view.topic, None)
        if section not in render.SECTIONS:
            raise InvalidRequest(f"unknown section {shown(section)}")
        pages = render.section_pages(view, section)
        page = min(max(1, page), len(pages))
        return Screen(pages[page - 1], version, chosen.slug, view.topic, section, page, len(pages))

    def timeline_messages(self, topic: str | None = None, beat: str | None = None) -> list[str]:
        return render.render_telegram("timeline", self.brief(topic, beat=beat))

    # ------------------------------------------------------------------ people

    def who(self, query: str, beat: str | None = None) -> WhoResult:
        return self._reader(beat).who(query.strip()[:MAX_QUERY])

    def who_messages(self, query: str, beat: str | None = None) -> tuple[WhoResult, list[str]]:
        result = self.who(query, beat)
        if result.profile is not None:
            return result, render.render_telegram("profile", result.profile)
        return result, render.render_telegram("who", result)

    def profile_messages(self, name: str, beat: str | None = None) -> list[str] | None:
        profile = self._reader(beat).profile_named(name)
        return render.render_telegram("profile", profile) if profile else None

    # ------------------------------------------------------------------ what changed

    def digest(
        self,
        since: dt.datetime | None,
        until: dt.datetime,
        topics: Sequence[str] = (),
        zone: str | None = None,
        beat: str | None = None,
    ) -> Digest:
        """What changed on the beat since ``since`` (a day before ``until`` for None), in the time
        zone ``zone`` (the deployment's for None)."""
        tz = ZoneInfo(zone or self.settings.timezone)
        return self._reader(beat).digest(since or until - dt.timedelta(days=1), until, topics, zone=tz)

    # ------------------------------------------------------------------ lists and counts

    def beat_list(self) -> list[BeatInfo]:
        with self.db.transaction() as session:
            on = {b.slug: relevance.counts(session, b.slug)[1] for b in self.beats}
        return [
            BeatInfo(
                slug=b.slug,
                name=b.name,
                title=b.title,
                parties=[p.name for p in b.parties],
                parties_text=b.describe(),
                need=b.need,
                topics=len(b.taxonomy.topics),
                articles=on[b.slug],
                file=str(b.path),
            )
            for b in self.beats
        ]

    def sources(self) -> list[tuple[str, int]]:
        """The outlets and their article counts."""
        with self.db.transaction() as session:
            return reads.outlet_counts(session)

    def stats(self) -> Stats:
        with self.db.transaction() as session:
            counts = outbox.delivery_stats(session)
            articles = reads.article_count(session)
            officials = len(self.snapshot().picture.officials)
        return Stats(
            articles=articles,
            officials=officials,
            subscribers=counts.get("subscribers", 0),
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            pending=counts.get("pending", 0) + counts.get("sending", 0),
        )
