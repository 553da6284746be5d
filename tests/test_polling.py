"""Polling real sources as a good citizen (issue #16), against feeds and pages served from 127.0.0.1
that count the requests they get, on a real SQLite file and PostgreSQL: conditional requests, entry
memory, corrections as versions, per-host politeness, backoff and source health."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefings import service
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy, user_agent
from briefings.ingest.outlets import feed_publisher, site_name
from briefings.service import IngestReport
from briefings.service.polling import Schedule, alerts, due, health
from briefings.storage.db import Database
from briefings.storage.polling import aware
from briefings.storage.reads import load_picture
from briefings.storage.tables import Article, ArticleVersion, PolledSource, SeenEntry
from tests.webserver import LocalServer

POLICY = FetchPolicy(
    timeout=2.0, max_bytes=256 * 1024, allow_private=True, user_agent=user_agent("https://ops.example/bot")
)
EXTRACTOR = Extractor.load()
START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


class Clock:
    """The one stand-in: time, moved by the test."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.at = now

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += dt.timedelta(**kwargs)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    web = LocalServer()
    web.start()
    yield web
    web.stop()


@pytest.fixture
def other() -> Iterator[LocalServer]:
    web = LocalServer()
    web.start()
    yield web
    web.stop()


def ingest(
    db: Database, inputs: list[str], clock: Clock | None = None, policy: FetchPolicy = POLICY
) -> IngestReport:
    schedule = Schedule(now=clock or Clock())
    return service.ingest_articles(db, inputs, policy, EXTRACTOR, schedule=schedule)


def story(n: int, place: str = "Geneva") -> str:
    return (
        f"Trade negotiators from Norway and Iceland met in {place} on Tuesday for round {n} of talks on "
        f"fisheries quotas, officials said. The two sides agreed to extend the mackerel accord by {n} years. "
        f"Norway's fisheries minister said the quota for round {n} would be reviewed by a joint commission."
    )


def page(title: str, text: str, site: str | None = None) -> str:
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    paras = "".join(f"<p>{p}</p>" for p in text.split(". "))
    head = f"<head><title>{title}</title>{meta}</head>"
    return f"<html>{head}<body><article><h1>{title}</h1>{paras}</article></body></html>"


def rss(
    web: LocalServer,
    entries: list[tuple[str, str, str]],
    *,
    title: str = "Example Wire",
    link: str = "https://example.org/",
) -> str:
    """entries: (title, page path, updated date RFC 822); link-only entries."""
    items = "\n".join(
        f"<item><title>{t}</title><link>{web.url(path)}</link><guid>{web.url(path)}</guid><pubDate>{when}</pubDate></item>"
        for t, path, when in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link}</link><description>d</description>{items}</channel></rss>"
    )


def five_entry_feed(web: LocalServer, *, first: int = 1, headers: dict[str, str] | None = None) -> str:
    """A feed of five link-only entries, /news/1.html to /news/5.html (stories ``first`` on)."""
    entries = []
    for n in range(1, 6):
        web.add(f"/news/{n}.html", page(f"Round {n}", story(n + first - 1)))
        entries.append((f"Round {n}", f"/news/{n}.html", "Tue, 10 Jun 2025 09:00:00 GMT"))
    return web.add("/feed.rss", rss(web, entries), "application/rss+xml", headers=headers)


def when(value: dt.datetime | None) -> dt.datetime:
    stored = aware(value)
    assert stored is not None
    return stored


def requests(web: LocalServer) -> list[str]:
    return [path for path, _, _ in web.requests]


@pytest.mark.parametrize(
    "validators",
    [{"ETag": '"feed-v1"'}, {"Last-Modified": "Tue, 10 Jun 2025 09:00:00 GMT"}, {}],
    ids=["etag", "last-modified", "none"],
)
def test_a_second_poll_of_an_unchanged_feed_is_one_request_and_no_page(
    db: Database, server: LocalServer, validators: dict[str, str]
) -> None:
    feed = five_entry_feed(server, headers=validators)
    first = ingest(db, [feed])
    assert (first.ingested, first.rejected) == (5, [])
    assert len(server.requests) == 6  # the feed and its five pages
    server.requests.clear()
    second = ingest(db, [feed])
    assert requests(server) == ["/feed.rss"], "no page is fetched again"
    asked = server.requests[0][1]
    if validators:
        assert asked.get("if-none-match") == validators.get("ETag")
        assert asked.get("if-modified-since") == validators.get("Last-Modified")
        assert (second.not_modified, second.unchanged) == (1, 0)
    else:  # the feed is read again, its entries are known
        assert (second.not_modified, second.unchanged) == (0, 5)
    assert second.ingested == 0 and second.rejected == []
    assert "ops.example/bot" in asked["user-agent"] and asked["user-agent"].startswith("briefings/")
    with db.transaction() as s:
        row = s.scalars(select(PolledSource).where(PolledSource.url == feed)).one()
        assert (row.etag, row.last_modified) == (validators.get("ETag"), validators.get("Last-Modified"))
        assert row.failures == 0 and row.last_success_at is not None
        assert s.scalar(select(func.count()).select_from(SeenEntry)) == 5
    [shown] = health(db, [feed])
    assert shown.entries_seen == 5 and shown.last_error is None and shown.next_poll is not None


