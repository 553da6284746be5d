"""Engine, sessions and schema upgrades. The caller owns the session and the transaction."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from briefings.errors import DatabaseError


def make_engine(url: str) -> Engine:
    """An engine for SQLite (file created on demand, WAL, foreign keys) or PostgreSQL (psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"bad database URL: {exc}") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, Any] = {}
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(parsed, **kwargs)
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("briefings.storage") / "migrations"))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for Alembic to migrate on.

    On SQLite, with foreign keys off while it runs: Alembic's batch mode rebuilds a table to alter
    it (copy, drop the old one, rename), and dropping a table with foreign keys on deletes its rows
    first, and with them, through ``ON DELETE CASCADE``, every row of the tables that refer to it
    (Alembic's batch documentation: the pragma "must be disabled"). The pragma is a no-op inside a
    transaction, so it is set before the transaction begins; the references are checked before
    the commit (``PRAGMA foreign_key_check``) and foreign keys are on again before the connection
    goes back to the pool.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise DatabaseError(f"the migration left a broken reference in table {broken[0]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def migrate(engine: Engine, revision: str = "head", *, down: bool = False) -> None:
    """Upgrade (or downgrade) the schema to ``revision`` in one transaction."""
    cfg = alembic_config(engine)
    with migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the newest revision; True when anything was applied.

    Two processes opening a new database at once may race; the loser finds the schema in place.
    """
    try:
        head = head_revision(engine)
        if current_revision(engine) == head:
            return False
        try:
            migrate(engine, "head")
        except (OperationalError, ProgrammingError, IntegrityError):
            for _ in range(20):  # another process is upgrading: wait for it to finish
                time.sleep(0.25)
                if current_revision(engine) == head:
                    return False
            raise
        return True
    except OperationalError as exc:
        raise DatabaseError(f"cannot open the database: {_first_line(exc)}") from None
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database upgrade failed: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


class Database:
    """An upgraded engine and its session factory."""

    def __init__(self, url: str, *, auto_upgrade: bool = True) -> None:
        self.engine = make_engine(url)
        if auto_upgrade:
            upgrade(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
