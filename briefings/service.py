"""Use cases called by the ``briefings`` CLI and the bot: ingest sources, list articles, ..."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from briefings.config import Settings
from briefings.ingest.fetch import FetchPolicy
from briefings.ingest.sources import Loaded, Rejected, SourceLoader
from briefings.storage import repository as repo
from briefings.storage.db import Database
from briefings.storage.tables import Article

BATCH = 64


@dataclass
class IngestReport:
    ingested: int = 0
    unchanged: int = 0
    new_sources: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        extra = (
            f" ({self.new_sources} new source{'s' if self.new_sources != 1 else ''})"
            if self.new_sources
            else ""
        )
        return f"ingested {self.ingested}, unchanged {self.unchanged}{extra}, rejected {len(self.rejected)}"


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    published: str | None
    outlet: str | None
    sources: list[str]

    @classmethod
    def of(cls, article: Article) -> ArticleRow:
        return cls(
            id=article.id,
            title=article.title,
            published=article.published.isoformat() if article.published else None,
            outlet=article.outlet.name if article.outlet else None,
            sources=[s.source for s in article.sources],
        )


Progress = Callable[[str], None]


def fetch_policy(settings: Settings, *, allow_private: bool | None = None) -> FetchPolicy:
    return FetchPolicy(
        timeout=settings.fetch_timeout,
        max_bytes=settings.max_article_bytes,
        allow_private=settings.allow_private_urls if allow_private is None else allow_private,
    )


def expand_inputs(loader: SourceLoader, inputs: list[str]) -> tuple[list[str], list[Rejected]]:
    sources: list[str] = []
    rejected: list[Rejected] = []
    for item in loader.expand(inputs):
        (rejected if isinstance(item, Rejected) else sources).append(item)  # type: ignore[arg-type]
    return sources, rejected


def ingest(
    db: Database,
    inputs: list[str],
    policy: FetchPolicy,
    *,
    on_source: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders, pages and feeds; each batch of new articles lands in one transaction."""
    report = IngestReport()
    with SourceLoader(policy) as loader:
        sources, report.rejected = expand_inputs(loader, inputs)
        if on_total is not None:
            on_total(len(sources))
        for batch in _batches(_load_all(loader, sources, report, on_source), BATCH):
            _store_batch(db, batch, report)
    return report


def _load_all(
    loader: SourceLoader, sources: list[str], report: IngestReport, on_source: Progress | None
) -> Iterator[Loaded]:
    for source in sources:
        for item in loader.load(source):
            if isinstance(item, Rejected):
                report.rejected.append(item)
            else:
                yield item
        if on_source is not None:
            on_source(source)


def _batches(items: Iterable[Loaded], size: int) -> Iterator[list[Loaded]]:
    batch: list[Loaded] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_batch(db: Database, batch: list[Loaded], report: IngestReport) -> None:
    hashes = [repo.content_hash(item.article.text) for item in batch]
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
            if created:
                report.ingested += 1
                report.article_ids.append(article.id)
            else:
                report.unchanged += 1


def list_articles(db: Database) -> list[ArticleRow]:
    with db.transaction() as session:
        return [ArticleRow.of(a) for a in repo.list_articles(session)]
