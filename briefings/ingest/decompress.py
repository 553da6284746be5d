"""A response body decoded from its ``Content-Encoding`` under a size cap.

httpx inflates each chunk whole before the caller can count it: 64 KiB of gzip may become 64 MiB
at once. Here each coding is inflated at most to the cap (``zlib``'s ``max_length``), so no more
than the cap and one received chunk are ever held, whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from typing import Protocol

from briefings.errors import FetchError

#: what the fetch asks for, and all that it can decode
ACCEPT_ENCODING = "gzip, deflate"


class Decoder(Protocol):
    def feed(self, data: bytes) -> bytes:
        """The decoded bytes that ``data`` completes (a :class:`FetchError` beyond the cap)."""
        ...


def too_large(limit: int) -> FetchError:
    return FetchError(f"too large (over the {limit}-byte limit)")


class _Identity:
    def __init__(self, limit: int) -> None:
        self.limit, self.produced = limit, 0

    def feed(self, data: bytes) -> bytes:
        self.produced += len(data)
        if self.produced > self.limit:
            raise too_large(self.limit)
        return data


class _Inflate:
    """gzip (``wbits`` 16 + 15) or deflate: zlib-wrapped, or raw as some servers send it."""

    def __init__(self, limit: int, *, gzip: bool) -> None:
        self.limit, self.produced, self.started = limit, 0, False
        self.gzip = gzip
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        try:
            return self._inflate(data)
        except zlib.error as exc:
            if self.gzip or self.started:
                raise FetchError(f"corrupt compressed body ({exc})") from None
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, without the zlib header
            self.started = True
            try:
                return self._inflate(data)
            except zlib.error as again:
                raise FetchError(f"corrupt compressed body ({again})") from None

    def _inflate(self, data: bytes) -> bytes:
        out = bytearray()
        pending = data
        while pending and not self._inflater.eof:
            # one byte more than the room left: producing it proves the body is over the cap
            part = self._inflater.decompress(pending, self.limit - self.produced + 1)
            self.started = True
            self.produced += len(part)
            if self.produced > self.limit:
                raise too_large(self.limit)
            out += part
            pending = self._inflater.unconsumed_tail
        return bytes(out)


class _Chain:
    """Codings applied one after another (``Content-Encoding: deflate, gzip``), undone in reverse."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self.decoders = decoders

    def feed(self, data: bytes) -> bytes:
        for decoder in self.decoders:
            data = decoder.feed(data)
        return data


def decoder_for(content_encoding: str, limit: int) -> Decoder:
    """A decoder for a ``Content-Encoding`` value whose output stops at ``limit`` bytes."""
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity(limit)
    decoders: list[Decoder] = []
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            decoders.append(_Inflate(limit, gzip=True))
        elif coding == "deflate":
            decoders.append(_Inflate(limit, gzip=False))
        else:
            raise FetchError(f"unsupported content encoding {coding[:40]!r}")
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)
