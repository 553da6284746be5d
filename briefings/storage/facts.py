"""Extracted facts to rows and back: an ArticleSummary is stored as one Fact row per fact."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

from pydantic import BaseModel

from briefings.models import Agreement, ArticleSummary, Event, Figure, IssueMention, Official, Quote, Span
from briefings.storage.tables import Article, Fact

KINDS: dict[str, type[BaseModel]] = {
    "official": Official,
    "agreement": Agreement,
    "issue": IssueMention,
    "event": Event,
    "quote": Quote,
    "figure": Figure,
}


def name_key(text: str) -> str:
    """The key a name (an official's, a speaker's) is stored and looked up by: case and accents
    folded, spaces collapsed, punctuation kept. Not :func:`briefings.consolidate.text.fold`, which
    also drops punctuation and transliterates letters: the stored keys must not change."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


# the old name, which briefings/service/briefs.py still imports


def _span(item: BaseModel) -> tuple[int, int]:
    span = getattr(item, "span", None)
    if span is None:
        spans = getattr(item, "spans", None) or []
        span = spans[0] if spans else None
    return (span.start, span.end) if isinstance(span, Span) else (0, 0)


def _key(kind: str, item: Any) -> str:
    if kind == "official":
        return name_key(item.name)
    if kind in ("agreement", "issue"):
        return item.topic or ""
    if kind == "event":
        return str(item.date)
    if kind == "quote":
        return name_key(item.speaker or "")
    if kind == "figure":
        return str(item.value)
    return ""


def summary_facts(summary: ArticleSummary) -> list[Fact]:
    """The rows for one article's summary (article_id is set by the repository)."""
    rows: list[Fact] = []
    for kind, items in summary.fact_groups():
        for item in items:
            start, end = _span(item)
            rows.append(
                Fact(
                    kind=kind,
                    key=_key(kind, item)[:200],
                    span_start=start,
                    span_end=end,
                    payload=item.model_dump(mode="json"),
                )
            )
    return rows


class FactRow(Protocol):
    """What rebuilding a summary reads of a stored fact: a Fact, or a row of its columns."""

    @property
    def kind(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any]: ...


def article_summary(article: Article, facts: Iterable[FactRow], *, name: str | None = None) -> ArticleSummary:
    """Rebuild an article's summary from its stored rows (validated in one go)."""
    lists: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for row in facts:
        if row.kind in lists:
            lists[row.kind].append(row.payload)
    published = article.published.isoformat() if article.published else None
    reference = article.reference_date.isoformat() if article.reference_date else published
    return ArticleSummary.model_validate(
        {
            "article": name or str(article.id),
            "title": article.title,
            "published": published,
            "reference_date": reference,
            "outlet": article.outlet.name if article.outlet else None,
            "officials": lists["official"],
            "agreements": lists["agreement"],
            "issues": lists["issue"],
            "events": lists["event"],
            "quotes": lists["quote"],
            "figures": lists["figure"],
        }
    )
