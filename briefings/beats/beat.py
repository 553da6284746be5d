"""A beat is a file: its name, its parties, how many of them a story must involve, its topics.

The format is the topic taxonomy's (``briefings/extract/data/topics.toml`` documents both) with a
``[beat]`` table on top. A file without one is a beat that names no parties: every article is on
it, as before beats existed. A bad file raises :class:`BeatFileError` naming the file, the key and
what is wrong.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefings.errors import ConfigError
from briefings.extract.lexicon import data_path, load_places
from briefings.extract.topics import Taxonomy, load_taxonomy

DEFAULT_BEAT_FILE = "topics.toml"
PARTY_KINDS = ("state", "organisation", "person")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class BeatFileError(ConfigError):
    """A beat file is unreadable or has a bad key."""

    def __init__(self, path: Path, key: str, reason: str) -> None:
        super().__init__(f"beat file {path}: {key}: {reason}")
        self.path = path
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class Party:
    """One side of a beat: a state (matched through the countries list) or an organisation or
    person (matched by its names in the facts' text and the officials' names)."""

    name: str
    kind: str  # state | organisation | person
    aliases: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """Word-boundary pattern of the party's names (None for a state: states come from the
        facts' ``states``)."""
        if self.kind == "state":
            return None
        forms = sorted({self.name, *self.aliases}, key=len, reverse=True)
        return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")


@dataclass(frozen=True)
class Beat:
    slug: str
    name: str
    title: str  # the brief's title
    parties: tuple[Party, ...]
    need: int  # how many parties a story (and each fact of it) must involve
    taxonomy: Taxonomy
    path: Path
    digest: str  # of the file's bytes: relevance is judged again when the file changes

    @property
    def labels(self) -> dict[str, str]:
        return {t.slug: t.label for t in self.taxonomy.topics}

    @property
    def topics(self) -> list[tuple[str, str]]:
        return [(t.slug, t.label) for t in self.taxonomy.topics]

    @property
    def states(self) -> dict[str, Party]:
        return {p.name: p for p in self.parties if p.kind == "state"}

    def describe(self) -> str:
        """ "both India and China" / "China" / "at least 1 of China, Russia and Iran"."""
        names = [p.name for p in self.parties]
        if not names:
            return "any story"
        if len(names) == 1:
            return names[0]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        if self.need >= len(names):
            return f"{'both' if len(names) == 2 else 'all of'} {joined}"
        return f"at least {self.need} of {joined}"


def default_beat_path() -> Path:
    return data_path(DEFAULT_BEAT_FILE)


def load_beats(paths: Sequence[Path], *, title: str | None = None) -> list[Beat]:
    """The beats of a deployment, in the order given (the first is the default); ``title`` overrides
    the first beat's title (``BRIEFINGS_BEAT_NAME``). Two beats with one slug are an error."""
    beats = [load_beat(p) for p in (paths or [default_beat_path()])]
    seen: dict[str, Path] = {}
    for beat in beats:
        if beat.slug in seen:
            raise BeatFileError(
                beat.path, "beat.slug", f"{beat.slug!r} is also the slug of {seen[beat.slug]}"
            )
        seen[beat.slug] = beat.path
    if title and beats:
        first = beats[0]
        beats[0] = Beat(first.slug, first.name, title, first.parties, first.need, first.taxonomy,
                        first.path, first.digest)  # fmt: skip
    return beats


def load_beat(path: Path) -> Beat:
    return _load_beat(Path(path).resolve())


