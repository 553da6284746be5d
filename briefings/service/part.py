"""What each part of the service stands on: the database, the settings, the clock and the beats."""

from __future__ import annotations

from dataclasses import dataclass

from briefings.config import Settings
from briefings.service.catalog import BeatCatalog
from briefings.service.clock import Clock
from briefings.storage.db import Database


@dataclass(frozen=True)
class Ground:
    """One database, one clock and the same beats for every part of one service."""

    db: Database
    settings: Settings
    clock: Clock
    beats: BeatCatalog


class Part:
    """A part of :class:`~briefings.service.app.BriefingService` (reading, subscriptions, delivery,
    ingestion)."""

    def __init__(self, ground: Ground) -> None:
        self.db = ground.db
        self.settings = ground.settings
        self.clock = ground.clock
        self.beats = ground.beats
