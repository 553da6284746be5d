"""Agreements across outlets: corroboration, dates, prior agreements, topics kept apart."""

from __future__ import annotations

from briefings.consolidate import consolidate
from tests.test_consolidate_support import agreement, border_beat, summary, summit_beat, trade_beat


def test_one_agreement_worded_differently_by_two_outlets_is_one_record() -> None:
    records = consolidate(trade_beat()).agreements
    tariffs = [a for a in records if a.topic == "tariffs"]
    assert len(tariffs) == 1
    assert tariffs[0].articles == ["trade_a.txt", "trade_b.txt"]
    assert set(tariffs[0].wording) == {"trade_a.txt", "trade_b.txt"}
    assert tariffs[0].first == tariffs[0].latest == "2025-03-09"


def test_two_different_agreements_of_one_topic_and_day_stay_apart() -> None:
    migration = [a for a in consolidate(summit_beat()).agreements if a.topic == "migration"]
    assert len(migration) == 2


def test_the_same_words_under_different_topics_stay_apart() -> None:
    a = summary(
        "a.txt", "2025-01-02", agreements=[agreement("resume talks next week", "trade", "2025-01-01")]
    )
    b = summary(
        "b.txt", "2025-01-02", agreements=[agreement("resume talks next week", "border", "2025-01-01")]
    )
    assert len(consolidate([a, b]).agreements) == 2


def test_a_prior_agreement_does_not_merge_with_a_new_one_on_the_same_topic() -> None:
    border = [a for a in consolidate(border_beat()).agreements if a.topic == "border"]
    assert sorted((a.first, tuple(a.articles)) for a in border) == [
        ("2021-02", ("ip_a.txt",)),
        ("2025-05-10", ("ip_a.txt", "ip_b.txt")),
    ]


def test_undated_agreements_take_the_article_date_and_first_and_latest_span_them() -> None:
    a = summary(
        "a.txt", "2025-04-02", agreements=[agreement("open a consulate in the port city", "relations")]
    )
    b = summary(
        "b.txt",
        "2025-04-04",
        agreements=[agreement("agreed to open a consulate in the port city", "relations")],
    )
    c = summary(
        "c.txt", "2025-05-20", agreements=[agreement("open a consulate in the port city", "relations")]
    )
    records = consolidate([a, b, c]).agreements
    spans = sorted((r.first, r.latest, tuple(r.articles)) for r in records)
    assert spans == [
        ("2025-04-02", "2025-04-04", ("a.txt", "b.txt")),
        ("2025-05-20", "2025-05-20", ("c.txt",)),
    ]


def test_best_corroborated_agreements_come_first() -> None:
    records = consolidate(border_beat() + summit_beat()).agreements
    counts = [len(r.articles) for r in records]
    assert counts == sorted(counts, reverse=True)
