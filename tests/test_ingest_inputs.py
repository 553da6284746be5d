"""Hostile inputs to ingestion, each one rejected on its own line while the rest of the batch is
stored: malformed URLs (from the command line or from a feed), bad local paths. On a real SQLite
file and on PostgreSQL, with pages and feeds served from 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
from email.utils import format_datetime
from pathlib import Path

import pytest

from briefings import service
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import IngestReport
from briefings.storage.db import Database
from tests import samples
from tests.cli import run_cli
from tests.webserver import LocalServer

OPEN = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=True)
GUARDED = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=False)
REPO = Path(__file__).resolve().parents[1]

MALFORMED_URLS = [
    "http://[::1",  # ValueError: Invalid IPv6 URL
    "http://a..b/",  # UnicodeError: an empty IDNA label
    "http://" + "a" * 70 + ".com/",  # UnicodeError: an IDNA label over 63 characters
    "http://example.com:99999/",  # ValueError: port out of range
    "http://example.com:abc/",  # ValueError: port not a number
    "http://ex\u2100ample.com/",  # ValueError: invalid characters under NFKC normalisation
    "http://xn--/",  # IDNAError: no Punycode in an A-label
    "http://[::1]]/",  # httpx.InvalidURL
    "http://exa\x00mple.com/",  # a NUL in the host
]


def ingest(db: Database, extractor: Extractor, inputs: list[str], policy: FetchPolicy) -> IngestReport:
    return service.ingest_articles(db, inputs, policy, extractor)


@pytest.mark.parametrize("policy", [OPEN, GUARDED], ids=["open", "guarded"])
def test_malformed_urls_are_rejected_one_line_each_and_the_batch_goes_on(
    db: Database, extractor: Extractor, tmp_path: Path, policy: FetchPolicy
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(samples.WIRE, encoding="utf-8")
    report = ingest(db, extractor, [str(good), *MALFORMED_URLS], policy)
    assert report.ingested == 1
    assert sorted(r.source for r in report.rejected) == sorted(MALFORMED_URLS)
    for rejected in report.rejected:
        line = rejected.line()
        assert "\n" not in line and rejected.reason.startswith("malformed URL ("), line
    assert [r.sources for r in service.list_articles(db)] == [[str(good)]]


def test_feed_entries_with_bad_links_are_rejected_one_by_one(
    db: Database, extractor: Extractor, web: LocalServer
) -> None:
    """A feed is remote input: an entry's malformed link must not abort the feed, the batch, or the run."""
    web.add(
        "/inputs/linked.html",
        samples.html_page("Linked story", [p.replace("ferry", "rail") for p in samples.PAGE_PARAGRAPHS]),
    )
    full = samples.long_html(samples.PAGE_PARAGRAPHS)
    feed = web.add(
        "/inputs/feed.rss",
        samples.rss(
            [
                ("Broken bracket", "http://[oops", "teaser"),
                ("Broken port", "http://example.com:99999/story", "teaser"),
                ("Broken label", "http://a..b/story", "teaser"),
                ("Full story, broken link", "http://[oops/full", full),
                ("Linked page", web.url("/inputs/linked.html"), "teaser"),
            ]
        ),
        "application/rss+xml",
    )
    report = ingest(db, extractor, [feed], OPEN)
    assert report.ingested == 1, report.rejected
    reasons = {r.source: r.reason for r in report.rejected}
    assert sorted(reasons) == sorted(
        ["http://[oops", "http://example.com:99999/story", "http://a..b/story", "http://[oops/full"]
    )
    assert all("malformed URL (" in reason for reason in reasons.values()), reasons
    assert [r.title for r in service.list_articles(db)] == ["Linked story"]


