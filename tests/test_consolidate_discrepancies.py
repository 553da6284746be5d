"""Disagreements between sources are flagged with what each article says, never settled silently."""

from __future__ import annotations

from briefings.consolidate import consolidate
from briefings.models import ArticleSummary, Discrepancy, Official
from tests.test_consolidate_support import (
    all_beats,
    border_beat,
    event,
    figure,
    official,
    quote,
    summary,
    summit_beat,
    trade_beat,
)


def kinds(found: list[Discrepancy], kind: str) -> list[Discrepancy]:
    return [d for d in found if d.kind == kind]


def found(*summaries: ArticleSummary) -> list[Discrepancy]:
    return consolidate(list(summaries)).discrepancies


def titled(name: str, title: str, country: str, *other_titles: str) -> Official:
    return Official(name=name, title=title, country=country, other_titles=list(other_titles))


def test_every_discrepancy_cites_at_least_two_articles() -> None:
    found = consolidate(all_beats()).discrepancies
    assert found and all(len(d.details) >= 2 and d.about and d.kind for d in found)


def test_one_post_in_other_words_is_not_a_disagreement() -> None:
    wordings = ["Vice Foreign Minister", "Vice Minister of Foreign Affairs", "Deputy Foreign Minister"]
    wordings += ["Vice Minister", "Chinese Vice Minister"]
    articles = [
        summary(f"{i}.txt", f"2025-03-0{i + 1}", officials=[official("Halvard Brekke", t, "Norway")])
        for i, t in enumerate(wordings)
    ]
    picture = consolidate(articles)
    assert not kinds(picture.discrepancies, "title")
    assert sorted(picture.officials[0].titles) == sorted(wordings)  # every wording kept on the record


def test_the_vice_and_deputy_titles_of_the_test_beat_are_one_post() -> None:
    assert not kinds(consolidate(border_beat() + summit_beat()).discrepancies, "title")


def test_a_foreign_minister_under_a_local_name_is_one_post() -> None:
    a = summary(
        "a.txt", "2025-04-01", officials=[official("Meera Kulkarni", "External Affairs Minister", "India")]
    )
    b = summary("b.txt", "2025-04-02", officials=[official("Meera Kulkarni", "Foreign Minister", "India")])
    c = summary("c.txt", "2025-04-03", officials=[official("Meera Kulkarni", "EAM", "India")])
    assert not kinds(found(a, b, c), "title")


def test_a_rank_word_makes_another_post_and_is_reported() -> None:
    a = summary(
        "a.txt", "2025-03-10", officials=[official("Halvard Brekke", "Vice Foreign Minister", "Norway")]
    )
    b = summary(
        "b.txt",
        "2025-03-11",
        officials=[official("Halvard Brekke", "Executive Vice Foreign Minister", "Norway")],
    )
    [flag] = kinds(found(a, b), "title")
    assert flag.details == {"a.txt": "Vice Foreign Minister", "b.txt": "Executive Vice Foreign Minister"}


def test_two_departments_at_the_same_time_are_reported() -> None:
    a = summary("a.txt", "2025-03-10", officials=[official("Halvard Brekke", "Foreign Minister", "Norway")])
    b = summary("b.txt", "2025-03-12", officials=[official("Brekke", "Defence Minister", "Norway")])
    [flag] = kinds(found(a, b), "title")
    assert flag.details == {"a.txt": "Foreign Minister", "b.txt": "Defence Minister"}


def test_posts_one_article_gives_together_are_held_at_once() -> None:
    a = summary(
        "a.txt",
        "2025-03-10",
        officials=[titled("Ines Carvalho", "Prime Minister", "Portugal", "Finance Minister")],
    )
    b = summary("b.txt", "2025-03-11", officials=[titled("Ines Carvalho", "Finance Minister", "Portugal")])
    c = summary("c.txt", "2025-03-12", officials=[titled("Ines Carvalho", "Prime Minister", "Portugal")])
    assert not kinds(found(a, b, c), "title")


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


def test_two_days_for_one_happening_are_reported() -> None:
    a = summary(
        "a.txt",
        "2025-08-12",
        events=[event("2025-08-10", "Ferry operators and the port authority sign a safety charter in Tema")],
    )
    b = summary(
        "b.txt",
        "2025-08-12",
        events=[event("2025-08-11", "Ferry operators and the port authority sign a safety charter in Tema")],
    )
    [flag] = kinds(found(a, b), "date")
    assert sorted(flag.details) == ["a.txt", "b.txt"]


def test_an_article_giving_both_dates_contradicts_neither() -> None:
    what = "The harbour was closed to fishing boats after the storm and the oil spill"
    a = summary("a.txt", "2025-08-12", events=[event("2025-04", what), event("2025-05", what)])
    b = summary("b.txt", "2025-08-13", events=[event("2025-04", what + " on the coast")])
    assert not kinds(found(a, b), "date")
