"""Quotations across articles: one statement in other words, and the same words given to two speakers.

Variants. Quotes are filed by the words of their speaker and by reference day; a new quote is
compared with the quotes of the same speaker words from a week around it. Two quotes are one
statement worded differently when they are close (rapidfuzz ratio), or open with nearly the same
words ("We remain in touch with ..." and "We are in touch with ..."), but are not equal, and the
shorter is not simply an excerpt of the longer (pieces between ellipses found in order, at word
boundaries). Such versions are variants of one quote, not a disagreement, unless they contradict
each other (:func:`contradict`: a negation in one version only, or a number in each that the
other lacks; the words are data in ``data/statements.toml``).

Attribution. Quotes of at least ``MIN_SHARED_WORDS`` words that are the same words (equal once
folded, or one an excerpt of the other) within a week are one statement, whoever they are given
to. They are found through their words, by day: each text is filed under its first and last
``HEAD`` words and under every run of ``HEAD`` words it contains, so a new text meets every
longer text holding its opening and ending and every shorter one whose opening and ending it
holds, whatever the order of the articles.

Whether two speakers are one person is decided with the people when the result is built.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from briefings.consolidate import dates
from briefings.consolidate.figures import value_key
from briefings.consolidate.text import STOPWORDS, fold, wordset
from briefings.consolidate.unionfind import UnionFind
from briefings.models import Quote

MentionKey = tuple[str, int]

WINDOW_DAYS = 7
SAME_STATEMENT = 75.0  # rapidfuzz ratio of the folded texts
OPENING_WORDS = 8  # or the first words: quoted at different lengths, a statement still opens alike
MIN_OPENING_WORDS = 5
SAME_OPENING = 85.0
_ELLIPSIS = re.compile(r"\.\s*\.\s*\.|…|\[\s*\.\.\.\s*\]")
MIN_SHARED_WORDS = 6  # the same words given to two speakers: at least this many
HEAD = MIN_SHARED_WORDS

_STATEMENTS = tomllib.loads(
    (resources.files("briefings.consolidate") / "data" / "statements.toml").read_text(encoding="utf-8")
)
NEGATIONS = wordset(_STATEMENTS["negation"]["words"])
NOT_QUANTITIES = wordset(_STATEMENTS["numbers"]["ignore"])
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_APOSTROPHES = re.compile(r"(?<=\w)['\u2019](?=\w)")


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

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(self.folded.split())

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """Lower-case words and numbers as written ("6.9", "wont"), for negations and numbers."""
        return tuple(_TOKEN.findall(_APOSTROPHES.sub("", self.text.lower())))


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


@lru_cache(maxsize=1 << 12)
def _week(reference: str | None) -> tuple[str, ...]:
    """The days a quote of ``reference`` is compared with (or "none")."""
    return tuple(dates.days_around(reference, WINDOW_DAYS))


def _negated(tokens: Sequence[str]) -> bool:
    """An odd number of negations: the words deny rather than affirm."""
    return sum(t in NEGATIONS for t in tokens) % 2 == 1


def _numbers(tokens: Sequence[str]) -> frozenset[float]:
    """The quantities the words state ("20%", "two", "6.9 million"), each as one number."""
    out: set[float] = set()
    for i, token in enumerate(tokens):
        if token in NOT_QUANTITIES or not isinstance(value_key(token), tuple):
            continue
        key = value_key(" ".join(tokens[i : i + 2]))
        if isinstance(key, tuple):
            out.add(round(key[0], 6))
    return frozenset(out)


def contradict(a: QuoteMention, b: QuoteMention) -> bool:
    """Two versions of one statement that cannot both be what was said: one denies what the other
    affirms, or each states a number the other does not. Versions that only open alike are
    compared on their opening words."""
    ta, tb = a.tokens, b.tokens
    if fuzz.ratio(a.folded, b.folded) < SAME_STATEMENT:
        n = min(OPENING_WORDS, len(ta), len(tb))
        ta, tb = ta[:n], tb[:n]
    if _negated(ta) != _negated(tb):
        return True
    na, nb = _numbers(ta), _numbers(tb)
    return bool(na - nb) and bool(nb - na)


def _same_words(a: QuoteMention, b: QuoteMention) -> bool:
    """The same words: equal once folded, or the shorter an excerpt of the longer."""
    short, long = (a, b) if len(a.folded) <= len(b.folded) else (b, a)
    return short.folded == long.folded or _excerpt(short, long)


StatementKey = tuple[str, str]  # (reference day or "none", folded text)
_Filed = tuple[str, tuple[str, ...]]  # (reference day or "none", words)


def speaker_words(speaker: str) -> set[str]:
    return {w for w in fold(speaker).split() if len(w) > 1 and w not in STOPWORDS}


class QuoteIndex:
    def __init__(self) -> None:
        self._mentions: dict[MentionKey, QuoteMention] = {}
        self._filed: dict[tuple[str, str], list[MentionKey]] = {}  # (speaker word, day) -> quotes
        self._reworded: UnionFind[MentionKey] = UnionFind()  # one speaker (as written), other words
        self._pairs: set[tuple[MentionKey, MentionKey]] = set()  # speakers written differently
        self._contradicting: dict[MentionKey, set[MentionKey]] = {}  # reworded pairs that contradict
        # the same words, whoever they are given to
        self._statements: dict[StatementKey, list[MentionKey]] = {}
        self._heads: dict[_Filed, list[StatementKey]] = {}  # (day, first HEAD words) -> texts
        self._tails: dict[_Filed, list[StatementKey]] = {}  # (day, last HEAD words) -> texts
        self._runs: dict[_Filed, list[StatementKey]] = {}  # (day, any HEAD words) -> texts holding them
        self._same: UnionFind[StatementKey] = UnionFind()
        self._shared: set[StatementKey] = set()  # texts given by two mentions or more, or joined to another

    def add(self, article: str, reference: str | None, quotes: Sequence[Quote]) -> None:
        day = reference if dates.ordinal(reference) is not None else None
        for i, quote in enumerate(quotes):
            if not quote.speaker or not quote.text.strip():
                continue
            m = QuoteMention((article, i), quote.text.strip(), quote.speaker.strip(), quote.speaker_kind, day)
            self._insert(m)
            self._file_words(m)

    def _insert(self, m: QuoteMention) -> None:
        self._mentions[m.key] = m
        words = speaker_words(m.speaker)
        seen: set[MentionKey] = set()
        for word in words:
            for day in _week(m.reference):
                for other in self._filed.get((word, day), []):
                    if other not in seen:
                        seen.add(other)
                        if reworded(m, self._mentions[other]):
                            self._pair(m, self._mentions[other])
        self._file_speaker(m, words)

    def _file_speaker(self, m: QuoteMention, words: set[str]) -> None:
        for word in words:
            self._filed.setdefault((word, m.reference or "none"), []).append(m.key)

    def _pair(self, a: QuoteMention, b: QuoteMention) -> None:
        for key in (a.key, b.key):
            self._reworded.add(key)
        if contradict(a, b):
            self._contradicting.setdefault(a.key, set()).add(b.key)
            self._contradicting.setdefault(b.key, set()).add(a.key)
        if fold(a.speaker) == fold(b.speaker):
            self._reworded.union(a.key, b.key)
        else:
            self._pairs.add((min(a.key, b.key), max(a.key, b.key)))

    def _file_words(self, m: QuoteMention) -> None:
        """File a quote under its words, joining it to the texts of the week that have the same words.

        A text holds another's words only if it holds its first and its last ``HEAD`` words, so
        each text is filed by day under its opening and its ending (to be found as the shorter
        one) and under every run of ``HEAD`` words (to be found as the longer one).
        """
        words = m.words
        if len(words) < MIN_SHARED_WORDS:
            return
        day = m.reference or "none"
        key = (day, m.folded)
        known = self._statements.get(key)
        if known is not None:
            known.append(m.key)
            self._shared.add(key)
            return
        self._statements[key] = [m.key]
        self._same.add(key)
        head, tail = words[:HEAD], words[-HEAD:]
        runs = {words[i : i + HEAD] for i in range(len(words) - HEAD + 1)}
        candidates: set[StatementKey] = set()
        heads, tails, filed = self._heads, self._tails, self._runs
        for d in _week(m.reference):
            longer = filed.get((d, head))
            if longer:  # texts holding this one's opening and its ending
                ending = filed.get((d, tail))
                if ending:
                    candidates.update(set(longer).intersection(ending))
            opening = [k for run in runs for k in heads.get((d, run), ())]
            if opening:  # texts whose opening and ending this one holds
                ends = {k for run in runs for k in tails.get((d, run), ())}
                candidates.update(k for k in opening if k in ends)
        for other in sorted(candidates - {key}):
            if _same_words(m, self._mentions[self._statements[other][0]]):
                self._same.union(key, other)
                self._shared |= {key, other}
        self._file_text(key, head, tail, runs)

    def _file_text(
        self, key: StatementKey, head: tuple[str, ...], tail: tuple[str, ...], runs: set[tuple[str, ...]]
    ) -> None:
        day = key[0]
        self._heads.setdefault((day, head), []).append(key)
        self._tails.setdefault((day, tail), []).append(key)
        for run in runs:
            self._runs.setdefault((day, run), []).append(key)

    def state(self) -> tuple[object, ...]:
        """The quotes, the pairs and sets found among them, and the texts by words, as plain data."""
        return (
            [(m.key, m.text, m.speaker, m.kind, m.reference) for m in self._mentions.values()],
            self._reworded.state(),
            sorted(self._pairs),
            [(k, sorted(others)) for k, others in self._contradicting.items()],
            list(self._statements.items()),
            self._same.state(),
            sorted(self._shared),
        )

    @classmethod
    def from_state(cls, state: Any) -> QuoteIndex:
        """The index :meth:`state` described; the quotes are filed by speaker and words again."""
        mentions, reworded, pairs, contradicting, statements, same, shared = state
        index = cls()
        by_speaker: dict[str, set[str]] = {}  # speaker -> its words: speakers repeat
        for key, text, speaker, kind, reference in mentions:
            m = QuoteMention((key[0], key[1]), text, speaker, kind, reference)
            index._mentions[m.key] = m
            if speaker not in by_speaker:
                by_speaker[speaker] = speaker_words(speaker)
            index._file_speaker(m, by_speaker[speaker])
        index._reworded = UnionFind.from_state(reworded)
        index._pairs = {(a, b) for a, b in pairs}
        index._contradicting = {k: set(others) for k, others in contradicting}
        for key, keys in statements:
            key = (key[0], key[1])
            index._statements[key] = list(keys)
            words = tuple(key[1].split())
            runs = {words[i : i + HEAD] for i in range(len(words) - HEAD + 1)}
            index._file_text(key, words[:HEAD], words[-HEAD:], runs)
        index._same = UnionFind.from_state(same)
        index._shared = set(shared)
        return index

    def same_words(self) -> list[list[QuoteMention]]:
        """Quotes with the same words given by two articles or more, each set in article order."""
        roots: dict[StatementKey, list[QuoteMention]] = {}
        for root in {self._same.find(k) for k in self._shared}:
            texts = self._same.members(root)
            roots[root] = sorted(
                (self._mentions[k] for t in texts for k in self._statements[t]), key=lambda q: q.key
            )
        found = [qs for qs in roots.values() if len({q.article for q in qs}) > 1]
        return sorted(found, key=lambda qs: qs[0].key)

    def contradicting(self, qs: Sequence[QuoteMention]) -> list[tuple[QuoteMention, QuoteMention]]:
        """The pairs of ``qs`` (versions of one statement) that contradict each other."""
        keys = {q.key for q in qs}
        pairs = {(min(a, b), max(a, b)) for a in keys for b in self._contradicting.get(a, ()) if b in keys}
        return [(self._mentions[a], self._mentions[b]) for a, b in sorted(pairs)]

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
