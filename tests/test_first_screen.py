"""The first screen's newest developments: what reaches the three lines a reader sees first."""

from __future__ import annotations

from briefings.first_screen import developments
from briefings.views import Brief, OfficialLine, TimelineLine


def _brief(*lines: tuple[str, str, int]) -> Brief:
    return Brief(
        title="Ostrava–Veloria briefing",
        officials=[OfficialLine(name="Ana Ruiz"), OfficialLine(name="Piet Olsen")],
        timeline=[TimelineLine(date=d, what=w, count=n, sources=["1"]) for d, w, n in lines],
    )


def test_a_line_whose_object_is_in_another_sentence_comes_last() -> None:
    brief = _brief(
        ("2025-06-16", "Minister Ana Ruiz raised it again with Minister Piet Olsen in Marn", 4),
        ("2025-06-13", "Minister Ana Ruiz held talks in Marn with Minister Piet Olsen", 1),
        ("2025-06-14", "The two sides agreed to reopen the Kessel crossing", 1),
        ("2025-06-15", "Ostrava lifted its ban on Velorian cobalt", 1),
    )
    chosen = [t.what for t in developments(brief)]
    assert len(chosen) == 3
    assert all(" it " not in line for line in chosen), chosen


def test_a_vague_line_still_serves_when_nothing_else_is_there() -> None:
    brief = _brief(("2025-06-12", "Minister Ana Ruiz raised it again with Minister Piet Olsen", 2))
    assert [t.what for t in developments(brief)] == [
        "Minister Ana Ruiz raised it again with Minister Piet Olsen"
    ]
