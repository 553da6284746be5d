"""Issues: taxonomy topics an article covers, with status, and the topics file format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefings.extract import Extractor
from briefings.models import CleanArticle, IssueMention


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def issues(ex: Extractor, text: str) -> dict[str, IssueMention]:
    article = CleanArticle(title="", text=text, published=dt.date(2025, 9, 2))
    return {i.topic: i for i in ex.extract(article, "i.txt").issues}


def test_default_taxonomy_has_the_schema_slugs(ex: Extractor) -> None:
    assert [slug for slug, _ in ex.topics] == [
        "rare-earths",
        "fertilisers",
        "tunnel-boring-machines",
        "flights",
        "visas",
        "pilgrimage",
        "rivers",
        "terrorism",
        "media-exchanges",
        "summits",
        "border",
        "trade",
        "relations",
    ]
    assert all(label for _, label in ex.topics)


def test_open_progress_resolved(ex: Extractor) -> None:
    text = (
        "Beijing's curbs on fertiliser exports continue to cause a shortage for Indian farmers. "
        "The two sides agreed to expedite the resumption of direct flights. "
        "Pilgrims resumed the Kailash Mansarovar Yatra in June after a five-year gap."
    )
    got = issues(ex, text)
    assert got["fertilisers"].status == "open"
    assert got["flights"].status == "progress"
    assert got["pilgrimage"].status == "resolved"


def test_background_mentions_do_not_make_an_issue(ex: Extractor) -> None:
    text = (
        "Ties have improved since the border clashes of 2020. The ministers agreed to restart direct flights."
    )
    assert "border" not in issues(ex, text)


def test_weak_triggers_need_two_sentences(ex: Extractor) -> None:
    one = issues(ex, "Troops on the disputed stretch stayed in barracks during a standoff over visas.")
    assert "border" not in one
    two = issues(
        ex, "Troops pulled back from the ridge. Patrolling resumed in the valley under the new accord."
    )
    assert "border" in two


def test_hyphen_and_plural_forms_match(ex: Extractor) -> None:
    got = issues(ex, "Shipments of rare-earth magnets and tunnel-boring machines are stuck at ports.")
    assert {"rare-earths", "tunnel-boring-machines"} <= set(got)


def test_custom_taxonomy_file(tmp_path: Path) -> None:
    path = tmp_path / "eu-china.toml"
    path.write_text(
        '[[topic]]\nslug = "ev-duties"\nlabel = "EV duties"\nstrong = ["electric vehicle", "EV"]\n'
        '[[topic]]\nslug = "brandy"\nlabel = "Brandy probe"\nstrong = ["brandy", "cognac"]\n'
        '[status]\nopen = ["probe"]\nprogress = ["talks"]\nresolved = ["dropped"]\n'
    )
    ex = Extractor.load(topics_file=path)
    assert ex.topics == [("ev-duties", "EV duties"), ("brandy", "Brandy probe")]
    text = "Brussels and Beijing held talks on EV tariffs. China dropped its brandy case."
    got = {i.topic: i.status for i in ex.extract(CleanArticle(title="", text=text), "e.txt").issues}
    assert got == {"ev-duties": "progress", "brandy": "resolved"}
