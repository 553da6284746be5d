"""Opening the connections of a fetch: under its deadline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore

from briefings.ingest.deadline import DeadlineStream, cut


class Connector(httpcore.NetworkBackend):
    """Opens TCP connections whose every wait ends by the deadline of the fetch."""

    def __init__(self) -> None:
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._tcp.connect_tcp(
            host, port, cut(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("news is fetched over TCP only")
