"""Mentions of government bodies ("the MEA", "China's Ministry of Foreign Affairs", "the ministry").

A body mention carries a canonical name (what a quote is attributed to) and, when known, the state
it belongs to (where an official's country can come from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Bodies, Places

_GENERIC_MINISTRY = re.compile(
    r"(?i:ministry\s+of\s+(?:the\s+)?)(?P<x>[A-Za-z]+(?:\s+(?i:affairs|security|industry|trade))?)"
    r"|(?P<y>(?i:commerce|defence|defense|finance|home|trade|industry|interior|"
    r"agriculture|energy|information|health|education|culture|law|justice))\s+(?i:ministry)(?![\w])"
)
_EMBASSY = re.compile(r"(?i:embassy|high\s+commission|consulate)(?![\w])")
_GOVERNMENT = re.compile(r"(?i:government)(?![\w])")
_MILITARY = re.compile(r"(?<![\w-])(?i:army|military|navy|air\s+force|armed\s+forces)(?![\w-])")
_REFERENCE = re.compile(
    r"(?i:\b(?:the|its|this|that)\s+(?P<head>ministry|embassy|high\s+commission|department|"
    r"government|army|military|navy|air\s+force|armed\s+forces)(?![\w])(?!\s+(?:of|for)\b))"
)
_PLACE_GAP = r"(?:['’]s)?\s+(?:(?i:own)\s+)?$"


@dataclass(frozen=True, slots=True)
class BodyMention:
    start: int
    end: int
    canonical: str
    country: str | None
    head: str  # ministry, embassy, government, department, office, ...
    reference: bool = False  # "the ministry": points back to an earlier body
    foreign: bool = False  # a state's foreign ministry
    guessed: bool = False  # the state is a guess from the article ("Foreign Office" in a UK story)


def find_bodies(
    text: str, bodies: Bodies, places: Places, states: frozenset[str] = frozenset()
) -> list[BodyMention]:
    """Named and generic body mentions, with back-references resolved; sorted, no overlaps.
    ``states`` are the states the article names (for forms only some states use)."""
    found: list[BodyMention] = []
    for m in bodies.named_pattern.finditer(text):
        form = bodies.named[m.group().lower()]
        start, country = _qualifier(text, m.start(), places)
        foreign = form.canonical in bodies.foreign_ministry.values()
        found.append(
            BodyMention(
                start,
                m.end(),
                form.canonical,
                form.country or country,
                _head(form.canonical),
                foreign=foreign,
            )
        )
    for m in bodies.foreign_forms.finditer(text):
        start, country = _qualifier(text, m.start(), places)
        users = bodies.form_states.get(" ".join(m.group().lower().split()), frozenset())
        guessed = country is None and bool(users)
        if country is None and len(users & states) == 1:
            country = next(iter(users & states))
        found.append(
            BodyMention(
                start,
                m.end(),
                foreign_ministry_name(country, bodies, places),
                country,
                "ministry",
                reference=country is None,
                foreign=True,
                guessed=guessed,
            )
        )
    for m in _GENERIC_MINISTRY.finditer(text):
        start, country = _qualifier(text, m.start(), places)
        subject = (m.group("x") or m.group("y") or "").strip()
        name = f"Ministry of {subject.title()}"
        adjective = places.adjective.get(country, "") if country else ""
        found.append(BodyMention(start, m.end(), f"{adjective} {name}".strip(), country, "ministry"))
    for head, pattern in (("embassy", _EMBASSY), ("government", _GOVERNMENT)):
        for m in pattern.finditer(text):
            start, country = _qualifier(text, m.start(), places)
            if country:
                label = f"{places.adjective.get(country, country)} {m.group().title()}"
                found.append(BodyMention(start, m.end(), label, country, head))
    for m in _MILITARY.finditer(text):
        start, country = _qualifier(text, m.start(), places)
        if country:
            head = _military_head(m.group())
            known = bodies.military.get(country) if head == "army" else None
            label = known or f"{places.adjective.get(country, country)} {m.group().title()}"
            found.append(BodyMention(start, m.end(), label, country, head))
    found += _references(text)
    return _without_overlaps(found)


def foreign_ministry_name(country: str | None, bodies: Bodies, places: Places) -> str:
    if country is None:
        return "Ministry of Foreign Affairs"
    return (
        bodies.foreign_ministry.get(country)
        or f"{places.adjective.get(country, country)} Ministry of Foreign Affairs"
    )


def _qualifier(text: str, start: int, places: Places) -> tuple[int, str | None]:
    """A state named right before a body ("China's", "Chinese", "the Indian"): new start and country."""
    before = text[max(0, start - 40) : start]
    for m in places.pattern.finditer(before):
        rest = before[m.end() :]
        if re.match(_PLACE_GAP, rest):
            country = places.lookup(m.group())
            if country:
                return start - len(before) + m.start(), country
    return start, None


def _military_head(word: str) -> str:
    """ "army", "military" and "armed forces" are one head: "the army said" after "Pakistan's military"."""
    lowered = " ".join(word.lower().split())
    return lowered if lowered in {"navy", "air force"} else "army"


def _head(canonical: str) -> str:
    lowered = canonical.lower()
    for head in ("ministry", "department", "embassy", "commission", "office", "council", "government"):
        if head in lowered:
            return head
    return "body"


def _references(text: str) -> list[BodyMention]:
    return [
        BodyMention(m.start(), m.end(), "", None, _reference_head(m.group("head")), reference=True)
        for m in _REFERENCE.finditer(text)
    ]


def _reference_head(head: str) -> str:
    lowered = " ".join(head.lower().split())
    if lowered in {"army", "military", "navy", "air force", "armed forces"}:
        return _military_head(lowered)
    return lowered.split()[-1]


def _without_overlaps(found: list[BodyMention]) -> list[BodyMention]:
    """Earliest-longest wins an overlap, except that a named body beats a back-reference."""
    found.sort(key=lambda b: (b.start, -(b.end - b.start), b.reference))
    out: list[BodyMention] = []
    for body in found:
        if out and body.start < out[-1].end:
            if out[-1].reference and not body.reference:
                out[-1] = body
            continue
        out.append(body)
    return _resolve_references(out)


def _resolve_references(mentions: list[BodyMention]) -> list[BodyMention]:
    """ "the ministry" -> the last named ministry before it; unresolvable references are dropped."""
    out: list[BodyMention] = []
    for body in mentions:
        if body.reference:
            target = next(
                (
                    b
                    for b in reversed(out)
                    if b.head == body.head
                    and b.canonical
                    and not b.reference
                    and (b.foreign or not body.foreign)
                ),
                None,
            )
            if target is None and body.canonical:
                out.append(body)
            elif target is not None:
                out.append(
                    BodyMention(
                        body.start,
                        body.end,
                        target.canonical,
                        target.country,
                        body.head,
                        foreign=target.foreign,
                        guessed=body.guessed or target.guessed,
                    )
                )
            continue
        out.append(body)
    return out
