"""Beats: a beat file, relevance per article and per fact, several beats from one ingest.

Real parts throughout: the real extractor, a real SQLite file and PostgreSQL (``db`` fixture), the
real ``briefings`` command line. The off-beat corpus (``tests/offbeat``) was written and collected
for this: other country pairs and genres, and real White House texts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.beats import BeatFileError, judge, load_beat, load_beats, restrict
from briefings.config import load_settings
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.models import CleanArticle
from briefings.service import ingest_articles, list_articles
from briefings.service.app import BriefingService
from briefings.storage.db import Database

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "articles"
OFFBEAT = REPO / "tests" / "offbeat"
TRADE_BEAT = REPO / "examples" / "beats" / "us-china-trade.toml"
TRADE_ARTICLES = REPO / "examples" / "beats" / "us-china-trade"
CLI = [sys.executable, "-m", "briefings.cli"]

# An India–China story with a paragraph on India and Pakistan and one on a Japan–Korea deal.
MIXED = """India and China agree to restart border trade

date 2025-07-03

NEW DELHI — Indian Foreign Secretary Anil Varma met Chinese Vice Foreign Minister Gao Ming in New Delhi
on Wednesday. The two sides agreed to restart border trade through two mountain passes and to resume
the exchange of hydrological data before the monsoon.

Varma told reporters that India and China would hold the next round of talks in Beijing in the autumn.
"We want predictable trade," he said.

Separately, India and Pakistan agreed to extend a ceasefire along their frontier, Pakistan's foreign
office said on Tuesday.

