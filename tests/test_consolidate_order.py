"""The picture depends on the set of articles only: any order, batch or one by one."""

from __future__ import annotations

import pathlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefings.consolidate import Consolidator, consolidate, state
from briefings.consolidate.discrepancies import FACT_KINDS
from briefings.models import ArticleSummary, Quote
from tests.test_consolidate_support import (
    NO_SPAN,
    agreement,
    all_beats,
    event,
    figure,
    official,
    quote,
    summary,
)

BEATS = all_beats()
TRAPS = [
    summary("t1.txt", "2025-01-01", officials=[official("Li Wenhua", "Vice Premier", "China")]),
    summary("t2.txt", "2025-01-01", officials=[official("Li Jun", "Commerce Minister", "China")]),
    summary("t3.txt", "2025-01-02", officials=[official("Li", None, "China")]),
    summary("t4.txt", "2025-01-02", officials=[official("Li", "Commerce Minister", "China")]),
    summary("t5.txt", "2025-01-03", officials=[official("S. Okafor", None, "Nigeria")]),
    summary("t6.txt", "2025-01-03", officials=[official("Samuel Okafor", "Foreign Minister", "Nigeria")]),
    summary("t7.txt", "2025-01-04", officials=[official("Sade Okafor", "Finance Minister", "Nigeria")]),
    summary("t8.txt", "2025-01-04", officials=[official("Okafor", "Finance Minister", None)]),
]
# the same sentences in several articles (wire copy, boilerplate): compared once per wording,
# with one article's two close events kept apart until another article links them
TALKS = "Trade ministers open talks on steel tariffs in Geneva"
QUOTAS = "Trade ministers open talks on steel quotas in Geneva"
REPEATS = [
    summary(
        "r1.txt",
        "2025-05-06",
        events=[event("2025-05-05", TALKS), event("2025-05-05", QUOTAS)],
        figures=[figure("25%", "tariff on steel imports")],
        agreements=[agreement("The two sides agreed to cut steel tariffs", "trade", "2025-05-05")],
    ),
    summary("r2.txt", "2025-05-06", events=[event("2025-05-05", QUOTAS)]),
    summary(
        "r3.txt",
        "2025-05-07",
        figures=[figure("25%", "tariff on steel imports"), figure("30%", "tariff on steel imports")],
        agreements=[agreement("The two sides agreed to cut steel tariffs", "trade", "2025-05-05")],
    ),
    summary("r4.txt", "2025-05-07", figures=[figure("30%", "tariff on steel imports")]),
]
# the same words given to several speakers, excerpts of them, and one speaker's statement in
# versions that agree or contradict: found through each text's words, whatever the order
FERRY = "The new ferry link will carry its first passengers before the winter storms arrive"
STATEMENTS = [
    summary(
        "q1.txt",
        "2025-09-01",
        officials=[official("Kofi Mensah", "Transport Minister", "Ghana", "Mensah")],
        quotes=[quote(FERRY, "Kofi Mensah"), quote("We will open 12 new berths by next spring", "Mensah")],
    ),
    summary(
        "q2.txt",
        "2025-09-02",
        quotes=[quote("carry its first passengers before the winter storms", "Ruth Amadi")],
    ),
    summary(
        "q3.txt",
        "2025-09-03",
        quotes=[
            quote(FERRY + ", and fares will stay low", "Mensah"),
            quote("We will open 20 new berths by next spring", "Mensah"),
        ],
    ),
    summary(
        "q4.txt",
        "2025-09-03",
        quotes=[Quote(text=FERRY, speaker="Ministry of Fisheries", speaker_kind="body", span=NO_SPAN)],
    ),
    summary(
        "q5.txt",
        "2025-09-04",
        quotes=[Quote(text=FERRY, speaker="Ministry of Transport", speaker_kind="body", span=NO_SPAN)],
    ),
]
EVERYTHING = BEATS + TRAPS + REPEATS + STATEMENTS


def dump(summaries: list[ArticleSummary]) -> dict[str, object]:
    return consolidate(summaries).model_dump(mode="json")


EXPECTED = dump(EVERYTHING)


@settings(max_examples=40, deadline=None)
@given(st.permutations(EVERYTHING))
def test_any_order_gives_the_same_picture(order: list[ArticleSummary]) -> None:
    assert dump(order) == EXPECTED


@settings(max_examples=15, deadline=None)
@given(st.permutations(EVERYTHING), st.integers(min_value=0, max_value=len(EVERYTHING)))
def test_adding_one_by_one_with_results_in_between_equals_batch(
    order: list[ArticleSummary], cut: int
) -> None:
    c = Consolidator()
    for s in order[:cut]:
        c.add(s)
    c.result()
    for s in order[cut:]:
        c.add(s)
    assert c.result().model_dump(mode="json") == EXPECTED


