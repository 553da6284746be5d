"""Officials: people named with a public role, merged across mentions, with title and country.

Three jobs, three modules: ``mentions.py`` reads each name with its role phrase, ``countries.py``
decides the state each person serves, and this module assembles them: mentions of one person are
merged in the document ("Premier Wen" = "Wen Jiabao", "N. Rao" = "Nirupama Rao"), later bare
mentions join them, and each person becomes one ``Official`` with its best title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import Official, Span
from .appositions import reassign_appositions
from .countries import assign_countries
from .document import Doc
from .lexicon import Lexicon
from .mentions import Mention, Person, find_mentions
from .names import NameSpan, fullness, same_person
from .voices import add_voices, voice_mentions

__all__ = ["Mention", "Person", "extract_officials", "group_people", "to_officials"]


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


def to_officials(doc: Doc, people: Iterable[Person], ranks: frozenset[str] = frozenset()) -> list[Official]:
    out: list[Official] = []
    for person in people:
        main = _best_title(person, ranks)
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


def _best_title(person: Person, ranks: frozenset[str] = frozenset()) -> Mention | None:
    titled = [m for m in person.mentions if m.title]
    if not titled:
        return None

    def rank(m: Mention) -> tuple[int, int, int, int, int]:
        is_rank = (m.core or "") in ranks
        return (
            int(not m.former),
            int(not m.copula),
            int(not m.weak),
            int(not is_rank),
            len((m.title or "").split()),
        )

    best = max(titled, key=rank)
    return best


def _inherit_counterpart_titles(people: list[Person]) -> None:
    """ "X, the director general, spoke to his Indian counterpart Y": Y holds the same post."""
    for person in people:
        if any(not m.weak for m in person.mentions):
            continue
        for m in person.mentions:
            if not (m.core or "").endswith("counterpart"):
                continue
            sources = [
                o
                for other in people
                if other is not person
                for o in other.mentions
                if o.sentence == m.sentence
                and not o.weak
                and o.title
                and not o.former
                and o.name.start < m.start
            ]
            if sources:
                best = max(sources, key=lambda o: (o.name.start, len((o.title or "").split())))
                person.mentions.append(
                    Mention(
                        name=m.name,
                        title=best.title,
                        core=best.core,
                        phrase=best.phrase,
                        sentence=m.sentence,
                        start=m.start,
                    )
                )
                break


def extract_officials(doc: Doc, lex: Lexicon) -> tuple[list[Official], list[Person]]:
    people = group_people(doc, lex, reassign_appositions(doc, lex, find_mentions(doc, lex)))
    add_voices(people, voice_mentions(doc, lex))
    assign_countries(doc, lex, people)
    _inherit_counterpart_titles(people)
    return to_officials(doc, people, lex.titles.ranks), people
