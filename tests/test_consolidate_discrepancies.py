"""Disagreements between sources are flagged with what each article says, never settled silently."""

from __future__ import annotations

from briefings.consolidate import consolidate
from briefings.models import Discrepancy
from tests.test_consolidate_support import (
    all_beats,
    border_beat,
    figure,
    official,
    quote,
    summary,
    summit_beat,
    trade_beat,
)


def kinds(found: list[Discrepancy], kind: str) -> list[Discrepancy]:
    return [d for d in found if d.kind == kind]


def test_every_discrepancy_cites_at_least_two_articles() -> None:
    found = consolidate(all_beats()).discrepancies
    assert found and all(len(d.details) >= 2 and d.about and d.kind for d in found)


def test_vice_and_deputy_titles_are_flagged_but_a_more_specific_title_is_not() -> None:
    found = consolidate(border_beat() + summit_beat()).discrepancies
    titles = kinds(found, "title")
    assert [d.about for d in titles] == ["title of Anil Varma"]
    assert titles[0].details["ip_a.txt"] == "Vice Foreign Minister"
    assert titles[0].details["ip_b.txt"] == "Deputy Foreign Minister"


def test_a_title_that_changes_over_months_is_a_new_post_not_a_discrepancy() -> None:
    early = summary("a.txt", "2024-01-10", officials=[official("Ruth Amadi", "Finance Minister", "Ghana")])
    late = summary("b.txt", "2024-09-10", officials=[official("Ruth Amadi", "Prime Minister", "Ghana")])
    picture = consolidate([early, late])
    assert not kinds(picture.discrepancies, "title")
    assert picture.officials[0].titles == ["Finance Minister", "Prime Minister"]


def test_a_former_role_is_not_compared() -> None:
    a = summary("a.txt", "2025-01-10", officials=[official("Ruth Amadi", "former Finance Minister", "Ghana")])
    b = summary("b.txt", "2025-01-11", officials=[official("Ruth Amadi", "Prime Minister", "Ghana")])
    assert not kinds(consolidate([a, b]).discrepancies, "title")


def test_different_values_for_the_same_thing_are_flagged_but_not_the_same_value_written_otherwise() -> None:
    found = kinds(consolidate(summit_beat() + trade_beat()).discrepancies, "figure")
    assert [sorted(d.details) for d in found] == [["eu_a.txt", "eu_b.txt"]]
    assert "€800 billion" in found[0].details["eu_a.txt"]


def test_figures_weeks_apart_are_not_compared() -> None:
    a = summary("a.txt", "2025-01-01", figures=[figure("120", "people killed in the floods")])
    b = summary("b.txt", "2025-02-01", figures=[figure("240", "people killed in the floods")])
    assert not kinds(consolidate([a, b]).discrepancies, "figure")


def test_a_quote_worded_differently_is_flagged_but_a_shortened_one_is_not() -> None:
    found = kinds(consolidate(trade_beat() + summit_beat() + border_beat()).discrepancies, "quote")
    assert sorted(d.about for d in found) == [
        "wording of a quote by Alicia Moreno",
        "wording of a quote by Farhan Qureshi",
    ]


def test_quotes_of_different_speakers_are_not_compared() -> None:
    a = summary("a.txt", "2025-01-01", quotes=[quote("We will not accept these tariffs", "Ruth Amadi")])
    b = summary("b.txt", "2025-01-01", quotes=[quote("We will not accept such tariffs", "Kofi Mensah")])
    assert not kinds(consolidate([a, b]).discrepancies, "quote")


def test_a_quote_with_an_ellipsis_is_an_excerpt() -> None:
    a = summary(
        "a.txt",
        "2025-01-01",
        quotes=[quote("We will not accept these tariffs, not now, not ever", "Ruth Amadi")],
    )
    b = summary(
        "b.txt", "2025-01-01", quotes=[quote("We will not accept these tariffs ... not ever", "Ruth Amadi")]
    )
    assert not kinds(consolidate([a, b]).discrepancies, "quote")


def test_a_named_thing_spelt_two_ways_is_flagged() -> None:
    found = kinds(consolidate(border_beat()).discrepancies, "spelling")
    assert [d.about for d in found] == ["spelling of Coridor / Corridor"]


def test_inflections_are_not_spelling_variants() -> None:
    a = summary("a.txt", "2025-01-01", figures=[figure("3", "Foreign Minister visits to the Gulf")])
    b = summary("b.txt", "2025-01-09", figures=[figure("4", "Foreign Ministry statements on the Gulf")])
    assert not kinds(consolidate([a, b]).discrepancies, "spelling")


def test_initial_for_a_full_given_name_is_flagged_as_a_name_form() -> None:
    found = kinds(consolidate(trade_beat()).discrepancies, "name")
    assert [d.details for d in found] == [{"trade_a.txt": "Alicia Moreno", "trade_c.txt": "A. Moreno"}]


def test_figures_in_different_units_measure_different_things() -> None:
    what = "the envoy's visit to the capital came after"
    a = summary("a.txt", "2025-01-01", figures=[figure("six months", what)])
    b = summary("b.txt", "2025-01-01", figures=[figure("two-day", what)])
    assert not kinds(consolidate([a, b]).discrepancies, "figure")


def test_quotes_that_open_alike_but_worded_differently_are_flagged() -> None:
    said = "We remain in touch with the other side, in the capital as well as here, to bring predictability"
    other = "We are in touch with the other side. The ministry announced export controls in early April."
    a = summary("a.txt", "2025-01-01", quotes=[quote(said, "Ruth Amadi")])
    b = summary("b.txt", "2025-01-05", quotes=[quote(other, "Ruth Amadi")])
    assert len(kinds(consolidate([a, b]).discrepancies, "quote")) == 1