def test_repeated_wordings_count_every_article_and_keep_one_articles_pairs_apart() -> None:
    alone = consolidate(REPEATS[:1])
    assert sorted(t.what for t in alone.timeline) == sorted([TALKS, QUOTAS])  # one article: two events
    picture = consolidate(REPEATS)
    geneva = [t for t in picture.timeline if "Geneva" in t.what]
    assert [t.articles for t in geneva] == [["r1.txt", "r2.txt"]]  # r2 links r1's two wordings
    [cut] = [a for a in picture.agreements if "steel" in a.text]
    assert cut.articles == ["r1.txt", "r3.txt"]
    [steel] = [d for d in picture.discrepancies if d.kind == "figure"]
    assert sorted(steel.details) == ["r1.txt", "r3.txt", "r4.txt"]


@settings(max_examples=5, deadline=None)
@given(st.permutations(EVERYTHING))
def test_a_result_after_every_article_equals_the_batch_of_those_articles(order: list[ArticleSummary]) -> None:
    """Results reuse what did not change since the last one: nothing stale may survive."""
    c = Consolidator()
    for i, s in enumerate(order, start=1):
        c.add(s)
        assert c.result().model_dump(mode="json") == dump(order[:i])


def test_the_statements_give_speaker_and_quote_disagreements() -> None:
    found = sorted(
        (d.kind, sorted(d.details)) for d in consolidate(STATEMENTS).discrepancies if d.kind in FACT_KINDS
    )
    assert found == [
        ("quote", ["q1.txt", "q3.txt"]),
        ("speaker", ["q1.txt", "q2.txt", "q3.txt", "q4.txt", "q5.txt"]),
    ]


def test_results_are_independent_copies() -> None:
    c = Consolidator()
    for s in EVERYTHING:
        c.add(s)
    first = c.result()
    first.timeline[0].articles.append("mutated.txt")
    first.officials[0].titles_seen.clear()
    assert c.result().model_dump(mode="json") == EXPECTED


def test_adding_the_same_summary_twice_changes_nothing() -> None:
    c = Consolidator()
    for s in EVERYTHING + EVERYTHING[:3]:
        c.add(s)
    assert c.result().model_dump(mode="json") == EXPECTED
    assert len(c) == len(EVERYTHING)


def test_a_different_summary_under_a_known_name_is_refused() -> None:
    c = Consolidator()
    c.add(BEATS[0])
    with pytest.raises(ValueError, match="already added"):
        c.add(BEATS[1].model_copy(update={"article": BEATS[0].article}))


def test_nothing_in_gives_an_empty_picture() -> None:
    assert consolidate([]).model_dump() == {
        "officials": [],
        "agreements": [],
        "issues": [],
        "timeline": [],
        "discrepancies": [],
    }


def test_no_seed_official_is_named_in_the_code() -> None:
    seed_names = ["Misri", "Weidong", "Jaiswal", "Rawat", "Doval", "Jaishankar", "Wang Yi", "Lin Jian"]
    seed_names += ["Xi Jinping", "Narendra Modi", "Murmu", "Li Qiang", "Starmer"]
    names = "|".join(seed_names)
    package = pathlib.Path(__file__).resolve().parents[1] / "briefings" / "consolidate"
    hits = [p.name for p in package.rglob("*.py") if re.search(names, p.read_text())]
    assert hits == []


@pytest.mark.parametrize("stop", [0, 1, 7, len(EVERYTHING)])
def test_a_restored_consolidator_goes_on_where_it_stopped(stop: int) -> None:
    c = Consolidator()
    for s in EVERYTHING[:stop]:
        c.add(s)
    c.result()
    restored = state.load(state.dump(c, "code"), "code")
    assert restored.state() == c.state()
    assert restored.result() == c.result()
    for s in EVERYTHING[stop:]:
        restored.add(s)
        c.add(s)
        assert restored.state() == c.state()
    assert restored.result().model_dump(mode="json") == EXPECTED


def test_a_restored_consolidator_in_another_process_still_knows_its_articles(tmp_path: pathlib.Path) -> None:
    import subprocess
    import sys

    c = Consolidator()
    c.add(EVERYTHING[0])
    stored = tmp_path / "state.bin"
    stored.write_bytes(state.dump(c, "code"))
    script = (
        "import sys\n"
        "from briefings.consolidate import state\n"
        "from tests.test_consolidate_support import all_beats\n"
        "c = state.load(open(sys.argv[1], 'rb').read(), 'code')\n"
        "c.add(all_beats()[0])\n"
        "print(len(c))\n"
    )
    root = pathlib.Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-c", script, str(stored)], cwd=root, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1"
