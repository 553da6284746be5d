"""Disagreements between sources are conflicts of fact, flagged with what each article says.

Only two dates for one happening, two values for one figure, two posts for one person at the same
time, the same words given to two speakers, one speaker's statement in versions that contradict
each other, and two states for one person are reported. Spellings and transliterations, initials
against full names, paraphrases of one quote and one post named in other words are kept as aliases
and variants, never reported. Every name and sentence here is invented for these tests.
"""

from __future__ import annotations

from briefings.consolidate import Consolidator, consolidate
from briefings.consolidate.discrepancies import FACT_KINDS, VARIANT_KINDS
from briefings.models import ArticleSummary, Discrepancy, Official, Quote
from tests.test_consolidate_support import (
    NO_SPAN,
    all_beats,
    border_beat,
    event,
    figure,
    issue,
    official,
    quote,
    summary,
    summit_beat,
    trade_beat,
)


def kinds(found: list[Discrepancy], kind: str) -> list[Discrepancy]:
    return [d for d in found if d.kind == kind]


def facts(found: list[Discrepancy]) -> list[Discrepancy]:
    """The disagreements a reader is shown: conflicts of fact (variants stay in the record, labelled)."""
    assert {d.kind for d in found} <= FACT_KINDS | VARIANT_KINDS
    return [d for d in found if d.kind in FACT_KINDS]


def found(*summaries: ArticleSummary) -> list[Discrepancy]:
    return facts(consolidate(list(summaries)).discrepancies)


def titled(name: str, title: str, country: str, *other_titles: str) -> Official:
    return Official(name=name, title=title, country=country, other_titles=list(other_titles))


def body_quote(text: str, body: str) -> Quote:
    return Quote(text=text, speaker=body, speaker_kind="body", span=NO_SPAN)


LINDQVIST = official("Tove Lindqvist", "Fisheries Minister", "Sweden", "Lindqvist")


def test_every_discrepancy_cites_at_least_two_articles() -> None:
    flagged = consolidate(all_beats()).discrepancies
    assert flagged and all(len(d.details) >= 2 and d.about and d.kind for d in flagged)


def test_only_conflicts_of_fact_are_reported_over_the_test_beats() -> None:
    flagged = facts(consolidate(all_beats()).discrepancies)
    assert {d.kind for d in flagged} <= {"date", "figure", "title", "speaker", "quote", "country"}
    assert sorted((d.kind, sorted(d.details)) for d in flagged) == [
        ("date", ["ip_a.txt", "ip_b.txt"]),
        ("figure", ["eu_a.txt", "eu_b.txt"]),
    ]


# ---------------------------------------------------------------------------- titles


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
    assert not kinds(found(a, b), "title")


# ---------------------------------------------------------------------------- names and spellings


def test_initials_against_the_full_name_are_an_alias_not_a_disagreement() -> None:
    picture = consolidate(trade_beat())
    assert not kinds(facts(picture.discrepancies), "name")
    assert {d.kind for d in picture.discrepancies if "Moreno" in d.about} <= VARIANT_KINDS
    moreno = next(p for p in picture.officials if p.name == "Alicia Moreno")
    assert "A. Moreno" in moreno.aliases


def test_a_transliterated_name_is_an_alias_not_a_disagreement() -> None:
    a = summary("a.txt", "2025-02-01", officials=[official("Aleksandr Vorontsov", "Envoy", "Russia")])
    b = summary("b.txt", "2025-02-02", officials=[official("Aleksandar Vorontsov", "Envoy", "Russia")])
    picture = consolidate([a, b])
    assert not facts(picture.discrepancies)
    [person] = picture.officials
    assert {person.name, *person.aliases} == {"Aleksandr Vorontsov", "Aleksandar Vorontsov"}


def test_a_named_thing_spelt_two_ways_is_a_variant_not_a_disagreement() -> None:
    picture_in = border_beat()
    c = Consolidator()
    for s in picture_in:
        c.add(s)
    assert not kinds(facts(c.result().discrepancies), "spelling")
    assert [names for names, _ in c.variants().spellings] == [["Coridor", "Corridor"]]


def test_a_place_spelt_two_ways_by_two_outlets_is_not_reported() -> None:
    a = summary("a.txt", "2025-07-01", events=[event("2025-06-30", "Pilgrims cross the Tamsarak Pass again")])
    b = summary("b.txt", "2025-07-02", events=[event("2025-06-30", "The Tamasarak Pass reopens to pilgrims")])
    c = Consolidator()
    for s in (a, b):
        c.add(s)
    assert not facts(c.result().discrepancies)
    assert [names for names, _ in c.variants().spellings] == [["Tamasarak", "Tamsarak"]]


