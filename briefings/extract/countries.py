"""Countries of officials: the state each person serves, from the most direct cue to the weakest.

In order: a nationality, possessive or body in a mention ("his Indian counterpart X" included); a
state at the name ("X of Japan", "Japan's X"); a title only one state uses; the setting of the
clause ("In Ottawa, ... spokesperson X"); the state an ambiguous body ("Foreign Office") was guessed
to belong to; the one state named in the sentence of an ambiguous body; the one embassy named with
an envoy; the state of a principal ("spokesperson for President X"). In a story about two states: a
title only one of them uses; a romanised Chinese name only as a tie-break between two people facing
each other; and the other state of a person who meets, visits or faces people of one of them (never
from a mere list: "Prime Minister A and President B"). In a government's own text, the publisher's
perspective (``perspective.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from .document import Doc
from .lexicon import Lexicon
from .mentions import Mention, Person, name_country, paren_country
from .names import NameSpan, looks_chinese
from .perspective import is_official_text, publisher
from .voices import voiced_state

_RELATION_RE = re.compile(
    r"(?i)\b(?:met|meets|meeting|conveyed|sent|wrote|written|writes|called|spoke|assured|told|hosted|"
    r"received|welcomed|congratulated|thanked|urged|invited|between)\b"
)
# "affirmed the United States' full support for President X's reforms": the one backed is the other side
_BACKS_RE = re.compile(r"(?i)\bsupport\s+(?:for|to)\s+(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,4}$")
_VISIT_RE = re.compile(
    r"(?i)\b(?:visit(?:ed|ing|s)?|trip|travel(?:led|ed|s)?|arriv(?:ed|es|ing)|flew|went)\s+"
    r"(?:to\s+|in\s+)?(?:the\s+)?$"
)


def assign_countries(doc: Doc, lex: Lexicon, people: list[Person]) -> None:
    """Country of each person, from the most direct cue to the weakest.

    A romanised name's ethnic origin is not a cue on its own: officials of the US, Singapore,
    Taiwan or Malaysia carry Chinese surnames. It only breaks a tie between two people of unknown
    state who face each other ("between A and B", "A and B ... their meeting") in a story about
    China and one other state, when exactly one of the two names reads as pinyin.
    """
    main = doc.main_countries()
    for person in people:
        explicit = Counter(m.country for m in person.mentions if m.country)
        if not explicit:  # "Japan's X" or "X of Japan" at any mention of the person
            explicit = Counter(c for s, e in person.spans if (c := name_country(doc, NameSpan(s, e, ""))))
        if not explicit:  # "X (Assistant Secretary of the U.S. Treasury)": the state in a bracketed title
            explicit = Counter(
                c for s, e in person.spans if (c := paren_country(doc, lex, NameSpan(s, e, "")))
            )
        if not explicit:  # "The Canadian delegation included ... X": the delegation's state
            explicit = Counter(c for m in person.mentions if (c := _delegation_country(doc, m)))
        if not explicit:  # "In <capital>, Foreign Office spokesperson X": the state named by the setting
            explicit = Counter(c for m in person.mentions if (c := _setting_country(doc, m, main)))
        if not explicit:  # "Foreign Office spokesperson X" in a story naming one state that calls it so
            explicit = Counter(m.body_guess for m in person.mentions if m.body_guess)
        if not explicit:
            explicit = Counter(c for m in person.mentions if (c := _open_body_country(doc, m, main)))
        if not explicit:  # "the embassy said ..., a figure Ambassador X cited": the embassy's state
            explicit = Counter(c for m in person.mentions if (c := _mission_country(doc, m)))
        if explicit:
            person.country = explicit.most_common(1)[0][0]
    _by_principal(doc, people)
    _by_possessor(doc, people)
    voiced = voiced_state(doc, lex, people)
    own = publisher(doc, lex, {p.country for p in people if p.country}, voiced)
    if len(main) == 2:
        _by_title_states(lex, people, main)
        _pinyin_tie_break(doc, lex, people, main)
        if own is None:  # a government's own text is read from its perspective instead
            _by_relation(doc, people, main)
            own = publisher(doc, lex, {p.country for p in people if p.country}, voiced)
    if own is not None:
        _by_publisher(doc, lex, people, own)
    elif len(named := {p.country for p in doc.places}) == 1 and is_official_text(doc, lex):
        # a government's release that names one state and no other: its officials with no state of
        # their own serve that one. Only a government's own text: a story that names one foreign
        # state and never its own ("Senator X criticised <State>'s tariffs") says nothing of its
        # officials' state
        for person in people:
            person.country = person.country or next(iter(named))


def _by_publisher(doc: Doc, lex: Lexicon, people: list[Person], own: str) -> None:
    """In a government's own text, its officials carry no state: each official still without
    one serves the publisher, unless their title is one the publisher does not use ("Prime
    Minister" in a US text: then the one other state of the text that uses it), they visit the
    publisher's state, or a publisher's official meets, calls or backs them (the other side)."""
    others = _other_sides(doc, lex, own)
    named = {p.country for p in doc.places if p.kind != "capital"} - {own}
    unused = lex.perspective.unused_words.get(own, frozenset())
    defaulted: list[Person] = []
    for person in people:
        if person.country is not None:
            continue
        cores = {_bare_core(m.core) for m in person.mentions}
        bound = [
            states
            for c in cores
            if (states := lex.titles.title_states.get(c)) is not None and own not in states
        ]
        if bound:
            options = set().union(*bound) & named
            if len(options) == 1:
                person.country = options.pop()
            continue
        if any(w in unused for c in cores for w in c.split()):  # "Minister X" in a US readout
            person.country = others[0] if len(others) == 1 else None
            continue
        if own in _visited(doc, person):
            person.country = others[0] if len(others) == 1 else None
            continue
        person.country = own
        defaulted.append(person)
    # "Secretary X met with Finance Minister Y": in a readout the publisher's official meets the
    # other side, so whoever a publisher's official meets, hosts, calls or backs is not the publisher's
    for person in defaulted:
        if own in _acted_on_by(doc, person, people):
            person.country = others[0] if len(others) == 1 else None
    _one_holder(doc, lex, people, own, defaulted, others)


def _bare_core(core: str | None) -> str:
    return re.sub(r"^(?:(?:acting|interim|former)\s+)+", "", core or "")


def _other_sides(doc: Doc, lex: Lexicon, own: str) -> list[str]:
    """The states a government's text deals with: those its title names ("Call with President X
    of Y"), else the text's most named states, never the publisher."""
    in_title = [
        c
        for m in lex.places.pattern.finditer(doc.title)
        if lex.places.kind_of.get(re.sub(r"['’]s$", "", m.group())) != "capital"
        and (c := lex.places.lookup(m.group()))
        and c != own
    ]
    if in_title:
        return list(dict.fromkeys(in_title))
    return [c for c in doc.main_countries() if c != own]


def _one_holder(
    doc: Doc, lex: Lexicon, people: list[Person], own: str, defaulted: list[Person], others: list[str]
) -> None:
    """A state has one president (prime minister, ...) at a time: of two holders of one such post
    in a government's own text only one serves the publisher. One it names as its own keeps it,
    else the first named (a government names its own first: "President A and President B"); the
    others, given the publisher's state only by default, serve the other side."""
    single = lex.perspective.single_posts
    holders: dict[str, list[Person]] = {}
    for person in people:
        if person.country != own:
            continue
        posts = {c for m in person.mentions if (c := _bare_core(m.core)) in single}
        for post in posts:
            holders.setdefault(post, []).append(person)
    by_default = set(map(id, defaulted))
    for post, group in holders.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda p: min(s for s, _ in p.spans) if p.spans else 0)
        keeper = next((p for p in group if id(p) not in by_default), group[0])
        for person in group:
            if person is keeper or id(person) not in by_default:
                continue
            states = lex.titles.title_states.get(post)
            options = [c for c in others if states is None or c in states]
            if len(options) > 1 and post in lex.perspective.head_posts:
                # leaders named together lead different states: not one another's
                led = {p.country for p in people if p is not person and _heads(p, lex)}
                options = [c for c in options if c not in led]
            person.country = options[0] if len(options) == 1 else None