def test_a_new_entry_costs_its_page_only(db: Database, server: LocalServer) -> None:
    feed = five_entry_feed(server, headers={"ETag": '"v1"'})
    ingest(db, [feed])
    server.add("/news/6.html", page("Round 6", story(6)))
    entries = [(f"Round {n}", f"/news/{n}.html", "Tue, 10 Jun 2025 09:00:00 GMT") for n in range(1, 7)]
    server.add("/feed.rss", rss(server, entries), "application/rss+xml", headers={"ETag": '"v2"'})
    server.requests.clear()
    report = ingest(db, [feed])
    assert sorted(requests(server)) == ["/feed.rss", "/news/6.html"]
    assert (report.ingested, report.unchanged) == (1, 5)


CORRECTED = (
    "Indian Foreign Secretary Vikram Misri met Chinese Vice Foreign Minister {official} in Beijing on "
    "Monday. India and China agreed to resume direct flights between the two countries this summer. "
    "Misri and {surname} also agreed that India and China would share hydrological data on the Brahmaputra. "
    "China's foreign ministry said India and China would hold the next round of talks in New Delhi."
)


def test_an_updated_entry_is_fetched_once_and_its_story_follows_the_correction(
    db: Database, server: LocalServer
) -> None:
    server.add(
        "/news/talks.html", page("Misri in Beijing", CORRECTED.format(official="Sun Weidong", surname="Sun"))
    )
    entry = [("Misri in Beijing", "/news/talks.html", "Mon, 09 Jun 2025 09:00:00 GMT")]
    feed = server.add("/feed.rss", rss(server, entry), "application/rss+xml", headers={"ETag": '"v1"'})
    first = ingest(db, [feed])
    assert first.ingested == 1, first.rejected
    with db.transaction() as s:
        names = {p.name for p in load_picture(s)[1].officials}
    assert "Sun Weidong" in names

    # the outlet corrects the story: a new text, and the feed dates the entry later
    server.add(
        "/news/talks.html", page("Misri in Beijing", CORRECTED.format(official="Ma Zhaoxu", surname="Ma"))
    )
    entry = [("Misri in Beijing", "/news/talks.html", "Tue, 10 Jun 2025 11:30:00 GMT")]
    server.add("/feed.rss", rss(server, entry), "application/rss+xml", headers={"ETag": '"v2"'})
    server.requests.clear()
    second = ingest(db, [feed])
    assert requests(server) == ["/feed.rss", "/news/talks.html"]
    assert (second.updated, second.ingested) == (1, 0), second.summary()
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 1
        text = s.scalars(select(Article.text)).one()
        assert "Ma Zhaoxu" in text
        old = s.scalars(select(ArticleVersion)).one()
        assert old.version == 1 and "Sun Weidong" in old.text
        names = {p.name for p in load_picture(s)[1].officials}
    assert "Ma Zhaoxu" in names and "Sun Weidong" not in names
    [row] = service.list_articles(db)
    assert row.version == 2 and [v["version"] for v in row.versions] == [1]

    server.requests.clear()
    third = ingest(db, [feed])  # unchanged since: one conditional request
    assert requests(server) == ["/feed.rss"] and third.not_modified == 1


def test_an_entry_dated_later_with_the_same_text_is_fetched_once_and_stays_one_version(
    db: Database, server: LocalServer
) -> None:
    feed = five_entry_feed(server)
    ingest(db, [feed])
    entries = [(f"Round {n}", f"/news/{n}.html", "Tue, 10 Jun 2025 09:00:00 GMT") for n in range(1, 6)]
    entries[0] = ("Round 1", "/news/1.html", "Wed, 11 Jun 2025 09:00:00 GMT")
    server.add("/feed.rss", rss(server, entries), "application/rss+xml")
    server.requests.clear()
    report = ingest(db, [feed])
    assert sorted(requests(server)) == ["/feed.rss", "/news/1.html"]
    assert (report.updated, report.unchanged) == (0, 5)
    server.requests.clear()
    ingest(db, [feed])
    assert requests(server) == ["/feed.rss"]  # the newer date is remembered
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(ArticleVersion)) == 0


