"""Issue status over time: the latest date decides, same-day disagreements are flagged."""

from __future__ import annotations

from briefings.consolidate import consolidate
from tests.test_consolidate_support import border_beat, issue, summary, summit_beat, trade_beat


def test_status_is_the_one_of_the_latest_article_and_history_is_in_date_order() -> None:
    border = next(i for i in consolidate(border_beat()).issues if i.topic == "border")
    assert border.status == "resolved"
    assert [(h.article, h.date, h.status) for h in border.history] == [
        ("ip_a.txt", "2025-05-11", "progress"),
        ("ip_b.txt", "2025-05-12", "progress"),
        ("ip_c.txt", "2025-05-20", "resolved"),
    ]


def test_history_keeps_the_evidence_of_each_status() -> None:
    border = next(i for i in consolidate(border_beat()).issues if i.topic == "border")
    assert border.history[0].evidence.startswith("both armies agreed")


def test_a_tie_on_the_latest_date_shows_the_most_advanced_status_and_is_not_a_disagreement() -> None:
    """A status is how each article's wording reads, not a fact it states: the history shows both."""
    picture = consolidate(summit_beat())
    migration = next(i for i in picture.issues if i.topic == "migration")
    assert migration.status == "progress"
    assert sorted((h.article, h.status) for h in migration.history) == [
        ("eu_a.txt", "progress"),
        ("eu_b.txt", "open"),
    ]
    assert not [d for d in picture.discrepancies if d.kind == "status"]


def test_an_older_status_does_not_win_over_a_newer_one() -> None:
    tariffs = next(i for i in consolidate(trade_beat()).issues if i.topic == "tariffs")
    assert tariffs.status == "progress" and tariffs.history[0].status == "open"


def test_undated_articles_count_as_oldest() -> None:
    old = summary("a.txt", None, issues=[issue("visas", "resolved")])
    new = summary("b.txt", "2025-01-01", issues=[issue("visas", "open")])
    assert consolidate([old, new]).issues[0].status == "open"


def test_one_article_giving_two_statuses_keeps_the_most_advanced() -> None:
    a = summary("a.txt", "2025-01-01", issues=[issue("visas", "open"), issue("Visas", "progress")])
    record = consolidate([a]).issues[0]
    assert [(h.article, h.status) for h in record.history] == [("a.txt", "progress")]
