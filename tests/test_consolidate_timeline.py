"""Timeline: same-date merges, months into days, markers, sorting, date conflicts."""

from __future__ import annotations

from briefings.consolidate import consolidate
from briefings.models import ArticleSummary
from tests.test_consolidate_support import all_beats, border_beat, event, summary, summit_beat, trade_beat


def events(*pairs: tuple[str, list[tuple[str, str]]]) -> list[ArticleSummary]:
    return [summary(name, "2025-09-30", events=[event(d, w) for d, w in evs]) for name, evs in pairs]


def test_same_day_similar_descriptions_are_one_entry_with_all_articles() -> None:
    timeline = consolidate(trade_beat()).timeline
    meeting = [t for t in timeline if t.date == "2025-03-09"]
    assert len(meeting) == 1 and meeting[0].articles == ["trade_a.txt", "trade_b.txt"]


def test_a_month_joins_the_matching_day() -> None:
    steel = [t for t in consolidate(trade_beat()).timeline if "steel" in t.what]
    assert [(t.date, t.articles) for t in steel] == [("2025-02-14", ["trade_a.txt", "trade_b.txt"])]


def test_a_month_joins_the_day_it_describes_and_never_bridges_two_days() -> None:
    timeline = consolidate(
        events(
            ("a.txt", [("2025-09-03", "Finance Minister Ruth Amadi presents the budget in parliament")]),
            ("b.txt", [("2025-09-17", "Finance Minister Ruth Amadi resigns after budget defeat")]),
            ("c.txt", [("2025-09", "Ruth Amadi presents the budget")]),
        )
    ).timeline
    assert [(t.date, t.articles) for t in timeline] == [
        ("2025-09-03", ["a.txt", "c.txt"]),
        ("2025-09-17", ["b.txt"]),
    ]


def test_a_month_without_a_matching_day_stays_a_month_entry() -> None:
    timeline = consolidate(
        events(
            ("a.txt", [("2025-09-03", "Finance Minister Ruth Amadi presents the budget")]),
            ("b.txt", [("2025-09", "Floods hit the northern provinces")]),
        )
    ).timeline
    assert [t.date for t in timeline] == ["2025-09", "2025-09-03"]


def test_a_year_is_not_pinned_to_a_day() -> None:
    timeline = consolidate(
        events(
            ("a.txt", [("2025-03-02", "Leaders agree to resume flights, visas and the pilgrimage")]),
            ("b.txt", [("2025", "The pilgrimage resumes")]),
        )
    ).timeline
    assert [t.date for t in timeline] == ["2025", "2025-03-02"]


def test_year_entries_merge_with_each_other() -> None:
    pilgrimage = [t for t in consolidate(border_beat()).timeline if t.date == "2025"]
    assert [t.articles for t in pilgrimage] == [["ip_a.txt", "ip_c.txt"]]


def test_start_and_end_of_one_thing_are_two_entries() -> None:
    summit = [t for t in consolidate(summit_beat()).timeline if "summit" in t.what]
    assert [(t.date, t.articles) for t in summit] == [
        ("2025-06-26", ["eu_a.txt", "eu_b.txt"]),
        ("2025-06-27", ["eu_a.txt"]),
    ]


def test_unrelated_events_of_one_day_stay_apart() -> None:
    timeline = consolidate(
        events(
            ("a.txt", [("2025-09-03", "Finance Minister Ruth Amadi presents the budget")]),
            ("b.txt", [("2025-09-03", "Central bank raises interest rates by half a point")]),
        )
    ).timeline
    assert len(timeline) == 2


def test_timeline_is_sorted_by_date_with_coarse_dates_first() -> None:
    dates = [t.date for t in consolidate(all_beats()).timeline]
    assert dates == sorted(dates)


def test_one_happening_dated_differently_is_kept_apart_and_flagged() -> None:
    picture = consolidate(border_beat())
    ceasefire = [t for t in picture.timeline if "ceasefire" in t.what.lower()]
    assert [t.date for t in ceasefire] == ["2025-05-10", "2025-05-11"]
    flagged = [d for d in picture.discrepancies if d.kind == "date"]
    assert len(flagged) == 1 and set(flagged[0].details) == {"ip_a.txt", "ip_b.txt"}
    assert "2025-05-11" in flagged[0].details["ip_b.txt"]
