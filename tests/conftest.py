"""Shared fixtures: real databases (a SQLite file and, when configured, PostgreSQL) and a local web server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefings.extract import Extractor
from briefings.storage.db import Database
from tests.pgschema import pg_schema
from tests.webserver import LocalServer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or an isolated PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'briefings.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (set by .ci/run)")
    with pg_schema(PG_URL) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The real extractor, loaded once per test session."""
    return Extractor.load()


@pytest.fixture(scope="session")
def web() -> Iterator[LocalServer]:
    server = LocalServer()
    server.start()
    yield server
    server.stop()
