"""The beats of a deployment and how a command names one (and a topic of it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from briefings.beats import Beat, load_beats
from briefings.config import Settings
from briefings.errors import InvalidRequest


def shown(value: str, limit: int = 60) -> str:
    """A user's input quoted in a message: repr-quoted, and cut to ``limit`` characters, so that
    an answer never grows with what was typed (a message holds at most 4096 characters)."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


class BeatCatalog:
    """The configured beats, the default first; looks a beat up by its slug or name."""

    def __init__(self, beats: Sequence[Beat]) -> None:
        self.all = list(beats)
        self.default = self.all[0]

    @classmethod
    def of(cls, settings: Settings) -> BeatCatalog:
        """The beats of BRIEFINGS_BEATS (the bundled one when unset), titled by BRIEFINGS_BEAT_NAME."""
        return cls(load_beats(settings.beat_files, title=settings.beat_name or None))

    def __iter__(self) -> Iterator[Beat]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    @property
    def slugs(self) -> list[str]:
        return [b.slug for b in self.all]

    def find(self, name: str) -> Beat | None:
        """The beat with this slug or name (any case), or None."""
        wanted = name.strip().lower()
        return next((b for b in self.all if wanted in (b.slug, b.name.lower())), None)

    def check(self, beat: str | None) -> Beat:
        """The beat named by its slug (or name, case-insensitively); the default beat for None."""
        if beat is None or not beat.strip():
            return self.default
        found = self.find(beat)
        if found is None:
            raise InvalidRequest(f"unknown beat {shown(beat)}: the beats here are {', '.join(self.slugs)}")
        return found

    def split_args(self, args: Sequence[str]) -> tuple[str | None, str | None]:
        """``[beat] [topic]`` as a command takes them: a first word that names a beat (and is not
        a topic of the default beat) picks that beat; the rest is the topic."""
        words = [a for a in args if a.strip()]
        if words and len(self.all) > 1:
            first = words[0].strip().lower()
            if first not in self.default.labels and self.find(first) is not None:
                return self.check(first).slug, " ".join(words[1:]).strip() or None
        return None, " ".join(words).strip() or None

    def topics(self, beat: str | None = None) -> list[tuple[str, str]]:
        return self.check(beat).topics

    def check_topic(self, topic: str | None, beat: str | None = None) -> str | None:
        """The topic's slug, if the beat has it (None stays None)."""
        if topic is None:
            return None
        slug = topic.strip().lower()
        if slug not in self.check(beat).labels:
            raise InvalidRequest(f"unknown topic {shown(topic)}: see /topics for the list")
        return slug
