"""Ingestion end to end on a real database (SQLite file and PostgreSQL), with pages and feeds on 127.0.0.1."""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefings import service
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.models import CleanArticle
from briefings.service import IngestReport
from briefings.storage import repository as repo
from briefings.storage.db import Database
from briefings.storage.tables import Article, ArticleSource
from tests import samples
from tests.cli import run_cli
from tests.webserver import LocalServer


def ingest(db: Database, inputs: list[str], policy: FetchPolicy) -> IngestReport:
    return service.ingest_articles(db, inputs, policy, EXTRACTOR)


POLICY = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=True)
REPO = Path(__file__).resolve().parents[1]
EXTRACTOR = Extractor.load()


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def counts(db: Database) -> tuple[int, int]:
    with db.transaction() as s:
        return (
            s.scalar(select(func.count()).select_from(Article)) or 0,
            s.scalar(select(func.count()).select_from(ArticleSource)) or 0,
        )


def test_folder_is_ingested_recursively_and_idempotently(db: Database, tmp_path: Path) -> None:
    write(tmp_path, "a/wire.txt", samples.WIRE)
    write(tmp_path, "a/b/signoff.txt", samples.SIGNOFF)
    write(tmp_path, "captioned.txt", samples.CAPTIONED)
    first = ingest(db, [str(tmp_path)], POLICY)
    assert (first.ingested, first.unchanged, first.rejected) == (3, 0, [])
    second = ingest(db, [str(tmp_path)], POLICY)
    assert (second.ingested, second.unchanged, second.new_sources) == (0, 3, 0)
    assert counts(db) == (3, 3)


def test_same_story_under_two_names_is_stored_once_with_both_sources(db: Database, tmp_path: Path) -> None:
    one = write(tmp_path, "one.txt", samples.SIGNOFF)
    # the same story with other whitespace and quote styles
    two = write(tmp_path, "two.txt", samples.SIGNOFF.replace("\n\n", "\n\n\n").replace("  ", " "))
    report = ingest(db, [str(one), str(two)], POLICY)
    assert (report.ingested, report.unchanged, report.new_sources) == (1, 1, 1)
    rows = service.list_articles(db)
    assert len(rows) == 1
    assert rows[0].sources == [str(one), str(two)]
    assert rows[0].published == "2025-03-21"


def test_content_hash_is_stable() -> None:
    """Stored articles are found again by this hash: it must not change between versions."""
    text = "  \uff34he \u201cTalks\u201d\u00a0resumed \u2014\tin\u2028Delhi.\x1c \ufb01nal\u3000WORD  "
    digest = "97bca55dbe9d9e0286ea9f5eb343d4dba286f1514a492a242ddfd3b4473b707a"
    assert repo.content_hash(text) == digest
    assert repo.content_hash('the "talks" resumed - in delhi. final word') == digest


