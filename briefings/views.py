"""View models: what a briefing shows, built from the consolidated picture. No formatting here.

Every view is a pydantic model rendered by templates (Telegram HTML and plain text) or printed
as JSON. Builders are pure functions of the picture, the article index and the topic labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from briefings.models import (
    AgreementRecord,
    ArticleSummary,
    Consolidated,
    Discrepancy,
    IssueRecord,
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


class OfficialLine(View):
    name: str
    title: str | None = None
    country: str | None = None
    latest: str | None = None  # latest action or remark, one line
    mentions: int = 0
    sources: list[str] = Field(default_factory=list)  # ids of the articles the latest line comes from


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
    latest: str | None = None
    date: str | None = None
    sources: list[str] = Field(default_factory=list)  # ids of the articles the latest line comes from


class TimelineLine(View):
    date: str
    what: str
    sources: list[str] = Field(default_factory=list)  # ids of the articles reporting it
    count: int = 1  # how many articles report it


class DiscrepancyLine(View):
    about: str
    details: list[tuple[str, str]] = Field(default_factory=list)  # (source label, what it says)
    sources: list[str] = Field(default_factory=list)  # ids of the articles that disagree


class Brief(View):
    title: str
    topic: str | None = None
    topic_label: str | None = None
    since: str | None = None
    lead: list[str] = Field(default_factory=list)
    lead_sources: list[list[str]] = Field(default_factory=list)  # per lead line: ids of its articles
    officials: list[OfficialLine] = Field(default_factory=list)
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
    evidence: str | None = None


class Digest(View):
    since: str
    until: str
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


def _on_or_after(date: str | None, since: str | None) -> bool:
    """Partial dates ("2025-06") count as on or after a day in that month."""
    if since is None:
        return True
    if not date:
        return False
    return date >= since[: len(date)]


def _source_label(meta: Mapping[str, ArticleMeta], article: str) -> str:
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


def _issue_line(record: IssueRecord, labels: Mapping[str, str]) -> IssueLine:
    latest = record.history[-1] if record.history else None
    return IssueLine(
        topic=record.topic,
        label=labels.get(record.topic, record.topic),
        status=record.status,
        status_label=STATUS_LABEL.get(record.status, record.status),
        latest=(latest.evidence or None) if latest else None,
        date=latest.date if latest else None,
        sources=[latest.article] if latest else [],
    )


def _person_latest(person: PersonRecord, timeline: Sequence[TimelineEntry]) -> TimelineEntry | None:
    forms = [person.name, *person.aliases]
    surname = person.name.split()[-1] if person.name.split() else person.name
    for entry in reversed(timeline):
        if any(form in entry.what for form in forms) or surname in entry.what.split():
            return entry
    return None


def _official_line(person: PersonRecord, timeline: Sequence[TimelineEntry]) -> OfficialLine:
    latest = _person_latest(person, timeline)
    return OfficialLine(
        name=person.name,
        title=(
            person.titles_seen[-1].title
            if person.titles_seen
            else (person.titles[0] if person.titles else None)
        ),
        country=person.country,
        latest=f"{latest.date}: {latest.what}" if latest else None,
        mentions=len(person.articles),
        sources=list(latest.articles) if latest else [],
    )


def _timeline_line(entry: TimelineEntry) -> TimelineLine:
    return TimelineLine(
        date=entry.date, what=entry.what, sources=list(entry.articles), count=len(entry.articles)
    )


def _discrepancy_line(item: Discrepancy, meta: Mapping[str, ArticleMeta]) -> DiscrepancyLine:
    return DiscrepancyLine(
        about=item.about,
        details=[(_source_label(meta, a), says) for a, says in sorted(item.details.items())],
        sources=sorted(item.details),
    )


def _lead(brief: Brief, timeline: Sequence[TimelineLine], today: str | None) -> list[tuple[str, list[str]]]:
    """2–4 sentences, each with the ids of its articles: who met most recently, what was agreed,
    what is open, what is moving."""
    sentences: list[tuple[str, list[str]]] = []
    past = [t for t in timeline if today is None or t.date[:10] <= today]
    meeting = max(
        (t for t in past if _is_meeting(t.what)),
        key=lambda t: (t.date[:7], t.count, t.date),
        default=None,
    )
    if meeting is not None:
        sentences.append((f"Latest ({meeting.date}): {_sentence(meeting.what)}", list(meeting.sources)))
    elif brief.officials:
        names = ", ".join(o.name for o in brief.officials[:3])
        sentences.append((f"Most cited: {names}.", []))
    if brief.agreements:
        top = sorted(brief.agreements, key=lambda a: (-a.outlets, _neg(a.latest), a.text))[:3]
        agreed = "; ".join(a.text.rstrip(".") for a in top)
        sentences.append((f"Agreed: {agreed}.", sorted({i for a in top for i in a.sources}, key=_id_order)))
    open_ = [i for i in brief.issues if i.status == "open"]
    moving = [i for i in brief.issues if i.status == "progress"]
    for label, issues in (("Still open", open_), ("In progress", moving)):
        if issues:
            ids = sorted({a for i in issues for a in i.sources}, key=_id_order)
            sentences.append((f"{label}: {'; '.join(i.label for i in issues)}.", ids))
    return sentences[:4]


def _id_order(article: str) -> tuple[int, str]:
    return (int(article), article) if article.isdigit() else (1 << 62, article)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def _neg(date: str | None) -> tuple[int, ...]:
    """Sort key for newest first."""
    return tuple(-int(part) for part in (date or "0").split("-") if part.isdigit())


_MEETING_WORDS = ("met ", "meet ", "meets ", "talks", "visit", "meeting", "held ")


def _is_meeting(what: str) -> bool:
    lowered = f" {what.lower()} "
    return any(word in lowered for word in _MEETING_WORDS)


# --------------------------------------------------------------------------- builders


def build_brief(
    picture: Consolidated,
    meta: Mapping[str, ArticleMeta],
    labels: Mapping[str, str],
    *,
    topic: str | None = None,
    since: dt.date | None = None,
    beat: str = "Briefing",
) -> Brief:
    since_s = since.isoformat() if since else None

    def keep_topic(t: str | None) -> bool:
        return topic is None or t == topic

    agreements = [
        agreement_line(a, meta, labels)
        for a in picture.agreements
        if keep_topic(a.topic) and _on_or_after(a.latest or a.first, since_s)
    ]
    agreements.sort(key=lambda a: (-a.outlets, _neg(a.latest or a.first), a.text))
    issues = [
        _issue_line(i, labels)
        for i in picture.issues
        if keep_topic(i.topic) and (since_s is None or any(_on_or_after(h.date, since_s) for h in i.history))
    ]
    order = {"open": 0, "progress": 1, "resolved": 2}
    issues.sort(key=lambda i: (order.get(i.status, 3), i.label))
    relevant_articles: set[str] = set()
    if topic is not None:
        for a in picture.agreements:
            if a.topic == topic:
                relevant_articles.update(a.articles)
        for i in picture.issues:
            if i.topic == topic:
                relevant_articles.update(h.article for h in i.history)
    timeline_entries = [
        t
        for t in picture.timeline
        if _on_or_after(t.date, since_s) and (topic is None or relevant_articles.intersection(t.articles))
    ]
    people = [
        p
        for p in picture.officials
        if (topic is None or relevant_articles.intersection(p.articles))
        and (
            since_s is None or any(_on_or_after(meta[a].published, since_s) for a in p.articles if a in meta)
        )
    ]
    people.sort(key=lambda p: (-len(p.articles), p.name))
    recent_timeline = timeline_entries[-200:]
    officials = [_official_line(p, recent_timeline) for p in people[:MAX_OFFICIALS]]
    discrepancy_items = [
        d for d in picture.discrepancies if topic is None or relevant_articles.intersection(d.details)
    ][:MAX_DISCREPANCIES]
    shown_agreements = agreements[:MAX_AGREEMENTS]
    shown_timeline = timeline_entries[-MAX_TIMELINE:]
    # every article behind what the brief says, and the newest of them listed as sources
    relevant = set(relevant_articles)
    if topic is None:
        relevant = {a for a in meta if _on_or_after(meta[a].published, since_s)}
    shown: set[str] = set()
    for record in picture.agreements:
        if keep_topic(record.topic) and _on_or_after(record.latest or record.first, since_s):
            shown.update(record.articles)
    for entry in shown_timeline:
        shown.update(entry.articles)
    for item in discrepancy_items:
        shown.update(item.details)
    listed = sorted(
        (meta[k] for k in shown if k in meta),
        key=lambda m: (m.published or "", m.title),
        reverse=True,
    )[:MAX_SOURCES]
    sources = [SourceLine(title=m.title, outlet=m.outlet, published=m.published, url=m.url) for m in listed]
    label = labels.get(topic, topic) if topic else None
    brief = Brief(
        title=f"{beat}: {label}" if label else beat,
        topic=topic,
        topic_label=label,
        since=since_s,
        officials=officials,
        agreements=shown_agreements,
        issues=issues,
        timeline=[_timeline_line(t) for t in shown_timeline],
        discrepancies=[_discrepancy_line(d, meta) for d in discrepancy_items],
        sources=sources,
        articles=len(relevant | shown),
    )
    dates = [m.published for m in meta.values() if m.published]
    lead = _lead(brief, brief.timeline, max(dates) if dates else None)
    brief.lead = [text for text, _ in lead]
    brief.lead_sources = [ids for _, ids in lead]
    return brief


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
        _timeline_line(t)
        for t in picture.timeline
        if articles.intersection(t.articles)
        and (any(f in t.what for f in forms) or surname in t.what.split())
    ]
    agreements = [
        agreement_line(a, meta, labels) for a in picture.agreements if articles.intersection(a.articles)
    ]
    quote_lines = [
        QuoteLine(
            text=q.text, outlet=_source_label(meta, art), date=meta[art].published if art in meta else None
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
    relevant = {s.article for s in new if not wanted or any(i.topic in wanted for i in s.issues)}
    if not wanted:
        relevant = new_ids
    articles = [
        SourceLine(title=m.title, outlet=m.outlet, published=m.published, url=m.url)
        for k, m in meta.items()
        if k in relevant
    ]
    articles.sort(key=lambda s: (s.published or "", s.title), reverse=True)
    agreements = [
        agreement_line(a, meta, labels)
        for a in picture.agreements
        if keep(a.topic) and a.articles and set(a.articles) <= new_ids
    ]
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
                )
            )
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
    discrepancies = [
        _discrepancy_line(d, meta)
        for d in picture.discrepancies
        if relevant.intersection(d.details) and len(d.details) >= 2
    ]
    return Digest(
        since=_moment(since, zone),
        until=_moment(until, zone),
        new_articles=articles,
        agreements=agreements[:MAX_AGREEMENTS],
        status_changes=changes,
        quotes=quotes[:8],
        discrepancies=discrepancies[:MAX_DISCREPANCIES],
    )
