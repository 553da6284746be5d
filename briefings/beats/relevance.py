"""Relevance: is an article on a beat, and which of its facts are.

Judged from the extracted facts, not from the raw text: each fact carries the states its sentence
involves (``extract.context``); organisations and people that are parties are found by their names
in the facts. For one beat, a fact involves some of the beat's parties (P) and some other states (O).

* A **fact** is on the beat when it involves at least ``need`` parties, or when it names no state
  outside the beat (a neutral "the two sides agreed to ..." belongs to what its article is about).
  The Pakistan paragraph of an India–China story (P = {India}, O = {Pakistan}) is not.
* An **article** is on the beat when ``need`` of the parties each carry a real share of its facts
  (not one line in passing), and, for a beat of two or more parties, when some fact puts them
  together. A beat without parties takes every article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from briefings.beats.beat import Beat
from briefings.models import ArticleSummary

#: a party is involved when at least this share of the article's stated facts involve it ...
MIN_SHARE = 0.2
#: ... and at least this many of them
MIN_FACTS = 2


@dataclass
class Relevance:
    """An article's relevance to one beat, with the reason in words."""

    beat: str
    relevant: bool
    score: float  # share of the article's stated facts that are on the beat
    parties: list[str] = field(default_factory=list)  # the parties the article involves
    topics: list[str] = field(default_factory=list)  # the beat's topics it covers
    others: list[str] = field(default_factory=list)  # the other states it is about most
    kept: int = 0
    dropped: int = 0
    why: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "relevant": self.relevant,
            "score": round(self.score, 3),
            "parties": self.parties,
            "topics": self.topics,
            "others": self.others,
            "kept": self.kept,
            "dropped": self.dropped,
            "why": self.why,
        }


@dataclass(frozen=True)
class _Fact:
    kind: str
    item: BaseModel
    parties: frozenset[str]
    others: frozenset[str]


def _facts(summary: ArticleSummary, beat: Beat) -> Iterator[_Fact]:
    states = beat.states
    named = [(p.name, p.pattern) for p in beat.parties if p.pattern is not None]
    for kind, items in summary.fact_groups():
        for item in items:
            involved = set(item.states)
            parties = {s for s in involved if s in states}
            if named:
                text = _text(kind, item)
                parties |= {name for name, pattern in named if pattern is not None and pattern.search(text)}
            yield _Fact(kind, item, frozenset(parties), frozenset(s for s in involved if s not in states))


def _text(kind: str, item: Any) -> str:
    if kind == "official":
        return " ".join([item.name, *item.aliases, item.title or ""])
    if kind == "agreement":
        return str(item.text)
    if kind in ("issue", "event"):
        return f"{getattr(item, 'what', '')} {item.evidence}"
    if kind == "quote":
        return f"{item.speaker or ''} {item.text}"
    return str(item.what)


def fact_on_beat(fact: _Fact, beat: Beat) -> bool:
    return len(fact.parties) >= beat.need or not fact.others


def judge(summary: ArticleSummary, beat: Beat) -> Relevance:
    """The article's relevance to ``beat`` and why."""
    facts = list(_facts(summary, beat))
    kept = sum(1 for f in facts if fact_on_beat(f, beat))
    if not beat.parties:
        covered = sorted({i.topic for i in summary.issues if i.topic in beat.labels})
        return Relevance(beat.slug, True, 1.0, [], covered, [], len(facts), 0, "the beat names no parties")
    stated = [f for f in facts if f.parties or f.others]
    n = len(stated)
    share: Counter[str] = Counter()
    for f in stated:
        share.update(f.parties)
        share.update(f.others)
    involved = [p.name for p in beat.parties if share[p.name] >= MIN_FACTS and share[p.name] >= MIN_SHARE * n]
    # facts of one sentence (an issue gathers sentences from all over the article: not evidence
    # that the parties deal with each other)
    joint = sum(1 for f in stated if f.kind != "issue" and len(f.parties) >= min(beat.need, 2))
    others = [s for s, c in share.most_common() if s not in beat.states and c >= MIN_SHARE * n][:3]
    on_facts = [f for f in stated if fact_on_beat(f, beat)]
    score = len(on_facts) / n if n else 0.0
    relevant = len(involved) >= beat.need and (beat.need < 2 or joint > 0) and bool(on_facts)
    topics: list[str] = []
    if relevant:
        kept_issues = {id(f.item) for f in facts if f.kind == "issue" and fact_on_beat(f, beat)}
        topics = sorted({i.topic for i in summary.issues if id(i) in kept_issues and i.topic in beat.labels})
    why = _why(beat, involved, joint, n, share, others, relevant)
    return Relevance(
        beat.slug,
        relevant,
        score,
        involved,
        topics,
        others,
        kept if relevant else 0,
        len(facts) - kept if relevant else len(facts),
        why,
    )


def _why(
    beat: Beat,
    involved: list[str],
    joint: int,
    n: int,
    share: Counter[str],
    others: list[str],
    relevant: bool,
) -> str:
    if n == 0:
        return "no fact names a state or party"
    if relevant:
        text = f"involves {' and '.join(involved)} ({joint} of {n} facts together)"
        return text + (f"; also {', '.join(others)}" if others else "")
    if len(involved) < beat.need:
        passing = [p.name for p in beat.parties if p.name not in involved and share[p.name]]
        about = ", ".join(others) if others else "no party of the beat"
        text = f"about {about}"
        if involved:
            text += f"; involves only {' and '.join(involved)} (the beat needs {beat.describe()})"
        if passing:
            counts = ", ".join(f"{p} in {share[p]}" for p in passing)
            text += f"; only in passing ({counts} of {n} facts)"
        return text
    return f"{' and '.join(involved)} never together in one fact"


def restrict(summary: ArticleSummary, beat: Beat) -> ArticleSummary:
    """The article's summary as the beat sees it: only its on-beat facts, issues and agreement topics
    from the beat's own taxonomy. An off-beat article keeps no fact of any kind for the beat."""
    if not judge(summary, beat).relevant:
        return summary.model_copy(
            update={
                "officials": [],
                "agreements": [],
                "issues": [],
                "events": [],
                "quotes": [],
                "figures": [],
            }
        )
    on = {id(f.item) for f in _facts(summary, beat) if fact_on_beat(f, beat)}
    taxonomy, labels = beat.taxonomy, beat.labels
    return summary.model_copy(
        update={
            "officials": [o for o in summary.officials if id(o) in on],
            "agreements": [
                a.model_copy(update={"topic": taxonomy.first_topic(a.text) or taxonomy.default})
                for a in summary.agreements
                if id(a) in on
            ],
            "issues": [i for i in summary.issues if id(i) in on and i.topic in labels],
            "events": [e for e in summary.events if id(e) in on],
            "quotes": [q for q in summary.quotes if id(q) in on],
            "figures": [f for f in summary.figures if id(f) in on],
        }
    )
