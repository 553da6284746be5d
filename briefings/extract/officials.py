"""Officials: people named with a public role, merged across mentions, with title and country.

Mentions come from three patterns around a title word (``data/titles.toml``):

* title before the name: "China's Vice Foreign Minister X", "MEA spokesperson X", "the foreign
  secretary, X", "Indian Ambassador to Beijing X" (a spaCy PERSON span right after the title is
  used when the name rule cannot read the name);
* appositive after the name: "X, China's foreign minister," / "X, the External Affairs Minister.";
* copula: "X is a former Chinese ambassador to India" (recorded as another title).

Mentions of one person are merged in the document ("Premier Wen" = "Wen Jiabao", "N. Rao" =
"Nirupama Rao"), then the country comes from, in order: a nationality, possessive or body in a
mention ("his Indian counterpart X" included); a state at the name ("X of Japan", "Japan's X"); a
title only one state uses; the setting of the clause ("In Ottawa, ... spokesperson X"); the state an
ambiguous body ("Foreign Office") was guessed to belong to; the one state named in the sentence of
an ambiguous body; the one embassy named with an envoy; the state of a principal ("spokesperson
for President X"). In a story about two states: a title only one of them uses; a romanised Chinese
name only as a tie-break between two people facing each other; and the other state of a person who
meets, visits or faces people of one of them (never from a mere list: "Prime Minister A and
President B").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Official, Span
from .bodies import BodyMention
from .document import Doc
from .lexicon import Lexicon
from .names import NameSpan, fullness, looks_chinese, read_name_backward, read_name_forward, same_person
from .perspective import publisher

_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "whose", "our"}
_POST_RE = re.compile(r"\s+(?P<prep>to|of|for|in|at)\s+(?:the\s+)?")
_COPULA_RE = re.compile(
    r"(?:\s+(?:is|was|has\s+been|had\s+been|served\s+as|serves\s+as|as|became|becomes)"
    r"|,\s+who\s+(?:is|was|has\s+been))\s+(?:(?:a|an|the)\s+)?$"
)
_APPOSITIVE_END_RE = re.compile(r"^\s*(?:[,.;:)]|$|\s(?:who|and|said|says|told|has|had|is|was|will)\b)")
_LOWER_POST_RE = re.compile(r"([a-z]+(?:\s+[a-z]+){0,5})(?=\s*,)")
_NOT_POST = {
    "the",
    "a",
    "an",
    "country",
    "nation",
    "state",
    "who",
    "which",
    "said",
    "says",
    "that",
    "this",
    "his",
    "her",
    "their",
    "its",
}
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
    start: int = -1  # where the role phrase starts
    end: int = -1  # where the role phrase ends
    open_body: bool = False  # a body that names no state ("Foreign Office"): the state comes from context
    body_guess: str | None = None  # the state such a body was guessed to belong to


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
    plurals: list[re.Match[str]] = []
    for m in lex.titles.with_plural.finditer(doc.clean):
        if m.group("pl"):
            plurals.append(m)
            continue
        sentence = doc.sentence_of(m.start())
        if sentence is None:
            continue
        mention = _mention_at(doc, lex, m.start(), m.end(), sentence.start, sentence.end)
        if mention is not None:
            mention.sentence = sentence.index
            if doc.headline is not None and doc.headline[0] <= mention.name.start < doc.headline[1]:
                mention.tentative = True  # "Vice President X Rejects Isolationism": headline words
            mentions.append(mention)
    mentions += _plural_mentions(doc, lex, plurals)
    return _drop_nested(mentions, lex.titles.ranks)


_LIST_SEP_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_OF_STATE_RE = re.compile(r"\s+(?:of|from)\s+(?:the\s+)?")


def _plural_mentions(doc: Doc, lex: Lexicon, plurals: list[re.Match[str]]) -> list[Mention]:
    """ "the two finance ministers, A of Japan and B of South Korea": one mention per name."""
    out: list[Mention] = []
    for m in plurals:
        sentence = doc.sentence_of(m.start())
        gap = re.compile(r"\s*,?\s*").match(doc.clean, m.end())
        if sentence is None or gap is None or gap.end() == m.end():
            continue
        core = re.sub(r"\s+", " ", doc.clean[m.start() : m.start("pl")])
        found: list[Mention] = []
        pos = gap.end()
        while len(found) < 6:
            name = read_name_forward(doc.clean, pos, lex.names, limit=sentence.end)
            ranked = _rank_after(doc, lex, pos - 1, sentence.end) if name is None else None
            name = ranked[1] if ranked is not None else name
            if name is None or len(name.tokens) < 2:
                break
            found.append(
                Mention(
                    name=name,
                    title=core,
                    core=core.lower(),
                    country=name_country(doc, name),
                    weak=core.lower() in lex.titles.weak,
                    phrase=core,
                    sentence=sentence.index,
                    start=m.start(),
                )
            )
            after = name.end
            of = _OF_STATE_RE.match(doc.clean, after)
            place = doc.place_starting.get(of.end()) if of else None
            if place is not None:
                after = place.end
            sep = _LIST_SEP_RE.match(doc.clean, after)
            if sep is None:
                break
            pos = sep.end()
        if len(found) >= 2:
            out += found
    return out


def name_country(doc: Doc, name: NameSpan) -> str | None:
    """A state named right at a name: "Kenji Arata of Japan", "Japan's Kenji Arata"."""
    of = _OF_STATE_RE.match(doc.clean, name.end)
    place = doc.place_starting.get(of.end()) if of else None
    if place is not None and place.kind == "country":
        return place.country
    before = doc.place_ending.get(name.start - 1)
    if (
        before is not None
        and doc.clean[before.end - 2 : before.end] in {"'s", "’s"}
        and before.kind == "country"
    ):
        return before.country
    return None


_PAREN_RE = re.compile(r"\s*\((?P<inner>[^()\n]{4,160})\)")
_POSTING_RE = re.compile(r"\b(?:to|in)\s+(?:the\s+)?$")


def paren_country(doc: Doc, lex: Lexicon, name: NameSpan) -> str | None:
    """ "Tomoyoshi Yahagi (Deputy Director General of the Ministry of Finance of Japan)": the state
    named in a title in brackets right after the name (never a posting: "(Ambassador to Japan)")."""
    paren = _PAREN_RE.match(doc.clean, name.end)
    if paren is None or not lex.titles.pattern.search(paren.group("inner")):
        return None
    lo, hi = paren.start("inner"), paren.end("inner")
    for place in doc.places:
        if lo <= place.start < hi and place.kind != "capital":
            before = doc.clean[max(lo, place.start - 8) : place.start]
            if not (_POSTING_RE.search(before) and place.kind == "country"):
                return place.country
    return None


def _mention_at(doc: Doc, lex: Lexicon, start: int, end: int, s_start: int, s_end: int) -> Mention | None:
    core = doc.clean[start:end]
    mod_start, country, body, body_text, former, det = _left_modifiers(doc, lex, start, s_start)
    post_end, post = _post(doc, lex, end, s_end)
    served = _served_state(doc, end, post_end)
    for _ in range(3):  # "Deputy Prime Minister and Minister of Foreign Affairs and Expatriates X"
        chained = _chained_title(doc, lex, post_end, s_end)
        if chained is None:
            break
        next_end, next_post = _post(doc, lex, chained.end(), s_end)
        link = doc.clean[post_end : chained.start()]
        post = f"{post}{link}{chained.group()} {next_post}".strip() if post else ""
        if not post:
            core_tail = doc.clean[end:next_end]
            post = core_tail.strip()
        served = served or _served_state(doc, chained.end(), next_end)
        post_end = next_end
    title = " ".join(x for x in (body_text, core, post) if x)
    country = country or served
    mention = Mention(
        name=NameSpan(0, 0, ""),
        title=title,
        core=re.sub(r"\s+", " ", core.lower()),
        country=country,
        former=former,
        weak=core.lower() in lex.titles.weak,
        phrase=_phrase(doc.clean[mod_start:post_end]),
        start=mod_start,
        open_body=body is not None and (not body.country or body.guessed),
        body_guess=body.country if body is not None and body.guessed else None,
    )
    if mention.country is None:
        mention.country = _contextual_country(doc, lex, mention.core or "", det, body, start)
    mention.end = post_end
    principal = _principal_end(doc, lex, post_end, s_end)
    name = _name_after(doc, lex, post_end, s_end) if principal is None else None
    if name is None and principal is None:
        rank = _rank_after(doc, lex, post_end, s_end)
        if rank is not None:
            rank_end, name = rank
            rank_text = _ACRONYM_RE.sub("", doc.clean[post_end:rank_end]).strip(" ,")
            mention.title = f"{mention.title} {rank_text}".strip()
            mention.phrase = _phrase(doc.clean[mod_start:rank_end])
    if name is None:
        before = _name_before(doc, lex, mod_start, principal or post_end, s_start, s_end)
        if before is None:
            return None
        name, mention.copula = before
        mention.tentative = not _plausible(doc, name)
    mention.name = name
    if mention.country is None:
        mention.country = name_country(doc, name)
    return mention


_CHAIN_LINK_RE = re.compile(r"\s*,?\s+and\s+|\s*,\s+")


def _chained_title(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> re.Match[str] | None:
    """A second capitalised title joined to a title that has no name yet ("... and Minister of X")."""
    if _name_after(doc, lex, pos, s_end) is not None:
        return None
    link = _CHAIN_LINK_RE.match(doc.clean, pos, s_end)
    if link is None:
        return None
    title = lex.titles.pattern.match(doc.clean, link.end())
    if title is None or not title.group()[:1].isupper():
        return None
    return title


def _served_state(doc: Doc, start: int, end: int) -> str | None:
    """ "President of Guatemala", "Deputy Director General of the Ministry of Finance of Japan": the
    state a post is "of" is the state served (never a posting: "Ambassador to Germany")."""
    found = None
    for m in re.finditer(r"\bof\s+(?:the\s+)?", doc.clean[start:end]):
        place = doc.place_starting.get(start + m.end())
        if place is not None and place.kind == "country":
            found = place.country
    return found


def _principal_end(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> int | None:
    """ "spokesperson for President X": the end of the principal's name after the title."""
    gap = re.match(r"\s+(?:for|to)\s+(?:the\s+)?", doc.clean[pos : pos + 12])
    if gap is None or not _names_principal(doc, lex, pos + gap.end(), s_end):
        return None
    title = lex.titles.pattern.match(doc.clean, pos + gap.end())
    if title is None:
        return None
    name = _name_after(doc, lex, title.end(), s_end)
    return name.end if name is not None else None


