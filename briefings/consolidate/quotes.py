"""Quotations that two articles give in different words.

Quotes are filed by the words of their speaker and by reference day; a new quote is compared
with the quotes of the same speaker words from a week around it. Two quotes are one statement
worded differently when they are close (rapidfuzz ratio), or open with nearly the same words
("We remain in touch with ..." and "We are in touch with ..."), but are not equal, and the
shorter is not simply an excerpt of the longer (pieces between ellipses found in order, at word
boundaries).
Whether the speakers are one person is decided with the people when the result is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from briefings.consolidate import dates
from briefings.consolidate.text import STOPWORDS, fold
from briefings.consolidate.unionfind import UnionFind
from briefings.models import Quote

MentionKey = tuple[str, int]

WINDOW_DAYS = 7
SAME_STATEMENT = 75.0  # rapidfuzz ratio of the folded texts
OPENING_WORDS = 8  # or the first words: quoted at different lengths, a statement still opens alike
MIN_OPENING_WORDS = 5
SAME_OPENING = 85.0
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|…|\[\s*\.\.\.\s*\]")


@dataclass(frozen=True)
class QuoteMention:
    key: MentionKey
    text: str
    speaker: str
    kind: str
    reference: str | None

    @property
    def article(self) -> str:
        return self.key[0]

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def pieces(self) -> list[str]:
        return [p for p in (fold(x) for x in _ELLIPSIS.split(self.text)) if p]


def _excerpt(short: QuoteMention, long: QuoteMention) -> bool:
    """True when every piece of ``short`` appears in ``long``, in order, at word boundaries."""
    text, at = f" {long.folded} ", 0
    for piece in short.pieces:
        found = text.find(f" {piece} ", at)
        if found < 0:
            return False
        at = found + len(piece) + 1
    return True


def reworded(a: QuoteMention, b: QuoteMention) -> bool:
    """One statement given in different words by two articles."""
    if a.article == b.article or a.folded == b.folded or not a.folded or not b.folded:
        return False
    short, long = (a, b) if len(a.folded) <= len(b.folded) else (b, a)
    if _excerpt(short, long):
        return False
    return fuzz.ratio(a.folded, b.folded) >= SAME_STATEMENT or _reworded_opening(a, b)


def _reworded_opening(a: QuoteMention, b: QuoteMention) -> bool:
    """The same opening words, worded a little differently: the quotes go on differently."""
    wa, wb = a.folded.split(), b.folded.split()
    n = min(OPENING_WORDS, len(wa), len(wb))
    if n < MIN_OPENING_WORDS:
        return False
    oa, ob = " ".join(wa[:n]), " ".join(wb[:n])
    return oa != ob and fuzz.ratio(oa, ob) >= SAME_OPENING


def speaker_words(speaker: str) -> set[str]:
    return {w for w in fold(speaker).split() if len(w) > 1 and w not in STOPWORDS}


class QuoteIndex:
    def __init__(self) -> None:
        self._mentions: dict[MentionKey, QuoteMention] = {}
        self._filed: dict[tuple[str, str], list[MentionKey]] = {}  # (speaker word, day) -> quotes
        self._reworded: UnionFind[MentionKey] = UnionFind()  # one speaker (as written), other words
        self._pairs: set[tuple[MentionKey, MentionKey]] = set()  # speakers written differently

    def add(self, article: str, reference: str | None, quotes: Sequence[Quote]) -> None:
        day = reference if dates.ordinal(reference) is not None else None
        for i, quote in enumerate(quotes):
            if not quote.speaker or not quote.text.strip():
                continue
            m = QuoteMention((article, i), quote.text.strip(), quote.speaker.strip(), quote.speaker_kind, day)
            self._insert(m)

    def _insert(self, m: QuoteMention) -> None:
        self._mentions[m.key] = m
        words = speaker_words(m.speaker)
        seen: set[MentionKey] = set()
        for word in words:
            for day in dates.days_around(m.reference, WINDOW_DAYS):
                for other in self._filed.get((word, day), []):
                    if other not in seen:
                        seen.add(other)
                        if reworded(m, self._mentions[other]):
                            self._pair(m, self._mentions[other])
        for word in words:
            self._filed.setdefault((word, m.reference or "none"), []).append(m.key)

    def _pair(self, a: QuoteMention, b: QuoteMention) -> None:
        for key in (a.key, b.key):
            self._reworded.add(key)
        if fold(a.speaker) == fold(b.speaker):
            self._reworded.union(a.key, b.key)
        else:
            self._pairs.add((min(a.key, b.key), max(a.key, b.key)))

    def groups(self, same_speaker: Callable[[QuoteMention, QuoteMention], bool]) -> list[list[QuoteMention]]:
        """Quotes of one speaker worded differently, each set in article order.

        Speakers written alike were joined when the quotes were added; speakers written differently
        ("Okafor", "Samuel Okafor") join when ``same_speaker`` says they are one.
        """
        joined: UnionFind[MentionKey] = UnionFind()
        for a, b in sorted(self._pairs):
            if same_speaker(self._mentions[a], self._mentions[b]):
                joined.link(self._reworded.find(a), self._reworded.find(b))
        sets: dict[MentionKey, list[QuoteMention]] = {}
        for root, keys in self._reworded.groups().items():
            final = joined.find(root) if root in joined else root
            sets.setdefault(final, []).extend(self._mentions[k] for k in keys)
        found = [sorted(qs, key=lambda q: q.key) for qs in sets.values() if len({q.article for q in qs}) > 1]
        return sorted(found, key=lambda qs: qs[0].key)
