"""The brief: built from a beat's picture in named steps, first screen included.

Every line a reader sees is an event line (``briefings.eventlines``: one event, at most 120
characters, in the sentence's own words) carrying the ids of the articles it comes from. The first
screen (:class:`FirstScreen`) holds the newest developments, the open and moving issues with one
line on why, the number of agreements, the key people and the next scheduled event; the other
sections sit one tap away.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefings.consolidate.discrepancies import FACT_KINDS
from briefings.eventlines import lexicon, rule_line
from briefings.extract.topics import Taxonomy
from briefings.models import Consolidated, IssueRecord, PersonRecord, StatusChange, TimelineEntry
from briefings.views import (
    MAX_AGREEMENTS,
    MAX_DISCREPANCIES,
    MAX_OFFICIALS,
    MAX_TIMELINE,
    STATUS_LABEL,
    ArticleMeta,
    Brief,
    ComingUpLine,
    Digest,
    FirstScreen,
    IssueLine,
    IssueStep,
    OfficialLine,
    Profile,
    SourceLine,
    TimelineLine,
    agreement_line,
    discrepancy_line,
    newest_first,
    on_or_after,
)

#: one line per sentence; ``focus`` names the person a line should be about (or None)
LineMaker = Callable[[Sequence[str], Sequence[str | None]], list[str]]

DEVELOPMENTS = 3  # newest developments on the first screen
CITED_PER_LINE = 2  # a line links its newest sources, at most this many (the templates' cite())
SCREEN_ISSUES = 3  # issues with a line on why on the first screen; the others are named
SCREEN_PEOPLE = 8
RECENT_DAYS = 10  # developments are chosen among the lines of the newest days
LATEST_DAYS = 365  # a person's "latest" line is no older than this before the newest article
RESOLVED_DAYS = 90  # a resolved issue stays on the first screen this long
MAX_COMING_UP = 10
DUE_DAYS = 14  # a scheduled event this many days past is dropped rather than marked as due
_ORDER = {"open": 0, "progress": 1, "resolved": 2}


@lru_cache(maxsize=2)
def _words(key: str) -> frozenset[str]:
    with Path(__file__).with_name("brief_data.toml").open("rb") as fh:
        return frozenset(str(w) for w in tomllib.load(fh).get(key, []))


def short_label(label: str) -> str:
    """The label up to its first colon or comma ("Overall ties" of "Overall ties: stabilising …")."""
    return re.split(r"[:,;(]", label, maxsplit=1)[0].strip() or label


@dataclass
class _Lines:
    """Sentences waiting for their event lines, made in one batch."""

    make: LineMaker

    def __post_init__(self) -> None:
        self._wanted: dict[tuple[str, str | None], str] = {}

    def want(self, sentence: str, focus: str | None = None) -> tuple[str, str | None]:
        key = (sentence, focus)
        self._wanted.setdefault(key, "")
        return key

    def run(self) -> None:
        keys = [k for k, v in self._wanted.items() if not v]
        if keys:
            made = self.make([s for s, _ in keys], [f for _, f in keys])
            self._wanted.update(zip(keys, made, strict=True))

    def __getitem__(self, key: tuple[str, str | None]) -> str:
        line = self._wanted.get(key) or key[0]
        if _says_nothing(line):  # "X said": what was said did not fit; cut at a clause boundary instead
            line = rule_line(key[0])
        return "" if _says_nothing(line) else line  # no line rather than one that says nothing


def _says_nothing(line: str) -> bool:
    """A line that ends on its reporting verb ("The spokesperson said") has lost what was said."""
    words = line.rstrip(" .,;:").split()
    return bool(words) and words[-1].lower() in lexicon().reporting_verbs


def _whole(entry: TimelineEntry) -> str:
    return entry.sentence or entry.what


def _surname(person: PersonRecord) -> str:
    parts = person.name.split()
    return parts[-1] if parts else person.name


def _names(person: PersonRecord) -> list[str]:
    return [f for f in [person.name, *person.aliases, _surname(person)] if f]


def _mentions(text: str, person: PersonRecord) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text) for f in _names(person))


# --------------------------------------------------------------------------- steps


def _dated_once(dates: Sequence[str]) -> str:
    """The date a sentence's event takes among the dates it mentions: a year before the newest
    one is background ("frozen since the 2020 clashes"); of the rest, the first ("between June and
    August" is June)."""
    newest = max(d[:4] for d in dates)
    current = [d for d in dates if d[:4] == newest]
    return min(current)


def _unique_events(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """One entry per sentence, under the date its event takes (:func:`_dated_once`); the articles
    of the sentence's entries are pooled."""
    by_text: dict[str, list[TimelineEntry]] = {}
    for e in entries:
        by_text.setdefault(_whole(e), []).append(e)
    out = []
    for group in by_text.values():
        if len(group) == 1:  # most sentences: one date, nothing to pool
            out.append(group[0])
            continue
        date = _dated_once([e.date for e in group])
        chosen = next(e for e in group if e.date == date)
        pooled = sorted({a for e in group for a in e.articles}, key=_id_order)
        out.append(chosen.model_copy(update={"articles": pooled}))
    return sorted(out, key=lambda e: (e.date, e.what))


def _planned(entry: TimelineEntry, meta: Mapping[str, ArticleMeta]) -> bool:
    """Stated before it happened: dated after every article that reports it ("the next round will
    be held in 2026" in a story of 2025)."""
    published = [p for a in entry.articles if a in meta and (p := meta[a].published)]
    if not published:
        return False
    newest = max(published)
    return entry.date[: len(newest)] > newest[: len(entry.date)]


def _coming_up(
    entries: Sequence[TimelineEntry], meta: Mapping[str, ArticleMeta], today: dt.date | None, lines: _Lines
) -> list[tuple[TimelineEntry, bool, tuple[str, str | None]]]:
    """Planned events not long past ``today`` (entry, due, line key), soonest first."""
    out = []
    horizon = (today - dt.timedelta(days=DUE_DAYS)).isoformat() if today else None
    now = today.isoformat() if today else None
    for e in entries:
        if not _planned(e, meta):
            continue
        if horizon is not None and e.date[:10] < horizon[: len(e.date)]:
            continue
        due = now is not None and e.date[:10] < now[: len(e.date)]
        out.append((e, due, lines.want(_whole(e))))
    out.sort(key=lambda x: (x[0].date, x[0].what))
    return out[:MAX_COMING_UP]


def _actor_in(sentence: str, people: Sequence[PersonRecord]) -> str | None:
    """The surname of the most cited person the sentence names: a line keeps the clause about
    them ("the visit to New Delhi of Foreign Minister X" keeps X)."""
    for person in people:
        if _mentions(sentence, person):
            return _surname(person)
    return None


def _latest_of(person: PersonRecord, timeline: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The newest timeline entries from the person's articles that name them (newest first)."""
    mine = set(person.articles)
    return [e for e in reversed(timeline) if mine.intersection(e.articles) and _mentions(_whole(e), person)][
        :3
    ]


def _issue_history(
    record: IssueRecord, lines: _Lines, taxonomy: Taxonomy | None = None
) -> list[tuple[IssueStep, tuple[str, str | None] | None]]:
    """Each change of status (the first mention counts as one), with the fact that caused it."""
    steps: list[tuple[IssueStep, tuple[str, str | None] | None]] = []
    ordered = sorted(record.history, key=lambda h: (h.date or "", h.article))
    for change in ordered:
        if steps and steps[-1][0].status == change.status:
            continue
        key = _change_key(record.topic, change.evidence, lines, taxonomy)
        step = IssueStep(
            date=change.date,
            status=change.status,
            status_label=STATUS_LABEL.get(change.status, change.status),
            sources=[change.article],
        )
        steps.append((step, key))
    return steps


_IssueKey = tuple[StatusChange, tuple[str, str | None]]


def _issue_candidates(record: IssueRecord, lines: _Lines, taxonomy: Taxonomy | None) -> list[_IssueKey]:
    """The newest facts on an issue (up to three), each asked for a line about the issue's cue."""
    out: list[_IssueKey] = []
    for change in reversed(record.history):
        if not change.evidence:
            continue
        cue = None
        if taxonomy is not None:
            hit = next((h for h in taxonomy.hits(change.evidence) if h.slug == record.topic), None)
            cue = change.evidence[hit.start : hit.end] if hit else None
        out.append((change, lines.want(change.evidence, cue)))
        if len(out) == 3:
            break
    return out


def _about(
    topic: str, candidates: list[_IssueKey], lines: _Lines, taxonomy: Taxonomy | None
) -> tuple[StatusChange, str] | None:
    """The newest candidate whose line is about the issue (its line names the topic); None when no
    line is: an issue is better shown without a line than with one about something else."""
    for change, key in candidates:
        line = lines[key]
        if taxonomy is None or topic in taxonomy.topic_set(line):
            return change, line
    return None


def _id_order(article: str) -> tuple[int, str]:
    return (int(article), article) if article.isdigit() else (1 << 62, article)


# --------------------------------------------------------------------------- the builder


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
    if lines is None:
        from briefings.lines import make_lines

        lines = make_lines
    pending = _Lines(lines)
    since_s = since.isoformat() if since else None

    def keep_topic(t: str | None) -> bool:
        return topic is None or t == topic

    # -- what the topic covers
    relevant_articles: set[str] = set()
    if topic is not None:
        for a in picture.agreements:
            if a.topic == topic:
                relevant_articles.update(a.articles)
        for i in picture.issues:
            if i.topic == topic:
                relevant_articles.update(h.article for h in i.history)

    # -- agreements and issues
    agreements = [
        agreement_line(a, meta, labels)
        for a in picture.agreements
        if keep_topic(a.topic) and on_or_after(a.latest or a.first, since_s)
    ]
    agreements.sort(key=lambda a: (-a.outlets, newest_first(a.latest or a.first), a.text))
    issue_records = [
        i
        for i in picture.issues
        if keep_topic(i.topic) and (since_s is None or any(on_or_after(h.date, since_s) for h in i.history))
    ]

    # -- timeline, split into what happened and what is coming up
    entries = _unique_events(
        [
            t
            for t in picture.timeline
            if on_or_after(t.date, since_s) and (topic is None or relevant_articles.intersection(t.articles))
        ]
    )
    dates = [m.published for m in meta.values() if m.published]
    as_of = max(dates) if dates else None
    coming = _coming_up(entries, meta, today, pending)
    # what the articles report as done; what they announce for later is coming up (or was due)
    happened = [e for e in entries if not _planned(e, meta) and (as_of is None or e.date[:10] <= as_of)]
    if topic is not None and taxonomy is not None:  # a topic's brief: the lines about the topic
        about = [e for e in happened if topic in taxonomy.topic_set(_whole(e))]
        happened = about or happened
    shown_timeline = happened[-MAX_TIMELINE:]
    actors = sorted(picture.officials, key=lambda p: (-len(p.articles), p.name))[:20]
    timeline_keys = [pending.want(_whole(e), _actor_in(_whole(e), actors)) for e in shown_timeline]

    # -- people, each with a latest line that names them
    people = [
        p
        for p in picture.officials
        if (topic is None or relevant_articles.intersection(p.articles))
        and (since_s is None or any(on_or_after(meta[a].published, since_s) for a in p.articles if a in meta))
    ]
    people.sort(key=lambda p: (-len(p.articles), p.name))
    people = people[:MAX_OFFICIALS]
    recent_floor = _days_before(as_of, LATEST_DAYS) if as_of else ""
    recent = [e for e in happened if e.date[:10] >= recent_floor[: len(e.date[:10])]]
    candidates = {
        p.name: [(e, pending.want(_whole(e), _surname(p))) for e in _latest_of(p, recent)] for p in people
    }

    # -- issue lines and histories
    issue_keys = {r.topic: _issue_candidates(r, pending, taxonomy) for r in issue_records}
    histories = {r.topic: _issue_history(r, pending, taxonomy) for r in issue_records}

    pending.run()  # every event line of the brief, in one parse

    timeline = [
        TimelineLine(
            date=e.date, what=pending[k], sources=list(e.articles), count=len(e.articles), sentence=_whole(e)
        )
        for e, k in zip(shown_timeline, timeline_keys, strict=True)
        if pending[k]
    ]
    officials = [_official(p, candidates[p.name], pending) for p in people]
    issues = [
        _issue(
            r,
            labels,
            _about(r.topic, issue_keys[r.topic], pending, taxonomy),
            histories[r.topic],
            pending,
            taxonomy,
        )
        for r in issue_records
    ]
    issues.sort(key=lambda i: (_ORDER.get(i.status, 3), newest_first(i.date), i.label))
    coming_up = [
        ComingUpLine(
            date=e.date,
            what=pending[k],
            sources=list(e.articles),
            count=len(e.articles),
            due=due,
            sentence=_whole(e),
        )
        for e, due, k in coming
        if pending[k]
    ]
    discrepancy_items = [
        d
        for d in picture.discrepancies
        if d.kind in FACT_KINDS and (topic is None or relevant_articles.intersection(d.details))
    ][:MAX_DISCREPANCIES]
    discrepancies = [discrepancy_line(d, meta) for d in discrepancy_items]
    shown_agreements = agreements[:MAX_AGREEMENTS]

    label = labels.get(topic, topic) if topic else None
    brief = Brief(
        title=f"{beat}: {label}" if label else beat,
        topic=topic,
        topic_label=label,
        since=since_s,
        as_of=as_of,
        officials=officials,
        agreements=shown_agreements,
        issues=issues,
        timeline=timeline,
        discrepancies=discrepancies,
        coming_up=coming_up,
    )
    _cite(brief, meta, since_s, relevant_articles if topic is not None else None)
    lead = _lead(brief)
    brief.lead = [text for text, _ in lead]
    brief.lead_sources = [ids for _, ids in lead]
    brief.first_screen = _first_screen(brief, len(agreements))
    return brief


def _official(
    person: PersonRecord, candidates: list[tuple[TimelineEntry, tuple[str, str | None]]], lines: _Lines
) -> OfficialLine:
    """The person's line, with the newest event line that names them (or none)."""
    chosen: tuple[TimelineEntry, str] | None = None
    for entry, key in candidates:
        if _mentions(lines[key], person):
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
        sentence=_whole(chosen[0]) if chosen else None,
    )


def _issue(
    record: IssueRecord,
    labels: Mapping[str, str],
    about: tuple[StatusChange, str] | None,
    history: list[tuple[IssueStep, tuple[str, str | None] | None]],
    lines: _Lines,
    taxonomy: Taxonomy | None = None,
) -> IssueLine:
    latest = record.history[-1] if record.history else None
    label = labels.get(record.topic, record.topic)
    steps = []
    for step, key in history:
        line = lines[key] if key else None
        if line is not None and taxonomy is not None and record.topic not in taxonomy.topic_set(line):
            line = None  # the fact moved the issue, but its line is about something else
        steps.append(step.model_copy(update={"what": line}))
    return IssueLine(
        topic=record.topic,
        label=label,
        short=short_label(label),
        status=record.status,
        status_label=STATUS_LABEL.get(record.status, record.status),
        latest=about[1] if about else None,
        date=latest.date if latest else None,
        sources=[about[0].article] if about else ([latest.article] if latest else []),
        history=steps,
        sentence=(about[0].evidence or None) if about else None,
    )


def _cite(
    brief: Brief, meta: Mapping[str, ArticleMeta], since: str | None, topic_articles: set[str] | None
) -> None:
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
        set(topic_articles or ())
        if topic_articles is not None
        else {a for a in meta if on_or_after(meta[a].published, since)}
    )
    brief.articles = len(relevant | every)


def _lead(brief: Brief) -> list[tuple[str, list[str]]]:
    """2–4 sentences, each with the ids of its articles: the newest development, what was agreed,
    what is open, what is moving (kept for the JSON's ``lead``)."""
    sentences: list[tuple[str, list[str]]] = []
    if brief.timeline:
        newest = max(brief.timeline, key=lambda t: (t.date, t.count))
        sentences.append((f"Latest ({newest.date}): {_sentence(newest.what)}", list(newest.sources)))
    elif brief.officials:
        sentences.append((f"Most cited: {', '.join(o.name for o in brief.officials[:3])}.", []))
    if brief.agreements:
        top = sorted(brief.agreements, key=lambda a: (-a.outlets, newest_first(a.latest), a.text))[:3]
        agreed = "; ".join(a.text.rstrip(".") for a in top)
        sentences.append((f"Agreed: {agreed}.", sorted({i for a in top for i in a.sources}, key=_id_order)))
    for label, status in (("Still open", "open"), ("In progress", "progress")):
        issues = [i for i in brief.issues if i.status == status]
        if issues:
            ids = sorted({a for i in issues for a in i.sources}, key=_id_order)
            sentences.append((f"{label}: {'; '.join(i.label for i in issues)}.", ids))
    return sentences[:4]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _days_before(date: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(date[:10]) - dt.timedelta(days=days)).isoformat()
    except ValueError:
        return date


def _developments(brief: Brief) -> list[TimelineLine]:
    """The newest developments: among the lines of the newest days, those most reported that say
    someone did something (met, agreed, visited) and name a key person; newest first."""
    if not brief.timeline:
        return []
    newest = max(t.date[:10] for t in brief.timeline)
    floor = _days_before(newest, RECENT_DAYS) if len(newest) == 10 else newest
    recent = [t for t in brief.timeline if t.date[:10] >= floor[: len(t.date[:10])]]
    if len(recent) < DEVELOPMENTS * 2:
        recent = brief.timeline[-DEVELOPMENTS * 3 :]
    news, commitments = _words("news_words"), _words("commitment_words")
    names = {w for o in brief.officials for w in [*o.name.split(), *o.aliases] if len(w) > 2}

    def score(t: TimelineLine) -> tuple[int, str]:
        tokens = set(re.findall(r"[\w’'-]+", t.what))
        lowered = {w.lower() for w in tokens}
        said = 2 * bool(lowered & news) + bool(lowered & commitments)
        return (min(t.count, 3) + said + bool(tokens & names), t.date)

    chosen: list[TimelineLine] = []
    ranked = sorted(recent, key=score, reverse=True)
    # lines that say someone did something (or that several sources report) first; a bare
    # remark ("enquiries had picked up") only when there is nothing else
    for line in [t for t in ranked if score(t)[0] >= 2] + [t for t in ranked if score(t)[0] < 2]:
        if all(line.what != c.what for c in chosen):
            chosen.append(line)
        if len(chosen) == DEVELOPMENTS:
            break
    return sorted(chosen, key=lambda t: t.date, reverse=True)


def _first_screen(brief: Brief, agreements: int) -> FirstScreen:
    """The newest developments, the moving issues with their latest line, the rest named, the
    count of agreements, the key people, the next event."""
    recent = _days_before(brief.as_of, RESOLVED_DAYS) if brief.as_of else ""
    moving = [
        i
        for i in brief.issues
        if i.status in ("open", "progress")
        or (i.status == "resolved" and (i.date or "") >= recent[: len(i.date or "")])
    ]
    moving.sort(key=lambda i: (newest_first(i.date), _ORDER.get(i.status, 3), i.label))
    explained = [i for i in moving if i.latest and i.status != "resolved"][:SCREEN_ISSUES]
    others = sorted(
        (i for i in moving if i not in explained), key=lambda i: (_ORDER.get(i.status, 3), i.short)
    )
    upcoming = [c for c in brief.coming_up if not c.due]
    return FirstScreen(
        title=brief.title,
        as_of=brief.as_of,
        developments=_developments(brief),
        issues=explained,
        other_issues=others,
        agreements=agreements,
        people=[o.name for o in brief.officials[:SCREEN_PEOPLE]],
        coming_up=upcoming[0] if upcoming else None,
        empty=brief.empty,
    )


# --------------------------------------------------------------------------- digests

DIGEST_DEVELOPMENTS = 4
DUE_AHEAD_DAYS = 7  # a digest mentions what is scheduled this many days ahead


def finish_digest(
    digest: Digest,
    picture: Consolidated,
    meta: Mapping[str, ArticleMeta],
    brief: Brief,
    new: set[str],
    *,
    until: dt.date,
    title: str,
    lines: LineMaker | None = None,
    taxonomy: Taxonomy | None = None,
) -> Digest:
    """The digest in the first screen's shape: the developments of the articles ingested since the
    last digest as event lines (not what they announce for later), each issue that changed with
    the line of the fact that moved it, and what is scheduled in the next days (from ``brief``,
    built for ``until``)."""
    if lines is None:
        from briefings.lines import make_lines

        lines = make_lines
    pending = _Lines(lines)
    fresh = _unique_events([e for e in picture.timeline if new.intersection(e.articles)])
    fresh = [e for e in fresh if not _planned(e, meta)][-DIGEST_DEVELOPMENTS:]
    keys = [pending.want(_whole(e)) for e in fresh]
    change_keys = [_change_key(c.topic, c.evidence, pending, taxonomy) for c in digest.status_changes]
    pending.run()
    digest.title = title
    digest.developments = sorted(
        (
            TimelineLine(
                date=e.date,
                what=pending[k],
                sources=list(e.articles),
                count=len(e.articles),
                sentence=_whole(e),
            )
            for e, k in zip(fresh, keys, strict=True)
            if pending[k]
        ),
        key=lambda t: t.date,
        reverse=True,
    )
    changes = []
    for change, key in zip(digest.status_changes, change_keys, strict=True):
        line = pending[key] if key else None
        if line is not None and taxonomy is not None and change.topic not in taxonomy.topic_set(line):
            line = None  # a line about something else is worse than none
        changes.append(change.model_copy(update={"evidence": line}))
    digest.status_changes = changes
    ahead = (until + dt.timedelta(days=DUE_AHEAD_DAYS)).isoformat()
    digest.due = [c for c in brief.coming_up if c.due or c.date[:10] <= ahead[: len(c.date[:10])]]
    cited = {
        a
        for group in (digest.developments, digest.status_changes, digest.due)
        for item in group
        for a in item.sources
    }
    known = {s.id: s for s in brief.sources if s.id}
    missing = sorted((a for a in cited if a not in known and a in meta), key=_id_order)
    number = len(known)
    for a in missing:  # cited by the digest only: numbered after the brief's own
        number += 1
        m = meta[a]
        known[a] = SourceLine(
            title=m.title, outlet=m.outlet, published=m.published, url=m.url, id=a, number=number
        )
    digest.refs = {a: known[a] for a in cited if a in known}
    return digest


def _change_key(
    topic: str, evidence: str | None, lines: _Lines, taxonomy: Taxonomy | None
) -> tuple[str, str | None] | None:
    if not evidence:
        return None
    cue = None
    if taxonomy is not None:
        hit = next((h for h in taxonomy.hits(evidence) if h.slug == topic), None)
        cue = evidence[hit.start : hit.end] if hit else None
    return lines.want(evidence, cue)


# --------------------------------------------------------------------------- profiles


def finish_profile(profile: Profile, person: PersonRecord, *, lines: LineMaker | None = None) -> Profile:
    """A profile's actions as event lines about the person (one per sentence, dated by its first
    date; a line that does not name them, or says nothing, is left out)."""
    if lines is None:
        from briefings.lines import make_lines

        lines = make_lines
    pending = _Lines(lines)
    by_text: dict[str, list[TimelineLine]] = {}
    for action in profile.actions:
        by_text.setdefault(action.sentence or action.what, []).append(action)
    actions = []
    for group in by_text.values():
        date = _dated_once([a.date for a in group])
        actions.append(next(a for a in group if a.date == date))
    actions.sort(key=lambda a: a.date)
    keys = [pending.want(a.sentence or a.what, _surname(person)) for a in actions]
    pending.run()
    kept = []
    for action, key in zip(actions, keys, strict=True):
        line = pending[key]
        if line and _mentions(line, person):
            kept.append(action.model_copy(update={"what": line}))
    profile.actions = kept
    return profile
