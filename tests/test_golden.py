"""Golden files: every template rendered over the sample corpus, compared with tests/golden/.

After an intended change to extraction, consolidation, views or templates, regenerate with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefings import render, service
from briefings.config import load_settings
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from briefings.storage.db import Database
from briefings.views import Brief

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = REPO / "examples" / "articles"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NOW = dt.datetime(2025, 10, 3, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Iterator[BriefingService]:
    url = f"sqlite:///{tmp_path_factory.mktemp('golden') / 'golden.db'}"
    db = Database(url)
    report = service.ingest_articles(db, [str(EXAMPLES)], FetchPolicy(allow_private=True), extractor)
    assert not report.rejected and report.ingested >= 8
    svc = BriefingService(load_settings(database_url=url), db=db, clock=FixedClock(NOW))
    yield svc
    svc.close()


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{name} did not exist; written now: review and commit it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: UPDATE_GOLDEN=1 to accept"


def both(name: str, view: object) -> None:
    check(f"{name}.txt", render.render_text(name, view))  # type: ignore[arg-type]
    chunks = render.render_telegram(name, view)  # type: ignore[arg-type]
    check(f"{name}.telegram.json", json.dumps(chunks, ensure_ascii=False, indent=1) + "\n")


def screens(name: str, view: Brief) -> None:
    """The first screen and every section, as text and as Telegram messages."""
    check(f"{name}.first.txt", render.first_screen_message(view, html=False) + "\n")
    messages = [render.first_screen_message(view)]
    text = []
    for section in render.SECTIONS:
        messages += render.section_pages(view, section)
        text += render.section_pages(view, section, html=False)
    check(f"{name}.sections.txt", "\n\n".join(text) + "\n")
    check(f"{name}.telegram.json", json.dumps(messages, ensure_ascii=False, indent=1) + "\n")
    first = messages[0]
    assert render.visible_len(first) <= render.SCREEN_LIMIT
    assert all(render.visible_len(m) <= render.SCREEN_LIMIT + 40 for m in messages[1:])


def test_brief(corpus: BriefingService) -> None:
    screens("brief", corpus.reading.brief())


def test_brief_topic_and_since(corpus: BriefingService) -> None:
    check(
        "brief-flights.first.txt",
        render.first_screen_message(corpus.reading.brief("flights"), html=False) + "\n",
    )
    check(
        "brief-since.first.txt",
        render.first_screen_message(corpus.reading.brief(since=dt.date(2025, 8, 1)), html=False) + "\n",
    )


def test_channel_post(corpus: BriefingService) -> None:
    assert corpus.reading.channel_post_messages() == [render.first_screen_message(corpus.reading.brief())]


def test_timeline(corpus: BriefingService) -> None:
    both("timeline", corpus.reading.brief())


def test_profile(corpus: BriefingService) -> None:
    result = corpus.reading.who("misri")
    assert result.profile is not None
    both("profile", result.profile)


def test_who_suggestions(corpus: BriefingService) -> None:
    check("who-none.txt", render.render_text("who", corpus.reading.who("zzqx")))
    president = corpus.reading.who("president")  # no one is named that: suggestions, not a crash
    assert president.profile is None


def test_digest(corpus: BriefingService) -> None:
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    digest = corpus.reading.digest(since, NOW + dt.timedelta(days=365 * 100), zone="UTC")
    check("digest.txt", render.render_text("digest", digest))
    message = render.digest_message(digest)
    assert render.visible_len(message) <= render.SCREEN_LIMIT
    check("digest.telegram.json", json.dumps([message], ensure_ascii=False, indent=1) + "\n")
    empty = corpus.reading.digest(
        NOW + dt.timedelta(days=365 * 100), NOW + dt.timedelta(days=365 * 101), zone="UTC"
    )
    assert empty.empty
    check("digest-empty.txt", render.render_text("digest", empty))
