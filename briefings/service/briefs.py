"""Reading the beat: the brief, a person's profile, the digest of what changed, the topic list.

The consolidated picture is stored on ingest (table ``pictures``); a :class:`Reader` keeps the
parsed picture and the article index in memory and reloads them only when the stored version
changes, so a brief over a large database costs a version check, a filter and a render.

The bot calls a Reader from several threads at once. Loading the picture (half a second or more
over ten thousand articles) and building a brief are done by one thread at a time: the others wait
for its result instead of doing the same work in parallel, which under the GIL would make each of
them as slow as all of them together.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from briefings.brief import build_brief, finish_digest, finish_profile
from briefings.extract.topics import Taxonomy
from briefings.models import ArticleSummary, Consolidated, PersonRecord, Quote
from briefings.storage import reads, relevance
from briefings.storage.db import Database
from briefings.storage.facts import name_key
from briefings.views import (
    ArticleMeta,
    Brief,
    Candidate,
    Digest,
    Profile,
    WhoResult,
    build_digest,
    build_profile,
)

MAX_CANDIDATES = 8
BRIEF_CACHE = 64


@dataclass(frozen=True)
class Snapshot:
    version: int
    picture: Consolidated
    meta: dict[str, ArticleMeta]
    people: People


def article_index(session: Session) -> dict[str, ArticleMeta]:
    """Every article's citation data, keyed by article id (as the picture names them)."""
    return {
        str(c.id): ArticleMeta(
            id=str(c.id),
            title=c.title,
            outlet=c.outlet,
            published=c.date.isoformat() if c.date else None,
            url=c.url,
        )
        for c in reads.citations(session)
    }


