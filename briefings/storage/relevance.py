"""Stored relevance: each article's verdict for each beat (table ``article_beats``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from briefings.storage.tables import Article, ArticleBeat


def store(session: Session, beat: str, verdicts: Mapping[int, dict[str, Any]]) -> None:
    """Write (or replace) the verdicts of these articles for ``beat``; each is ``Relevance.as_json()``."""
    if not verdicts:
        return
    ids = list(verdicts)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            delete(ArticleBeat).where(ArticleBeat.beat == beat, ArticleBeat.article_id.in_(chunk))
        )
    session.add_all(
        ArticleBeat(article_id=i, beat=beat, relevant=bool(v["relevant"]), reason=dict(v))
        for i, v in verdicts.items()
    )
    session.flush()


def forget(session: Session, beat: str) -> None:
    """Drop every verdict for ``beat`` (its file changed: all are judged again)."""
    session.execute(delete(ArticleBeat).where(ArticleBeat.beat == beat))


def unjudged(session: Session, beat: str) -> list[int]:
    """Stored articles without a verdict for ``beat``, in id order."""
    judged = exists().where(ArticleBeat.article_id == Article.id, ArticleBeat.beat == beat)
    return list(session.scalars(select(Article.id).where(~judged).order_by(Article.id)))


def relevant_ids(session: Session, beat: str) -> list[int]:
    """The articles on ``beat``, in id order."""
    query = select(ArticleBeat.article_id).where(ArticleBeat.beat == beat, ArticleBeat.relevant.is_(True))
    return sorted(session.scalars(query))


def verdicts(session: Session, ids: Sequence[int] | None = None) -> dict[int, dict[str, dict[str, Any]]]:
    """article id -> beat -> verdict, for these articles (default: all)."""
    query = select(ArticleBeat.article_id, ArticleBeat.beat, ArticleBeat.reason)
    out: dict[int, dict[str, dict[str, Any]]] = {}
    chunks: Iterable[Sequence[int] | None] = (
        [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    )
    for chunk in chunks:
        q = query if chunk is None else query.where(ArticleBeat.article_id.in_(chunk))
        for article_id, beat, reason in session.execute(q):
            out.setdefault(article_id, {})[beat] = dict(reason or {})
    return out


def counts(session: Session, beat: str) -> tuple[int, int]:
    """(articles judged, articles on the beat) for ``beat``."""
    judged = (
        session.scalar(select(func.count()).select_from(ArticleBeat).where(ArticleBeat.beat == beat)) or 0
    )
    relevant = (
        session.scalar(
            select(func.count())
            .select_from(ArticleBeat)
            .where(ArticleBeat.beat == beat, ArticleBeat.relevant.is_(True))
        )
        or 0
    )
    return judged, relevant