def test_inflections_are_not_spelling_variants() -> None:
    a = summary("a.txt", "2025-01-01", figures=[figure("3", "Foreign Minister visits to the Gulf")])
    b = summary("b.txt", "2025-01-09", figures=[figure("4", "Foreign Ministry statements on the Gulf")])
    c = Consolidator()
    for s in (a, b):
        c.add(s)
    assert c.variants().spellings == []


# ---------------------------------------------------------------------------- quotes


def test_paraphrases_of_one_quote_are_variants_not_disagreements() -> None:
    a = summary(
        "a.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We are ready to widen our cooperation on fisheries", "Tove Lindqvist")],
    )
    b = summary(
        "b.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We are prepared to widen our cooperation on fisheries", "Lindqvist")],
    )
    c = Consolidator()
    for s in (a, b):
        c.add(s)
    assert not facts(c.result().discrepancies)
    [variant] = c.variants().quotes
    assert variant.speaker == "Tove Lindqvist" and sorted(variant.wordings) == ["a.txt", "b.txt"]


def test_the_paraphrased_quotes_of_the_test_beats_are_not_reported() -> None:
    flagged = consolidate(trade_beat() + summit_beat() + border_beat()).discrepancies
    assert not kinds(flagged, "quote") and not kinds(flagged, "speaker")


def test_quotes_that_open_alike_and_go_on_differently_are_not_reported() -> None:
    said = "We keep in close contact with the other capital, here and there, to bring some calm to shipping"
    other = "We are in close contact with the other capital. The port authority closed two berths in May."
    a = summary("a.txt", "2025-01-01", quotes=[quote(said, "Ruth Amadi")])
    b = summary("b.txt", "2025-01-05", quotes=[quote(other, "Ruth Amadi")])
    assert not found(a, b)


def test_a_version_that_denies_what_the_other_affirms_is_reported() -> None:
    a = summary(
        "a.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We will sign the fisheries accord this autumn", "Tove Lindqvist")],
    )
    b = summary(
        "b.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We will not sign the fisheries accord this autumn", "Lindqvist")],
    )
    [flag] = kinds(found(a, b), "quote")
    assert flag.about == "what Tove Lindqvist said"
    assert sorted(flag.details) == ["a.txt", "b.txt"]


def test_versions_with_different_numbers_are_reported() -> None:
    a = summary(
        "a.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We will open 12 new consulates by next spring", "Tove Lindqvist")],
    )
    b = summary(
        "b.txt",
        "2025-05-03",
        officials=[LINDQVIST],
        quotes=[quote("We will open 20 new consulates by next spring", "Lindqvist")],
    )
    assert len(kinds(found(a, b), "quote")) == 1


def test_a_shortened_negation_is_not_a_contradiction() -> None:
    a = summary(
        "a.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We won't accept these quotas, not now and not ever", "Tove Lindqvist")],
    )
    b = summary(
        "b.txt",
        "2025-05-02",
        officials=[LINDQVIST],
        quotes=[quote("We will not accept such quotas, not now and not ever", "Lindqvist")],
    )
    assert not found(a, b)


def test_quotes_of_different_speakers_are_not_compared() -> None:
    a = summary("a.txt", "2025-01-01", quotes=[quote("We will not accept these tariffs", "Ruth Amadi")])
    b = summary("b.txt", "2025-01-01", quotes=[quote("We will not accept such tariffs", "Kofi Mensah")])
    assert not found(a, b)


def test_a_quote_with_an_ellipsis_is_an_excerpt() -> None:
    a = summary(
        "a.txt",
        "2025-01-01",
        quotes=[quote("We will not accept these tariffs, not now, not ever", "Ruth Amadi")],
    )
    b = summary(
        "b.txt", "2025-01-01", quotes=[quote("We will not accept these tariffs ... not ever", "Ruth Amadi")]
    )
    assert not found(a, b)


# ---------------------------------------------------------------------------- speakers

SAID = "The new ferry link will carry its first passengers before the winter storms arrive"


