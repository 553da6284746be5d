"""Dates and events: resolution against the article's date, and the traps around it."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.extract import Extractor
from briefings.extract.dates import Reference, find_dates, infer_reference, resolve
from briefings.models import ArticleSummary, CleanArticle

FRIDAY = dt.date(2025, 6, 13)


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def resolved(text: str, ref: dt.date | None = FRIDAY, published: bool = True) -> list[tuple[str, str | None]]:
    reference = Reference(ref, published) if ref else None
    return [(d.text, resolve(d, reference, text).value) for d in find_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The envoys met on Thursday.", "2025-06-12"),
        ("The ministry said on Friday that talks would continue.", "2025-06-13"),
        ("They last met in October last year.", "2024-10"),
        ("The leaders met in Kazan last October.", "2024-10"),
        ("Curbs were announced in early April.", "2025-04"),
        ("A delegation plans to travel this month.", "2025-06"),
        ("The ambassador called on the minister on June 5.", "2025-06-05"),
        ("The controls took effect on 4 April.", "2025-04-04"),
        ("The accord was signed on March 3, 2019.", "2019-03-03"),
        ("Troops clashed in 2020, and ties froze.", "2020"),
        ("The meeting is scheduled for Tuesday.", "2025-06-17"),
    ],
)
def test_resolution_against_published_date(text: str, expected: str) -> None:
    assert [v for _, v in resolved(text)] == [expected]


def test_surname_sun_and_modal_may_are_not_dates() -> None:
    text = "Sun told reporters that prices may rise. Sun's visit ends soon."
    assert find_dates(text) == []


def test_numbers_that_are_not_years() -> None:
    assert find_dates("They shipped 2,000 tonnes and 2030 units, up 2020% on the year.") == []


def test_reference_inferred_from_latest_full_date() -> None:
    text = "The pact was signed on March 3, 2024. Officials met again on May 9 in Doha."
    mentions = find_dates(text)
    assert infer_reference(mentions) == dt.date(2024, 5, 9)


def test_weekday_needs_a_published_date() -> None:
    text = "Talks began on March 3, 2024 and resumed on Tuesday."
    values = dict(resolved(text, ref=dt.date(2024, 3, 3), published=False))
    assert values["March 3, 2024"] == "2024-03-03"
    assert values["on Tuesday"] is None


def test_undated_article_uses_year_stated_elsewhere(ex: Extractor) -> None:
    text = (
        "Seoul's tariffs of January 15, 2025 still stand. The trade ministers met on June 5 and "
        "agreed to talk again in September."
    )
    s: ArticleSummary = ex.extract(CleanArticle(title="", text=text), "d.txt")
    assert s.published is None
    assert s.reference_date == "2025-06-05"
    assert [e.date for e in s.events] == ["2025-01-15", "2025-06-05", "2025-09"]


def test_published_is_never_inferred(ex: Extractor) -> None:
    s = ex.extract(CleanArticle(title="", text="Envoys met on July 1, 2025 in Paris."), "d.txt")
    assert s.published is None
    assert s.reference_date == "2025-07-01"


def test_events_carry_sentence_spans(ex: Extractor) -> None:
    text = "Warm words were exchanged. The foreign ministers met on Thursday in Manila."
    s = ex.extract(CleanArticle(title="", text=text, published=FRIDAY), "d.txt")
    assert len(s.events) == 1
    event = s.events[0]
    assert event.date == "2025-06-12"
    assert text[event.span.start : event.span.end].startswith("The foreign ministers met on Thursday")


def test_reference_of_an_undated_story_puts_bare_dates_after_the_latest_dated_month() -> None:
    from briefings.extract.dates import find_dates, infer_reference

    text = "Talks collapsed in December 2024. On April 4, the two ministers met again in Lima."
    assert str(infer_reference(find_dates(text))) == "2025-04-04"
    same_year = "The decree of February 2025 took effect. On June 5, officials met in Quito."
    assert str(infer_reference(find_dates(same_year))) == "2025-06-05"
    stated = "The accord of 3 March 2023 was renewed on 9 May 2024."
    assert str(infer_reference(find_dates(stated))) == "2024-05-09"


def test_tomorrow_and_last_week() -> None:
    assert resolved("She meets the minister tomorrow.") == [("tomorrow", "2025-06-14")]
    assert resolved("The council met last week.") == [("last week", "2025-06")]
    assert resolved("They meet next week.", dt.date(2025, 6, 28)) == [("next week", "2025-07")]


def test_a_readout_without_a_day_reports_a_meeting_on_its_date(ex: Extractor) -> None:
    def events(title: str, text: str) -> list[str]:
        article = CleanArticle(title=title, text=text, published=FRIDAY)
        return [e.date for e in ex.extract(article, "r.txt").events]

    title = "Readout of Secretary Alan Vance’s Meeting with Minister of Finance Tomas Reld of Chile"
    assert events(
        title, "Secretary Alan Vance met with Minister Tomas Reld on the sidelines of the summit."
    ) == ["2025-06-13"]
    # dated in its opening sentence: that date, not the readout's
    assert events(title, "On June 11, Secretary Alan Vance met with Minister Tomas Reld.") == ["2025-06-11"]
    # news copy: no meeting read into its date
    news = "Vance meets Reld"
    assert (
        events(news, "Secretary Alan Vance met with Minister Tomas Reld on the sidelines of the summit.")
        == []
    )


def _event_dates(ex: Extractor, text: str, published: dt.date) -> list[str]:
    article = CleanArticle(title="Statement on the harbour", text=text, published=published)
    return [e.date for e in ex.extract(article, "t.txt").events]


def test_tonight_is_the_published_day(ex: Extractor) -> None:
    assert _event_dates(ex, "Tonight, the Ruritanian fleet left the harbour.", FRIDAY) == ["2025-06-13"]


def test_a_weekday_takes_the_tense_of_its_own_clause(ex: Extractor) -> None:
    monday = dt.date(2022, 8, 1)
    text = (
        "Following Minister Tam Orr’s call with Envoy Ida Lusk on Friday in which he previewed upcoming"
        " plans, the officials said the government will authorize a new package."
    )
    assert _event_dates(ex, text, monday) == ["2022-07-29"]


def test_a_plan_on_a_bare_month_looks_ahead(ex: Extractor) -> None:
    text = "PRESIDENT ORR: I plan on going to Ruritania in February after the vote."
    assert _event_dates(ex, text, dt.date(2024, 5, 22)) == ["2025-02"]


def test_a_reporters_question_in_a_transcript_reports_no_happening(ex: Extractor) -> None:
    text = (
        "Q    Mr. President, will you get to Ruritania before January?\n\n"
        "PRESIDENT ORR:  We will see.  The envoys met on Thursday."
    )
    assert _event_dates(ex, text, FRIDAY) == ["2025-06-12"]
