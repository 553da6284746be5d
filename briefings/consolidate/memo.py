"""What ``result()`` derives from one group of mentions, kept while the group stays the same.

Adding one article changes a handful of groups (a person, an entry, an agreement); the records,
entries and discrepancies of every other group are taken from the last result instead of being
built again. A memo keeps only what the last result used, so it follows the picture; it is not
part of the stored state (a restored consolidator builds its first result in full).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from pydantic import BaseModel

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=BaseModel)


class Memo(Generic[K, V]):
    def __init__(self) -> None:
        self._last: dict[K, V] = {}
        self._used: dict[K, V] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        if key in self._used:
            return self._used[key]
        value = self._last[key] if key in self._last else make()
        self._used[key] = value
        return value

    def done(self) -> None:
        """End of a result: what it did not use is dropped."""
        self._last, self._used = self._used, {}


def fresh(model: M) -> M:
    """A copy of ``model`` whose lists and dicts are its own (their items are shared): a result
    handed out may be changed by its reader without changing the memo."""
    copy = model.model_copy()
    for name, value in copy.__dict__.items():
        if isinstance(value, list):
            copy.__dict__[name] = list(value)
        elif isinstance(value, dict):
            copy.__dict__[name] = dict(value)
    return copy


class Transient(dict[K, V]):
    """A dict of derived values that is not part of the stored state: a restored index starts
    with it empty."""
