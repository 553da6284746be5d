"""Officials from the learned TITLE/OFFICIAL tagger: the candidate for a component behind the
extractor's interface (name, aliases, title per person; no country).

A title belongs to the OFFICIAL span it touches: right before the name ("Foreign Minister Dr. X")
or in apposition right after it ("X, Secretary of the Treasury", "X (Director ...)"). Mentions of
one person are grouped with the extractor's own name comparison; the person's title is the longest
one any of its mentions carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from briefings.extract.names import fullness, same_person

_BEFORE_GAP = re.compile(r"^\s*(?:(?:Dr|Mr|Mrs|Ms|H\.\s?E)\.?\s+)?$")
_AFTER_GAP = re.compile(r"^\s*[,(]\s*(?:the\s+)?$")
_POSSESSIVE = re.compile(r"[’']s?$")


@dataclass
class Found:
    name: str
    forms: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


def _clean_name(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip()).strip(" ,")


def officials(doc: Any) -> list[dict[str, Any]]:
    """``doc`` is a spaCy Doc annotated by the tagger; returns the officials in schema shape."""
    ents = list(doc.ents)
    text = doc.text
    people: list[Found] = []
    for i, ent in enumerate(ents):
        if ent.label_ != "OFFICIAL":
            continue
        name = _clean_name(ent.text)
        if not name:
            continue
        title = None
        prev = ents[i - 1] if i > 0 else None
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if (
            prev is not None
            and prev.label_ == "TITLE"
            and _BEFORE_GAP.match(text[prev.end_char : ent.start_char])
        ):
            title = prev.text
        elif (
            nxt is not None
            and nxt.label_ == "TITLE"
            and _AFTER_GAP.match(text[ent.end_char : nxt.start_char])
        ):
            title = nxt.text
        person = next(
            (p for p in people if any(same_person(name, f) or same_person(f, name) for f in p.forms)), None
        )
        if person is None:
            person = Found(name)
            people.append(person)
        if name not in person.forms:
            person.forms.append(name)
        if title:
            person.titles.append(title.strip(" ,"))
    out = []
    for p in people:
        full = max(p.forms, key=fullness)
        out.append(
            {
                "name": full,
                "aliases": [f for f in p.forms if f != full],
                "title": max(p.titles, key=lambda t: len(t.split())) if p.titles else None,
                "country": None,
            }
        )
    return out
