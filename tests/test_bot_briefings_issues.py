"""What the bot's end-to-end tests found in ``briefings``, kept as regression tests now that it is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings import render
from briefings.config import load_settings
from briefings.extract import Extractor
from tests.bot_e2e.harness import corpus_file, fresh_db_url, make_service
from tests.bot_e2e.pages import PAGE


def test_load_settings_accepts_field_names() -> None:
    settings = load_settings(
        telegram_bot_token="1:x", admin_ids=[5], channel_id="-100123", allow_private_urls=True
    )
    assert settings.admin_ids == [5]
    assert settings.channel_id == "-100123"
    assert settings.allow_private_urls is True


def test_ingest_url_refuses_local_paths(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, extractor: Extractor
) -> None:
    db_url = fresh_db_url(corpus_file(tmp_path_factory, extractor), tmp_path / "db")
    service = make_service(db_url, extractor=extractor)
    page = tmp_path / "local" / "page.html"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    try:
        report = service.ingestion.ingest_url(str(page))
        assert report.ingested == 0 and len(report.rejected) == 1
    finally:
        service.close()


def test_digest_limited_to_topics_keeps_only_their_discrepancies(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, extractor: Extractor
) -> None:
    service = make_service(fresh_db_url(corpus_file(tmp_path_factory, extractor), tmp_path / "db"))
    try:
        now = service.clock.now()
        text = "\n".join([render.digest_message(service.reading.digest(None, now, ["terrorism"]))])
        assert "status of trade" not in text
    finally:
        service.close()
