"""Time consolidation over many synthetic article summaries.

    .venv/bin/python -m benchmarks.bench_consolidate [--articles 10000] [--seed 7]

Builds N deterministic ArticleSummary objects on one synthetic beat (a few hundred invented
officials, some sharing surnames; fifteen topics; thirty outlets; a year of happenings that
several articles report in their own words, with background events at month or year precision)
and prints how long ``consolidate`` takes over all of them, how long adding one more article to
a Consolidator that holds them takes, and how long building the result then takes.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass

from briefings.consolidate import Consolidator, consolidate
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
START = dt.date(2024, 1, 1)
DAYS = 365
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "sa",
    "tu",
    "vo",
    "bel",
    "dan",
    "fir",
    "gor",
    "hal",
    "jun",
    "kes",
    "lam",
    "nor",
    "pet",
    "ras",
    "sil",
    "tam",
    "vek",
    "yor",
    "zan",
]
COUNTRIES = ["Arvania", "Belmora", "Cordana", "Deltavia", "Estoria", "Felwick", "Gorvane", "Halden"]
TITLES = [
    "Foreign Minister",
    "Vice Foreign Minister",
    "Deputy Foreign Minister",
    "Prime Minister",
    "President",
    "Trade Minister",
    "Foreign Ministry spokesperson",
    "Ambassador",
    "National Security Adviser",
    "Foreign Secretary",
    "Finance Minister",
    "Defence Minister",
]
TOPICS = [
    "trade",
    "visas",
    "flights",
    "border",
    "tariffs",
    "energy",
    "water",
    "fisheries",
    "minerals",
    "students",
    "health",
    "climate",
    "cyber",
    "shipping",
    "relations",
]
OUTLETS = [f"Outlet {i}" for i in range(30)]
VERBS = [
    ("meets", "holds talks with"),
    ("visits", "travels to"),
    ("signs", "concludes"),
    ("warns", "cautions"),
    ("announces", "unveils"),
    ("criticises", "condemns"),
    ("welcomes", "hails"),
]
THINGS = [
    "the port deal",
    "the pipeline plan",
    "the border protocol",
    "the customs pact",
    "the visa scheme",
    "the grain corridor",
    "the rail link",
    "the fishing quota",
    "the mineral accord",
    "the air treaty",
    "the student exchange",
    "the cable project",
    "the water treaty",
    "the tariff truce",
    "the data pact",
]
PLACES = [
    "in Kelmora",
    "in Vastrel",
    "at the summit",
    "in the capital",
    "in Orlend",
    "at the forum",
    "in Tarsk",
]
AGREE_VERBS = [
    ("resume", "restart"),
    ("expedite", "speed up"),
    ("increase", "boost"),
    ("review", "reassess"),
    ("establish", "set up"),
]
AGREE_OBJECTS = [
    "direct flights",
    "visa processing",
    "joint patrols",
    "hydrological data sharing",
    "tariff consultations",
    "student exchanges",
    "mineral export licences",
    "energy supplies",
    "a working group on shipping",
    "cyber dialogue",
    "health cooperation",
    "fisheries talks",
]
STATUSES: list[IssueStatus] = ["open", "progress", "resolved"]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


@dataclass(frozen=True)
class Person:
    given: str
    surname: str
    title: str
    country: str


@dataclass(frozen=True)
class Happening:
    day: dt.date
    actor: Person
    verb: int
    thing: str
    place: str
    subject: str  # a few words of its own: what this happening is about


@dataclass(frozen=True)
class Pact:
    day: dt.date
    topic: str
    verb: int
    obj: str


class World:
    """The true state of the synthetic beat that articles report on."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        surnames = [_word(rng, 2) for _ in range(220)]
        self.people = [
            Person(
                _word(rng, rng.choice([2, 3])),
                rng.choice(surnames),
                rng.choice(TITLES),
                rng.choice(COUNTRIES),
            )
            for _ in range(400)
        ]
        vocabulary = [_word(rng, rng.choice([2, 3])).lower() for _ in range(3000)]
        self.happenings = [
            Happening(
                START + dt.timedelta(days=rng.randrange(DAYS)),
                rng.choice(self.people),
                rng.randrange(len(VERBS)),
                rng.choice(THINGS),
                rng.choice(PLACES),
                " ".join(rng.sample(vocabulary, 3)),
            )
            for _ in range(4000)
        ]
        self.happenings.sort(key=lambda h: h.day)
        self.pacts = [
            Pact(
                START + dt.timedelta(days=rng.randrange(DAYS)),
                rng.choice(TOPICS),
                rng.randrange(len(AGREE_VERBS)),
                rng.choice(AGREE_OBJECTS),
            )
            for _ in range(1500)
        ]
        self.pacts.sort(key=lambda p: p.day)


def _name_forms(rng: random.Random, p: Person) -> tuple[str, list[str]]:
    roll = rng.random()
    if roll < 0.6:
        return f"{p.given} {p.surname}", [p.surname]
    if roll < 0.75:
        return f"{p.given[0]}. {p.surname}", []
    if roll < 0.9:
        return p.surname, []
    return f"{p.given} {p.surname}", []


