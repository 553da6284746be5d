"""The service facade that the bot and the CLI call: one object per process, built in the entry point."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from briefings import render
from briefings.beats import Beat, load_beats, restrict
from briefings.config import Settings
from briefings.errors import ConfigError, InvalidRequest
from briefings.extract import Extractor
from briefings.ingest.sources import Rejected
from briefings.service import polling
from briefings.service import subscriptions as subs
from briefings.service.briefs import Reader
from briefings.service.clock import Clock, SystemClock
from briefings.service.ingest import IngestReport, fetch_policy
from briefings.service.pipeline import ingest_articles, pictures_behind, update_pictures
from briefings.storage import outbox, reads, relevance, sendrate
from briefings.storage.db import Database
from briefings.storage.tables import Subscription
from briefings.views import Brief, Digest, WhoResult

#: a /who query longer than this is cut (no name is that long)
MAX_QUERY = 200


def shown(value: str, limit: int = 60) -> str:
    """A user's input quoted in a message: repr-quoted, and cut to ``limit`` characters, so that
    an answer never grows with what was typed (a message holds at most 4096 characters)."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


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


@dataclass(frozen=True)
class SubscriptionInfo:
    chat_id: int
    local_time: str
    timezone: str
    topics: list[str]
    active: bool
    beat: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery and the messages to send for it."""

    delivery_id: int
    chat_id: int
    chat_type: str
    kind: str
    messages: list[str]
    parts_sent: int
    attempt: int | None = None  # the claim's number (see subscriptions.Claimed); None: not fenced


class BriefingService:
    def __init__(self, settings: Settings, db: Database | None = None, clock: Clock | None = None) -> None:
        self.settings = settings
        self.db = db or Database(settings.effective_database_url)
        self.clock = clock or SystemClock()
        self.beats: list[Beat] = load_beats(settings.beat_files, title=settings.beat_name or None)
        self.beat = self.beats[0]  # the default beat
        self.labels = self.beat.labels
        self.readers = {
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
        self.reader = self.readers[self.beat.slug]
        if settings.channel_beat and settings.channel_beat.strip().lower() not in self.readers:
            known = ", ".join(self.readers)
            raise ConfigError(
                f"BRIEFINGS_CHANNEL_BEAT: unknown beat {settings.channel_beat!r} (the beats: {known})"
            )
        self._extractor: Extractor | None = None

    def close(self) -> None:
        self.db.dispose()

    # ------------------------------------------------------------------ reading

    def catch_up(self) -> list[str]:
        """Bring every beat's picture up to date when it lags the stored articles (a run that failed
        after its commit, a beat file changed or added, a database from before beats); the beats
        rebuilt. Cheap when nothing lags: a few counts."""
        behind = pictures_behind(self.db, self.beats)
        if behind:
            update_pictures(self.db, behind)
        return [b.slug for b in behind]

    def warm_up(self) -> None:
        """Load each beat's picture and build its whole brief now (blocking), so that the first
        commands after a start do not wait for them."""
        for reader in self.readers.values():
            reader.brief()

    def check_beat(self, beat: str | None) -> Beat:
        """The beat named by its slug (or name, case-insensitively); the default beat for None."""
        if beat is None or not beat.strip():
            return self.beat
        wanted = beat.strip().lower()
        for b in self.beats:
            if wanted in (b.slug, b.name.lower()):
                return b
        known = ", ".join(b.slug for b in self.beats)
        raise InvalidRequest(f"unknown beat {shown(beat)}: the beats here are {known}")

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

    def beat_and_rest(self, args: list[str]) -> tuple[str | None, str | None]:
        """``[beat] [topic]`` as a command takes them: a first word that names a beat (and is not
        a topic of the default beat) picks that beat; the rest is the topic."""
        words = [a for a in args if a.strip()]
        if words and len(self.beats) > 1:
            first = words[0].strip().lower()
            if first not in self.labels and any(first in (b.slug, b.name.lower()) for b in self.beats):
                return self.check_beat(first).slug, " ".join(words[1:]).strip() or None
        return None, " ".join(words).strip() or None

    def topics(self, beat: str | None = None) -> list[tuple[str, str]]:
        return self.check_beat(beat).topics

    def check_topic(self, topic: str | None, beat: str | None = None) -> str | None:
        if topic is None:
            return None
        slug = topic.strip().lower()
        if slug not in self.check_beat(beat).labels:
            raise InvalidRequest(f"unknown topic {shown(topic)}: see /topics for the list")
        return slug

    def _reader(self, beat: str | None) -> Reader:
        return self.readers[self.check_beat(beat).slug]

    def today(self) -> dt.date:
        """Today in the deployment's time zone (what is still coming up is relative to it)."""
        return self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    def brief(self, topic: str | None = None, since: dt.date | None = None, beat: str | None = None) -> Brief:
        return self._reader(beat).brief(topic=self.check_topic(topic, beat), since=since, today=self.today())

    def brief_messages(
        self, topic: str | None = None, since: dt.date | None = None, beat: str | None = None
    ) -> list[str]:
        """The brief as one message: its first screen (the sections are one button away)."""
        return [render.first_screen_message(self.brief(topic, since, beat))]

    def screen(
        self, beat: str | None = None, topic: str | None = None, section: str | None = None, page: int = 1
    ) -> Screen:
        """The first screen (``section`` None) or one page of a section of a beat's brief."""
        chosen = self.check_beat(beat)
        reader = self.readers[chosen.slug]
        view = self.brief(topic, beat=chosen.slug)
        version = reader.loaded_version or 0
        if section is None:
            return Screen(render.first_screen_message(view), version, chosen.slug, view.topic, None)
        if section not in render.SECTIONS:
            raise InvalidRequest(f"unknown section {shown(section)}")
        pages = render.section_pages(view, section)
        page = min(max(1, page), len(pages))
        return Screen(pages[page - 1], version, chosen.slug, view.topic, section, page, len(pages))

    def current_version(self, beat: str | None = None) -> int:
        """The version of the beat's stored picture (a button from an older one is stale)."""
        reader = self._reader(beat)
        reader.snapshot()
        return reader.loaded_version or 0

    def timeline_messages(self, topic: str | None = None, beat: str | None = None) -> list[str]:
        return render.render_telegram("timeline", self.brief(topic, beat=beat))

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

    def sources(self) -> list[tuple[str, int]]:
        with self.db.transaction() as session:
            return reads.outlet_counts(session)

    def channel_post_messages(self, topic: str | None = None, beat: str | None = None) -> list[str]:
        """The channel post: the brief's first screen, one message."""
        return [render.first_screen_message(self.brief(topic, beat=beat))]

    def stats(self) -> Stats:
        with self.db.transaction() as session:
            counts = outbox.delivery_stats(session)
            articles = reads.article_count(session)
            officials = len(self.reader.snapshot().picture.officials)
        return Stats(
            articles=articles,
            officials=officials,
            subscribers=counts.get("subscribers", 0),
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            pending=counts.get("pending", 0) + counts.get("sending", 0),
        )

    # ------------------------------------------------------------------ subscriptions

    def subscribe(self, chat_id: int, chat_type: str, args: list[str]) -> SubscriptionInfo:
        request = subs.parse_subscribe(
            args,
            default_time=self.settings.digest_time,
            default_zone=self.settings.timezone,
            topics=list(self.labels),
            beats={b.slug: list(b.labels) for b in self.beats[1:]},
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
            return _info(row)

    def unsubscribe(self, chat_id: int) -> bool:
        with self.db.transaction() as session:
            return outbox.unsubscribe(session, chat_id)

    def subscription(self, chat_id: int) -> SubscriptionInfo | None:
        with self.db.transaction() as session:
            row = outbox.subscription_of(session, chat_id)
            return _info(row) if row else None

    # ------------------------------------------------------------------ deliveries

    def plan_due(self) -> int:
        with self.db.transaction() as session:
            return outbox.plan_due_digests(session, self.clock.now())

    def plan_channel_post(self) -> bool:
        if not self.settings.channel_id:
            return False
        chat = self.settings.channel_chat_id
        local = self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()
        with self.db.transaction() as session:
            return outbox.plan_channel_post(session, chat, local, self.clock.now())

    def claim(self, limit: int) -> list[Outgoing]:
        """Take up to ``limit`` due deliveries and build their messages (each distinct digest once)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            claimed = outbox.claim(session, now, limit)
            chats = [c.chat_id for c in claimed]
            details = reads.subscriber_details(session, chats)
            since = outbox.last_sent_many(session, chats)
        out: list[Outgoing] = []
        built: dict[tuple[dt.datetime | None, tuple[str, ...], str, str | None], list[str]] = {}
        for row in claimed:
            if row.kind == "channel":
                messages = self.channel_post_messages(beat=self.settings.channel_beat or None)
                chat_type = "channel"
            else:
                known = details.get(row.chat_id)
                chat_type, topics, zone, beat = (
                    (known.chat_type, known.topics, known.timezone, known.beat)
                    if known is not None
                    else ("private", [], self.settings.timezone, None)
                )
                if beat is not None and beat not in self.readers:
                    beat = None  # a beat no longer configured: the default one
                key = (since.get(row.chat_id), tuple(sorted(topics)), zone, beat)
                if key not in built:
                    digest = self.digest(row.chat_id, key[0], topics, now, zone, beat)
                    built[key] = [render.digest_message(digest)]
                messages = list(built[key])
            out.append(
                Outgoing(row.id, row.chat_id, chat_type, row.kind, messages, row.parts_sent, row.attempt)
            )
        return out

    def digest(
        self,
        chat_id: int,
        since: dt.datetime | None,
        topics: list[str],
        now: dt.datetime,
        zone: str | None = None,
        beat: str | None = None,
    ) -> Digest:
        """What changed for one chat since its last digest (a day for the first), in its time zone."""
        tz = ZoneInfo(zone or self.settings.timezone)
        return self._reader(beat).digest(since or now - dt.timedelta(days=1), now, topics, zone=tz)

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
        """Seconds until this process may send its next message (see :mod:`sendrate`)."""
        with self.db.engine.begin() as connection:
            return sendrate.reserve(connection, bot, interval, slack)

    def hold_sending(self, bot: str, seconds: float) -> None:
        with self.db.engine.begin() as connection:
            sendrate.hold(connection, bot, seconds)

    # ------------------------------------------------------------------ ingestion

    @property
    def extractor(self) -> Extractor:
        """Loaded on first use (the language model takes a moment)."""
        if self._extractor is None:
            self._extractor = Extractor.load([b.path for b in self.beats])
        return self._extractor

    def ingest(
        self, inputs: list[str], *, allow_private: bool | None = None, cycle: bool = False
    ) -> IngestReport:
        policy = fetch_policy(self.settings, allow_private=allow_private, cycle=cycle)
        report = ingest_articles(
            self.db, inputs, policy, self.extractor, beats=self.beats, schedule=self.poll_schedule
        )
        if report.ingested:
            self.warm_up()  # the new picture is read here (in the ingest's thread), not by the next command
        return report

    def ingest_url(self, url: str) -> IngestReport:
        """The bot's /ingest: http(s) URLs only, never a local path; private addresses only if allowed."""
        if not re.match(r"^https?://", url.strip(), re.IGNORECASE):
            return IngestReport(
                rejected=[Rejected(url[:200], "only http and https URLs can be ingested here")]
            )
        return self.ingest([url.strip()])

    def ingest_sources(self) -> IngestReport:
        """One polling cycle over BRIEFINGS_SOURCES: the URLs backing off after failures (or held by
        a Retry-After) wait for their next poll; everything else is read, within the cycle's deadline."""
        due, waiting = polling.due(self.db, list(self.settings.sources), self.clock.now())
        report = self.ingest(due, allow_private=True, cycle=True) if due else IngestReport()
        report.waiting = waiting
        return report

    @property
    def poll_schedule(self) -> polling.Schedule:
        return polling.Schedule(
            interval=dt.timedelta(minutes=self.settings.ingest_interval_minutes),
            backoff_cap=dt.timedelta(minutes=self.settings.backoff_max_minutes),
            now=self.clock.now,
        )

    def source_health(self) -> list[polling.SourceHealth]:
        """Each polled source: last success, last error, entries seen, next poll."""
        return polling.health(self.db, list(self.settings.sources))

    def source_alerts(self) -> list[polling.SourceHealth]:
        """Sources failing for a day, each reported once per failing spell."""
        return polling.alerts(self.db, self.clock.now())


def _info(row: Subscription) -> SubscriptionInfo:
    return SubscriptionInfo(
        chat_id=row.chat_id,
        local_time=row.local_time,
        timezone=row.timezone,
        topics=list(row.topics or []),
        active=row.active,
        beat=row.beat,
    )
