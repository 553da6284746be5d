"""The government a text speaks for, when it is a government's own text.

A readout, joint statement, fact sheet or press release never marks its own officials with their
state: "National Security Advisor X met with Jordanian Foreign Minister Y", "Secretary Z spoke with
Minister W of Japan". Foreign officials are the marked ones ("Jordanian", "of Japan", "Japan's").
So in such a text an official with no state of their own serves the publishing government.

The publisher is found from the text alone (``data/perspective.toml``): a government's own name for
itself in the title or lead ("The White House", "Department of the Treasury", "NSC Spokesperson"),
or, in a text whose title opens with a genre word ("Readout of", "Joint Statement"), the state the
text names most among those whose officials it never marks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .document import Doc
from .lexicon import Lexicon

#: how much of the body, after the title, counts as its lead
_LEAD_CHARS = 700


def is_official_text(doc: Doc, lex: Lexicon) -> bool:
    """A government's own text: a genre word opens its title, or it names its government in the
    title or lead ("Readout of ...", "Joint Statement ...", "U.S. Department of the Treasury ...")."""
    cues = lex.perspective
    opening = doc.title.strip() or doc.clean.lstrip()[:200]
    return bool(cues.genre.match(opening) or cues.self_names.search(opening))


def publisher(doc: Doc, lex: Lexicon, marked: Iterable[str], voiced: str | None = None) -> str | None:
    """The state whose government speaks in this text, or None for news copy and the undecided.

    ``marked``: the states of officials the text marks explicitly (never the publisher's own);
    ``voiced``: the state of the voices its title names (``voices.voiced_state``), second only to
    the government's own name for itself."""
    cues = lex.perspective
    title = doc.title.strip()
    # the lead counts only in a text that reads as a government's own (news copy names governments)
    lead = doc.clean[:_LEAD_CHARS] if is_official_text(doc, lex) else ""
    own = Counter(
        state
        for m in cues.self_names.finditer(f"{title}\n{lead}")
        if (state := cues.state_of.get(re.sub(r"\s+", " ", m.group()).lower()))
    )
    if own:
        return own.most_common(1)[0][0]
    if voiced is not None:
        return voiced
    opening = title or doc.clean.lstrip()[:200]
    gov = _GOVERNMENT_OF_RE.match(opening)
    place = lex.places.pattern.match(opening, gov.end()) if gov else None
    if place and (state := lex.places.lookup(place.group())):
        return state  # "Government of <State> and ... Launch ...": that government's own text
    if not (cues.genre.match(opening) or cues.spoken.match(opening)):
        return None
    shut_out = set(marked) | _marked_parties(doc, lex) | _named_of(title, lex)
    counts = Counter(p.country for p in doc.places if p.kind != "capital" and p.country not in shut_out)
    in_title = [
        c
        for m in lex.places.pattern.finditer(title)
        if lex.places.kind_of.get(re.sub(r"['’]s$", "", m.group())) != "capital"
        and (c := lex.places.lookup(m.group()))
        and c not in shut_out
    ]
    counts.update(in_title)
    parties = {
        c
        for m in lex.places.pattern.finditer(title)
        if lex.places.kind_of.get(re.sub(r"['’]s$", "", m.group())) != "capital"
        and (c := lex.places.lookup(m.group()))
    }
    if len(parties) >= 2:  # a joint text's title names its parties: the publisher is one of them
        counts = Counter({c: n for c, n in counts.items() if c in parties})
    ranked = counts.most_common(2)
    if not ranked:
        # every party of a joint title has its officials marked: a government names itself first
        first = [
            c for m in lex.places.pattern.finditer(title) if (c := lex.places.lookup(m.group())) in parties
        ]
        return first[0] if len(parties) >= 2 and first and not _JOINT_RE.match(opening) else None
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        # a tie: a government names itself first in its own title ("The United States and India ...")
        tied = {c for c, n in counts.items() if n == ranked[0][1]}
        named_first = next((c for c in in_title if c in tied), None)
        return named_first if named_first is not None else _paired_first(doc, tied, shut_out)
    return ranked[0][0]


def _paired_first(doc: Doc, tied: set[str], others: set[str]) -> str | None:
    """The one tied state a text pairs first with the other side ("U.S.-UK cooperation": a government
    names its own side of a relationship first), else None."""
    found = {
        a.country
        for a, b in zip(doc.places, doc.places[1:], strict=False)
        if a.country in tied and b.country in others and b.start == a.end + 1 and doc.clean[a.end] in "-–"
    }
    return found.pop() if len(found) == 1 else None


#: a title opening with the government that speaks: "(The) Government of <State> ..."
_GOVERNMENT_OF_RE = re.compile(r"^\W*(?:The\s+)?Government\s+of\s+(?:the\s+)?")
_JOINT_RE = re.compile(r"^\W*Joint\b", re.IGNORECASE)


#: "... Call with Chief Adviser A B of <State>": a name, then "of" and the state it serves
_NAME_OF_RE = re.compile(r"\b(?P<word>[A-Z][\w’'.-]*)\s+of\s+(?:the\s+)?$")


def _named_of(title: str, lex: Lexicon) -> set[str]:
    """States a title marks as the other side: "Meeting with Prime Minister X of <State>" (a person's
    name, not a title or a body, right before "of")."""
    found: set[str] = set()
    for m in lex.places.pattern.finditer(title):
        before = _NAME_OF_RE.search(title, 0, m.start())
        if before is None or lex.titles.pattern.fullmatch(before.group("word")):
            continue
        if before.group("word").lower() in _NOT_NAMES:
            continue
        if (state := lex.places.lookup(m.group())) is not None:
            found.add(state)
    return found


#: words before "of <State>" in a title that are not a person's name
_NOT_NAMES = frozenset(
    {
        "government",
        "republic",
        "kingdom",
        "state",
        "states",
        "people",
        "leaders",
        "president",
        "minister",
        "ministry",
        "department",
        "embassy",
        "statement",
        "readout",
        "meeting",
        "call",
    }
)


_PARTY_RE = re.compile(
    r"\s+(?:(?:[A-Z][\w-]*|and|of|the)\s+){0,6}?(?:[Dd]elegations?|[Cc]ounterparts?|[Ss]ide|[Tt]eam|[Oo]fficials)\b"
)


def _marked_parties(doc: Doc, lex: Lexicon) -> set[str]:
    """States marked as the other side: a nationality or state before a title or a party noun
    ("the Ukrainian Delegation", "German State Secretary", "the Japanese side")."""
    found: set[str] = set()
    for place in doc.places:
        if place.kind == "capital":
            continue
        spaced = doc.clean[place.end : place.end + 1] == " "
        titled = spaced and lex.titles.pattern.match(doc.clean, place.end + 1)
        if titled or _PARTY_RE.match(doc.clean, place.end):
            found.add(place.country)
    return found