def test_the_same_words_given_to_two_people_are_reported() -> None:
    a = summary("a.txt", "2025-09-01", quotes=[quote(SAID, "Kofi Mensah")])
    b = summary("b.txt", "2025-09-02", quotes=[quote(SAID, "Ruth Amadi")])
    [flag] = kinds(found(a, b), "speaker")
    assert flag.details == {"a.txt": "Kofi Mensah", "b.txt": "Ruth Amadi"}
    assert SAID in flag.about


def test_an_excerpt_given_to_another_person_is_reported() -> None:
    a = summary("a.txt", "2025-09-01", quotes=[quote(SAID + ", and fares will stay low", "Kofi Mensah")])
    b = summary(
        "b.txt", "2025-09-01", quotes=[quote("carry its first passengers before the winter storms", "Amadi")]
    )
    assert len(kinds(found(a, b), "speaker")) == 1


def test_the_same_words_given_to_one_person_by_other_names_are_not_reported() -> None:
    a = summary(
        "a.txt",
        "2025-09-01",
        officials=[official("Kofi Mensah", "Transport Minister", "Ghana")],
        quotes=[quote(SAID, "Kofi Mensah")],
    )
    b = summary("b.txt", "2025-09-01", quotes=[quote(SAID, "Mensah")])
    c = summary("c.txt", "2025-09-02", quotes=[quote(SAID, "K. Mensah")])
    assert not found(a, b, c)


def test_the_same_words_given_to_a_spokesperson_and_to_the_ministry_are_not_reported() -> None:
    a = summary("a.txt", "2025-09-01", quotes=[quote(SAID, "Kofi Mensah")])
    b = summary("b.txt", "2025-09-01", quotes=[body_quote(SAID, "Ministry of Transport")])
    c = summary("c.txt", "2025-09-01", quotes=[body_quote(SAID, "the ministry")])
    d = summary("d.txt", "2025-09-01", quotes=[body_quote(SAID, "MOT")])
    assert not found(a, b, c, d)


def test_the_same_words_given_to_two_ministries_are_reported() -> None:
    a = summary("a.txt", "2025-09-01", quotes=[body_quote(SAID, "Ministry of Transport")])
    b = summary("b.txt", "2025-09-01", quotes=[body_quote(SAID, "Ministry of Fisheries")])
    [flag] = kinds(found(a, b), "speaker")
    assert flag.details == {"a.txt": "Ministry of Transport", "b.txt": "Ministry of Fisheries"}


def test_a_short_phrase_said_by_many_is_not_a_quote_given_to_two_speakers() -> None:
    a = summary("a.txt", "2025-09-01", quotes=[quote("a frank exchange of views", "Kofi Mensah")])
    b = summary("b.txt", "2025-09-01", quotes=[quote("a frank exchange of views", "Ruth Amadi")])
    assert not found(a, b)


def test_the_same_words_weeks_apart_are_not_compared() -> None:
    a = summary("a.txt", "2025-09-01", quotes=[quote(SAID, "Kofi Mensah")])
    b = summary("b.txt", "2025-10-20", quotes=[quote(SAID, "Ruth Amadi")])
    assert not found(a, b)


# ---------------------------------------------------------------------------- dates, figures, statuses


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


def test_different_values_for_the_same_thing_are_flagged_but_not_the_same_value_written_otherwise() -> None:
    flagged = kinds(consolidate(summit_beat() + trade_beat()).discrepancies, "figure")
    assert [sorted(d.details) for d in flagged] == [["eu_a.txt", "eu_b.txt"]]
    assert "€800 billion" in flagged[0].details["eu_a.txt"]


def test_figures_weeks_apart_are_not_compared() -> None:
    a = summary("a.txt", "2025-01-01", figures=[figure("120", "people killed in the floods")])
    b = summary("b.txt", "2025-02-01", figures=[figure("240", "people killed in the floods")])
    assert not kinds(found(a, b), "figure")


def test_figures_in_different_units_measure_different_things() -> None:
    what = "the envoy's visit to the capital came after"
    a = summary("a.txt", "2025-01-01", figures=[figure("six months", what)])
    b = summary("b.txt", "2025-01-01", figures=[figure("two-day", what)])
    assert not kinds(found(a, b), "figure")


def test_statuses_read_from_different_wordings_are_not_a_disagreement() -> None:
    a = summary(
        "a.txt",
        "2025-06-01",
        issues=[issue("ferries", "progress", "the two sides agreed to start talks on ferries")],
    )
    b = summary("b.txt", "2025-06-01", issues=[issue("ferries", "open", "talks on ferries will open soon")])
    assert not found(a, b)
