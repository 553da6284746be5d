"""Each issue's status over time, and the status a reader should see now.

The history holds one status per article (an article that gives several keeps its most
advanced). The current status comes from the articles of the latest reference date; when they
disagree, the most advanced one wins, because an article that reports a step forward carries
news the others may simply not mention. The disagreement itself is flagged (discrepancies.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from types import MappingProxyType
from typing import Any

from briefings.consolidate.dates import sort_key
from briefings.consolidate.memo import Memo, Transient, fresh
from briefings.consolidate.text import fold
from briefings.models import IssueMention, IssueRecord, IssueStatus, StatusChange

RANK: Mapping[IssueStatus, int] = MappingProxyType({"open": 0, "progress": 1, "resolved": 2})


class IssueIndex:
    def __init__(self) -> None:
        # topic key -> article -> (date, status, evidence)
        self._topics: dict[str, dict[str, tuple[str | None, IssueStatus, str]]] = {}
        self._names: dict[str, set[str]] = {}  # topic key -> spellings seen
        self._changes: dict[str, int] = {}  # topic key -> changes so far (a record is built once per count)
        self._memo: Memo[tuple[str, int], IssueRecord] = Memo()
        self._dirty: dict[str, set[str]] = {}  # topic key -> articles whose status changed since its history
        self._histories: Transient[str, list[StatusChange]] = Transient()  # the last history of each topic
        # topics restored without their statuses: the history that holds them, read when all are
        # needed (their entry in _topics holds only the statuses of articles added since)
        self._unread: Transient[str, list[StatusChange]] = Transient()

    def add(self, article: str, reference: str | None, issues: Sequence[IssueMention]) -> None:
        """Each article is added once (the consolidator refuses another summary under its name), so
        its statuses are new to a topic's restored history."""
        for issue in issues:
            key = fold(issue.topic)
            if not key:
                continue
            self._names.setdefault(key, set()).add(issue.topic.strip())
            self._changes[key] = self._changes.get(key, 0) + 1
            by_article = self._topics.setdefault(key, {})
            old = by_article.get(article)
            if old is None or RANK[issue.status] > RANK[old[1]]:
                by_article[article] = (reference, issue.status, issue.evidence.strip())
                self._dirty.setdefault(key, set()).add(article)

    def state(self) -> tuple[object, ...]:
        """Each topic's statuses by article, its spellings and how many changes it had, as plain data.
        A topic whose record in the last result is current is stored without its statuses: its
        record's history holds them (one per article), and :meth:`restore_memo` takes them from there."""
        kept = {key for key, n in self._memo._last if self._changes.get(key) == n and key not in self._dirty}
        topics = [
            (key, _steps(self._statuses(key)) if key not in kept else None)
            for key in self._topics  # in any order of adding
        ]
        return (
            topics,
            [(key, sorted(names)) for key, names in self._names.items()],
            list(self._changes.items()),
        )

    @classmethod
    def from_state(cls, state: Any) -> IssueIndex:
        """The index :meth:`state` described (each history is built again when first asked for)."""
        topics, names, changes = state
        index = cls()
        for key, steps in topics:
            index._topics[key] = (
                {} if steps is None else {a: (date, status, evidence) for a, date, status, evidence in steps}
            )
        index._names = {key: set(spellings) for key, spellings in names}
        index._changes = {key: int(n) for key, n in changes}
        return index

    def memo_keys(self) -> list[tuple[tuple[str, int], IssueRecord]]:
        """The records of the last result by (topic key, changes), as :meth:`restore_memo` takes them."""
        return list(self._memo._last.items())

    def restore_memo(self, records: Iterable[tuple[Any, IssueRecord]]) -> None:
        """Take ``records`` as those of the last result: a topic that has had no change since keeps
        its record, and its history is where the next change starts from."""
        kept = {}
        for (key, n), record in records:
            if self._changes.get(key) == n and key not in self._dirty:
                kept[key, n] = record
                self._histories[key] = list(record.history)
                if not self._topics[key]:  # stored without its statuses: the history holds them
                    self._unread[key] = record.history
        self._memo._last = kept

    def records(self) -> list[IssueRecord]:
        out = [
            fresh(self._memo.get((key, self._changes[key]), partial(self._record, key)))
            for key in sorted(self._topics)
        ]
        self._memo.done()
        return out

    def history(self, key: str) -> list[StatusChange]:
        """One status per article for a topic key, oldest first (the last history of the topic,
        with the articles whose status changed since replaced)."""
        dirty, last = self._dirty.pop(key, set()), self._histories.get(key)
        if last is None:
            changes = [_step(a, *step) for a, step in self._statuses(key).items()]
        else:  # the articles changed since are among the statuses added since the history was read
            by_article = self._topics[key]
            changes = [c for c in last if c.article not in dirty] + [_step(a, *by_article[a]) for a in dirty]
        changes.sort(key=lambda c: (sort_key(c.date), c.article))
        self._histories[key] = changes
        return list(changes)

    def _statuses(self, key: str) -> dict[str, tuple[str | None, IssueStatus, str]]:
        """The topic's statuses by article (read from its history when it was restored without them)."""
        history = self._unread.pop(key, None)
        if history is not None:
            added = self._topics.get(key, {})
            self._topics[key] = {c.article: (c.date, c.status, c.evidence) for c in history}
            self._topics[key].update(added)
        return self._topics.setdefault(key, {})

    def _record(self, key: str) -> IssueRecord:
        history = self.history(key)
        newest = sort_key(history[-1].date)
        current = max((c.status for c in history if sort_key(c.date) == newest), key=RANK.__getitem__)
        return IssueRecord.model_construct(topic=min(self._names[key]), status=current, history=history)


def _steps(by: dict[str, tuple[str | None, IssueStatus, str]]) -> list[tuple[object, ...]]:
    return [(a, *by[a]) for a in sorted(by)]


def _step(article: str, date: str | None, status: IssueStatus, evidence: str) -> StatusChange:
    return StatusChange.model_construct(article=article, date=date, status=status, evidence=evidence)
