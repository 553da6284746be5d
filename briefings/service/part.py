"""What each part of the service stands on: the database, the settings, the clock and the beats."""

from __future__ import annotations

from briefings.config import Settings
from briefings.service.catalog import BeatCatalog
from briefings.service.clock import Clock
from briefings.storage.db import Database


class Part:
    """A part of :class:`~briefings.service.app.BriefingService` (reading, subscriptions, delivery,
    ingestion): all of them over one database, one clock and the same beats."""

    def __init__(self, db: Database, settings: Settings, clock: Clock, beats: BeatCatalog) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.beats = beats
