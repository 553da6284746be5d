"""The read queries behind briefs, profiles, digests and statistics. The caller owns the session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from briefings.addresses import is_web_address
from briefings.models import ArticleSummary, Consolidated, Quote
from briefings.storage.facts import FactRow, article_summary
from briefings.storage.picture import unpack_picture
from briefings.storage.tables import Article, ArticleSource, Fact, Outlet, Picture, Subscription


def picture_version(session: Session, beat: str | None = None) -> int:
    """The version of the beat's stored picture (default: the first stored), 0 when there is none."""
    return session.scalar(_picture_query(Picture.version, beat)) or 0


def load_picture(session: Session, beat: str | None = None) -> tuple[int, Consolidated]:
    """The beat's stored picture and its version (not the consolidator state stored beside it)."""
    row = session.execute(_picture_query(Picture.version, beat).add_columns(Picture.packed)).one_or_none()
    if row is None:
        return 0, Consolidated()
    return row.version, unpack_picture(row.packed)


def _picture_query(column: Any, beat: str | None) -> Select[Any]:
    query = select(column)
    if beat is not None:
        return query.where(Picture.beat == beat)
    return query.order_by(Picture.id).limit(1)


@dataclass(frozen=True)
class Citation:
    """What a line needs to cite an article."""

    id: int
    title: str
    outlet: str | None
    date: dt.date | None  # stated, else inferred
    url: str | None  # the first http(s) source


def citations(session: Session) -> list[Citation]:
    """Every stored article's citation data."""
    first_url: dict[int, str] = {}
    for article_id, source in session.execute(
        select(ArticleSource.article_id, ArticleSource.source).order_by(ArticleSource.id)
    ):
        if is_web_address(source):
            first_url.setdefault(article_id, source)
    rows = session.execute(
        select(Article.id, Article.title, Article.published, Article.reference_date, Outlet.name).outerjoin(
            Outlet, Article.outlet_id == Outlet.id
        )
    )
    return [
        Citation(ident, title, outlet, published or reference, first_url.get(ident))
        for ident, title, published, reference, outlet in rows
    ]


def ingested_between(session: Session, since: dt.datetime, until: dt.datetime) -> tuple[int, ...]:
    """Ids of the articles ingested after ``since`` and up to ``until``, in id order."""
    query = (
        select(Article.id)
        .where(Article.ingested_at > since, Article.ingested_at <= until)
        .order_by(Article.id)
    )
    return tuple(session.scalars(query))


def stored_summaries(session: Session, ids: Sequence[int] | None = None) -> Iterator[ArticleSummary]:
    """The summaries of the stored articles ``ids`` (default: all), named by article id, in id
    order, read 500 at a time."""
    if ids is None:
        ids = session.scalars(select(Article.id)).all()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        chunk = session.scalars(
            select(Article).where(Article.id.in_(wanted[start : start + 500])).order_by(Article.id)
        ).all()
        facts: dict[int, list[FactRow]] = {a.id: [] for a in chunk}
        for row in session.execute(
            select(Fact.article_id, Fact.kind, Fact.payload)
            .where(Fact.article_id.in_(list(facts)))
            .order_by(Fact.article_id, Fact.id)
        ):
            facts[row.article_id].append(row)
        for article in chunk:
            yield article_summary(article, facts[article.id])


def quotes_by(session: Session, forms: Iterable[str], articles: Iterable[int]) -> list[tuple[str, Quote]]:
    """(article id, quote) of the quotes whose speaker key is one of ``forms``, in ``articles``."""
    keys, ids = sorted(set(forms)), sorted(set(articles))
    if not keys or not ids:
        return []
    rows = session.scalars(
        select(Fact).where(Fact.kind == "quote", Fact.key.in_(keys), Fact.article_id.in_(ids))
    )
    return [(str(row.article_id), Quote.model_validate(row.payload)) for row in rows]


def outlet_counts(session: Session) -> list[tuple[str, int]]:
    """(outlet, articles) for every outlet, the most articles first; "(unnamed)" for none."""
    rows = session.execute(
        select(func.coalesce(Outlet.name, "(unnamed)"), func.count(Article.id))
        .select_from(Article)
        .outerjoin(Outlet, Article.outlet_id == Outlet.id)
        .group_by(Outlet.name)
        .order_by(func.count(Article.id).desc())
    ).all()
    return [(str(name), int(n)) for name, n in rows]


def article_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Article)) or 0


@dataclass(frozen=True)
class SubscriberDetails:
    chat_type: str
    topics: list[str]
    timezone: str
    beat: str | None


def subscriber_details(session: Session, chats: Sequence[int]) -> dict[int, SubscriberDetails]:
    """What building a digest needs to know of each of these chats' subscriptions."""
    query = select(
        Subscription.chat_id,
        Subscription.chat_type,
        Subscription.topics,
        Subscription.timezone,
        Subscription.beat,
    ).where(Subscription.chat_id.in_(chats))
    return {
        chat: SubscriberDetails(chat_type, list(topics or []), zone, beat)
        for chat, chat_type, topics, zone, beat in session.execute(query)
    }
