"""A small threaded HTTP server on 127.0.0.1 serving pages, feeds and misbehaving endpoints for tests."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.hits: dict[str, int] = {}
        # every request: (path, its headers with lower-case names, time.monotonic() when it came)
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, content_type, data)
        self.headers[path] = dict(headers or {})
        return self.url(path)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def do_GET(self) -> None:
                path = self.path
                server.hits[path] = server.hits.get(path, 0) + 1
                asked = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((path, asked, time.monotonic()))
                if path.startswith("/slow"):
                    time.sleep(3)
                if path.startswith("/endless"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    chunk = b"word " * 2000
                    try:
                        for _ in range(10_000):
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if path.startswith("/drip"):  # a byte every 0.2 s for 5 s: each read is quick
                    self._drip(headers_too=path.startswith("/drip-headers"))
                    return
                if path.startswith("/redirect/"):
                    self.send_response(302)
                    self.send_header("Location", path.removeprefix("/redirect"))
                    self.end_headers()
                    return
                if path == "/to-ftp":
                    self.send_response(301)
                    self.send_header("Location", "ftp://127.0.0.1/file.txt")
                    self.end_headers()
                    return
                status, ctype, body = server.routes.get(path, (404, "text/plain", b"not found"))
                given = {k.lower(): v for k, v in server.headers.get(path, {}).items()}
                if status == 200 and self._unchanged(asked, given):
                    self.send_response(304)
                    for name in ("etag", "last-modified"):
                        if name in given:
                            self.send_header(name, given[name])
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in server.headers.get(path, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            @staticmethod
            def _unchanged(asked: dict[str, str], given: dict[str, str]) -> bool:
                """A conditional request for what is served (as a server compares validators)."""
                if "if-none-match" in asked and "etag" in given:
                    return asked["if-none-match"] == given["etag"]
                since = asked.get("if-modified-since")
                return since is not None and since == given.get("last-modified")

            def _drip(self, *, headers_too: bool) -> None:
                lines = [b"HTTP/1.1 200 OK", b"Content-Type: text/plain", b"Content-Length: 25"]
                if headers_too:  # the status line and headers, one line every 0.2 s, then the body
                    lines += [f"X-Slow-{i}: {i}".encode() for i in range(25)]
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for line in lines:
                        self.wfile.write(line + b"\r\n")
                        self.wfile.flush()
                        if headers_too:
                            time.sleep(0.2)
                    self.wfile.write(b"\r\n")
                    for _ in range(25):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.2)
                self.close_connection = True

        return Handler
