"""The safe fetch against hostile servers on 127.0.0.1: one total deadline per fetch, the size cap
on decompressed bytes, and the connection made to the very address the private-address guard
checked."""

from __future__ import annotations

import time

import pytest

from briefings.errors import FetchError
from briefings.ingest.fetch import FetchPolicy, fetch
from tests.webserver import LocalServer

OPEN = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=True)


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_server_dripping_bytes_is_cut_off_at_the_total_deadline(web: LocalServer, path: str) -> None:
    """Each read gets an answer within the timeout (a byte every 0.2 s), so only a deadline over the
    whole fetch (connect, headers and body) stops it; the server would go on for 5 s or more."""
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1 s"):
        fetch(web.url(path), OPEN)
    assert time.monotonic() - started < 1.6
