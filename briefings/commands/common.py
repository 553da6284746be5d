"""What the commands share: the consoles, the output formats, the ``--beat`` option, one-line
failures, and the service opened for one command."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import BaseModel
from rich.console import Console

from briefings.config import Settings, load_settings
from briefings.service.catalog import BeatCatalog

if TYPE_CHECKING:
    from briefings.beats import Beat
    from briefings.service.app import BriefingService

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class ExtractFormat(StrEnum):
    json = "json"
    table = "table"


class ViewFormat(StrEnum):
    text = "text"
    telegram = "telegram"
    json = "json"


BeatOption = Annotated[
    str | None, typer.Option("--beat", help="A beat's slug (see 'briefings beats'); default: the first.")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(code)


def settings() -> Settings:
    return load_settings()


def beat_named(beats: BeatCatalog, slug: str | None) -> Beat:
    """The beat a ``--beat`` option names (the default for None); exit 1 on an unknown one."""
    if slug is None:
        return beats.default
    found = beats.find(slug)
    if found is None:
        raise fail(f"--beat {slug!r}: unknown beat (the beats here: {', '.join(beats.slugs)})")
    return found


@contextmanager
def opened_service(config: Settings) -> Iterator[BriefingService]:
    """The service for one command, closed after it (no warm-up after an ingest: the command exits)."""
    from briefings.service.app import BriefingService

    service = BriefingService(config, warm=False)
    try:
        yield service
    finally:
        service.close()


def processes() -> int:
    """Extraction processes for a large input: two at most (each holds the language model)."""
    return max(1, min(2, os.cpu_count() or 1))


def parse_since(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"--since {value!r}: not a date (use YYYY-MM-DD)") from None


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def emit(name: str, view: BaseModel, fmt: ViewFormat) -> None:
    """A view as text, as the Telegram messages it makes, or as JSON."""
    from briefings import render

    if fmt is ViewFormat.json:
        sys.stdout.write(view.model_dump_json(indent=2) + "\n")
    elif fmt is ViewFormat.telegram:
        print_json(render.render_telegram(name, view))
    else:
        sys.stdout.write(render.render_text(name, view))
