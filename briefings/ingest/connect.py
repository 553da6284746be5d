"""Opening the connections of a fetch: the name resolved once, its addresses checked, and the
connection made to an address that passed, all within the deadline of the fetch.

Resolving, checking and then letting the client resolve again to connect is open to DNS
rebinding (a public answer for the check, 127.0.0.1 for the connection); here the address
checked is the address connected to. The URL still names the host, so the ``Host`` header and
the TLS server name stay those of the URL.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from typing import Any

import httpcore

from briefings.errors import FetchError
from briefings.ingest.deadline import DeadlineStream, cut


def is_public(address: str) -> bool:
    """A globally routable address (an IPv4-mapped IPv6 address is judged as its IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global


def resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of ``host``, in the resolver's order; a :class:`FetchError` when it has none.

    The system resolver takes no timeout: it runs in a thread of its own, waited for at most
    ``timeout`` seconds (a resolver that hangs leaves that thread behind until it answers).
    """
    answer: list[list[Any] | BaseException] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP))
        except BaseException as exc:  # handed to the waiting thread
            answer.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"resolve {host[:40]}", daemon=True).start()
    if not done.wait(timeout):
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    result = answer[0]
    if isinstance(result, (OSError, UnicodeError, ValueError)):
        raise FetchError(f"cannot resolve host {host}") from result
    if isinstance(result, BaseException):
        raise result
    addresses = list(dict.fromkeys(str(info[4][0]) for info in result))
    if not addresses:
        raise FetchError(f"cannot resolve host {host}")
    return addresses


class Connector(httpcore.NetworkBackend):
    """Opens TCP connections to checked addresses; every wait ends by the deadline of the fetch.

    Unless ``allow_private``, a host with any address that is not public (loopback, private,
    link-local, CGNAT, reserved) is refused, whichever of its addresses would be tried first.
    """

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port, cut(timeout, httpcore.ConnectTimeout))
        if not self.allow_private and not all(is_public(a) for a in addresses):
            raise FetchError(f"refused: {host} is a private or local address")
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                stream = self._tcp.connect_tcp(
                    address, port, cut(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # the next address, as socket.create_connection does
                failure = exc
                continue
            return DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("news is fetched over TCP only")
