"""What the fuzz runs found (``tests/fuzz/``, ``benchmarks/fuzz_run.py``), each pinned by the
smallest input that showed it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from briefings import render, service
from briefings.extract import Extractor
from briefings.ingest.clean import clean_text
from briefings.ingest.fetch import FetchPolicy
from briefings.ingest.sources import Loaded, SourceLoader
from briefings.service.app import BriefingService
from briefings.storage.db import Database
from briefings.storage.tables import Article
from briefings.views import Brief, SourceLine
from testing.botapi import BotApiServer
from testing.botapi.entities import parse_html, utf16_len
from tests import samples
from tests.bot_e2e import fixtures as e2e
from tests.bot_e2e.harness import assert_clean, running_bot

botapi_server, corpus, bot_db_url, service_ = e2e.botapi_server, e2e.corpus, e2e.bot_db_url, e2e.service

POLICY = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=False)
STORY = samples.long_html(
    [
        "Norway and Iceland agreed on Wednesday to extend a fisheries accord for five years, "
        "the Norwegian foreign ministry said in a statement issued in Oslo.",
        "Iceland's fisheries minister said quotas for mackerel would be reviewed every spring "
        "by a joint commission of scientists from both countries.",
    ]
)


def feed(title: str, pub_date: str) -> str:
    return samples.rss([(title, "http://127.0.0.1:9/fish", STORY)]).replace(
        "Tue, 10 Jun 2025 09:00:00 GMT", pub_date
    )


def load(path: Path) -> list[Loaded]:
    with SourceLoader(POLICY) as loader:
        items = list(loader.load(str(path)))
    assert all(isinstance(i, Loaded) for i in items), items
    return [i for i in items if isinstance(i, Loaded)]


def test_a_publication_date_at_the_end_of_the_calendar_is_dropped(
    db: Database, tmp_path: Path, extractor: Extractor
) -> None:
    """A feed dated "Mon, 31 Dec 9999 23:59:59 +2400" made consolidation compute a day in year
    10000 (ValueError: the whole ingest failed); dates outside 1900–2199 are now no dates."""
    inputs = []
    for name, date in (
        ("end.xml", "Fri, 31 Dec 9999 23:59:59 +0000"),
        ("start.xml", "Mon, 01 Jan 0001 00:00:00 GMT"),
    ):
        path = tmp_path / name
        path.write_text(feed(f"Fisheries {name}", date).replace("/fish", f"/{name}"), encoding="utf-8")
        inputs.append(str(path))
    text = tmp_path / "signoff.txt"
    text.write_text(samples.SIGNOFF.replace("March 21, 2025", "December 31, 9999"), encoding="utf-8")
    inputs.append(str(text))
    for source in inputs:
        assert [item.article.published for item in load(Path(source))] == [None]
    report = service.ingest_articles(db, inputs, POLICY, extractor)
    assert (report.ingested, report.rejected) == (2, [])  # the two feed entries are one story
    with db.transaction() as s:
        assert all(a.published is None or a.published.year < 2200 for a in s.query(Article))
    kept = tmp_path / "kept.xml"
    kept.write_text(feed("Fisheries kept", "Tue, 10 Jun 2025 09:00:00 GMT"), encoding="utf-8")
    assert [item.article.published for item in load(kept)] == [dt.date(2025, 6, 10)]


def test_a_feed_with_a_reference_to_a_surrogate_is_read(tmp_path: Path) -> None:
    """feedparser raised UnicodeEncodeError on ``&#xD800;`` (the whole feed was lost, and the
    exception escaped the loader); such references are read as U+FFFD."""
    path = tmp_path / "feed.xml"
    path.write_text(feed("Fisheries &#xD800; talks &#0; &#x110000;", "Tue, 10 Jun 2025 09:00:00 GMT"))
    [item] = load(path)
    assert item.article.title == "Fisheries \ufffd talks \ufffd \ufffd"
    broken = tmp_path / "utf16.xml"  # where the references cannot be seen in the bytes: rejected, one line
    broken.write_bytes(feed("Fisheries &#xD800;", "Tue, 10 Jun 2025 09:00:00 GMT").encode("utf-16"))
    with SourceLoader(POLICY) as loader:
        items = list(loader.load(str(broken)))
    assert len(items) == 1


def test_links_telegram_refuses_are_shown_as_text() -> None:
    """A feed entry linked to ``http://[::1]/x`` put ``<a href="http://[::1]/x">`` into the digest:
    Telegram drops such a link (the strict test server refuses the message). Only links with a
    host name Telegram takes, and no user or password, become links now."""
    refused = ("http://[::1]/x", "http://localhost/a", "http://intranet/a", "http://user:pw@example.org/a")
    brief = Brief(
        title="Beat",
        sources=[SourceLine(title=f"story {i}", url=url) for i, url in enumerate(refused)]
        + [SourceLine(title="kept", url="https://example.org/a?b=1")],
    )
    [text] = render.render_telegram("brief", brief)
    parsed = parse_html(text, strict=True)
    assert [e.url for e in parsed.entities if e.type == "text_link"] == ["https://example.org/a?b=1"]
    assert all(f"story {i}" in parsed.text for i in range(len(refused)))
    assert "pw@" not in text


def test_extraction_time_grows_with_the_text_not_its_square(extractor: Extractor) -> None:
    """A 256 KB file of tag soup full of quote marks and without a full stop took minutes to
    extract: each quote scanned its whole "sentence" (all of the text) and every candidate speaker.
    60,000 characters of it took 25 s; now well under a second (bounded here for slow machines)."""
    unit = '<![CDATA[<feed>¿ \u202e\t<a href="http://127.0.0.1/"> <![CDATA[</<p><feed>😀\u180e\t\ufeff'
    article = clean_text(unit * (60_000 // len(unit)))
    started = time.perf_counter()
    extractor.extract(article, "soup")
    assert time.perf_counter() - started < 8


def test_a_text_without_sentence_breaks_is_extracted_in_linear_time(extractor: Extractor) -> None:
    """The same sentence glued 600 times without a space after its full stop is one "sentence" of
    60,000 characters: finding each official's country searched all of it for every place and
    every mention (cubic; 64 KB took minutes). Sentences are cut at 1500 characters now."""
    glued = "Foreign Secretary Vikram Misri met Chinese Vice Foreign Minister Sun Weidong in Beijing."
    article = clean_text(glued * 600)
    started = time.perf_counter()
    summary = extractor.extract(article, "glued")
    assert time.perf_counter() - started < 8
    assert {o.name for o in summary.officials} >= {"Vikram Misri", "Sun Weidong"}


def test_cli_rejections_are_one_line_each(tmp_path: Path) -> None:
    """trafilatura logged "empty HTML tree" and more at ERROR on stderr, next to our line; and a
    feed entry named by a guid with line breaks (or a right-to-left override) printed a rejection
    over several lines. Each rejection is one line now, such characters shown escaped."""
    page = tmp_path / "page.html"
    page.write_text("<!doctype html>", encoding="utf-8")
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>x</title><guid>wang\u200b\n\n\u202etxt.exe</guid></item></channel></rss>",
        encoding="utf-8",
    )
    env = {**os.environ, "BRIEFINGS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    done = subprocess.run(
        [sys.executable, "-m", "briefings.cli", "ingest", str(page), str(feed)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"rejected {page}: no article text found in the page",
        "rejected wang\u200b\\n\\n\\u202etxt.exe: feed entry has neither full content nor a link",
    ]


async def test_huge_arguments_get_a_reply_that_fits(
    botapi_server: BotApiServer, service_: BriefingService
) -> None:
    """``/brief`` with a 4000-character topic: the "unknown topic" reply quoted all of it and went
    over 4096 characters (Telegram refused it: the user got no answer). Now the quote is cut."""
    server = botapi_server
    huge = "<b>" + "x" * 4000
    async with running_bot(service_):
        for user, text in enumerate(
            (
                f"/brief {huge}",
                f"/timeline {huge}",
                f"/start brief_{huge}",
                f"/who {huge}",
                f"/start who_{huge}",
            ),
            start=300,
        ):
            server.user_sends(user, text)
        for user in range(300, 305):
            reply = await server.wait_for_message(user, timeout=10)
            assert utf16_len(reply["text"]) <= 4096
            assert "<b>x" in reply["text"]  # shown as typed
        await server.wait_updates_consumed()
    assert "unknown topic '<b>xxxx" in server.texts(300)[0] and "…'" in server.texts(300)[0]
    assert_clean(server)


async def test_a_button_nobody_knows_is_answered(
    botapi_server: BotApiServer, service_: BriefingService
) -> None:
    """A button with data no handler takes (an older version's, or forged) was never answered:
    the client kept its spinner. Now it is told the button no longer works."""
    server = botapi_server
    async with running_bot(service_):
        server.user_sends(42, "/help")
        shown = await server.wait_for_message(42, "Commands")
        query = server.user_presses(42, shown, "topic:flights", check=False)
        answer = await server.wait_for_callback_answer(query["id"])
        assert answer.text and "no longer works" in answer.text
    assert_clean(server)
