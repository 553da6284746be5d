"""The brief: built from a beat's picture in named steps, first screen included.

Every line a reader sees is an event line (``briefings.eventlines``: one event, at most 120
characters, in the sentence's own words) carrying the ids of the articles it comes from. The
steps of :func:`build_brief`: what the brief covers (:class:`Scope`), its agreements and issues,
its timeline split into what happened and what is coming up, its people, then every event line in
one batch, the sections, the numbered sources, the lead and the first screen
(:mod:`briefings.first_screen`). Digests and profiles are finished with event lines in
:mod:`briefings.digest_lines` and :mod:`briefings.profile_lines`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefings.brief_lines import (
    LineKey,
    PendingLines,
    days_before,
    default_lines,
    mentions,
    planned,
    surname,
    unique_events,
    whole,
)
from briefings.consolidate.discrepancies import FACT_KINDS
from briefings.digest_lines import finish_digest
from briefings.extract.topics import Taxonomy
from briefings.first_screen import first_screen, lead
from briefings.issue_lines import (
    STATUS_ORDER,
    IssueKey,
    StepKey,
    about,
    issue_candidates,
    issue_history,
    issue_line,
    short_label,
)
from briefings.lines import LineMaker
from briefings.models import Consolidated, IssueRecord, PersonRecord, TimelineEntry
from briefings.profile_lines import finish_profile
from briefings.views import (
    MAX_AGREEMENTS,
    MAX_DISCREPANCIES,
    MAX_OFFICIALS,
    MAX_TIMELINE,
    AgreementLine,
    ArticleMeta,
    Brief,
    ComingUpLine,
    DiscrepancyLine,
    IssueLine,
    OfficialLine,
    SourceLine,
    TimelineLine,
    agreement_line,
    discrepancy_line,
    newest_first,
    on_or_after,
    timeline_line,
)

# finish_digest, finish_profile and short_label were defined here; callers import them from here
__all__ = ["LineMaker", "Scope", "build_brief", "finish_digest", "finish_profile", "short_label"]

CITED_PER_LINE = 2  # a line links its newest sources, at most this many (the templates' cite())
LATEST_DAYS = 365  # a person's "latest" line is no older than this before the newest article
MAX_COMING_UP = 10
DUE_DAYS = 14  # a scheduled event this many days past is dropped rather than marked as due
ACTORS = 20  # a timeline line keeps the clause about one of this many most cited people

#: a planned event, whether it is due, and the line asked for it
Planned = tuple[TimelineEntry, bool, LineKey]
#: a person's recent entries, each with the line asked for it about them
Latest = list[tuple[TimelineEntry, LineKey]]


@dataclass(frozen=True)
class Scope:
    """What a brief covers: one topic (or the whole beat), on or after a day (or from the start)."""

    topic: str | None
    since: str | None
    articles: set[str] | None  # the topic's articles; None for the whole beat

    def keeps(self, topic: str | None) -> bool:
        return self.topic is None or topic == self.topic

    def covers(self, articles: Iterable[str]) -> bool:
        return self.articles is None or bool(self.articles.intersection(articles))


def build_brief(
    picture: Consolidated,
    meta: Mapping[str, ArticleMeta],
    labels: Mapping[str, str],
    *,
    topic: str | None = None,
    since: dt.date | None = None,
    beat: str = "Briefing",
    today: dt.date | None = None,
    lines: LineMaker | None = None,
    taxonomy: Taxonomy | None = None,
) -> Brief:
    """The brief of a picture (``meta``: the beat's articles), for one topic or the whole beat.

    ``today`` decides what is still coming up; ``lines`` makes event lines (default: the parser's,
    remembered per sentence); ``taxonomy`` (the beat's topics) makes sure an issue's line is about
    that issue."""
    pending = PendingLines(default_lines(lines))
    scope = _scope(picture, topic, since)
    agreements = _agreements(picture, meta, labels, scope)
    issue_records = _issue_records(picture, scope)

    # the lines the brief needs, asked for first and made in one parse
    entries = unique_events(
        [t for t in picture.timeline if on_or_after(t.date, scope.since) and scope.covers(t.articles)]
    )
    as_of = _as_of(meta)
    coming = _coming_up(entries, meta, today, pending)
    happened = _happened(entries, meta, as_of, scope, taxonomy)
    shown_timeline = happened[-MAX_TIMELINE:]
    timeline_keys = _want_timeline(shown_timeline, picture.officials, pending)
    cited = _people(picture, meta, scope)
    people = cited[:MAX_OFFICIALS]
    latest = _want_latest(people, happened, as_of, pending)
    issue_keys = {r.topic: issue_candidates(r, pending, taxonomy) for r in issue_records}
    histories = {r.topic: issue_history(r, pending, taxonomy) for r in issue_records}
    pending.run()

    label = labels.get(topic, topic) if topic else None
    brief = Brief(
        title=f"{beat}: {label}" if label else beat,
        topic=topic,
        topic_label=label,
        since=scope.since,
        as_of=as_of,
        officials=[_official(p, latest[p.name], pending) for p in people],
        officials_more=len(cited) - len(people),
        agreements=agreements[:MAX_AGREEMENTS],
        issues=_issues(issue_records, labels, issue_keys, histories, pending, taxonomy),
        timeline=_timeline(shown_timeline, timeline_keys, pending),
        discrepancies=_discrepancies(picture, meta, scope),
        coming_up=_coming_up_lines(coming, pending),
    )
    _cite(brief, meta, scope)
    lead_lines = lead(brief)
    brief.lead = [text for text, _ in lead_lines]
    brief.lead_sources = [ids for _, ids in lead_lines]
    brief.first_screen = first_screen(brief, len(agreements))
    return brief


# --------------------------------------------------------------------------- what the brief covers


def _scope(picture: Consolidated, topic: str | None, since: dt.date | None) -> Scope:
    """A topic covers the articles of its agreements and of its issues' facts."""
    articles: set[str] | None = None
    if topic is not None:
        articles = set()
        for a in picture.agreements:
            if a.topic == topic:
                articles.update(a.articles)
        for i in picture.issues:
            if i.topic == topic:
                articles.update(h.article for h in i.history)
    return Scope(topic=topic, since=since.isoformat() if since else None, articles=articles)


def _agreements(
    picture: Consolidated, meta: Mapping[str, ArticleMeta], labels: Mapping[str, str], scope: Scope
) -> list[AgreementLine]:
    """Every agreement in scope, the most reported first (the brief shows the first few)."""
    agreements = [
        agreement_line(a, meta, labels)
        for a in picture.agreements
        if scope.keeps(a.topic) and on_or_after(a.latest or a.first, scope.since)
    ]
    agreements.sort(key=lambda a: (-a.outlets, newest_first(a.latest or a.first), a.text))
    return agreements


def _issue_records(picture: Consolidated, scope: Scope) -> list[IssueRecord]:
    return [
        i
        for i in picture.issues
        if scope.keeps(i.topic)
        and (scope.since is None or any(on_or_after(h.date, scope.since) for h in i.history))
    ]


def _as_of(meta: Mapping[str, ArticleMeta]) -> str | None:
    """The newest article's date."""
    dates = [m.published for m in meta.values() if m.published]
    return max(dates) if dates else None


def _happened(
    entries: list[TimelineEntry],
    meta: Mapping[str, ArticleMeta],
    as_of: str | None,
    scope: Scope,
    taxonomy: Taxonomy | None,
) -> list[TimelineEntry]:
    """What the articles report as done (what they announce for later is coming up, or was due);
    a topic's brief keeps the lines about the topic when there are any."""
    happened = [e for e in entries if not planned(e, meta) and (as_of is None or e.date[:10] <= as_of)]
    if scope.topic is not None and taxonomy is not None:
        about_topic = [e for e in happened if scope.topic in taxonomy.topic_set(whole(e))]
        happened = about_topic or happened
    return happened


def _people(picture: Consolidated, meta: Mapping[str, ArticleMeta], scope: Scope) -> list[PersonRecord]:
    """The people in scope, most cited first."""
    people = [
        p
        for p in picture.officials
        if scope.covers(p.articles)
        and (
            scope.since is None
            or any(on_or_after(meta[a].published, scope.since) for a in p.articles if a in meta)
        )
    ]
    people.sort(key=lambda p: (-len(p.articles), p.name))
    return people


def _discrepancies(
    picture: Consolidated, meta: Mapping[str, ArticleMeta], scope: Scope
) -> list[DiscrepancyLine]:
    """Where sources disagree on a fact (not on a name or a wording)."""
    items = [d for d in picture.discrepancies if d.kind in FACT_KINDS and scope.covers(d.details)]
    return [discrepancy_line(d, meta) for d in items[:MAX_DISCREPANCIES]]


# --------------------------------------------------------------------------- lines asked for


def _coming_up(
    entries: Sequence[TimelineEntry],
    meta: Mapping[str, ArticleMeta],
    today: dt.date | None,
    lines: PendingLines,
) -> list[Planned]:
    """Planned events not long past ``today`` (entry, due, line key), soonest first."""
    out = []
    horizon = (today - dt.timedelta(days=DUE_DAYS)).isoformat() if today else None
    now = today.isoformat() if today else None
    for e in entries:
        if not planned(e, meta):
            continue
        if horizon is not None and e.date[:10] < horizon[: len(e.date)]:
            continue
        due = now is not None and e.date[:10] < now[: len(e.date)]
        out.append((e, due, lines.want(whole(e))))
    out.sort(key=lambda x: (x[0].date, x[0].what))
    return out[:MAX_COMING_UP]


def _want_timeline(
    shown: Sequence[TimelineEntry], officials: Sequence[PersonRecord], lines: PendingLines
) -> list[LineKey]:
    """A line per timeline entry, about the most cited person its sentence names ("the visit to
    New Delhi of Foreign Minister X" keeps X)."""
    actors = sorted(officials, key=lambda p: (-len(p.articles), p.name))[:ACTORS]
    return [lines.want(whole(e), _actor_in(whole(e), actors)) for e in shown]


def _actor_in(sentence: str, people: Sequence[PersonRecord]) -> str | None:
    """The surname of the first of ``people`` the sentence names."""
    for person in people:
        if mentions(sentence, person):
            return surname(person)
    return None


def _want_latest(
    people: Sequence[PersonRecord], happened: Sequence[TimelineEntry], as_of: str | None, lines: PendingLines
) -> dict[str, Latest]:
    """Per person, lines about them from their newest entries of the last ``LATEST_DAYS`` days."""
    recent_floor = days_before(as_of, LATEST_DAYS) if as_of else ""
    recent = [e for e in happened if e.date[:10] >= recent_floor[: len(e.date[:10])]]
    return {p.name: [(e, lines.want(whole(e), surname(p))) for e in _latest_of(p, recent)] for p in people}


def _latest_of(person: PersonRecord, timeline: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The newest timeline entries from the person's articles that name them (newest first)."""
    mine = set(person.articles)
    return [e for e in reversed(timeline) if mine.intersection(e.articles) and mentions(whole(e), person)][:3]


# --------------------------------------------------------------------------- sections, with their lines


def _timeline(
    shown: Sequence[TimelineEntry], keys: Sequence[LineKey], lines: PendingLines
) -> list[TimelineLine]:
    return [timeline_line(e, lines[k]) for e, k in zip(shown, keys, strict=True) if lines[k]]


def _coming_up_lines(coming: Sequence[Planned], lines: PendingLines) -> list[ComingUpLine]:
    return [
        ComingUpLine(
            date=e.date,
            what=lines[k],
            sources=list(e.articles),
            count=len(e.articles),
            due=due,
            sentence=whole(e),
        )
        for e, due, k in coming
        if lines[k]
    ]


def _issues(
    records: Sequence[IssueRecord],
    labels: Mapping[str, str],
    keys: Mapping[str, list[IssueKey]],
    histories: Mapping[str, list[StepKey]],
    lines: PendingLines,
    taxonomy: Taxonomy | None,
) -> list[IssueLine]:
    """Each issue with the line of its newest fact about it, open first, then the newest."""
    issues = [
        issue_line(
            r, labels, about(r.topic, keys[r.topic], lines, taxonomy), histories[r.topic], lines, taxonomy
        )
        for r in records
    ]
    issues.sort(key=lambda i: (STATUS_ORDER.get(i.status, 3), newest_first(i.date), i.label))
    return issues


def _official(person: PersonRecord, candidates: Latest, lines: PendingLines) -> OfficialLine:
    """The person's line, with the newest event line that names them (or none)."""
    chosen: tuple[TimelineEntry, str] | None = None
    for entry, key in candidates:
        if mentions(lines[key], person):
            chosen = (entry, lines[key])
            break
    title = (
        person.titles_seen[-1].title if person.titles_seen else (person.titles[0] if person.titles else None)
    )
    return OfficialLine(
        name=person.name,
        title=title,
        country=person.country,
        latest=f"{chosen[0].date}: {chosen[1]}" if chosen else None,
        mentions=len(person.articles),
        sources=list(chosen[0].articles) if chosen else [],
        aliases=list(person.aliases),
        sentence=whole(chosen[0]) if chosen else None,
    )


def _cite(brief: Brief, meta: Mapping[str, ArticleMeta], scope: Scope) -> None:
    """Order each line's sources newest first; number the articles the lines cite (the newest
    ``CITED_PER_LINE`` of each, newest first) and list them as the brief's sources."""

    def newest(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda a: (meta[a].published or "" if a in meta else "", a), reverse=True)

    cited: set[str] = set()
    every: set[str] = set()
    items: list[Any] = [
        item
        for group in (
            brief.officials,
            brief.agreements,
            brief.issues,
            brief.timeline,
            brief.discrepancies,
            brief.coming_up,
        )
        for item in group
    ]
    items += [step for issue in brief.issues for step in issue.history]
    for item in items:
        item.sources = newest(item.sources)
        cited.update(item.sources[:CITED_PER_LINE])
        every.update(item.sources)
    listed = sorted(
        (meta[k] for k in cited if k in meta), key=lambda m: (m.published or "", m.title), reverse=True
    )
    brief.sources = [
        SourceLine(title=m.title, outlet=m.outlet, published=m.published, url=m.url, id=m.id, number=n)
        for n, m in enumerate(listed, start=1)
    ]
    relevant = (
        set(scope.articles)
        if scope.articles is not None
        else {a for a in meta if on_or_after(meta[a].published, scope.since)}
    )
    brief.articles = len(relevant | every)
