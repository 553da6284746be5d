"""The ``briefings`` command line (typer + rich)."""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from briefings import service
from briefings.config import Settings, load_settings
from briefings.errors import BriefingsError
from briefings.storage.db import Database, upgrade

app = typer.Typer(
    name="briefings",
    help="Turn news articles on one beat into briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
PROGRESS_THRESHOLD = 20  # show a progress bar from this many sources on


class ListFormat(StrEnum):
    table = "table"
    json = "json"


def _settings() -> Settings:
    return load_settings()


def _database(settings: Settings) -> Database:
    return Database(settings.effective_database_url)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


@app.command()
def ingest(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, page URLs or feed URLs.", metavar="PATH|URL")
    ],
) -> None:
    """Ingest articles from text files, HTML pages and RSS/Atom feeds (folders recursively)."""
    settings = _settings()
    db = _database(settings)
    policy = service.fetch_policy(settings, allow_private=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("ingesting", total=None, visible=False)

        def on_total(total: int) -> None:
            progress.update(task, total=total, visible=total >= PROGRESS_THRESHOLD)

        report = service.ingest(
            db, inputs, policy, on_total=on_total, on_source=lambda _s: progress.advance(task)
        )
    for rejected in report.rejected:
        err.print(f"rejected {rejected.line()}", markup=False, highlight=False)
    out.print(report.summary(), markup=False, highlight=False)
    db.dispose()
    if report.rejected:
        raise typer.Exit(1)


@app.command()
def articles(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
) -> None:
    """List stored articles: id, title, published date, outlet and sources."""
    settings = _settings()
    db = _database(settings)
    rows = service.list_articles(db)
    db.dispose()
    if fmt is ListFormat.json:
        payload = [
            {"id": r.id, "title": r.title, "published": r.published, "outlet": r.outlet, "sources": r.sources}
            for r in rows
        ]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print("no articles stored yet: run 'briefings ingest PATH|URL ...'", markup=False)
        return
    table = Table(show_lines=False)
    for col in ("id", "title", "published", "outlet", "sources"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r.id), r.title, r.published or "—", r.outlet or "—", "\n".join(r.sources))
    out.print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema to the newest revision."""
    settings = _settings()
    db = Database(settings.effective_database_url, auto_upgrade=False)
    applied = upgrade(db.engine)
    db.dispose()
    out.print("database upgraded" if applied else "database already up to date", markup=False)


def main() -> None:
    """Entry point: every expected failure becomes one line on stderr, never a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        app()
    except BriefingsError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
