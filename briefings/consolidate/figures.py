"""Figures that two articles give differently for the same thing.

Two figures are about the same thing when their ``what`` descriptions overlap strongly (content
stems); they disagree when their values differ once written alike ("58 per cent" is "58%",
"two-day" is "2 day", "about 20" is "20", "6.9 million" is 6900000) in the same unit: "six
months" and "two-day" measure different things, however alike the sentences around them. Only
articles within a few days of each other are compared: a figure that changes over weeks is news,
not a discrepancy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import MappingProxyType

from briefings.consolidate import dates
from briefings.consolidate.text import Bag, bag, fold, similar, stem, wordset
from briefings.consolidate.unionfind import UnionFind
from briefings.models import Figure

MentionKey = tuple[str, int]

WINDOW_DAYS = 2
SAME_THING = 0.7

_COUNTING = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_NUMBER_WORDS: Mapping[str, str] = MappingProxyType(
    {w: str(i) for i, w in enumerate(_COUNTING.split())}
    | {
        "twenty": "20",
        "thirty": "30",
        "forty": "40",
        "fifty": "50",
        "hundred": "100",
        "dozen": "12",
        "half": "0.5",
    }
)
_SCALE: Mapping[str, float] = MappingProxyType(
    {"thousand": 1e3, "k": 1e3, "lakh": 1e5, "lakhs": 1e5, "million": 1e6, "mn": 1e6, "m": 1e6, "crore": 1e7}
    | {"crores": 1e7, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
)
_HEDGES = wordset(
    "about around nearly almost roughly approximately some over more than less under at least up to"
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@lru_cache(maxsize=1 << 16)
def value_key(value: str) -> tuple[float, frozenset[str]] | str:
    """A value written alike: (number, unit stems), or its folded text when it has no number."""
    text = re.sub(r"(\d),(\d)", r"\1\2", value.lower())
    text = re.sub(r"\bper\s*cent\b|\bpercent\b|\bpc\b", " % ", text)
    text = re.sub(r"(\d)\s*%", r"\1 %", text)
    words = [_NUMBER_WORDS.get(w, w) for w in re.findall(r"\d+(?:\.\d+)?|%|[a-z]+", text)]
    words = [w for w in words if w not in _HEDGES]
    numbers = [i for i, w in enumerate(words) if _NUMBER.match(w)]
    if not numbers:
        return fold(value)
    i = numbers[0]
    amount = float(words[i])
    rest = words[i + 1 :]
    if rest and rest[0] in _SCALE:
        amount *= _SCALE[rest[0]]
        rest = rest[1:]
    return amount, frozenset(stem(w) for w in words[:i] + rest)


def conflicting_values(a: str, b: str) -> bool:
    """Values that cannot both be right: different numbers in one unit, or different words.

    Numbers in different units ("six months", "two-day") measure different things; a number
    without a unit compares with any unit ("20" and "about 20 members").
    """
    ka, kb = value_key(a), value_key(b)
    if isinstance(ka, str) or isinstance(kb, str):
        return ka != kb and isinstance(ka, str) and isinstance(kb, str)
    if ka[1] and kb[1] and ka[1] != kb[1]:
        return False
    return abs(ka[0] - kb[0]) > 1e-9 * max(1.0, abs(ka[0]))


@dataclass(frozen=True)
class FigureMention:
    key: MentionKey
    value: str
    what: str
    reference: str | None

    @property
    def article(self) -> str:
        return self.key[0]

    @cached_property
    def stems(self) -> Bag:
        return bag(self.what)


def disagree(a: FigureMention, b: FigureMention) -> bool:
    if a.article == b.article or not conflicting_values(a.value, b.value):
        return False
    return similar(a.stems, b.stems, SAME_THING) > 0


class FigureIndex:
    def __init__(self) -> None:
        self._mentions: dict[MentionKey, FigureMention] = {}
        self._by_day: dict[str, list[MentionKey]] = {}
        self._disagreeing: UnionFind[MentionKey] = UnionFind()  # figures linked by disagreements

    def add(self, article: str, reference: str | None, figures: Sequence[Figure]) -> None:
        day = reference if dates.ordinal(reference) is not None else None
        for i, figure in enumerate(figures):
            if figure.value.strip() and figure.what.strip():
                self._insert(FigureMention((article, i), figure.value.strip(), figure.what.strip(), day))

    def _insert(self, m: FigureMention) -> None:
        self._mentions[m.key] = m
        for day in dates.days_around(m.reference, WINDOW_DAYS):
            for other in self._by_day.get(day, []):
                if disagree(m, self._mentions[other]):
                    self._disagreeing.link(m.key, other)
        self._by_day.setdefault(m.reference or "none", []).append(m.key)

    def groups(self) -> list[list[FigureMention]]:
        """Figures for one thing that disagree, each set in article order."""
        sets = [sorted(keys) for keys in self._disagreeing.groups().values()]
        return [[self._mentions[k] for k in keys] for keys in sorted(sets)]
