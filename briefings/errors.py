"""Every expected failure of the domain, in one place. Each message is safe to show a user and is
one line; the CLI prints it as ``error: …`` (exit 2) and the bot answers with it (bot/errors.py).

BriefingsError
├── ConfigError          a setting or a beat file has a bad value
│   └── BeatFileError    a beat file (beats/beat.py): names the file and the key
├── FetchError           a network fetch failed: unreachable, slow, refused, too large, wrong scheme
│   └── RetryLater       the server said when to come back (429/503 Retry-After; ingest/polite.py)
├── DatabaseError        the database cannot be opened or upgraded
├── InvalidRequest       a user's command arguments are wrong; the message says how to fix them
└── ClaimLost            another sender took a delivery again (this sender's lease ran out): stop sending it

A rejected input (a file, URL or feed that cannot be ingested) is not an exception but a value,
``ingest.sources.Rejected``: the rest of the batch goes on.
"""

from __future__ import annotations


class BriefingsError(Exception):
    """Base class: an expected failure with a message fit for a user."""


class ConfigError(BriefingsError):
    """A setting has a bad value."""


class FetchError(BriefingsError):
    """A network fetch failed: unreachable, slow, refused, too large, wrong scheme."""


class DatabaseError(BriefingsError):
    """The database cannot be opened or upgraded."""


class InvalidRequest(BriefingsError):
    """A user's command arguments are wrong; the message says how to fix them."""


class ClaimLost(BriefingsError):
    """Another sender took this delivery again (this sender's lease ran out): stop sending it."""
