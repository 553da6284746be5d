"""The incremental consolidator: indexes updated per article, the picture built on demand."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

from briefings.consolidate import dates, discrepancies
from briefings.consolidate.agreements import AgreementIndex
from briefings.consolidate.figures import FigureIndex
from briefings.consolidate.issues import IssueIndex
from briefings.consolidate.people import PeopleIndex, PersonCluster
from briefings.consolidate.quotes import QuoteIndex
from briefings.consolidate.spelling import SpellingIndex
from briefings.consolidate.text import fold
from briefings.consolidate.timeline import TimelineIndex
from briefings.models import ArticleSummary, Consolidated, Discrepancy, PersonRecord


def reference_date(summary: ArticleSummary) -> str | None:
    """The article's day: its reference date, else its stated date (day precision or None)."""
    for candidate in (summary.reference_date, summary.published):
        day = dates.normalize(candidate)
        if day is not None and dates.precision(day) == 3:
            return day
    return None


def _fingerprint(summary: ArticleSummary) -> str:
    """A digest of the summary that stays the same across processes (a pickled consolidator lives on)."""
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

    def result(self) -> Consolidated:
        clusters = self._people.clusters()
        issues = self._issues.records()
        timeline = self._timeline.result()
        found: list[Discrepancy] = [d for c in clusters for d in discrepancies.person(c)]
        found += discrepancies.event_dates(timeline)
        found += discrepancies.statuses(issues)
        found += discrepancies.quotes(self._quotes, discrepancies.speaker_names(clusters))
        found += discrepancies.figures(self._figures.groups())
        found += discrepancies.spellings(self._spelling.groups())
        return Consolidated(
            officials=_officials(clusters),
            agreements=self._agreements.records(),
            issues=issues,
            timeline=[g.entry for g in timeline.groups],
            discrepancies=discrepancies.ordered(found),
        )


def _officials(clusters: Sequence[PersonCluster]) -> list[PersonRecord]:
    records = [c.record() for c in clusters]
    return sorted(records, key=lambda r: (-len(r.articles), fold(r.name), r.name, r.articles))


def consolidate(summaries: Sequence[ArticleSummary]) -> Consolidated:
    """One picture of many articles: the same as adding them one by one to a :class:`Consolidator`."""
    consolidator = Consolidator()
    for summary in summaries:
        consolidator.add(summary)
    return consolidator.result()
