"""One deadline over a whole fetch: connecting, sending, the headers and every byte of the body.

httpx's timeouts bound each network wait, not their sum: a server that sends a byte a second is
never cut off (encode/httpx#1450). Here a fetch opens a :func:`deadline` scope, and every wait of a
stream made by :class:`DeadlineStream` is cut to what is left of it; when nothing is left the wait
fails at once as the timeout of that phase.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore

_DEADLINE: ContextVar[float | None] = ContextVar("briefings_fetch_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every network wait inside the block ends at most ``seconds`` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline of the current fetch (negative when passed), or None."""
    at = _DEADLINE.get()
    return None if at is None else at - time.monotonic()


def cut(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """The timeout of one wait, cut to what is left of the deadline; ``expired`` when nothing is."""
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise expired("the deadline of the fetch has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads, writes and TLS handshake end by the deadline of the fetch."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, cut(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, cut(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        secured = self._stream.start_tls(ssl_context, server_hostname, cut(timeout, httpcore.ConnectTimeout))
        return DeadlineStream(secured)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)
