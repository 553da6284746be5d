"""Mentions of officials: a name with the role phrase that introduces it.

Mentions come from three patterns around a title word (``data/titles.toml``):

* title before the name: "China's Vice Foreign Minister X", "MEA spokesperson X", "the foreign
  secretary, X", "Indian Ambassador to Beijing X" (a spaCy PERSON span right after the title is
  used when the name rule cannot read the name);
* appositive after the name: "X, China's foreign minister," / "X, the External Affairs Minister.";
* copula: "X is a former Chinese ambassador to India" (recorded as another title).

A ``Person`` is the mentions of one person merged in the document (see ``officials.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import Doc
from .lexicon import Lexicon
from .names import NameSpan, read_name_backward, read_name_forward
from .title_parts import (
    contextual_country,
    left_modifiers,
    names_principal,
    read_post,
    role_phrase,
    served_state,
)

_COPULA_RE = re.compile(
    r"(?:\s+(?:is|was|has\s+been|had\s+been|served\s+as|serves\s+as|as|became|becomes)"
    r"|,\s+who\s+(?:is|was|has\s+been))\s+(?:(?:a|an|the)\s+)?$"
)
_APPOSITIVE_END_RE = re.compile(r"^\s*(?:[,.;:)]|$|\s(?:who|and|said|says|told|has|had|is|was|will)\b)")


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
                # "Vice President X Rejects Isolationism": headline words, unless the title names
                # the text's own voice ("Statement from NSC Spokesperson X")
                mention.tentative = not _voiced(doc, lex, m.start())
            mentions.append(mention)
    mentions += _plural_mentions(doc, lex, plurals)
    return _drop_nested(mentions, lex.titles.ranks)


def _voiced(doc: Doc, lex: Lexicon, start: int) -> bool:
    """The headline's role phrase at ``start`` follows a voice opening ("Statement from ...")."""
    assert doc.headline is not None
    voice = lex.perspective.voice.match(doc.clean, doc.headline[0])
    return voice is not None and voice.end() == start


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
        # "senior Ruritanian officials A, B and C": the nationality before the plural is theirs
        shared = left_modifiers(doc, lex, m.start(), sentence.start)[1]
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
                    country=name_country(doc, name) or shared,
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
    mod_start, country, body, body_text, former, det = left_modifiers(doc, lex, start, s_start)
    post_end, post = read_post(doc, lex, end, s_end)
    served = served_state(doc, end, post_end)
    for _ in range(3):  # "Deputy Prime Minister and Minister of Foreign Affairs and Expatriates X"
        chained = _chained_title(doc, lex, post_end, s_end)
        if chained is None:
            break
        next_end, next_post = read_post(doc, lex, chained.end(), s_end)
        link = doc.clean[post_end : chained.start()]
        post = f"{post}{link}{chained.group()} {next_post}".strip() if post else ""
        if not post:
            core_tail = doc.clean[end:next_end]
            post = core_tail.strip()
        served = served or served_state(doc, chained.end(), next_end)
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
        phrase=role_phrase(doc.clean[mod_start:post_end]),
        start=mod_start,
        open_body=body is not None and (not body.country or body.guessed),
        body_guess=body.country if body is not None and body.guessed else None,
    )
    if mention.country is None:
        mention.country = contextual_country(doc, lex, mention.core or "", det, body, start)
    mention.end = post_end
    principal = _principal_end(doc, lex, post_end, s_end)
    name = _name_after(doc, lex, post_end, s_end) if principal is None else None
    if name is None and principal is None:
        rank = _rank_after(doc, lex, post_end, s_end)
        if rank is not None:
            rank_end, name = rank
            rank_text = _ACRONYM_RE.sub("", doc.clean[post_end:rank_end]).strip(" ,")
            mention.title = f"{mention.title} {rank_text}".strip()
            mention.phrase = role_phrase(doc.clean[mod_start:rank_end])
    if name is not None:
        name = _without_title_words(doc, lex, name, mention)
        if name is None:
            return None  # "the Migration General Director": a title word is never a name
    if name is None:
        before = _name_before(doc, lex, mod_start, principal or post_end, s_start, s_end)
        if before is None:
            return None
        trimmed = _without_title_words(doc, lex, before[0], mention)
        if trimmed is None:
            return None
        name, mention.copula = trimmed, before[1]
        mention.tentative = not _plausible(doc, name)
    mention.name = name
    if mention.country is None:
        mention.country = name_country(doc, name)
    return mention


def _without_title_words(doc: Doc, lex: Lexicon, name: NameSpan, mention: Mention) -> NameSpan | None:
    """A name holds no title word: "... to the National Security and Intelligence Advisor Jane Roe"
    reads "Advisor" into the title and "Jane Roe" as the name (so does a name span that runs on from
    the post, "Intelligence Advisor Jane Roe"); a name that is all title words is none. A title word
    followed by one word only may be a given name ("Amir Khan") and stays."""
    if _is_title_at(doc, lex, name.start, name.end) == name.end:
        return None
    cut = None
    for w in re.finditer(r"\S+", doc.clean[name.start : name.end]):
        stop = _is_title_at(doc, lex, name.start + w.start(), name.end)
        if stop is not None and stop < name.end and len(doc.clean[stop : name.end].split()) >= 2:
            cut = (name.start + w.start(), stop)
    if cut is None:
        return name
    rest = doc.clean[cut[1] : name.end].lstrip()
    if cut[0] == name.start and mention.end <= name.start:
        mention.title = f"{mention.title} {doc.clean[cut[0] : cut[1]]}".strip()
    return NameSpan(name.end - len(rest), name.end, rest)


def _is_title_at(doc: Doc, lex: Lexicon, pos: int, end: int) -> int | None:
    """Where a capitalised title word starting at ``pos`` ends (at a word end), if one does."""
    title = lex.titles.pattern.match(doc.clean, pos, end)
    if title is None or not title.group()[:1].isupper():
        return None
    return title.end() if title.end() == end or doc.clean[title.end()] == " " else None


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


def _principal_end(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> int | None:
    """ "spokesperson for President X": the end of the principal's name after the title."""
    gap = re.match(r"\s+(?:for|to)\s+(?:the\s+)?", doc.clean[pos : pos + 12])
    if gap is None or not names_principal(doc, lex, pos + gap.end(), s_end):
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
