"""Web addresses: whether a text is an http(s) address, the one kind of address that is fetched
(never a local path, never another scheme). Pure and import-free, so that every layer (ingestion,
storage, the service, the bot) asks the same question the same way."""

from __future__ import annotations

import re

WEB_SCHEMES = frozenset({"http", "https"})

# the scheme as urllib.parse.urlsplit reads it: leading controls and spaces ignored, any case
_SCHEME = re.compile(r"[\x00-\x20]*([A-Za-z][A-Za-z0-9+.-]*):")


def is_web_address(text: str) -> bool:
    """Whether ``text`` starts with the http or https scheme (any case; leading spaces ignored).

    Only the scheme is judged: whether the rest is a valid URL is :func:`briefings.ingest.urls.parse_url`'s
    question, asked before anything is fetched."""
    m = _SCHEME.match(text)
    return m is not None and m.group(1).lower() in WEB_SCHEMES
