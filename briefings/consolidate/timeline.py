"""Dated events merged across articles into one timeline.

- Events of the same date whose descriptions overlap are one entry (pairwise links in a
  union-find, so the order of the articles does not matter).
- An event dated to a month ("2025-01") joins the entry of the day-dated event of that month
  ("2025-01-27") that describes it best; it is decided when the result is built, over every
  candidate, so that a month never bridges two different days. A year is too vague to pin to a
  day ("2025: the pilgrimage resumes" is not "2025-01: a visit; agreed to resume flights, data
  sharing, the pilgrimage"): year-dated events merge only with each other.
- Descriptions that say one thing starts and the other that it ends never merge.
- Events described alike but with dates that cannot both hold (not one a less precise form of
  the other; days at most three apart, months next to each other) are kept apart and reported
  as conflicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from briefings.consolidate import dates
from briefings.consolidate.postings import StemTable, overlapping
from briefings.consolidate.text import Bag, bag, boundaries_clash, central, dice, overlap, similar
from briefings.consolidate.unionfind import UnionFind
from briefings.models import Event, TimelineEntry

MentionKey = tuple[str, int]

THRESHOLD = 0.5  # weighted overlap for one happening
DUPLICATE = 0.9  # two events of one article merge only when this close
CONFLICT = 0.6  # descriptions this close with clashing dates are one happening dated differently
CONFLICT_MIN_SHARED = 3
CONFLICT_DICE = 0.5
CONFLICT_DAYS = 3  # day-precise dates this close can be one happening misdated
CONFLICT_MONTHS = 1  # month-precise dates: the neighbouring months


@dataclass(frozen=True)
class EventMention:
    key: MentionKey
    date: str
    what: str

    @property
    def article(self) -> str:
        return self.key[0]

    @cached_property
    def stems(self) -> Bag:
        return bag(self.what)

    @property
    def precision(self) -> int:
        return dates.precision(self.date)


def link_score(a: EventMention, b: EventMention) -> float:
    """How well two events describe one happening (0 when they do not), dates aside."""
    if boundaries_clash(a.stems, b.stems):
        return 0.0
    return similar(a.stems, b.stems, DUPLICATE if a.article == b.article else THRESHOLD)


def conflicting(a: EventMention, b: EventMention) -> bool:
    """One happening given dates that cannot both hold: described alike, not one inside the other."""
    if a.article == b.article or dates.compatible(a.date, b.date) or boundaries_clash(a.stems, b.stems):
        return False
    score, shared = overlap(a.stems, b.stems, CONFLICT)
    return score >= CONFLICT and shared >= CONFLICT_MIN_SHARED and dice(a.stems, b.stems) >= CONFLICT_DICE


def _file(tables: dict[str, StemTable[MentionKey]], bucket: str, m: EventMention) -> None:
    tables.setdefault(bucket, StemTable()).add(m.key, m.stems)


@dataclass(frozen=True, order=True)
class _Choice:
    """A less precise event's best more precise match: highest score, then most precise, then first key."""

    score: float
    precision: int
    inverse_key: tuple[tuple[int, ...], int]
    target: MentionKey


def _choice(score: float, target: EventMention) -> _Choice:
    article, index = target.key
    inverse = (tuple(-ord(c) for c in article), -index)
    return _Choice(score, target.precision, inverse, target.key)


@dataclass
class EntryGroup:
    entry: TimelineEntry
    mentions: list[EventMention]


@dataclass
class Timeline:
    groups: list[EntryGroup]
    conflicts: list[tuple[int, int]]  # entries (by position) that date one happening differently


