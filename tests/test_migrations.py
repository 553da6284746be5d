"""Schema migrations keep what is stored: a picture written before 0006 (a JSON column) reads the
same after the upgrade (compressed), and again after a downgrade."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from briefings.models import Consolidated, IssueRecord, PersonRecord, StatusChange
from briefings.storage import db as storage
from briefings.storage.db import Database, make_engine
from briefings.storage.reads import load_picture

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
    storage.migrate(engine, revision, down=down)


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


def _revisions(engine: sa.Engine) -> list[str]:
    """Every revision from the first to the head."""
    scripts = ScriptDirectory.from_config(storage.alembic_config(engine))
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]


def _counts(engine: sa.Engine) -> dict[str, int]:
    """Rows in each table of the schema as it is now (Alembic's own table aside)."""
    with engine.connect() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n != "alembic_version"]
        return {
            n: conn.execute(sa.select(sa.func.count()).select_from(sa.table(n))).scalar_one() for n in names
        }


def _fill(engine: sa.Engine) -> None:
    """Rows in every table the revisions made, children of each parent included."""
    now = dt.datetime(2025, 6, 13, 8, 0, tzinfo=dt.UTC)
    t = {
        name: sa.table(name, *(sa.column(c, _TYPES.get(c)) for c in cols)) for name, cols in _COLUMNS.items()
    }
    with engine.begin() as conn:
        conn.execute(
            sa.insert(t["outlets"]), [{"id": 1, "name": "Example Wire"}, {"id": 2, "name": "Herald"}]
        )
        conn.execute(
            sa.insert(t["articles"]),
            [
                {
                    "id": i,
                    "title": f"Story {i}",
                    "published": dt.date(2025, 6, i),
                    "reference_date": dt.date(2025, 6, i),
                    "outlet_id": 1 + i % 2,
                    "text": f"Text of story {i}.",
                    "content_hash": f"{i:064d}",
                    "word_count": 4,
                    "ingested_at": now,
                }
                for i in range(1, 6)
            ],
        )
        conn.execute(
            sa.insert(t["article_sources"]),
            [{"article_id": 1 + i % 5, "source": f"source-{i}.txt", "added_at": now} for i in range(10)],
        )
        conn.execute(
            sa.insert(t["facts"]),
            [
                {
                    "article_id": 1 + i % 5,
                    "kind": "event",
                    "key": f"k{i}",
                    "span_start": 0,
                    "span_end": 4,
                    "payload": {},
                }
                for i in range(27)
            ],
        )
        conn.execute(
            sa.insert(t["subscriptions"]),
            [
                {
                    "id": c,
                    "chat_id": 100 + c,
                    "chat_type": "private",
                    "local_time": "08:00",
                    "timezone": "Asia/Kolkata",
                    "topics": [],
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for c in (1, 2, 3)
            ],
        )
        conn.execute(
            sa.insert(t["deliveries"]),
            [
                {
                    "subscription_id": c,
                    "chat_id": 100 + c,
                    "kind": "digest",
                    "digest_date": dt.date(2025, 6, 13),
                    "due_at": now,
                    "status": "sent",
                    "attempts": 1,
                    "parts_sent": 1,
                    "created_at": now,
                }
                for c in (1, 2, 3)
            ],
        )
        conn.execute(
            sa.insert(t["pictures"]),
            [{"id": 1, "version": 3, "articles": 5, "updated_at": now, "packed": zlib.compress(b"{}")}],
        )
        conn.execute(sa.insert(t["send_rate"]), [{"bot": "bot1", "next_at": now}])
        conn.execute(
            sa.insert(t["polled_sources"]),
            [
                {
                    "id": 1,
                    "url": "https://example.com/feed.xml",
                    "etag": '"v1"',
                    "failures": 0,
                    "created_at": now,
                }
            ],
        )
        conn.execute(
            sa.insert(t["feed_entries"]),
            [
                {
                    "source_id": 1,
                    "guid": f"g{i}",
                    "link": f"https://example.com/{i}",
                    "article_id": i,
                    "seen_at": now,
                }
                for i in (1, 2)
            ],
        )
        conn.execute(
            sa.insert(t["article_versions"]),
            [
                {
                    "article_id": 1,
                    "version": 1,
                    "title": "Story 1",
                    "text": "An earlier text.",
                    "content_hash": "f" * 64,
                    "replaced_at": now,
                }
            ],
        )


_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "payload": sa.JSON(),
    "topics": sa.JSON(),
    "packed": sa.LargeBinary(),
    "active": sa.Boolean(),
}
_COLUMNS = {
    "outlets": ("id", "name"),
    "articles": (
        "id",
        "title",
        "published",
        "reference_date",
        "outlet_id",
        "text",
        "content_hash",
        "word_count",
        "ingested_at",
    ),
    "article_sources": ("article_id", "source", "added_at"),
    "facts": ("article_id", "kind", "key", "span_start", "span_end", "payload"),
    "subscriptions": (
        "id",
        "chat_id",
        "chat_type",
        "local_time",
        "timezone",
        "topics",
        "active",
        "created_at",
        "updated_at",
    ),
    "deliveries": (
        "subscription_id",
        "chat_id",
        "kind",
        "digest_date",
        "due_at",
        "status",
        "attempts",
        "parts_sent",
        "created_at",
    ),
    "pictures": ("id", "version", "articles", "updated_at", "packed"),
    "send_rate": ("bot", "next_at"),
    "polled_sources": ("id", "url", "etag", "failures", "created_at"),
    "feed_entries": ("source_id", "guid", "link", "article_id", "seen_at"),
    "article_versions": ("article_id", "version", "title", "text", "content_hash", "replaced_at"),
}


