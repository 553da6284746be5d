"""Date expressions: found by regex on candidate spans, resolved against a reference date.

``search_dates`` over a whole article is never used ("Sun" would become Sunday). Explicit forms
are parsed here; dateparser is only a fallback for numeric forms such as ``13.06.2025``.
Relative weekdays ("on Thursday") are resolved only against a published date: an inferred
reference is the latest date the text names, which may be days or weeks before the article.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .lexicon import MONTHS

_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"Sept": 9}
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(rf"(?<![\d-])(?P<y>{_YEAR})-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)")),
    ("numeric", re.compile(rf"(?<![\d/.])\d{{1,2}}[/.]\d{{1,2}}[/.]{_YEAR}(?!\d)")),
    (
        "md",
        re.compile(
            rf"(?P<mon>{_MONTH_RE})\s+(?P<d>{_DAY})(?:\s*[-–]\s*{_DAY})?(?:,?\s+(?P<y>{_YEAR}))?(?![\d:])"
        ),
    ),
    (
        "dm",
        re.compile(
            rf"(?<!\d)(?P<d>{_DAY})(?:\s*[-–]\s*{_DAY})?\s+(?:of\s+)?(?P<mon>{_MONTH_RE})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "month",
        re.compile(
            rf"(?:(?P<q>(?i:early|mid|late|the end of|end of|the beginning of|beginning of|last|this|"
            rf"next))[\s-]+)?(?P<mon>{_MONTH_RE})(?:\s+(?P<rel>(?i:last|this|next))\s+year|,?\s+"
            rf"(?P<y>{_YEAR}))?(?![\w])"
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"(?:(?P<q>(?i:last|this|next|on|since|from|by|until|before|after|starting|from))\s+)?"
            rf"(?P<wd>{'|'.join(_WEEKDAYS)})(?![\w])"
        ),
    ),
    (
        "relative",
        re.compile(
            r"(?i:(?P<rel>earlier this|later this|this|last|next|past)\s+(?P<unit>month|year|week)"
            r"|(?P<day>yesterday|today|tonight|tomorrow))(?![\w])"
        ),
    ),
    ("year", re.compile(rf"(?<![\d,.$€£¥₹/-])(?P<y>{_YEAR})(?![\d/]|,\d|\s*%|-\d)")),
)
_MONTH_PREPOSITIONS = re.compile(
    r"(?i:\b(?:in|since|from|by|until|till|through|during|of|before|after|"
    r"between|and|or|to)\s+)$"
)
_YEAR_PREPOSITIONS = re.compile(
    r"(?i:\b(?:in|since|from|by|until|till|through|during|of|before|after|the|early|"
    r"mid|late|around|between|and|to)\s+|['’]s\s+)$"
)
_YEAR_UNITS = re.compile(
    r"^\s+(?i:people|persons|tonnes|tons|troops|soldiers|members|units|km|kilometres|miles|"
    r"metres|meters|crore|lakh|dollars|yuan|rupees|euros|vehicles|cars|pilgrims|flights)\b"
)
_FUTURE = re.compile(
    r"(?i)\b(?:will|shall|scheduled|is to|are to|expected to|plans? to|planning to|due to|"
    r"set to|next|upcoming|starting)\b"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    text: str
    kind: str  # iso, numeric, md, dm, month, weekday, relative, year
    year: int | None = None
    month: int | None = None
    day: int | None = None
    qualifier: str = ""
    value: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD once resolved

    @property
    def is_full(self) -> bool:
        return self.year is not None and self.month is not None and self.day is not None


@dataclass(frozen=True, slots=True)
class Reference:
    date: dt.date
    published: bool  # False: inferred from the text


def find_dates(text: str) -> list[DateMention]:
    """Every date expression, earliest-longest first, without overlaps (unresolved)."""
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            mention = _mention(kind, m, text)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateMention] = []
    for d in found:
        if out and d.start < out[-1].end:
            continue
        out.append(d)
    return out


def _month_number(name: str) -> int:
    return _MONTH_ABBR[name.rstrip(".")[:4] if name.startswith("Sept") else name.rstrip(".")[:3]]


def _mention(kind: str, m: re.Match[str], text: str) -> DateMention | None:
    groups = m.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    month = _month_number(groups["mon"]) if groups.get("mon") else None
    base = DateMention(m.start(), m.end(), m.group(), kind, year=year, month=month)
    if kind == "iso":
        return replace(base, month=int(groups["m"]), day=int(groups["d"]))
    if kind == "numeric":
        return _numeric(base)
    if kind in {"md", "dm"}:
        return replace(base, day=int(re.sub(r"\D", "", groups["d"])))
    if kind == "month":
        return _month_mention(base, groups, text)
    if kind == "weekday":
        q = (groups.get("q") or "").lower()
        return replace(base, day=_WEEKDAYS.index(groups["wd"]), qualifier=q)
    if kind == "relative":
        q = (groups.get("day") or f"{groups.get('rel')} {groups.get('unit')}").lower()
        return replace(base, qualifier=q)
    if kind == "year":
        before, after = text[max(0, m.start() - 16) : m.start()], text[m.end() : m.end() + 20]
        if not _YEAR_PREPOSITIONS.search(before) and not re.match(r"^\s+[a-z]", after):
            return None
        return None if _YEAR_UNITS.match(after) else base
    return None


def _month_mention(base: DateMention, groups: dict[str, str | None], text: str) -> DateMention | None:
    q = (groups.get("q") or "").lower()
    rel = (groups.get("rel") or "").lower()
    before = text[max(0, base.start - 12) : base.start]
    if not (q or rel or base.year) and not _MONTH_PREPOSITIONS.search(before):
        return None
    if base.text.startswith("May") and not (base.year or rel) and not q:
        before = text[max(0, base.start - 8) : base.start]
        if not re.search(r"(?i)\b(?:in|since|by|until|of)\s+$", before):
            return None
    return replace(base, qualifier=f"{q}|{rel}")


@lru_cache(maxsize=256)
def _dateparser_parse(expression: str) -> dt.date | None:
    import dateparser

    parsed = dateparser.parse(expression, languages=["en"], settings={"DATE_ORDER": "DMY"})
    return parsed.date() if parsed else None


def _numeric(base: DateMention) -> DateMention | None:
    parsed = _dateparser_parse(base.text)
    if parsed is None:
        return None
    return replace(base, year=parsed.year, month=parsed.month, day=parsed.day)


# --------------------------------------------------------------------------- reference and resolution


def infer_reference(mentions: Sequence[DateMention]) -> dt.date | None:
    """The latest date the text names in full, for an article that does not state its own date.

    A day-month without a year ("April 4") is placed in the year that puts it on or after the
    latest explicitly dated month ("December 2024" makes it 2025-04-04): stories name the year
    of dates outside the current one, and report mostly the recent past.
    """
    stated = [(d.year, d.month) for d in mentions if d.year is not None and d.month is not None]
    floor = max(stated) if stated else None
    candidates: list[dt.date] = []
    for d in mentions:
        if d.month is None or d.day is None or d.kind not in {"iso", "numeric", "md", "dm"}:
            continue
        if d.year is not None:
            candidates.append(_safe_date(d.year, d.month, d.day))
        elif floor is not None:
            year = floor[0] if d.month >= floor[1] else floor[0] + 1
            candidates.append(_safe_date(year, d.month, d.day))
    if not candidates and floor is not None:
        candidates.append(dt.date(floor[0], floor[1], 1))
    return max(candidates) if candidates else None


def _safe_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, 1)


_FUTURE_CLAUSE = re.compile(
    r"(?i)\b(?:will|shall|scheduled|is\s+to|are\s+to|expected|plans?\s+(?:to|on)|planning|planned|due|"
    r"set\s+(?:to|for)|slated|upcoming|coming|later\s+this\s+year|to\s+be\s+held|aims?\s+to)\b"
)


def resolve(mention: DateMention, ref: Reference | None, sentence: str = "", clause: str = "") -> DateMention:
    """The mention with ``value`` set (or left None when it cannot be resolved safely). ``clause``
    is the clause around the mention: a future tense there sends a bare month forward."""
    return replace(mention, value=_resolve_value(mention, ref, sentence, clause))


def _resolve_value(d: DateMention, ref: Reference | None, sentence: str, clause: str = "") -> str | None:
    if d.kind == "year":
        return f"{d.year:04d}"
    if d.kind in {"iso", "numeric", "md", "dm"} and d.month is not None and d.day is not None:
        year = d.year or _year_for(d.month, d.day, ref, sentence)
        return None if year is None else _safe_date(year, d.month, d.day).isoformat()
    if ref is None:
        return None
    if d.kind == "month" and d.month is not None:
        return _resolve_month(d, ref, sentence, clause)
    if d.kind == "weekday" and ref.published and d.day is not None:
        # the tense of the clause that holds the day ("X's call on Friday, in which ..." is past
        # although the sentence goes on "... will authorize today")
        return _resolve_weekday(d.day, d.qualifier, ref.date, clause or sentence).isoformat()
    if d.kind == "relative":
        return _resolve_relative(d.qualifier, ref)
    return None


def _year_for(month: int, day: int, ref: Reference | None, sentence: str) -> int | None:
    if ref is None:
        return None
    if not ref.published:
        return ref.date.year
    candidate = _safe_date(ref.date.year, month, day)
    if (candidate - ref.date).days > 45 and not _FUTURE.search(sentence):
        return ref.date.year - 1
    return ref.date.year


def _resolve_month(d: DateMention, ref: Reference, sentence: str, clause: str = "") -> str:
    assert d.month is not None
    q, _, rel = d.qualifier.partition("|")
    year = d.year
    if year is None and not rel and q in {"", "early", "mid", "late"} and _FUTURE_CLAUSE.search(clause):
        # "will meet in November", "due in August": the next such month on or after the reference
        year = ref.date.year if d.month >= ref.date.month else ref.date.year + 1
    if year is None and rel:
        year = ref.date.year + {"last": -1, "this": 0, "next": 1}[rel]
    elif year is None and q == "last":
        year = ref.date.year if d.month < ref.date.month else ref.date.year - 1
    elif year is None and q == "next":
        year = ref.date.year if d.month > ref.date.month else ref.date.year + 1
    elif year is None and (q == "this" or not ref.published):
        year = ref.date.year
    elif year is None:
        future = d.month > ref.date.month and bool(_FUTURE.search(sentence))
        year = ref.date.year if d.month <= ref.date.month or future else ref.date.year - 1
    return f"{year:04d}-{d.month:02d}"


def _resolve_weekday(weekday: int, qualifier: str, ref: dt.date, sentence: str) -> dt.date:
    delta = (ref.weekday() - weekday) % 7
    if qualifier == "next" or (qualifier not in {"last", "since"} and _FUTURE.search(sentence)):
        ahead = (weekday - ref.weekday()) % 7
        return ref + dt.timedelta(days=ahead or (7 if qualifier == "next" else 0))
    if qualifier == "last" and delta == 0:
        delta = 7
    return ref - dt.timedelta(days=delta)


def _resolve_relative(qualifier: str, ref: Reference) -> str | None:
    if qualifier in {"today", "tonight", "yesterday", "tomorrow"}:
        if not ref.published:
            return None
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[qualifier]
        return (ref.date + dt.timedelta(days=shift)).isoformat()
    rel, _, unit = qualifier.rpartition(" ")
    if unit == "week" and rel.split()[-1:] in (["last"], ["next"], ["past"]) and ref.published:
        # "last week": its month is known even when its day is not
        day = ref.date + dt.timedelta(days=7 if rel.endswith("next") else -7)
        return f"{day.year:04d}-{day.month:02d}"
    if unit != "month":
        return None  # "this year" says nothing an event needs
    shift = {"last": -1, "past": -1, "next": 1}.get(rel.split()[-1] if rel else "", 0)
    month_index = ref.date.year * 12 + ref.date.month - 1 + shift
    return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
