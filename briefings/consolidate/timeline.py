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
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from briefings.consolidate import dates
from briefings.consolidate.postings import StemTable, overlapping
from briefings.consolidate.text import (
    Bag,
    bag,
    boundaries_clash,
    central,
    dice,
    overlap,
    similar,
    stored_bag,
    variants_state,
)
from briefings.consolidate.unionfind import UnionFind
from briefings.consolidate.variants import Added, Stored, Variant, Variants, one_article
from briefings.models import Event, TimelineEntry

MentionKey = tuple[str, int]
TextKey = tuple[str, str]  # (date, description): one variant

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
    stems: Bag = field(compare=False, repr=False)

    @property
    def article(self) -> str:
        return self.key[0]

    @property
    def precision(self) -> int:
        return dates.precision(self.date)


EventVariant = Variant[TextKey, EventMention]
_EntryKey = tuple[frozenset[TextKey], int]  # an entry's variants and how many mentions they have


def _stems(v: EventVariant) -> Bag:
    return v.mentions[0].stems


def _date(v: EventVariant) -> str:
    return v.key[0]


def link_score(a: EventVariant, b: EventVariant) -> float:
    """How well two events describe one happening (0 when they do not), dates aside."""
    sa, sb = _stems(a), _stems(b)
    if boundaries_clash(sa, sb):
        return 0.0
    return similar(sa, sb, DUPLICATE if one_article(a, b) else THRESHOLD)


def conflicting(a: EventVariant, b: EventVariant) -> bool:
    """One happening given dates that cannot both hold: described alike, not one inside the other."""
    sa, sb = _stems(a), _stems(b)
    if one_article(a, b) or dates.compatible(_date(a), _date(b)) or boundaries_clash(sa, sb):
        return False
    score, shared = overlap(sa, sb, CONFLICT)
    return score >= CONFLICT and shared >= CONFLICT_MIN_SHARED and dice(sa, sb) >= CONFLICT_DICE


@dataclass(frozen=True)
class _Choice:
    """A less precise event's best more precise match: highest score, then most precise, then
    the first variant (by date and text, so that the choice does not depend on the order of
    the articles)."""

    score: float
    precision: int
    target: TextKey

    def beats(self, other: _Choice) -> bool:
        if (self.score, self.precision) != (other.score, other.precision):
            return (self.score, self.precision) > (other.score, other.precision)
        return self.target < other.target


@dataclass
class EntryGroup:
    entry: TimelineEntry
    variants: list[EventVariant]
    key: _EntryKey  # its variants (date, description) and how many mentions they have


@dataclass
class Timeline:
    groups: list[EntryGroup]
    conflicts: list[tuple[int, int]]  # entries (by position) that date one happening differently


