"""The ingestion fuzz target: hostile files through the real pipeline into a real database.

:meth:`IngestTarget.check` writes one case's files, ingests them with
:func:`briefings.service.ingest_articles` (the path of ``briefings ingest`` and of the bot's
scheduled ingestion) and checks, for any input whatsoever:

* no exception escapes: bad input is a :class:`Rejected` item with a one-line reason;
* every file is accounted for (stored, or rejected under its own name), except feeds, whose
  entries are named by their links;
* nothing is half-written: the article and source counts moved by exactly what the report says,
  each new article has a source, its hash, word count and fact spans agree with its text, and the
  picture was updated once, over every stored article;
* what is stored fits any of our databases: valid UTF-8, no NUL character (PostgreSQL refuses
  them), within each column's declared length (PostgreSQL enforces them, SQLite does not);
* what is stored can be read again: cleaning the stored text once more and extracting it works;
* every view rendered from it (brief, timeline, channel post, digest, profiles) is Telegram HTML
  that the test server's port of Telegram's parser accepts, each message within 4096 UTF-16 units.

:func:`run_cli` runs ``briefings ingest`` as a process over some files and checks its output is
one line per rejection and a summary, with no traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, delete, func, select, update

from briefings.extract import Extractor
from briefings.ingest.clean import clean_text
from briefings.ingest.fetch import FetchPolicy
from briefings.ingest.sources import _kind_for_suffix
from briefings.models import CleanArticle, Consolidated
from briefings.service import IngestReport, ingest_articles
from briefings.service.app import BriefingService
from briefings.storage.db import Database
from briefings.storage.picture import pack_picture
from briefings.storage.repository import content_hash
from briefings.storage.tables import Article, ArticleBeat, ArticleSource, Fact, Outlet, Picture
from testing.botapi.entities import parse_html, utf16_len
from tests.bot_e2e.harness import make_settings
from tests.fuzz.files import FuzzFile

REPO = Path(__file__).resolve().parents[2]
TELEGRAM_LIMIT = 4096
#: string columns whose values come from the input
CHECKED_TABLES = (Article, ArticleSource, Outlet, Fact)


class PropertyFailed(AssertionError):
    """A property of the fuzz target does not hold for this input."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise PropertyFailed(message)


@dataclass(frozen=True)
class Counts:
    articles: int
    sources: int
    version: int
    pictured: int
    on_beat: int  # articles judged on the (default) beat


def counts(db: Database) -> Counts:
    with db.transaction() as s:
        picture = s.scalars(select(Picture).order_by(Picture.id)).first()
        on_beat = select(func.count()).select_from(ArticleBeat).where(ArticleBeat.relevant.is_(True))
        return Counts(
            articles=s.scalar(select(func.count()).select_from(Article)) or 0,
            sources=s.scalar(select(func.count()).select_from(ArticleSource)) or 0,
            version=picture.version if picture else 0,
            pictured=picture.articles if picture else 0,
            on_beat=s.scalar(on_beat) or 0,
        )


def check_telegram_html(messages: list[str], what: str) -> None:
    """Each message parses as Telegram HTML (strictly, as the test server does) and fits."""
    expect(bool(messages), f"{what}: no messages")
    for index, text in enumerate(messages):
        try:
            parsed = parse_html(text, strict=True)
        except ValueError as exc:
            raise PropertyFailed(f"{what} #{index}: not valid Telegram HTML: {exc}: {text[:300]!r}") from exc
        expect(
            utf16_len(parsed.text) <= TELEGRAM_LIMIT,
            f"{what} #{index}: {utf16_len(parsed.text)} UTF-16 units",
        )
        expect(bool(parsed.text.strip()), f"{what} #{index}: empty message")


def check_storable(row: Any) -> None:
    """Every string column of the row: UTF-8, no NUL, within its declared length."""
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if not isinstance(value, str):
            continue
        where = f"{row.__tablename__}.{column.key} of row {row.id}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise PropertyFailed(f"{where}: not valid UTF-8 ({exc.reason}): {value[:80]!r}") from exc
        expect("\x00" not in value, f"{where}: contains NUL: {value[:80]!r}")
        if isinstance(column.type, String) and column.type.length:
            expect(
                len(value) <= column.type.length,
                f"{where}: {len(value)} characters, the column holds {column.type.length}",
            )


