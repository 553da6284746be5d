"""Pytest fixtures for the bot's end-to-end tests; bind the ones a test module uses at its top::

    from tests.bot_e2e import fixtures as e2e

    botapi_server, corpus, bot_db_url, service = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service

(an assignment rather than an import, so that a test's parameter of the same name is not a
redefinition for the linter).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefings.extract import Extractor
from briefings.service.app import BriefingService
from testing.botapi import BotApiServer
from testing.botapi.fixtures import botapi_server
from tests.bot_e2e.harness import corpus_file, fresh_db_url, make_service

__all__ = ["bot_db_url", "botapi_server", "corpus", "service"]


@pytest.fixture
def corpus(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    """The ingested sample corpus (built once per session, read-only: copy it to change it)."""
    return corpus_file(tmp_path_factory, extractor)


@pytest.fixture
def bot_db_url(corpus: Path, tmp_path: Path) -> str:
    """This test's own copy of the corpus database."""
    return fresh_db_url(corpus, tmp_path / "db")


@pytest.fixture
def service(bot_db_url: str, botapi_server: BotApiServer) -> Iterator[BriefingService]:
    """The service over this test's database, configured for the in-process server, clock at START."""
    svc = make_service(bot_db_url, botapi_server)
    yield svc
    svc.close()
