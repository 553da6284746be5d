"""Ingesting: inputs read, new articles extracted and stored, the beats' pictures brought up to
date; the polling of BRIEFINGS_SOURCES on its schedule, and the health of the sources."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from briefings.addresses import is_web_address
from briefings.beats import Beat
from briefings.ingest.sources import Rejected
from briefings.service import polling
from briefings.service.ingest import ArticleRow, IngestReport, fetch_policy, list_articles
from briefings.service.part import Ground, Part
from briefings.service.pipeline import ingest_articles, pictures_behind, update_pictures

if TYPE_CHECKING:
    from briefings.extract import Extractor
    from briefings.extract.pipeline import Workers


class LazyExtractor:
    """The extractor of the beats' topics, loaded on first use: the language model takes seconds,
    and an ingest with nothing new to extract never needs it."""

    def __init__(self, beats: Sequence[Beat], loaded: Extractor | None = None) -> None:
        self.paths = [b.path for b in beats]
        self._loaded = loaded
        self._lock = threading.Lock()

    def get(self) -> Extractor:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    from briefings.extract import Extractor

                    self._loaded = Extractor.load(self.paths)
        return self._loaded

    def workers(self, n_process: int = 1) -> Workers:
        """Extraction workers that load the extractor only when given a first batch."""
        from briefings.extract.pipeline import Workers

        return Workers(self.get, n_process)


class Ingestion(Part):
    """Ingests inputs and polls the configured sources. ``after_ingest`` runs once new articles
    are stored (the bot reads the new pictures there, in the ingest's thread)."""

    def __init__(
        self,
        ground: Ground,
        *,
        extractor: Extractor | None = None,
        after_ingest: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(ground)
        self.extractor = LazyExtractor(self.beats.all, extractor)
        self.after_ingest = after_ingest

    def catch_up(self) -> list[str]:
        """Bring every beat's picture up to date when it lags the stored articles (a run that failed
        after its commit, a beat file changed or added, a database from before beats); the beats
        rebuilt. Cheap when nothing lags: a few counts."""
        behind = pictures_behind(self.db, self.beats.all)
        if behind:
            update_pictures(self.db, behind)
        return [b.slug for b in behind]

    def stored_articles(self) -> list[ArticleRow]:
        """Every stored article with its relevance to each beat and its earlier versions."""
        return list_articles(self.db)

    def ingest(
        self,
        inputs: list[str],
        *,
        allow_private: bool | None = None,
        cycle: bool = False,
        n_process: int = 1,
        on_total: Callable[[int], None] | None = None,
        on_source: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Ingest files, folders, pages and feeds; ``n_process`` extraction processes; ``on_total``
        hears how many sources there are, ``on_source`` each one done."""
        policy = fetch_policy(self.settings, allow_private=allow_private, cycle=cycle)
        report = ingest_articles(
            self.db,
            inputs,
            policy,
            self.extractor,
            n_process=n_process,
            beats=self.beats.all,
            on_total=on_total,
            on_source=on_source,
            schedule=self.poll_schedule,
        )
        if report.ingested and self.after_ingest is not None:
            self.after_ingest()
        return report

    def ingest_url(self, url: str) -> IngestReport:
        """The bot's /ingest: http(s) URLs only, never a local path; private addresses only if allowed."""
        if not is_web_address(url):
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
