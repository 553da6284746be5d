"""Politeness towards the sites polled: at most a few requests at once to one host, a minimum gap
between them, a host's ``Retry-After`` kept, and one deadline for a whole polling cycle.

A host is a URL's scheme, name and port (two servers on one machine are two hosts). One
:class:`HostGate` serves a cycle: every request of it, from any thread, passes through
:meth:`HostGate.slot` first.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from briefings.errors import FetchError


class RetryLater(FetchError):
    """The server answered 429 or 503, or its host is held by an earlier such answer; ``retry_after``
    is the wait it asked for, in seconds (None when it named none)."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 7 * 24 * 3600))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    wall = time.time() if now is None else now
    return max(0.0, min(when.timestamp() - wall, 7 * 24 * 3600.0))


def host_of(url: httpx.URL | str) -> str:
    """The politeness key of a URL: scheme://host:port."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.scheme}://{parsed.host}:{port}"


@dataclass
class _Host:
    active: int = 0
    next_start: float = 0.0  # monotonic time the next request may start
    held_until: float = 0.0  # a Retry-After, in monotonic time
    requests: int = 0


@dataclass
class HostGate:
    """Per-host limits for one cycle. ``until`` (monotonic) is the cycle's deadline: no request
    starts after it, and no wait lasts beyond it."""

    per_host: int = 2
    min_gap: float = 1.0
    until: float | None = None
    clock: Callable[[], float] = time.monotonic
    _hosts: dict[str, _Host] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def remaining(self) -> float | None:
        """Seconds left in the cycle (None: no deadline)."""
        return None if self.until is None else self.until - self.clock()

    @contextmanager
    def slot(self, url: httpx.URL) -> Iterator[None]:
        """Wait for a turn at the URL's host (its concurrency, its gap, a Retry-After), then hold it."""
        key = host_of(url)
        with self._cond:
            host = self._hosts.setdefault(key, _Host())
            while True:
                now = self.clock()
                left = None if self.until is None else self.until - now
                if left is not None and left <= 0:
                    raise FetchError("not fetched: the polling cycle's deadline has passed")
                if host.held_until > now and (self.until is None or host.held_until >= self.until):
                    wait = host.held_until - now
                    raise RetryLater(f"not fetched: the host asked to wait {wait:.0f} s", wait)
                start_at = max(host.next_start, host.held_until)
                if host.active < self.per_host and start_at <= now:
                    break
                gap: float | None = start_at - now if host.active < self.per_host else None
                if left is not None:
                    gap = left if gap is None else min(gap, left)
                self._cond.wait(gap)
            host.active += 1
            host.requests += 1
            host.next_start = now + self.min_gap
        try:
            yield
        finally:
            with self._cond:
                host.active -= 1
                self._cond.notify_all()

    def hold(self, url: httpx.URL, seconds: float) -> None:
        """No request to the URL's host for ``seconds`` (its Retry-After)."""
        with self._cond:
            host = self._hosts.setdefault(host_of(url), _Host())
            host.held_until = max(host.held_until, self.clock() + seconds)
            self._cond.notify_all()

    def requests(self) -> dict[str, int]:
        """Requests started per host in this cycle."""
        with self._cond:
            return {key: h.requests for key, h in self._hosts.items()}
