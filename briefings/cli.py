"""The ``briefings`` command line (typer + rich)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from briefings import service
from briefings.config import Settings, load_settings
from briefings.errors import BriefingsError
from briefings.models import ArticleSummary, Consolidated
from briefings.render import SECTIONS
from briefings.storage.db import Database, upgrade

if TYPE_CHECKING:
    from briefings.beats import Beat
    from briefings.extract import Extractor
    from briefings.extract.pipeline import Workers
    from briefings.service.app import BriefingService

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


class ExtractFormat(StrEnum):
    json = "json"
    table = "table"


class ViewFormat(StrEnum):
    text = "text"
    telegram = "telegram"
    json = "json"


def _settings() -> Settings:
    return load_settings()


def _database(settings: Settings) -> Database:
    return Database(settings.effective_database_url)


def _beats(settings: Settings) -> list[Beat]:
    from briefings.beats import load_beats

    return load_beats(settings.beat_files, title=settings.beat_name or None)


def _beat(settings: Settings, slug: str | None) -> Beat:
    beats = _beats(settings)
    if slug is None:
        return beats[0]
    for beat in beats:
        if slug.strip().lower() in (beat.slug, beat.name.lower()):
            return beat
    raise fail(f"--beat {slug!r}: unknown beat (the beats here: {', '.join(b.slug for b in beats)})")


BeatOption = Annotated[
    str | None, typer.Option("--beat", help="A beat's slug (see 'briefings beats'); default: the first.")
]


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
    beats = _beats(settings)
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

        report = service.ingest_articles(
            db,
            inputs,
            policy,
            LazyExtractor(lambda: _extractor(settings)),
            n_process=_processes(),
            beats=beats,
            on_total=on_total,
            on_source=lambda _s: progress.advance(task),
        )
    for rejected in report.rejected:
        err.print(f"rejected {rejected.line()}", markup=False, highlight=False)
    out.print(report.summary(), markup=False, highlight=False)
    db.dispose()
    if report.rejected:
        raise typer.Exit(1)


class LazyExtractor:
    """Loads the extractor (and its language model) only when there is something new to extract."""

    def __init__(self, load: Callable[[], Extractor]) -> None:
        self._load = load
        self._loaded: Extractor | None = None

    def workers(self, n_process: int = 1) -> Workers:
        from briefings.extract.pipeline import Workers

        return Workers(self._get, n_process)

    def _get(self) -> Extractor:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded


def _extractor(settings: Settings) -> Extractor:
    from briefings.extract import Extractor

    return Extractor.load([b.path for b in _beats(settings)])


def _processes() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@app.command()
def extract(
    inputs: Annotated[
        list[str], typer.Argument(help="Article files or folders (pages and feeds too).", metavar="PATH")
    ],
    fmt: Annotated[ExtractFormat, typer.Option("--format", help="json or table")] = ExtractFormat.table,
    consolidate: Annotated[
        bool, typer.Option("--consolidate", help="Merge the articles into one picture.")
    ] = False,
    beat: Annotated[
        str | None,
        typer.Option("--beat", help="Show each article as this beat sees it: only its on-beat facts."),
    ] = None,
) -> None:
    """Extract a structured summary of each article (no database); --consolidate merges them."""
    settings = _settings()
    chosen = _beat(settings, beat) if beat is not None else None
    loaded, rejected = service.load_articles(service.fetch_policy(settings, allow_private=True), inputs)
    for item in rejected:
        err.print(f"rejected {item.line()}", markup=False, highlight=False)
    extractor = _extractor(settings)
    items = [(service.article_name(item.source), item.article) for item in loaded]
    processes = _processes() if len(items) >= 40 else 1
    summaries = list(extractor.extract_many(items, n_process=processes))
    judged: dict[str, dict[str, object]] = {}
    if chosen is not None:
        from briefings.beats import judge, restrict

        judged = {s.article: judge(s, chosen).as_json() for s in summaries}
        summaries = [restrict(s, chosen) for s in summaries]
    if consolidate:
        from briefings.consolidate import consolidate as merge

        picture = merge(summaries)
        if fmt is ExtractFormat.json:
            sys.stdout.write(picture.model_dump_json(indent=2) + "\n")
        else:
            _print_picture(picture)
    elif fmt is ExtractFormat.json:
        payload = [s.model_dump(mode="json") for s in summaries]
        if chosen is not None:
            for row in payload:
                row["beat"] = {"slug": chosen.slug, **judged[row["article"]]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for summary in summaries:
            _print_summary(summary)
    if rejected:
        raise typer.Exit(1)


def _fact_table(heading: str) -> Table:
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("kind", style="bold")
    table.add_column(heading, overflow="fold")
    return table


def _print_summary(summary: ArticleSummary) -> None:
    out.rule(
        f"{summary.article}  {summary.published or summary.reference_date or ''}  {summary.outlet or ''}"
    )
    table = _fact_table("fact")
    for o in summary.officials:
        extra = f" (also {', '.join(o.aliases)})" if o.aliases else ""
        table.add_row("official", f"{o.name}{extra} — {o.title or '?'}, {o.country or '?'}")
    for a in summary.agreements:
        table.add_row("agreement", f"[{a.topic or '-'}] {a.text}")
    for i in summary.issues:
        table.add_row("issue", f"{i.topic}: {i.status}")
    for e in summary.events:
        table.add_row("event", f"{e.date} {e.what}")
    for q in summary.quotes:
        table.add_row("quote", f"{q.speaker or '?'}: “{q.text}”")
    for f in summary.figures:
        table.add_row("figure", f"{f.value} — {f.what}")
    out.print(table)


def _print_picture(picture: Consolidated) -> None:
    table = _fact_table("record")
    for p in picture.officials:
        table.add_row(
            "person",
            f"{p.name} — {', '.join(p.titles) or '?'}, {p.country or '?'} ({len(p.articles)} articles)",
        )
    for a in picture.agreements:
        table.add_row("agreement", f"[{a.topic or '-'}] {a.text} ({len(a.articles)} articles)")
    for i in picture.issues:
        table.add_row("issue", f"{i.topic}: {i.status}")
    for t in picture.timeline:
        table.add_row("event", f"{t.date} {t.what}")
    for d in picture.discrepancies:
        table.add_row("disagree", f"{d.about}: " + "; ".join(f"{k}: {v}" for k, v in d.details.items()))
    out.print(table)


@app.command()
def articles(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
    beat: Annotated[
        str | None,
        typer.Option("--beat", help="Only the articles on this beat (with --off: left out of it)."),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="With --beat: the articles left out, and why.")] = False,
) -> None:
    """List stored articles: id, title, published date, outlet, sources and the beats they are on."""
    settings = _settings()
    chosen = _beat(settings, beat) if beat is not None or off else None
    svc = _service(settings)
    try:
        svc.catch_up()  # verdicts for articles stored before beats, or under another beat file
        rows = service.list_articles(svc.db)
    finally:
        svc.close()
    if chosen is not None:
        rows = [r for r in rows if bool(r.beats.get(chosen.slug, {}).get("relevant")) != off]
    if fmt is ListFormat.json:
        payload = [
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
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        empty = "no articles stored yet: run 'briefings ingest PATH|URL ...'"
        if chosen is not None:
            empty = f"no article {'left out of' if off else 'on'} the beat {chosen.slug}"
        out.print(empty, markup=False)
        return
    from rich.text import Text

    from briefings.printable import printable

    def cell(*names: str) -> Text:  # names from files, URLs and pages: no escape sequence, no markup
        return Text("\n".join(printable(name) for name in names))

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
            cell(r.title),
            r.published or "—",
            cell(r.outlet or "—"),
            cell(*r.sources),
            cell(last),
        )
    out.print(table)


@app.command()
def sources(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
) -> None:
    """Polled sources (BRIEFINGS_SOURCES first, then every URL ingested): last success, last error,
    entries seen, next poll."""
    from briefings.service.polling import health

    settings = _settings()
    db = _database(settings)
    try:
        rows = health(db, list(settings.sources))
    finally:
        db.dispose()
    if fmt is ListFormat.json:
        payload = [r.model_dump(mode="json") for r in rows]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print(
            "no source polled yet: set BRIEFINGS_SOURCES or run 'briefings ingest URL ...'", markup=False
        )
        return
    from rich.text import Text

    from briefings.printable import printable

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
            Text(printable(r.url)),
            when(r.last_success),
            Text(printable(error)),
            str(r.entries_seen),
            when(r.next_poll),
        )
    out.print(table)


@app.command()
def beats(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
) -> None:
    """The beats of this deployment (BRIEFINGS_BEATS), the default first, with their articles."""
    settings = _settings()
    svc = _service(settings)
    try:
        svc.catch_up()
        listed = svc.beat_list()
    finally:
        svc.close()
    if fmt is ListFormat.json:
        sys.stdout.write(json.dumps([b.model_dump() for b in listed], ensure_ascii=False, indent=2) + "\n")
        return
    for b in listed:
        out.print(
            f"{b.slug:<20} {b.name} — {b.parties_text}; {b.topics} topics;"
            f" {b.articles} articles on it ({b.file})",
            markup=False,
            highlight=False,
        )


def _service(settings: Settings) -> BriefingService:
    from briefings.service.app import BriefingService

    return BriefingService(settings)


def _parse_since(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"--since {value!r}: not a date (use YYYY-MM-DD)") from None


def _emit(name: str, view: BaseModel, fmt: ViewFormat) -> None:
    from briefings import render

    if fmt is ViewFormat.json:
        sys.stdout.write(view.model_dump_json(indent=2) + "\n")
    elif fmt is ViewFormat.telegram:
        sys.stdout.write(json.dumps(render.render_telegram(name, view), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render.render_text(name, view))


@app.command()
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
    settings = _settings()
    chosen = _beat(settings, beat)
    svc = _service(settings)
    try:
        svc.catch_up()
        view = svc.brief(topic, _parse_since(since), beat=chosen.slug)
    finally:
        svc.close()
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
        sys.stdout.write(json.dumps(parts, ensure_ascii=False, indent=2) + "\n")
        return
    text = "\n\n".join(p.strip() for p in parts) + "\n"
    if not full and section is None:
        text += f"\nMore: --full, or --section {'|'.join(SECTIONS)}\n"
    sys.stdout.write(text)


@app.command()
def who(
    name: Annotated[str, typer.Argument(help="A name or alias, any case; fuzzy.")],
    fmt: Annotated[ViewFormat, typer.Option("--format", help="text, telegram or json")] = ViewFormat.text,
    beat: BeatOption = None,
) -> None:
    """A person's profile: titles seen, what they said and did."""
    settings = _settings()
    chosen = _beat(settings, beat)
    svc = _service(settings)
    try:
        svc.catch_up()
        result = svc.who(name, beat=chosen.slug)
    finally:
        svc.close()
    if fmt is ViewFormat.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    if result.profile is not None:
        _emit("profile", result.profile, fmt)
    else:
        _emit("who", result, fmt)
        raise typer.Exit(1)


@app.command()
def topics(
    fmt: Annotated[ListFormat, typer.Option("--format", help="table or json")] = ListFormat.table,
    beat: BeatOption = None,
) -> None:
    """The topics of a beat (from its beat file: BRIEFINGS_BEATS, or the bundled India–China one)."""
    taxonomy = _beat(_settings(), beat).taxonomy
    if fmt is ListFormat.json:
        payload = [{"slug": t.slug, "label": t.label} for t in taxonomy.topics]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for t in taxonomy.topics:
        out.print(f"{t.slug:<26} {t.label}", markup=False, highlight=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema to the newest revision."""
    settings = _settings()
    db = Database(settings.effective_database_url, auto_upgrade=False)
    applied = upgrade(db.engine)
    db.dispose()
    out.print("database upgraded" if applied else "database already up to date", markup=False)


@db_app.command("check")
def db_check() -> None:
    """Check the schema and that every beat's picture holds the stored articles (exit 1 if not)."""
    from briefings.service.pipeline import picture_status
    from briefings.storage.db import current_revision, head_revision

    settings = _settings()
    beats = _beats(settings)
    db = Database(settings.effective_database_url, auto_upgrade=False)
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
            for status in picture_status(db, beats):
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
