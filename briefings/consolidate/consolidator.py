"""The incremental consolidator: indexes updated per article, the picture built on demand."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, TypeVar

from briefings.consolidate import dates, discrepancies
from briefings.consolidate.agreements import AgreementIndex
from briefings.consolidate.figures import FigureIndex, FigureMention
from briefings.consolidate.issues import IssueIndex
from briefings.consolidate.memo import Memo, fresh
from briefings.consolidate.people import MentionKey, PeopleIndex, PersonCluster
from briefings.consolidate.quotes import QuoteIndex
from briefings.consolidate.spelling import SpellingIndex
from briefings.consolidate.text import fold
from briefings.consolidate.timeline import TimelineIndex
from briefings.models import ArticleSummary, Consolidated, Discrepancy, PersonRecord

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def reference_date(summary: ArticleSummary) -> str | None:
    """The article's day: its reference date, else its stated date (day precision or None)."""
    for candidate in (summary.reference_date, summary.published):
        day = dates.normalize(candidate)
        if day is not None and dates.precision(day) == 3:
            return day
    return None


def _fingerprint(summary: ArticleSummary) -> str:
    """A digest of the summary that stays the same across processes (a stored state lives on)."""
    return hashlib.blake2b(summary.model_dump_json().encode(), digest_size=16).hexdigest()


def _texts(summary: ArticleSummary) -> Iterator[str]:
    """The free text of a summary in which named things are spelt."""
    for event in summary.events:
        yield event.what
        yield event.evidence
    yield from (a.text for a in summary.agreements)
    yield from (i.evidence for i in summary.issues)
    yield from (q.text for q in summary.quotes)
    yield from (f.what for f in summary.figures)


