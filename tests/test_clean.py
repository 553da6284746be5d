"""Boilerplate removal keeps the story and what the boilerplate reveals (date, outlet)."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.ingest.clean import clean_text, outlet_from_domain
from briefings.ingest.dates import parse_date
from tests import samples


def test_date_prefix_and_domain_signoff() -> None:
    article = clean_text(samples.WIRE)
    assert article.published == dt.date(2025, 3, 4)
    assert article.outlet == "Example-wire"
    assert article.text.startswith("Trade negotiators from Washington")
    assert "date 2025" not in article.text
    assert "More stories" not in article.text


def test_also_read_headline_is_cut_and_the_sentence_resumes() -> None:
    text = clean_text(samples.WIRE).text
    assert "ALSO READ" not in text
    assert "Coffee prices" not in text
    assert "In a joint note, the delegations agreed" in text


def test_published_signoff_gives_the_date() -> None:
    article = clean_text(samples.SIGNOFF)
    assert article.published == dt.date(2025, 3, 21)
    assert "Published on" not in article.text
    assert article.text.rstrip().endswith("every six months.")


def test_breadcrumb_repeated_headline_caption_byline_and_trailer() -> None:
    article = clean_text(samples.CAPTIONED)
    assert article.title == "Pakistan and India Reopen a Border Crossing for Pilgrims"
    assert "Home World" not in article.text
    assert article.title not in article.text
    assert "JOHN ROE" not in article.text and "Pilgrims queue" not in article.text
    assert "Written By" not in article.text and "Jane Placeholder" not in article.text
    assert "Exit mobile version" not in article.text
    assert article.text.startswith("Pakistan and India reopened a border crossing")


def test_feature_presentation_credit_names_the_outlet() -> None:
    article = clean_text(samples.FEATURE)
    assert article.outlet == "Northern Daily"
    assert "Feature Presentation" not in article.text
    assert "Sam Example" not in article.text


def test_pull_quote_first_line_is_kept_as_text() -> None:
    article = clean_text(samples.FEATURE)
    assert article.text.startswith("'We want predictable rules,'")


def test_known_domains_have_display_names() -> None:
    assert outlet_from_domain("www.bloomberg.com") == "Bloomberg"
    assert outlet_from_domain("asia.nikkei.com") == "Nikkei Asia"
    assert outlet_from_domain("unknown-paper.co.uk") == "Unknown-paper"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("June 13, 2025", dt.date(2025, 6, 13)),
        ("13 June 2025", dt.date(2025, 6, 13)),
        ("Jun. 3, 2025", dt.date(2025, 6, 3)),
        ("2025-06-13T08:30:00Z", dt.date(2025, 6, 13)),
        ("Fri, 13 Jun 2025 10:00:00 GMT", dt.date(2025, 6, 13)),
        ("June 13, 2025 09:14 IST", dt.date(2025, 6, 13)),
        ("Friday", None),
        ("2025-13-45", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_body_text_without_boilerplate_is_unchanged() -> None:
    body = "Officials met on Monday.\n\nThey agreed to meet again in a month, a statement said."
    article = clean_text(body)
    assert article.text == body
    assert article.published is None and article.outlet is None


@pytest.mark.parametrize(
    ("opening", "published", "outlet"),
    [
        ("JOHANNESBURG, Feb 21, 2025 – Foreign ministers", dt.date(2025, 2, 21), None),
        ("NEW DELHI, June 13 (Reuters) - Foreign ministers", None, "Reuters"),
        ("BEIJING — Foreign ministers", None, None),
        ("SAO PAULO, 4 March 2025 (Example Wire) – Foreign ministers", dt.date(2025, 3, 4), "Example Wire"),
    ],
)
def test_wire_datelines_are_cut_and_read(opening: str, published: dt.date | None, outlet: str | None) -> None:
    article = clean_text(opening + " met on Friday and agreed to meet again in a month, officials said.")
    assert article.text.startswith("Foreign ministers met on Friday")
    assert article.published == published
    assert article.outlet == outlet


def test_a_sentence_starting_with_capitals_is_not_a_dateline() -> None:
    text = "NATO allies agreed on Friday to raise spending, officials said."
    assert clean_text(text).text == text
