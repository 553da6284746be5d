"""``briefings db upgrade`` and ``briefings db check``: the schema and the pictures, inspected
before anything upgrades them (the database opened without its automatic upgrade)."""

from __future__ import annotations

import typer

from briefings.commands.common import out, settings
from briefings.service.app import open_database
from briefings.service.catalog import BeatCatalog
from briefings.storage.db import upgrade


def db_upgrade() -> None:
    """Create or upgrade the database schema to the newest revision."""
    db = open_database(settings(), upgrade=False)
    applied = upgrade(db.engine)
    db.dispose()
    out.print("database upgraded" if applied else "database already up to date", markup=False)


def db_check() -> None:
    """Check the schema and that every beat's picture holds the stored articles (exit 1 if not)."""
    from briefings.service.pipeline import picture_status
    from briefings.storage.db import current_revision, head_revision

    config = settings()
    beats = BeatCatalog.of(config)
    db = open_database(config, upgrade=False)
    try:
        current, head = current_revision(db.engine), head_revision(db.engine)
        failed = current != head
        out.print(
            f"{'FAIL' if failed else 'ok'} schema: at {current or 'none'}"
            + (f", the code needs {head} (run 'briefings db upgrade')" if failed else ""),
            markup=False,
            highlight=False,
        )
        if not failed:
            for status in picture_status(db, beats.all):
                failed = failed or status.behind
                hint = (
                    " (behind: the next 'briefings ingest', read or bot start repairs it)"
                    if status.behind
                    else ""
                )
                out.print(
                    f"{'FAIL' if status.behind else 'ok'} beat {status.beat}: {status.describe()}{hint}",
                    markup=False,
                    highlight=False,
                )
    finally:
        db.dispose()
    if failed:
        raise typer.Exit(1)
