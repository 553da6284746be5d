"""A small repository API over the tables. It never commits: the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from briefings.models import CleanArticle
from briefings.storage.tables import Article, ArticleSource, Fact, Outlet

SOURCE_MAX = 2048  # characters of a source path or URL that are stored
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def content_hash(text: str) -> str:
    """A hash of the story that ignores case, whitespace and typographic quote styles."""
    if not unicodedata.is_normalized("NFKC", text):  # the check is quick; normalising is not
        text = unicodedata.normalize("NFKC", text)
    folded = " ".join(text.translate(_QUOTES).casefold().split())  # str.split's whitespace is re's \s
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def article_by_hash(session: Session, digest: str) -> Article | None:
    return session.scalar(select(Article).where(Article.content_hash == digest))


def existing_hashes(session: Session, digests: Iterable[str]) -> dict[str, int]:
    """Which of these content hashes are stored already, mapped to their article ids."""
    wanted = list(set(digests))
    found: dict[str, int] = {}
    for i in range(0, len(wanted), 500):
        rows = session.execute(
            select(Article.content_hash, Article.id).where(Article.content_hash.in_(wanted[i : i + 500]))
        )
        found.update({digest: ident for digest, ident in rows})
    return found


def outlet_named(session: Session, name: str) -> Outlet:
    outlet = session.scalar(select(Outlet).where(Outlet.name == name))
    if outlet is None:
        outlet = Outlet(name=name)
        try:
            with session.begin_nested():
                session.add(outlet)
        except IntegrityError:
            outlet = session.scalars(select(Outlet).where(Outlet.name == name)).one()
    return outlet


def add_article(session: Session, article: CleanArticle, source: str, digest: str) -> tuple[Article, bool]:
    """Store an article with its first source; (article, created). An existing story gets the source."""
    existing = article_by_hash(session, digest)
    if existing is not None:
        add_source(session, existing, source)
        return existing, False
    row = Article(
        title=article.title[:500],
        published=article.published,
        outlet=outlet_named(session, article.outlet[:200]) if article.outlet else None,
        text=article.text,
        content_hash=digest,
        word_count=len(article.text.split()),
    )
    row.sources.append(ArticleSource(source=source[:SOURCE_MAX]))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another process stored the same story meanwhile
        session.expunge(row) if row in session else None
        existing = article_by_hash(session, digest)
        if existing is None:
            raise
        add_source(session, existing, source)
        return existing, False
    return row, True


@dataclass(frozen=True)
class NewArticle:
    """A story to store with its first source and its extracted facts."""

    article: CleanArticle
    source: str
    digest: str
    reference_date: dt.date | None
    facts: list[Fact]


def add_new_articles(session: Session, new: Sequence[NewArticle], *, version: str) -> list[Article] | None:
    """Insert stories that are not stored (as the caller found in this transaction), each with its
    first source and its facts, in a few statements for all of them rather than several per story.

    Returns the stored rows, in order. Returns None, keeping none of them, when another process
    stored one of the stories meanwhile: the caller then goes one by one (:func:`add_article`).
    """
    outlets: dict[str, Outlet] = {}
    now = dt.datetime.now(dt.UTC)
    rows: list[Article] = []
    for item in new:
        outlet = item.article.outlet[:200] if item.article.outlet else None
        if outlet and outlet not in outlets:
            outlets[outlet] = outlet_named(session, outlet)
        row = Article(
            title=item.article.title[:500],
            published=item.article.published,
            reference_date=item.reference_date,
            outlet=outlets[outlet] if outlet else None,
            text=item.article.text,
            content_hash=item.digest,
            word_count=len(item.article.text.split()),
            extracted_at=now,
            extractor_version=version,
        )
        row.sources.append(ArticleSource(source=item.source[:SOURCE_MAX]))
        rows.append(row)
    try:
        with session.begin_nested():
            session.add_all(rows)
            session.flush()
            facts = [
                {
                    "article_id": row.id,
                    "kind": fact.kind,
                    "key": fact.key,
                    "span_start": fact.span_start,
                    "span_end": fact.span_end,
                    "payload": fact.payload,
                }
                for row, item in zip(rows, new, strict=True)
                for fact in item.facts
            ]
            if facts:
                session.execute(insert(Fact), facts)
    except IntegrityError:  # another process stored one of these stories meanwhile
        for row in rows:
            if row in session:
                session.expunge(row)
        return None
    return rows


def add_source(session: Session, article: Article, source: str) -> bool:
    """Record one more place the article was found; False when it was known."""
    if not add_source_to(session, article.id, source):
        return False
    session.expire(article, ["sources"])
    return True


def add_source_to(session: Session, article_id: int, source: str) -> bool:
    """Record one more place the article ``article_id`` was found; False when it was known."""
    source = source[:SOURCE_MAX]
    known = session.scalar(
        select(ArticleSource.id).where(ArticleSource.article_id == article_id, ArticleSource.source == source)
    )
    if known is not None:
        return False
    session.add(ArticleSource(article_id=article_id, source=source))
    session.flush()
    return True


def known_sources(session: Session, article_ids: Iterable[int]) -> set[tuple[int, str]]:
    """The (article id, source) pairs stored for these articles."""
    wanted = sorted(set(article_ids))
    found: set[tuple[int, str]] = set()
    for i in range(0, len(wanted), 500):
        rows = session.execute(
            select(ArticleSource.article_id, ArticleSource.source).where(
                ArticleSource.article_id.in_(wanted[i : i + 500])
            )
        )
        found.update((ident, source) for ident, source in rows)
    return found


def list_articles(session: Session, *, limit: int | None = None) -> Sequence[Article]:
    query = select(Article).order_by(Article.published.is_(None), Article.published, Article.id)
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def replace_facts(session: Session, article: Article, facts: Iterable[Fact], *, version: str) -> None:
    """Swap an article's extracted facts for new ones (in the caller's transaction)."""
    session.execute(delete(Fact).where(Fact.article_id == article.id))
    for fact in facts:
        fact.article_id = article.id
        session.add(fact)
    article.extracted_at = dt.datetime.now(dt.UTC)
    article.extractor_version = version
