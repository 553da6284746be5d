"""A digest finished with event lines, in the first screen's shape (:func:`finish_digest`).

:func:`briefings.views.build_digest` says what changed since the last digest; this module turns it
into what a subscriber reads: the new developments as event lines, each issue that changed with the
line of the fact that moved it, what is due in the next days, and how each line cites its articles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from briefings.brief_lines import (
    LineKey,
    PendingLines,
    default_lines,
    id_order,
    planned,
    unique_events,
    whole,
)
from briefings.extract.topics import Taxonomy
from briefings.issue_lines import change_key, on_topic
from briefings.lines import LineMaker
from briefings.models import Consolidated, TimelineEntry
from briefings.views import ArticleMeta, Brief, ComingUpLine, Digest, SourceLine, TimelineLine

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
    pending = PendingLines(default_lines(lines))
    fresh = _fresh_events(picture, meta, new)
    keys = [pending.want(whole(e)) for e in fresh]
    change_keys = [change_key(c.topic, c.evidence, pending, taxonomy) for c in digest.status_changes]
    pending.run()
    digest.title = title
    digest.developments = _development_lines(fresh, keys, pending)
    digest.status_changes = [
        change.model_copy(
            update={"evidence": on_topic(pending[key] if key else None, change.topic, taxonomy)}
        )
        for change, key in zip(digest.status_changes, change_keys, strict=True)
    ]
    digest.due = _due(brief, until)
    digest.refs = _refs(digest, brief, meta)
    return digest


def _fresh_events(
    picture: Consolidated, meta: Mapping[str, ArticleMeta], new: set[str]
) -> list[TimelineEntry]:
    """The newest events the new articles report as done (not what they announce for later)."""
    fresh = unique_events([e for e in picture.timeline if new.intersection(e.articles)])
    return [e for e in fresh if not planned(e, meta)][-DIGEST_DEVELOPMENTS:]


def _development_lines(
    fresh: list[TimelineEntry], keys: list[LineKey], pending: PendingLines
) -> list[TimelineLine]:
    """The fresh events as event lines, newest first (an event without a line is left out)."""
    return sorted(
        (
            TimelineLine(
                date=e.date,
                what=pending[k],
                sources=list(e.articles),
                count=len(e.articles),
                sentence=whole(e),
            )
            for e, k in zip(fresh, keys, strict=True)
            if pending[k]
        ),
        key=lambda t: t.date,
        reverse=True,
    )


def _due(brief: Brief, until: dt.date) -> list[ComingUpLine]:
    """What was due, or is scheduled in the next ``DUE_AHEAD_DAYS`` days after ``until``."""
    ahead = (until + dt.timedelta(days=DUE_AHEAD_DAYS)).isoformat()
    return [c for c in brief.coming_up if c.due or c.date[:10] <= ahead[: len(c.date[:10])]]


def _refs(digest: Digest, brief: Brief, meta: Mapping[str, ArticleMeta]) -> dict[str, SourceLine]:
    """How the digest's lines cite their articles: the brief's numbers, then the articles only the
    digest cites numbered after the brief's own."""
    cited = {
        a
        for group in (digest.developments, digest.status_changes, digest.due)
        for item in group
        for a in item.sources
    }
    known = {s.id: s for s in brief.sources if s.id}
    missing = sorted((a for a in cited if a not in known and a in meta), key=id_order)
    number = len(known)
    for a in missing:
        number += 1
        m = meta[a]
        known[a] = SourceLine(
            title=m.title, outlet=m.outlet, published=m.published, url=m.url, id=a, number=number
        )
    return {a: known[a] for a in cited if a in known}
