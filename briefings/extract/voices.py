"""The officials a text's title names as its own voice: "Statement from NSC Spokesperson X",
"Remarks by President A and Prime Minister B of <State>".

Such a title names the one whose words the body is, and the body often never repeats the name (a
statement in the first person, a transcript whose turns say only "THE PRESIDENT:"). Names read
anywhere else in a title stay unconfirmed headline words; these count (``voices`` in
``data/perspective.toml``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .document import Doc, build_doc
from .lexicon import Lexicon
from .mentions import Mention, Person, find_mentions
from .names import same_person

#: what may stand between two voices of one title: "Remarks by A and B", "by A, B and C"
_JOINER_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?")


def voice_mentions(doc: Doc, lex: Lexicon) -> list[Mention]:
    """The role phrases with names that open the title right after a voice opening, in order."""
    voice = lex.perspective.voice.match(doc.title)
    if voice is None:
        return []
    title = build_doc(doc.title, None, lex)
    found: list[Mention] = []
    expected = voice.end()
    for mention in sorted(find_mentions(title, lex), key=lambda m: m.start):
        if mention.start != expected:
            continue
        found.append(replace(mention, sentence=-1, tentative=False))
        joiner = _JOINER_RE.match(doc.title, max(mention.end, mention.name.end))
        if joiner is None:
            break
        expected = joiner.end()
    return found


def add_voices(people: list[Person], voices: list[Mention]) -> None:
    """Each voice joins the person the body names so (its title if the body gives none, its state if
    the body gives none), or is a person of its own, without a place in the body."""
    for mention in voices:
        name = mention.name.text
        person = next(
            (p for p in people if any(same_person(name, f) or same_person(f, name) for f in p.forms)), None
        )
        if person is None:
            person = Person(name)
            person.forms.append(name)
            people.append(person)
        titled = any(m.title for m in person.mentions)
        # "PRESIDENT X:" in the body, "President X of <State>" in the title: the title gives the state
        placed = mention.country is not None and not any(m.country for m in person.mentions)
        if not titled or placed:
            person.mentions.append(mention)


def voiced_state(doc: Doc, lex: Lexicon, people: list[Person]) -> str | None:
    """The state the title's voices speak for: the first voice's own state ("Statement from
    Secretary of State X"), else one a later voice's title implies ("Readout of Advisor A, Secretary
    of State B, and General C's Call"). A later voice marked with a state ("and Prime Minister B of
    <State>", "and <Demonym> Prime Minister B") is the other side, so it never counts."""
    for rank, mention in enumerate(voice_mentions(doc, lex)):
        name = mention.name.text
        person = next(
            (p for p in people if any(same_person(name, f) or same_person(f, name) for f in p.forms)), None
        )
        if person is None or person.country is None:
            continue
        if rank == 0 or lex.titles.implied_country.get(mention.core or "") == person.country:
            return person.country
    return None
