"""Event lines of real sentences, judged by hand (tests/eventlines_real/review.json, see its README).

A line judged OK must stay exactly as judged (or be one of the lines listed as also accepted); the
number of lines not judged OK (garbled, untrue, empty, or changed since judged) must never rise
above the figure recorded with the judgements. A change that alters a judged line is re-judged and
recorded in the file, not waved through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefings.eventlines import event_lines, load_parser

REVIEW = Path(__file__).parent / "eventlines_real" / "review.json"
VERDICTS = frozenset({"ok", "garbled", "untrue", "empty"})

pytestmark = pytest.mark.skipif(load_parser() is None, reason="spaCy model not installed")


def _review() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REVIEW.read_text(encoding="utf-8"))
    return data


def _current(entries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The lines the code gives now, per sentence and per kind of line."""
    sentences = [e["sentence"] for e in entries]
    at120 = event_lines(sentences, limit=120)
    at80 = event_lines(sentences, limit=80)
    focused = [i for i, e in enumerate(entries) if e.get("focus")]
    with_focus = event_lines(
        [sentences[i] for i in focused], limit=120, focus=[entries[i]["focus"] for i in focused]
    )
    out: list[dict[str, str]] = [{"120": a, "80": b} for a, b in zip(at120, at80, strict=True)]
    for i, line in zip(focused, with_focus, strict=True):
        out[i]["focus"] = line
    return out


@pytest.fixture(scope="module")
def judged() -> tuple[dict[str, Any], list[dict[str, str]]]:
    data = _review()
    return data, _current(data["sentences"])


def test_review_set_is_well_formed() -> None:
    data = _review()
    entries = data["sentences"]
    assert len(entries) >= 140
    for e in entries:
        assert e["sentence"] and e["source"]
        assert set(e["lines"]) == ({"120", "80", "focus"} if e.get("focus") else {"120", "80"})
        for judged_line in e["lines"].values():
            assert judged_line["verdict"] in VERDICTS
    bad = sum(1 for e in entries for j in e["lines"].values() if j["verdict"] != "ok")
    assert bad == data["max_bad"], "max_bad is the number of lines judged not OK"


def test_lines_judged_ok_stay_the_same(judged: tuple[dict[str, Any], list[dict[str, str]]]) -> None:
    data, now = judged
    changed = []
    for e, got in zip(data["sentences"], now, strict=True):
        for kind, j in e["lines"].items():
            accepted = [j["line"], *j.get("also_ok", [])]
            if j["verdict"] == "ok" and got[kind] not in accepted:
                changed.append(f"[{kind}] {e['sentence']}\n  judged OK: {j['line']}\n  now: {got[kind]}")
    assert not changed, "lines judged OK changed (re-judge them in review.json):\n" + "\n".join(changed)


def test_bad_lines_never_rise(judged: tuple[dict[str, Any], list[dict[str, str]]]) -> None:
    data, now = judged
    bad = 0
    for e, got in zip(data["sentences"], now, strict=True):
        for kind, j in e["lines"].items():
            ok = [j["line"], *j.get("also_ok", [])] if j["verdict"] == "ok" else j.get("also_ok", [])
            bad += got[kind] not in ok  # a bad line, or one changed since it was judged
    assert bad <= data["max_bad"], f"{bad} lines not judged OK, more than the {data['max_bad']} recorded"
