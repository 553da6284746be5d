"""Event lines by rules alone (no parse): openers, asides and a trailing attribution dropped, then a
cut at a clause boundary; :func:`finish` tidies the ends of every line."""

from __future__ import annotations

import re
from functools import lru_cache

from briefings.eventlines.lexicon import Lexicon, lexicon

LIMIT = 120

TRAILING_CHARS = ",;:-–—….([/"
ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|Bros|No)\.)$")


# a dateline before the story ("NUSA DUA –", "BUENOS AIRES —"): a place in capitals and a dash
DATELINE = re.compile(
    r"^(?=[A-Z .'’,]*[A-Z]{3})"  # three capitals in a row: not "U.S. – China"
    r"(?:[A-Z][A-Z.'’]+ ){0,3}[A-Z][A-Z.'’]+,?(?: [A-Z][a-z]+\.?)? ?[–—-] +(?=\S)"
)


def normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = DATELINE.sub("", text)
    # a sentence someone already cut ("… and…"): the words before the cut are all there is
    text = re.sub(r"\s*(?:…|\.\.\.)$", "", text)
    return requote(text)


_IRREGULAR_SAYING = frozenset({"said", "says", "told", "tells", "wrote", "writes"})


@lru_cache(maxsize=1)
def _saying_forms() -> frozenset[str]:
    forms = set(_IRREGULAR_SAYING)
    for verb in lexicon().reporting_verbs:
        stem = verb[:-1] if verb.endswith("e") else verb
        forms |= {verb, verb + "s", verb + "es", stem + "ed", verb + "d"}
        if verb.endswith("y"):
            forms |= {verb[:-1] + "ied", verb[:-1] + "ies"}
    return frozenset(forms)


_STRIPPED_QUOTE = re.compile(r"\b([A-Za-z]+),\s+(?=[A-Z])([^\"“”]+?)([.!?]?)$")


def requote(text: str) -> str:
    """Put back the marks of a quotation that lost them ("X said, We will …" as stored facts keep
    sentences): what follows a verb of saying, a comma and a capital is what was said. Without
    its marks the parse takes the quotation for a clause of its own and the line loses it."""
    if any(mark in text for mark in '"“”'):
        return text
    m = _STRIPPED_QUOTE.search(text)
    if m is None or m.group(1).lower() not in _saying_forms():
        return text
    return f"{text[: m.start(2)]}“{m.group(2)}{m.group(3)}”"


def rule_line(sentence: str, *, limit: int = LIMIT, verb: str | None = None) -> str:
    """Shorten a sentence without a parse: openers, asides and a trailing attribution dropped, then
    the sentence itself if it fits, else its longest clean prefix that ends at a clause boundary
    (after ``verb``, the main verb, when it is known and such a prefix exists)."""
    lex = lexicon()
    text = normalise(sentence)
    text = re.sub(r"\s*\([^()]*\)", "", text)
    text = _strip_openers(text, lex)
    text = _strip_trailing_attribution(text, lex)
    text = finish(text)
    if len(text) <= limit:
        return text
    reach = 0
    if verb:
        m = re.search(rf"(?<!\w){re.escape(verb)}(?!\w)", text)
        reach = m.end() if m else 0
    return finish(_clause_prefix(text, limit, lex, reach=reach))


def _strip_openers(text: str, lex: Lexicon) -> str:
    for _ in range(3):
        low = text.lower()
        for opener in lex.leading_adverbials:
            if low.startswith(opener) and re.match(r"\s*,\s", text[len(opener) :]):
                text = text[len(opener) :].lstrip(" ,")
                break
        else:
            m = re.match(r"([^,;:\"“]{1,90}),\s+(?=\S)", text)
            if not m:
                break
            words = m.group(1).split()
            first = words[0].lower().strip("\"“'‘")
            rest = text[m.end() :]
            if len(words) > 12 or len(rest) < 25 or first not in lex.leading_openers:
                break
            text = rest
    return text[:1].upper() + text[1:] if text else text


def _strip_trailing_attribution(text: str, lex: Lexicon) -> str:
    verbs = r"said|says|told \w+|stated|noted|added|announced|confirmed|reported|indicated|claimed|wrote"
    m = re.search(
        rf",[”\"’']?\s+((?:[\w.’'-]+\s+){{0,7}}?)(?:{verbs})(?:\s+(?:in|on|at|during|to|after|via)\s[^,]{{0,50}})?\s*\.?$",
        text,
    )
    if m and len(text[: m.start()]) >= 25:
        return text[: m.start()] + text[m.start() + 1 : m.start() + 2].strip(",").replace(" ", "")
    m = re.search(r",?\s+(?:according to|citing|as per)\s[^,]{1,70}\.?$", text, flags=re.IGNORECASE)
    if m and len(text[: m.start()]) >= 25:
        return text[: m.start()]
    return text


def _clause_prefix(text: str, limit: int, lex: Lexicon, *, reach: int = 0) -> str:
    """The longest prefix of at most ``limit`` characters that ends at a clause boundary, else at a
    comma, else before a phrase (a preposition or conjunction), else at a word."""
    floor = min(30, limit // 3)
    clause = [m.start() for m in re.finditer(r"\s*(?:;|\s[—–-]\s|—|:\s)", text)]
    clause += [m.start() for m in re.finditer(r",\s+(\w+)", text) if m.group(1).lower() in lex.clause_words]
    commas = [m.start() for m in re.finditer(r",\s", text)]
    phrase = [
        m.start()
        for m in re.finditer(r"\s(\w+)\b", text)
        if m.group(1).lower() in lex.clause_words or m.group(1).lower() in lex.phrase_words
    ]
    words = [m.start() for m in re.finditer(r"\s", text)]
    for least in (max(floor, reach), floor, 1):
        for cuts in (clause, commas, phrase, words):
            good = [c for c in cuts if least <= c <= limit and _clean_end(text[:c], lex)]
            if good:
                return text[: max(good)]
    return text[:limit].rsplit(" ", 1)[0]


def _clean_end(prefix: str, lex: Lexicon) -> bool:
    words = prefix.rstrip(" ,;:—–-").split()
    return bool(words) and words[-1].lower().strip("\"“”'’") not in lex.function_words


def finish(text: str) -> str:
    text = re.sub(r"[,;:.]+(\s*[”\"’']+)$", r"\1", text.strip())
    while text and (text[-1] in TRAILING_CHARS or text.endswith("...")):
        if text.endswith(".") and not text.endswith("...") and ABBREVIATION.search(text):
            break
        text = text[:-3] if text.endswith("...") else text[:-1]
        text = text.rstrip()
    if not text:
        return text
    k = 0
    while k < len(text) and not text[k].isalnum():
        k += 1
    if k < len(text) and text[k].islower():
        text = text[:k] + text[k].upper() + text[k + 1 :]
    return text
