"""Time, behind one small interface so that tests can move it (the only thing tests may fake)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that stays where it is put; ``advance`` moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start if start.tzinfo else start.replace(tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, moment: dt.datetime) -> None:
        self._now = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


class OffsetClock:
    """System time shifted so that it reads ``start`` now; it then runs at real speed."""

    def __init__(self, start: dt.datetime) -> None:
        start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
        self._offset = start - dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset


def clock_from_env() -> Clock:
    """``BRIEFINGS_CLOCK_START`` (ISO 8601) starts an offset clock there: for tests and drills only."""
    start = os.environ.get("BRIEFINGS_CLOCK_START", "").strip()
    if not start:
        return SystemClock()
    return OffsetClock(dt.datetime.fromisoformat(start.replace("Z", "+00:00")))
