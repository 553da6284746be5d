"""The publisher's name for a page or a feed entry: the page's own ``og:site_name``, a known domain
(``data/outlets.toml``), the part of a feed's title that names its site ("The Himalaya Dispatch"
of "The Himalaya Dispatch - India-China"), else the domain's name; never a feed's section."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from briefings.ingest.clean import boilerplate, outlet_from_domain

_SEPARATORS = re.compile(r"\s+[-–—|:»·]\s+")
_GENERIC = {"www", "feeds", "feed", "rss", "news", "m", "amp", "api", "blog", "blogs"}
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "go", "or", "ne", "gob", "nic"}


def host(url: str | None) -> str | None:
    """A URL's host name (lower case, no port); None for no URL, a bad one, or an IP address."""
    if not url:
        return None
    try:
        name = (urlsplit(url).hostname or "").strip(".").lower()
    except ValueError:
        return None
    if not name:
        return None
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        return name


def _known(domain: str) -> str | None:
    known = boilerplate().domains
    parts = domain.removeprefix("www.").split(".")
    for i in range(len(parts) - 1):
        candidate = ".".join(parts[i:])
        if candidate in known:
            return known[candidate]
    return None


def _label(domain: str) -> str:
    """The domain's own name: "thehindu" of www.thehindu.com, "bbci" of feeds.bbci.co.uk."""
    parts = domain.split(".")
    if len(parts) > 1:
        parts = parts[:-1]
    if len(parts) > 1 and parts[-1] in _SECOND_LEVEL:
        parts = parts[:-1]
    named = [p for p in parts if p not in _GENERIC]
    return (named or parts)[-1]


def _compact(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def from_domain(domain: str) -> str:
    """A known domain's name, else the domain's own name capitalised."""
    return _known(domain) or outlet_from_domain(domain)


def feed_publisher(title: str | None, *urls: str | None) -> str | None:
    """The publisher of a feed: a known domain of its link (or the entry's), else the part of the
    feed's title that names the site, else the domain's name; None when there is nothing to go by."""
    domains = [d for d in (host(u) for u in urls) if d]
    for domain in domains:
        known = _known(domain)
        if known:
            return known
    parts = [p.strip() for p in _SEPARATORS.split(title or "") if p.strip()]
    for domain in domains:
        label = _compact(_label(domain))
        if len(label) < 3:
            continue
        for part in parts:
            compact = _compact(part)
            if compact and (label in compact or compact in label):
                return part[:200]
    if len(parts) == 1 and not domains:
        return parts[0][:200]
    if domains:
        return outlet_from_domain(domains[0])
    return None


def site_name(sitename: str | None, url: str | None) -> str | None:
    """A page's publisher: its ``og:site_name`` (a name, not the bare domain a parser put there),
    else its known or own domain name; None for a page on an IP address with no name."""
    name = (sitename or "").strip()
    if real_name(name):
        return name
    domain = host(url) or (host("http://" + name) if name else None)
    return from_domain(domain) if domain else None


def real_name(sitename: str | None) -> str | None:
    """``sitename`` when it is a name, None when empty or a bare domain ("example.com:8080")."""
    name = (sitename or "").strip()
    if not name or re.fullmatch(r"[\w-]+(\.[\w-]+)+(:\d+)?", name):
        return None
    return name
