"""Partial dates as the models carry them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def normalize(text: str | None) -> str | None:
    """The leading ``YYYY[-MM[-DD]]`` of ``text`` when it is a real (partial) date, else None."""
    m = _PARTIAL.match((text or "").strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(p for p in (year, month, day) if p)


def precision(date: str) -> int:
    """1 for a year, 2 for a month, 3 for a day."""
    return date.count("-") + 1


def interval(date: str) -> tuple[int, int]:
    """The first and last day (proleptic ordinals) a normalized partial date covers."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 3:
        day = dt.date(parts[0], parts[1], parts[2]).toordinal()
        return day, day
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1).toordinal(), dt.date(parts[0], parts[1], last).toordinal()
    return dt.date(parts[0], 1, 1).toordinal(), dt.date(parts[0], 12, 31).toordinal()


def compatible(a: str, b: str) -> bool:
    """True when one date is the other or a less precise form of it ("2025-01" and "2025-01-27")."""
    return a.startswith(b) or b.startswith(a)


def months_around(date: str, radius: int) -> list[str]:
    """``YYYY-MM`` keys of the months within ``radius`` months of a month- or day-precise date."""
    year, month = int(date[:4]), int(date[5:7])
    base = year * 12 + month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(base - radius, base + radius + 1)]


def ordinal(date: str | None) -> int | None:
    """The proleptic ordinal of a day-precise date, else None."""
    if date is None or precision(date) != 3:
        return None
    return dt.date.fromisoformat(date).toordinal()


def sort_key(date: str | None) -> str:
    """Unknown dates sort first; a year or month sorts at the start of its period."""
    return date or ""


def days_around(date: str | None, radius: int) -> list[str]:
    """The ISO days within ``radius`` days of a day-precise date, or ["none"] without one."""
    day = ordinal(date)
    if day is None:
        return ["none"]
    return [dt.date.fromordinal(d).isoformat() for d in range(day - radius, day + radius + 1)]