def test_every_downgrade_keeps_the_rows_of_the_tables_it_keeps(db_url: str) -> None:
    """Down one revision at a time to the first, then up again: every table present at a step
    holds the rows it held at the head (SQLite rebuilds a table to drop a column; with foreign
    keys on, dropping the old table deleted its children through ON DELETE CASCADE: 0002's
    downgrade emptied facts and article_sources). Then down to nothing and up again."""
    engine = make_engine(db_url)
    try:
        assert storage.upgrade(engine)
        _fill(engine)
        filled = _counts(engine)
        assert filled["facts"] == 27 and filled["article_sources"] == 10 and filled["deliveries"] == 3
        revisions = _revisions(engine)
        for revision in reversed(revisions[:-1]):
            _migrate(engine, revision, down=True)
            now = _counts(engine)
            assert now == {name: filled[name] for name in now}, f"after the downgrade to {revision}"
        at_first = _counts(engine)
        assert {"articles", "facts", "article_sources", "deliveries"} <= set(at_first)
        _migrate(engine, "head")
        again = _counts(engine)
        assert {name: again[name] for name in at_first} == at_first
        with engine.connect() as conn:  # the pooled connection is back to enforcing foreign keys
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        _migrate(engine, "base", down=True)
        assert _counts(engine) == {}
        _migrate(engine, "head")
        assert set(_counts(engine)) == set(filled) and not any(_counts(engine).values())
    finally:
        engine.dispose()


def test_pickled_consolidator_states_are_cleared_and_the_pictures_kept(db_url: str) -> None:
    """0009: a state stored as a pickle (it would run code when read) is cleared; the picture row
    stays, and the next ingest rebuilds the state. The downgrade keeps the row too."""
    engine = make_engine(db_url)
    try:
        _migrate(engine, "0008")
        pictures = sa.table(
            "pictures",
            sa.column("id", sa.Integer),
            sa.column("beat", sa.String),
            sa.column("version", sa.Integer),
            sa.column("articles", sa.Integer),
            sa.column("updated_at", sa.DateTime(timezone=True)),
            sa.column("packed", sa.LargeBinary),
            sa.column("state", sa.LargeBinary),
        )
        packed = zlib.compress(PICTURE.model_dump_json().encode("utf-8"))
        with engine.begin() as conn:
            conn.execute(
                sa.insert(pictures).values(
                    id=1,
                    beat="default",
                    version=3,
                    articles=1,
                    updated_at=dt.datetime.now(dt.UTC),
                    packed=packed,
                    state=zlib.compress(b"\x80\x05a pickle"),
                )
            )
        _migrate(engine, "head")
        with engine.connect() as conn:
            row = conn.execute(sa.select(pictures)).one()
        assert (row.version, row.packed, row.state) == (3, packed, None)
        _migrate(engine, "0008", down=True)
        with engine.connect() as conn:
            assert conn.execute(sa.select(pictures.c.version, pictures.c.packed)).one() == (3, packed)
    finally:
        engine.dispose()
