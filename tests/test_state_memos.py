"""The stored state keeps what the last result built per group: a new process builds again only the
groups one more article changes, and its picture is the one built from scratch."""

from __future__ import annotations

import zlib

import msgpack
import pytest
import zstandard

from briefings.consolidate import Consolidator, consolidate, consolidator, state
from briefings.models import ArticleSummary
from tests.test_consolidate_order import EVERYTHING


def _restored(summaries: list[ArticleSummary]) -> Consolidator:
    c = Consolidator()
    for s in summaries:
        c.add(s)
    c.result()  # as the pipeline does before it saves the state
    return state.load(state.dump(c, "code"), "code")


@pytest.mark.parametrize("last", [-1, 0], ids=["no officials", "with officials"])
def test_one_more_article_builds_again_only_the_people_it_changes(
    monkeypatch: pytest.MonkeyPatch, last: int
) -> None:
    one = EVERYTHING[last]
    held = [s for s in EVERYTHING if s is not one]
    expected = consolidate(EVERYTHING)
    restored = _restored(held)
    built: list[str] = []
    person = consolidator._person

    def counting(cluster: consolidator.PersonCluster) -> consolidator._Person:
        built.append(cluster.name)
        return person(cluster)

    monkeypatch.setattr(consolidator, "_person", counting)
    restored.add(one)
    picture = restored.result()
    assert picture == expected
    touched = {p.name for p in picture.officials if one.article in p.articles}
    assert set(built) == touched  # the people of the new article only
    assert len(picture.officials) > len(touched)


def test_a_restored_picture_and_the_next_ones_are_those_built_from_scratch() -> None:
    for stop in (1, len(EVERYTHING) // 2, len(EVERYTHING) - 1):
        restored = _restored(EVERYTHING[:stop])
        assert restored.result() == consolidate(EVERYTHING[:stop])
        for s in EVERYTHING[stop:]:
            restored.add(s)
        assert restored.result() == consolidate(EVERYTHING)


def test_a_state_saved_before_any_result_restores_without_memos() -> None:
    c = Consolidator()
    for s in EVERYTHING:
        c.add(s)
    restored = state.load(state.dump(c, "code"), "code")
    assert restored.result() == consolidate(EVERYTHING)


def test_a_state_of_the_previous_format_is_refused_and_so_rebuilt() -> None:
    c = Consolidator()
    c.add(EVERYTHING[0])
    payload = {k: v for k, v in c.state().items() if k != "memos"}  # format 1 had no memos
    packer = msgpack.Packer(use_bin_type=True)
    old = zstandard.compress(packer.pack([state.MAGIC, 1, "code"]) + packer.pack(payload))
    with pytest.raises(state.StateError, match="another format"):
        state.load(old, "code")


def test_a_zlib_state_of_format_5_is_refused() -> None:
    c = Consolidator()
    c.add(EVERYTHING[0])
    packer = msgpack.Packer(use_bin_type=True)
    payload = c.state()
    old = zlib.compress(
        packer.pack([state.MAGIC, 5, "code"]) + b"".join(packer.pack(payload[n]) for n in state.PARTS)
    )
    with pytest.raises(state.StateError, match="not compressed"):
        state.load(old, "code")