def test_a_429_with_retry_after_delays_that_host_only(
    db: Database, server: LocalServer, other: LocalServer
) -> None:
    """The first page of a feed on one host answers 429 with Retry-After: 5: that host's next request
    waits 5 s; the feed and pages of another host are read meanwhile, at once."""
    busy = five_entry_feed(server)
    server.add("/news/1.html", "slow down", "text/plain", status=429, headers={"Retry-After": "5"})
    calm = five_entry_feed(other, first=11)
    policy = FetchPolicy(timeout=2.0, max_bytes=256 * 1024, allow_private=True, cycle_timeout=30)
    started = time.monotonic()
    report = ingest(db, [busy, calm], policy=policy)
    assert report.ingested == 9, report.rejected
    assert [r.source for r in report.rejected] == [server.url("/news/1.html")]
    times = {path: at - started for path, _, at in server.requests}
    assert times["/news/2.html"] - times["/news/1.html"] >= 4.9  # the host kept its word
    assert max(at - started for _, _, at in other.requests) < 2.0  # the other host was not held
    # the page that got the 429 was not remembered: the next poll asks for it again
    server.add("/news/1.html", page("Round 1", story(1)))
    server.requests.clear()
    again = ingest(db, [busy], policy=policy)
    assert requests(server) == ["/feed.rss", "/news/1.html"] and again.ingested == 1


def test_a_429_on_a_feed_holds_its_next_poll_past_the_retry_after(db: Database, server: LocalServer) -> None:
    feed = server.add("/feed.rss", "busy", "text/plain", status=503, headers={"Retry-After": "7200"})
    clock = Clock()
    report = ingest(db, [feed], clock)
    assert "HTTP 503" in report.rejected[0].reason and "retry after 7200 s" in report.rejected[0].reason
    assert due(db, [feed], clock()) == ([], [feed])
    clock.advance(minutes=118)
    assert due(db, [feed], clock()) == ([], [feed])
    clock.advance(minutes=2)
    assert due(db, [feed], clock()) == ([feed], [])