class Reader:
    """Read-side use cases over one database, with the parsed picture cached by version."""

    def __init__(
        self,
        db: Database,
        labels: Mapping[str, str],
        *,
        beat: str = "Briefing",
        slug: str | None = None,
        restrict: Callable[[ArticleSummary], ArticleSummary] | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        self.db = db
        self.labels = dict(labels)
        self.beat = beat  # the brief's title
        self.slug = slug  # the beat whose picture this reads (None: the first stored)
        #: an article's summary as the beat sees it (only its on-beat facts), for digests
        self.restrict = restrict
        self.taxonomy = taxonomy  # the beat's topics: an issue's line must be about its issue
        self._snapshot: Snapshot | None = None
        self._briefs: dict[tuple[int, str | None, dt.date | None, dt.date | None], Brief] = {}
        self._digest_inputs: dict[tuple[int, tuple[int, ...]], list[ArticleSummary]] = {}
        self._loading = threading.Lock()  # one thread loads a new picture; the others wait for it
        self._building = threading.Lock()  # one thread builds a missing brief; the others wait
        #: called after a new picture is loaded (the bot moves it out of the garbage collector's sight)
        self.after_load: Callable[[], None] | None = None

    @property
    def loaded_version(self) -> int | None:
        """The version of the picture in memory (None before the first read)."""
        return self._snapshot.version if self._snapshot is not None else None

    def snapshot(self) -> Snapshot:
        with self.db.transaction() as session:
            version = reads.picture_version(session, self.slug)
        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        with self._loading:
            snap = self._snapshot
            if snap is not None and snap.version == version:
                return snap  # loaded by another thread while this one waited
            with self.db.transaction() as session:
                version, picture = reads.load_picture(session, self.slug)
                meta = article_index(session)
                if self.slug is not None:  # cite and count the beat's own articles only
                    on_beat = {str(i) for i in relevance.relevant_ids(session, self.slug)}
                    meta = {k: m for k, m in meta.items() if k in on_beat}
            snap = Snapshot(version, picture, meta, People(picture.officials))
            self._snapshot = snap
            if self.after_load is not None:
                self.after_load()
            return snap

    def brief(
        self, *, topic: str | None = None, since: dt.date | None = None, today: dt.date | None = None
    ) -> Brief:
        """The brief, built once per picture version and parameters (a new version drops them all);
        ``today`` decides what is still coming up."""
        snap = self.snapshot()
        key = (snap.version, topic, since, today)
        cached = self._briefs.get(key)
        if cached is None:
            with self._building:
                cached = self._briefs.get(key)  # built by another thread while this one waited
                if cached is None:
                    briefs = self._briefs
                    if len(briefs) >= BRIEF_CACHE or any(k[0] != snap.version for k in briefs):
                        briefs = {}
                    cached = build_brief(
                        snap.picture,
                        snap.meta,
                        self.labels,
                        topic=topic,
                        since=since,
                        beat=self.beat,
                        today=today,
                        taxonomy=self.taxonomy,
                    )
                    self._briefs = {**briefs, key: cached}
        # a shallow copy: callers read a brief or replace its fields, never change a line in place
        # (a deep copy of every line's article ids cost more than building the messages)
        return cached.model_copy()

    def who(self, query: str) -> WhoResult:
        snap = self.snapshot()
        people = snap.people
        result = WhoResult(query=query)
        matches = find_people(people, query)
        if len(matches) == 1:
            person = matches[0]
            with self.db.transaction() as session:
                quotes = quotes_by(session, person)
            result.profile = finish_profile(
                build_profile(person, snap.picture, snap.meta, self.labels, quotes), person
            )
        elif matches:
            result.candidates = [
                Candidate(name=p.name, title=p.titles[0] if p.titles else None, country=p.country)
                for p in matches[:MAX_CANDIDATES]
            ]
        else:
            result.suggestions = suggest_people(people, query)
        return result

    def digest(
        self,
        since: dt.datetime,
        until: dt.datetime,
        topics: Sequence[str] = (),
        zone: dt.tzinfo | None = None,
    ) -> Digest:
        """What changed between two moments (by ingestion time)."""
        snap = self.snapshot()
        with self.db.transaction() as session:
            ids = reads.ingested_between(session, since, until)
            ids = tuple(i for i in ids if str(i) in snap.meta)  # the beat's articles only
            key = (snap.version, ids)  # the same summaries whatever the topics
            summaries = self._digest_inputs.get(key)
            if summaries is None:
                summaries = list(reads.stored_summaries(session, ids))
                if self.restrict is not None:
                    summaries = [self.restrict(s) for s in summaries]
                self._digest_inputs = {key: summaries}
        digest = build_digest(
            snap.picture,
            snap.meta,
            self.labels,
            summaries,
            since=since,
            until=until,
            topics=topics,
            zone=zone,
        )
        local = (until if until.tzinfo else until.replace(tzinfo=dt.UTC)).astimezone(zone or dt.UTC).date()
        brief = self.brief(topic=topics[0] if len(topics) == 1 else None, today=local)
        new = {str(i) for i in ids}
        if topics:
            wanted = set(topics)
            new = {s.article for s in summaries if any(i.topic in wanted for i in s.issues)}
        return finish_digest(
            digest,
            snap.picture,
            snap.meta,
            brief,
            new,
            until=local,
            title=f"Digest · {self.beat}",
            taxonomy=self.taxonomy,
        )

    def profile_named(self, name: str) -> Profile | None:
        """The profile of exactly this canonical name (for a button press)."""
        snap = self.snapshot()
        for person in snap.picture.officials:
            if person.name == name:
                with self.db.transaction() as session:
                    quotes = quotes_by(session, person)
                return finish_profile(
                    build_profile(person, snap.picture, snap.meta, self.labels, quotes), person
                )
        return None


# --------------------------------------------------------------------------- people lookup


def _forms(person: PersonRecord) -> list[str]:
    return [name_key(f) for f in [person.name, *person.aliases] if f.strip()]


class People:
    """The officials of a picture with their names and aliases folded once (per picture, not per
    lookup: folding every alias of every official was most of the cost of a /who)."""

    def __init__(self, people: Sequence[PersonRecord]) -> None:
        self.people = list(people)
        forms = [_forms(p) for p in self.people]
        self.words = [[set(form.split()) for form in person] for person in forms]
        self.joined = {i: " ".join(person) for i, person in enumerate(forms)}
        self.names = {i: name_key(p.name) for i, p in enumerate(self.people)}
        self.exact: dict[str, list[int]] = {}
        for i, person in enumerate(forms):
            for form in dict.fromkeys(person):
                self.exact.setdefault(form, []).append(i)


def find_people(people: Sequence[PersonRecord] | People, query: str) -> list[PersonRecord]:
    """Exact name or alias first; then people with the query as one of their name words; then fuzzy."""
    index = people if isinstance(people, People) else People(people)
    everyone = index.people
    q = name_key(query).strip()
    if not q:
        return []
    exact = [everyone[i] for i in index.exact.get(q, [])]
    if exact:
        return exact
    words = set(q.split())
    by_word = [p for p, forms in zip(everyone, index.words, strict=True) if any(words <= f for f in forms)]
    if by_word:
        return sorted(by_word, key=lambda p: (-len(p.articles), p.name))
    scored = process.extract(q, index.joined, scorer=fuzz.WRatio, limit=MAX_CANDIDATES, score_cutoff=88)
    if not scored:
        return []
    best = scored[0][1]
    close = [everyone[key] for _choice, score, key in scored if score >= best - 3]
    return close


def suggest_people(people: Sequence[PersonRecord] | People, query: str, limit: int = 5) -> list[str]:
    index = people if isinstance(people, People) else People(people)
    everyone = index.people
    q = name_key(query)
    scored = process.extract(q, index.names, scorer=fuzz.WRatio, limit=limit, score_cutoff=55)
    suggestions = [everyone[key].name for _choice, _score, key in scored]
    if not suggestions:
        ranked = sorted(everyone, key=lambda p: (-len(p.articles), p.name))
        suggestions = [p.name for p in ranked[:limit]]
    return suggestions


def quotes_by(session: Session, person: PersonRecord) -> list[tuple[str, Quote]]:
    """(article id, quote) for quotes whose speaker is one of the person's forms, in their articles."""
    return reads.quotes_by(session, _forms(person), (int(a) for a in person.articles if a.isdigit()))
