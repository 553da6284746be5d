"""A safe HTTP fetch: http/https only, one deadline over the whole fetch, a size cap on the decoded
bytes enforced while streaming, redirects re-checked; conditional requests (``If-None-Match``,
``If-Modified-Since``), ``Retry-After`` on 429 and 503, and a :class:`HostGate` of the polling
cycle passed through before every request."""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass

import httpx

from briefings.errors import FetchError
from briefings.ingest.connect import Connector
from briefings.ingest.deadline import deadline, remaining
from briefings.ingest.decompress import ACCEPT_ENCODING, decoder_for
from briefings.ingest.polite import HostGate, RetryLater, retry_after
from briefings.ingest.transport import BackendTransport
from briefings.ingest.urls import join, parse_url

USER_AGENT = "briefings/0.1 (news briefing bot)"
MAX_REDIRECTS = 5


def user_agent(contact_url: str = "") -> str:
    """The User-Agent: the bot's name and, when set, the URL where its operator can be reached."""
    return f"briefings/0.1 (news briefing bot; +{contact_url})" if contact_url else USER_AGENT


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version it sent: sent back, it answers 304 when unchanged."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL after redirects
    content: bytes
    content_type: str
    validators: Validators = Validators()
    not_modified: bool = False  # a 304 to a conditional request: no content


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 15.0  # seconds for the whole fetch: connect, headers, body and redirects
    max_bytes: int = 5 * 1024 * 1024
    allow_private: bool = False
    max_feed_entries: int = 200  # entries of one feed read (the newest), pages fetched for them
    user_agent: str = USER_AGENT
    per_host: int = 2  # requests at once to one host (scheme, name and port)
    min_gap: float = 0.0  # seconds between the starts of two requests to one host
    cycle_timeout: float | None = None  # seconds for a whole run over the inputs (None: no limit)
    workers: int = 8  # URL inputs read at once (across hosts; each host keeps its own limits)


def new_client(policy: FetchPolicy) -> httpx.Client:
    """The client for fetches under ``policy``: its connections go to the addresses the policy allows
    (checked once, then connected to) and keep to the deadline of each fetch. Proxies from the
    environment are not used: they would connect to addresses no one checked."""
    return httpx.Client(
        transport=BackendTransport(Connector(allow_private=policy.allow_private)),
        timeout=httpx.Timeout(policy.timeout),
        follow_redirects=False,
        headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        trust_env=False,
    )


def fetch(
    url: str,
    policy: FetchPolicy,
    client: httpx.Client | None = None,
    *,
    validators: Validators | None = None,
    gate: HostGate | None = None,
) -> Fetched:
    """GET a URL under the policy, all of it within ``policy.timeout`` seconds (and within the
    cycle's deadline of ``gate``); raise :class:`FetchError` with a one-line reason.

    With ``validators`` the request is conditional: an unchanged resource is a :class:`Fetched`
    with ``not_modified`` and no content. A 429 or 503 raises :class:`RetryLater` and holds the
    host in ``gate`` for the ``Retry-After`` it gave. The fetch's own time runs from when the
    gate lets its first request go.
    """
    owns = client is None
    http = client or new_client(policy)
    try:
        current = url
        started: float | None = None
        for _ in range(MAX_REDIRECTS + 1):
            target = parse_url(current)
            with gate.slot(target) if gate is not None else nullcontext():
                if started is None:
                    started = time.monotonic()
                left = policy.timeout - (time.monotonic() - started)
                cycle = gate.remaining() if gate is not None else None
                if cycle is not None:
                    left = min(left, cycle)
                try:
                    with deadline(max(left, 0.0)):
                        result = _get_once(http, target, policy, validators if current == url else None)
                except RetryLater as exc:
                    if gate is not None and exc.retry_after:
                        gate.hold(target, exc.retry_after)
                    raise
            if isinstance(result, Fetched):
                return result
            current = result
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    finally:
        if owns:
            http.close()


def _get_once(
    http: httpx.Client, url: httpx.URL, policy: FetchPolicy, validators: Validators | None = None
) -> Fetched | str:
    """Fetch once: the body, or the next URL when redirected."""
    left = remaining()
    try:
        if left is not None and left <= 0:
            raise httpx.TimeoutException("the deadline of the fetch has passed")
        wait = policy.timeout if left is None else min(policy.timeout, left)
        headers = validators.headers() if validators is not None else None
        with http.stream("GET", url, timeout=wait, headers=headers) as response:
            if response.status_code == 304 and headers:
                return Fetched(
                    url=str(response.url),
                    content=b"",
                    content_type="",
                    validators=_validators(response, validators),
                    not_modified=True,
                )
            if response.is_redirect:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"redirect ({response.status_code}) without a Location")
                return join(str(url), location)
            if response.status_code in (429, 503):
                wait_for = retry_after(response.headers.get("retry-after"))
                asked = f"; retry after {wait_for:.0f} s" if wait_for is not None else ""
                raise RetryLater(
                    f"HTTP {response.status_code} {response.reason_phrase}".strip() + asked, wait_for
                )
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
                validators=_validators(response),
            )
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {policy.timeout:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError("too many redirects") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"unreachable ({type(exc).__name__})") from exc


def _validators(response: httpx.Response, sent: Validators | None = None) -> Validators:
    """The response's validators; on a 304 that repeats none of them, those that were sent."""
    etag = response.headers.get("etag", "").strip()[:512] or None
    modified = response.headers.get("last-modified", "").strip()[:64] or None
    if sent is not None and etag is None and modified is None:
        return sent
    return Validators(etag, modified)