def test_stories_stored_meanwhile_by_another_process_leave_the_batch_unwritten(db_url: str) -> None:
    """The batch insert of new stories keeps none of them when another process stored one of them
    after this transaction looked: the caller then goes one by one, in a usable transaction."""
    mine, other = Database(db_url), Database(db_url)
    first = CleanArticle(title="First", text="A first story.", outlet="Wire")
    second = CleanArticle(title="Second", text="A second story.", outlet="Wire")
    try:
        with mine.transaction() as session:
            assert repo.existing_hashes(session, [repo.content_hash(a.text) for a in (first, second)]) == {}
            with other.transaction() as elsewhere:  # the other process commits the second story
                repo.add_article(elsewhere, second, "elsewhere.txt", repo.content_hash(second.text))
            new = [
                repo.NewArticle(a, f"{a.title}.txt", repo.content_hash(a.text), None, [])
                for a in (first, second)
            ]
            assert repo.add_new_articles(session, new, version="1") is None
            assert session.scalar(select(func.count()).select_from(Article)) == 1
            _, created = repo.add_article(session, first, "First.txt", new[0].digest)
            assert created
        rows = service.list_articles(mine)
        assert sorted((r.title, r.sources) for r in rows) == [
            ("First", ["First.txt"]),
            ("Second", ["elsewhere.txt"]),
        ]
    finally:
        mine.dispose()
        other.dispose()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8-bom.txt", codecs.BOM_UTF8 + samples.SIGNOFF.replace("Sefcovic", "Šefčovič").encode("utf-8")),
        ("utf16.txt", samples.SIGNOFF.replace("Sefcovic", "Šefčovič").encode("utf-16")),
        ("utf16be.txt", samples.SIGNOFF.replace("Sefcovic", "Šefčovič").encode("utf-16-be")),
        ("latin1.txt", samples.SIGNOFF.replace("Sefcovic", "Séfcovic").encode("latin-1")),
    ],
)
def test_encodings(db: Database, tmp_path: Path, name: str, data: bytes) -> None:
    report = ingest(db, [str(write(tmp_path, name, data))], POLICY)
    assert report.ingested == 1, report.rejected
    with db.transaction() as s:
        text = s.scalars(select(Article.text)).one()
    assert "Vice-President Maro" in text and ("Šefčovič" in text or "Séfcovic" in text)
    assert "\ufeff" not in text


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n \t \n", "only whitespace"),
    ("binary.txt", bytes(range(256)) * 8, "NUL bytes"),
    ("story.txt.gz", gzip.compress(samples.SIGNOFF.encode()), "compressed data (gzip)"),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "unsupported format (PDF)"),
    ("nul.txt", samples.SIGNOFF.encode()[:200] + b"\x00\x00" + samples.SIGNOFF.encode()[200:], "NUL bytes"),
    ("garbled.txt", bytes([0x81, 0x8D, 0x90, 0x9D, 0x8F]) * 200, "undecodable text"),
    ("notes.docx", b"PK\x03\x04" + b"\x00" * 100, "compressed data (zip)"),
    ("tiny.txt", b"Just a headline.", "too little text"),
    (
        "feed.xml",
        b"<?xml version='1.0'?><inventory><item>bolts</item></inventory>",
        "not an RSS or Atom feed",
    ),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_file_is_rejected_with_a_reason_and_the_rest_ingested(
    db: Database, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    good = write(tmp_path, "good.txt", samples.WIRE)
    bad = write(tmp_path, name, data)
    report = ingest(db, [str(bad), str(good)], POLICY)
    assert report.ingested == 1
    assert len(report.rejected) == 1
    line = report.rejected[0].line()
    assert line.startswith(str(bad) + ": ") and reason in line, line
    assert "\n" not in line
    assert counts(db) == (1, 1)


def test_oversized_and_missing(db: Database, tmp_path: Path) -> None:
    big = write(tmp_path, "big.txt", ("All quiet on the border today. " * 5000))
    report = ingest(db, [str(big), str(tmp_path / "nope.txt")], POLICY)
    reasons = [r.line() for r in report.rejected]
    assert any(r.startswith(str(big)) and "too large" in r for r in reasons)
    assert any("nope.txt: no such file or directory" in r for r in reasons)
    assert counts(db) == (0, 0)


def test_page_feed_redirect_and_network_failures(db: Database, web: LocalServer) -> None:
    page = web.add("/world/ferry.html", samples.html_page("Ferry link restored", samples.PAGE_PARAGRAPHS))
    entries = [
        (
            "Talks on fisheries",
            web.url("/fish"),
            samples.long_html(
                [
                    "Norway and Iceland agreed on Wednesday to extend a fisheries accord for five years, "
                    "the Norwegian foreign ministry said in a statement issued in Oslo.",
                    "Iceland's fisheries minister said quotas for mackerel would be reviewed every spring "
                    "by a joint commission of scientists from both countries.",
                ]
            ),
        ),
        ("Linked page only", web.url("/linked.html"), "short teaser"),
    ]
    web.add(
        "/linked.html",
        samples.html_page("Linked story", [p.replace("ferry", "rail") for p in samples.PAGE_PARAGRAPHS]),
    )
    feed = web.add("/feed.rss", samples.rss(entries), "application/rss+xml")
    not_feed = web.add(
        "/fake.rss", "<html><body>this is a page, not a feed</body></html>", "application/rss+xml"
    )
    inputs = [
        page,
        feed,
        web.url("/redirect/world/ferry.html"),
        web.url("/missing"),
        web.url("/slow"),
        web.url("/endless"),
        web.url("/to-ftp"),
        not_feed,
        "ftp://127.0.0.1/file.txt",
        "http://127.0.0.1:9/closed",
    ]
    report = ingest(db, inputs, POLICY)
    assert report.ingested == 3, report.rejected  # the page, the feed's full entry, the linked page
    assert report.new_sources == 1  # the redirect found the same page again
    reasons = {r.source: r.reason for r in report.rejected}
    assert "404" in reasons[web.url("/missing")]
    assert "timed out" in reasons[web.url("/slow")]
    assert "too large" in reasons[web.url("/endless")]
    assert "only http and https" in reasons[web.url("/to-ftp")]
    assert "only http and https" in reasons["ftp://127.0.0.1/file.txt"]
    assert "unreachable" in reasons["http://127.0.0.1:9/closed"]
    assert reasons[not_feed]  # a page served as a feed is read as a page or rejected, never a crash
    rows = {r.title: r for r in service.list_articles(db)}
    ferry = rows["Ferry link restored"]
    assert ferry.outlet == "Example Herald" and ferry.published == "2025-05-02"
    fish = rows["Talks on fisheries"]
    assert fish.published == "2025-06-10" and fish.outlet == "Example Wire"
    with db.transaction() as s:
        text = s.scalars(select(Article.text).where(Article.title == "Ferry link restored")).one()
    assert "Great article" not in text and "Related stories" not in text


def test_private_addresses_are_refused_unless_allowed(db: Database, web: LocalServer) -> None:
    page = web.add("/private.html", samples.html_page("Private", samples.PAGE_PARAGRAPHS))
    strict = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=False)
    report = ingest(db, [page], strict)
    assert report.ingested == 0
    assert "private or local address" in report.rejected[0].reason


