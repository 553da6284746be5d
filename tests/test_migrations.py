"""Schema migrations keep what is stored: a picture written before 0006 (a JSON column) reads the
same after the upgrade (compressed), and again after a downgrade."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import command

from briefings.models import Consolidated, IssueRecord, PersonRecord, StatusChange
from briefings.service.briefs import load_picture
from briefings.storage import db as storage
from briefings.storage.db import Database, make_engine

PICTURE = Consolidated(
    officials=[
        PersonRecord(name="Amara Okafor", titles=["Trade Minister"], country="Nigeria", articles=["1"]),
    ],
    issues=[
        IssueRecord(
            topic="tariffs",
            status="progress",
            history=[
                StatusChange(article="1", date="2025-03-01", status="progress", evidence="Talks “moved”."),
            ],
        )
    ],
)


def _migrate(engine: sa.Engine, revision: str, *, down: bool = False) -> None:
    cfg = storage.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_a_picture_stored_as_json_survives_upgrade_and_downgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _migrate(engine, "0005")
        pictures = sa.table(
            "pictures",
            sa.column("id", sa.Integer),
            sa.column("version", sa.Integer),
            sa.column("articles", sa.Integer),
            sa.column("updated_at", sa.DateTime(timezone=True)),
            sa.column("payload", sa.JSON),
        )
        with engine.begin() as conn:
            conn.execute(
                sa.insert(pictures).values(
                    id=1,
                    version=7,
                    articles=1,
                    updated_at=dt.datetime.now(dt.UTC),
                    payload=PICTURE.model_dump(mode="json"),
                )
            )
        assert storage.upgrade(engine)
        assert storage.current_revision(engine) == storage.head_revision(engine)
        db = Database(db_url)
        try:
            with db.transaction() as session:
                assert load_picture(session) == (7, PICTURE)
        finally:
            db.dispose()
        _migrate(engine, "0005", down=True)
        with engine.begin() as conn:
            (payload,) = conn.execute(sa.select(sa.cast(pictures.c.payload, sa.Text))).one()
        assert Consolidated.model_validate(json.loads(payload)) == PICTURE
    finally:
        engine.dispose()
