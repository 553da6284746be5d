"""Named things that articles spell differently ("Kartarpur Corridor", "Kartarpur Coridor").

Capitalised words of five letters or more are collected with the capitalised phrase they sit
in. Two such words are spellings of one name when they begin and end with the same two letters,
differ by at most two edits and are close (rapidfuzz), and share a neighbouring word in some
phrase ("Kartarpur" before both). Inflections such as "Minister"/"Ministry" or
"Pakistan"/"Pakistani" end differently and are left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel, Levenshtein

from briefings.consolidate import packed
from briefings.consolidate.text import STOPWORDS, capitalised_runs, fold, raw_words
from briefings.consolidate.unionfind import UnionFind

MIN_LEN = 5
MIN_RATIO = 0.85
MAX_EDITS = 2
ARTICLES_PER_SPELLING = 4


@dataclass(frozen=True)
class NameUse:
    token: str
    raw: str
    phrase: str
    neighbours: frozenset[str]


def _runs(text: str) -> list[list[str]]:
    """The runs of capitalised words of ``text``."""
    words = raw_words(text)
    runs: dict[int, list[str]] = {}
    for word, run in zip(words, capitalised_runs(words), strict=True):
        if run >= 0:
            runs.setdefault(run, []).append(word)
    return list(runs.values())


def name_uses(text: str) -> Iterator[NameUse]:
    """Long capitalised words of ``text`` with their phrase and the other words of it."""
    for run in _runs(text):
        folded = [fold(w) for w in run]
        for word, token in zip(run, folded, strict=True):
            if len(token) >= MIN_LEN and token.isalpha() and not word.isupper():
                others = frozenset(t for t in folded if t != token and t not in STOPWORDS and len(t) > 1)
                yield NameUse(token, word, " ".join(run), others)


@lru_cache(maxsize=1 << 14)
def _cached_uses(text: str) -> tuple[NameUse, ...]:
    """The name uses of a text; articles repeat sentences (boilerplate, wire copy), so they are kept."""
    return tuple(name_uses(text))


def variants(a: str, b: str) -> bool:
    return (
        a != b
        and a[:2] == b[:2]
        and a[-2:] == b[-2:]
        and Levenshtein.distance(a, b) <= MAX_EDITS
        and Indel.normalized_similarity(a, b) >= MIN_RATIO
    )


class SpellingIndex:
    def __init__(self) -> None:
        self._uses: dict[str, dict[str, set[str]]] = {}  # token -> article -> phrases
        self._stored: dict[str, bytes] = {}  # token -> the uses a restored state gave it, not read yet
        self._raw: dict[str, Counter[str]] = {}
        self._neighbours: dict[str, set[str]] = {}
        self._buckets: dict[tuple[str, str], list[str]] = {}
        self._pairs: set[tuple[str, str]] = set()

    def add(self, article: str, texts: Iterable[str]) -> None:
        for text in texts:
            for use in _cached_uses(text):
                self._record(article, use)

    def _record(self, article: str, use: NameUse) -> None:
        token = use.token
        if token not in self._raw:
            bucket = self._buckets.setdefault((token[:2], token[-2:]), [])
            self._pairs.update((min(token, o), max(token, o)) for o in bucket if variants(token, o))
            bucket.append(token)
            self._uses[token], self._raw[token], self._neighbours[token] = {}, Counter(), set()
        # an article is added once: its uses never meet those stored for the token
        self._uses.setdefault(token, {}).setdefault(article, set()).add(use.phrase)
        self._raw[token][use.raw] += 1
        self._neighbours[token] |= use.neighbours

    def state(self) -> tuple[object, ...]:
        """Each long capitalised word with where and how it was written, and the close pairs, as
        plain data."""
        uses = [(t, self._packed_uses(t)) for t in self._raw]
        return (
            uses,
            [(t, list(c.items())) for t, c in self._raw.items()],
            [(t, sorted(n)) for t, n in self._neighbours.items()],
            sorted(self._pairs),
        )

    @classmethod
    def from_state(cls, state: Any) -> SpellingIndex:
        """The index :meth:`state` described; the words are filed by their ends again."""
        uses, raw, neighbours, pairs = state
        index = cls()
        for token, by in uses:
            index._stored[token] = by  # read when the word is compared (see uses)
            index._buckets.setdefault((token[:2], token[-2:]), []).append(token)
        index._raw = {t: Counter(dict(c)) for t, c in raw}
        index._neighbours = {t: set(n) for t, n in neighbours}
        index._pairs = {(a, b) for a, b in pairs}
        return index

    def uses(self, token: str) -> dict[str, set[str]]:
        """Article -> the phrases it uses ``token`` in."""
        stored = self._stored.pop(token, None)
        if stored is not None:
            by = {a: set(phrases) for a, phrases in packed.unpack(stored)}
            self._uses[token] = by | self._uses.get(token, {})
        return self._uses[token]

    def _packed_uses(self, token: str) -> bytes:
        """The uses of ``token`` as stored (as read, when no article has used it since)."""
        if token in self._stored and token not in self._uses:
            return self._stored[token]
        return packed.pack([(a, sorted(p)) for a, p in sorted(self.uses(token).items())])

    def groups(self) -> list[tuple[list[str], dict[str, str]]]:
        """Each set of spellings of one name: (spellings, article -> phrases it uses)."""
        uf: UnionFind[str] = UnionFind()
        for a, b in sorted(self._pairs):
            if self._neighbours[a] & self._neighbours[b] and set(self.uses(a)) != set(self.uses(b)):
                uf.link(a, b)
        return sorted(self._group(tokens) for tokens in uf.groups().values())

    def _group(self, tokens: list[str]) -> tuple[list[str], dict[str, str]]:
        details: dict[str, set[str]] = {}
        for token in sorted(tokens):
            uses = self.uses(token)
            for article in sorted(uses)[:ARTICLES_PER_SPELLING]:
                details.setdefault(article, set()).update(uses[article])
        spellings = sorted(min(self._raw[t], key=lambda r: (-self._raw[t][r], r)) for t in tokens)
        return spellings, {a: "; ".join(sorted(p)) for a, p in sorted(details.items())}
