"""Updates by webhook: a small tornado server in front of the Application.

PTB's own webhook server refuses a POST without the right secret token too, but says so only at
DEBUG (quoting the wrong token). Here every refusal is logged at WARNING, naming the client's
address and what was wrong, never a token; the token is compared in constant time, and a body
larger than any update is refused before it is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import signal
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.context import BotApp

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few kilobytes


class UpdateReceiver(tornado.web.RequestHandler):
    """POSTs from Telegram: checked, parsed and queued for the Application."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, app: BotApp, secret: str) -> None:
        self.app = app
        self.secret = secret.encode("utf-8")

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER)
        if given is None:
            self.refuse(HTTPStatus.FORBIDDEN, "without the secret token")
            return
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.secret):
            self.refuse(HTTPStatus.FORBIDDEN, "with a wrong secret token")
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.app.bot)
        except Exception as exc:  # not JSON, or not an update: PTB's parsers raise many kinds
            self.refuse(HTTPStatus.BAD_REQUEST, f"that is not an update ({type(exc).__name__})")
            return
        await self.app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        await self.finish()

    def refuse(self, status: HTTPStatus, why: str) -> None:
        log.warning(
            "webhook: refused a POST from %s %s (%d %s)", self.request.remote_ip, why, status, status.phrase
        )
        self.set_status(status)
        self.finish()


def _quiet(handler: tornado.web.RequestHandler) -> None:
    """No access log: refusals are logged by the receiver, updates by the handlers."""


def web_app(app: BotApp, path: str, secret: str) -> tornado.web.Application:
    route = "/" + path.strip("/")
    return tornado.web.Application(
        [(rf"{re.escape(route)}/?", UpdateReceiver, {"app": app, "secret": secret})],
        log_function=_quiet,
    )


async def serve(
    app: BotApp,
    *,
    listen: str,
    port: int,
    path: str,
    url: str,
    secret: str,
    allowed_updates: Sequence[str],
    stop: asyncio.Event | None = None,
) -> None:
    """Run the Application on webhook updates until SIGINT/SIGTERM (or ``stop`` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(web_app(app, path, secret), max_body_size=MAX_BODY)
    async with app:  # initialize (getMe) ... shutdown
        if app.post_init is not None:
            await app.post_init(app)
        server.listen(port, address=listen)
        try:
            await app.bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(allowed_updates))
            log.info("webhook: listening on %s:%d for %s", listen, port, "/" + path.strip("/"))
            await app.start()
            try:
                await stop.wait()
            finally:
                await app.stop()
        finally:
            server.stop()
            await server.close_all_connections()


def run(app: BotApp, **options: Any) -> None:
    """:func:`serve` on a new event loop (what ``briefbot --webhook`` runs)."""
    asyncio.run(serve(app, **options))
