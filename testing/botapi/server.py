"""A local Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1, free port).

The bot under test talks to it exactly as to ``api.telegram.org``: point python-telegram-bot at it
with ``base_url``/``base_file_url`` and drive it from the test by simulating users::

    from testing.botapi import BotApiServer

    async def test_start_replies() -> None:
        async with BotApiServer(username="BriefBot") as server:
            app = (
                Application.builder()
                .token(server.token)
                .base_url(server.base_url)            # f"{server.url}/bot"
                .base_file_url(server.base_file_url)  # f"{server.url}/file/bot"
                .build()
            )
            app.add_handler(CommandHandler("start", start))
            async with app:                           # initialize: getMe
                await app.updater.start_polling(timeout=1, poll_interval=0)
                await app.start()
                server.user_sends(42, "/start")       # an update the bot gets via getUpdates
                reply = await server.wait_for_message(42, "Welcome")
                await app.updater.stop()
                await app.stop()
            assert server.stats.rate_limit_violations == 0

When the bot runs in another process (``briefbot`` started with ``subprocess``), use
:class:`ThreadedBotApiServer`: the same server on its own event loop in a background thread, with
blocking versions of the helpers (``with ThreadedBotApiServer(username="BriefBot") as server:``).

What the server does
--------------------
* ``/bot<token>/<method>`` for every registered token (``add_bot`` for more than one); an unknown
  token answers ``401 Unauthorized``, an unknown method ``404 Not Found``.  Parameters are read from
  the query string, form data (url-encoded or multipart, where python-telegram-bot JSON-encodes
  every non-string value) or a JSON body; they are recorded decoded in :attr:`BotApiServer.calls`.
* Methods: getMe, logOut, close, getUpdates (long polling, offset, limit, allowed_updates, 409 for a
  second concurrent poller), setWebhook/deleteWebhook/getWebhookInfo (updates are POSTed to a
  webhook with the secret-token header), set/get/deleteMyCommands (per scope and language),
  set/getMyName/Description/ShortDescription, sendMessage, editMessageText, editMessageReplyMarkup,
  deleteMessage, answerCallbackQuery, getChat, getChatMember, getChatAdministrators,
  getChatMemberCount, sendChatAction.  ``register_method`` adds more.
* Validation like Telegram (see :mod:`testing.botapi.entities` for the text): HTML/MarkdownV2 parse
  errors, empty and too long texts (4096 UTF-16 units after parsing), callback_data over 64 bytes,
  more than 100 buttons, unknown chats, "message is not modified", unknown messages, 403 for blocked,
  kicked and deactivated.
* Flood limits (:class:`~testing.botapi.limits.RateLimits`, optionally on a :class:`ManualClock`),
  injected faults (:meth:`BotApiServer.inject`), optional latency, statistics and duplicate
  detection.

All test-side methods of :class:`BotApiServer` must be called from the event loop the server runs
on (the test's own loop); they are synchronous except the ``wait_for_*`` helpers.

This module is the HTTP side (routing, latency, injected faults) and puts the parts together: the
test side (:mod:`~testing.botapi.people`, :mod:`~testing.botapi.acting`,
:mod:`~testing.botapi.inspection`) and the Bot API methods by area (:mod:`~testing.botapi.updates`,
:mod:`~testing.botapi.messages`, :mod:`~testing.botapi.chats`, :mod:`~testing.botapi.commands`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

from aiohttp import web

from testing.botapi.acting import Acting
from testing.botapi.chats import ChatMethods
from testing.botapi.commands import CommandMethods
from testing.botapi.context import DEFAULT_TOKEN, ApiError, CallContext, MethodHandler
from testing.botapi.faults import Fault, FaultKind, FloodScope
from testing.botapi.inspection import Inspection
from testing.botapi.limits import RateLimits
from testing.botapi.messages import MessageMethods
from testing.botapi.params import json_response, read_params
from testing.botapi.records import CallRecord, JSONDict
from testing.botapi.updates import UpdateMethods

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)


class BotApiServer(Acting, Inspection, MessageMethods, UpdateMethods, ChatMethods, CommandMethods):
    """An in-process Telegram Bot API server on ``host:port`` (default 127.0.0.1, free port).

    Constructor options:

    * ``token``, ``bot_id`` (default: the number before ``:`` in the token), ``username``,
      ``first_name``, ``privacy_mode`` — the primary bot; ``add_bot`` registers more;
    * ``limits`` — :class:`RateLimits` to enforce (``RateLimits.disabled()`` to switch them off);
    * ``clock`` — :class:`RealClock` (default) or :class:`ManualClock`;
    * ``latency`` — seconds added to every request, or a ``(min, max)`` range drawn from the seeded
      RNG; ``method_latency`` maps method names to extra seconds;
    * ``seed`` — seeds the RNG of probabilistic faults and latency;
    * ``strict_html`` — also reject a bare ``&`` and ``<a>`` without an http(s)/tg link (see
      :mod:`testing.botapi.entities`); ``False`` behaves exactly like Telegram;
    * ``max_text_length`` — 4096 UTF-16 code units;
    * ``deliver_webhooks`` — POST updates to a webhook set with setWebhook (``http://`` is accepted
      for loopback addresses, ``https://`` everywhere); ``webhook_retry_delay`` between failures;
    * ``callback_query_ttl`` — seconds (server clock) after which a callback query can no longer be
      answered; ``None`` = forever.
    """

    async def start(self) -> BotApiServer:
        """Start listening; afterwards :attr:`url` is known."""
        if self._runner is not None:
            return self
        self._changed = asyncio.Event()
        self._stopping = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        return self

    async def stop(self) -> None:
        """Release long polls and hanging calls, stop webhook delivery and close the socket."""
        self._stopping = True
        self._notify()
        for task in list(self._webhook_tasks.values()):
            task.cancel()
        for task in list(self._webhook_tasks.values()):
            with contextlib.suppress(BaseException):
                await task
        self._webhook_tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _register_builtin_methods(self) -> None:
        areas = (
            self._command_methods(),
            self._update_methods(),
            self._message_methods(),
            self._chat_methods(),
        )
        for handlers in areas:
            for name, handler in handlers.items():
                self.register_method(name, handler)

    def inject(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        retry_after: int = 5,
        scope: FloodScope = "chat",
        hang_seconds: float = 30.0,
        status: int = 500,
        description: str | None = None,
        after: bool = False,
    ) -> Fault:
        """Make matching calls fail; returns the :class:`Fault` (``fault.triggered`` counts).

        ``kind``:

        * ``too_many_requests`` — 429 ``Too Many Requests: retry after N`` with
          ``parameters.retry_after = retry_after``. As with Telegram, the flood wait then holds for
          those N seconds: a message to that chat (``scope="chat"``: a chat's own flood control,
          what a bot keeping the overall rate meets) or to any chat of the bot (``scope="bot"``:
          Telegram's flood control over the whole bot) sent before they are over is answered 429
          again and counted as a genuine violation (``retry_after_ignored``). Only while the flood
          limits are enforced, and only for the methods they count;
        * ``internal_error`` — 500 ``Internal Server Error``;
        * ``bad_gateway`` — 502 with nginx's HTML page (PTB raises ``NetworkError``);
        * ``error`` — any ``status`` with ``description`` (e.g. 403 "Forbidden: ...");
        * ``hang`` — no answer for ``hang_seconds`` (the client times out); then the call is
          processed anyway, as a slow Telegram would do, unless the server stops first;
        * ``drop`` — the connection is closed without an answer.

        ``method``/``chat_id`` restrict the calls (``None`` = any), ``times`` how many calls fire
        (``None`` = all), ``probability`` a seeded random fraction.  ``after=True`` processes the
        call first (the message is delivered) and then fails the answer.
        """
        default_description = {
            "internal_error": "Internal Server Error",
            "bad_gateway": "Bad Gateway",
            "error": "Internal Server Error",
        }
        return self._faults.add(
            Fault(
                kind=kind,
                method=method,
                chat_id=chat_id,
                times=times,
                probability=probability,
                retry_after=retry_after,
                scope=scope,
                hang_seconds=hang_seconds,
                status=status,
                description=description or default_description.get(kind, ""),
                after=after,
            )
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        return list(self._faults.faults)

    async def _not_found(self, request: web.Request) -> web.Response:
        return json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        self._seq += 1
        record = CallRecord(
            seq=self._seq,
            token=token,
            method=method,
            params={},
            at=self.clock.monotonic(),
            wall_time=time.time(),
            http_method=request.method,
        )
        self._calls.append(record)
        started = time.monotonic()
        try:
            return await self._process(request, record)
        finally:
            record.duration = time.monotonic() - started
            self._notify()

    async def _process(self, request: web.Request, record: CallRecord) -> web.StreamResponse:
        try:
            record.params = await read_params(request)
        except ApiError as error:
            return self._respond(request, record, error.status, error.body())
        bot = self._bots.get(record.token)
        if bot is None:
            return self._respond(
                request, record, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
        handler = self._methods.get(record.method.lower())
        if handler is None:
            return self._respond(
                request, record, 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            )
        delay = self._latency_for(record.method)
        if delay > 0:
            await self._sleep(delay)
        ctx = CallContext(self, bot, record.method, record.params, record)
        chat_key = record.params.get("chat_id")
        fault = self._faults.pick(record.method, chat_key, after=False)
        if fault is not None:
            return await self._apply_fault(request, record, fault, ctx, None)
        status, body = await self._run(handler, ctx)
        fault = self._faults.pick(record.method, chat_key, after=True)
        if fault is not None:
            return await self._apply_fault(request, record, fault, ctx, (status, body))
        return self._respond(request, record, status, body)

    async def _run(self, handler: MethodHandler, ctx: CallContext) -> tuple[int, JSONDict]:
        try:
            result = await handler(ctx)
        except ApiError as error:
            return error.status, error.body()
        except Exception as exc:  # a bug in a handler: answer 500 and keep it for the test to see
            self._internal_errors.append((ctx.record, exc))
            description = f"Internal Server Error (test server: {exc.__class__.__name__}: {exc})"
            return 500, {"ok": False, "error_code": 500, "description": description}
        body: JSONDict = {"ok": True, "result": result}
        if ctx.description:
            body["description"] = ctx.description
        return 200, body

    def _latency_for(self, method: str) -> float:
        base = self.latency
        delay = self._rng.uniform(*base) if isinstance(base, tuple) else float(base)
        return delay + self.method_latency.get(method.lower(), 0.0)

    async def _apply_fault(
        self,
        request: web.Request,
        record: CallRecord,
        fault: Fault,
        ctx: CallContext,
        processed: tuple[int, JSONDict] | None,
    ) -> web.StreamResponse:
        record.fault = fault.kind
        self._injected[fault.kind] = self._injected.get(fault.kind, 0) + 1
        kind = fault.kind
        if kind == "hang":
            await self._sleep(fault.hang_seconds)
            if processed is None:
                if self._stopping:
                    return self._drop(request, record)
                handler = self._methods[record.method.lower()]
                processed = await self._run(handler, ctx)
            return self._respond(request, record, *processed)
        if kind == "drop":
            return self._drop(request, record)
        if kind == "bad_gateway":
            record.status = 502
            record.response = None
            return web.Response(status=502, text=NGINX_502, content_type="text/html")
        if kind == "too_many_requests":
            retry = fault.retry_after
            self._flood_wait(ctx, fault.scope, retry)
            body: JSONDict = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry}",
                "parameters": {"retry_after": retry},
            }
            return self._respond(request, record, 429, body)
        status = 500 if kind == "internal_error" else fault.status
        return self._respond(
            request, record, status, {"ok": False, "error_code": status, "description": fault.description}
        )

    def _flood_wait(self, ctx: CallContext, scope: FloodScope, seconds: int) -> None:
        """The flood wait an injected 429 imposes (see :meth:`inject`)."""
        if not self._limiter.counts(ctx.method):
            return
        chat: int | None = None
        if scope == "chat":
            try:
                chat = self.resolve_chat(ctx.bot, ctx.get_chat()).id
            except ApiError:  # no such chat: the message would be refused anyway
                return
        self._limiter.hold(ctx.bot.token, chat, seconds)

    def _drop(self, request: web.Request, record: CallRecord) -> web.Response:
        record.status = -1
        record.response = None
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    def _respond(self, request: web.Request, record: CallRecord, status: int, body: JSONDict) -> web.Response:
        record.status = status
        record.response = body
        if request.transport is None or request.transport.is_closing():
            record.abandoned = True
        return json_response(body, status)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API test server")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="BriefBot")
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits")
    args = parser.parse_args(argv)

    async def serve() -> None:
        limits = RateLimits.disabled() if args.no_limits else None
        async with BotApiServer(args.token, username=args.username, port=args.port, limits=limits) as server:
            print(f"Bot API test server on {server.base_url} (token {server.token}); Ctrl-C to stop")
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
