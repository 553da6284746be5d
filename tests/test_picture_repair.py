"""A picture left behind its articles is repaired (issue #14, defect 4).

A process can fail after its articles' commit and before the picture's (a locked SQLite file, a lost
PostgreSQL connection): the re-run then finds nothing new. Here the picture row is put back as it
was before the second article (what such a failure leaves), on SQLite and PostgreSQL; the next
ingest, although it ingests nothing, and the service's start-up repair both bring it up to date,
and ``briefings db check`` reports the lag before and none after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from briefings.beats import load_beats
from briefings.config import load_settings
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import ingest_articles
from briefings.service.app import BriefingService
from briefings.service.pipeline import picture_status
from briefings.storage.db import Database
from briefings.storage.tables import Picture

FIRST = """India and China to restore direct flights

date 2025-06-12

Indian Foreign Secretary Asha Kumar met Chinese Vice Foreign Minister Liu Bo in New Delhi on June 11.
The two sides agreed to restore direct flights between India and China, India said.
"We want people to travel again," Kumar told reporters.
"""
SECOND = """India and China agree to reopen border trade

date 2025-06-20

Indian External Affairs Minister Meera Rao met Chinese Foreign Minister Zhao Lan in Beijing on June 18.
The two ministers agreed to resume border trade through the Lipulekh pass, India said.
"We have taken a practical step," Rao told reporters.
"""
COLUMNS = ("version", "articles", "packed", "state", "beat_digest")


def _picture(db: Database) -> dict[str, Any]:
    with db.transaction() as session:
        row = session.scalars(select(Picture)).one()
        return {c: getattr(row, c) for c in COLUMNS}


def _lagging_database(db: Database, extractor: Extractor, tmp_path: Path) -> list[str]:
    """Two articles stored, the picture as it was with only the first."""
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    policy = FetchPolicy(allow_private=True)
    assert ingest_articles(db, [str(first)], policy, extractor).ingested == 1
    before = _picture(db)
    assert ingest_articles(db, [str(second)], policy, extractor).ingested == 1
    with db.transaction() as session:  # what a failure between the two commits leaves
        session.execute(update(Picture).values(**{c: before[c] for c in COLUMNS if c != "version"}))
    return [str(first), str(second)]


def test_a_rerun_that_ingests_nothing_repairs_the_picture(db: Database, tmp_path: Path) -> None:
    extractor = Extractor.load()
    inputs = _lagging_database(db, extractor, tmp_path)
    beats = load_beats([])
    [status] = picture_status(db, beats)
    assert status.behind and status.pictured == 1 and status.on_beat == 2
    report = ingest_articles(db, inputs, FetchPolicy(allow_private=True), extractor)
    assert report.ingested == 0 and report.unchanged == 2
    [status] = picture_status(db, beats)
    assert not status.behind and status.pictured == 2


def test_the_service_repairs_at_start_and_db_check_reports_it(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    extractor = Extractor.load()
    _lagging_database(db, extractor, tmp_path)
    env = dict(os.environ, BRIEFINGS_DATABASE_URL=db_url)
    check = [sys.executable, "-m", "briefings.cli", "db", "check"]
    lagging = subprocess.run(check, env=env, capture_output=True, text=True, timeout=120)
    assert lagging.returncode == 1, lagging.stdout + lagging.stderr
    assert "FAIL beat india-china: picture of 1 articles; 2 of 2 stored are on the beat" in lagging.stdout

    svc = BriefingService(load_settings(database_url=db_url), db=db)
    assert svc.ingestion.catch_up() == ["india-china"]  # what the bot does before its first update
    assert svc.reading.who("Zhao Lan").profile is not None
    assert svc.ingestion.catch_up() == []  # nothing behind any more: a few counts, no rebuild

    fine = subprocess.run(check, env=env, capture_output=True, text=True, timeout=120)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "ok beat india-china: picture of 2 articles" in fine.stdout
