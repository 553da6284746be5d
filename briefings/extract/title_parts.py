"""The parts of a role phrase around its title word: what stands left of it (``former``, a body, a
state, a determiner) and the post or portfolio after it ("of the European Commission", "for
Terrorist Financing and Financial Crimes", "to Beijing")."""

from __future__ import annotations

import re

from .bodies import BodyMention
from .document import Doc
from .lexicon import Lexicon

_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "whose", "our"}
_POST_RE = re.compile(r"\s+(?P<prep>to|of|for|in|at)\s+(?:the\s+)?")
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


def served_state(doc: Doc, start: int, end: int) -> str | None:
    """ "President of Guatemala", "Deputy Director General of the Ministry of Finance of Japan": the
    state a post is "of" is the state served (never a posting: "Ambassador to Germany")."""
    found = None
    for m in re.finditer(r"\bof\s+(?:the\s+)?", doc.clean[start:end]):
        place = doc.place_starting.get(start + m.end())
        if place is not None and place.kind == "country":
            found = place.country
    return found


def role_phrase(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    return " ".join(words)


def left_modifiers(
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


def read_post(doc: Doc, lex: Lexicon, end: int, s_end: int) -> tuple[int, str]:
    """ "to Beijing", "of the European Commission", "for Terrorist Financing and Financial Crimes":
    the post or portfolio a title names, if any."""
    m = _POST_RE.match(doc.clean, end, s_end)
    if not m:
        return end, ""
    if m.group("prep") in {"for", "to"} and names_principal(doc, lex, m.end(), s_end):
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
            if token in lex.names.honorifics:
                break  # "Amir of the State of X HH Sheikh Y": "HH" opens the name
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


def names_principal(doc: Doc, lex: Lexicon, pos: int, s_end: int) -> bool:
    """ "for President X" / "to Prime Minister X": a title right after "for" or "to" names the
    principal when a name follows it. "to the Vice President Dr. X" (a definite title) does not:
    X holds the first title."""
    title = lex.titles.pattern.match(doc.clean, pos)
    if title is None or title.group()[:1].islower():
        return False
    return not doc.clean[max(0, pos - 4) : pos].lower().endswith("the ")


def contextual_country(
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