def test_cli_ingest_articles_exit_codes_and_no_traceback(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFINGS_DATABASE_URL": db_url}
    write(tmp_path, "in/good.txt", samples.WIRE)
    write(tmp_path, "in/empty.txt", b"")
    write(tmp_path, "in/doc.pdf", b"%PDF-1.4 hello")
    result = run_cli(["ingest", str(tmp_path / "in"), str(tmp_path / "missing")], env, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == "ingested 1, unchanged 0, rejected 3"
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected ")]
    assert len(rejected) == 3
    again = run_cli(["ingest", str(tmp_path / "in" / "good.txt")], env, tmp_path)
    assert again.returncode == 0 and again.stdout.strip() == "ingested 0, unchanged 1, rejected 0"
    listing = run_cli(["articles", "--format", "json"], env, tmp_path)
    payload = json.loads(listing.stdout)
    assert [sorted(row) for row in payload] == [
        ["beats", "id", "outlet", "published", "sources", "title", "version", "versions"]
    ]
    assert (payload[0]["version"], payload[0]["versions"]) == (1, [])
    assert payload[0]["published"] == "2025-03-04"


def test_cli_bad_setting_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFINGS_TIMEZONE": "Mars/Olympus"}
    result = run_cli(["articles"], env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: BRIEFINGS_TIMEZONE: unknown time zone 'Mars/Olympus' (use an IANA name such as Asia/Kolkata)"
    ]


@pytest.mark.skipif(not (REPO.parent / "shared" / "seeds").is_dir(), reason="../shared/seeds is not present")
def test_seed_articles_dates_and_outlets(db: Database) -> None:
    seeds = REPO.parent / "shared" / "seeds"
    report = ingest(db, [str(seeds)], POLICY)
    assert report.ingested == 5
    rows = {Path(r.sources[0]).name[:3]: r for r in service.list_articles(db)}
    assert rows["000"].published == "2025-06-13" and rows["001"].published == "2025-06-13"
    assert rows["001"].outlet == "Bloomberg" and rows["002"].outlet == "Rediff"
    assert ingest(db, [str(seeds)], POLICY).ingested == 0
