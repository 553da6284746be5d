"""Builders and fixtures for the consolidation tests: small summaries on three beats, made in code.

The beats (US–China trade, an EU summit, India–Pakistan) and every name in them are invented
for the tests; none comes from the seed articles.
"""

from __future__ import annotations

from briefings.models import (
    Agreement,
    ArticleSummary,
    Event,
    Figure,
    IssueMention,
    IssueStatus,
    Official,
    Quote,
    Span,
)

NO_SPAN = Span(start=0, end=0)


def official(name: str, title: str | None = None, country: str | None = None, *aliases: str) -> Official:
    return Official(name=name, aliases=list(aliases), title=title, country=country)


def agreement(text: str, topic: str | None, when: str | None = None, prior: bool = False) -> Agreement:
    return Agreement(text=text, topic=topic, when=when, prior=prior, span=NO_SPAN)


def event(date: str, what: str) -> Event:
    return Event(date=date, what=what, span=NO_SPAN)


def quote(text: str, speaker: str) -> Quote:
    return Quote(text=text, speaker=speaker, speaker_kind="person", span=NO_SPAN)


def figure(value: str, what: str) -> Figure:
    return Figure(value=value, what=what, span=NO_SPAN)


def issue(topic: str, status: IssueStatus, evidence: str = "") -> IssueMention:
    return IssueMention(topic=topic, status=status, evidence=evidence)


def summary(name: str, day: str | None, **parts: object) -> ArticleSummary:
    return ArticleSummary.model_validate({"article": name, "published": day, "reference_date": day, **parts})


# ------------------------------------------------------------------ US–China trade


def trade_beat() -> list[ArticleSummary]:
    return [
        summary(
            "trade_a.txt",
            "2025-03-10",
            outlet="Wire One",
            officials=[
                official("Alicia Moreno", "Treasury Secretary", "United States", "Moreno"),
                official("Li Wenhua", "Vice Premier", "China", "Li"),
                official("Daniel Park", "Trade Representative", "United States", "Park"),
            ],
            agreements=[
                agreement("hold a new round of tariff talks in Geneva next month", "tariffs", "2025-03-09"),
                agreement(
                    "lift the export ban on lithium processing equipment", "export-controls", "2025-03-09"
                ),
            ],
            issues=[issue("tariffs", "open"), issue("export-controls", "open")],
            events=[
                event(
                    "2025-03-09", "Treasury Secretary Alicia Moreno meets Vice Premier Li Wenhua in Geneva"
                ),
                event("2025-02", "Washington raises tariffs on Chinese steel to 45%"),
            ],
            quotes=[quote("We had candid and constructive talks on every tariff line", "Alicia Moreno")],
            figures=[figure("45%", "US tariff on Chinese steel")],
        ),
        summary(
            "trade_b.txt",
            "2025-03-11",
            outlet="Daily Ledger",
            officials=[
                official("Moreno", "Treasury Secretary", "United States"),
                official("Li Wenhua", "Vice Premier", "China"),
                official("Li Jun", "Commerce Minister", "China"),
            ],
            agreements=[
                agreement(
                    "agreed to further tariff negotiations in Geneva in April", "tariffs", "2025-03-09"
                ),
            ],
            issues=[issue("tariffs", "progress"), issue("export-controls", "open")],
            events=[
                event("2025-03-09", "US Treasury chief Moreno holds talks with Li Wenhua in Geneva"),
                event("2025-02-14", "Washington raises tariffs on Chinese steel imports to 45%"),
            ],
            quotes=[quote("We had candid and productive talks on every tariff line", "Moreno")],
            figures=[figure("45 per cent", "US tariff on Chinese steel")],
        ),
        summary(
            "trade_c.txt",
            "2025-03-12",
            outlet="Wire One",
            officials=[
                official("Li Keming", "Central Bank Governor", "China"),
                official("A. Moreno", "Secretary of the Treasury", "United States"),
            ],
            issues=[issue("tariffs", "progress")],
            events=[event("2025-03-11", "Central Bank Governor Li Keming cuts the reserve ratio")],
        ),
    ]


# ------------------------------------------------------------------ EU summit


