"""The safe fetch against hostile servers on 127.0.0.1: one total deadline per fetch, the size cap
on decompressed bytes, and the connection made to the very address the private-address guard
checked."""

from __future__ import annotations

import gzip
import socket
import time
import tracemalloc
import zlib
from typing import Any

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


#: a public address (example.com's of old) that refuses the loopback server's port
PUBLIC = "93.184.215.14"


def test_a_name_rebound_to_loopback_after_the_check_is_never_fetched(
    web: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name answers a public address first and 127.0.0.1 afterwards. The guard
    must connect to the address it checked, not ask the resolver again. The resolver is the one
    stand-in here (no DNS server can be pointed at in a test): every other name resolves for real."""
    web.add("/rebound/secret.html", "<html><body><p>the loopback secret</p></body></html>")
    port = web.url("/").rsplit(":", 1)[1].rstrip("/")
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: bytes | str | None, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name != "rebind.example":
            return real(host, *args, **kwargs)
        answers.append(PUBLIC if not answers else "127.0.0.1")
        return real(answers[-1], *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    strict = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=False)
    with pytest.raises(FetchError) as refused:
        fetch(f"http://rebind.example:{port}/rebound/secret.html", strict)
    assert "timed out" in str(refused.value) or "unreachable" in str(refused.value)
    assert web.hits.get("/rebound/secret.html", 0) == 0
    assert answers == [PUBLIC]  # resolved once: the address checked is the address connected to


def test_a_gzip_bomb_is_cut_off_as_it_is_decompressed(web: LocalServer) -> None:
    """64 MiB of zeros in 64 KiB of gzip: the cap applies to the bytes decompression produces, so
    at most the cap and one compressed chunk are ever held, not the whole first chunk inflated."""
    bomb = gzip.compress(bytes(64 * 1024 * 1024), 9)
    url = web.add("/bomb.txt", bomb, "text/plain", headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="too large"):
            fetch(url, OPEN)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"{peak / 2**20:.1f} MiB held while reading a 64 KiB-capped body"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "x-gzip"])
def test_a_compressed_page_under_the_cap_is_read_whole(web: LocalServer, encoding: str) -> None:
    text = ("All quiet on the border today. " * 400).encode()
    packed = zlib.compress(text) if encoding == "deflate" else gzip.compress(text)
    url = web.add(f"/packed-{encoding}.txt", packed, "text/plain", headers={"Content-Encoding": encoding})
    assert fetch(url, OPEN).content == text
