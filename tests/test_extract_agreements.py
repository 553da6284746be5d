"""Agreements: one line per thing agreed, split sensibly, with topic and prior flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefings.extract import Extractor
from briefings.models import Agreement, CleanArticle

US_CHINA = """
default = "relations"
[[topic]]
slug = "tariffs"
label = "Tariffs"
strong = ["tariff", "duties"]
[[topic]]
slug = "export-controls"
label = "Export controls"
strong = ["export control", "entity list", "chip curbs"]
[[topic]]
slug = "fentanyl"
label = "Fentanyl"
strong = ["fentanyl", "precursor chemicals"]
[[topic]]
slug = "relations"
label = "Overall ties"
strong = ["ties", "relations"]
"""


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


@pytest.fixture(scope="module")
def us_china(tmp_path_factory: pytest.TempPathFactory) -> Extractor:
    path: Path = tmp_path_factory.mktemp("beat") / "us-china.toml"
    path.write_text(US_CHINA)
    return Extractor.load(topics_file=path)


def agreements(ex: Extractor, text: str) -> list[Agreement]:
    article = CleanArticle(title="", text=text, published=dt.date(2025, 5, 12))
    return ex.extract(article, "a.txt").agreements


def test_verb_conjuncts_on_different_topics_are_split(us_china: Extractor) -> None:
    text = (
        "Washington and Beijing agreed to cut tariffs on each other's goods for 90 days and "
        "resume talks on export controls, officials said."
    )
    got = [(a.text, a.topic) for a in agreements(us_china, text)]
    assert got == [
        ("cut tariffs on each other's goods for 90 days", "tariffs"),
        ("resume talks on export controls", "export-controls"),
    ]


def test_object_list_is_split_with_its_head(ex: Extractor) -> None:
    text = "The ministers agreed to restore direct flights, visas for journalists and border trade."
    got = [(a.text, a.topic) for a in agreements(ex, text)]
    assert got == [
        ("restore direct flights", "flights"),
        ("restore visas for journalists", "visas"),
        ("restore border trade", "border"),
    ]


def test_list_after_a_scope_noun_stays_one_line(us_china: Extractor) -> None:
    text = "Both sides pledged to hold talks on tariffs and fentanyl precursor chemicals."
    got = agreements(us_china, text)
    assert len(got) == 1
    assert got[0].text == "hold talks on tariffs and fentanyl precursor chemicals"


def test_assured_that_clause(us_china: Extractor) -> None:
    text = (
        "Vice Premier He Lifeng assured Treasury Secretary Scott Bessent that Beijing would curb "
        "shipments of precursor chemicals."
    )
    got = agreements(us_china, text)
    assert [(a.text, a.topic) for a in got] == [
        ("Beijing would curb shipments of precursor chemicals", "fentanyl")
    ]


def test_prior_agreement_is_flagged(ex: Extractor) -> None:
    text = (
        "In 2023 the two sides had agreed to resume the Kailash pilgrimage. "
        "On Monday they agreed to expand direct flights."
    )
    got = agreements(ex, text)
    assert [(a.topic, a.prior) for a in got] == [("pilgrimage", True), ("flights", False)]
    assert got[0].when == "2023"


def test_reported_past_perfect_is_not_prior(ex: Extractor) -> None:
    text = "India and Pakistan said on Monday they had agreed to observe the ceasefire along the border."
    got = agreements(ex, text)
    assert len(got) == 1 and got[0].prior is False
    assert got[0].parties == ["India", "Pakistan"]


def test_negated_and_empty_agreements_are_skipped(ex: Extractor) -> None:
    text = "The European Union and China did not agree on electric vehicle duties. Everyone agreed."
    assert agreements(ex, text) == []


def test_repeated_outcome_is_kept_once(ex: Extractor) -> None:
    text = (
        "The sides agreed to speed up the resumption of direct flights. "
        "A statement said they concurred on expediting steps to restart direct air services."
    )
    assert len(agreements(ex, text)) == 1


def test_relative_clause_object(ex: Extractor) -> None:
    text = "Officials praised the maritime hotline that the two navies agreed upon last year."
    got = agreements(ex, text)
    assert [a.text for a in got] == ["maritime hotline"]
    assert got[0].prior is True


def test_consensus_needs_content(ex: Extractor) -> None:
    text = (
        "Beijing urged New Delhi to implement the consensus reached by the leaders. "
        "The diplomats reached consensus on resuming hydrological data sharing."
    )
    assert [a.topic for a in agreements(ex, text)] == ["rivers"]


def test_a_date_after_the_verb_is_not_the_object() -> None:
    from briefings.extract import Extractor
    from briefings.models import CleanArticle

    text = (
        "Canada and Mexico agreed on Tuesday to reopen three border crossings for cattle trucks, "
        "the two agriculture ministries said. Norway and Sweden agreed on 4 March to share fishing data."
    )
    summary = Extractor.load(use_model=False).extract(CleanArticle(title="t", text=text), "a.txt")
    texts = [a.text for a in summary.agreements]
    assert any(t.startswith("reopen three border crossings") for t in texts), texts
    assert any(t.startswith("share fishing data") for t in texts), texts


def test_a_quoted_pledge_is_an_agreement() -> None:
    from briefings.extract import Extractor
    from briefings.models import CleanArticle

    text = (
        "The Brazilian and Argentine foreign ministries said both countries had pledged to “settle "
        "disputes over river tolls through joint consultation,” without naming a date."
    )
    summary = Extractor.load(use_model=False).extract(CleanArticle(title="t", text=text), "a.txt")
    assert [a.text for a in summary.agreements] == [
        "settle disputes over river tolls through joint consultation"
    ]


def official(ex: Extractor, text: str) -> list[str]:
    article = CleanArticle(
        title="Joint Statement of Ruritania and Freedonia", text=text, published=dt.date(2025, 5, 12)
    )
    return [a.text for a in ex.extract(article, "a.txt").agreements]


def test_official_text_keeps_an_object_list_whole(ex: Extractor) -> None:
    lines = official(
        ex,
        "Ruritania and Freedonia committed to enhance drug surveillance capabilities, expand trade "
        "and investment and share best practices on border security.",
    )
    assert lines == [
        "enhance drug surveillance capabilities, expand trade and investment and share best practices "
        "on border security"
    ]


def test_official_text_splits_a_second_verb_phrase_with_its_own_to_or_will(ex: Extractor) -> None:
    lines = official(
        ex,
        "The two leaders reiterated their resolve to maintain peace in the region and to continue to "
        "impose costs on the aggressor. Chile and Peru will deepen cooperation on border "
        "security and will continue to address the root causes of migration.",
    )
    assert any(line.endswith("peace in the region") for line in lines), lines
    assert "continue to impose costs on the aggressor" in lines
    assert "deepen cooperation on border security" in lines
    assert "continue to address the root causes of migration" in lines


def test_a_participle_or_a_noun_is_not_an_affirming_verb(ex: Extractor) -> None:
    lines = official(
        ex,
        "The ministers noted the framework established by the leaders in 2021. They welcomed the "
        "launch of the joint exercise. The tariff schedule announced on Monday is in effect.",
    )
    assert not any(line.startswith(("by ", "of ", "on ")) for line in lines), lines


def test_a_new_clause_of_the_same_subject_ends_the_object(ex: Extractor) -> None:
    lines = official(
        ex,
        "The President welcomed the Prime Minister’s “green growth model,” as an important effort, "
        "and they discussed climate finance. The leaders reaffirmed their shared vision of an open "
        "region and discussed regional security.",
    )
    assert "the Prime Minister’s “green growth model”" in lines or any(
        line.startswith("the Prime Minister’s") and "discussed" not in line for line in lines
    ), lines
    assert not any("discussed" in line for line in lines), lines


def test_a_commitment_emphasized_or_discussed_is_an_agreement_but_not_an_importance(ex: Extractor) -> None:
    lines = official(
        ex,
        "The Secretary emphasized the Administration's firm commitment to expanding trade with Chile. "
        "The two sides discussed their commitment to strengthening bilateral cooperation. "
        "The Minister emphasized the importance of fiscal discipline.",
    )
    assert any("expanding trade with Chile" in line for line in lines), lines
    assert any("strengthening bilateral cooperation" in line for line in lines), lines
    assert not any("fiscal discipline" in line for line in lines), lines


def test_an_inline_enumerated_list_is_not_cut_and_each_side_keeps_its_commitment(ex: Extractor) -> None:
    lines = official(
        ex,
        "1. Chile will continue to suspend 10 percentage points of the tariff on articles of Peru. "
        "2. Peru will continue to (1) suspend 10 percentage points of the tariff on articles of Chile.",
    )
    assert any(line.endswith("articles of Peru") for line in lines), lines
    assert any("points of the tariff on articles of Chile" in line for line in lines), lines
    assert not any("(1)" in line for line in lines), lines


# --------------------------------------------------------------------------- structure (round seven)


def _official(ex: Extractor, title: str, text: str) -> list[Agreement]:
    article = CleanArticle(title=title, text=text, published=dt.date(2025, 5, 12))
    return ex.extract(article, "o.txt").agreements


def test_a_participle_set_off_by_commas_launches_the_noun_before_it(ex: Extractor) -> None:
    found = _official(
        ex,
        "Readout of the Finance Ministers' Meeting",
        "The new exchanges will run under the auspices of a joint Kelvara Task Force, also launched today, "
        "on Payments Innovation.",
    )
    assert [a.text for a in found] == ["a joint Kelvara Task Force"]


def test_a_passive_launch_gives_its_subject(ex: Extractor) -> None:
    found = _official(
        ex, "Readout of the Finance Ministers' Meeting", "A working group on tidal energy was launched today."
    )
    assert [a.text for a in found] == ["A working group on tidal energy"]


def test_joint_subject_of_states_makes_a_news_launch_an_agreement(ex: Extractor) -> None:
    found = agreements(
        ex, "Chile and Peru launched a joint fund for glacier research on Monday, officials said."
    )
    assert len(found) == 1
    assert set(found[0].parties) == {"Chile", "Peru"}
    one_state = "The Chilean ministry of mines and the customs service launched new checks on copper exports."
    assert agreements(ex, one_state) == []


def test_commitments_with_different_verbs_are_separate_lines(ex: Extractor) -> None:
    found = _official(
        ex,
        "Joint Statement from Chile and Peru on Migration",
        "Chile and Peru will take steps to reduce irregular migration across the desert border. "
        "Chile and Peru will also deepen cooperation on border security and will continue to address the "
        "root causes of irregular migration.",
    )
    assert any(a.text.startswith("continue to address the root causes") for a in found)


def test_a_reporters_question_and_the_one_addressed_agree_nothing(ex: Extractor) -> None:
    text = (
        "MODERATOR: By joining this call, you are agreeing to these ground rules.\n\n"
        "MINISTER VALK: We agreed to reopen the harbour to fishing fleets next month.\n\n"
        "Q Thanks. You said the two sides agreed to lift the port fees on grain. When?\n\n"
        "MINISTER VALK: Soon. Thank you.\n\nMINISTER ORN: You’re welcome, Minister."
    )
    assert [a.text for a in agreements(ex, text)] == ["reopen the harbour to fishing fleets next month"]


def test_news_copy_announcements_in_the_passive_agree_nothing(ex: Extractor) -> None:
    text = (
        "The export curbs, announced by Veloria's trade ministry on March 3, have hit Ostravan carmakers. "
        "Hotels in Marn, the last town on the Kessel road, welcomed the news. "
        "Guides expect to be fully booked once the tour dates are announced."
    )
    assert [a.text for a in agreements(ex, text)] == []


def test_news_copy_welcomes_a_step_not_a_state_of_affairs(ex: Extractor) -> None:
    text = (
        "The two leaders welcomed the calm along the frontier over the past year. "
        "The two leaders also welcomed the decision to reopen the Kessel crossing."
    )
    assert [a.text for a in agreements(ex, text)] == ["the decision to reopen the Kessel crossing"]


def test_agreed_to_without_an_object_agrees_nothing(ex: Extractor) -> None:
    text = (
        "The ferry's return was one of the steps that Minister Ana Ruiz and Minister Piet Olsen "
        "agreed to in principle when they met in Marn on January 27."
    )
    assert [a.text for a in agreements(ex, text)] == []


def test_a_second_verb_of_the_same_subject_ends_the_first_line(ex: Extractor) -> None:
    text = (
        "The two sides reaffirmed their commitment to a free trade agreement and tasked their teams "
        "to conclude talks by June."
    )
    assert "their commitment to a free trade agreement" in [a.text for a in agreements(ex, text)]