def _heads(person: Person, lex: Lexicon) -> bool:
    return any(_bare_core(m.core) in lex.perspective.head_posts for m in person.mentions)


_DELEGATION_RE = re.compile(
    r"\bdelegations?(?:\s+(?:from|of)\s+(?:the\s+)?(?P<of>[A-Z]))?(?=[^.;]{0,60}?\b(?:also\s+)?"
    r"(?:included|includes|include|comprised|comprises|consisted\s+of|consists\s+of|was\s+led\s+by|"
    r"were\s+led\s+by|led\s+by|headed\s+by|composed\s+of)\b)",
    re.IGNORECASE,
)


def _delegation_country(doc: Doc, mention: Mention) -> str | None:
    """ "The Canadian delegation included A; B", "a delegation from Mexico led by C": the state of
    the last delegation named before the mention in its sentence."""
    if not 0 <= mention.sentence < len(doc.sentences):
        return None
    sentence = doc.sentences[mention.sentence]
    found = None
    for m in _DELEGATION_RE.finditer(doc.clean, sentence.start, max(sentence.start, mention.name.start)):
        if m.group("of"):
            place = doc.place_starting.get(m.start("of"))
        else:
            before = doc.clean[sentence.start : m.start()].rstrip()
            # "The Mexican high-level delegation": modifiers may stand between state and noun
            bare = re.sub(r"(?:\s+(?:[a-z][\w-]*|[A-Z][a-z]+-[a-z][\w-]*)){0,2}$", "", before)
            place = doc.place_ending.get(sentence.start + len(before)) or doc.place_ending.get(
                sentence.start + len(bare)
            )
        if place is not None and place.kind != "capital":
            found = place.country
    return found


