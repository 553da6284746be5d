"""A safe HTTP fetch: http/https only, one deadline over the whole fetch, a size cap on the decoded
bytes enforced while streaming, redirects re-checked."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from briefings.errors import FetchError
from briefings.ingest.connect import Connector
from briefings.ingest.deadline import deadline, remaining
from briefings.ingest.decompress import ACCEPT_ENCODING, decoder_for
from briefings.ingest.transport import BackendTransport
from briefings.ingest.urls import join, parse_url

USER_AGENT = "briefings/0.1 (+https://github.com/; news briefing bot)"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL after redirects
    content: bytes
    content_type: str


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 15.0  # seconds for the whole fetch: connect, headers, body and redirects
    max_bytes: int = 5 * 1024 * 1024
    allow_private: bool = False
    max_feed_entries: int = 200  # entries of one feed read (the newest), pages fetched for them


def new_client(policy: FetchPolicy) -> httpx.Client:
    """The client for fetches under ``policy``: its connections go to the addresses the policy allows
    (checked once, then connected to) and keep to the deadline of each fetch. Proxies from the
    environment are not used: they would connect to addresses no one checked."""
    return httpx.Client(
        transport=BackendTransport(Connector(allow_private=policy.allow_private)),
        timeout=httpx.Timeout(policy.timeout),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        trust_env=False,
    )


def fetch(url: str, policy: FetchPolicy, client: httpx.Client | None = None) -> Fetched:
    """GET a URL under the policy, all of it within ``policy.timeout`` seconds; raise
    :class:`FetchError` with a one-line reason."""
    owns = client is None
    http = client or new_client(policy)
    try:
        with deadline(policy.timeout):
            current = url
            for _ in range(MAX_REDIRECTS + 1):
                result = _get_once(http, parse_url(current), policy)
                if isinstance(result, Fetched):
                    return result
                current = result
            raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    finally:
        if owns:
            http.close()


def _get_once(http: httpx.Client, url: httpx.URL, policy: FetchPolicy) -> Fetched | str:
    """Fetch once: the body, or the next URL when redirected."""
    left = remaining()
    try:
        if left is not None and left <= 0:
            raise httpx.TimeoutException("the deadline of the fetch has passed")
        wait = policy.timeout if left is None else min(policy.timeout, left)
        with http.stream("GET", url, timeout=wait) as response:
            if response.is_redirect:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"redirect ({response.status_code}) without a Location")
                return join(str(url), location)
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                raise FetchError(f"too large ({int(declared)} bytes; the limit is {policy.max_bytes})")
            decoder = decoder_for(response.headers.get("content-encoding", ""), policy.max_bytes)
            body = bytearray()
            for chunk in response.iter_raw():  # decoded here, under the cap, not by httpx
                body += decoder.feed(chunk)
            return Fetched(
                url=str(response.url),
                content=bytes(body),
                content_type=response.headers.get("content-type", ""),
            )
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {policy.timeout:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError("too many redirects") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"unreachable ({type(exc).__name__})") from exc
