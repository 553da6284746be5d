"""One article prepared for the fact rules: blanked text, sentences, places, bodies and dates."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from .bodies import BodyMention, find_bodies
from .boilerplate import boilerplate_spans
from .dates import DateMention, Reference, find_dates, infer_reference, resolve
from .lexicon import Lexicon
from .parse import Parsed, Parses
from .text import Sentence, blank, sentence_at, split_sentences


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    country: str
    kind: str  # country | demonym | capital


@dataclass
class Doc:
    """Per-article working state (built once per article, read by every fact module)."""

    text: str  # the article text as given; all offsets point here
    clean: str  # the same text with boilerplate blanked
    sentences: list[Sentence]
    places: list[PlaceMention]
    bodies: list[BodyMention]
    dates: list[DateMention]
    reference: Reference | None
    persons: list[tuple[int, int]] = field(default_factory=list)  # NER PERSON spans
    title: str = ""  # the article's title, when the source gave one apart from the text
    headline: tuple[int, int] | None = None  # the title repeated as the text's first line
    place_starting: dict[int, PlaceMention] = field(default_factory=dict)
    place_ending: dict[int, PlaceMention] = field(default_factory=dict)
    body_ending: dict[int, BodyMention] = field(default_factory=dict)
    parses: Parses = field(default_factory=lambda: Parses(None))  # sentences parsed on demand

    def __post_init__(self) -> None:
        self.place_starting = {p.start: p for p in self.places}
        self.place_ending = {p.end: p for p in self.places}
        self.body_ending = {b.end: b for b in self.bodies if not b.reference}

    def sentence_of(self, pos: int) -> Sentence | None:
        return sentence_at(self.sentences, pos)

    def parse_at(self, pos: int) -> Parsed | None:
        """The dependency parse of the sentence at ``pos`` (parsed now if no rule asked before)."""
        sentence = self.sentence_of(pos)
        return self.parses.sentence(self.clean, sentence.start, sentence.end) if sentence else None

    def sentence_text(self, sentence: Sentence) -> str:
        return self.clean[sentence.start : sentence.end]

    def main_countries(self) -> list[str]:
        """The two states the article is most about (by mentions), most mentioned first."""
        counts = Counter(p.country for p in self.places)
        return [c for c, _ in counts.most_common(2)]

    def countries(self) -> set[str]:
        return {p.country for p in self.places}

    def bodies_before(self, pos: int, sentences_back: int = 2) -> list[BodyMention]:
        """Bodies named before ``pos`` (same sentence or ``sentences_back`` before), nearest first."""
        sentence = self.sentence_of(pos)
        first = self.sentences[max(0, sentence.index - sentences_back)].start if sentence else 0
        return [b for b in reversed(self.bodies) if first <= b.start and b.end <= pos]


def build_doc(text: str, published: dt.date | None, lexicon: Lexicon, title: str | None = None) -> Doc:
    clean = blank(text, boilerplate_spans(text, lexicon.credits))
    sentences = split_sentences(clean)
    places = [
        PlaceMention(m.start(), m.end(), country, lexicon.places.kind_of.get(_bare(m.group()), "country"))
        for m in lexicon.places.pattern.finditer(clean)
        if (country := lexicon.places.lookup(m.group()))
    ]
    raw_dates = find_dates(clean)
    if published is not None:
        reference: Reference | None = Reference(published, True)
    else:
        inferred = infer_reference(raw_dates)
        reference = Reference(inferred, False) if inferred else None
    dates = []
    for d in raw_dates:
        sentence = sentence_at(sentences, d.start)
        context = clean[sentence.start : sentence.end] if sentence else ""
        clause = _clause(
            clean, sentence.start if sentence else 0, d.start, d.end, sentence.end if sentence else d.end
        )
        dates.append(resolve(d, reference, context, clause))
    bodies = find_bodies(clean, lexicon.bodies, lexicon.places, frozenset(p.country for p in places))
    headline = _headline_span(text, title)
    return Doc(
        text,
        clean,
        sentences,
        places,
        bodies,
        dates,
        reference,
        title=title or "",
        headline=headline[0] if headline else None,
    )


def _headline_span(text: str, title: str | None) -> list[tuple[int, int]]:
    """The title repeated as the text's first line (a headline, not a sentence of the story)."""
    head = (title or "").rstrip("…. ").strip()
    lead = len(text) - len(text.lstrip())
    end = text.find("\n", lead)
    first = text[lead : end if end >= 0 else len(text)]
    if len(head) >= 20 and first.startswith(head) and end >= 0:
        return [(lead, end)]
    return []


_CLAUSE_BREAK_RE = re.compile(r"[,;:—–]\s|\s(?:and|but|while|whereas|after|before|since|as)\s")


def _clause(text: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """The clause leading up to a date: from the last clause break before it to the date itself
    ("they will meet again in November" -> "they will meet again in November")."""
    left = text[s_start:start]
    breaks = list(_CLAUSE_BREAK_RE.finditer(left))
    lo = s_start + breaks[-1].end() if breaks else s_start
    return text[lo:end]


def _bare(surface: str) -> str:
    return surface.rstrip("s").rstrip("'’") if surface.endswith(("'s", "’s")) else surface
