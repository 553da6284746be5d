"""SQLAlchemy 2 typed tables. Schema changes go through Alembic migrations only."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # the stated date, or one inferred from the text by extraction: what relative dates resolve to
    reference_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    extracted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    extractor_version: Mapped[str | None] = mapped_column(String(40))

    outlet: Mapped[Outlet | None] = relationship(lazy="joined")
    sources: Mapped[list[ArticleSource]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleSource.id", lazy="selectin"
    )


class ArticleSource(Base):
    """Where an article was found: a file path or URL. One article can have several."""

    __tablename__ = "article_sources"
    __table_args__ = (UniqueConstraint("article_id", "source", name="uq_article_sources_article_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(2048), index=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    article: Mapped[Article] = relationship(back_populates="sources")


class Fact(Base):
    """One extracted fact with its provenance: the article and the character span it came from."""

    __tablename__ = "facts"
    __table_args__ = (Index("ix_facts_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # official, agreement, issue, event, quote, figure
    key: Mapped[str] = mapped_column(String(200), default="")  # folded name, topic or date, for lookups
    span_start: Mapped[int] = mapped_column(Integer, default=0)
    span_end: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_type: Mapped[str] = mapped_column(String(20), default="private")
    local_time: Mapped[str] = mapped_column(String(5))  # HH:MM in the subscriber's zone
    timezone: Mapped[str] = mapped_column(String(64))
    topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    beat: Mapped[str | None] = mapped_column(String(64))  # None: the deployment's default beat
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class Delivery(Base):
    """One digest or channel post owed to one chat on one date: the outbox row."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("chat_id", "digest_date", "kind", name="uq_deliveries_chat_date_kind"),
        Index("ix_deliveries_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20), default="digest")  # digest, channel
    digest_date: Mapped[dt.date] = mapped_column(Date)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_sent: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )  # messages of a split view already sent
    last_error: Mapped[str | None] = mapped_column(String(500))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ArticleBeat(Base):
    """An article's relevance to one beat, with the reason (``briefings.beats.Relevance.as_json``)."""

    __tablename__ = "article_beats"
    __table_args__ = (Index("ix_article_beats_beat_relevant", "beat", "relevant"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    beat: Mapped[str] = mapped_column(String(64), primary_key=True)
    relevant: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Picture(Base):
    """The consolidated picture of one beat, updated on ingest; `version` bumps on every change."""

    __tablename__ = "pictures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the beat's slug (None: a picture from before beats, rebuilt on first use)
    beat: Mapped[str | None] = mapped_column(String(64), unique=True)
    # the digest of the beat file the relevance of the articles was judged with
    beat_digest: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)
    articles: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    packed: Mapped[bytes] = mapped_column(LargeBinary)  # a Consolidated: storage.picture.pack_picture
    # the consolidator's indexes (plain data: consolidate/state.py), so one more article is merged, not all
    state: Mapped[bytes | None] = mapped_column(LargeBinary)


class SendRate(Base):
    """The overall sending pace of one bot, shared by all its processes (PostgreSQL): the moment
    the next message may leave, a GCRA's theoretical arrival time, on the database's clock."""

    __tablename__ = "send_rate"

    bot: Mapped[str] = mapped_column(String(64), primary_key=True)  # the token's bot id, never the secret
    next_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PolledSource(Base):
    """A URL polled for news (a feed or a page): the validators it gave, how polling it went, and
    when it is next due (backoff after failures, a host's Retry-After)."""

    __tablename__ = "polled_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_error_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    failing_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failed polls in a row
    next_poll_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # when its failing for a day was reported to the admins (once per failing spell)
    alerted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SeenEntry(Base):
    """A feed entry read once: its GUID and link, the date the feed gave it then, and the article
    it became (None: its page held no article). Not fetched again unless the feed dates it later."""

    __tablename__ = "feed_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("polled_sources.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str | None] = mapped_column(String(2048), index=True)
    link: Mapped[str | None] = mapped_column(String(2048), index=True)
    stamp: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ArticleVersion(Base):
    """An earlier text of a story that its source has since corrected (the article holds the newest)."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_article_versions_article_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1 for the first text stored
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    published: Mapped[dt.date | None] = mapped_column(Date)
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
