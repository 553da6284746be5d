"""Events: dated happenings, one per (sentence, resolved date).

Dates come from :mod:`dates` (already resolved against the article's reference date). Vague
relatives ("this year", "this week") and weekdays against an inferred reference give no event.
"""

from __future__ import annotations

from ..models import Event, Span
from .document import Doc
from .text import squash

MAX_WHAT = 200


def extract_events(doc: Doc) -> list[Event]:
    out: list[Event] = []
    seen: set[tuple[int, str]] = set()
    for d in doc.dates:
        if not d.value:
            continue
        sentence = doc.sentence_of(d.start)
        if sentence is None or (sentence.index, d.value) in seen:
            continue
        seen.add((sentence.index, d.value))
        what = squash(doc.text[sentence.start : sentence.end])
        if len(what) > MAX_WHAT:
            what = what[: MAX_WHAT - 1].rsplit(" ", 1)[0] + "…"
        out.append(
            Event(date=d.value, what=what, evidence=d.text, span=Span(start=sentence.start, end=sentence.end))
        )
    return out
