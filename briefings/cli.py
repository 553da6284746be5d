"""The ``briefings`` command line (typer + rich): the commands (in ``briefings.commands``)
registered, and the entry point that turns every expected failure into one line."""

from __future__ import annotations

import logging
import sys

import typer
from sqlalchemy.exc import SQLAlchemyError

from briefings.commands import database, extracting, listing, reading
from briefings.commands.common import err
from briefings.errors import BriefingsError

app = typer.Typer(
    name="briefings",
    help="Turn news articles on one beat into briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

for command in (
    extracting.ingest,
    extracting.extract,
    listing.articles,
    listing.sources,
    listing.beats,
    reading.brief,
    reading.who,
    listing.topics,
):
    app.command()(command)
db_app.command("upgrade")(database.db_upgrade)
db_app.command("check")(database.db_check)


def main() -> None:
    """Entry point: every expected failure becomes one line on stderr, never a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        app()
    except BriefingsError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        err.print(
            f"error: database: {reason[0] if reason else type(exc).__name__}", markup=False, highlight=False
        )
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
