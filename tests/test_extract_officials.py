"""Officials: held-out sentences (written before tuning), with traps for bylines and credits."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.extract import Extractor
from briefings.models import ArticleSummary, CleanArticle, Official


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def run(ex: Extractor, text: str, published: dt.date | None = dt.date(2025, 5, 16)) -> ArticleSummary:
    return ex.extract(CleanArticle(title="", text=text, published=published), "t.txt")


def by_name(summary: ArticleSummary) -> dict[str, Official]:
    return {o.name: o for o in summary.officials}


def test_title_before_name_with_nationality(ex: Extractor) -> None:
    s = run(
        ex, "US Treasury Secretary Scott Bessent met Chinese Vice Premier He Lifeng in Geneva on Saturday."
    )
    people = by_name(s)
    assert people["Scott Bessent"].title == "Treasury Secretary"
    assert people["Scott Bessent"].country == "United States"
    assert people["He Lifeng"].title == "Vice Premier"
    assert people["He Lifeng"].country == "China"


def test_appositive_after_name(ex: Extractor) -> None:
    s = run(
        ex, "Talks went on late. Kaja Kallas, the EU's foreign policy chief, said the bloc wanted clarity."
    )
    kallas = by_name(s)["Kaja Kallas"]
    assert kallas.title is not None and "foreign policy chief" in kallas.title.lower()
    assert kallas.country == "European Union"


def test_possessive_and_hyphenated_names(ex: Extractor) -> None:
    s = run(
        ex, "Japan's Prime Minister Shigeru Ishiba and South Korean President Lee Jae-myung met in Tokyo."
    )
    people = by_name(s)
    assert people["Shigeru Ishiba"].country == "Japan"
    assert people["Lee Jae-myung"].country == "South Korea"
    assert people["Lee Jae-myung"].title == "President"


def test_lowercase_title_with_comma(ex: Extractor) -> None:
    s = run(
        ex, "The delegation was received by the foreign secretary, Amna Baloch, at the ministry in Islamabad."
    )
    baloch = by_name(s)["Amna Baloch"]
    assert baloch.title is not None and baloch.title.lower() == "foreign secretary"


def test_former_official_keeps_title(ex: Extractor) -> None:
    s = run(ex, "Former ambassador Gautam Bambawale said the visit was overdue and welcome.")
    person = by_name(s)["Gautam Bambawale"]
    assert person.former is True
    assert person.title is not None and person.title.lower() == "ambassador"


def test_body_prefixed_spokesperson_takes_body_country(ex: Extractor) -> None:
    s = run(
        ex,
        "State Department spokesperson Tammy Bruce declined to comment. "
        "Separately, MEA spokesperson Randhir Jaiswal briefed reporters in New Delhi.",
    )
    people = by_name(s)
    assert people["Tammy Bruce"].country == "United States"
    assert people["Randhir Jaiswal"].country == "India"


def test_aliases_merge_within_article(ex: Extractor) -> None:
    text = (
        "Chinese Premier Li Qiang hosted German Chancellor Friedrich Merz in Beijing. "
        "Premier Li said trade should stay open, and Merz replied that Europe wanted balance."
    )
    people = by_name(run(ex, text))
    assert set(people) == {"Li Qiang", "Friedrich Merz"}
    assert "Li" in people["Li Qiang"].aliases
    assert "Merz" in people["Friedrich Merz"].aliases
    assert people["Friedrich Merz"].country == "Germany"


def test_initial_form_merges_into_full_name(ex: Extractor) -> None:
    text = (
        "Singapore's Foreign Minister Vivian Balakrishnan arrived on Monday. "
        "Later, Foreign Minister V. Balakrishnan met business leaders."
    )
    people = by_name(run(ex, text))
    assert list(people) == ["Vivian Balakrishnan"]
    assert "V. Balakrishnan" in people["Vivian Balakrishnan"].aliases


def test_country_from_the_other_side_of_a_meeting(ex: Extractor) -> None:
    text = (
        "Pakistan and India held talks in Kartarpur. "
        "Foreign Secretary Amna Baloch met the visiting Indian Joint Secretary Anand Prakash on Tuesday."
    )
    people = by_name(run(ex, text))
    assert people["Anand Prakash"].country == "India"
    assert people["Amna Baloch"].country == "Pakistan"


def test_bylines_and_photo_credits_are_never_officials(ex: Extractor) -> None:
    text = (
        "Prime Minister Mark Carney met President Donald Trump at the White House.\n"
        "MARK SCHIEFELBEIN/Pool via REUTERS/File Photo\n"
        "Photo: Evan Vucci/AP\n"
        "The two leaders discussed tariffs.\n"
        "Reporting by David Ljunggren; Editing by Chizu Nomiyama\n"
        "Written By Priya Raman\n"
    )
    names = {o.name for o in run(ex, text).officials}
    assert names == {"Mark Carney", "Donald Trump"}


def test_analysts_and_executives_are_not_officials(ex: Extractor) -> None:
    text = (
        "Tanvi Madan, a senior fellow at the Brookings Institution, said the summit mattered. "
        "Nvidia chief executive Jensen Huang met Commerce Secretary Howard Lutnick in Washington."
    )
    names = {o.name for o in run(ex, text).officials}
    assert names == {"Howard Lutnick"}


def test_sun_the_surname_is_not_sunday(ex: Extractor) -> None:
    text = (
        "Chinese Ambassador Sun Haiyan met Nepal's Foreign Minister Arzu Rana Deuba on Sunday. "
        "Sun said Beijing valued the partnership."
    )
    s = run(ex, text, published=dt.date(2025, 3, 18))
    people = by_name(s)
    assert "Sun" in people["Sun Haiyan"].aliases
    assert people["Arzu Rana Deuba"].country == "Nepal"
    assert [e.date for e in s.events] == ["2025-03-16"]


def test_spans_point_at_the_names(ex: Extractor) -> None:
    text = "Indian Ambassador to Washington Vinay Mohan Kwatra met US lawmakers on Capitol Hill."
    s = run(ex, text)
    official = s.officials[0]
    assert official.name == "Vinay Mohan Kwatra"
    assert official.title == "Ambassador to Washington"
    assert [text[sp.start : sp.end] for sp in official.spans] == ["Vinay Mohan Kwatra"]


def test_dotted_initials_after_a_given_name_stay_in_the_name(ex: Extractor) -> None:
    people = by_name(
        run(
            ex,
            "Treasury Secretary Scott K.H. Bessent met Finance Minister Ana Ruiz of Chile. "
            "They met in the U.S. Capitol.",
        )
    )
    assert "Scott K.H. Bessent" in people, list(people)
    assert not any(name.endswith("K.H.") for name in people)


def test_officials_of_international_organisations_serve_the_organisation(ex: Extractor) -> None:
    people = by_name(
        run(
            ex,
            "Foreign Minister Ana Ruiz of Chile met African Union Commission Chairperson Amina Diallo, "
            "NATO Secretary General Lars Holm and Special Envoy for the Implementation of EU Sanctions "
            "Sean O’Sullivan in Brussels.",
        )
    )
    assert people["Amina Diallo"].country == "African Union"
    assert people["Amina Diallo"].title == "African Union Commission Chairperson"
    assert people["Lars Holm"].country == "NATO"
    assert people["Sean O’Sullivan"].country == "European Union"
    assert people["Sean O’Sullivan"].title == "Special Envoy for the Implementation of EU Sanctions"


def test_a_generational_suffix_after_a_comma_stays_in_the_name() -> None:
    from briefings.extract.lexicon import load_lexicon
    from briefings.extract.names import read_name_forward, same_person

    rules = load_lexicon().names
    text = "with Philippines President Ferdinand R. Marcos, Jr. and the summit"
    span = read_name_forward(text, text.index("Ferdinand"), rules)
    assert span is not None and span.text == "Ferdinand R. Marcos Jr."
    assert same_person("Austin", "Lloyd J. Austin III")
    text = "Indonesian Finance Minister Sri Mulyani Indrawati met"
    span = read_name_forward(text, text.index("Sri"), rules)
    assert span is not None and span.text == "Sri Mulyani Indrawati"
    assert read_name_forward("Sri Lanka's minister", 0, rules) is None


# --------------------------------------------------------------------------- name boundaries (round seven)


def test_particle_joined_by_hyphen_stays_in_the_name(ex: Extractor) -> None:
    s = run(ex, "The talks were hosted by President of the Republic of Chile Abdel Karim el-Masri on Monday.")
    assert by_name(s)["Abdel Karim el-Masri"].country == "Chile"


def test_particles_do_not_count_towards_the_name_length(ex: Extractor) -> None:
    s = run(
        ex, "The Amir of the State of Kuwait HH Sheikh Nasser bin Khalid Al Fahad welcomed the delegation."
    )
    person = by_name(s)["Sheikh Nasser bin Khalid Al Fahad"]
    assert person.title == "Amir of the State of Kuwait"
    assert person.country == "Kuwait"


def test_chinese_surname_that_is_a_common_word_before_an_appositive(ex: Extractor) -> None:
    s = run(ex, "The Peruvian side was represented by He Lifang, Vice Premier of the State Council of Peru.")
    assert "He Lifang" in by_name(s)
    assert "Lifang" not in by_name(s)


def test_a_name_never_opens_with_or_is_a_title_word(ex: Extractor) -> None:
    s = run(
        ex,
        "The Peruvian delegation included Chief of Staff to the National Security and Intelligence Advisor "
        "Tomas Verin, the Solicitor General, the Migration General Director and the Ambassador of Peru.",
    )
    people = by_name(s)
    assert set(people) == {"Tomas Verin"}
    assert people["Tomas Verin"].title == "Chief of Staff to the National Security and Intelligence Advisor"


def test_a_title_word_before_a_single_name_word_may_be_a_given_name(ex: Extractor) -> None:
    assert "Amir Khan" in by_name(run(ex, "President Amir Khan of Peru met the press on Friday."))


def test_portfolio_words_are_not_names(ex: Extractor) -> None:
    s = run(
        ex, "Assistant Secretary for Terrorist Financing and Financial Crimes Dana Kerwin arrived in Lima."
    )
    assert set(by_name(s)) == {"Dana Kerwin"}


def test_a_plural_title_is_shared_across_its_list(ex: Extractor) -> None:
    people = by_name(
        run(ex, "Foreign Ministers Ana Ruiz of Chile and Tomas Verin of Peru signed the accord.")
    )
    assert (people["Ana Ruiz"].title, people["Ana Ruiz"].country) == ("Foreign Minister", "Chile")
    assert (people["Tomas Verin"].title, people["Tomas Verin"].country) == ("Foreign Minister", "Peru")


def test_a_nationality_before_a_plural_title_gives_the_list_its_state(ex: Extractor) -> None:
    people = by_name(
        run(ex, "The talks were attended by senior Chilean officials Ana Ruiz, Pedro Soto and Marta Vidal.")
    )
    assert {p.country for p in people.values()} == {"Chile"}
    assert set(people) == {"Ana Ruiz", "Pedro Soto", "Marta Vidal"}
