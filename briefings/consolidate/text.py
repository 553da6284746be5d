"""Text helpers shared by the consolidation stage: folding, light stemming, weighted overlap.

Descriptions of one happening differ from outlet to outlet ("Amadi's trip to Accra",
"Amadi visits Accra"), so short texts are compared on their content words after a light
stemmer (suffix stripping, then the first six letters) and a small table of generic verb
synonyms. Proper nouns (capitalised inside a sentence, or acronyms) weigh double: names
identify a happening better than common words do.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from briefings.consolidate import packed
from briefings.consolidate.variants import Variant

_LETTERS: Mapping[int, str] = MappingProxyType(
    str.maketrans(
        {
            "ı": "i",
            "đ": "d",
            "Đ": "D",
            "ß": "ss",
            "ø": "o",
            "Ø": "O",
            "ł": "l",
            "Ł": "L",
            "æ": "ae",
            "Æ": "AE",
            "œ": "oe",
            "Œ": "OE",
            "ð": "d",
            "þ": "th",
            "\u2019": "'",
            "\u2018": "'",
            "`": "'",
        }
    )
)


def wordset(text: str) -> frozenset[str]:
    """The words of ``text``: word lists are written as prose."""
    return frozenset(text.split())


_POSSESSIVE = re.compile(r"(?<=\w)'s\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")

STOPWORDS = wordset(
    """a an the of to in on at for with by from and or but nor as is are was were be been being has
    have had it its this that these those their they them he she his her him we our us you your i me
    my not no will would could should shall may might can must up down out about into onto over
    under after before since than then also said says say saying told tell according amid during
    while which who whom whose what when where why how there here all any some such more most other
    others own same so very just only both each between two sides side countries country agree
    agreed agrees agreement pledge pledged pledges commit committed decide decided vow vowed promise
    promised assure assured undertake take took taken including include includes per via upon within
    without against toward towards among s t re ve ll d m"""
)
CALENDAR = wordset(
    """january february march april may june july august september october november december jan feb
    mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday
    sunday mon tue tues wed thu thurs fri sat sun_ today yesterday tomorrow"""
)
# Generic verbs and nouns of the news register that mean one thing: word -> canonical word.
_SYNONYM_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "trip": "visit",
        "tour": "visit",
        "journey": "visit",
        "begin": "start",
        "began": "start",
        "begun": "start",
        "commence": "start",
        "kick": "start",
        "conclude": "end",
        "close": "end",
        "open": "start",
        "finish": "end",
        "restart": "resume",
        "restore": "resume",
        "reopen": "resume",
        "revive": "resume",
        "resumption": "resume",
        "expedite": "speed",
        "accelerate": "speed",
        "hasten": "speed",
        "talk": "dialogue",
        "negotiation": "dialogue",
        "negotiate": "dialogue",
        "steady": "stabilise",
        "stabilize": "stabilise",
        "reconstruct": "rebuild",
        "boost": "increase",
        "enhance": "increase",
        "strengthen": "increase",
        "expand": "increase",
        "raise": "increase",
        "reduce": "cut",
        "lower": "cut",
        "slash": "cut",
        "ease": "facilitate",
        "set": "establish",
        "create": "establish",
        "launch": "establish",
        "met": "meet",
    }
)


def fold(text: str) -> str:
    """Lower case without accents; apostrophes dropped inside words, other punctuation to spaces."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)
    text = re.sub(r"[^a-z0-9%]+", " ", text)
    return text.strip()


def _base_stem(word: str) -> str:
    """A light stemmer: plural and verb suffixes off, then the first six letters."""
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and not w.endswith("eed") and len(w) > 4:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w[:6]


SYNONYMS: Mapping[str, str] = MappingProxyType(
    {_base_stem(w): _base_stem(c) for w, c in _SYNONYM_WORDS.items()}
)
START_STEMS = frozenset({_base_stem("start")})
END_STEMS = frozenset({_base_stem("end")})


def stem(word: str) -> str:
    """:func:`_base_stem`, then one stem for generic synonyms ("trip" and "visit")."""
    s = _base_stem(word)
    return SYNONYMS.get(s, s)


def raw_words(text: str) -> list[str]:
    """Words as written (accents off, apostrophes dropped), case kept."""
    plain = unicodedata.normalize("NFKD", (text or "").translate(_LETTERS))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return [w.replace("'", "") for w in _WORD.findall(_POSSESSIVE.sub("", plain))]


def _is_content(word: str, acronym: bool) -> bool:
    if acronym:
        return True
    if word in STOPWORDS or word in CALENDAR or len(word) < 2:
        return False
    return not (word.isdigit() and len(word) <= 2)


@dataclass(frozen=True)
class Bag:
    """Content stems of a short text with their weights, and which stems make one multi-word name."""

    weights: Mapping[str, int]
    names: Mapping[str, int]  # stem -> index of the capitalised run ("Ruth Amadi") it belongs to
    total: int  # the sum of the weights
    things: int  # how many things the text names: the words of a multi-word name count once
    marker: str | None  # "start" or "end" when the text is about the start or end of something

    def __iter__(self) -> Iterator[str]:
        return iter(self.weights)

    def __len__(self) -> int:
        return len(self.weights)

    def __contains__(self, stem: object) -> bool:
        return stem in self.weights

    def things_among(self, stems: Iterable[str]) -> int:
        return len({f"#{self.names[s]}" if s in self.names else s for s in stems})


