"""Events: dated happenings, one per (sentence, resolved date).

Dates come from :mod:`dates` (already resolved against the article's reference date). Vague
relatives ("this year", "this week") and weekdays against an inferred reference give no event.
"""

from __future__ import annotations

import re

from ..models import Event, Span
from .dates import DateMention
from .document import Doc
from .text import Sentence, squash
from .turns import questions

MAX_WHAT = 200
# "by 2030", "a 2035 goal": a target year, not a happening
_TARGET_BEFORE = re.compile(r"(?i)\bby\s+(?:the\s+end\s+of\s+)?$")
_TARGET_AFTER = re.compile(
    r"(?i)^\s+(?:goal|goals|target|targets|deadline|agenda|vision|ambition|pledge|timeline|horizon)\b"
)
# "exports rose 5% in 2024": a year that dates a statistic, not an event
_STAT_VERB = re.compile(
    r"(?i)\b(?:rose|risen|fell|fallen|grew|grown|increased|decreased|declined|dropped|jumped|surged|"
    r"climbed|slipped|plunged|slumped|soared|expanded|contracted|reached|totall?ed|stood|amounted|"
    r"averaged|hit|narrowed|widened)\b"
)
_STAT_FIGURE = re.compile(
    r"(?i)\d(?:[\d.,]*)\s?(?:%|per\s?cent|percentage|million|billion|trillion|bn|mn|crore|lakh|tonnes|tons)|"
    r"[$€£¥₹]\s?\d"
)
_CLAUSE_BREAK = re.compile(r"[;:—–]\s|,\s+(?:while|but|whereas|and)\s|\s(?:but|while|whereas)\s")


# a readout's title that reports a meeting, call or visit ("Readout of X's Call with Y")
_MEETING_TITLE = re.compile(
    r"(?i)\b(?:meeting|meetings|meets|met|call|calls|spoke|talks|visit|visits|trip|travel|travels|"
    r"convenes|convened|hosts|hosted)\b"
)


# its opening sentence says who met whom
_MEETING_LEAD = re.compile(
    r"(?i)\b(?:met|meets|spoke|speaks|hosted|hosts|convened|visited|traveled|travelled|held)\b"
)


def extract_events(doc: Doc, official: bool = False) -> list[Event]:
    """``official``: a government's own text (a readout dated D reports a meeting held on D unless its
    opening sentence dates it otherwise)."""
    out = _dated_events(doc)
    if (
        official
        and doc.reference is not None
        and doc.reference.published
        and re.match(r"\W*(?:joint\s+)?readout\b", doc.title, re.IGNORECASE)
        and _MEETING_TITLE.search(doc.title)
    ):
        lead = next((x for x in doc.sentences if doc.headline is None or x.start >= doc.headline[1]), None)
        if (
            lead is not None
            and _MEETING_LEAD.search(doc.clean, lead.start, lead.end)
            and not any(lead.start <= e.span.start < lead.end for e in out if e.span)
        ):
            day = doc.reference.date.isoformat()
            what = whole = squash(doc.text[lead.start : lead.end])
            if len(what) > MAX_WHAT:
                what = what[: MAX_WHAT - 1].rsplit(" ", 1)[0] + "…"
            out.insert(
                0,
                Event(
                    date=day,
                    what=what,
                    evidence="",
                    span=Span(start=lead.start, end=lead.end),
                    sentence=whole if whole != what else "",
                ),
            )
    return out


def _dated_events(doc: Doc) -> list[Event]:
    out: list[Event] = []
    seen: set[tuple[int, str]] = set()
    asked = questions(doc)  # a reporter's question in a transcript asks; it reports no happening
    for d in doc.dates:
        if not d.value or any(start <= d.start < end for start, end in asked):
            continue
        sentence = doc.sentence_of(d.start)
        if sentence is None or (sentence.index, d.value) in seen:
            continue
        if d.kind == "year" and (_is_target(doc, d, sentence.start) or _is_statistic(doc, d, sentence)):
            continue
        seen.add((sentence.index, d.value))
        what = whole = squash(doc.text[sentence.start : sentence.end])
        if len(what) > MAX_WHAT:
            what = what[: MAX_WHAT - 1].rsplit(" ", 1)[0] + "…"
        out.append(
            Event(
                date=d.value,
                what=what,
                evidence=d.text,
                span=Span(start=sentence.start, end=sentence.end),
                sentence=whole if whole != what else "",
            )
        )
    return out


def _is_target(doc: Doc, d: DateMention, floor: int) -> bool:
    before = doc.clean[max(floor, d.start - 24) : d.start]
    after = doc.clean[d.end : d.end + 20]
    if _TARGET_AFTER.match(after):
        return True
    ref = doc.reference
    return bool(_TARGET_BEFORE.search(before)) and ref is not None and (d.year or 0) > ref.date.year


def _is_statistic(doc: Doc, d: DateMention, sentence: Sentence) -> bool:
    """A year in the same clause as a figure and a verb of change or level."""
    left = doc.clean[sentence.start : d.start]
    breaks = list(_CLAUSE_BREAK.finditer(left))
    lo = sentence.start + breaks[-1].end() if breaks else sentence.start
    right = _CLAUSE_BREAK.search(doc.clean, d.end, sentence.end)
    clause = doc.clean[lo : right.start() if right else sentence.end]
    return bool(_STAT_VERB.search(clause) and _STAT_FIGURE.search(clause))
