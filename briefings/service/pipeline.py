"""The pipeline on ingest: read → extract new articles → store them with their facts → update the picture.

Each batch of new articles is stored with its facts in one transaction, so an article is never
stored without its summary. The consolidated picture is rebuilt from the stored summaries after
the batches and saved under a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from briefings.consolidate import Consolidator
from briefings.ingest.fetch import FetchPolicy
from briefings.ingest.sources import Loaded, Rejected, SourceLoader
from briefings.models import ArticleSummary, CleanArticle, Consolidated
from briefings.service.ingest import IngestReport, expand_inputs
from briefings.storage import repository as repo
from briefings.storage.db import Database
from briefings.storage.facts import article_summary, summary_facts
from briefings.storage.tables import Article, Fact, Picture, utcnow

BATCH = 64
EXTRACTOR_VERSION = "1"


class ExtractorLike(Protocol):
    def extract_many(
        self, items: Iterable[tuple[str, CleanArticle]], n_process: int = 1
    ) -> Iterator[ArticleSummary]: ...


def ingest_articles(
    db: Database,
    inputs: list[str],
    policy: FetchPolicy,
    extractor: ExtractorLike,
    *,
    n_process: int = 1,
    on_total: Callable[[int], None] | None = None,
    on_source: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest inputs, extracting each new article and storing it with its facts; then update the picture."""
    report = IngestReport()
    with SourceLoader(policy) as loader:
        sources, report.rejected = expand_inputs(loader, inputs)
        if on_total is not None:
            on_total(len(sources))
        batch: list[Loaded] = []
        for source in sources:
            for item in loader.load(source):
                if isinstance(item, Rejected):
                    report.rejected.append(item)
                else:
                    batch.append(item)
            if len(batch) >= BATCH:
                _store(db, batch, extractor, n_process, report)
                batch = []
            if on_source is not None:
                on_source(source)
        if batch:
            _store(db, batch, extractor, n_process, report)
    if report.ingested:
        update_picture(db)
    return report


def _store(
    db: Database, batch: list[Loaded], extractor: ExtractorLike, n_process: int, report: IngestReport
) -> None:
    hashes = [repo.content_hash(item.article.text) for item in batch]
    with db.transaction() as session:
        known = repo.existing_hashes(session, hashes)
    fresh: dict[str, Loaded] = {}
    for item, digest in zip(batch, hashes, strict=True):
        if digest not in known and digest not in fresh:
            fresh[digest] = item
    summaries = dict(
        zip(
            fresh,
            extractor.extract_many(((d, it.article) for d, it in fresh.items()), n_process=n_process),
            strict=True,
        )
    )
    with db.transaction() as session:
        known = repo.existing_hashes(session, hashes)
        for item, digest in zip(batch, hashes, strict=True):
            if digest in known:
                article = repo.get_article(session, known[digest])
                assert article is not None
                report.unchanged += 1
                if repo.add_source(session, article, item.source):
                    report.new_sources += 1
                continue
            article, created = repo.add_article(session, item.article, item.source, digest)
            known[digest] = article.id
            if not created:
                report.unchanged += 1
                continue
            summary = summaries[digest]
            article.reference_date = _date(summary.reference_date)
            repo.replace_facts(session, article, summary_facts(summary), version=EXTRACTOR_VERSION)
            report.ingested += 1
            report.article_ids.append(article.id)


def _date(value: str | None) -> dt.date | None:
    if not value or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def stored_summaries(session: Session, ids: Sequence[int] | None = None) -> Iterator[ArticleSummary]:
    """Every stored article's summary (named by article id), streamed in id order."""
    query = select(Article).order_by(Article.id)
    if ids is not None:
        query = query.where(Article.id.in_(ids))
    articles = session.scalars(query).all()
    for start in range(0, len(articles), 500):
        chunk = articles[start : start + 500]
        facts: dict[int, list[Fact]] = {a.id: [] for a in chunk}
        for row in session.scalars(
            select(Fact).where(Fact.article_id.in_(list(facts))).order_by(Fact.article_id, Fact.id)
        ):
            facts[row.article_id].append(row)
        for article in chunk:
            yield article_summary(article, facts[article.id])


def update_picture(db: Database) -> Consolidated:
    """Rebuild the consolidated picture from the stored summaries and save it as a new version."""
    with db.transaction() as session:
        row = session.execute(select(Picture).where(Picture.id == 1).with_for_update()).scalar_one_or_none()
        consolidator = Consolidator()
        count = 0
        for summary in stored_summaries(session):
            consolidator.add(summary)
            count += 1
        picture = consolidator.result()
        payload = picture.model_dump(mode="json")
        if row is None:
            session.add(Picture(id=1, version=1, articles=count, payload=payload, updated_at=utcnow()))
        else:
            row.version += 1
            row.articles = count
            row.payload = payload
            row.updated_at = utcnow()
    return picture
