"""Officials: people named with a public role, merged across mentions, with title and country.

Mentions come from three patterns around a title word (``data/titles.toml``):

* title before the name: "China's Vice Foreign Minister X", "MEA spokesperson X", "the foreign
  secretary, X", "Indian Ambassador to Beijing X" (a spaCy PERSON span right after the title is
  used when the name rule cannot read the name);
* appositive after the name: "X, China's foreign minister," / "X, the External Affairs Minister.";
* copula: "X is a former Chinese ambassador to India" (recorded as another title).

Mentions of one person are merged in the document ("Premier Wen" = "Wen Jiabao", "N. Rao" =
"Nirupama Rao"), then the country comes from, in order: a nationality, possessive or
body in a mention; a title only one state uses; a romanised Chinese name when China is in the
story; and, in a story about two states, the other state of a person who meets, visits or sits in a
sentence with people of one of them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Official, Span
from .bodies import BodyMention
from .document import Doc
from .lexicon import Lexicon
from .names import NameSpan, fullness, looks_chinese, read_name_backward, read_name_forward, same_person

_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "whose", "our"}
_POST_RE = re.compile(r"\s+(?P<prep>to|of|for|in|at)\s+(?:the\s+)?")
_COPULA_RE = re.compile(
    r"(?:\s+(?:is|was|has\s+been|had\s+been|served\s+as|serves\s+as|as|became|becomes)"
    r"|,\s+who\s+(?:is|was|has\s+been))\s+(?:(?:a|an|the)\s+)?$"
)
_APPOSITIVE_END_RE = re.compile(r"^\s*(?:[,.;:)]|$|\s(?:who|and|said|says|told|has|had|is|was|will)\b)")
_RELATION_RE = re.compile(
    r"(?i)\b(?:met|meets|meeting|conveyed|sent|wrote|written|writes|called|spoke|assured|told|hosted|"
    r"received|welcomed|congratulated|thanked|urged|invited|between)\b"
)
_VISIT_RE = re.compile(
    r"(?i)\b(?:visit(?:ed|ing|s)?|trip|travel(?:led|ed|s)?|arriv(?:ed|es|ing)|flew|went)\s+"
    r"(?:to\s+|in\s+)?$"
)


@dataclass(eq=False)
class Mention:
    name: NameSpan
    title: str | None = None
    core: str | None = None  # the title word(s) as listed, lowercased ("vice foreign minister")
    country: str | None = None
    former: bool = False
    weak: bool = False
    copula: bool = False
    tentative: bool = False  # a one-word name read leftwards: kept only if it joins a known person
    phrase: str = ""  # the whole role phrase, for other_titles
    sentence: int = -1


@dataclass(eq=False)
class Person:
    name: str
    mentions: list[Mention] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)
    country: str | None = None


# --------------------------------------------------------------------------- mentions


def find_mentions(doc: Doc, lex: Lexicon) -> list[Mention]:
    mentions: list[Mention] = []
    for m in lex.titles.pattern.finditer(doc.clean):
        sentence = doc.sentence_of(m.start())
        if sentence is None:
            continue
        mention = _mention_at(doc, lex, m.start(), m.end(), sentence.start, sentence.end)
        if mention is not None:
            mention.sentence = sentence.index
            mentions.append(mention)
    return _drop_nested(mentions)


def _mention_at(doc: Doc, lex: Lexicon, start: int, end: int, s_start: int, s_end: int) -> Mention | None:
    core = doc.clean[start:end]
    mod_start, country, body, body_text, former, det = _left_modifiers(doc, lex, start, s_start)
    post_end, post = _post(doc, lex, end, s_end)
    title = " ".join(x for x in (body_text, core, post) if x)
    mention = Mention(
        name=NameSpan(0, 0, ""),
        title=title,
        core=re.sub(r"\s+", " ", core.lower()),
        country=country,
        former=former,
        weak=core.lower() in lex.titles.weak,
        phrase=_phrase(doc.clean[mod_start:post_end]),
    )
    if mention.country is None:
        mention.country = _contextual_country(doc, lex, mention.core or "", det, body, start)
    name = _name_after(doc, lex, post_end, s_end)
    if name is not None:
        mention.name = name
        return mention
    before = _name_before(doc, lex, mod_start, post_end, s_start, s_end)
    if before is not None:
        mention.name, mention.copula = before
        mention.tentative = not _plausible(doc, mention.name)
        return mention
    return None


def _phrase(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    return " ".join(words)


def _left_modifiers(
    doc: Doc, lex: Lexicon, start: int, s_start: int
) -> tuple[int, str | None, BodyMention | None, str, bool, str]:
    """Peel "former", a body, a state and a determiner off the text left of a title."""
    pos, country, body, body_text, former, det = start, None, None, "", False, ""
    for _ in range(5):
        left = doc.clean[s_start:pos].rstrip()
        cut = s_start + len(left)
        hit_body = doc.body_ending.get(cut)
        if hit_body is not None and body is None and not country:
            body = hit_body
            body_start, body_country = _strip_place(doc, lex, hit_body.start, hit_body.end)
            country = country or body_country or hit_body.country
            body_text = doc.clean[body_start : hit_body.end]
            pos = hit_body.start
            continue
        place = doc.place_ending.get(cut)
        place = place if place is not None and place.kind != "capital" else None
        if place is not None and not country:
            country, pos = place.country, place.start
            continue
        word = re.search(r"(\S+)$", left)
        if not word:
            break
        token = word.group(1)
        if lex.titles.former.fullmatch(token) or token.lower() == "ex":
            former, pos = True, s_start + word.start(1)
            continue
        if token.lower() in _DETERMINERS and not det:
            det, pos = token.lower(), s_start + word.start(1)
            continue
        break
    return pos, country, body, body_text, former, det


def _strip_place(doc: Doc, lex: Lexicon, start: int, end: int) -> tuple[int, str | None]:
    place = doc.place_starting.get(start)
    if place is None or place.end > end:
        return start, None
    rest = doc.clean[place.end : end]
    return place.end + (len(rest) - len(rest.lstrip())), place.country


def _post(doc: Doc, lex: Lexicon, end: int, s_end: int) -> tuple[int, str]:
    """ "to Beijing", "of the European Commission": the post a title names, if any."""
    m = _POST_RE.match(doc.clean, end, s_end)
    if not m:
        return end, ""
    place = doc.place_starting.get(m.end())
    if place is not None:
        return place.end, doc.clean[end : place.end].strip()
    words_end = m.end()
    for w in re.finditer(r"[A-Z][\w'’-]*", doc.clean[m.end() : s_end]):
        if doc.clean[words_end : m.end() + w.start()].strip() not in {"", "and", "of", "for"}:
            break
        if w.group() not in lex.names.stop:
            break
        words_end = m.end() + w.end()
    if words_end == m.end() or m.group("prep") in {"in", "at"}:
        return end, ""
    return words_end, doc.clean[end:words_end].strip()


def _contextual_country(
    doc: Doc, lex: Lexicon, core: str, det: str, body: BodyMention | None, start: int
) -> str | None:
    if body is not None and body.country:
        return body.country
    spokes = any(core.endswith(s) for s in lex.titles.spokes)
    if det == "its" or (spokes and body is None):
        nearby = doc.bodies_before(start, sentences_back=2)
        if nearby:
            return nearby[0].country
    return lex.titles.implied_country.get(core)


def _name_after(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> NameSpan | None:
    m = re.compile(r"\s*,?\s*").match(doc.clean, pos)
    start = m.end() if m else pos
    if start == pos and pos < len(doc.clean) and not doc.clean[pos : pos + 1].isspace():
        return None
    name = read_name_forward(doc.clean, start, lex.names, limit=s_end)
    person = next((p for p in doc.persons if start <= p[0] <= start + 1), None)
    if person is not None and (name is None or person[1] > name.end):
        text = re.sub(r"['’]s?$", "", doc.clean[person[0] : person[1]]).strip()
        if text and not any(w in lex.names.stop for w in text.split()):
            return NameSpan(person[0], person[0] + len(text), text)
    return name


def _name_before(
    doc: Doc, lex: Lexicon, mod_start: int, post_end: int, s_start: int, s_end: int
) -> tuple[NameSpan, bool] | None:
    """An appositive ("X, China's foreign minister,") or copula ("X is a former ambassador")."""
    if not _APPOSITIVE_END_RE.match(doc.clean[post_end:s_end]):
        return None
    left = doc.clean[s_start:mod_start]
    copula = _COPULA_RE.search(left)
    if copula is not None:
        name = read_name_backward(doc.clean, s_start + copula.start(), lex.names)
        return (name, True) if name is not None else None
    if not left.rstrip().endswith(","):
        return None
    name = read_name_backward(doc.clean, s_start + len(left.rstrip()) - 1, lex.names)
    return (name, False) if name is not None else None


def _plausible(doc: Doc, name: NameSpan) -> bool:
    """A name read leftwards is trusted with two words or more, or when NER calls it a person."""
    return len(name.tokens) >= 2 or any(p[0] <= name.start and name.end <= p[1] for p in doc.persons)


def _drop_nested(mentions: list[Mention]) -> list[Mention]:
    """Keep one mention per name span: the one whose title is longest."""
    best: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        key = (m.name.start, m.name.end)
        old = best.get(key)
        if old is None or len(m.phrase) > len(old.phrase):
            best[key] = m
    return sorted(best.values(), key=lambda m: m.name.start)


# --------------------------------------------------------------------------- people


def group_people(doc: Doc, lex: Lexicon, mentions: list[Mention]) -> list[Person]:
    people: list[Person] = []
    ordered = sorted(mentions, key=lambda m: (-len(m.name.tokens), m.name.start))
    for mention in ordered:
        person = _match_person(people, mention.name.text, mention.name.start)
        if person is None and mention.tentative:
            continue
        if person is None:
            person = Person(mention.name.text)
            people.append(person)
        _add(person, mention.name, mention.sentence)
        person.mentions.append(mention)
        if fullness(mention.name.text) > fullness(person.name):
            person.name = mention.name.text
    _add_bare_mentions(doc, lex, people)
    people.sort(key=lambda p: min(s for s, _ in p.spans))
    return [p for p in people if not _not_public(doc, lex, p)]


def _match_person(people: list[Person], name: str, pos: int) -> Person | None:
    candidates = [p for p in people if any(same_person(name, f) or same_person(f, name) for f in p.forms)]
    if not candidates:
        return None
    before = [p for p in candidates if any(s < pos for s, _ in p.spans)]
    pool = before or candidates
    return max(pool, key=lambda p: max((s for s, _ in p.spans if s < pos), default=-1))


def _add(person: Person, name: NameSpan, sentence: int) -> None:
    if (name.start, name.end) not in person.spans:
        person.spans.append((name.start, name.end))
    if name.text not in person.forms:
        person.forms.append(name.text)
    if sentence >= 0:
        person.sentences.add(sentence)


def _add_bare_mentions(doc: Doc, lex: Lexicon, people: list[Person]) -> None:
    """Later mentions without a title: "Rao said", "Wen's visit", "Nirupama Rao visited"."""
    taken = [span for p in people for span in p.spans]
    tokens: dict[str, list[Person]] = {}
    for person in people:
        for form in person.forms:
            parts = form.split()
            for key in {form, parts[0], parts[-1]}:
                if len(key) > 1 and not key.endswith(".") and key not in lex.names.stop:
                    tokens.setdefault(key, []).append(person)
    if not tokens:
        return
    pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
        + r")(?:['’]s?)?(?![\w-])"
    )
    for m in pattern.finditer(doc.clean):
        surface = re.sub(r"['’]s?$", "", m.group())
        end = m.start() + len(surface)
        if any(s <= m.start() < e or s < end <= e for s, e in taken):
            continue
        if _inside_longer_name(doc.clean, m.start(), end):
            continue
        owners = list({id(p): p for p in tokens.get(surface, [])}.values())
        owner = _nearest(owners, m.start())
        if owner is None:
            continue
        sentence = doc.sentence_of(m.start())
        _add(owner, NameSpan(m.start(), end, surface), sentence.index if sentence else -1)
        taken.append((m.start(), end))


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """ "Sun" in "Sun Microsystems" or "Lin" in "Abraham Lin": a capitalised word glued on either side."""
    before = text[max(0, start - 20) : start]
    after = text[end : end + 20]
    return bool(re.search(r"[A-Z][\w-]*\s$", before) and not re.search(r"[.!?]\s$", before)) or bool(
        re.match(r"^\s[A-Z][a-z]", after) and not re.match(r"^\s(?:I|The|A|An|In|On|At)\b", after)
    )


def _nearest(owners: list[Person], pos: int) -> Person | None:
    if not owners:
        return None
    if len(owners) == 1:
        return owners[0]
    return max(owners, key=lambda p: max((s for s, _ in p.spans if s < pos), default=-1))


def _not_public(doc: Doc, lex: Lexicon, person: Person) -> bool:
    """A person whose only roles are weak titles and who is also called an analyst or executive."""
    if any(not m.weak for m in person.mentions):
        return False
    for start, end in person.spans:
        window = doc.clean[max(0, start - 30) : end + 40]
        if lex.titles.not_public.search(window):
            return True
    return False


# --------------------------------------------------------------------------- countries


def assign_countries(doc: Doc, lex: Lexicon, people: list[Person]) -> None:
    for person in people:
        explicit = Counter(m.country for m in person.mentions if m.country)
        if explicit:
            person.country = explicit.most_common(1)[0][0]
    china = "China" in doc.countries()
    for person in people:
        if person.country is None and china and looks_chinese(person.name, lex.names):
            person.country = "China"
    main = doc.main_countries()
    if len(main) == 2:
        _by_relation(doc, people, main)


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
                if o is not person and o.country in main and person.sentences & o.sentences
            }
            if set(main) <= excluded:
                excluded = visited | _acted_on_by(doc, person, people)
            options = [c for c in main if c not in excluded]
            if len(options) == 1 and excluded & set(main):
                person.country = options[0]
                changed = True


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
                    and _RELATION_RE.search(doc.clean[o_end:start])
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


def to_officials(doc: Doc, people: Iterable[Person]) -> list[Official]:
    out: list[Official] = []
    for person in people:
        main = _best_title(person)
        others = [
            m.phrase
            for m in person.mentions
            if m is not main
            and m.phrase
            and m.title
            and (m.copula or m.former)
            and main is not None
            and m.title != main.title
        ]
        out.append(
            Official(
                name=person.name,
                aliases=[f for f in person.forms if f != person.name],
                title=main.title if main else None,
                country=person.country,
                other_titles=list(dict.fromkeys(others)),
                former=bool(main and main.former),
                spans=[Span(start=s, end=e) for s, e in sorted(person.spans)],
            )
        )
    return out


def _best_title(person: Person) -> Mention | None:
    titled = [m for m in person.mentions if m.title]
    if not titled:
        return None

    def rank(m: Mention) -> tuple[int, int, int, int]:
        return (int(not m.former), int(not m.copula), int(not m.weak), len((m.title or "").split()))

    best = max(titled, key=rank)
    return best


def extract_officials(doc: Doc, lex: Lexicon) -> tuple[list[Official], list[Person]]:
    people = group_people(doc, lex, find_mentions(doc, lex))
    assign_countries(doc, lex, people)
    return to_officials(doc, people), people