def check_one_line(line: str, what: str) -> None:
    expect("\n" not in line and "\r" not in line, f"{what} is not one line: {line[:200]!r}")


class IngestTarget:
    """A database and a folder for cases; the real extractor and pipeline."""

    def __init__(self, db_url: str, folder: Path, extractor: Extractor, *, max_bytes: int) -> None:
        self.db_url = db_url
        self.folder = folder
        self.extractor = extractor
        # no private addresses: a feed's links to 127.0.0.1 are refused before any request
        self.policy = FetchPolicy(timeout=1.0, max_bytes=max_bytes, allow_private=False)
        self.db = Database(db_url)
        self.service = BriefingService(make_settings(database_url=db_url), db=self.db)
        self.cases = 0
        self.ingested = 0
        self.rejected = 0

    def close(self) -> None:
        self.service.close()

    def write(self, files: list[FuzzFile]) -> list[Path]:
        self.cases += 1
        case = self.folder / f"case-{self.cases}"
        case.mkdir(parents=True, exist_ok=True)
        paths = []
        for index, item in enumerate(files):
            path = case / f"{index}-{item.name}"
            path.write_bytes(item.data)
            paths.append(path)
        return paths

    def reset(self) -> None:
        """Empty the database, so that each case is reproducible on its own. The picture row stays
        (emptied): its version keeps counting up, as the readers' caches expect."""
        with self.db.transaction() as s:
            for table in (Fact, ArticleSource, Article, Outlet):
                s.execute(delete(table))
            s.execute(update(Picture).values(articles=0, packed=pack_picture(Consolidated()), state=None))

    def check_inputs(self, good: Path, inputs: list[str]) -> IngestReport:
        """A good file among hostile URLs and paths: each hostile input is one line's rejection (or,
        for an unreachable address, a failed fetch in one line), the good file is stored, nothing
        raises."""
        self.reset()
        self.cases += 1
        report = ingest_articles(self.db, [str(good), *inputs], self.policy, self.extractor)
        self.ingested += report.ingested
        self.rejected += len(report.rejected)
        expect(report.ingested + report.unchanged == 1, f"the good file was not stored: {report.summary()}")
        expect(len(report.rejected) >= 1, f"no rejection among {inputs!r}: {report.summary()}")
        for item in report.rejected:
            check_one_line(item.line(), "a rejection")
            expect(bool(item.reason.strip()), f"a rejection without a reason: {item!r}")
        return report

    def check(self, files: list[FuzzFile]) -> IngestReport:
        self.reset()
        paths = self.write(files)
        before = counts(self.db)
        report = ingest_articles(self.db, [str(p) for p in paths], self.policy, self.extractor)
        after = counts(self.db)
        self.ingested += report.ingested
        self.rejected += len(report.rejected)

        for item in report.rejected:
            check_one_line(item.line(), "a rejection")
            expect(bool(item.reason.strip()), f"a rejection without a reason: {item!r}")
        expect(
            after.articles == before.articles + report.ingested,
            f"articles {before.articles} -> {after.articles} for {report.summary()}",
        )
        expect(
            after.sources == before.sources + report.ingested + report.new_sources,
            f"sources {before.sources} -> {after.sources} for {report.summary()}",
        )
        expect(len(report.article_ids) == report.ingested, "article ids do not match the count")
        if report.ingested:
            expect(
                after.version == before.version + 1, f"picture version {before.version} -> {after.version}"
            )
            expect(
                after.pictured == after.on_beat,
                f"picture of {after.pictured} of the {after.on_beat} articles on the beat",
            )
        else:
            expect(after.version == before.version, "the picture changed with nothing new")
        self._accounted(paths, report)
        self._stored(report.article_ids)
        if report.ingested:
            self._rendered()
        return report

    def _accounted(self, paths: list[Path], report: IngestReport) -> None:
        rejected = {r.source for r in report.rejected}
        with self.db.transaction() as s:
            stored = set(
                s.scalars(
                    select(ArticleSource.source).where(ArticleSource.source.in_([str(p) for p in paths]))
                )
            )
        for path in paths:
            if _kind_for_suffix(path.suffix.lower(), path.read_bytes()) == "feed":
                continue  # entries are named by their links
            hits = (str(path) in rejected) + (str(path) in stored)
            expect(hits == 1, f"{path.name}: rejected={str(path) in rejected}, stored={str(path) in stored}")

    def _stored(self, ids: list[int]) -> None:
        with self.db.transaction() as s:
            articles = s.scalars(select(Article).where(Article.id.in_(ids))).all()
            expect(len(articles) == len(ids), f"{len(ids) - len(articles)} reported articles are not stored")
            for article in articles:
                check_storable(article)
                expect(content_hash(article.text) == article.content_hash, f"article {article.id}: hash")
                expect(article.word_count == len(article.text.split()), f"article {article.id}: word count")
                expect(bool(article.title.strip()), f"article {article.id}: empty title")
                expect(len(article.sources) >= 1, f"article {article.id}: no source")
                for source in article.sources:
                    check_storable(source)
                if article.outlet is not None:
                    check_storable(article.outlet)
                facts = s.scalars(select(Fact).where(Fact.article_id == article.id)).all()
                for fact in facts:
                    check_storable(fact)
                    expect(
                        0 <= fact.span_start <= fact.span_end <= len(article.text),
                        f"fact {fact.id} ({fact.kind}) span {fact.span_start}-{fact.span_end}"
                        f" outside the text of {len(article.text)}",
                    )
            stored = [
                (a.id, CleanArticle(title=a.title, text=a.text, published=a.published)) for a in articles[:2]
            ]
        for ident, clean in stored:  # what is stored reads again: cleaned once more, extracted
            again = clean_text(clean.text, fallback_title=clean.title)
            self.extractor.extract(again, f"stored-{ident}")

    def _rendered(self) -> None:
        svc = self.service
        check_telegram_html(svc.reading.brief_messages(), "brief")
        check_telegram_html(svc.reading.timeline_messages(), "timeline")
        check_telegram_html(svc.reading.channel_post_messages(), "channel post")
        now = dt.datetime.now(dt.UTC)
        from briefings import render

        digest = svc.reading.digest(now - dt.timedelta(days=1), now + dt.timedelta(minutes=1))
        check_telegram_html([render.digest_message(digest)], "digest")
        officials = svc.reading.snapshot().picture.officials
        for person in officials[-3:]:
            _result, messages = svc.reading.who_messages(person.name)
            check_telegram_html(messages, f"/who {person.name!r}")


