"""Name forms and titles of people, and how two forms or two titles relate.

A *specific* form has two or more tokens and no initials ("Samuel Okafor", "Harald V"); two
equal specific forms name one person. A less specific form ("Okafor", "S. Okafor",
"Ruth Amadi" for "Ruth Efua Amadi") is *derivable* from a fuller one when it keeps the surname
and abbreviates or drops given names; it joins the fuller form only when that is unambiguous (see people.py).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from types import MappingProxyType

from rapidfuzz.distance import Indel

from briefings.consolidate.text import STOPWORDS, fold, wordset

# Words that precede a name without being part of it ("President", "Mr", "H.E.").
HONORIFICS = wordset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady shri smt sri shrimati sheikh sheikha his
    her excellency hon honourable honorable rt right king queen prince princess emperor empress
    crown president premier prime minister chancellor ambassador envoy senator governor mayor
    general gen admiral adm colonel col lieutenant lt marshal commander chief secretary spokesperson
    spokesman spokeswoman foreign deputy vice state external affairs defence defense finance home
    interior the"""
)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "vi", "vii", "viii"})
FUZZY_MIN_LEN = 5
FUZZY_MIN_RATIO = 0.85

# Nationality adjectives say where a role is, not which role: "Chinese Vice Minister" is a Vice Minister.
DEMONYMS = wordset(
    """afghan albanian algerian american argentine argentinian armenian australian austrian azerbaijani
    bangladeshi belarusian belgian bhutanese bolivian brazilian british bulgarian burmese cambodian
    canadian chilean chinese colombian croatian cuban cypriot czech danish dutch egyptian emirati
    english estonian ethiopian european filipino finnish french georgian german ghanaian greek
    hungarian icelandic indian indonesian iranian iraqi irish israeli italian japanese jordanian
    kazakh kenyan korean kuwaiti kyrgyz laotian latvian lebanese libyan lithuanian malaysian
    maldivian mexican mongolian moroccan nepali nepalese nigerian norwegian omani pakistani
    palestinian peruvian polish portuguese qatari romanian russian saudi scottish serbian
    singaporean slovak slovenian somali spanish sudanese swedish swiss syrian taiwanese tajik thai
    tibetan tunisian turkish turkmen ugandan ukrainian uzbek venezuelan vietnamese welsh yemeni
    zimbabwean us usa uk eu un"""
)
TITLE_NOISE = STOPWORDS | {"former", "current", "then", "incumbent", "outgoing", "newly", "appointed"}


@dataclass(frozen=True)
class NameForm:
    """One way an article writes a name, as folded tokens without honorifics."""

    raw: str
    tokens: tuple[str, ...]
    key: str = ""  # the folded raw form, honorifics included
    honorifics: int = 0  # how many leading words were dropped

    @classmethod
    def parse(cls, raw: str) -> NameForm | None:
        key = fold(raw)
        toks = key.split()
        if toks[:2] == ["h", "e"]:  # "H.E." (His or Her Excellency)
            toks = toks[2:]
        while len(toks) > 1 and toks[0] in HONORIFICS:
            toks = toks[1:]
        if not toks:
            return None
        return cls(raw.strip(), tuple(toks), key, len(key.split()) - len(toks))

    @cached_property
    def core(self) -> tuple[str, ...]:
        """The tokens without a generational or regnal suffix ("Jr", "III")."""
        if len(self.tokens) > 1 and self.tokens[-1] in SUFFIXES:
            return self.tokens[:-1]
        return self.tokens

    @property
    def surname(self) -> str:
        return self.core[-1]

    @cached_property
    def initials(self) -> int:
        return sum(len(t) == 1 for t in self.tokens)

    @property
    def specific(self) -> bool:
        return len(self.tokens) >= 2 and self.initials == 0

    @cached_property
    def specificity(self) -> tuple[int, int]:
        """How much a form says: full tokens first, then all tokens."""
        return len(self.tokens) - self.initials, len(self.tokens)

    def wildcards(self) -> list[tuple[str, ...]]:
        """Keys that a spelling variant in one token shares: that token as its first letter and '*'."""
        return [(*self.tokens[:i], t[0] + "*", *self.tokens[i + 1 :]) for i, t in enumerate(self.tokens)]


def _token_fits(short: str, full: str) -> bool:
    return short == full or (len(short) == 1 and full.startswith(short))


