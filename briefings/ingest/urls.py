"""URLs checked before anything is fetched: every way a URL can be malformed (brackets, port,
host name, IDNA) becomes a :class:`FetchError` with a one-line reason, never an exception from
the parsers underneath (``urllib.parse``, httpx, the ``idna`` codec)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

import httpx

from briefings.addresses import is_web_address
from briefings.errors import FetchError

MAX_HOST = 253  # characters of a DNS name
MAX_LABEL = 63  # characters of one of its labels


def parse_url(url: str) -> httpx.URL:
    """The URL as it will be requested: http(s), with a host that can be resolved and a valid port."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # an unclosed "[", a port out of range or not a number, NFKC trouble
        raise FetchError(f"malformed URL ({_first_line(exc)})") from None
    if not is_web_address(url):
        raise FetchError(f"only http and https URLs are fetched, not {parts.scheme or 'a bare path'}")
    if not host:
        raise FetchError("the URL has no host")
    if port == 0:
        raise FetchError("malformed URL (port 0)")
    try:
        parsed = httpx.URL(url)  # IDNA-encodes the host (raises for a bad U-label)
        ascii_host = parsed.raw_host.decode("ascii")
        parsed.host  # noqa: B018  (decodes the A-labels, which raises for a bad one as httpx would)
    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError and idna.IDNAError are ValueErrors
        raise FetchError(f"malformed URL ({_first_line(exc)})") from None
    problem = _host_problem(ascii_host)
    if problem:
        raise FetchError(f"malformed URL (host {_shown(ascii_host)} {problem})")
    return parsed


def join(base: str, location: str) -> str:
    """Where a redirect's ``Location`` points, from ``base``."""
    try:
        return urljoin(base, location)
    except ValueError as exc:
        raise FetchError(f"redirect to a malformed URL ({_first_line(exc)})") from None


def _host_problem(host: str) -> str | None:
    """Why an ASCII host cannot be a DNS name or an IP address, or None."""
    if ":" in host:
        return None  # an IPv6 literal, which httpx has parsed
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    if len(name) > MAX_HOST:
        return f"is longer than {MAX_HOST} characters"
    for label in name.split("."):
        if not label:
            return "has an empty label"
        if len(label) > MAX_LABEL:
            return f"has a label longer than {MAX_LABEL} characters"
        if not all(ch.isalnum() or ch in "-_" for ch in label):
            return "has characters no host name has"
    return None


def _shown(host: str) -> str:
    return repr(host if len(host) <= 80 else host[:79] + "…")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