def _describe(rng: random.Random, h: Happening) -> str:
    name = rng.choice([f"{h.actor.given} {h.actor.surname}", h.actor.surname])
    verb = VERBS[h.verb][rng.randrange(2)]
    extra = rng.choice(["", " amid tensions", " after months of talks", " on Tuesday"])
    country = rng.choice(COUNTRIES)
    return f"{h.actor.title} {name} {verb} {h.thing} with {country} {h.place} over {h.subject}{extra}"


def _near(days: list[dt.date], day: dt.date, back: int) -> list[int]:
    """Indexes of the (sorted) days from ``back`` days before ``day`` up to it."""
    lo = bisect.bisect_left(days, day - dt.timedelta(days=back))
    return list(range(lo, bisect.bisect_right(days, day)))


def article(
    world: World, n: int, seed: int, index: dict[dt.date, tuple[list[int], list[int]]]
) -> ArticleSummary:
    rng = random.Random(seed * 1_000_003 + n)
    day = START + dt.timedelta(days=rng.randrange(7, DAYS))
    recent, pacts = index[day]
    events: list[Event] = []
    officials: dict[str, Official] = {}
    for i in rng.sample(recent, min(len(recent), rng.randint(3, 6))):
        h = world.happenings[i]
        events.append(Event(date=h.day.isoformat(), what=_describe(rng, h), span=NO_SPAN))
        name, aliases = _name_forms(rng, h.actor)
        officials.setdefault(
            name, Official(name=name, aliases=aliases, title=h.actor.title, country=h.actor.country)
        )
    for h in rng.sample(world.happenings, 2):
        if h.day < day:
            date = h.day.isoformat()[: rng.choice([4, 7])]
            events.append(Event(date=date, what=_describe(rng, h), span=NO_SPAN))
    agreements = []
    for i in rng.sample(pacts, min(len(pacts), rng.randint(1, 3))):
        p = world.pacts[i]
        verb = AGREE_VERBS[p.verb][rng.randrange(2)]
        when = p.day.isoformat() if rng.random() < 0.7 else None
        agreements.append(Agreement(text=f"{verb} {p.obj}", topic=p.topic, when=when, span=NO_SPAN))
    speaker = rng.choice(list(officials)) if officials else "Foreign Ministry"
    mood = rng.choice(["willing", "ready", "prepared"])
    quote = f"We are {mood} to work on {rng.choice(THINGS)} with all partners"
    return ArticleSummary(
        article=f"synthetic_{n:06d}.txt",
        published=day.isoformat(),
        reference_date=day.isoformat(),
        outlet=rng.choice(OUTLETS),
        officials=list(officials.values()),
        agreements=agreements,
        issues=[
            IssueMention(topic=t, status=rng.choice(STATUSES)) for t in rng.sample(TOPICS, rng.randint(1, 4))
        ],
        events=events,
        quotes=[Quote(text=quote, speaker=speaker, span=NO_SPAN)],
        figures=[
            Figure(
                value=f"{rng.choice([20, 25, 30])}%",
                what=f"rise in {rng.choice(THINGS)[4:]} traffic",
                span=NO_SPAN,
            )
        ],
    )


def articles(count: int, seed: int) -> list[ArticleSummary]:
    world = World(seed)
    happened, agreed = [h.day for h in world.happenings], [p.day for p in world.pacts]
    index: dict[dt.date, tuple[list[int], list[int]]] = {}
    for d in range(DAYS):
        day = START + dt.timedelta(days=d)
        index[day] = (_near(happened, day, 5), _near(agreed, day, 4))
    return [article(world, n, seed, index) for n in range(count)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="small size for CI (no thresholds)")
    args = ap.parse_args(argv)
    if args.quick:
        args.articles = 200

    t0 = time.perf_counter()
    summaries = articles(args.articles + 1, args.seed)
    *batch, extra = summaries
    t1 = time.perf_counter()
    print(f"built {len(summaries)} synthetic summaries in {t1 - t0:.1f} s")

    t1 = time.perf_counter()
    picture = consolidate(batch)
    t2 = time.perf_counter()
    print(f"consolidate({len(batch)} articles): {t2 - t1:.2f} s")
    print(
        f"  {len(picture.officials)} people, {len(picture.agreements)} agreements, "
        f"{len(picture.issues)} issues, "
        f"{len(picture.timeline)} timeline entries, {len(picture.discrepancies)} discrepancies"
    )

    consolidator = Consolidator()
    for s in batch:
        consolidator.add(s)
    t3 = time.perf_counter()
    consolidator.add(extra)
    t4 = time.perf_counter()
    consolidator.result()
    t5 = time.perf_counter()
    consolidator.result()
    t6 = time.perf_counter()
    print(f"add(one more article) after {len(batch)}: {(t4 - t3) * 1000:.1f} ms")
    print(f"result() after that: {(t5 - t4) * 1000:.0f} ms (again, nothing added: {(t6 - t5) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