def cli_env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFINGS_", "TELEGRAM_"))}
    env.update(BRIEFINGS_DATABASE_URL=db_url, PYTHONPATH=str(REPO))
    return env


def run_cli(paths: list[Path], db_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``briefings ingest`` over the files; its output must be one line per rejection and a summary."""
    done = subprocess.run(
        [sys.executable, "-c", "from briefings.cli import main; main()", "ingest", *map(str, paths)],
        capture_output=True,
        text=True,
        env=cli_env(db_url),
        cwd=cwd,
        timeout=300,
    )
    expect(done.returncode in (0, 1), f"exit status {done.returncode}: {done.stderr[-2000:]}")
    expect("Traceback" not in done.stderr, f"a traceback: {done.stderr[-2000:]}")
    summary = done.stdout.strip().splitlines()
    expect(
        len(summary) == 1 and summary[0].startswith("ingested "),
        f"stdout is not one summary line: {done.stdout[-500:]!r}",
    )
    lines = done.stderr.splitlines()
    stray = [line for line in lines if not line.startswith("rejected ")]
    expect(not stray, f"stray stderr lines: {stray[:5]!r}")
    rejected = int(summary[0].rsplit("rejected ", 1)[1])
    expect(len(lines) == rejected, f"{rejected} rejected but {len(lines)} lines: {done.stderr[-2000:]!r}")
    expect(
        (done.returncode == 1) == (rejected > 0), f"exit status {done.returncode} with {rejected} rejected"
    )
    return done
