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
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

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

    def __iter__(self) -> Iterator[Variant[K, M]]:
        """The variants in the order they were first given."""
        return iter(self._by_key.values())

    def put(self, key: K, mentions: list[M], articles: set[str]) -> Variant[K, M]:
        """File a variant as it was (restoring a state): ``mentions`` given by ``articles``."""
        variant = self._by_key[key] = Variant(key, mentions, articles)
        return variant
