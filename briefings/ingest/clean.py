"""Boilerplate removal: raw scraped text to a clean article, keeping the date and outlet it reveals."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from briefings.ingest.dates import parse_date
from briefings.models import CleanArticle

_MAX_TITLE = 160
_MAX_DERIVED_TITLE = 100


@dataclass(frozen=True)
class Boilerplate:
    drop_line: tuple[re.Pattern[str], ...]
    byline: tuple[re.Pattern[str], ...]
    outlet_line: tuple[re.Pattern[str], ...]
    date_line: tuple[re.Pattern[str], ...]
    date_prefix: re.Pattern[str]
    also_read: re.Pattern[str]
    sentence_start: re.Pattern[str]
    photo_credit: re.Pattern[str]
    breadcrumb: re.Pattern[str]
    dateline: re.Pattern[str]
    domains: dict[str, str]


def _compile(patterns: list[str], flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


@lru_cache(maxsize=1)
def boilerplate() -> Boilerplate:
    data_dir = resources.files("briefings.ingest") / "data"
    bp = tomllib.loads((data_dir / "boilerplate.toml").read_text(encoding="utf-8"))
    outlets = tomllib.loads((data_dir / "outlets.toml").read_text(encoding="utf-8"))
    starters = "|".join(re.escape(w) for w in bp["sentence_starters"])
    return Boilerplate(
        drop_line=_compile(bp["drop_line"]),
        byline=_compile(bp["byline"], 0),
        outlet_line=_compile(bp["outlet_line"]),
        date_line=_compile(bp["date_line"]),
        date_prefix=re.compile(bp["date_prefix"], re.IGNORECASE),
        also_read=re.compile(bp["also_read"]),
        # a lowercase word or number, then a sentence starter: where a glued headline ends
        sentence_start=re.compile(rf"(?<=[a-z0-9%)])\s+(?=(?:{starters})\s)"),
        photo_credit=re.compile(bp["photo_credit"]),
        breadcrumb=re.compile(bp["breadcrumb"], re.IGNORECASE),
        dateline=re.compile(bp["dateline"]),
        domains={k.lower(): v for k, v in outlets["domains"].items()},
    )


def outlet_from_domain(domain: str) -> str:
    """A display name for a web domain ("www.bloomberg.com" -> "Bloomberg")."""
    domain = domain.lower().strip(". ").removeprefix("www.")
    known = boilerplate().domains
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        candidate = ".".join(parts[i:])
        if candidate in known:
            return known[candidate]
    label = parts[0] if parts else domain
    return label[:1].upper() + label[1:]


def normalise(raw: str) -> str:
    """Unicode NFC, unified newlines, no BOM, no trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\xa0", " ").replace("\t", " ")
    text = _CONTROL.sub("", text)
    lines = [(_SPACES.sub(" ", line) if "  " in line else line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(raw: str, *, fallback_title: str | None = None) -> CleanArticle:
    """Strip boilerplate from scraped text; detect title, publication date and outlet."""
    bp = boilerplate()
    text = normalise(raw)
    published: dt.date | None = None
    outlet: str | None = None

    prefix = bp.date_prefix.match(text)
    if prefix:
        published = parse_date(prefix.group("date"))
        text = text[prefix.end() :]

    kept: list[str] = []
    for line in text.split("\n"):
        verdict = _classify_line(line, bp)
        if verdict is None:
            kept.append(line)
            continue
        kind, value = verdict
        if kind == "date" and published is None and value:
            published = parse_date(value)
        elif kind == "outlet" and outlet is None and value:
            outlet = value
    paragraphs = _paragraphs("\n".join(kept))
    paragraphs = [_cut_also_read(p, bp) for p in paragraphs]
    paragraphs = [p for p in paragraphs if p and not _is_caption(p, bp)]
    title, paragraphs = _title(paragraphs, bp)
    if paragraphs:
        paragraphs[0], stated, agency = _cut_dateline(paragraphs[0], bp)
        published = published or stated
        outlet = outlet or agency
    body = "\n\n".join(paragraphs).strip()
    if not title:
        title = fallback_title or _first_sentence(body)
    return CleanArticle(title=title, text=body, published=published, outlet=outlet)


def _classify_line(line: str, bp: Boilerplate) -> tuple[str, str | None] | None:
    """None to keep the line; otherwise (kind, value) for a dropped line."""
    if not line or len(line) > 200:
        return None
    for pat in bp.outlet_line:
        m = pat.match(line)
        if m:
            groups = m.groupdict()
            if groups.get("outlet"):
                return "outlet", groups["outlet"].strip()
            if groups.get("domain"):
                return "outlet", outlet_from_domain(groups["domain"])
            return "outlet", None
    for pat in bp.date_line:
        m = pat.match(line)
        if m and parse_date(m.group("date")) is not None:
            return "date", m.group("date")
    if any(p.match(line) for p in bp.byline) or any(p.match(line) for p in bp.drop_line):
        return "drop", None
    return None


def _cut_dateline(paragraph: str, bp: Boilerplate) -> tuple[str, dt.date | None, str | None]:
    """Cut a wire dateline from the first paragraph; return the rest, its dated year if any, its agency."""
    m = bp.dateline.match(paragraph)
    if not m or len(m.group("place")) < 3:
        return paragraph, None, None
    date_text = m.group("date") or ""
    stated = parse_date(date_text) if re.search(r"\d{4}", date_text) else None
    agency = (m.group("agency") or "").strip() or None
    return paragraph[m.end() :], stated, agency


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks; single newlines inside a block are kept."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _cut_also_read(paragraph: str, bp: Boilerplate) -> str:
    m = bp.also_read.search(paragraph)
    if not m:
        return paragraph
    before = paragraph[: m.start()].rstrip()
    rest = paragraph[m.end() :]
    line_end = rest.find("\n")
    segment = rest if line_end < 0 else rest[:line_end]
    resume = bp.sentence_start.search(segment)
    if resume:
        after = segment[resume.end() :] + ("" if line_end < 0 else rest[line_end:])
    else:
        after = "" if line_end < 0 else rest[line_end + 1 :]
    joined = (before + ("\n" if before and before.endswith((".", '"', "”")) else " ") + after).strip()
    return _cut_also_read(joined, bp) if bp.also_read.search(joined) else joined


CREDIT_TAIL = 160  # a photo credit ends its paragraph: only the paragraph's end is searched


def _is_caption(paragraph: str, bp: Boilerplate) -> bool:
    if "\n" in paragraph or len(paragraph) >= 600:
        return False
    return bool(bp.photo_credit.search(paragraph[-CREDIT_TAIL:]))


def _looks_like_headline(line: str) -> bool:
    return 0 < len(line) <= _MAX_TITLE and "\n" not in line and not line.endswith((".", ":", ";", ","))


def _title(paragraphs: list[str], bp: Boilerplate) -> tuple[str | None, list[str]]:
    """Find the headline, drop breadcrumbs and repeats of it; return (title, body paragraphs)."""
    if not paragraphs:
        return None, paragraphs
    first_line = paragraphs[0].split("\n", 1)[0]
    if bp.breadcrumb.match(first_line) and len(paragraphs) > 1:
        following = paragraphs[1].split("\n", 1)[0]
        if first_line.endswith(following) and following != first_line:
            paragraphs = paragraphs[1:]
            first_line = following
    if not _looks_like_headline(first_line) or first_line.startswith(("'", '"', "“", "‘")):
        return None, paragraphs
    title = first_line
    body: list[str] = []
    for i, para in enumerate(paragraphs):
        lines = para.split("\n")
        if i == 0:
            lines = lines[1:]
        lines = [line for line in lines if line.strip() != title]
        rest = "\n".join(lines).strip()
        if rest:
            body.append(rest)
    return title, body


def _first_sentence(body: str) -> str:
    m = re.match(r"(.{20,}?[.!?])(?:\s|$)", body, re.DOTALL)
    sentence = (m.group(1) if m else body).replace("\n", " ").strip()
    if len(sentence) > _MAX_DERIVED_TITLE:
        sentence = sentence[: _MAX_DERIVED_TITLE - 1].rsplit(" ", 1)[0] + "…"
    return sentence or "(untitled)"