def summit_beat() -> list[ArticleSummary]:
    return [
        summary(
            "eu_a.txt",
            "2025-06-27",
            officials=[
                official("Margit Sandvik", "Commission President", "European Union", "Sandvik"),
                official("José Ramírez", "Prime Minister", "Spain", "Ramírez"),
                official("Pieter Vos", "Foreign Ministry spokesperson", "Netherlands"),
            ],
            agreements=[
                agreement("raise defence spending to 3.5% of GDP by 2030", "defence", "2025-06-26"),
                agreement(
                    "set up return hubs for rejected asylum seekers outside the bloc",
                    "migration",
                    "2025-06-26",
                ),
                agreement("double funding for the border agency over five years", "migration", "2025-06-26"),
            ],
            issues=[issue("migration", "progress"), issue("defence", "progress")],
            events=[
                event("2025-06-26", "EU leaders open two-day summit in Brussels"),
                event("2025-06-27", "EU leaders close two-day summit in Brussels"),
            ],
            figures=[figure("€800 billion", "size of the joint defence fund")],
            quotes=[
                quote(
                    "Europe must be able to defend itself, now and for the next generation", "Margit Sandvik"
                )
            ],
        ),
        summary(
            "eu_b.txt",
            "2025-06-27",
            officials=[
                official("Jose Ramirez", "Prime Minister", "Spain"),
                official("Pieter Vos", "spokesperson", "Netherlands"),
                official("M. Sandvik", "President of the Commission", "European Union"),
            ],
            agreements=[
                agreement(
                    "increase military spending to 3.5 per cent of GDP by 2030", "defence", "2025-06-26"
                ),
            ],
            issues=[issue("migration", "open"), issue("defence", "progress")],
            events=[event("2025-06-26", "Two-day EU summit opens in Brussels")],
            figures=[figure("€650 billion", "size of the joint defence fund")],
            quotes=[quote("Europe must be able to defend itself", "Margit Sandvik")],
        ),
    ]


# ------------------------------------------------------------------ India–Pakistan


def border_beat() -> list[ArticleSummary]:
    return [
        summary(
            "ip_a.txt",
            "2025-05-11",
            officials=[
                official("Farhan Qureshi", "Foreign Minister", "Pakistan", "Qureshi"),
                official("Anil Varma", "Vice Foreign Minister", "India", "Varma"),
            ],
            agreements=[
                agreement("observe a ceasefire along the Line of Control", "border", "2025-05-10"),
                agreement("restore the 2003 ceasefire understanding", "border", "2021-02", prior=True),
            ],
            issues=[
                issue("border", "progress", "both armies agreed to stop firing along the Line of Control")
            ],
            events=[
                event("2025-05-10", "India and Pakistan agree a ceasefire along the Line of Control"),
                event("2025", "Kartarpur Corridor pilgrimage resumes"),
            ],
            quotes=[quote("We will honour the ceasefire in letter and spirit", "Farhan Qureshi")],
        ),
        summary(
            "ip_b.txt",
            "2025-05-12",
            officials=[
                official("Anil Varma", "Deputy Foreign Minister", "India"),
                official("Qureshi", "Foreign Minister", "Pakistan"),
            ],
            agreements=[agreement("ceasefire along the Line of Control", "border", "2025-05-10")],
            issues=[issue("border", "progress")],
            events=[
                event("2025-05-11", "India and Pakistan agree a ceasefire along the Line of Control"),
                event("2025-05", "Ceasefire between the two armies announced along the Line of Control"),
            ],
            quotes=[quote("We shall honour the ceasefire in letter and in spirit", "Qureshi")],
        ),
        summary(
            "ip_c.txt",
            "2025-05-20",
            officials=[official("Anil Varma", "Deputy Foreign Minister", "India")],
            issues=[
                issue("border", "resolved", "the Kartarpur Corridor reopened"),
                issue("water", "open", "the Kartarpur Coridor talks stalled"),
            ],
            events=[event("2025", "Kartarpur Corridor pilgrimage resumes for the season")],
        ),
    ]


def all_beats() -> list[ArticleSummary]:
    return trade_beat() + summit_beat() + border_beat()