class TimelineIndex:
    """Events filed by distinct (date, description): a repeated sentence is compared once."""

    def __init__(self) -> None:
        self._variants: Variants[TextKey, EventMention] = Variants()
        self._totals: dict[TextKey, int] = {}
        self._uf: UnionFind[TextKey] = UnionFind()
        self._same_day: dict[str, StemTable[TextKey]] = {}  # date -> events of exactly that date
        self._finer: dict[str, StemTable[TextKey]] = {}  # month -> day-precise events in it
        self._coarse: dict[str, StemTable[TextKey]] = {}  # month -> month-precise events
        self._best: dict[TextKey, _Choice] = {}
        self._conflicts: UnionFind[TextKey] = UnionFind()  # variants linked by date conflicts
        self._entries: dict[_EntryKey, EntryGroup] = {}  # the entries of the last result
        self._sentences: dict[TextKey, str] = {}  # the whole sentence of a cut description

    def add(self, article: str, events: Sequence[Event]) -> None:
        for i, event in enumerate(events):
            date = dates.normalize(event.date)
            what = event.what.strip()
            if date is None or not what:
                continue
            key = (date, what)
            if event.sentence:  # the smallest of the whole sentences: the same in any order
                seen = self._sentences.get(key)
                self._sentences[key] = event.sentence if seen is None else min(seen, event.sentence)
            known = self._variants.get(key)
            stems = bag(what) if known is None else _stems(known)
            variant, added = self._variants.add(key, article, EventMention((article, i), date, what, stems))
            if added is Added.NEW:
                self._totals[key] = stems.total
                self._uf.add(key)
                self._relate(variant)
                self._file(variant)
            elif added is Added.WIDENED:
                self._relate(variant)

    def state(self) -> tuple[object, ...]:
        """What was added and found, as plain data: each variant with its stems and mentions, the
        links and choices between variants, the whole sentences (see :meth:`from_state`)."""
        return (
            variants_state(self._variants),
            self._uf.state(),
            [(k, c.score, c.precision, c.target) for k, c in self._best.items()],
            self._conflicts.state(),
            list(self._sentences.items()),
        )

    @classmethod
    def from_state(cls, state: Any) -> TimelineIndex:
        """The index :meth:`state` described; the tables it finds variants by are filed again."""
        variants, uf, best, conflicts, sentences = state
        index = cls()
        for key, stems, total, keys in variants:
            key = (key[0], key[1])
            v = index._variants.keep(Stored(key, (stems, total), keys, _mentions))
            index._totals[key] = total
            index._file(v)
        index._uf = UnionFind.from_state(uf)
        index._best = {key: _Choice(score, precision, target) for key, score, precision, target in best}
        index._conflicts = UnionFind.from_state(conflicts)
        index._sentences = dict(sentences)
        return index

    def memo_keys(self) -> list[tuple[tuple[list[TextKey], int], EntryGroup]]:
        """The entries of the last result with their keys as plain data (see :meth:`restore_memo`)."""
        return [((sorted(texts), n), group) for (texts, n), group in self._entries.items()]

    def restore_memo(self, entries: Iterable[tuple[Any, TimelineEntry]]) -> None:
        """Take the entries :meth:`memo_keys` gave as those of the last result; an entry whose
        events have gained mentions since is built again."""
        for (texts, n), built in entries:
            keys = [(d, w) for d, w in texts]
            found = [self._variants.get(k) for k in keys]
            variants = [v for v in found if v is not None]
            if len(variants) == len(keys) and sum(v.count() for v in variants) == n:
                self._entries[frozenset(keys), n] = EntryGroup(built, variants, (frozenset(keys), n))

    def _file(self, v: EventVariant) -> None:
        date = _date(v)
        tables = {2: self._coarse, 3: self._finer}.get(dates.precision(date))
        stems = partial(_stems, v)  # a stored variant's stems are made when its table is first searched
        self._same_day.setdefault(date, StemTable()).add(v.key, stems)
        if tables is not None:
            tables.setdefault(date[:7], StemTable()).add(v.key, stems)

    def _relate(self, v: EventVariant) -> None:
        """Compare ``v`` with the variants filed before it (again, when it gained a second article)."""
        date, precision = _date(v), dates.precision(_date(v))
        if precision >= 2:
            self._find_conflicts(v)
        for other in self._near(v, [self._same_day.get(date)], THRESHOLD):
            if self._uf.find(other) != self._uf.find(v.key) and link_score(v, self._variants[other]):
                self._uf.union(v.key, other)
        if precision == 2:
            for other in self._near(v, [self._finer.get(date)], THRESHOLD):
                self._offer(v, self._variants[other])
        elif precision == 3:
            for other in self._near(v, [self._coarse.get(date[:7])], THRESHOLD):
                self._offer(self._variants[other], v)

    def _near(
        self, v: EventVariant, tables: list[StemTable[TextKey] | None], threshold: float
    ) -> list[TextKey]:
        found = overlapping(tables, _stems(v), self._totals, threshold)
        return [k for k in found if k != v.key]

    def _offer(self, coarse: EventVariant, fine: EventVariant) -> None:
        score = link_score(coarse, fine)
        if score:
            choice = _Choice(score, dates.precision(_date(fine)), fine.key)
            old = self._best.get(coarse.key)
            if old is None or choice.beats(old):
                self._best[coarse.key] = choice

    def _find_conflicts(self, v: EventVariant) -> None:
        """Link ``v`` with events of nearby, incompatible dates that describe the same happening."""
        date = _date(v)
        months = [mo for mo in dates.months_around(date, CONFLICT_MONTHS) if mo != date[:7]]
        tables = [self._coarse.get(mo) for mo in months]  # month-precise events of the neighbouring months
        if dates.precision(date) == 3:
            tables += [self._same_day.get(d) for d in dates.days_around(date, CONFLICT_DAYS)]
        else:
            tables += [self._finer.get(mo) for mo in months]  # day-precise events of the neighbouring months
        for other in self._near(v, tables, CONFLICT):
            if conflicting(v, self._variants[other]):
                self._conflicts.link(v.key, other)

    # ------------------------------------------------------------------ result

    def result(self) -> Timeline:
        """The timeline in order, each entry with its events, and the date conflicts between entries."""
        groups = self._uf.groups()
        home: dict[TextKey, TextKey] = {}
        for root in groups:
            self._settle(root, groups, home)
        merged: dict[TextKey, list[EventVariant]] = {}
        for root, keys in groups.items():
            merged.setdefault(home[root], []).extend(self._variants[key] for key in keys)
        cache, self._entries = self._entries, {}
        built = [self._entry(vs, cache) for vs in merged.values()]
        built.sort(key=lambda g: _entry_order(g.entry))
        position = {home[self._uf.find(g.variants[0].key)]: i for i, g in enumerate(built)}
        conflicts: set[tuple[int, int]] = set()
        for members in self._conflicts.groups().values():
            at = sorted({position[home[self._uf.find(k)]] for k in members})
            conflicts.update((at[0], p) for p in at[1:])
        return Timeline(built, sorted(conflicts))

    def _entry(self, variants: list[EventVariant], cache: dict[_EntryKey, EntryGroup]) -> EntryGroup:
        """The entry of these events, reused from the last result when they are the same events
        (the same variants with as many mentions: mentions are only ever added)."""
        key = (frozenset(v.key for v in variants), sum(v.count() for v in variants))
        group = cache.get(key)
        if group is None:
            group = EntryGroup(entry(m for v in variants for m in v.mentions), variants, key)
        self._entries[key] = group
        e = group.entry
        whole = self._sentences.get((e.date, e.what), "")
        return EntryGroup(
            TimelineEntry.model_construct(
                date=e.date, what=e.what, articles=list(e.articles), sentence=whole
            ),
            group.variants,
            key,
        )

    def _settle(
        self, root: TextKey, groups: dict[TextKey, list[TextKey]], home: dict[TextKey, TextKey]
    ) -> TextKey:
        """The root of the entry a group of same-date events ends in (following month -> day)."""
        if root in home:
            return home[root]
        best: _Choice | None = None
        for key in groups[root]:
            choice = self._best.get(key)
            if choice is not None and (best is None or choice.beats(best)):
                best = choice
        home[root] = root
        if best is not None:
            home[root] = self._settle(self._uf.find(best.target), groups, home)
        return home[root]


def _mentions(key: TextKey, stems: Any, keys: Sequence[MentionKey]) -> list[EventMention]:
    """The mentions of a stored variant (see :class:`Stored`)."""
    b = stored_bag(stems)
    return [EventMention((k[0], k[1]), key[0], key[1], b) for k in keys]


def entry(mentions: Iterable[EventMention]) -> TimelineEntry:
    ms = sorted(mentions, key=lambda m: m.key)
    date = max((m.date for m in ms), key=len)
    precise = [m for m in ms if m.date == date]
    rep = precise[central([m.stems for m in precise])]
    return TimelineEntry(date=date, what=rep.what, articles=sorted({m.article for m in ms}))


def _entry_order(e: TimelineEntry) -> tuple[str, str, list[str]]:
    return e.date, e.what, e.articles
