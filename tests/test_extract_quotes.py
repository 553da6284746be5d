"""Quotes and speakers: held-out sentences (written before tuning)."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.extract import Extractor
from briefings.models import CleanArticle, Quote


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def quotes(ex: Extractor, text: str) -> list[Quote]:
    article = CleanArticle(title="", text=text, published=dt.date(2025, 4, 11))
    return ex.extract(article, "q.txt").quotes


def pairs(ex: Extractor, text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in quotes(ex, text)]


def test_quote_then_name_said(ex: Extractor) -> None:
    text = (
        "Pakistan's Deputy Prime Minister Ishaq Dar spoke in Islamabad. "
        '"We want a stable neighbourhood," Dar said on Thursday.'
    )
    assert pairs(ex, text) == [("We want a stable neighbourhood", "Ishaq Dar")]


def test_name_said_comma_quote(ex: Extractor) -> None:
    text = "Chinese Vice Premier He Lifeng said, “Both sides showed sincerity in Geneva.”"
    assert pairs(ex, text) == [("Both sides showed sincerity in Geneva.", "He Lifeng")]


def test_said_that_quote(ex: Extractor) -> None:
    text = "Secretary of State Marco Rubio said that “the relationship is too important to fail”."
    assert pairs(ex, text) == [("the relationship is too important to fail", "Marco Rubio")]


def test_quote_split_by_attribution_sentence(ex: Extractor) -> None:
    text = (
        "Japanese Foreign Minister Takeshi Iwaya met his South Korean counterpart Cho Tae-yul. "
        "'History should not divide us,' Iwaya said. 'Our people want cooperation.'"
    )
    assert [s for _, s in pairs(ex, text)] == ["Takeshi Iwaya", "Takeshi Iwaya"]


def test_quote_split_by_inverted_attribution(ex: Extractor) -> None:
    text = (
        "US Treasury Secretary Scott Bessent spoke after the talks. "
        "“Tariffs hurt everyone,” said Bessent, “and they must come down.”"
    )
    got = pairs(ex, text)
    assert [s for _, s in got] == ["Scott Bessent", "Scott Bessent"]
    assert got[1][0].startswith("and they must come down")


def test_apostrophes_inside_single_quotes(ex: Extractor) -> None:
    text = (
        "Indian Foreign Secretary Vikram Anand said, 'It's clear that China's position has shifted "
        "and we'll respond.'"
    )
    got = pairs(ex, text)
    assert len(got) == 1
    assert got[0][0].startswith("It's clear that China's position")
    assert got[0][1] == "Vikram Anand"


def test_body_speaker_when_no_person_is_named(ex: Extractor) -> None:
    text = (
        "China's commerce ministry announced new licences on Friday. "
        '"The measures are not aimed at any country," the ministry said.'
    )
    assert pairs(ex, text) == [("The measures are not aimed at any country", "Chinese Ministry of Commerce")]


def test_mea_is_expanded_and_statement_of_a_foreign_ministry(ex: Extractor) -> None:
    text = (
        "The MEA said the sides would “work towards early results”. "
        "The two ministers had “frank discussions”, a Japanese Foreign Ministry statement said."
    )
    assert pairs(ex, text) == [
        ("work towards early results", "Ministry of External Affairs"),
        ("frank discussions", "Japanese Ministry of Foreign Affairs"),
    ]


def test_pronoun_resolves_to_last_speaker(ex: Extractor) -> None:
    text = (
        "British Foreign Secretary David Lammy spoke to reporters after meeting Chinese officials. "
        "He said, “Our message on trade was clear and consistent.”"
    )
    assert pairs(ex, text) == [("Our message on trade was clear and consistent.", "David Lammy")]


def test_generic_sources_give_no_speaker(ex: Extractor) -> None:
    text = "“No date has been fixed yet,” officials familiar with the plan said."
    got = quotes(ex, text)
    assert len(got) == 1 and got[0].speaker is None and got[0].speaker_kind == "unknown"


def test_pull_quote_repeated_in_body_is_kept_once(ex: Extractor) -> None:
    text = (
        "'We will keep talking to Beijing.'\n"
        "Australian Trade Minister Don Farrell said, 'We will keep talking to Beijing because it "
        "is in our interest.'"
    )
    got = pairs(ex, text)
    assert got == [("We will keep talking to Beijing because it is in our interest.", "Don Farrell")]


def test_spans_are_offsets_into_text(ex: Extractor) -> None:
    text = "President Emmanuel Macron said: “Europe must stand on its own feet.”"
    q = quotes(ex, text)[0]
    assert text[q.span.start : q.span.end] == "Europe must stand on its own feet."


def test_a_bare_title_names_its_holder_every_time(ex: Extractor) -> None:
    text = (
        "Foreign Minister Anna Vell of Ruritania met Osric Lamb, the Grand Chancellor of Borduria.\n\n"
        "“The border talks will resume in May,” said the Foreign Minister.\n\n"
        "The two sides also discussed fishing rights.\n\n"
        "“We will not reopen the treaty,” said the Foreign Minister."
    )
    assert pairs(ex, text) == [
        ("The border talks will resume in May", "Anna Vell"),
        ("We will not reopen the treaty", "Anna Vell"),
    ]
