"""View models: what a briefing shows, built from the consolidated picture. No formatting here.

Every view is a pydantic model rendered by templates (Telegram HTML and plain text) or printed
as JSON. Builders are pure functions of the picture, the article index and the topic labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, Field

from briefings.consolidate.discrepancies import FACT_KINDS
from briefings.models import (
    AgreementRecord,
    ArticleSummary,
    Consolidated,
    Discrepancy,
    PersonRecord,
    Quote,
    TimelineEntry,
)

STATUS_LABEL = {"open": "open", "progress": "in progress", "resolved": "resolved"}
MAX_OFFICIALS = 8
MAX_AGREEMENTS = 10
MAX_TIMELINE = 12
MAX_DISCREPANCIES = 6
MAX_SOURCES = 12


class View(BaseModel):
    pass


class ArticleMeta(View):
    """What a view needs to cite an article."""

    id: str
    title: str
    outlet: str | None = None
    published: str | None = None  # the stated or inferred date
    url: str | None = None


class SourceLine(View):
    title: str
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    id: str | None = None  # the article's id
    number: int | None = None  # how the brief's lines cite it: [number]


class OfficialLine(View):
    name: str
    title: str | None = None
    country: str | None = None
    latest: str | None = None  # "DATE: event line" of their latest action, naming them
    mentions: int = 0
    sources: list[str] = Field(default_factory=list)  # ids of the articles the latest line comes from
    aliases: list[str] = Field(default_factory=list)
    sentence: str | None = None  # the sentence the latest line comes from


class AgreementLine(View):
    text: str
    topic: str | None = None
    topic_label: str | None = None
    outlets: int = 0  # distinct outlets (or articles when outlets are unknown) reporting it
    first: str | None = None
    latest: str | None = None
    sources: list[str] = Field(default_factory=list)  # ids of the articles reporting it


class IssueLine(View):
    topic: str
    label: str
    status: str
    status_label: str
    latest: str | None = None  # the event line of the latest fact on the issue
    date: str | None = None
    sources: list[str] = Field(default_factory=list)  # ids of the articles the latest line comes from
    short: str = ""  # a short label ("Overall ties" for "Overall ties: stabilising and rebuilding relations")
    history: list[IssueStep] = Field(default_factory=list)  # status over time, oldest first
    sentence: str | None = None  # the sentence the latest line comes from


class TimelineLine(View):
    date: str
    what: str  # the event line: one event, at most 120 characters, in the sentence's own words
    sources: list[str] = Field(default_factory=list)  # ids of the articles reporting it
    count: int = 1  # how many articles report it
    sentence: str | None = None  # the sentence the line comes from


class ComingUpLine(View):
    """A planned or scheduled event, dated and sourced."""

    date: str
    what: str
    sources: list[str] = Field(default_factory=list)
    count: int = 1
    due: bool = False  # its date has passed (relative to today) and nothing says it happened
    sentence: str | None = None


class IssueStep(View):
    """One change of an issue's status, with the fact that caused it."""

    date: str | None = None
    status: str
    status_label: str
    what: str | None = None  # the event line of the fact that moved it
    sources: list[str] = Field(default_factory=list)


class DiscrepancyLine(View):
    about: str
    details: list[tuple[str, str]] = Field(default_factory=list)  # (source label, what it says)
    sources: list[str] = Field(default_factory=list)  # ids of the articles that disagree


class FirstScreen(View):
    """What a reader gets in thirty seconds: one message, every other section one tap away."""

    title: str
    as_of: str | None = None  # the newest article's date
    developments: list[TimelineLine] = Field(default_factory=list)  # the 2–3 newest, as event lines
    issues: list[IssueLine] = Field(default_factory=list)  # open or moving, each with one line on why
    other_issues: list[IssueLine] = Field(default_factory=list)  # the rest of them, named only
    agreements: int = 0
    people: list[str] = Field(default_factory=list)  # the key people, most cited first
    coming_up: ComingUpLine | None = None  # the next scheduled event
    empty: bool = False


class Brief(View):
    title: str
    topic: str | None = None
    topic_label: str | None = None
    since: str | None = None
    as_of: str | None = None
    lead: list[str] = Field(default_factory=list)
    lead_sources: list[list[str]] = Field(default_factory=list)  # per lead line: ids of its articles
    first_screen: FirstScreen | None = None
    coming_up: list[ComingUpLine] = Field(default_factory=list)
    officials: list[OfficialLine] = Field(default_factory=list)
    officials_more: int = 0  # people in scope beyond the most cited listed (/who finds them)
    agreements: list[AgreementLine] = Field(default_factory=list)
    issues: list[IssueLine] = Field(default_factory=list)
    timeline: list[TimelineLine] = Field(default_factory=list)
    discrepancies: list[DiscrepancyLine] = Field(default_factory=list)
    sources: list[SourceLine] = Field(default_factory=list)
    articles: int = 0

    @property
    def empty(self) -> bool:
        return not (self.officials or self.agreements or self.issues or self.timeline)