def test_cli_rejects_a_malformed_url_in_one_line_and_keeps_the_good_file(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFINGS_DATABASE_URL": db_url, "PYTHONPATH": str(REPO)}
    good = tmp_path / "good.txt"
    good.write_text(samples.WIRE, encoding="utf-8")
    result = run_cli(["ingest", str(good), "http://[::1", "http://a..b/"], env, tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert result.stdout.strip() == "ingested 1, unchanged 0, rejected 2"
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected ")]
    assert [line.split(": ", 1)[0] for line in rejected] == ["rejected http://[::1", "rejected http://a..b/"]


def bad_paths(tmp_path: Path) -> list[str]:
    return [
        "~nosuchuser-briefings/x.txt",  # RuntimeError from expanduser
        str(tmp_path / ("n" * 300 + ".txt")),  # OSError ENAMETOOLONG from stat
        str(tmp_path / ("d" * 300) / "x.txt"),  # the same, in a folder's name
    ]


def test_bad_local_paths_are_rejected_one_line_each(
    db: Database, extractor: Extractor, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(samples.WIRE, encoding="utf-8")
    paths = bad_paths(tmp_path)
    report = ingest(db, extractor, [paths[0], str(good), *paths[1:]], OPEN)
    assert report.ingested == 1
    reasons = {r.source: r.reason for r in report.rejected}
    assert sorted(reasons) == sorted(paths)
    assert reasons[paths[0]] == "no such user: ~nosuchuser-briefings"
    assert reasons[paths[1]] == reasons[paths[2]] == "cannot read (File name too long)"


def test_cli_rejects_bad_paths_without_a_traceback(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFINGS_DATABASE_URL": db_url, "PYTHONPATH": str(REPO)}
    good = tmp_path / "good.txt"
    good.write_text(samples.WIRE, encoding="utf-8")
    result = run_cli(["ingest", *bad_paths(tmp_path), str(good)], env, tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert result.stdout.strip() == "ingested 1, unchanged 0, rejected 3"


def dated_feed(web: LocalServer, n: int) -> tuple[str, list[str]]:
    """A feed of ``n`` entries without their story, in no order of date; each links to its own page.
    Returns the feed's URL and the pages' paths, newest first."""
    days = [(7 * i) % n for i in range(n)]  # every day 0..n-1 once, shuffled
    items = []
    for day in days:
        when = dt.date(2025, 1, 1) + dt.timedelta(days=day)
        path = f"/inputs/cap/{day}.html"
        words = [f"Delegates from {n} coastal states met on day {day} of the year to discuss fishing quotas."]
        paragraphs = [p.replace("ferry", f"ferry number {day}") for p in samples.PAGE_PARAGRAPHS] + words
        web.add(path, samples.html_page(f"Ferry story {day}", paragraphs, date=when.isoformat()))
        items.append(
            f"<item><title>Ferry story {day}</title><link>{web.url(path)}</link>"
            f"<pubDate>{format_datetime(dt.datetime.combine(when, dt.time(9), dt.UTC))}</pubDate></item>"
        )
    feed = web.add(
        f"/inputs/cap/feed-{n}.rss",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Capped</title>'
        + "".join(items)
        + "</channel></rss>",
        "application/rss+xml",
    )
    return feed, [f"/inputs/cap/{day}.html" for day in sorted(days, reverse=True)]


def test_a_feed_is_read_newest_first_up_to_its_cap(
    db: Database, extractor: Extractor, web: LocalServer
) -> None:
    feed, pages = dated_feed(web, 30)
    before = {p: web.hits.get(p, 0) for p in pages}
    capped = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=True, max_feed_entries=5)
    report = ingest(db, extractor, [feed], capped)
    fetched = [p for p in pages if web.hits.get(p, 0) > before[p]]
    assert fetched == pages[:5]  # the five newest pages, and no other
    assert report.ingested == 5
    assert [r.line() for r in report.rejected] == [
        f"{feed}: 25 older entries not read (at most 5 entries of a feed: BRIEFINGS_MAX_FEED_ENTRIES)"
    ]


def test_the_feed_cap_is_200_by_default() -> None:
    assert FetchPolicy().max_feed_entries == 200


def test_the_feed_cap_is_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefings.config import load_settings

    assert service.fetch_policy(load_settings()).max_feed_entries == 200
    monkeypatch.setenv("BRIEFINGS_MAX_FEED_ENTRIES", "7")
    assert service.fetch_policy(load_settings()).max_feed_entries == 7


def test_files_that_would_make_a_read_wait_are_rejected_not_waited_for(
    db: Database, extractor: Extractor, tmp_path: Path
) -> None:
    """A FIFO in a folder (found by the fuzz run of issue #14: reading one waited forever) and a
    kernel file whose size says nothing: one line each, the rest of the batch ingested."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(samples.WIRE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    inputs = [str(folder)]
    kmsg = Path("/proc/kmsg")
    if kmsg.exists() and os.access(kmsg, os.R_OK):
        inputs.append(str(kmsg))  # a regular file by its type, and a read waits for the kernel
    report = ingest(db, extractor, inputs, OPEN)
    assert report.ingested == 1
    reasons = {Path(r.source).name: r.reason for r in report.rejected}
    assert reasons["pipe.txt"] == "not a regular file"
    if len(inputs) == 2:
        assert reasons["kmsg"].startswith("not a regular file")
