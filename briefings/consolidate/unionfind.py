"""A union-find over hashable keys.

Clusters built from a pairwise relation are the connected components of its graph, so they do
not depend on the order in which items arrive: the property that makes incremental
consolidation equal to batch consolidation.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class UnionFind(Generic[K]):
    def __init__(self) -> None:
        self._parent: dict[K, K] = {}
        self._members: dict[
            K, list[K]
        ] = {}  # root -> every key of its set (the smaller set joins the larger)

    def add(self, key: K) -> None:
        if key not in self._parent:
            self._parent[key] = key
            self._members[key] = [key]

    def find(self, key: K) -> K:
        parent = self._parent
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    def union(self, a: K, b: K) -> K:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra] += self._members.pop(rb)
        return ra

    def link(self, a: K, b: K) -> K:
        """Add both keys if new and join them."""
        self.add(a)
        self.add(b)
        return self.union(a, b)

    def groups(self, keys: Iterable[K] | None = None) -> dict[K, list[K]]:
        """Root -> members, for ``keys`` (default: every key, each set in the order it was built)."""
        if keys is None:
            return {root: list(members) for root, members in self._members.items()}
        out: dict[K, list[K]] = {}
        for key in keys:
            out.setdefault(self.find(key), []).append(key)
        return out

    def members(self, key: K) -> list[K]:
        """Every key of the set ``key`` is in."""
        return list(self._members[self.find(key)])

    def state(self) -> list[list[K]]:
        """Every set, its root first, in the order built (see :meth:`from_state`)."""
        return list(self._members.values())

    @classmethod
    def from_state(cls, sets: Iterable[Sequence[K]]) -> UnionFind[K]:
        """The union-find whose :meth:`state` is ``sets``."""
        uf: UnionFind[K] = cls()
        parent, members = uf._parent, uf._members
        for keys in sets:
            root = keys[0]
            members[root] = list(keys)
            parent.update(dict.fromkeys(keys, root))
        return uf

    def __contains__(self, key: object) -> bool:
        return key in self._parent

    def __len__(self) -> int:
        return len(self._parent)