class Silent:
    """A host that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{path}"

    def close(self) -> None:
        self.sock.close()


def test_a_host_that_never_answers_does_not_delay_the_others(
    db: Database, server: LocalServer, other: LocalServer
) -> None:
    silent = Silent()
    try:
        feeds = [silent.url("/feed.rss"), five_entry_feed(server), five_entry_feed(other, first=11)]
        policy = FetchPolicy(timeout=3.0, max_bytes=256 * 1024, allow_private=True, cycle_timeout=30)
        started = time.monotonic()
        report = ingest(db, feeds, policy=policy)
        took = time.monotonic() - started
        assert report.ingested == 10
        assert [(r.source, "timed out" in r.reason) for r in report.rejected] == [(feeds[0], True)]
        for web in (server, other):  # every request of the others went out before the silent host's deadline
            assert max(at - started for _, _, at in web.requests) < 2.0
        assert took < 3.0 + 5.0  # its own deadline, and the extraction of ten stories

        # a whole cycle has a deadline too: the silent host is cut off at it
        policy = FetchPolicy(timeout=30.0, max_bytes=256 * 1024, allow_private=True, cycle_timeout=1.5)
        started = time.monotonic()
        report = ingest(db, [silent.url("/feed.rss")], policy=policy)
        assert time.monotonic() - started < 3.0 and "timed out" in report.rejected[0].reason
    finally:
        silent.close()


def test_backoff_grows_with_each_failure_and_resets_on_success(db: Database, server: LocalServer) -> None:
    feed = server.add("/feed.rss", "down", "text/plain", status=500)
    clock = Clock()
    waits = []
    for _ in range(6):
        ingest(db, [feed], clock)
        with db.transaction() as s:
            row = s.scalars(select(PolledSource)).one()
            waits.append(round((when(row.next_poll_at) - clock()).total_seconds() / 60))
        assert due(db, [feed], clock()) == ([], [feed]) or waits[-1] <= 1
        clock.advance(minutes=waits[-1] + 1)
    assert waits == [30, 60, 120, 240, 360, 360]  # doubling from the interval, up to the cap (6 h)
    five_entry_feed(server)
    ingest(db, [feed], clock)
    with db.transaction() as s:
        row = s.scalars(select(PolledSource)).one()
        assert (
            row.failures == 0
            and row.failing_since is None
            and row.last_error == "HTTP 500 Internal Server Error"
        )
        assert (when(row.next_poll_at) - clock()) == dt.timedelta(minutes=30)


def test_a_source_failing_for_a_day_is_reported_once(db: Database, server: LocalServer) -> None:
    feed = server.add("/feed.rss", "gone", "text/plain", status=404)
    clock = Clock()
    ingest(db, [feed], clock)
    assert alerts(db, clock()) == []
    clock.advance(hours=23)
    ingest(db, [feed], clock)
    assert alerts(db, clock()) == []
    clock.advance(hours=1, minutes=1)
    ingest(db, [feed], clock)
    [alert] = alerts(db, clock())
    assert alert.url == feed and alert.failing_since == START and "HTTP 404" in (alert.last_error or "")
    clock.advance(hours=6)
    ingest(db, [feed], clock)
    assert alerts(db, clock()) == []  # once per failing spell
    five_entry_feed(server)
    ingest(db, [feed], clock)
    server.add("/feed.rss", "gone", "text/plain", status=404)
    clock.advance(hours=1)
    ingest(db, [feed], clock)
    clock.advance(hours=25)
    ingest(db, [feed], clock)
    assert [a.url for a in alerts(db, clock())] == [feed]  # a new spell is reported again


def test_outlets_are_publishers_not_feed_titles(db: Database, server: LocalServer) -> None:
    assert feed_publisher("The Himalaya Dispatch - India-China", "https://www.thehimalayadispatch.com/") == (
        "The Himalaya Dispatch"
    )
    assert feed_publisher("Press Releases – United States Department of State", "https://www.state.gov/") == (
        "United States Department of State"
    )
    assert feed_publisher("India | The Hindu", "https://www.thehindu.com/news/national/") == "The Hindu"
    assert site_name("thehindu.com", "https://www.thehindu.com/a.html") == "The Hindu"
    assert site_name("Mint", "https://www.livemint.com/a.html") == "Mint"
    server.add("/news/1.html", page("Round 1", story(1)))  # no og:site_name, on an address
    server.add("/news/2.html", page("Round 2", story(2), site="Nordic Fisheries Daily"))
    entries = [
        ("Round 1", "/news/1.html", "Tue, 10 Jun 2025 09:00:00 GMT"),
        ("Round 2", "/news/2.html", "Tue, 10 Jun 2025 09:00:00 GMT"),
    ]
    feed = server.add(
        "/feed.rss",
        rss(
            server,
            entries,
            title="The Himalaya Dispatch - India-China",
            link="https://www.thehimalayadispatch.com/",
        ),
        "application/rss+xml",
    )
    ingest(db, [feed])
    outlets = {r.title: r.outlet for r in service.list_articles(db)}
    assert outlets == {"Round 1": "The Himalaya Dispatch", "Round 2": "Nordic Fisheries Daily"}


def test_the_cli_polls_a_feed_twice_with_one_request_and_lists_its_health(
    db_url: str, server: LocalServer, tmp_path: Path
) -> None:
    """As the issue tried it: `briefings ingest FEED` twice on a feed of five link-only entries."""
    feed = five_entry_feed(server, headers={"ETag": '"v1"'})
    env = {
        **os.environ,
        "BRIEFINGS_DATABASE_URL": db_url,
        "BRIEFINGS_CONTACT_URL": "https://ops.example/bot",
        "COLUMNS": "200",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefings.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    first = cli("ingest", feed)
    assert first.stdout.strip() == "ingested 5, unchanged 0, rejected 0", first.stderr
    assert len(server.requests) == 6
    second = cli("ingest", feed)
    assert second.stdout.strip() == "ingested 0, not modified 1, unchanged 0, rejected 0"
    assert len(server.requests) == 7 and server.requests[-1][1]["if-none-match"] == '"v1"'
    assert "+https://ops.example/bot" in server.requests[-1][1]["user-agent"]
    listed = json.loads(cli("sources", "--format", "json").stdout)
    assert [(r["url"], r["entries_seen"], r["last_error"]) for r in listed] == [(feed, 5, None)]
    assert listed[0]["last_success"] and listed[0]["next_poll"]
    table = cli("sources").stdout
    assert "entries seen" in table and "127.0.0.1" in table
