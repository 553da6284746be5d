"""Each issue's status over time, and the status a reader should see now.

The history holds one status per article (an article that gives several keeps its most
advanced). The current status comes from the articles of the latest reference date; when they
disagree, the most advanced one wins, because an article that reports a step forward carries
news the others may simply not mention. The disagreement itself is flagged (discrepancies.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from briefings.consolidate.dates import sort_key
from briefings.consolidate.text import fold
from briefings.models import IssueMention, IssueRecord, IssueStatus, StatusChange

RANK: Mapping[IssueStatus, int] = MappingProxyType({"open": 0, "progress": 1, "resolved": 2})


class IssueIndex:
    def __init__(self) -> None:
        # topic key -> article -> (date, status, evidence)
        self._topics: dict[str, dict[str, tuple[str | None, IssueStatus, str]]] = {}
        self._names: dict[str, set[str]] = {}  # topic key -> spellings seen

    def add(self, article: str, reference: str | None, issues: Sequence[IssueMention]) -> None:
        for issue in issues:
            key = fold(issue.topic)
            if not key:
                continue
            self._names.setdefault(key, set()).add(issue.topic.strip())
            by_article = self._topics.setdefault(key, {})
            old = by_article.get(article)
            if old is None or RANK[issue.status] > RANK[old[1]]:
                by_article[article] = (reference, issue.status, issue.evidence.strip())

    def records(self) -> list[IssueRecord]:
        return [self._record(key) for key in sorted(self._topics)]

    def history(self, key: str) -> list[StatusChange]:
        """One status per article for a topic key, oldest first."""
        changes = [
            StatusChange.model_construct(article=a, date=d, status=s, evidence=e)  # valid by construction
            for a, (d, s, e) in self._topics[key].items()
        ]
        return sorted(changes, key=lambda c: (sort_key(c.date), c.article))

    def _record(self, key: str) -> IssueRecord:
        history = self.history(key)
        newest = sort_key(history[-1].date)
        current = max((c.status for c in history if sort_key(c.date) == newest), key=RANK.__getitem__)
        return IssueRecord(topic=min(self._names[key]), status=current, history=history)
