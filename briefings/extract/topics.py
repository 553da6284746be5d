"""The topic taxonomy of a beat (format documented in ``data/topics.toml``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from .lexicon import StatusCues, data_path, load_status_cues, read_toml, status_cues_from
from .text import phrase_body


@dataclass(frozen=True, slots=True)
class TopicHit:
    slug: str
    strong: bool
    start: int
    end: int


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str


_WORD_START_RE = re.compile(r"(?<![\w-])\w\w")
_LAST_WORD_RE = re.compile(r"\w+$")


@lru_cache(maxsize=2)
def topic_rule_words(key: str) -> frozenset[str]:
    """A word list of ``data/topic_rules.toml`` ("unrelated": words a trailing "*" never reaches,
    "import*" is not "important"; "body_heads": last words of the names of bodies)."""
    raw = read_toml(data_path("topic_rules.toml")).get(key, [])
    return frozenset(str(w) for w in raw) if isinstance(raw, list) else frozenset()


Trigger = tuple[re.Pattern[str], str, bool]  # anchored phrase pattern, slug, strong


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    default: str | None
    status: StatusCues
    index: Mapping[str, tuple[Trigger, ...]]  # first two letters (lowercase) -> triggers, longest first

    def hits(self, text: str, start: int = 0, end: int | None = None) -> list[TopicHit]:
        """Every trigger in ``text[start:end]``; one stretch of text counts for one topic only.

        Triggers are looked up by the first two letters of each word, then matched in place (much
        faster than one big alternation over a whole article)."""
        stop = len(text) if end is None else end
        found: list[TopicHit] = []
        resume = start
        for word in _WORD_START_RE.finditer(text, start, stop):
            pos = word.start()
            if pos < resume:
                continue
            for pattern, slug, strong in self.index.get(word.group().lower(), ()):
                m = pattern.match(text, pos, stop)
                if m and not _unrelated(m.group()):
                    found.append(TopicHit(slug, strong, pos, m.end()))
                    resume = m.end()
                    break
        return found

    def first_topic(self, text: str) -> str | None:
        found = self.hits(text)
        return found[0].slug if found else None

    def topic_set(self, text: str) -> frozenset[str]:
        return frozenset(h.slug for h in self.hits(text))

    def label(self, slug: str) -> str:
        return next((t.label for t in self.topics if t.slug == slug), slug)


def _unrelated(matched: str) -> bool:
    last = _LAST_WORD_RE.search(matched)
    return last is not None and last.group().lower() in topic_rule_words("unrelated")


def _phrases(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key, [])
    return [str(v) for v in value] if isinstance(value, list) else []


@lru_cache(maxsize=8)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    raw = read_toml(path or data_path("topics.toml"))
    entries = cast(list[dict[str, Any]], raw.get("topic", []))
    topics: list[Topic] = []
    triggers: list[tuple[str, str, bool]] = []  # phrase, slug, strong
    for entry in entries:
        slug = str(entry["slug"])
        topics.append(Topic(slug, str(entry.get("label", slug))))
        triggers += [(p, slug, True) for p in _phrases(entry, "strong")]
        triggers += [(p, slug, False) for p in _phrases(entry, "weak")]
    triggers.sort(key=lambda t: len(t[0]), reverse=True)
    index: dict[str, list[Trigger]] = {}
    for phrase, slug, strong in triggers:
        key = re.sub(r"[^\w]", "", phrase)[:2].lower()
        pattern = re.compile(rf"(?:{phrase_body(phrase)})(?!\w)", re.IGNORECASE)
        index.setdefault(key, []).append((pattern, slug, strong))
    status_table = raw.get("status")
    status = (
        status_cues_from(cast(dict[str, Any], status_table))
        if isinstance(status_table, dict)
        else (load_status_cues())
    )
    default = str(raw["default"]) if raw.get("default") else None
    return Taxonomy(tuple(topics), default, status, MappingProxyType({k: tuple(v) for k, v in index.items()}))


def merge_taxonomies(taxonomies: Sequence[Taxonomy]) -> Taxonomy:
    """One taxonomy for extracting once for several beats: every topic of each (a slug that two
    files share is the first file's), the first file's default and status cues."""
    if len(taxonomies) == 1:
        return taxonomies[0]
    first = taxonomies[0]
    topics: list[Topic] = []
    seen: set[str] = set()
    index: dict[str, list[Trigger]] = {}
    for taxonomy in taxonomies:
        own = {t.slug for t in taxonomy.topics} - seen
        topics += [t for t in taxonomy.topics if t.slug in own]
        seen |= own
        for key, triggers in taxonomy.index.items():
            index.setdefault(key, []).extend(t for t in triggers if t[1] in own)
    ordered = {k: tuple(sorted(v, key=lambda t: len(t[0].pattern), reverse=True)) for k, v in index.items()}
    return Taxonomy(tuple(topics), first.default, first.status, MappingProxyType(ordered))
