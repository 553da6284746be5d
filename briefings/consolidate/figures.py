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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from types import MappingProxyType
from typing import Any

from briefings.consolidate import dates
from briefings.consolidate.text import Bag, bag, fold, similar, stem, stored_bag, variants_state, wordset
from briefings.consolidate.unionfind import UnionFind
from briefings.consolidate.variants import Added, Stored, Variant, Variants, one_article
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
    stems: Bag = field(compare=False, repr=False)

    @property
    def article(self) -> str:
        return self.key[0]


TextKey = tuple[str, str, str]  # (day or "none", value, what): one variant
FigureVariant = Variant[TextKey, FigureMention]


def disagree(a: FigureVariant, b: FigureVariant) -> bool:
    """Two variants give different values for one thing (never within one article)."""
    ma, mb = a.mentions[0], b.mentions[0]
    if one_article(a, b) or not conflicting_values(ma.value, mb.value):
        return False
    return similar(ma.stems, mb.stems, SAME_THING) > 0


class FigureIndex:
    """Figures filed by day and distinct (value, description): a repeated figure is compared once."""

    def __init__(self) -> None:
        self._variants: Variants[TextKey, FigureMention] = Variants()
        self._by_day: dict[str, list[TextKey]] = {}
        self._disagreeing: UnionFind[TextKey] = UnionFind()  # variants linked by disagreements

    def add(self, article: str, reference: str | None, figures: Sequence[Figure]) -> None:
        day = reference if dates.ordinal(reference) is not None else None
        for i, figure in enumerate(figures):
            value, what = figure.value.strip(), figure.what.strip()
            if not value or not what:
                continue
            key = (day or "none", value, what)
            known = self._variants.get(key)
            stems = bag(what) if known is None else known.mentions[0].stems
            mention = FigureMention((article, i), value, what, day, stems)
            variant, added = self._variants.add(key, article, mention)
            if added is not Added.KNOWN:
                self._relate(variant, day)
            if added is Added.NEW:
                self._by_day.setdefault(key[0], []).append(key)

    def state(self) -> tuple[object, ...]:
        """Each variant with its stems and mentions, and the disagreements found, as plain data."""
        return variants_state(self._variants), self._disagreeing.state()

    @classmethod
    def from_state(cls, state: Any) -> FigureIndex:
        """The index :meth:`state` described; the variants are filed by day again."""
        variants, disagreeing = state
        index = cls()
        for key, stems, total, keys in variants:
            key = (key[0], key[1], key[2])
            index._variants.keep(Stored(key, (stems, total), keys, _mentions))
            index._by_day.setdefault(key[0], []).append(key)
        index._disagreeing = UnionFind.from_state(disagreeing)
        return index

    def _relate(self, v: FigureVariant, day: str | None) -> None:
        """Compare with the variants of the days around (values first: most pairs differ there)."""
        for d in dates.days_around(day, WINDOW_DAYS):
            for other in self._by_day.get(d, ()):
                if other != v.key and disagree(v, self._variants[other]):
                    self._disagreeing.link(v.key, other)

    def keyed_groups(self) -> list[tuple[object, Callable[[], list[FigureMention]]]]:
        """Figures for one thing that disagree, each with a key that changes when the set does
        and a function giving the set in article order, to be called only when the key is new.

        The key is (the set's first variant, how many variants, how many mentions): sets of
        variants only ever join and variants only gain mentions, so the set that holds a variant
        and has as many variants as before is the same set, and as many mentions the same mentions
        (the first variant stays first unless the set joins another: it then has more variants)."""
        out: list[tuple[object, Callable[[], list[FigureMention]]]] = []
        for root, keys in self._disagreeing.groups().items():
            key = (root, len(keys), self._variants.count(keys))
            out.append((key, partial(self._in_order, keys)))
        return out

    def _in_order(self, keys: list[TextKey]) -> list[FigureMention]:
        return sorted((m for k in keys for m in self._variants[k].mentions), key=lambda m: m.key)


def _mentions(key: TextKey, stems: Any, keys: Sequence[MentionKey]) -> list[FigureMention]:
    """The mentions of a stored variant (see :class:`Stored`)."""
    day, value, what = key
    b = stored_bag(stems)
    reference = None if day == "none" else day
    return [FigureMention((k[0], k[1]), value, what, reference, b) for k in keys]