class Consolidator:
    """Merges article summaries one at a time; :meth:`result` is the same whatever the order.

    Adding an article updates indexes (by name form and surname, topic and month, date and
    stem, speaker and day) and compares it only with what those indexes return, so the cost
    of :meth:`add` grows with the overlap, not with the number of articles.
    """

    def __init__(self) -> None:
        self._articles: dict[str, str] = {}  # name -> fingerprint of the summary added
        self._people = PeopleIndex()
        self._agreements = AgreementIndex()
        self._issues = IssueIndex()
        self._timeline = TimelineIndex()
        self._quotes = QuoteIndex()
        self._figures = FigureIndex()
        self._spelling = SpellingIndex()
        self._init_memos()

    def __len__(self) -> int:
        return len(self._articles)

    def __contains__(self, article: object) -> bool:
        return article in self._articles

    def add(self, summary: ArticleSummary) -> None:
        """Add one article. The same summary again changes nothing; another one under its name is an error."""
        name, fingerprint = summary.article, _fingerprint(summary)
        if name in self._articles:
            if self._articles[name] == fingerprint:
                return
            raise ValueError(f"another summary of article {name!r} was already added")
        self._articles[name] = fingerprint
        day = reference_date(summary)
        self._people.add(name, day, summary.officials)
        self._agreements.add(name, day, summary.agreements)
        self._issues.add(name, day, summary.issues)
        self._timeline.add(name, summary.events)
        self._quotes.add(name, day, summary.quotes)
        self._figures.add(name, day, summary.figures)
        self._spelling.add(name, (t for t in _texts(summary) if t))

    def state(self) -> dict[str, object]:
        """What the consolidator holds, as plain data (strings, numbers, lists, maps: see state.py):
        what each index was given and what comparing it found, and what the last result built per
        group (``memos``: a new process then builds again only the groups that change). The tables
        that find candidates, which can be worked out again without comparing, are left out."""
        return {
            "memos": self._memos(),
            "articles": list(self._articles.items()),
            "people": self._people.state(),
            "agreements": self._agreements.state(),
            "issues": self._issues.state(),
            "timeline": self._timeline.state(),
            "quotes": self._quotes.state(),
            "figures": self._figures.state(),
            "spelling": self._spelling.state(),
        }

    @classmethod
    def from_state(cls, state: Any) -> Consolidator:
        """The consolidator whose :meth:`state` is ``state``: it gives the same result and goes on
        with more articles exactly as the one that gave it."""
        c = cls()
        c._articles = dict(state["articles"])
        c._people = PeopleIndex.from_state(state["people"])
        c._agreements = AgreementIndex.from_state(state["agreements"])
        c._issues = IssueIndex.from_state(state["issues"])
        c._timeline = TimelineIndex.from_state(state["timeline"])
        c._quotes = QuoteIndex.from_state(state["quotes"])
        c._figures = FigureIndex.from_state(state["figures"])
        c._spelling = SpellingIndex.from_state(state["spelling"])
        c._restore_memos(state["memos"])
        return c

    def _memos(self) -> tuple[object, ...]:
        """The records, entries and discrepancies the last result built per group: their keys as
        plain data, the built values as the JSON of one picture (read back at the speed of the
        picture's parser, not object by object)."""
        flags: list[Discrepancy] = []
        people = []
        for key, (_, found, forms) in _last(self._people_memo):
            people.append((sorted(key), len(found), sorted(forms)))
            flags += found
        dated = []
        for (texts, n), flag in _last(self._dates_memo):
            dated.append((sorted(texts), n, flag is not None))
            flags += [flag] if flag is not None else []
        figures = []
        for key, flag in _last(self._figures_memo):
            root, size, n = key  # (first variant, how many variants, how many mentions): see FigureIndex
            figures.append((root, size, n, flag is not None))
            flags += [flag] if flag is not None else []
        entries = self._timeline.memo_keys()
        issues = self._issues.memo_keys()
        agreements = self._agreements.memo_keys()
        built = Consolidated.model_construct(
            officials=[record for record, _, _ in (v for _, v in _last(self._people_memo))],
            agreements=[record for _, record in agreements],
            issues=[record for _, record in issues],
            timeline=[group.entry for _, group in entries],
            discrepancies=flags,
        )
        keys = (
            people,
            dated,
            figures,
            [k for k, _ in entries],
            [k for k, _ in issues],
            [k for k, _ in agreements],
        )
        return built.model_dump_json().encode("utf-8"), keys

    def _restore_memos(self, memos: Any) -> None:
        """Seed the memos with what :meth:`_memos` stored (keys that no longer hold are left out)."""
        data, (people, dated, figures, entries, issues, agreements) = memos
        built = Consolidated.model_validate_json(data)
        flags = iter(built.discrepancies)
        persons = []
        for (keys, n, forms), record in zip(people, built.officials, strict=True):
            found = [next(flags) for _ in range(n)]
            persons.append((frozenset((a, i) for a, i in keys), (record, found, frozenset(forms))))
        _seed(self._people_memo, persons)
        _seed(
            self._dates_memo,
            [
                ((frozenset((d, w) for d, w in texts), n), next(flags) if flagged else None)
                for texts, n, flagged in dated
            ],
        )
        _seed(
            self._figures_memo,
            [
                ((tuple(root), size, n), next(flags) if flagged else None)
                for root, size, n, flagged in figures
            ],
        )
        self._timeline.restore_memo(zip(entries, built.timeline, strict=True))
        self._issues.restore_memo(zip(issues, built.issues, strict=True))
        self._agreements.restore_memo(zip(agreements, built.agreements, strict=True))

    def result(self) -> Consolidated:
        """The merged picture; groups that did not change since the last result are not built again."""
        clusters = self._people.clusters()
        people = [self._people_memo.get(_person_key(c), partial(_person, c)) for c in clusters]
        issues = self._issues.records()
        timeline = self._timeline.result()
        found: list[Discrepancy] = [d for _, flags, _ in people for d in flags]
        found += discrepancies.event_dates(timeline, self._dates_memo)
        who = _speakers(people)
        found += discrepancies.quotes(self._quotes, who)
        found += discrepancies.speakers(self._quotes, who)
        # variants, labelled as such: the record keeps how sources differ; a reader's view shows facts
        found += discrepancies.wordings(self._quotes, who)
        found += discrepancies.spellings(self._spelling.groups())
        for key, figures in self._figures.keyed_groups():
            flag = self._figures_memo.get(key, partial(_figure_flag, figures))
            if flag is not None:
                found.append(flag)
        for memo in (self._people_memo, self._dates_memo, self._figures_memo):
            memo.done()
        officials = sorted(
            (fresh(record) for record, _, _ in people),
            key=lambda r: (-len(r.articles), fold(r.name), r.name, r.articles),
        )
        return Consolidated.model_construct(
            officials=officials,
            agreements=self._agreements.records(),
            issues=issues,
            timeline=[g.entry for g in timeline.groups],
            discrepancies=[fresh(d) for d in discrepancies.ordered(found)],
        )

    def variants(self) -> Variants:
        """What articles give alike in other forms, which is no disagreement: names of things spelt
        two ways, and one speaker's statement in other words. (Name forms of people are the
        aliases of their records; wordings of one post are their titles.)"""
        clusters = self._people.clusters()
        who = discrepancies.speaker_names(
            discrepancies.speakers_of((c.name, discrepancies.form_keys(c)) for c in clusters)
        )
        quotes = [
            QuoteVariants(who(qs[0]), {q.article: q.text for q in qs})
            for qs in discrepancies.quote_variants(self._quotes, who)
        ]
        return Variants(spellings=[(names, arts) for names, arts in self._spelling.groups()], quotes=quotes)

    def _init_memos(self) -> None:
        self._people_memo: Memo[frozenset[MentionKey], _Person] = Memo()
        self._dates_memo: Memo[tuple[frozenset[tuple[str, str]], int], Discrepancy | None] = Memo()
        self._figures_memo: Memo[object, Discrepancy | None] = Memo()