_ACRONYM_RE = re.compile(r"\s*\([A-Z]{2,6}\)")


def _rank_after(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> tuple[int, NameSpan] | None:
    """ "DGMO Lt Gen X": a second title (a rank) between a post and the name."""
    acronym = _ACRONYM_RE.match(doc.clean, pos)
    start = acronym.end() if acronym else pos
    gap = re.compile(r"\s*,?\s+").match(doc.clean, start)
    if gap is None:
        return None
    rank = lex.titles.pattern.match(doc.clean, gap.end())
    if rank is None or rank.group()[:1].islower():
        return None
    name = _name_after(doc, lex, rank.end(), s_end)
    return (rank.end(), name) if name is not None else None


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
    pending: int | None = None  # start of lowercase modifiers, kept only if a state or body precedes
    for _ in range(8):
        left = doc.clean[s_start:pos].rstrip()
        cut = s_start + len(left)
        hit_body = doc.body_ending.get(cut)
        if hit_body is not None and body is None and not country:
            body = hit_body
            body_start, body_country = _strip_place(doc, lex, hit_body.start, hit_body.end)
            country = country or body_country or (None if hit_body.guessed else hit_body.country)
            body_text = doc.clean[body_start : hit_body.end]
            pos = hit_body.start
            continue
        place = doc.place_ending.get(cut)
        # a capital stands for its state only as a possessive ("Seoul's top diplomat")
        if (
            place is not None
            and place.kind == "capital"
            and doc.clean[place.end - 2 : place.end] not in {"'s", "’s"}
        ):
            place = None
        if place is not None and not country:
            country, pos = place.country, place.start
            continue
        word = re.search(r"(\S+)$", left)
        if not word:
            break
        token = word.group(1)
        if token.islower() and token in lex.titles.modifiers and not country and body is None and not det:
            pending = pending if pending is not None else pos
            pos = s_start + word.start(1)
            continue
        if lex.titles.former.fullmatch(token) or token.lower() == "ex":
            former, pos = True, s_start + word.start(1)
            continue
        if token.lower() in _DETERMINERS and not det:
            det, pos = token.lower(), s_start + word.start(1)
            continue
        break
    if pending is not None and not country and body is None and not det:
        pos = pending  # "new trade representative X": nothing before the modifiers, drop them
    elif pending is not None:  # "Chile's international trade representative": the words join the title
        mods = [w for w in doc.clean[pos:pending].split() if w in lex.titles.modifiers]
        body_text = " ".join(x for x in (body_text, *mods) if x)
    return pos, country, body, body_text, former, det


def _strip_place(doc: Doc, lex: Lexicon, start: int, end: int) -> tuple[int, str | None]:
    place = doc.place_starting.get(start)
    if place is None or place.end > end:
        return start, None
    rest = doc.clean[place.end : end]
    return place.end + (len(rest) - len(rest.lstrip())), place.country


def _post(doc: Doc, lex: Lexicon, end: int, s_end: int) -> tuple[int, str]:
    """ "to Beijing", "of the European Commission", "for Terrorist Financing and Financial Crimes":
    the post or portfolio a title names, if any."""
    m = _POST_RE.match(doc.clean, end, s_end)
    if not m:
        return end, ""
    if m.group("prep") in {"for", "to"} and _names_principal(doc, lex, m.end(), s_end):
        return end, ""  # "spokesperson for President X": X is the principal, not the post
    place = doc.place_starting.get(m.end())
    if place is not None and m.group("prep") in {"to", "in", "at"}:
        return place.end, doc.clean[end : place.end].strip()
    words_end = _portfolio_end(doc, lex, m.end(), s_end)
    if words_end == m.end() and m.group("prep") in {"of", "for"}:
        # an appositive with a lowercase post: "minister of international relations and cooperation,"
        low = _LOWER_POST_RE.match(doc.clean, m.end(), s_end)
        if low is not None and not set(low.group(1).split()) & _NOT_POST:
            return low.end(1), doc.clean[end : low.end(1)].strip()
    if words_end == m.end() or m.group("prep") in {"in", "at"}:
        return end, ""
    return words_end, doc.clean[end:words_end].strip()


_POST_WORD_RE = re.compile(r"[A-Z][\w'’/-]*|[A-Z]{1,2}\d+(?:/[A-Z]{1,2}\d+)*")
_POST_LINK_RE = re.compile(
    r"(?:\s*,\s*(?:and\s+)?(?:the\s+)?|\s+(?:and|&|of|for|on|in|at)\s+(?:the\s+)?|\s+(?:the\s+)?|\s*\([A-Za-z]{2,8}\)\s*)"
)
_ACRONYM_WORD_RE = re.compile(r"^[A-Z][A-Za-z]*[A-Z]$")


def _portfolio_end(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> int:
    """Where the words of a post end, read from ``pos``: portfolio words, states, acronyms and
    the links between them ("Foreign Affairs and Expatriates", "New, Renewable Energy and Energy
    Conservation, MEMR"). The name after a post starts at the first word that is none of these."""
    end = pos
    link = ""
    while pos < s_end:
        place = doc.place_starting.get(pos)
        if place is not None and place.end <= s_end:
            if link.strip(" ,(").split(" ")[0] in {"in", "at"}:
                break  # "... in Beijing": the setting, not the post
            end = pos = place.end
        else:
            word = _POST_WORD_RE.match(doc.clean, pos, s_end)
            if word is None:
                break
            token = word.group().rstrip("'’")
            if not (
                token in lex.titles.post_words
                or token in lex.names.stop
                or (_ACRONYM_WORD_RE.match(token) and len(token) <= 8)
                or token[-1:].isdigit()
            ):
                break
            end = pos = word.end()
        nxt = _POST_LINK_RE.match(doc.clean, pos, s_end)
        if nxt is None or nxt.end() == pos:
            break
        link, pos = nxt.group(), nxt.end()
    return end


def _names_principal(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> bool:
    """ "for President X" / "to Prime Minister X": a title right after "for" or "to" names the
    principal when a name follows it. "to the Vice President Dr. X" (a definite title) does not:
    X holds the first title."""
    title = lex.titles.pattern.match(doc.clean, pos)
    if title is None or title.group()[:1].islower():
        return False
    return not doc.clean[max(0, pos - 4) : pos].lower().endswith("the ")


def _contextual_country(
    doc: Doc, lex: Lexicon, core: str, det: str, body: BodyMention | None, start: int
) -> str | None:
    if body is not None and body.country and not body.guessed:
        return body.country
    spokes = any(core.endswith(s) for s in lex.titles.spokes)
    if det == "its" or (spokes and body is None):
        nearby = doc.bodies_before(start, sentences_back=2)
        if nearby:
            return nearby[0].country
    return lex.titles.implied_country.get(core)


def _name_after(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> NameSpan | None:
    acronym = _ACRONYM_RE.match(doc.clean, pos)  # "Director General of Military Operations (DGMO) X"
    pos = acronym.end() if acronym else pos
    m = re.compile(r"\s*,?\s*").match(doc.clean, pos)
    start = m.end() if m else pos
    if start == pos and pos < len(doc.clean) and not doc.clean[pos : pos + 1].isspace():
        return None
    name = read_name_forward(doc.clean, start, lex.names, limit=s_end)
    person = next((p for p in doc.persons if start <= p[0] <= start + 1), None)
    if person is not None and (name is None or person[1] > name.end):
        text = re.split(r"['’]s\b", doc.clean[person[0] : person[1]])[0]
        text = re.sub(r"['’]s?$", "", text).strip()
        if text and not any(w in lex.names.stop for w in text.split()) and not re.search(r"\w{2}\.\s", text):
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


def _drop_nested(mentions: list[Mention], ranks: frozenset[str] = frozenset()) -> list[Mention]:
    """Keep one mention per name span: the one whose title is longest (a post before a rank)."""
    best: dict[tuple[int, int], Mention] = {}

    def weight(m: Mention) -> tuple[bool, int]:
        return ((m.core or "") not in ranks, len(m.phrase))

    for m in mentions:
        key = (m.name.start, m.name.end)
        old = best.get(key)
        if old is None or weight(m) > weight(old):
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
    own = publisher(doc, lex, {p.country for p in people if p.country})
    if len(main) == 2:
        _by_title_states(lex, people, main)
        _pinyin_tie_break(doc, lex, people, main)
        if own is None:  # a government's own text is read from its perspective instead
            _by_relation(doc, people, main)
            own = publisher(doc, lex, {p.country for p in people if p.country})
    if own is not None:
        _by_publisher(doc, lex, people, own)


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
    people = group_people(doc, lex, find_mentions(doc, lex))
    assign_countries(doc, lex, people)
    _inherit_counterpart_titles(people)
    return to_officials(doc, people, lex.titles.ranks), people
