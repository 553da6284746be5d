"""Parsing of publication dates as outlets print them (not relative dates inside stories)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_FORMATS = (
    "%Y-%m-%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%A %d %B %Y",
    "%d/%m/%Y",
    "%Y/%m/%d",
)
#: publication dates outside this window are typos or garbage ("9999-12-31", "0001-01-01"), and
#: treated as missing: nothing downstream has to cope with the ends of the calendar
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)\b")
_TRAILER = re.compile(
    r"(,?\s*(at\s+)?\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?(\s*(IST|GMT|UTC|ET|EST|EDT|BST|CET|CEST|JST|[A-Z]{2,4}))?.*)$",
    re.IGNORECASE,
)


def plausible(date: dt.date | None) -> dt.date | None:
    """The date, when it can be a publication date (between 1900 and 2199), else None."""
    return date if date is not None and EARLIEST <= date <= LATEST else None


def parse_date(text: str) -> dt.date | None:
    """The calendar date in a dateline or sign-off ("June 13, 2025", "2025-06-13T08:00Z", RFC 822),
    when it is a plausible publication date."""
    return plausible(_parse_date(text))


def _parse_date(text: str) -> dt.date | None:
    text = text.strip().rstrip(".")
    if not text or not re.search(r"\d{4}", text):
        return None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})", text)
    if iso:
        try:
            return dt.date.fromisoformat(iso.group(1))
        except ValueError:
            return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed is not None:
            return parsed.date()
    except (TypeError, ValueError, IndexError):
        pass
    cleaned = _ORDINAL.sub(r"\1", _TRAILER.sub("", text)).strip().rstrip(",")
    cleaned = re.sub(r"\s+", " ", cleaned)
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None