In Tokyo, Japan and South Korea agreed to share data on missile launches, the Japanese defence ministry
said.
"""


@pytest.fixture(scope="module")
def india_china() -> object:
    return load_beats([])[0]


def test_the_default_beat_is_india_china(india_china: object) -> None:
    beat = load_beats([])[0]
    assert (beat.slug, beat.need) == ("india-china", 2)
    assert [p.name for p in beat.parties] == ["India", "China"]
    assert beat.title == "India–China briefing"


def test_facts_are_judged_one_by_one(extractor: Extractor) -> None:
    beat = load_beats([])[0]
    summary = extractor.extract(CleanArticle(title="t", text=MIXED.split("\n", 1)[1]), "mixed.txt")
    relevance = judge(summary, beat)
    assert relevance.relevant, relevance.why
    assert relevance.parties == ["India", "China"]
    kept = restrict(summary, beat)
    texts = " | ".join(a.text for a in kept.agreements)
    assert "border trade" in texts
    assert "ceasefire" not in texts  # India–Pakistan: one party and another state
    assert "missile" not in texts  # Japan–South Korea: no party at all
    all_texts = " | ".join(a.text for a in summary.agreements)
    assert "ceasefire" in all_texts and "missile" in all_texts  # extracted, then left out of the beat
    assert relevance.dropped >= 2


def test_off_beat_stories_are_judged_off_with_a_reason(extractor: Extractor) -> None:
    beat = load_beats([])[0]
    files = sorted((OFFBEAT / "written").glob("*.txt")) + sorted((OFFBEAT / "real").glob("*.txt"))
    assert len(files) >= 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        summary = extractor.extract(CleanArticle(title=path.stem, text=text), path.name)
        relevance = judge(summary, beat)
        assert not relevance.relevant, f"{path.name}: {relevance.why}"
        assert relevance.why
        kept = restrict(summary, beat)
        assert not (kept.officials or kept.agreements or kept.issues or kept.events), path.name


@pytest.mark.parametrize(
    ("body", "key", "reason"),
    [
        ('[beat]\nname = "X"\nparties = ["Narnia", "China"]\n', "beat.parties", "unknown state 'Narnia'"),
        ('[beat]\nname = "X"\nparties = ["India", "China"]\nneed = 3\n', "beat.need", "between 1 and 2"),
        ('[beat]\nname = "X"\nslug = "Not A Slug"\n', "beat.slug", "is not a slug"),
        ('[beat]\nname = "X"\ncolour = "red"\n', "beat.colour", "unknown key"),
        ("[beat\nname = 1\n", "(file)", "not valid TOML"),
        (
            '[[topic]]\nslug = "a"\nstrong = ["x"]\n[[topic]]\nslug = "a"\nstrong = ["y"]\n',
            "topic[1].slug",
            "twice",
        ),
        ('default = "zz"\n[[topic]]\nslug = "a"\nstrong = ["x"]\n', "default", "not the slug"),
    ],
)
def test_a_bad_beat_file_is_one_line_naming_file_and_key(
    tmp_path: Path, body: str, key: str, reason: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(BeatFileError) as caught:
        load_beat(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and f": {key}: " in message and reason in message


def test_a_bad_beat_file_stops_the_cli_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[beat]\nname = "X"\nparties = ["Atlantis"]\n', encoding="utf-8")
    env = dict(os.environ, BRIEFINGS_BEATS=str(path), BRIEFINGS_DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    done = subprocess.run([*CLI, "brief"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "beat.parties" in lines[0] and "Atlantis" in lines[0], done.stderr


def _ingest(db: Database, extractor: Extractor, beats: list[object], *paths: Path) -> None:
    report = ingest_articles(
        db,
        [str(p) for p in paths],
        FetchPolicy(allow_private=True),
        extractor,
        beats=beats,  # type: ignore[arg-type]
    )
    assert not report.rejected, [r.line() for r in report.rejected]


def test_off_beat_articles_are_stored_and_listed_but_not_in_the_brief(db: Database, db_url: str) -> None:
    beat = load_beats([])[0]
    extractor = Extractor.load()
    _ingest(db, extractor, [beat], EXAMPLES, OFFBEAT / "written")
    rows = list_articles(db)
    on = {str(r.id) for r in rows if r.beats["india-china"]["relevant"]}
    off = [r for r in rows if not r.beats["india-china"]["relevant"]]
    assert len(off) == len(list((OFFBEAT / "written").glob("*.txt")))  # stored, never lost
    assert all(r.beats["india-china"]["why"] for r in off)
    svc = BriefingService(load_settings(database_url=db_url), db=db)
    brief = svc.reading.brief()
    items = [*brief.officials, *brief.agreements, *brief.issues, *brief.timeline, *brief.discrepancies]
    assert items
    for item in items:
        assert set(item.sources) <= on, (item, item.sources)
    for ids in brief.lead_sources:
        assert set(ids) <= on
    assert all(item.sources for item in [*brief.agreements, *brief.timeline])


def test_two_beats_from_one_ingest(db: Database, db_url: str, tmp_path: Path) -> None:
    default = load_beats([])[0]
    trade = load_beat(TRADE_BEAT)
    extractor = Extractor.load([default.path, trade.path])
    _ingest(db, extractor, [default, trade], EXAMPLES, TRADE_ARTICLES)
    rows = list_articles(db)
    by_source = {Path(r.sources[0]).name: r.beats for r in rows}
    for name, beats in by_source.items():
        if name.startswith("2025-") and "offpair" not in name and (TRADE_ARTICLES / name).exists():
            assert beats["us-china-trade"]["relevant"] and not beats["india-china"]["relevant"], name
        if "offpair" in name:
            assert not beats["us-china-trade"]["relevant"] and not beats["india-china"]["relevant"], name
    settings = load_settings(database_url=db_url, beats=[str(default.path), str(trade.path)])
    svc = BriefingService(settings, db=db)
    assert [b.slug for b in svc.reading.beat_list()] == ["india-china", "us-china-trade"]
    india, us = svc.reading.brief(), svc.reading.brief(beat="us-china-trade")
    assert india.title == "India–China briefing" and us.title.startswith("US–China trade")
    india_ids = {str(r.id) for r in rows if r.beats["india-china"]["relevant"]}
    trade_ids = {str(r.id) for r in rows if r.beats["us-china-trade"]["relevant"]}
    assert india_ids and trade_ids and not india_ids & trade_ids
    for item in [*us.agreements, *us.timeline, *us.issues]:
        assert set(item.sources) <= trade_ids
    assert {i.topic for i in us.issues} <= set(trade.labels)
    assert {i.topic for i in india.issues} <= set(default.labels)


def test_cli_beats_and_sources_keys(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        BRIEFINGS_DATABASE_URL=f"sqlite:///{tmp_path}/cli.db",
        BRIEFINGS_BEATS=f"{load_beats([])[0].path},{TRADE_BEAT}",
    )

    def run(*args: str) -> str:
        done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
        return done.stdout

    run("ingest", str(EXAMPLES), str(OFFBEAT / "written" / "2025-08-14-india-pakistan-indus-wire-flash.txt"))
    listed = json.loads(run("articles", "--format", "json"))
    assert all(set(r["beats"]) == {"india-china", "us-china-trade"} for r in listed)
    off = json.loads(run("articles", "--beat", "india-china", "--off", "--format", "json"))
    assert [Path(r["sources"][0]).name for r in off] == ["2025-08-14-india-pakistan-indus-wire-flash.txt"]
    assert "Pakistan" in off[0]["beats"]["india-china"]["why"]
    ids = {str(r["id"]) for r in listed}
    brief = json.loads(run("brief", "--format", "json"))
    for key in ("officials", "agreements", "issues", "timeline", "discrepancies"):
        for item in brief[key]:
            assert isinstance(item["sources"], list) and set(item["sources"]) <= ids, (key, item)
    assert len(brief["lead_sources"]) == len(brief["lead"])
    trade = json.loads(run("brief", "--beat", "us-china-trade", "--format", "json"))
    assert trade["articles"] == 0 and not trade["agreements"]  # no trade story was ingested
    beats = json.loads(run("beats", "--format", "json"))
    assert [b["slug"] for b in beats] == ["india-china", "us-china-trade"]
    topics = json.loads(run("topics", "--beat", "us-china-trade", "--format", "json"))
    assert "tariffs" in {t["slug"] for t in topics}
    extracted = json.loads(
        run(
            "extract",
            "--beat",
            "india-china",
            "--format",
            "json",
            str(OFFBEAT / "written" / "2025-08-14-india-pakistan-indus-wire-flash.txt"),
        )
    )
    assert extracted[0]["beat"]["relevant"] is False
    assert extracted[0]["issues"] == [] and extracted[0]["agreements"] == []
