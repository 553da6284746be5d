"""One record per person across articles: forms, initials, surnames, accents, spelling, traps."""

from __future__ import annotations

from briefings.consolidate import consolidate
from briefings.models import PersonRecord
from tests.test_consolidate_support import official, summary, summit_beat, trade_beat


def people(*summaries_: object) -> dict[str, PersonRecord]:
    picture = consolidate(list(summaries_))  # type: ignore[arg-type]
    return {p.name: p for p in picture.officials}


def test_one_record_per_person_with_fullest_name_aliases_titles_and_articles() -> None:
    by_name = {p.name: p for p in consolidate(trade_beat()).officials}
    moreno = by_name["Alicia Moreno"]
    assert moreno.aliases == ["A. Moreno", "Moreno"]
    assert moreno.articles == ["trade_a.txt", "trade_b.txt", "trade_c.txt"]
    assert moreno.country == "United States"
    assert moreno.titles == ["Treasury Secretary", "Secretary of the Treasury"]
    assert [(t.title, t.date, t.article) for t in moreno.titles_seen] == [
        ("Treasury Secretary", "2025-03-10", "trade_a.txt"),
        ("Treasury Secretary", "2025-03-11", "trade_b.txt"),
        ("Secretary of the Treasury", "2025-03-12", "trade_c.txt"),
    ]


def test_same_surname_different_given_names_are_different_people() -> None:
    names = {p.name for p in consolidate(trade_beat()).officials}
    assert {"Li Wenhua", "Li Jun", "Li Keming"} <= names


def test_initial_and_surname_merge_with_the_full_name() -> None:
    a = summary("a.txt", "2025-01-01", officials=[official("S. Okafor", "Foreign Minister", "Nigeria")])
    b = summary("b.txt", "2025-01-02", officials=[official("Samuel Okafor", "Foreign Minister", "Nigeria")])
    assert list(people(a, b)) == ["Samuel Okafor"]
    assert people(a, b)["Samuel Okafor"].aliases == ["S. Okafor"]


def test_an_initial_shared_by_two_full_names_stays_apart() -> None:
    a = summary("a.txt", "2025-01-01", officials=[official("S. Okafor", None, "Nigeria")])
    b = summary("b.txt", "2025-01-02", officials=[official("Samuel Okafor", "Foreign Minister", "Nigeria")])
    c = summary("c.txt", "2025-01-02", officials=[official("Sade Okafor", "Finance Minister", "Nigeria")])
    assert set(people(a, b, c)) == {"S. Okafor", "Samuel Okafor", "Sade Okafor"}


def test_surname_alone_joins_the_only_person_of_that_surname_in_the_country() -> None:
    a = summary(
        "a.txt", "2025-01-01", officials=[official("Daniel Park", "Trade Representative", "United States")]
    )
    b = summary("b.txt", "2025-01-02", officials=[official("Park Ji-won", "Foreign Minister", "South Korea")])
    c = summary("c.txt", "2025-01-03", officials=[official("Park", None, "United States")])
    found = people(a, b, c)
    assert found["Daniel Park"].articles == ["a.txt", "c.txt"]
    assert found["Park Ji-won"].articles == ["b.txt"]


def test_ambiguous_surname_stays_apart_unless_the_title_decides() -> None:
    wenhua = summary("a.txt", "2025-01-01", officials=[official("Li Wenhua", "Vice Premier", "China")])
    jun = summary("b.txt", "2025-01-01", officials=[official("Li Jun", "Commerce Minister", "China")])
    bare = summary("c.txt", "2025-01-02", officials=[official("Li", None, "China")])
    titled = summary("d.txt", "2025-01-02", officials=[official("Li", "Commerce Minister", "China")])
    found = people(wenhua, jun, bare, titled)
    assert found["Li"].articles == ["c.txt"]
    assert found["Li Jun"].articles == ["b.txt", "d.txt"]
    assert found["Li Wenhua"].articles == ["a.txt"]


def test_one_token_difference_in_a_two_token_chinese_name_is_another_person() -> None:
    a = summary("a.txt", "2025-01-01", officials=[official("Li Ming", "Premier", "China")])
    b = summary("b.txt", "2025-01-01", officials=[official("Li Keming", "Premier", "China")])
    assert set(people(a, b)) == {"Li Ming", "Li Keming"}


def test_accents_and_case_do_not_split_a_person_and_the_accented_spelling_is_kept() -> None:
    found = people(*summit_beat())
    assert found["José Ramírez"].articles == ["eu_a.txt", "eu_b.txt"]
    assert "Jose Ramirez" not in found


def test_spelling_variants_merge_within_a_country_as_aliases_not_disagreements() -> None:
    a = summary(
        "a.txt", "2025-01-01", officials=[official("Mikhail Lavrenko", "Defence Minister", "Ukraine")]
    )
    b = summary(
        "b.txt", "2025-01-02", officials=[official("Mikhail Lavrenkov", "Defence Minister", "Ukraine")]
    )
    picture = consolidate([a, b])
    assert [p.articles for p in picture.officials] == [["a.txt", "b.txt"]]
    assert [d.kind for d in picture.discrepancies] == ["name"]  # a variant, labelled, not a disagreement
    [person] = picture.officials
    assert {person.name, *person.aliases} == {"Mikhail Lavrenko", "Mikhail Lavrenkov"}


def test_spelling_variants_of_different_countries_stay_apart() -> None:
    a = summary(
        "a.txt", "2025-01-01", officials=[official("Mikhail Lavrenko", "Defence Minister", "Ukraine")]
    )
    c = summary("c.txt", "2025-01-02", officials=[official("Mikhail Lavrenkov", "Envoy", "Belarus")])
    assert len(consolidate([a, c]).officials) == 2


def test_country_is_the_majority_and_a_disagreement_is_flagged() -> None:
    parts = [("a.txt", "Kenya"), ("b.txt", "Kenya"), ("c.txt", "Uganda")]
    picture = consolidate(
        [summary(n, "2025-01-01", officials=[official("Grace Wanjiru", "Envoy", c)]) for n, c in parts]
    )
    assert [p.country for p in picture.officials] == ["Kenya"]
    flagged = [d for d in picture.discrepancies if d.kind == "country"]
    assert flagged and flagged[0].details == {"a.txt": "Kenya", "b.txt": "Kenya", "c.txt": "Uganda"}


def test_honorifics_are_not_part_of_the_name() -> None:
    a = summary("a.txt", "2025-01-01", officials=[official("King Harald V", "King", "Norway")])
    b = summary("b.txt", "2025-01-02", officials=[official("Harald V", "King", "Norway")])
    found = people(a, b)
    assert list(found) == ["Harald V"] and found["Harald V"].aliases == ["King Harald V"]