def _by_principal(doc: Doc, people: list[Person]) -> None:
    """ "a spokesperson for President X", "an adviser to Prime Minister X": the state X serves."""
    starts = {s: p for p in people for s, _ in p.spans}
    for person in people:
        if person.country is not None:
            continue
        for m in person.mentions:
            if m.title is None or m.name.end > m.start:  # only appositives: "Y, spokesperson for X"
                continue
            end = m.end
            gap = re.match(r"\s+(?:for|to)\s+(?:the\s+)?", doc.clean[end : end + 12])
            if gap is None:
                continue
            later = [
                (s, p)
                for s, p in starts.items()
                if end + gap.end() <= s <= end + gap.end() + 40 and p.country
            ]
            if later and later[0][1] is not person:
                person.country = min(later, key=lambda x: x[0])[1].country
                break


def _by_possessor(doc: Doc, people: list[Person]) -> None:
    """ "the Prime Minister's National Security Adviser X": X serves the state of the post that owns
    the title, when the text's holders of that post all serve one state."""
    holders: dict[str, set[str]] = {}
    for p in people:
        for m in p.mentions:
            if m.title and p.country and not m.former:
                holders.setdefault(m.title.lower(), set()).add(p.country)
    for person in people:
        if person.country is not None:
            continue
        for m in person.mentions:
            owner = _POSSESSOR_RE.search(doc.clean, max(0, m.start - 60), m.start) if m.title else None
            words = owner.group(1).lower().split() if owner else []
            # the longest run of the owner's last words that is a post someone here holds
            posts = [" ".join(words[-k:]) for k in range(len(words), 0, -1)]
            states = next((holders[post] for post in posts if post in holders), set())
            if len(states) == 1:
                person.country = next(iter(states))
                break