@dataclass(frozen=True)
class QuoteVariants:
    speaker: str
    wordings: dict[str, str]  # article -> its wording (one per article)


@dataclass(frozen=True)
class Variants:
    """Forms of one thing that differ without disagreeing (see :meth:`Consolidator.variants`)."""

    spellings: list[
        tuple[list[str], dict[str, str]]
    ]  # (spellings of one name, article -> phrases using them)
    quotes: list[QuoteVariants]


def _last(memo: Memo[Any, V]) -> list[tuple[Any, V]]:
    """What the memo kept of the last result."""
    return list(memo._last.items())


def _seed(memo: Memo[K, V], items: Iterable[tuple[K, V]]) -> None:
    """Start ``memo`` as if the last result had built ``items``."""
    memo._last = dict(items)


def _speakers(people: Sequence[_Person]) -> discrepancies.Who:
    return discrepancies.speaker_names(discrepancies.speakers_of((r.name, forms) for r, _, forms in people))


def _figure_flag(mentions: Callable[[], list[FigureMention]]) -> Discrepancy | None:
    return discrepancies.figure(mentions())


def _person_key(cluster: PersonCluster) -> frozenset[MentionKey]:
    return frozenset(map(_KEY, cluster.mentions))


_KEY = attrgetter("key")


_Person = tuple[PersonRecord, list[Discrepancy], frozenset[str]]  # record, discrepancies, name forms


def _person(cluster: PersonCluster) -> _Person:
    flags = discrepancies.person(cluster)
    name = discrepancies.name_forms(cluster)
    return cluster.record(), [*flags, *([name] if name else [])], discrepancies.form_keys(cluster)


def consolidate(summaries: Sequence[ArticleSummary]) -> Consolidated:
    """One picture of many articles: the same as adding them one by one to a :class:`Consolidator`."""
    consolidator = Consolidator()
    for summary in summaries:
        consolidator.add(summary)
    return consolidator.result()
