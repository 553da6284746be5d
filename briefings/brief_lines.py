"""Event lines asked for in one batch, and the sentences they come from.

A brief, a digest and a profile each collect the sentences they want shortened
(:class:`PendingLines`), have them made in one parse, then read them back. The helpers here say
which sentence a timeline entry stands for, under which date, and whether a line names a person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefings.eventlines import lexicon, rule_line
from briefings.lines import LineMaker, make_lines
from briefings.models import PersonRecord, TimelineEntry
from briefings.views import ArticleMeta

#: a wanted line: (sentence, focus)
LineKey = tuple[str, str | None]


def default_lines(lines: LineMaker | None) -> LineMaker:
    """``lines``, else the parser's event lines remembered per sentence."""
    return make_lines if lines is None else lines


@dataclass
class PendingLines:
    """Sentences waiting for their event lines, made in one batch."""

    make: LineMaker

    def __post_init__(self) -> None:
        self._wanted: dict[LineKey, str] = {}

    def want(self, sentence: str, focus: str | None = None) -> LineKey:
        key = (sentence, focus)
        self._wanted.setdefault(key, "")
        return key

    def run(self) -> None:
        keys = [k for k, v in self._wanted.items() if not v]
        if keys:
            made = self.make([s for s, _ in keys], [f for _, f in keys])
            self._wanted.update(zip(keys, made, strict=True))

    def __getitem__(self, key: LineKey) -> str:
        line = self._wanted.get(key) or key[0]
        if says_nothing(line):  # "X said": what was said did not fit; cut at a clause boundary instead
            line = rule_line(key[0])
        return "" if says_nothing(line) else line  # no line rather than one that says nothing


def says_nothing(line: str) -> bool:
    """A line that ends on its reporting verb ("The spokesperson said") has lost what was said."""
    words = line.rstrip(" .,;:").split()
    return bool(words) and words[-1].lower() in lexicon().reporting_verbs


def whole(entry: TimelineEntry) -> str:
    """The sentence a timeline entry comes from."""
    return entry.sentence or entry.what


def surname(person: PersonRecord) -> str:
    parts = person.name.split()
    return parts[-1] if parts else person.name


def _names(person: PersonRecord) -> list[str]:
    return [f for f in [person.name, *person.aliases, surname(person)] if f]


def mentions(text: str, person: PersonRecord) -> bool:
    """Whether the text names the person (name, an alias or the surname, as whole words)."""
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text) for f in _names(person))


def dated_once(dates: Sequence[str]) -> str:
    """The date a sentence's event takes among the dates it mentions: a year before the newest
    one is background ("frozen since the 2020 clashes"); of the rest, the first ("between June and
    August" is June)."""
    newest = max(d[:4] for d in dates)
    current = [d for d in dates if d[:4] == newest]
    return min(current)


def unique_events(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """One entry per sentence, under the date its event takes (:func:`dated_once`); the articles
    of the sentence's entries are pooled."""
    by_text: dict[str, list[TimelineEntry]] = {}
    for e in entries:
        by_text.setdefault(whole(e), []).append(e)
    out = []
    for group in by_text.values():
        if len(group) == 1:  # most sentences: one date, nothing to pool
            out.append(group[0])
            continue
        date = dated_once([e.date for e in group])
        chosen = next(e for e in group if e.date == date)
        pooled = sorted({a for e in group for a in e.articles}, key=id_order)
        out.append(chosen.model_copy(update={"articles": pooled}))
    return sorted(out, key=lambda e: (e.date, e.what))


def planned(entry: TimelineEntry, meta: Mapping[str, ArticleMeta]) -> bool:
    """Stated before it happened: dated after every article that reports it ("the next round will
    be held in 2026" in a story of 2025)."""
    published = [p for a in entry.articles if a in meta and (p := meta[a].published)]
    if not published:
        return False
    newest = max(published)
    return entry.date[: len(newest)] > newest[: len(entry.date)]


def id_order(article: str) -> tuple[int, str]:
    """Sort key of article ids: numbers in numeric order, then the others."""
    return (int(article), article) if article.isdigit() else (1 << 62, article)


def days_before(date: str, days: int) -> str:
    """The ISO day ``days`` before ``date`` (``date`` itself when it is not a day)."""
    try:
        return (dt.date.fromisoformat(date[:10]) - dt.timedelta(days=days)).isoformat()
    except ValueError:
        return date