#: the words that own the title right after them: "the Prime Minister's ", "the President’s "
_POSSESSOR_RE = re.compile(r"((?:[\w-]+\s+){0,3}[\w-]+)['’]s\s+$")


def _by_title_states(lex: Lexicon, people: list[Person], main: list[str]) -> None:
    """A title only one of the story's two states uses ("Foreign Secretary" in a US–India story)."""
    for person in people:
        if person.country is not None:
            continue
        options: set[str] = set()
        for m in person.mentions:
            core = re.sub(r"^(?:(?:acting|interim|former)\s+)+", "", m.core or "")
            states = lex.titles.title_states.get(core)
            if states is not None:
                options |= states & set(main)
        if len(options) == 1:
            person.country = options.pop()


def _pinyin_tie_break(doc: Doc, lex: Lexicon, people: list[Person], main: list[str]) -> None:
    if "China" not in main:
        return
    other = next(c for c in main if c != "China")
    unknown = [p for p in people if p.country is None]
    for a in unknown:
        for b in unknown:
            if a is b or a.country or b.country or not _related(doc, a, b):
                continue
            if looks_chinese(a.name, lex.names) and not looks_chinese(b.name, lex.names):
                a.country, b.country = "China", other


# a setting phrase that opens the sentence or a clause: "In Ottawa, ...", "..., speaking in Seoul, ..."
_LOCATIVE_RE = re.compile(r"(?:^|,\s*|\bspeaking\s+)(?:[Ii]n|[Ff]rom|[Aa]t)\s+(?:the\s+)?$")


#: how far before a title its clause's setting may be named ("In Ottawa, where ..., spokesperson X")
_SETTING_REACH = 400


def _setting_country(doc: Doc, mention: Mention, main: list[str]) -> str | None:
    """A state of the story named as the setting of the clause before the title ("In Ottawa, ...").

    Only the last place of the story's states before the title can be that setting (another one
    would stand between them). The places are in text order, so it is found by bisection, and only
    the setting phrase's few characters before it are searched: looking through the whole sentence
    for every place and every mention was cubic in a sentence's length."""
    sentence = doc.sentences[mention.sentence] if 0 <= mention.sentence < len(doc.sentences) else None
    if sentence is None or mention.start < 0:
        return None
    at = bisect_right(doc.places, mention.start, key=lambda p: p.end) - 1
    while at >= 0 and doc.places[at].start >= sentence.start and doc.places[at].country not in main:
        at -= 1
    if at < 0 or doc.places[at].start < sentence.start:
        return None
    place = doc.places[at]
    if mention.start - place.end > _SETTING_REACH:
        return None
    lo = max(sentence.start, place.start - 80)
    setting = (
        _LOCATIVE_RE.search(doc.clean[lo : place.start])  # "^" is the sentence's start here
        if lo == sentence.start
        else _LOCATIVE_RE.search(doc.clean, lo, place.start)  # "^" cannot match at lo
    )
    if (
        setting
        and re.match(r"\s*,", doc.clean[place.end : place.end + 3])
        and not re.search(r"[;:]", doc.clean[place.end : mention.start])
    ):
        return place.country
    return None


_ENVOY_CORES = (
    "ambassador",
    "high commissioner",
    "envoy",
    "consul",
    "chargé d'affaires",
    "charge d'affaires",
)


def _mission_country(doc: Doc, mention: Mention) -> str | None:
    """An envoy of no named state in a sentence that names exactly one state's embassy."""
    if not (mention.core or "").endswith(_ENVOY_CORES) or not 0 <= mention.sentence < len(doc.sentences):
        return None
    sentence = doc.sentences[mention.sentence]
    states = {
        b.country
        for b in doc.bodies
        if b.head in {"embassy", "commission"} and b.country and sentence.start <= b.start < sentence.end
    }
    return states.pop() if len(states) == 1 else None