class QuoteLine(View):
    text: str
    outlet: str | None = None
    date: str | None = None


class Profile(View):
    name: str
    aliases: list[str] = Field(default_factory=list)
    country: str | None = None
    titles: list[tuple[str, str | None]] = Field(default_factory=list)  # (title, first date seen)
    quotes: list[QuoteLine] = Field(default_factory=list)
    actions: list[TimelineLine] = Field(default_factory=list)
    agreements: list[AgreementLine] = Field(default_factory=list)
    articles: int = 0


class Candidate(View):
    name: str
    title: str | None = None
    country: str | None = None


class WhoResult(View):
    """A lookup: one profile, several candidates to choose from, or suggestions."""

    query: str
    profile: Profile | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)


class StatusChangeLine(View):
    topic: str
    label: str
    before: str | None
    after: str
    evidence: str | None = None  # the event line of the fact that changed it
    sources: list[str] = Field(default_factory=list)


class Digest(View):
    since: str
    until: str
    title: str = "Digest"
    developments: list[TimelineLine] = Field(default_factory=list)  # new since the last digest, event lines
    due: list[ComingUpLine] = Field(default_factory=list)  # scheduled in the next days
    refs: dict[str, SourceLine] = Field(default_factory=dict)  # article id -> how lines cite it
    new_articles: list[SourceLine] = Field(default_factory=list)
    agreements: list[AgreementLine] = Field(default_factory=list)
    status_changes: list[StatusChangeLine] = Field(default_factory=list)
    quotes: list[tuple[str, QuoteLine]] = Field(default_factory=list)  # (speaker, quote)
    discrepancies: list[DiscrepancyLine] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.new_articles or self.agreements or self.status_changes or self.quotes or self.discrepancies
        )


# --------------------------------------------------------------------------- helpers


def on_or_after(date: str | None, since: str | None) -> bool:
    """Partial dates ("2025-06") count as on or after a day in that month."""
    if since is None:
        return True
    if not date:
        return False
    return date >= since[: len(date)]


def source_label(meta: Mapping[str, ArticleMeta], article: str) -> str:
    info = meta.get(article)
    if info is None:
        return article
    return info.outlet or info.title[:60]


def _outlet_count(meta: Mapping[str, ArticleMeta], articles: Sequence[str]) -> int:
    return len({(meta[a].outlet or f"article {a}") if a in meta else a for a in articles})


def agreement_line(
    record: AgreementRecord, meta: Mapping[str, ArticleMeta], labels: Mapping[str, str]
) -> AgreementLine:
    return AgreementLine(
        text=record.text,
        topic=record.topic,
        topic_label=labels.get(record.topic or "", record.topic),
        outlets=_outlet_count(meta, record.articles),
        first=record.first,
        latest=record.latest,
        sources=list(record.articles),
    )


def timeline_line(entry: TimelineEntry, what: str | None = None) -> TimelineLine:
    """The entry's line; ``what``: its event line (default: the entry's own words)."""
    return TimelineLine(
        date=entry.date,
        what=entry.what if what is None else what,
        sources=list(entry.articles),
        count=len(entry.articles),
        sentence=entry.sentence or entry.what,
    )


def discrepancy_line(item: Discrepancy, meta: Mapping[str, ArticleMeta]) -> DiscrepancyLine:
    return DiscrepancyLine(
        about=item.about,
        details=[(source_label(meta, a), says) for a, says in sorted(item.details.items())],
        sources=sorted(item.details),
    )


def newest_first(date: str | None) -> tuple[int, ...]:
    """Sort key for newest first."""
    return tuple(-int(part) for part in (date or "0").split("-") if part.isdigit())


# --------------------------------------------------------------------------- builders


def build_profile(
    person: PersonRecord,
    picture: Consolidated,
    meta: Mapping[str, ArticleMeta],
    labels: Mapping[str, str],
    quotes: Sequence[tuple[str, Quote]],
) -> Profile:
    """quotes: (article id, quote) pairs already attributed to this person."""
    first_seen: dict[str, str | None] = {}
    for seen in sorted(person.titles_seen, key=lambda t: t.date or "9999"):
        first_seen.setdefault(seen.title, seen.date)
    for title in person.titles:
        first_seen.setdefault(title, None)
    forms = [person.name, *person.aliases]
    surname = person.name.split()[-1] if person.name.split() else person.name
    articles = set(person.articles)
    actions = [
        timeline_line(t)
        for t in picture.timeline
        if articles.intersection(t.articles)
        and (any(f in t.what for f in forms) or surname in t.what.split())
    ]
    agreements = [
        agreement_line(a, meta, labels) for a in picture.agreements if articles.intersection(a.articles)
    ]
    quote_lines = [
        QuoteLine(
            text=q.text, outlet=source_label(meta, art), date=meta[art].published if art in meta else None
        )
        for art, q in quotes
    ]
    quote_lines.sort(key=lambda q: q.date or "", reverse=True)
    return Profile(
        name=person.name,
        aliases=person.aliases,
        country=person.country,
        titles=list(first_seen.items()),
        quotes=quote_lines[:10],
        actions=actions[-10:],
        agreements=agreements[:8],
        articles=len(articles),
    )


