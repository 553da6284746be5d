"""Domain errors whose message is safe to show a user, in one line."""

from __future__ import annotations


class BriefingsError(Exception):
    """Base class: an expected failure with a message fit for a user."""


class ConfigError(BriefingsError):
    """A setting has a bad value."""


class RejectedInput(BriefingsError):
    """An input (file, URL, feed) cannot be ingested; the message says why."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class FetchError(BriefingsError):
    """A network fetch failed: unreachable, slow, refused, too large, wrong scheme."""


class NotFound(BriefingsError):
    """A lookup found nothing."""