class TimelineIndex:
    def __init__(self) -> None:
        self._mentions: dict[MentionKey, EventMention] = {}
        self._totals: dict[MentionKey, int] = {}
        self._uf: UnionFind[MentionKey] = UnionFind()
        self._same_day: dict[str, StemTable[MentionKey]] = {}  # date -> events of exactly that date
        self._finer: dict[str, StemTable[MentionKey]] = {}  # month -> day-precise events in it
        self._coarse: dict[str, StemTable[MentionKey]] = {}  # month -> month-precise events
        self._best: dict[MentionKey, _Choice] = {}
        self._conflicts: set[tuple[MentionKey, MentionKey]] = set()
        self._entries: dict[tuple[MentionKey, ...], EntryGroup] = {}  # the entries of the last result

    def add(self, article: str, events: Sequence[Event]) -> None:
        for i, event in enumerate(events):
            date = dates.normalize(event.date)
            if date is None or not event.what.strip():
                continue
            self._insert(EventMention((article, i), date, event.what.strip()))

    def _insert(self, m: EventMention) -> None:
        self._mentions[m.key] = m
        self._totals[m.key] = m.stems.total
        self._uf.add(m.key)
        if m.precision >= 2:
            self._find_conflicts(m)
        for other in self._near(m, [self._same_day.get(m.date)], THRESHOLD):
            if self._uf.find(other) != self._uf.find(m.key) and link_score(m, self._mentions[other]):
                self._uf.union(m.key, other)
        _file(self._same_day, m.date, m)
        if m.precision == 2:
            for other in self._near(m, [self._finer.get(m.date)], THRESHOLD):
                self._offer(m, self._mentions[other])
            _file(self._coarse, m.date, m)
        elif m.precision == 3:
            month = m.date[:7]
            for other in self._near(m, [self._coarse.get(month)], THRESHOLD):
                self._offer(self._mentions[other], m)
            _file(self._finer, month, m)

    def _near(
        self, m: EventMention, tables: list[StemTable[MentionKey] | None], threshold: float
    ) -> list[MentionKey]:
        return overlapping(tables, m.stems, self._totals, threshold)

    def _offer(self, coarse: EventMention, fine: EventMention) -> None:
        score = link_score(coarse, fine)
        if score:
            choice = _choice(score, fine)
            old = self._best.get(coarse.key)
            if old is None or choice > old:
                self._best[coarse.key] = choice

    def _find_conflicts(self, m: EventMention) -> None:
        """Pair ``m`` with events of nearby, incompatible dates that describe the same happening."""
        months = [mo for mo in dates.months_around(m.date, CONFLICT_MONTHS) if mo != m.date[:7]]
        tables = [self._coarse.get(mo) for mo in months]  # month-precise events of the neighbouring months
        if m.precision == 3:
            tables += [self._same_day.get(d) for d in dates.days_around(m.date, CONFLICT_DAYS)]
        else:
            tables += [self._finer.get(mo) for mo in months]  # day-precise events of the neighbouring months
        for other in self._near(m, tables, CONFLICT):
            if conflicting(m, self._mentions[other]):
                self._conflicts.add((min(m.key, other), max(m.key, other)))

    # ------------------------------------------------------------------ result

    def result(self) -> Timeline:
        """The timeline in order, each entry with its events, and the date conflicts between entries."""
        groups = self._uf.groups()
        home: dict[MentionKey, MentionKey] = {}
        for root in groups:
            self._settle(root, groups, home)
        merged: dict[MentionKey, list[EventMention]] = {}
        for root, keys in groups.items():
            merged.setdefault(home[root], []).extend(self._mentions[k] for k in keys)
        cache, self._entries = self._entries, {}
        built = [self._entry(ms, cache) for ms in merged.values()]
        built.sort(key=lambda g: _entry_order(g.entry))
        position = {home[self._uf.find(g.mentions[0].key)]: i for i, g in enumerate(built)}
        conflicts = [
            (position[home[self._uf.find(a)]], position[home[self._uf.find(b)]])
            for a, b in sorted(self._conflicts)
        ]
        return Timeline(built, conflicts)

    def _entry(
        self, mentions: list[EventMention], cache: dict[tuple[MentionKey, ...], EntryGroup]
    ) -> EntryGroup:
        """The entry of these events, reused from the last result when they are the same events."""
        ms = sorted(mentions, key=lambda m: m.key)
        keys = tuple(m.key for m in ms)
        group = cache.get(keys) or EntryGroup(entry(ms), ms)
        self._entries[keys] = group
        e = group.entry
        return EntryGroup(
            TimelineEntry.model_construct(date=e.date, what=e.what, articles=list(e.articles)), ms
        )

    def _settle(
        self, root: MentionKey, groups: dict[MentionKey, list[MentionKey]], home: dict[MentionKey, MentionKey]
    ) -> MentionKey:
        """The root of the entry a group of same-date events ends in (following month -> day)."""
        if root in home:
            return home[root]
        choices = [self._best[k] for k in groups[root] if k in self._best]
        home[root] = root
        if choices:
            home[root] = self._settle(self._uf.find(max(choices).target), groups, home)
        return home[root]


def entry(mentions: Iterable[EventMention]) -> TimelineEntry:
    ms = sorted(mentions, key=lambda m: m.key)
    date = max((m.date for m in ms), key=len)
    precise = [m for m in ms if m.date == date]
    rep = precise[central([m.stems for m in precise])]
    return TimelineEntry(date=date, what=rep.what, articles=sorted({m.article for m in ms}))


def _entry_order(e: TimelineEntry) -> tuple[str, str, list[str]]:
    return e.date, e.what, e.articles