BagState = tuple[dict[str, int], dict[str, int], int, int, str | None]


def bag_state(b: Bag) -> BagState:
    """A bag as plain data (see :func:`bag_from`)."""
    return dict(b.weights), dict(b.names), b.total, b.things, b.marker


def bag_from(state: Any) -> Bag:
    """The bag :func:`bag_state` gave ``state`` for."""
    weights, names, total, things, marker = state
    return Bag(weights, names, total, things, marker)


class Stemmed(Protocol):
    """A mention compared on the stems of its text."""

    @property
    def key(self) -> Hashable: ...

    @property
    def stems(self) -> Bag: ...


S = TypeVar("S", bound=Stemmed)


def variants_state(variants: Iterable[Variant[Any, S]]) -> list[tuple[Any, bytes, int, Sequence[Hashable]]]:
    """Each variant as plain data: its key, the stems of its text (its first mention's, packed:
    see :func:`stored_bag`) and their total weight, and its mentions' keys, from which an index's
    ``from_state`` makes the mentions again."""
    out: list[tuple[Any, bytes, int, Sequence[Hashable]]] = []
    for v in variants:
        kept = v.stored()  # read back and not changed since: written back as it was read
        if kept is not None:
            (stems, total), keys = kept
            out.append((v.key, stems, total, list(keys)))
        else:
            b = v.mentions[0].stems
            out.append((v.key, packed.pack(bag_state(b)), b.total, [m.key for m in v.mentions]))
    return out


def stored_bag(text: tuple[bytes, int]) -> Bag:
    """The stems :func:`variants_state` packed (with their total) for a stored variant."""
    return bag_from(packed.unpack(text[0]))


def capitalised_runs(words: list[str]) -> list[int]:
    """For each word, the index of the run of capitalised words it is in, or -1."""
    out, run = [], -1
    for i, word in enumerate(words):
        if word[:1].isupper():
            if i == 0 or not words[i - 1][:1].isupper():
                run += 1
            out.append(run)
        else:
            out.append(-1)
    return out


def _marker(stems: Iterable[str]) -> str | None:
    keys = set(stems)
    starts, ends = bool(START_STEMS & keys), bool(END_STEMS & keys)
    if starts == ends:
        return None
    return "start" if starts else "end"


def bag(text: str) -> Bag:
    """The content stems of ``text``: weight 2 for proper nouns and acronyms, 1 otherwise."""
    words = raw_words(text)
    runs = capitalised_runs(words)
    sizes = Counter(r for r in runs if r >= 0)
    weights: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, raw in enumerate(words):
        low = raw.lower()
        if low.endswith("s") and raw[:-1].isupper() and len(raw) > 2:  # "MPs"
            low = low[:-1]
        acronym = len(raw) > 1 and raw.isupper() and not raw.isdigit()
        if not _is_content(low, acronym):
            continue
        s = stem(low)
        proper = acronym or (raw[0].isupper() and i > 0)
        weights[s] = max(weights.get(s, 0), 2 if proper else 1)
        if runs[i] >= 0 and sizes[runs[i]] > 1:
            names.setdefault(s, runs[i])
    things = len({f"#{names[s]}" if s in names else s for s in weights})
    return Bag(weights, names, sum(weights.values()), things, _marker(weights))


def overlap(a: Bag, b: Bag, threshold: float = 0.0) -> tuple[float, int]:
    """Weighted overlap coefficient of two bags, and how many things (names count once) they share.

    A shared stem counts with the larger of its two weights: a name capitalised on one side only
    (at the start of a sentence on the other) still counts as a name. Below ``threshold`` the
    shared things are not counted (0).
    """
    if not a.total or not b.total:
        return 0.0, 0
    small, large = (a.weights, b.weights) if len(a) <= len(b) else (b.weights, a.weights)
    shared = [s for s in small if s in large]
    weight = sum(max(small[s], large[s]) for s in shared)
    score = min(1.0, weight / min(a.total, b.total))
    if score < threshold or not shared:
        return score, 0
    return score, min(a.things_among(shared), b.things_among(shared))


def needed(a: Bag, b: Bag, min_shared: int = 2) -> int:
    """Things two bags must share to match: ``min_shared``, unless both name fewer things."""
    return min(min_shared, max(a.things, b.things))


def dice(a: Bag, b: Bag) -> float:
    """Weighted Dice coefficient: high only when two texts say about the same, not one within the other."""
    weight = sum(max(w, b.weights[s]) for s, w in a.weights.items() if s in b.weights)
    total = a.total + b.total
    return min(1.0, 2 * weight / total) if total else 0.0


def similar(a: Bag, b: Bag, threshold: float, min_shared: int = 2) -> float:
    """The overlap of ``a`` and ``b`` when it reaches ``threshold`` sharing enough things, else 0."""
    score, shared = overlap(a, b, threshold)
    return score if score >= threshold and shared >= needed(a, b, min_shared) else 0.0


def boundaries_clash(a: Bag, b: Bag) -> bool:
    """One text is about the start of something, the other about its end."""
    return a.marker is not None and b.marker is not None and a.marker != b.marker


def central(bags: Sequence[Bag]) -> int:
    """The index of the bag whose stems the others share most (ties: fewer stems, then first)."""
    df: Counter[str] = Counter(s for bag in bags for s in bag)
    return min(range(len(bags)), key=lambda i: (-sum(df[s] - 1 for s in bags[i]), len(bags[i]), i))