def derivable(short: NameForm, full: NameForm) -> bool:
    """True when ``short`` abbreviates ``full``: "Okafor", "S. Okafor", "Ruth Amadi" of "Ruth Efua Amadi"."""
    if short.tokens == full.tokens or short.specificity >= full.specificity:
        return False
    if len(short.core) == 1:
        return short.core[0] in (full.surname, full.core[0])
    if short.surname != full.surname:
        return False
    given = iter(full.core[:-1])
    return all(any(_token_fits(tok, cand) for cand in given) for tok in short.core[:-1])


def spelling_variants(a: NameForm, b: NameForm) -> bool:
    """Specific forms equal but for one token spelt slightly differently ("Zelensky", "Zelenskyy")."""
    if len(a.tokens) != len(b.tokens) or a.tokens == b.tokens or not (a.specific and b.specific):
        return False
    diff = [(x, y) for x, y in zip(a.tokens, b.tokens, strict=True) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    return (
        x[0] == y[0]
        and min(len(x), len(y)) >= FUZZY_MIN_LEN
        and Indel.normalized_similarity(x, y) >= FUZZY_MIN_RATIO
    )


@dataclass(frozen=True)
class TitleLexicon:
    """Which wordings of a title name the same post (``data/titles.toml``)."""

    words: Mapping[str, str]  # one word -> the words it stands for
    phrases: Mapping[str, str]  # phrase -> canonical phrase
    local: Mapping[str, Mapping[str, str]]  # folded country -> its own phrases
    rank: frozenset[str]  # words that make another post ("vice", "executive")

    @classmethod
    def load(cls, text: str) -> TitleLexicon:
        data = tomllib.loads(text)
        local: dict[str, dict[str, str]] = {}
        for table in data.get("local", []):
            for country in table["countries"]:
                local.setdefault(fold(country), {}).update(
                    {fold(k): fold(v) for k, v in table["phrases"].items()}
                )
        return cls(
            words=MappingProxyType({fold(k): fold(v) for k, v in data.get("words", {}).items()}),
            phrases=MappingProxyType({fold(k): fold(v) for k, v in data.get("phrases", {}).items()}),
            local=MappingProxyType({k: MappingProxyType(v) for k, v in local.items()}),
            rank=wordset(fold(data.get("rank", {}).get("words", ""))),
        )

    def canonical(self, folded: str, country: str | None) -> str:
        """A folded title with its words and phrases written the canonical way."""
        text = " ".join(self.words.get(w, w) for w in folded.split())
        for table in (self.local.get(fold(country or "")), self.phrases):
            if table:
                text = _replace(text, table)
        return text


def _replace(text: str, table: Mapping[str, str]) -> str:
    return _phrase_pattern(tuple(table)).sub(lambda m: table[m.group(0)], text)


@lru_cache(maxsize=64)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for whole-word phrases, the longest first."""
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b")


TITLES = TitleLexicon.load(
    (resources.files("briefings.consolidate") / "data" / "titles.toml").read_text(encoding="utf-8")
)


def _country_words(country: str | None) -> set[str]:
    words = set(fold(country or "").split())
    return words | {w[:4] for w in words if len(w) >= 4}


@lru_cache(maxsize=1 << 14)
def title_words(title: str | None, country: str | None = None) -> frozenset[str]:
    """The words that say which post a title is, written the canonical way, places dropped."""
    words = TITLES.canonical(fold(title or ""), country).split()
    places = _country_words(country)
    return frozenset(
        w
        for w in words
        if w not in TITLE_NOISE and w not in DEMONYMS and w not in places and w[:4] not in places
    )


def titles_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Titles agree when one is a more specific form of the other ("spokesperson", "MEA spokesperson")."""
    return a <= b or b <= a


def same_post(a: frozenset[str], b: frozenset[str], rank: frozenset[str] = TITLES.rank) -> bool:
    """Two titles (as :func:`title_words`) name one post: equal, or one adds only where or which
    department ("Vice Minister", "Vice Foreign Minister"), not a word that makes another post
    ("Executive Vice Foreign Minister")."""
    if a == b:
        return True
    if not titles_agree(a, b):
        return False
    extra = a ^ b
    return not extra & rank


@lru_cache(maxsize=1 << 12)
def is_former(title: str | None) -> bool:
    return "former" in fold(title or "").split()
