"""Mentions grouped by exactly what they say.

Articles repeat themselves: wire copy edited by each outlet, boilerplate paragraphs, the same
event sentence in every story of a series. Comparing every mention with every similar one makes
consolidation quadratic in the number of articles that repeat a sentence. The indexes compare
*variants* instead: one per distinct text (with whatever else must be equal, such as the date),
holding the mentions that give it. A mention whose variant is known joins it without any
comparison.

Pairwise rules that treat two mentions of one article differently from mentions of two articles
(one article's two events merge only when nearly identical; a figure never disagrees with its own
article) apply to variants through :func:`one_article`: two variants are "of one article" when
both are given by that single article only. When a variant gains its second article, the pairs
judged under the stricter rule must be judged again: :meth:`Variants.add` says so.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
M = TypeVar("M")


class Added(enum.Enum):
    NEW = "new"  # a variant nobody gave before: compare it
    WIDENED = "widened"  # a second article now gives it: compare it again
    KNOWN = "known"  # nothing to compare


@dataclass
class Variant(Generic[K, M]):
    key: K
    mentions: list[M] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)

    def count(self) -> int:
        """How many mentions give it."""
        return len(self.mentions)

    def mention_keys(self) -> Sequence[tuple[str, int]]:
        """The keys (article, position) of its mentions."""
        return [m.key for m in self.mentions]  # type: ignore[attr-defined]

    def stored(self) -> tuple[Any, Sequence[tuple[str, int]]] | None:
        """(the plain data of its text, its mentions' keys) as read from a stored state and not
        made into mentions since, else None (see :class:`Stored`)."""
        return None


class Stored(Variant[K, M]):
    """A variant read back from a stored state: its mentions are made from their keys, by
    ``make(key, text, keys)``, when they are first asked for. Until then, how many there are and
    which articles give them are known from the keys alone: a restored index makes only the
    mentions that one more article is compared with or that a changed group needs."""

    def __init__(
        self,
        key: K,
        text: Any,
        keys: Sequence[tuple[str, int]],
        make: Callable[[K, Any, Sequence[tuple[str, int]]], list[M]],
    ) -> None:
        self.key = key
        self._text, self._keys, self._make = text, keys, make
        self._mentions: list[M] | None = None
        self._articles: set[str] | None = None

    @property
    def mentions(self) -> list[M]:
        if self._mentions is None:
            self._mentions = self._make(self.key, self._text, self._keys)
        return self._mentions

    @mentions.setter
    def mentions(self, value: list[M]) -> None:
        self._mentions = value

    @property
    def articles(self) -> set[str]:
        if self._articles is None:
            self._articles = {k[0] for k in self._keys}
        return self._articles

    @articles.setter
    def articles(self, value: set[str]) -> None:
        self._articles = value

    def count(self) -> int:
        return len(self._keys) if self._mentions is None else len(self._mentions)

    def mention_keys(self) -> Sequence[tuple[str, int]]:
        return self._keys if self._mentions is None else super().mention_keys()

    def stored(self) -> tuple[Any, Sequence[tuple[str, int]]] | None:
        return (self._text, self._keys) if self._mentions is None else None


def one_article(a: Variant[K, M], b: Variant[K, M]) -> bool:
    """True when every mention of ``a`` and ``b`` comes from the same single article."""
    return len(a.articles) == 1 and a.articles == b.articles


class Variants(Generic[K, M]):
    def __init__(self) -> None:
        self._by_key: dict[K, Variant[K, M]] = {}

    def add(self, key: K, article: str, mention: M) -> tuple[Variant[K, M], Added]:
        variant = self._by_key.get(key)
        if variant is None:
            variant = self._by_key[key] = Variant(key, [mention], {article})
            return variant, Added.NEW
        variant.mentions.append(mention)
        if article in variant.articles:
            return variant, Added.KNOWN
        variant.articles.add(article)
        return variant, Added.WIDENED if len(variant.articles) == 2 else Added.KNOWN

    def get(self, key: K) -> Variant[K, M] | None:
        return self._by_key.get(key)

    def __getitem__(self, key: K) -> Variant[K, M]:
        return self._by_key[key]

    def count(self, keys: Iterable[K]) -> int:
        """How many mentions the variants ``keys`` have together."""
        return sum(map(_COUNT, map(self._by_key.__getitem__, keys)))

    def __iter__(self) -> Iterator[Variant[K, M]]:
        """The variants in the order they were first given."""
        return iter(self._by_key.values())

    def keep(self, variant: Variant[K, M]) -> Variant[K, M]:
        """File a variant read back from a stored state."""
        self._by_key[variant.key] = variant
        return variant

    def put(self, key: K, mentions: list[M], articles: set[str]) -> Variant[K, M]:
        """File a variant as it was (restoring a state): ``mentions`` given by ``articles``."""
        variant = self._by_key[key] = Variant(key, mentions, articles)
        return variant


_COUNT = methodcaller("count")
