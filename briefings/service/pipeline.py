"""The pipeline on ingest: read → extract new articles → store them with their facts → update the picture.

Each batch of new articles is stored with its facts in one transaction, so an article is never
stored without its summary. The consolidated picture is rebuilt from the stored summaries after
the batches and saved under a new version.
"""

from __future__ import annotations

import datetime as dt
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from sqlalchemy import func, select
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
        update_picture(db, report.article_ids)
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


def update_picture(db: Database, new_ids: Sequence[int] | None = None) -> Consolidated:
    """Merge newly stored articles into the picture and save it as a new version.

    The consolidator's indexes are kept with the picture; when they cover every other stored
    article, only the new articles are added. Otherwise (first run, or the state is missing or
    stale) the picture is rebuilt from every stored summary.
    """
    with db.transaction() as session:
        row = session.execute(select(Picture).where(Picture.id == 1).with_for_update()).scalar_one_or_none()
        total = session.scalar(select(func.count()).select_from(Article)) or 0
        fresh = list(new_ids or [])
        consolidator = _restore(row, expected=total - len(fresh)) if fresh else None
        if consolidator is None:
            consolidator = Consolidator()
            summaries = stored_summaries(session)
        else:
            summaries = stored_summaries(session, fresh)
        for summary in summaries:
            consolidator.add(summary)
        picture = consolidator.result()
        payload = picture.model_dump(mode="json")
        state = _freeze(consolidator)
        if row is None:
            row = Picture(id=1, version=0, articles=0, payload={})
            session.add(row)
        row.version += 1
        row.articles = len(consolidator)
        row.payload = payload
        row.state = state
        row.updated_at = utcnow()
    return picture


def _freeze(consolidator: Consolidator) -> bytes | None:
    try:
        return zlib.compress(pickle.dumps(consolidator, protocol=pickle.HIGHEST_PROTOCOL), 1)
    except (TypeError, pickle.PicklingError, AttributeError):  # not picklable: rebuild next time
        return None


def _restore(row: Picture | None, *, expected: int) -> Consolidator | None:
    """The stored consolidator, when it holds exactly the articles stored before this batch."""
    if row is None or row.state is None or row.articles != expected:
        return None
    try:
        restored = pickle.loads(zlib.decompress(row.state))  # our own database's bytes
    except Exception:  # a state from another code version: rebuild instead
        return None
    if not isinstance(restored, Consolidator) or len(restored) != expected:
        return None
    return restored
