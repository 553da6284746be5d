"""What a subscriber asks for: ``/subscribe [HH:MM] [Area/City] [beat] [topics...]`` parsed
into a :class:`SubscribeRequest` (the rows and the outbox are ``briefings.storage.outbox``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from briefings.errors import InvalidRequest
from briefings.timezones import is_zone, zone_error

_HHMM = re.compile(r"^(\d{1,2})[:.](\d{2})$")


@dataclass(frozen=True)
class SubscribeRequest:
    local_time: str
    timezone: str
    topics: list[str] = field(default_factory=list)
    beat: str | None = None  # None: the deployment's default beat


def parse_time(token: str) -> str | None:
    m = _HHMM.match(token.strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise InvalidRequest(f"{token!r} is not a time of day: use HH:MM from 00:00 to 23:59, e.g. 08:00")
    return f"{hour:02d}:{minute:02d}"


def parse_zone(token: str) -> str | None:
    if "/" not in token and token.upper() not in {"UTC", "GMT"}:
        return None
    if not is_zone(token):  # not ZoneInfo(token): a region is a folder (IsADirectoryError)
        raise InvalidRequest(zone_error(token, ": use an Area/City name such as Asia/Kolkata"))
    return token


def parse_subscribe(
    args: Sequence[str],
    *,
    default_time: str,
    default_zone: str,
    topics: Sequence[str],
    beats: Mapping[str, Sequence[str]] | None = None,
) -> SubscribeRequest:
    """``[HH:MM] [Area/City] [beat] [topics...]`` in any order; ``beats`` maps each beat's slug to
    its topics (``topics`` are the default beat's)."""
    local_time, zone, chosen = default_time, default_zone, []
    beat: str | None = None
    known = set(topics)
    for raw in args:
        token = raw.strip().strip(",").lower()
        if beats and token in beats and token not in known:
            beat, known = token, set(beats[token])
    for raw in args:
        token = raw.strip().strip(",")
        if not token or (beat is not None and token.lower() == beat):
            continue
        if len(token) > 64:
            raise InvalidRequest("that argument is too long")
        as_time = parse_time(token)
        if as_time is not None:
            local_time = as_time
            continue
        if re.match(r"^\d", token):
            raise InvalidRequest(f"{token!r} is not a time of day: use HH:MM, e.g. 08:00")
        as_zone = parse_zone(token)
        if as_zone is not None:
            zone = as_zone
            continue
        slug = token.lower()
        if slug not in known:
            raise InvalidRequest(f"unknown topic {token!r}: see /topics for the list")
        if slug not in chosen:
            chosen.append(slug)
    return SubscribeRequest(local_time=local_time, timezone=zone, topics=chosen, beat=beat)