def _moment(when: dt.datetime, zone: dt.tzinfo | None) -> str:
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    local = aware.astimezone(zone or dt.UTC)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "UTC")


def build_digest(
    picture: Consolidated,
    meta: Mapping[str, ArticleMeta],
    labels: Mapping[str, str],
    new: Sequence[ArticleSummary],
    *,
    since: dt.datetime,
    until: dt.datetime,
    topics: Sequence[str] = (),
    zone: dt.tzinfo | None = None,
) -> Digest:
    """What changed since a moment: ``new`` are the summaries of articles ingested after it.

    The moments are shown in ``zone`` (the subscriber's time zone), UTC by default.
    """
    wanted = set(topics)

    def keep(topic: str | None) -> bool:
        return not wanted or (topic is not None and topic in wanted)

    new_ids = {s.article for s in new}
    relevant = _relevant(new, wanted)
    agreements = [
        agreement_line(a, meta, labels)
        for a in picture.agreements
        if keep(a.topic) and a.articles and set(a.articles) <= new_ids
    ]
    discrepancies = [
        discrepancy_line(d, meta)
        for d in picture.discrepancies
        if d.kind in FACT_KINDS and relevant.intersection(d.details) and len(d.details) >= 2
    ]
    return Digest(
        since=_moment(since, zone),
        until=_moment(until, zone),
        new_articles=_new_articles(meta, relevant),
        agreements=agreements[:MAX_AGREEMENTS],
        status_changes=_status_changes(picture, labels, new_ids, keep),
        quotes=_new_quotes(new, meta, relevant)[:8],
        discrepancies=discrepancies[:MAX_DISCREPANCIES],
    )


def _relevant(new: Sequence[ArticleSummary], topics: set[str]) -> set[str]:
    """The new articles on the wanted topics (every new article when no topic is wanted)."""
    if not topics:
        return {s.article for s in new}
    return {s.article for s in new if any(i.topic in topics for i in s.issues)}


def _new_articles(meta: Mapping[str, ArticleMeta], relevant: set[str]) -> list[SourceLine]:
    """The relevant new articles, newest first."""
    articles = [
        SourceLine(title=m.title, outlet=m.outlet, published=m.published, url=m.url)
        for k, m in meta.items()
        if k in relevant
    ]
    articles.sort(key=lambda s: (s.published or "", s.title), reverse=True)
    return articles


def _status_changes(
    picture: Consolidated,
    labels: Mapping[str, str],
    new_ids: set[str],
    keep: Callable[[str | None], bool],
) -> list[StatusChangeLine]:
    """Each kept issue whose status the new articles changed, with the fact that changed it."""
    changes: list[StatusChangeLine] = []
    for issue in picture.issues:
        if not keep(issue.topic):
            continue
        old = [h for h in issue.history if h.article not in new_ids]
        fresh = [h for h in issue.history if h.article in new_ids]
        if not fresh:
            continue
        before = old[-1].status if old else None
        after = fresh[-1]
        if after.status != before:
            changes.append(
                StatusChangeLine(
                    topic=issue.topic,
                    label=labels.get(issue.topic, issue.topic),
                    before=STATUS_LABEL.get(before, before) if before else None,
                    after=STATUS_LABEL.get(after.status, after.status),
                    evidence=after.evidence or None,
                    sources=[after.article],
                )
            )
    return changes


def _new_quotes(
    new: Sequence[ArticleSummary], meta: Mapping[str, ArticleMeta], relevant: set[str]
) -> list[tuple[str, QuoteLine]]:
    """(speaker, quote) of the relevant new articles, in their order."""
    quotes: list[tuple[str, QuoteLine]] = []
    for summary in new:
        if summary.article not in relevant:
            continue
        info = meta.get(summary.article)
        for q in summary.quotes:
            if q.speaker:
                quotes.append(
                    (
                        q.speaker,
                        QuoteLine(
                            text=q.text,
                            outlet=info.outlet if info else None,
                            date=info.published if info else None,
                        ),
                    )
                )
    return quotes
