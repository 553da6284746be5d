"""Inverted indexes over stem bags that find every filed text overlapping a query enough.

The weighted overlap of two bags sums, over shared stems, the larger of the two weights. A
table keeps each key once per stem, plus once more where the stem is heavy in that text; then
for a query stem of weight 1 the two lists add the filed text's weight, and for a query stem of
weight 2 the plain list counted twice adds 2. ``Counter.update`` does the adding in C, so the
exact shared weight of every candidate is known without comparing texts one by one, and only
texts that reach the threshold are looked at closer. The search is exact: it finds every text
the threshold admits, whatever the order in which texts were filed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from briefings.consolidate.text import Bag

K = TypeVar("K", bound=Hashable)


class StemTable(Generic[K]):
    """Texts are filed when the table is first searched: a restored index files only the tables
    it searches (the order of the lists is the order of :meth:`add` either way)."""

    def __init__(self) -> None:
        self._once: dict[str, list[K]] = {}
        self._heavy: dict[str, list[K]] = {}
        self._pending: list[tuple[K, Callable[[], Bag]]] = []

    def add(self, key: K, bag: Callable[[], Bag]) -> None:
        """File ``key`` under the stems ``bag()`` gives (called when the table is first searched)."""
        self._pending.append((key, bag))

    def _file(self) -> None:
        once, heavy = self._once, self._heavy
        for key, stems in self._pending:
            for stem, weight in stems().weights.items():
                once.setdefault(stem, []).append(key)
                if weight > 1:
                    heavy.setdefault(stem, []).append(key)
        self._pending = []

    def accumulate(self, bag: Bag, shared: Counter[K]) -> None:
        """Add to ``shared`` each filed key's shared weight with ``bag``."""
        if self._pending:
            self._file()
        for stem, weight in bag.weights.items():
            once = self._once.get(stem)
            if not once:
                continue
            shared.update(once)
            if weight > 1:
                shared.update(once)
            elif stem in self._heavy:
                shared.update(self._heavy[stem])


def overlapping(
    tables: Iterable[StemTable[K] | None], bag: Bag, totals: Mapping[K, int], threshold: float
) -> list[K]:
    """Keys filed in ``tables`` whose weighted overlap with ``bag`` reaches ``threshold``."""
    shared: Counter[K] = Counter()
    for table in tables:
        if table is not None:
            table.accumulate(bag, shared)
    total = bag.total
    return [k for k, w in shared.items() if w >= threshold * min(total, totals[k])]
