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


def _gov_extractor(tmp_path: Path) -> Extractor:
    path = tmp_path / "gov.toml"
    path.write_text(
        '[[topic]]\nslug = "multilateral"\nlabel = "UN"\nstrong = ["Security Council", "United Nations"]\n'
        '[[topic]]\nslug = "trade"\nlabel = "Trade"\nstrong = ["tariff*"]\nweak = ["import*"]\n'
        '[[topic]]\nslug = "mideast"\nlabel = "Middle East"\nstrong = ["Jerusalem"]\n'
        '[[topic]]\nslug = "health"\nlabel = "Health"\nstrong = ["global health"]\n'
        '[[topic]]\nslug = "energy"\nlabel = "Energy"\nstrong = ["clean energy"]\n'
        '[[topic]]\nslug = "space"\nlabel = "Space"\nstrong = ["space cooperation"]\n'
        '[[topic]]\nslug = "cyber"\nlabel = "Cyber"\nstrong = ["cybersecurity"]\n'
    )
    return Extractor.load(topics_file=path, use_model=False)


def _topics(ex: Extractor, text: str) -> set[str]:
    return {i.topic for i in ex.extract(CleanArticle(title="", text=text), "g.txt").issues}


def test_cue_inside_a_body_name_is_not_a_topic(tmp_path: Path) -> None:
    ex = _gov_extractor(tmp_path)
    assert "multilateral" not in _topics(ex, "The National Security Council staff met the delegation today.")
    assert "multilateral" in _topics(ex, "They welcomed the United Nations Security Council resolution.")


def test_wildcard_does_not_reach_another_word(tmp_path: Path) -> None:
    ex = _gov_extractor(tmp_path)
    text = "They stressed the importance of talks. It is important to meet again."
    assert "trade" not in _topics(ex, text)
    assert "trade" in _topics(ex, "Imports rose. Officials discussed imported steel.")


def test_dateline_is_not_a_topic(tmp_path: Path) -> None:
    ex = _gov_extractor(tmp_path)
    assert "mideast" not in _topics(ex, "JERUSALEM – The two finance ministries launched a task force.")


def test_a_list_of_topics_counts_as_weak_mentions(tmp_path: Path) -> None:
    ex = _gov_extractor(tmp_path)
    listing = (
        "They look forward to cooperation on global health; clean energy; space cooperation; "
        "cybersecurity; and the United Nations."
    )
    assert _topics(ex, listing) == set()
    assert "health" in _topics(ex, listing + " They pledged new funds for global health.")


def _weak_extractor(tmp_path: Path, *, use_model: bool = True) -> Extractor:
    path = tmp_path / "weak.toml"
    path.write_text(
        '[[topic]]\nslug = "economy"\nlabel = "Economy"\nstrong = ["fiscal"]\n'
        'weak = ["economy", "economic", "financial", "investment*"]\n'
        '[[topic]]\nslug = "relations"\nlabel = "Ties"\nstrong = ["strategic partnership"]\n'
        'weak = ["partners", "cooperation"]\n'
        '[[topic]]\nslug = "migration"\nlabel = "Migration"\nstrong = ["border security"]\n'
        '[[topic]]\nslug = "war"\nlabel = "War"\nstrong = ["invasion"]\nweak = ["Ruritanian"]\n'
    )
    return Extractor.load(topics_file=path, use_model=use_model)


def test_general_word_inside_a_proper_name_is_not_a_topic(tmp_path: Path) -> None:
    ex = _weak_extractor(tmp_path, use_model=False)
    text = (
        "The Pacific Economic Cooperation Forum met in Lima. Delegates of the Regional Financial "
        "Oversight Board attended."
    )
    assert "economy" not in _topics(ex, text)
    assert "relations" not in _topics(ex, text)
    assert "economy" in _topics(ex, "The economy grew. Ministers discussed the economy of the region.")


def test_general_word_as_a_modifier_or_qualified_by_another_topic_is_not_its_topic(tmp_path: Path) -> None:
    ex = _weak_extractor(tmp_path)
    modifiers = "They saw economic opportunities in the region. They praised its economic leadership."
    assert "economy" not in _topics(ex, modifiers)
    qualified = (
        "They agreed to deepen cooperation on border security. Officials praised the cooperation on "
        "border security at the crossing."
    )
    assert "relations" not in _topics(ex, qualified)
    heads = "The economy is growing. Ministers expect the economy to slow next year."
    assert "economy" in _topics(ex, heads)


def test_a_demonym_names_its_topic_even_as_a_modifier(tmp_path: Path) -> None:
    ex = _weak_extractor(tmp_path)
    text = "The Ruritanian delegation arrived on Monday. Ruritanian representatives met the envoys."
    assert "war" in _topics(ex, text)
