"""RSS and Atom feeds: each entry becomes an article, from its full content or its fetched page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import feedparser

from briefings.ingest.clean import clean_text
from briefings.ingest.dates import plausible
from briefings.ingest.html import fragment_to_text

# An entry whose content holds at least this many characters of text is taken as the full story.
FULL_CONTENT_CHARS = 600


class NotAFeed(ValueError):
    """The document is not an RSS or Atom feed."""


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str | None
    guid: str | None
    published: dt.date | None
    text: str | None  # full story text when the feed carries it
    # when the feed says the entry last changed (its updated date, else its published one), UTC
    stamp: dt.datetime | None = None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: list[FeedEntry]
    link: str | None = None  # the site the feed is of (its channel link)


def parse_feed(data: bytes) -> Feed:
    try:
        parsed: Any = feedparser.parse(_valid_charrefs(data))
    except Exception as exc:  # the parser's own failure on hostile input: reject the feed, say why
        raise NotAFeed(f"not a readable feed ({type(exc).__name__} in the feed parser)") from exc
    if not parsed.get("version"):
        raise NotAFeed("not an RSS or Atom feed")
    feed_title = str(parsed.feed.get("title") or "").strip() or None
    feed_link = str(parsed.feed.get("link") or "").strip() or None
    return Feed(title=feed_title, entries=[_entry(e) for e in parsed.entries], link=feed_link)


_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]{1,16}|[0-9]{1,16});")


def _valid_charrefs(data: bytes) -> bytes:
    """Numeric character references to what is no character (NUL, a UTF-16 surrogate, beyond
    U+10FFFF) become U+FFFD: feedparser raises on ``&#xD800;`` rather than skipping it."""

    def fix(m: re.Match[bytes]) -> bytes:
        digits = m.group(1)
        code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
        if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return b"&#xFFFD;"
        return m.group(0)

    return _CHARREF.sub(fix, data) if b"&#" in data else data


def _entry(entry: Any) -> FeedEntry:
    published = None
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        try:
            published = plausible(dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday))
        except ValueError:  # feedparser's tuple for a date that does not exist
            published = None
    # the plain dict's get: feedparser's own maps a missing updated date to the published one, warning
    changed = dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed")
    try:
        stamp = (
            dt.datetime(changed[0], changed[1], changed[2], changed[3], changed[4], changed[5], tzinfo=dt.UTC)
            if changed
            else None
        )
    except (ValueError, TypeError):
        stamp = None
    text = None
    for content in entry.get("content") or []:
        candidate = fragment_to_text(str(content.get("value") or ""))
        if len(candidate) >= FULL_CONTENT_CHARS:
            text = candidate
            break
    if text is None:
        summary = fragment_to_text(str(entry.get("summary") or ""))
        if len(summary) >= FULL_CONTENT_CHARS:
            text = summary
    link = str(entry.get("link") or "").strip() or None
    return FeedEntry(
        title=str(entry.get("title") or "").strip(),
        link=link,
        guid=str(entry.get("id") or "").strip() or None,
        published=published,
        text=text,
        stamp=stamp,
    )


def newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Entries by date, the newest first; the entries of one day, and the undated ones after all
    the others, keep the feed's order (feeds list the newest first)."""
    return sorted(entries, key=lambda e: (e.published is None, -(e.published or dt.date.min).toordinal()))


def entry_article_text(entry: FeedEntry) -> str | None:
    """Clean text of an entry that carries its full story, else None (its page must be fetched)."""
    if entry.text is None:
        return None
    return clean_text(entry.text, fallback_title=entry.title or None).text
