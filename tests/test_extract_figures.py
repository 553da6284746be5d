"""Figures: numbers that carry the story, and numbers that do not."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.extract import Extractor
from briefings.models import CleanArticle


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def values(ex: Extractor, text: str) -> list[str]:
    article = CleanArticle(title="", text=text, published=dt.date(2025, 4, 30))
    return [f.value for f in ex.extract(article, "f.txt").figures]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Washington raised duties on Chinese goods to 145% in April.", ["145%"]),
        ("Two-way trade reached $582 billion last year.", ["$582 billion"]),
        ("Exports fell 12 per cent from a year earlier.", ["12 per cent"]),
        ("It was the 17th round of corps commander talks.", ["17th round"]),
        ("Brazil is the world's second-largest soybean exporter.", ["second-largest"]),
        ("The minister began a three-day visit to Jakarta.", ["three-day"]),
        ("The freeze lasted six months before talks resumed.", ["six months"]),
        ("About 300 students were evacuated by the embassy.", ["About 300 students"]),
        ("Reserves are estimated at 1.2 million tonnes.", ["1.2 million tonnes"]),
    ],
)
def test_figures(ex: Extractor, text: str, expected: list[str]) -> None:
    assert values(ex, text) == expected


def test_what_the_figure_measures(ex: Extractor) -> None:
    article = CleanArticle(title="", text="Shipments to Japan were 40% lower than in March.")
    figure = ex.extract(article, "f.txt").figures[0]
    assert figure.value == "40%"
    assert "Shipments to Japan" in figure.what and "lower" in figure.what


@pytest.mark.parametrize(
    "text",
    [
        "The two sides met on 12 March 2025 in Seoul.",
        "Thousands of pilgrims travelled in 2019.",
        "The two countries and three agencies signed the plan.",
        "He said the G20 meeting would follow.",
    ],
)
def test_not_figures(ex: Extractor, text: str) -> None:
    assert values(ex, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The tariff was cut by 24 percentage points for a year.", ["24 percentage points"]),
        ("Imports reached 155 billion cubic meters of gas last year.", ["155 billion cubic meters"]),
        ("The pipeline will carry 40 to 45 bcm a year, up from 12 bcm.", ["40 to 45 bcm", "12 bcm"]),
        ("The plant adds 500 MW of solar capacity.", ["500 MW"]),
        ("Funds flow over a three-to-five-year period.", ["three-to-five-year"]),
        ("The council met for the 11th time since its launch.", []),
        ("Section 232 tariffs on steel stay, and Article 5 applies.", []),
    ],
)
def test_units_ranges_and_labels(ex: Extractor, text: str, expected: list[str]) -> None:
    assert values(ex, text) == expected
