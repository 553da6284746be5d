"""The service the bot and the CLI call: one object per process, built in the entry point, holding
one part per concern. Callers use the parts:

- ``beats`` (:class:`BeatCatalog`): the deployment's beats, and a beat or topic named in a command;
- ``reading`` (:class:`Reading`): briefs and their screens, people, timelines, digests, lists, stats;
- ``subscriptions`` (:class:`Subscriptions`): a chat's digest subscription;
- ``delivery`` (:class:`Delivery`): the outbox (plan, claim, mark) and the shared sending rate;
- ``ingestion`` (:class:`Ingestion`): ingesting inputs, polling the sources, repairing pictures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from briefings.config import Settings
from briefings.errors import ConfigError
from briefings.service.catalog import BeatCatalog
from briefings.service.clock import Clock, SystemClock
from briefings.service.delivering import Delivery
from briefings.service.ingesting import Ingestion
from briefings.service.part import Ground
from briefings.service.reading import Reading
from briefings.service.subscribing import Subscriptions
from briefings.storage.db import Database

if TYPE_CHECKING:
    from briefings.extract import Extractor


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    """The database of the settings (BRIEFINGS_DATABASE_URL); ``upgrade``: its schema brought to
    the newest revision first (``briefings db`` commands inspect or upgrade it themselves)."""
    return Database(settings.effective_database_url, auto_upgrade=upgrade)


class BriefingService:
    """The parts of the service over one database, one clock and the configured beats.

    ``extractor``: one already loaded (else loaded on the first article to extract);
    ``on_picture_loaded``: called after a new picture is read (the bot freezes it for the garbage
    collector); ``warm``: after an ingest that stored articles, read the new pictures and build the
    briefs at once (a long-lived process; a command that exits after the ingest has no use for it).
    """

    def __init__(
        self,
        settings: Settings,
        db: Database | None = None,
        clock: Clock | None = None,
        *,
        extractor: Extractor | None = None,
        on_picture_loaded: Callable[[], None] | None = None,
        warm: bool = True,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.beats = BeatCatalog.of(settings)
        if settings.channel_beat and self.beats.find(settings.channel_beat) is None:
            known = ", ".join(self.beats.slugs)
            raise ConfigError(
                f"BRIEFINGS_CHANNEL_BEAT: unknown beat {settings.channel_beat!r} (the beats: {known})"
            )
        self.db = db or open_database(settings)
        ground = Ground(self.db, settings, self.clock, self.beats)
        self.reading = Reading(ground, on_picture_loaded=on_picture_loaded)
        self.subscriptions = Subscriptions(ground)
        self.delivery = Delivery(ground, self.reading)
        self.ingestion = Ingestion(
            ground, extractor=extractor, after_ingest=self.reading.warm_up if warm else None
        )

    def prepare(self) -> None:
        """Before a long-lived process serves (blocking): repair each picture behind the stored
        articles, then load the pictures and build the briefs, so that the first commands do not
        wait for them."""
        self.ingestion.catch_up()
        self.reading.warm_up()

    def on_picture_loaded(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` after each new picture is read (None: nothing)."""
        self.reading.on_picture_loaded(callback)

    def close(self) -> None:
        self.db.dispose()
