"""The values passed between pipeline stages.

Every stage is a pure function over these pydantic models: ingestion produces
:class:`CleanArticle`, extraction turns one into an :class:`ArticleSummary`,
consolidation turns many summaries into a :class:`Consolidated` picture. Their JSON
shapes are a contract (``briefings extract --format json``), so fields are only added,
never renamed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

IssueStatus = Literal["open", "progress", "resolved"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


class Span(Model):
    """Character offsets ``[start, end)`` into the article's clean text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


# --------------------------------------------------------------------------- ingestion


class CleanArticle(Model):
    """An article after boilerplate removal: what is stored and what extraction reads."""

    title: str
    text: str
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None


# --------------------------------------------------------------------------- extraction


class Official(Model):
    name: str
    aliases: list[str] = Field(default_factory=list)
    title: str | None = None
    country: str | None = None
    other_titles: list[str] = Field(default_factory=list)
    former: bool = False
    spans: list[Span] = Field(default_factory=list)
    states: list[str] = Field(default_factory=list)  # the states its sentence involves (see extract.context)


class Agreement(Model):
    text: str
    topic: str | None = None
    parties: list[str] = Field(default_factory=list)
    when: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    prior: bool = False
    span: Span
    states: list[str] = Field(default_factory=list)  # the states its sentence involves (see extract.context)


class IssueMention(Model):
    topic: str
    status: IssueStatus
    evidence: str = ""
    spans: list[Span] = Field(default_factory=list)
    states: list[str] = Field(default_factory=list)  # the states its sentence involves (see extract.context)


class Event(Model):
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    what: str
    evidence: str = ""
    span: Span
    sentence: str = ""  # the whole sentence when ``what`` had to be cut (an event line is built from it)
    states: list[str] = Field(default_factory=list)  # the states its sentence involves (see extract.context)


class Quote(Model):
    text: str
    speaker: str | None = None
    speaker_kind: Literal["person", "body", "unknown"] = "unknown"
    span: Span
    states: list[str] = Field(default_factory=list)  # the states its sentence involves (see extract.context)


class Figure(Model):
    value: str
    what: str
    span: Span
    states: list[str] = Field(default_factory=list)  # the states its sentence involves (see extract.context)


class ArticleSummary(Model):
    """One article's structured summary, in the shape of ``shared/gold/SCHEMA.md``."""

    article: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD when the text states it
    reference_date: str | None = None  # published, or inferred from the text; relative dates resolve to it
    outlet: str | None = None
    officials: list[Official] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    issues: list[IssueMention] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)

    def fact_groups(self) -> list[tuple[str, list[Any]]]:
        """(kind, facts) for each kind of fact, in a fixed order: "official", "agreement",
        "issue", "event", "quote", "figure" (the kinds of stored fact rows)."""
        return [
            ("official", self.officials),
            ("agreement", self.agreements),
            ("issue", self.issues),
            ("event", self.events),
            ("quote", self.quotes),
            ("figure", self.figures),
        ]


# --------------------------------------------------------------------------- consolidation


class DatedTitle(Model):
    title: str
    date: str | None = None
    article: str


class PersonRecord(Model):
    name: str
    aliases: list[str] = Field(default_factory=list)
    titles: list[str] = Field(default_factory=list)
    titles_seen: list[DatedTitle] = Field(default_factory=list)
    country: str | None = None
    articles: list[str] = Field(default_factory=list)


class AgreementRecord(Model):
    text: str
    topic: str | None = None
    articles: list[str] = Field(default_factory=list)
    first: str | None = None
    latest: str | None = None
    wording: dict[str, str] = Field(default_factory=dict)


class StatusChange(Model):
    article: str
    date: str | None = None
    status: IssueStatus
    evidence: str = ""  # the sentence that gave the status, for "latest development"


class IssueRecord(Model):
    topic: str
    status: IssueStatus
    history: list[StatusChange] = Field(default_factory=list)


class TimelineEntry(Model):
    date: str
    what: str
    articles: list[str] = Field(default_factory=list)
    sentence: str = ""  # the whole sentence when ``what`` is cut


class Discrepancy(Model):
    about: str
    kind: str = ""
    details: dict[str, str] = Field(default_factory=dict)


class Consolidated(Model):
    officials: list[PersonRecord] = Field(default_factory=list)
    agreements: list[AgreementRecord] = Field(default_factory=list)
    issues: list[IssueRecord] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)