def _open_body_country(doc: Doc, mention: Mention, main: list[str]) -> str | None:
    """For a body that names no state, the one state of the story named in the same sentence."""
    sentence = doc.sentences[mention.sentence] if 0 <= mention.sentence < len(doc.sentences) else None
    if sentence is not None and mention.open_body:
        states = {
            p.country for p in doc.places if sentence.start <= p.start < sentence.end and p.country in main
        }
        if len(states) == 1:
            return states.pop()
    return None


def _by_relation(doc: Doc, people: list[Person], main: list[str]) -> None:
    changed = True
    while changed:
        changed = False
        for person in people:
            if person.country is not None:
                continue
            visited = _visited(doc, person)
            excluded = visited | {
                o.country
                for o in people
                if o is not person and o.country in main and _related(doc, person, o)
            }
            if set(main) <= excluded:
                excluded = visited | _acted_on_by(doc, person, people)
            options = [c for c in main if c not in excluded]
            if len(options) == 1 and excluded & set(main):
                person.country = options[0]
                changed = True


def _related(doc: Doc, a: Person, b: Person) -> bool:
    """Two people in one sentence with a meeting, message or talks between them, not a list
    ("Prime Minister A and President B" says nothing about B's state)."""
    for a_start, a_end in a.spans:
        for b_start, b_end in b.spans:
            lo, hi = (a_end, b_start) if a_end <= b_start else (b_end, a_start)
            if hi < lo or hi - lo > 200:
                continue
            between = doc.clean[lo:hi]
            if re.search(r"[.!?]\s", between):
                continue
            if _RELATION_RE.search(between) or re.search(r"(?i)\b(?:counterpart|with|talks)\b", between):
                return True
            if re.search(r"(?i)\band\b", between) and _joint(doc, lo, hi):
                return True
    return False


_JOINT_BEFORE_RE = re.compile(r"(?i)\bbetween\s+(?:\S+\s+){0,4}$")
_JOINT_AFTER_RE = re.compile(
    r"(?i)\b(?:their|each\s+other|bilateral|counterparts|jointly|they\s+(?:met|spoke|talked|held)|"
    r"(?:also\s+)?(?:agreed|pledged|vowed|signed|promised|committed|discussed))\b"
)


def _joint(doc: Doc, lo: int, hi: int) -> bool:
    """ "between A and B", "A and B ... at their meeting": two sides, not a list of colleagues."""
    sentence = doc.sentence_of(lo)
    if sentence is None:
        return False
    start = max(sentence.start, lo - 80)
    first = doc.clean.rfind(" ", start, lo - 1)
    return bool(
        _JOINT_BEFORE_RE.search(doc.clean[start : max(start, first)] + " ")
        or _JOINT_BEFORE_RE.search(doc.clean[start:lo])
        or _JOINT_AFTER_RE.search(doc.clean, hi, min(sentence.end, hi + 120))
    )


def _acted_on_by(doc: Doc, person: Person, people: list[Person]) -> set[str]:
    """Countries of people who, earlier in a shared sentence, meet, write to or assure this person."""
    found: set[str] = set()
    for start, _ in person.spans:
        sentence = doc.sentence_of(start)
        if sentence is None:
            continue
        for other in people:
            if other is person or other.country is None:
                continue
            for o_start, o_end in other.spans:
                if (
                    sentence.start <= o_start
                    and o_end < start
                    and (
                        _RELATION_RE.search(doc.clean[o_end:start])
                        or _BACKS_RE.search(doc.clean[max(o_end, start - 40) : start])
                    )
                ):
                    found.add(other.country)
    return found


def _visited(doc: Doc, person: Person) -> set[str]:
    """States a person visits in the text ("X visited Beijing", "X's trip to China")."""
    found: set[str] = set()
    for _, end in person.spans:
        window_end = min(len(doc.clean), end + 60)
        for place in doc.places:
            if end < place.start < window_end and place.kind in {"capital", "country"}:
                between = doc.clean[end : place.start]
                if _VISIT_RE.search(between) and "." not in between:
                    found.add(place.country)
    return found


# --------------------------------------------------------------------------- output
