"""``briefings brief`` and ``briefings who``: what a reader of the bot sees, in the terminal."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from briefings.commands.common import (
    BeatOption,
    ViewFormat,
    beat_named,
    emit,
    fail,
    opened_service,
    parse_since,
    print_json,
    settings,
)
from briefings.render import SECTIONS
from briefings.service.catalog import BeatCatalog


def brief(
    topic: Annotated[
        str | None, typer.Option("--topic", help="A topic slug (see 'briefings topics').")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only what happened on or after YYYY-MM-DD.")
    ] = None,
    fmt: Annotated[ViewFormat, typer.Option("--format", help="text, telegram or json")] = ViewFormat.text,
    beat: BeatOption = None,
    full: Annotated[bool, typer.Option("--full", help="Every section after the first screen.")] = False,
    section: Annotated[
        str | None,
        typer.Option("--section", help="One section: " + ", ".join(SECTIONS) + "."),
    ] = None,
) -> None:
    """The brief's first screen (newest developments, moving issues, agreements, people); --full adds
    every section, --section shows one. JSON holds everything; telegram prints the messages as sent,
    the first screen first."""
    if section is not None and section not in SECTIONS:
        raise fail(f"--section {section!r}: unknown section (one of {', '.join(SECTIONS)})")
    config = settings()
    chosen = beat_named(BeatCatalog.of(config), beat)  # before the database is opened
    with opened_service(config) as svc:
        svc.ingestion.catch_up()
        view = svc.reading.brief(topic, parse_since(since), beat=chosen.slug)
    from briefings import render

    if fmt is ViewFormat.json:
        sys.stdout.write(view.model_dump_json(indent=2) + "\n")
        return
    html = fmt is ViewFormat.telegram
    sections = [section] if section is not None else list(SECTIONS) if (full or html) else []
    parts = [] if section is not None else [render.first_screen_message(view, html=html)]
    for name in sections:
        parts += render.section_pages(view, name, html=html)
    if html:
        print_json(parts)
        return
    text = "\n\n".join(p.strip() for p in parts) + "\n"
    if not full and section is None:
        text += f"\nMore: --full, or --section {'|'.join(SECTIONS)}\n"
    sys.stdout.write(text)


def who(
    name: Annotated[str, typer.Argument(help="A name or alias, any case; fuzzy.")],
    fmt: Annotated[ViewFormat, typer.Option("--format", help="text, telegram or json")] = ViewFormat.text,
    beat: BeatOption = None,
) -> None:
    """A person's profile: titles seen, what they said and did."""
    config = settings()
    chosen = beat_named(BeatCatalog.of(config), beat)  # before the database is opened
    with opened_service(config) as svc:
        svc.ingestion.catch_up()
        result = svc.reading.who(name, beat=chosen.slug)
    if fmt is ViewFormat.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    if result.profile is not None:
        emit("profile", result.profile, fmt)
    else:
        emit("who", result, fmt)
        raise typer.Exit(1)
