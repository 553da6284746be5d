"""Time-zone names: IANA keys only (``zoneinfo.available_timezones()``).

``ZoneInfo`` opens a file named after the key, so a folder of the database (``America/Argentina``,
``America/Indiana``) raises ``IsADirectoryError`` rather than ``ZoneInfoNotFoundError``; a name is
checked against the list of keys instead, and a region is answered with one of its zones.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def iana_zones() -> frozenset[str]:
    """Every IANA key this system knows (read once: it walks the time-zone database)."""
    return frozenset(available_timezones())


def is_zone(name: str) -> bool:
    return name in iana_zones()


def region_example(name: str) -> str | None:
    """A zone inside ``name`` when it is a region of the database (``America/Argentina`` has
    ``America/Argentina/Buenos_Aires``), else None."""
    inside = sorted(z for z in iana_zones() if z.startswith(name.rstrip("/") + "/"))
    return inside[0] if inside and name.strip("/") else None


def zone_error(name: str, hint: str) -> str:
    """Why ``name`` is no time zone, in one line; ``hint`` says what to use instead."""
    example = region_example(name)
    if example is not None:
        return f"unknown time zone {name!r}: a region, not a zone; use one of its zones, such as {example}"
    return f"unknown time zone {name!r}{hint}"
