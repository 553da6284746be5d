"""Use cases called by the ``briefings`` CLI and the bot (one module per group of use cases)."""

from briefings.service.ingest import (
    ArticleRow,
    IngestReport,
    article_name,
    expand_inputs,
    fetch_policy,
    list_articles,
    load_articles,
)
from briefings.service.pipeline import ingest_articles, update_picture

__all__ = [
    "ArticleRow",
    "IngestReport",
    "article_name",
    "expand_inputs",
    "fetch_policy",
    "ingest_articles",
    "list_articles",
    "load_articles",
    "update_picture",
]
