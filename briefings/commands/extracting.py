"""``briefings ingest`` (into the database) and ``briefings extract`` (no database)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from briefings import service
from briefings.commands.common import (
    ExtractFormat,
    beat_named,
    err,
    opened_service,
    out,
    print_json,
    processes,
    settings,
)
from briefings.models import ArticleSummary, Consolidated
from briefings.service.catalog import BeatCatalog
from briefings.service.ingesting import LazyExtractor

PROGRESS_THRESHOLD = 20  # show a progress bar from this many sources on


def ingest(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, page URLs or feed URLs.", metavar="PATH|URL")
    ],
) -> None:
    """Ingest articles from text files, HTML pages and RSS/Atom feeds (folders recursively)."""
    with (
        opened_service(settings()) as svc,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("ingesting", total=None, visible=False)

        def on_total(total: int) -> None:
            progress.update(task, total=total, visible=total >= PROGRESS_THRESHOLD)

        report = svc.ingestion.ingest(
            inputs,
            allow_private=True,
            n_process=processes(),
            on_total=on_total,
            on_source=lambda _s: progress.advance(task),
        )
    for rejected in report.rejected:
        err.print(f"rejected {rejected.line()}", markup=False, highlight=False)
    out.print(report.summary(), markup=False, highlight=False)
    if report.rejected:
        raise typer.Exit(1)


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
    config = settings()
    beats = BeatCatalog.of(config)
    chosen = beat_named(beats, beat) if beat is not None else None
    loaded, rejected = service.load_articles(service.fetch_policy(config, allow_private=True), inputs)
    for item in rejected:
        err.print(f"rejected {item.line()}", markup=False, highlight=False)
    extractor = LazyExtractor(beats.all).get()
    items = [(service.article_name(item.source), item.article) for item in loaded]
    n_process = processes() if len(items) >= 40 else 1
    summaries = list(extractor.extract_many(items, n_process=n_process))
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
        print_json(payload)
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
