"""``briefings articles``, ``sources``, ``beats`` and ``topics``: what is stored and configured."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from briefings.commands.common import (
    BeatOption,
    ListFormat,
    beat_named,
    opened_service,
    out,
    print_json,
    settings,
)
from briefings.printable import printable
from briefings.service.catalog import BeatCatalog


def _cell(*names: str) -> Text:
    """Names from files, URLs and pages, one a line: no escape sequence, no markup."""
    return Text("\n".join(printable(name) for name in names))


def articles(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
    beat: Annotated[
        str | None,
        typer.Option("--beat", help="Only the articles on this beat (with --off: left out of it)."),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="With --beat: the articles left out, and why.")] = False,
) -> None:
    """List stored articles: id, title, published date, outlet, sources and the beats they are on."""
    config = settings()
    chosen = beat_named(BeatCatalog.of(config), beat) if beat is not None or off else None
    with opened_service(config) as svc:
        svc.ingestion.catch_up()  # verdicts for articles stored before beats, or under another beat file
        rows = svc.ingestion.stored_articles()
    if chosen is not None:
        rows = [r for r in rows if bool(r.beats.get(chosen.slug, {}).get("relevant")) != off]
    if fmt is ListFormat.json:
        print_json(
            [
                {
                    "id": r.id,
                    "title": r.title,
                    "published": r.published,
                    "outlet": r.outlet,
                    "sources": r.sources,
                    "beats": r.beats,
                    "version": r.version,
                    "versions": r.versions,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        empty = "no articles stored yet: run 'briefings ingest PATH|URL ...'"
        if chosen is not None:
            empty = f"no article {'left out of' if off else 'on'} the beat {chosen.slug}"
        out.print(empty, markup=False)
        return
    table = Table(show_lines=False)
    columns = ["id", "v", "title", "published", "outlet", "sources", "why" if chosen is not None else "beats"]
    for col in columns:
        table.add_column(col, overflow="fold")
    for r in rows:
        if chosen is not None:
            last = str(r.beats.get(chosen.slug, {}).get("why", "not judged yet"))
        else:
            last = ", ".join(slug for slug, v in r.beats.items() if v.get("relevant")) or "—"
        table.add_row(
            str(r.id),
            str(r.version),
            _cell(r.title),
            r.published or "—",
            _cell(r.outlet or "—"),
            _cell(*r.sources),
            _cell(last),
        )
    out.print(table)


def sources(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
) -> None:
    """Polled sources (BRIEFINGS_SOURCES first, then every URL ingested): last success, last error,
    entries seen, next poll."""
    with opened_service(settings()) as svc:
        rows = svc.ingestion.source_health()
    if fmt is ListFormat.json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    if not rows:
        out.print(
            "no source polled yet: set BRIEFINGS_SOURCES or run 'briefings ingest URL ...'", markup=False
        )
        return

    def when(value: dt.datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"

    table = Table(show_lines=False)
    for col in ("source", "last success", "last error", "entries seen", "next poll"):
        table.add_column(col, overflow="fold")
    for r in rows:
        error = f"{when(r.last_error_at)}: {r.last_error}" if r.last_error else "—"
        if r.failures:
            error += f" ({r.failures} in a row)"
        table.add_row(
            _cell(r.url), when(r.last_success), _cell(error), str(r.entries_seen), when(r.next_poll)
        )
    out.print(table)


def beats(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
) -> None:
    """The beats of this deployment (BRIEFINGS_BEATS), the default first, with their articles."""
    with opened_service(settings()) as svc:
        svc.ingestion.catch_up()
        listed = svc.reading.beat_list()
    if fmt is ListFormat.json:
        print_json([b.model_dump() for b in listed])
        return
    for b in listed:
        out.print(
            f"{b.slug:<20} {b.name} — {b.parties_text}; {b.topics} topics;"
            f" {b.articles} articles on it ({b.file})",
            markup=False,
            highlight=False,
        )


def topics(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
    beat: BeatOption = None,
) -> None:
    """The topics of a beat (from its beat file: BRIEFINGS_BEATS, or the bundled India–China one)."""
    taxonomy = beat_named(BeatCatalog.of(settings()), beat).taxonomy
    if fmt is ListFormat.json:
        print_json([{"slug": t.slug, "label": t.label} for t in taxonomy.topics])
        return
    for t in taxonomy.topics:
        out.print(f"{t.slug:<26} {t.label}", markup=False, highlight=False)
