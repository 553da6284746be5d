"""Figures: numbers that carry a story, with a few words on what they measure.

Kinds: percentages and percentage points ("58%", "12 per cent", "24 percentage points"), amounts with
a scale, unit or currency ("6.9 million metric tons", "155 billion cubic meters", "40 to 45 bcm",
"$1.2 billion"), ordinals of rounds and ranks ("24th round", "fifth-largest"), durations ("two-day",
"six months", "three-to-five-year") and counts ("about 20 members", "750 pilgrims"). Numbers that are
part of a date or a label ("Section 232", "Article 5"), repetitions ("for the 11th time"),
spelled-out counts below four without an approximator ("the two sides"), and vague words
("thousands") are left out.
"""

from __future__ import annotations

import re

from ..models import Figure, Span
from .document import Doc
from .text import squash

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|a hundred"
)
_SMALL = {"one", "two", "three"}
_ORDINAL_WORDS = (
    "second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    "fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
)
_RANK_WORDS = f"first|{_ORDINAL_WORDS}"
# counted nouns with an irregular plural ("26 people")
_IRREGULAR = r"people|personnel|children|men|women|police|staff|troops|crew|cattle|aircraft|livestock"
_APPROX = (
    r"(?:(?:about|around|nearly|almost|over|more\s+than|less\s+than|fewer\s+than|up\s+to|at\s+least|"
    r"some|roughly|approximately|just\s+over|just\s+under|an\s+estimated)\s+)"
)
_NUM = r"\d+(?:[.,]\d+)*"
_SCALE = r"(?:million|billion|trillion|mn|bn|crore|lakh|thousand)"
_UNIT_NOUN = r"[a-z][a-z-]+"
# units written short after a number
_SHORT_UNITS = r"bcm|bcf|mcm|tcf|MW|GW|kW|TW|MWh|GWh|TWh|kWh|bpd|mbpd|km|kg|MT|mt|mtpa|MMBtu|Mbps|Gbps"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("percent", re.compile(rf"(?i){_APPROX}?{_NUM}\s?(?:%|percentage\s+points?|per\s?cent\b)")),
    (
        "measure",  # "80 bcm", "40 to 45 bcm", "500 MW": a number with a unit written short
        re.compile(rf"{_APPROX}?{_NUM}(?:\s?(?:to|-|–)\s?{_NUM})?\s?(?:{_SHORT_UNITS})\b"),
    ),
    (
        "money",
        re.compile(rf"(?i){_APPROX}?(?:US\$|\$|€|£|¥|₹|Rs\.?\s?|INR\s?|USD\s?)\s?{_NUM}(?:\s?{_SCALE})?"),
    ),
    (
        "scaled",
        re.compile(
            rf"(?i){_APPROX}?{_NUM}\s?{_SCALE}(?:\s+(?:metric\s+)?(?:tonnes|tons|dollars|yuan|"
            rf"rupees|euros|barrels|people|units|vehicles|doses|cubic\s+met(?:re|er)s|cubic\s+feet|square\s+km|"
            rf"square\s+(?:kilomet(?:re|er)s|miles)|"
            rf"{_UNIT_NOUN}))?"
        ),
    ),
    (
        "rank",
        re.compile(
            rf"(?i)\b(?:{_RANK_WORDS}|\d+(?:st|nd|rd|th))-(?:largest|biggest|highest|lowest|"
            rf"smallest|most|least|fastest|busiest|richest|poorest|ranked)\b"
        ),
    ),
    (
        "ordinal",
        re.compile(
            rf"(?i)\b(?:\d+(?:st|nd|rd|th)|{_ORDINAL_WORDS})\s+(?:round|meeting|session|edition|anniversary|"
            r"summit|visit|dialogue|plenary|congress|batch|day|week|month|year|consecutive|straight)\b"
        ),
    ),
    (
        "duration",
        re.compile(
            rf"(?i)\b(?:(?:{_NUMBER_WORDS}|\d+)-(?:to|or)-)?(?:{_NUMBER_WORDS}|\d+)-(?:day|week|month|year|"
            rf"hour|minute|decade|nation|"
            rf"member|point|country|party|storey|kilometre|km)(?:-long|-old)?\b"
        ),
    ),
    (
        "span",
        re.compile(rf"(?i)\b{_APPROX}?(?:{_NUMBER_WORDS}|\d+)\s+(?:days|weeks|months|years|hours|decades)\b"),
    ),
    (
        "count",
        re.compile(
            rf"(?i)\b{_APPROX}?(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_NUMBER_WORDS})\s+"
            rf"(?:(?:[a-z]+-)?[a-z]+\s+)?(?:{_UNIT_NOUN}s|{_IRREGULAR})\b"
        ),
    ),
)
# a number that names a law, article or resolution: "Section 232 tariffs", "Article 5", "Resolution 2231"
_LABEL_BEFORE = re.compile(
    r"\b(?:Section|Sections|Article|Articles|Chapter|Title|Resolution|Rule|Paragraph|Clause|No\.|Number|"
    r"Phase|Pillar|Annex|Amendment)\s+$"
)
_NUMBER_HINT = re.compile(rf"(?i)\d|\b(?:{_NUMBER_WORDS}|{_RANK_WORDS})\b")
_TIME_UNITS = re.compile(r"(?i)\b(?:days|weeks|months|years|hours|decades|minutes|per)\b")


def extract_figures(doc: Doc) -> list[Figure]:
    taken: list[tuple[int, int]] = [(d.start, d.end) for d in doc.dates]
    found: list[Figure] = []
    numeric = [x for x in doc.sentences if _NUMBER_HINT.search(doc.clean, x.start, x.end)]
    for kind, pattern in _PATTERNS:
        for m in (m for x in numeric for m in pattern.finditer(doc.clean, x.start, x.end)):
            value = m.group().strip()
            start, end = m.start(), m.start() + len(value)
            if any(s < end and start < e for s, e in taken) or not _keep(
                kind, value, doc.clean[end : end + 4]
            ):
                continue
            if _LABEL_BEFORE.search(doc.clean, max(0, start - 14), start):
                continue
            if kind == "count":
                value = _count_value(value)
                end = start + len(value)
            taken.append((start, end))
            found.append(Figure(value=value, what=_what(doc, start, end), span=Span(start=start, end=end)))
    found.sort(key=lambda f: f.span.start)
    return found


def _keep(kind: str, value: str, after: str = "") -> bool:
    words = value.lower().split()
    if kind in {"count", "span"}:
        number = next((w for w in words if re.fullmatch(rf"{_NUM}|{_NUMBER_WORDS}", w)), "")
        approximate = bool(re.match(_APPROX, value.lower() + " "))
        # "two days of talks" measures something; "two sides", "three years ago" do not
        measured = kind == "span" and after.startswith(" of ")
        if number in _SMALL and not approximate and not measured:
            return False
        if kind == "count" and _TIME_UNITS.search(value):
            return False
    return True


def _count_value(value: str) -> str:
    """ "about 20 members" stays; the counted noun is kept so the value reads on its own."""
    return value


def _what(doc: Doc, start: int, end: int) -> str:
    """The clause around a figure: a few words before and after it, inside its sentence."""
    sentence = doc.sentence_of(start)
    s_start, s_end = (sentence.start, sentence.end) if sentence else (0, len(doc.clean))
    before = re.split(r"[,;:—–]\s", doc.text[s_start:start])[-1].split()[-6:]
    after_text = re.split(r"[,;:—–]\s|\.\s|\.$", doc.text[end:s_end])[0]
    after = after_text.split()[:8]
    return squash(" ".join([*before, doc.text[start:end], *after]))
