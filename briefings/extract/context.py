"""Which states each fact involves: the context a beat judges it by.

A fact's states are those its own sentence names (a country, a nationality word, a capital used
for its government, a state body with its state), plus the countries of the officials named in that
sentence, plus, for an official, the country they serve and, for a quote, its speaker's country.
A sentence that names no state ("the two sides agreed to ...") gives none: the fact then belongs
to whatever its article is about. These sets are beat-independent; ``briefings.beats`` reads them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..models import ArticleSummary, Official, Span
from .document import Doc


def _sentence_states(doc: Doc, officials: list[Official]) -> dict[int, set[str]]:
    """Sentence index -> the states it involves."""
    states: dict[int, set[str]] = defaultdict(set)
    for place in doc.places:
        sentence = doc.sentence_of(place.start)
        if sentence is not None:
            states[sentence.index].add(place.country)
    for body in doc.bodies:
        if body.country and not body.guessed:
            sentence = doc.sentence_of(body.start)
            if sentence is not None:
                states[sentence.index].add(body.country)
    for official in officials:
        if not official.country:
            continue
        for span in official.spans:
            sentence = doc.sentence_of(span.start)
            if sentence is not None:
                states[sentence.index].add(official.country)
    return states


def _of(doc: Doc, by_sentence: dict[int, set[str]], spans: Iterable[Span]) -> set[str]:
    found: set[str] = set()
    for span in spans:
        sentence = doc.sentence_of(span.start)
        if sentence is not None:
            found |= by_sentence.get(sentence.index, set())
    return found


def attach_states(doc: Doc, summary: ArticleSummary) -> ArticleSummary:
    """Fill each fact's ``states`` (sorted) in place; returns the summary."""
    by_sentence = _sentence_states(doc, summary.officials)
    country_of = {o.name: o.country for o in summary.officials if o.country}
    for alias_owner in summary.officials:
        for alias in alias_owner.aliases:
            if alias_owner.country:
                country_of.setdefault(alias, alias_owner.country)
    for official in summary.officials:
        found = _of(doc, by_sentence, official.spans)
        if official.country:
            found.add(official.country)
        official.states = sorted(found)
    for agreement in summary.agreements:
        found = _of(doc, by_sentence, [agreement.span]) | set(agreement.parties)
        agreement.states = sorted(found)
    for issue in summary.issues:
        issue.states = sorted(_of(doc, by_sentence, issue.spans))
    for event in summary.events:
        event.states = sorted(_of(doc, by_sentence, [event.span]))
    for quote in summary.quotes:
        found = _of(doc, by_sentence, [quote.span])
        speaker = country_of.get(quote.speaker or "")
        if speaker:
            found.add(speaker)
        quote.states = sorted(found)
    for figure in summary.figures:
        figure.states = sorted(_of(doc, by_sentence, [figure.span]))
    return summary
