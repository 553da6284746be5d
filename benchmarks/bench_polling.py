"""Polling as a good citizen (issue #16): N feeds × M link-only entries on local servers, one slow.

    .venv/bin/python -m benchmarks.bench_polling [--feeds 50] [--entries 50] [--gap 0.05]
        [--extract none|real] [--database-url URL] [--quick]

Each feed lives on a server of its own on 127.0.0.1 (a host per feed: the per-host limits apply
to each) and sends an ETag; each entry carries only a link to its page. One feed's server answers
its feed after 3 seconds. A polling cycle is run as the bot runs it
(``ingest_articles`` with the settings' politeness: 2 requests at once per host, ``--gap``
seconds between two starts to one host, 8 sources at once, a 600 s cycle deadline), twice:

1. the first poll: every feed and every page (target: feeds × (entries + 1) requests);
2. a second poll with nothing changed (target: one conditional request per feed, no page).

Printed: each cycle's wall time, its requests, how many were conditional, and the answers.
``--extract none`` stores every story with an empty summary, so that the figures are the
polling's own (``real`` runs the extractor, whose cost is measured by bench_extract/bench_ingest).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.bench_extract import compose
from briefings import service
from briefings.config import Settings
from briefings.ingest.fetch import user_agent
from briefings.models import ArticleSummary, CleanArticle
from briefings.service.polling import Schedule
from briefings.storage.db import Database
from tests.webserver import LocalServer


class _Done:
    def __init__(self, items: list[tuple[str, CleanArticle]]) -> None:
        self.items = items

    def get(self) -> list[ArticleSummary]:
        return [ArticleSummary(article=digest, title=a.title) for digest, a in self.items]


class _NoWorkers:
    def __enter__(self) -> _NoWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, items: list[tuple[str, CleanArticle]]) -> _Done:
        return _Done(items)


class NoExtraction:
    """Stores every story with an empty summary: the polling's cost alone."""

    def workers(self, n_process: int = 1) -> _NoWorkers:
        return _NoWorkers()


def page(title: str, text: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    body = f"<body><article><h1>{title}</h1>{paras}</article></body>"
    return f"<html><head><title>{title}</title></head>{body}</html>"


def feed_xml(web: LocalServer, feed: int, entries: int) -> str:
    items = "\n".join(
        f"<item><title>Story {feed}-{n}</title><link>{web.url(f'/news/{n}.html')}</link>"
        f"<guid>{web.url(f'/news/{n}.html')}</guid><pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate></item>"
        for n in range(entries)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed} - World</title><link>https://feed{feed}.example/</link>"
        f"<description>d</description>{items}</channel></rss>"
    )


@contextmanager
def servers(
    feeds: int, entries: int, slow_path: str, seed: int
) -> Iterator[tuple[list[LocalServer], list[str]]]:
    rng = random.Random(seed)
    webs: list[LocalServer] = []
    urls: list[str] = []
    try:
        for f in range(feeds):
            web = LocalServer()
            web.start()
            webs.append(web)
            for n in range(entries):
                web.add(f"/news/{n}.html", page(f"Story {f}-{n}", compose(rng)))
            path = slow_path if f == 0 else "/feed.rss"
            urls.append(
                web.add(
                    path, feed_xml(web, f, entries), "application/rss+xml", headers={"ETag": f'"f{f}-v1"'}
                )
            )
        yield webs, urls
    finally:
        for web in webs:
            web.stop()


def cycle(
    db: Database, urls: list[str], settings: Settings, extractor: Any, webs: list[LocalServer]
) -> dict[str, Any]:
    for web in webs:
        web.requests.clear()
    policy = service.fetch_policy(settings, allow_private=True, cycle=True)
    started = time.perf_counter()
    report = service.ingest_articles(db, urls, policy, extractor, schedule=Schedule())
    took = time.perf_counter() - started
    requests = [r for web in webs for r in web.requests]
    return {
        "seconds": took,
        "requests": len(requests),
        "conditional": sum("if-none-match" in headers for _, headers, _ in requests),
        "pages": sum(path.startswith("/news/") for path, _, _ in requests),
        "summary": report.summary(),
        "rejected": [r.line() for r in report.rejected[:5]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between two requests to one host")
    parser.add_argument("--extract", choices=["none", "real"], default="none")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="5 feeds × 5 entries")
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.entries = 5, 5
    settings = Settings(
        BRIEFINGS_HOST_MIN_GAP=args.gap,
        BRIEFINGS_CONTACT_URL="https://example.org/briefings-bench",
        BRIEFINGS_MAX_FEED_ENTRIES=max(200, args.entries),
    )
    if args.extract == "real":
        from briefings.extract import Extractor

        extractor: Any = Extractor.load()
    else:
        extractor = NoExtraction()
    slow_path = "/slow-feed.rss"  # LocalServer holds every path under /slow for 3 s
    with (
        tempfile.TemporaryDirectory() as tmp,
        servers(args.feeds, args.entries, slow_path, args.seed) as (webs, urls),
    ):
        db = Database(args.database_url or f"sqlite:///{tmp}/bench_polling.db")
        try:
            print(
                f"{args.feeds} feeds × {args.entries} link-only entries, a host each, one feed answering"
                f" after 3 s; per host: {settings.host_concurrency} at once, {args.gap:g} s apart;"
                f" {settings.poll_workers} sources at once; extraction: {args.extract};"
                f" {db.engine.dialect.name}; UA {user_agent(settings.contact_url)!r}"
            )
            for name in ("first poll", "second poll (unchanged)"):
                got = cycle(db, urls, settings, extractor, webs)
                print(
                    f"{name}: {got['seconds']:.2f} s, {got['requests']} requests"
                    f" ({got['conditional']} conditional, {got['pages']} pages); {got['summary']}"
                )
                for line in got["rejected"]:
                    print(f"  rejected {line}")
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