@lru_cache(maxsize=16)
def _load_beat(path: Path) -> Beat:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BeatFileError(path, "(file)", exc.strerror or "cannot be read") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BeatFileError(path, "(file)", f"not valid TOML: {exc}") from None
    _check_topics(path, raw)
    try:
        taxonomy = load_taxonomy(path)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise BeatFileError(path, "topic", f"cannot be read: {exc}") from None
    table = raw.get("beat", {})
    if not isinstance(table, dict):
        raise BeatFileError(path, "beat", "must be a table ([beat])")
    known = {"name", "slug", "title", "parties", "need", "party"}
    for key in table:
        if key not in known:
            raise BeatFileError(path, f"beat.{key}", f"unknown key (known: {', '.join(sorted(known))})")
    name = _text(path, table, "name", default=path.stem.replace("-", " ").replace("_", " "))
    slug = _text(path, table, "slug", default=_slugify(name if "name" in table else path.stem))
    if not _SLUG.match(slug):
        raise BeatFileError(path, "beat.slug", f"{slug!r} is not a slug (lowercase letters, digits and -)")
    title = _text(path, table, "title", default=f"{name} briefing" if "name" in table else "Briefing")
    parties = _parties(path, table)
    need_value = table.get("need", len(parties) if len(parties) <= 2 else 1)
    if not isinstance(need_value, int) or isinstance(need_value, bool):
        raise BeatFileError(path, "beat.need", f"must be a whole number, not {need_value!r}")
    if parties and not 1 <= need_value <= len(parties):
        raise BeatFileError(
            path, "beat.need", f"must be between 1 and {len(parties)} (the number of parties)"
        )
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return Beat(slug, name, title, tuple(parties), need_value if parties else 0, taxonomy, path, digest)


def _text(path: Path, table: dict[str, Any], key: str, *, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise BeatFileError(path, f"beat.{key}", "must be a non-empty string")
    return value.strip()


def _slugify(text: str) -> str:
    ascii_ = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("–", "-")).strip("-")
    return ascii_[:63] or "beat"


def _parties(path: Path, table: dict[str, Any]) -> list[Party]:
    places = load_places()
    parties: list[Party] = []
    listed = table.get("parties", [])
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        raise BeatFileError(path, "beat.parties", 'must be a list of state names, e.g. ["India", "China"]')
    for value in listed:
        country = places.lookup(value)
        if country is None:
            raise BeatFileError(
                path,
                "beat.parties",
                f"unknown state {value!r} (use a country's common name; organisations and people go in"
                " [[beat.party]] tables)",
            )
        parties.append(Party(country, "state"))
    extra = table.get("party", [])
    if not isinstance(extra, list):
        raise BeatFileError(path, "beat.party", "must be an array of tables ([[beat.party]])")
    for i, entry in enumerate(extra):
        key = f"beat.party[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise BeatFileError(path, key, "needs a name")
        kind = entry.get("kind", "organisation")
        if kind not in PARTY_KINDS:
            raise BeatFileError(path, f"{key}.kind", f"{kind!r} is not one of {', '.join(PARTY_KINDS)}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise BeatFileError(path, f"{key}.aliases", "must be a list of names")
        name = entry["name"].strip()
        if kind == "state":
            country = places.lookup(name)
            if country is None:
                raise BeatFileError(path, f"{key}.name", f"unknown state {name!r}")
            name = country
        parties.append(Party(name, kind, tuple(a.strip() for a in aliases)))
    names = [p.name for p in parties]
    for name in names:
        if names.count(name) > 1:
            raise BeatFileError(path, "beat.parties", f"{name!r} is listed twice")
    return parties


def _check_topics(path: Path, raw: dict[str, Any]) -> None:
    topics = raw.get("topic", [])
    if not isinstance(topics, list):
        raise BeatFileError(path, "topic", "must be an array of tables ([[topic]])")
    slugs: set[str] = set()
    for i, entry in enumerate(topics):
        key = f"topic[{i}]"
        if not isinstance(entry, dict):
            raise BeatFileError(path, key, "must be a table")
        slug = entry.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise BeatFileError(
                path, f"{key}.slug", f"{slug!r} is not a slug (lowercase letters, digits and -)"
            )
        if slug in slugs:
            raise BeatFileError(path, f"{key}.slug", f"{slug!r} is used twice")
        slugs.add(slug)
        for field in ("strong", "weak"):
            value = entry.get(field, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise BeatFileError(path, f"{key}.{field}", "must be a list of phrases")
        if not entry.get("strong") and not entry.get("weak"):
            raise BeatFileError(path, key, f"topic {slug!r} has no cue phrases (strong or weak)")
    default = raw.get("default")
    if default is not None and default not in slugs:
        raise BeatFileError(path, "default", f"{default!r} is not the slug of a topic in this file")
