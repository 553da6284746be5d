"""One record per agreement across outlets.

Two agreements are one when they share a topic, their dates can be the same day, and their
wording overlaps (content stems, see text.py). An agreement's date is its ``when``; without
one, a new agreement is dated by the article (it was reached up to a few days before), and a
prior one is undated: it then matches only other undated prior agreements. Prior and new
agreements never merge unless both carry a ``when`` that agrees, so "resume flights (January)"
stays apart from "expedite flights (June)".

A record's ``articles`` are the articles that report it (its corroboration), ``wording`` what
each says, ``text`` the wording that shares most with the others, and ``first``/``latest`` the
earliest and latest of its reports' dates (the ``when``, else the article's date).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import Any

from briefings.consolidate import dates
from briefings.consolidate.memo import Memo, fresh
from briefings.consolidate.text import Bag, bag, central, fold, similar, stored_bag, variants_state
from briefings.consolidate.unionfind import UnionFind
from briefings.consolidate.variants import Added, Stored, Variant, Variants, one_article
from briefings.models import Agreement, AgreementRecord

MentionKey = tuple[str, int]

THRESHOLD = 0.4  # weighted overlap of content stems, within one topic and date
DUPLICATE = 0.9  # two agreements of one article merge only when this close
REPORT_LAG_DAYS = 3  # an undated new agreement was reached on the article's day or up to this many before


@dataclass(frozen=True)
class AgreementMention:
    key: MentionKey
    text: str
    topic: str | None
    when: str | None
    prior: bool
    reference: str | None
    stems: Bag = field(compare=False, repr=False)

    @property
    def article(self) -> str:
        return self.key[0]

    @cached_property
    def topic_key(self) -> str:
        return fold(self.topic or "")

    @property
    def date(self) -> str | None:
        return self.when or self.reference

    @cached_property
    def interval(self) -> tuple[int, int] | None:
        return _interval(self.when, self.prior, self.reference)

    def buckets(self) -> list[str]:
        """Where the mention is filed: the months its date covers, its year, or 'none'."""
        return list(_buckets(self.when, self.prior, self.reference))

    def lookups(self) -> list[str]:
        """Where agreements that may share its date are filed."""
        if self.interval is None:
            return ["none"]
        months = _months(self.interval)
        return months + sorted({m[:4] for m in months})


@lru_cache(maxsize=1 << 12)
def _interval(when: str | None, prior: bool, reference: str | None) -> tuple[int, int] | None:
    if when:
        return dates.interval(when)
    day = dates.ordinal(reference)
    if prior or day is None:
        return None
    return day - REPORT_LAG_DAYS, day


@lru_cache(maxsize=1 << 12)
def _buckets(when: str | None, prior: bool, reference: str | None) -> tuple[str, ...]:
    interval = _interval(when, prior, reference)
    if interval is None:
        return ("none",)
    if when and dates.precision(when) == 1:
        return (when,)
    return tuple(_months(interval))


def _months(span: tuple[int, int]) -> list[str]:
    first, last = (dt.date.fromordinal(d) for d in span)
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def same_date(a: AgreementMention, b: AgreementMention) -> bool:
    if a.prior != b.prior and (a.when is None or b.when is None):
        return False
    ia, ib = a.interval, b.interval
    if ia is None or ib is None:
        return ia is None and ib is None
    return ia[0] <= ib[1] and ib[0] <= ia[1]


TextKey = tuple[str, str | None, str | None, bool, str | None]  # text, topic, when, prior, reference
AgreementVariant = Variant[TextKey, AgreementMention]


def same_agreement(va: AgreementVariant, vb: AgreementVariant) -> bool:
    a, b = va.mentions[0], vb.mentions[0]
    if a.topic_key != b.topic_key or not same_date(a, b):
        return False
    threshold = DUPLICATE if one_article(va, vb) else THRESHOLD
    return similar(a.stems, b.stems, threshold) > 0


class AgreementIndex:
    """Agreements filed by topic and month, one variant per distinct wording and date."""

    def __init__(self) -> None:
        self._variants: Variants[TextKey, AgreementMention] = Variants()
        self._uf: UnionFind[TextKey] = UnionFind()
        self._filed: dict[tuple[str, str], list[TextKey]] = {}
        self._memo: Memo[tuple[frozenset[TextKey], int], AgreementRecord] = Memo()

    def add(self, article: str, reference: str | None, agreements: Sequence[Agreement]) -> None:
        for i, agreement in enumerate(agreements):
            text = agreement.text.strip()
            if not text:
                continue
            when = dates.normalize(agreement.when)
            key = (text, agreement.topic, when, agreement.prior, reference)
            known = self._variants.get(key)
            stems = bag(text) if known is None else known.mentions[0].stems
            mention = AgreementMention(
                (article, i), text, agreement.topic, when, agreement.prior, reference, stems
            )
            variant, added = self._variants.add(key, article, mention)
            if added is Added.NEW:
                self._uf.add(key)
            if added is not Added.KNOWN:
                self._relate(variant)
            if added is Added.NEW:
                self._file(variant)

    def _file(self, v: AgreementVariant) -> None:
        _, topic, when, prior, reference = v.key  # what the mentions' filing depends on
        topic_key = fold(topic or "")
        for bucket in _buckets(when, prior, reference):
            self._filed.setdefault((topic_key, bucket), []).append(v.key)

    def state(self) -> tuple[object, ...]:
        """Each variant with its stems and mentions, and the links between them, as plain data."""
        return variants_state(self._variants), self._uf.state()

    @classmethod
    def from_state(cls, state: Any) -> AgreementIndex:
        """The index :meth:`state` described; the variants are filed by topic and month again."""
        variants, uf = state
        index = cls()
        for key, stems, total, keys in variants:
            key = (key[0], key[1], key[2], bool(key[3]), key[4])
            index._file(index._variants.keep(Stored(key, (stems, total), keys, _mentions)))
        index._uf = UnionFind.from_state(uf)
        return index

    def memo_keys(self) -> list[tuple[tuple[list[TextKey], int], AgreementRecord]]:
        """The records of the last result with their keys as plain data (see :meth:`restore_memo`)."""
        return [((sorted(keys, key=repr), n), built) for (keys, n), built in self._memo._last.items()]

    def restore_memo(self, records: Iterable[tuple[Any, AgreementRecord]]) -> None:
        """Take the records :meth:`memo_keys` gave as those of the last result (a record whose
        variants have changed since is built again: its key no longer comes up)."""
        self._memo._last = {
            (frozenset((t, topic, when, bool(prior), ref) for t, topic, when, prior, ref in keys), n): built
            for (keys, n), built in records
        }

    def _relate(self, v: AgreementVariant) -> None:
        seen: set[TextKey] = {v.key}
        first = v.mentions[0]
        for bucket in first.lookups():
            for other in self._filed.get((first.topic_key, bucket), []):
                if other in seen:
                    continue
                seen.add(other)
                if self._uf.find(other) != self._uf.find(v.key) and same_agreement(v, self._variants[other]):
                    self._uf.union(v.key, other)

    def records(self) -> list[AgreementRecord]:
        """The best corroborated first; among equals, the newest first."""
        out = []
        for keys in self._uf.groups().values():
            variants = [self._variants[k] for k in keys]
            n = sum(v.count() for v in variants)
            out.append(fresh(self._memo.get((frozenset(keys), n), partial(_record_of, variants))))
        self._memo.done()
        out.sort(key=lambda r: (r.topic or "", r.text, r.articles))
        out.sort(key=lambda r: (len(r.articles), dates.sort_key(r.latest)), reverse=True)
        return out


def _mentions(key: TextKey, stems: Any, keys: Sequence[MentionKey]) -> list[AgreementMention]:
    """The mentions of a stored variant (see :class:`Stored`)."""
    text, topic, when, prior, reference = key
    b = stored_bag(stems)
    return [AgreementMention((k[0], k[1]), text, topic, when, prior, reference, b) for k in keys]


def _record_of(variants: Sequence[AgreementVariant]) -> AgreementRecord:
    return record([m for v in variants for m in v.mentions])


def record(mentions: Sequence[AgreementMention]) -> AgreementRecord:
    ms = sorted(mentions, key=lambda m: m.key)
    rep = ms[central([m.stems for m in ms])]
    topics = Counter(m.topic for m in ms if m.topic)
    wording: dict[str, str] = {}
    for m in ms:
        if len(m.text) > len(wording.get(m.article, "")):
            wording[m.article] = m.text
    days = sorted(d for d in (m.date for m in ms) if d)
    return AgreementRecord(
        text=rep.text,
        topic=min(topics, key=lambda t: (-topics[t], t)) if topics else None,
        articles=sorted(wording),
        first=days[0] if days else None,
        latest=days[-1] if days else None,
        wording=dict(sorted(wording.items())),
    )
