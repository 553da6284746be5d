"""Ingesting sources into the database, and reading inputs for extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefings.config import Settings
from briefings.ingest.fetch import FetchPolicy, user_agent
from briefings.ingest.sources import Loaded, Rejected, SourceLoader, is_url
from briefings.storage import polling, relevance
from briefings.storage import repository as repo
from briefings.storage.db import Database
from briefings.storage.tables import Article, ArticleVersion


@dataclass
class IngestReport:
    ingested: int = 0
    unchanged: int = 0
    new_sources: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    updated: int = 0  # stories stored again in a newer version (their feed dated them later)
    not_modified: int = 0  # URLs that answered 304 to a conditional request
    waiting: list[str] = field(default_factory=list)  # sources not polled: backing off

    def summary(self) -> str:
        extra = (
            f" ({self.new_sources} new source{'s' if self.new_sources != 1 else ''})"
            if self.new_sources
            else ""
        )
        more = f", updated {self.updated}" if self.updated else ""
        more += f", not modified {self.not_modified}" if self.not_modified else ""
        more += f", backing off {len(self.waiting)}" if self.waiting else ""
        rejected = len(self.rejected)
        return f"ingested {self.ingested}{more}, unchanged {self.unchanged}{extra}, rejected {rejected}"


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    published: str | None
    outlet: str | None
    sources: list[str]
    beats: dict[str, dict[str, Any]] = field(default_factory=dict)  # beat slug -> relevance and why
    version: int = 1  # 2 and more: its source corrected it (the earlier texts in ``versions``)
    versions: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        article: Article,
        beats: dict[str, dict[str, Any]] | None = None,
        earlier: list[ArticleVersion] | None = None,
    ) -> ArticleRow:
        return cls(
            id=article.id,
            title=article.title,
            published=article.published.isoformat() if article.published else None,
            outlet=article.outlet.name if article.outlet else None,
            sources=[s.source for s in article.sources],
            beats=dict(beats or {}),
            version=len(earlier or []) + 1,
            versions=[
                {
                    "version": v.version,
                    "title": v.title,
                    "published": v.published.isoformat() if v.published else None,
                    "replaced_at": (polling.aware(v.replaced_at) or v.replaced_at).isoformat(),
                    "words": len(v.text.split()),
                }
                for v in earlier or []
            ],
        )


def fetch_policy(
    settings: Settings, *, allow_private: bool | None = None, cycle: bool = False
) -> FetchPolicy:
    """The fetch policy of the settings; ``cycle``: a scheduled poll, under BRIEFINGS_POLL_DEADLINE."""
    return FetchPolicy(
        timeout=settings.fetch_timeout,
        max_bytes=settings.max_article_bytes,
        allow_private=settings.allow_private_urls if allow_private is None else allow_private,
        max_feed_entries=settings.max_feed_entries,
        user_agent=user_agent(settings.contact_url),
        per_host=settings.host_concurrency,
        min_gap=settings.host_min_gap,
        cycle_timeout=settings.poll_deadline if cycle else None,
        workers=settings.poll_workers,
    )


def expand_inputs(loader: SourceLoader, inputs: list[str]) -> tuple[list[str], list[Rejected]]:
    sources: list[str] = []
    rejected: list[Rejected] = []
    for item in loader.expand(inputs):
        (rejected if isinstance(item, Rejected) else sources).append(item)  # type: ignore[arg-type]
    return sources, rejected


def list_articles(db: Database) -> list[ArticleRow]:
    """Every stored article with its relevance to each beat and its earlier versions."""
    with db.transaction() as session:
        judged = relevance.verdicts(session)
        earlier = polling.versions(session)
        return [ArticleRow.of(a, judged.get(a.id), earlier.get(a.id)) for a in repo.list_articles(session)]


# --------------------------------------------------------------------------- extraction


def load_articles(policy: FetchPolicy, inputs: list[str]) -> tuple[list[Loaded], list[Rejected]]:
    """Read inputs (no database): the clean articles and the rejections."""
    loaded: list[Loaded] = []
    with SourceLoader(policy) as loader:
        sources, rejected = expand_inputs(loader, inputs)
        for source in sources:
            for item in loader.load(source):
                (rejected if isinstance(item, Rejected) else loaded).append(item)  # type: ignore[arg-type]
    return loaded, rejected


def article_name(source: str) -> str:
    """How an article is named in extraction output: its file name, or its URL."""
    return source if is_url(source) else Path(source).name
