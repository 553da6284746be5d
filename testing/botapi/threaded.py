"""The local Bot API test server on its own event loop in a background thread, for bots running in
another process (or synchronous test code)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from testing.botapi.context import MessagePredicate
from testing.botapi.faults import Fault, FaultKind
from testing.botapi.records import CallbackAnswer, CallRecord, Duplicate, EditRecord, JSONDict, Stats
from testing.botapi.server import BotApiServer

T = TypeVar("T")


class ThreadedBotApiServer:
    """:class:`BotApiServer` on its own event loop in a daemon thread.

    For bots running in another process (or synchronous test code)::

        with ThreadedBotApiServer(username="BriefBot") as server:
            bot = subprocess.Popen([..., "--api-base", server.base_url])
            server.user_sends(42, "/start")
            reply = server.wait_for_message(42, "Welcome")   # blocks

    Test-side helpers are forwarded to the server's loop and block until done; the ``*_async``
    variants await them from another event loop.  ``call(fn, *args)`` runs any synchronous
    server method on the server's loop, ``run(coro)`` any coroutine.
    """

    def __init__(self, server: BotApiServer | None = None, /, **options: Any) -> None:
        self.server = server if server is not None else BotApiServer(**options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    # lifecycle ---------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> ThreadedBotApiServer:
        if self._thread is not None:
            return self
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.server.start())
            except BaseException as exc:  # report to the starting thread
                self._error = exc
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="botapi-server", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the Bot API test server did not start")
        if self._error is not None:
            raise RuntimeError("the Bot API test server failed to start") from self._error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self.server.stop(), loop).result(timeout)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._loop = None
        self._thread = None

    def __enter__(self) -> ThreadedBotApiServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # plumbing ----------------------------------------------------------------------------------
    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("start() the server first")
        return self._loop

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._running_loop()).result(timeout)

    async def run_async(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await a coroutine running on the server's loop from another loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._running_loop()))

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a synchronous server method on the server's loop."""

        async def invoke() -> T:
            return fn(*args, **kwargs)

        return self.run(invoke(), timeout=30)

    # addresses ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def base_file_url(self) -> str:
        return self.server.base_file_url

    @property
    def token(self) -> str:
        return self.server.token

    # forwarded helpers -------------------------------------------------------------------------
    def add_user(self, user_id: int, first_name: str | None = None, **kwargs: Any) -> JSONDict:
        return self.call(self.server.add_user, user_id, first_name, **kwargs)

    def add_group(self, chat_id: int, title: str | None = None, **kwargs: Any) -> JSONDict:
        return self.call(self.server.add_group, chat_id, title, **kwargs)

    def add_channel(self, chat_id: int, title: str | None = None, **kwargs: Any) -> JSONDict:
        return self.call(self.server.add_channel, chat_id, title, **kwargs)

    def user_sends(self, user_id: int, text: str, **kwargs: Any) -> JSONDict:
        return self.call(self.server.user_sends, user_id, text, **kwargs)

    def user_presses(
        self, user_id: int, message: int | JSONDict, callback_data: str | None = None, **kwargs: Any
    ) -> JSONDict:
        return self.call(self.server.user_presses, user_id, message, callback_data, **kwargs)

    def channel_post(self, chat_id: int, text: str, **kwargs: Any) -> JSONDict:
        return self.call(self.server.channel_post, chat_id, text, **kwargs)

    def user_blocks_bot(self, user_id: int, **kwargs: Any) -> None:
        self.call(self.server.user_blocks_bot, user_id, **kwargs)

    def kick_bot(self, chat_id: int, **kwargs: Any) -> None:
        self.call(self.server.kick_bot, chat_id, **kwargs)

    def deactivate_user(self, user_id: int) -> None:
        self.call(self.server.deactivate_user, user_id)

    def inject(self, kind: FaultKind, **kwargs: Any) -> Fault:
        return self.call(self.server.inject, kind, **kwargs)

    def clear_faults(self) -> None:
        self.call(self.server.clear_faults)

    def messages(self, chat_id: int, **kwargs: Any) -> list[JSONDict]:
        return self.call(self.server.messages, chat_id, **kwargs)

    def texts(self, chat_id: int, **kwargs: Any) -> list[str]:
        return self.call(self.server.texts, chat_id, **kwargs)

    def history(self, chat_id: int, **kwargs: Any) -> list[JSONDict]:
        return self.call(self.server.history, chat_id, **kwargs)

    def edits(self, chat_id: int | None = None) -> list[EditRecord]:
        return self.call(self.server.edits, chat_id)

    @property
    def calls(self) -> list[CallRecord]:
        return self.call(lambda: self.server.calls)

    def calls_to(self, method: str) -> list[CallRecord]:
        return self.call(self.server.calls_to, method)

    def failed_calls(self, **kwargs: Any) -> list[CallRecord]:
        return self.call(self.server.failed_calls, **kwargs)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.call(lambda: self.server.callback_answers)

    @property
    def stats(self) -> Stats:
        return self.call(lambda: self.server.stats)

    def duplicates(self, chat_id: int | None = None, **kwargs: Any) -> list[Duplicate]:
        return self.call(self.server.duplicates, chat_id, **kwargs)

    def wait_for_message(
        self, chat_id: int, predicate: MessagePredicate = None, timeout: float = 5.0, **kwargs: Any
    ) -> JSONDict:
        return self.run(self.server.wait_for_message(chat_id, predicate, timeout, **kwargs), timeout + 10)

    async def wait_for_message_async(
        self, chat_id: int, predicate: MessagePredicate = None, timeout: float = 5.0, **kwargs: Any
    ) -> JSONDict:
        return await self.run_async(self.server.wait_for_message(chat_id, predicate, timeout, **kwargs))

    def wait_for_call(self, method: str, timeout: float = 5.0, **kwargs: Any) -> CallRecord:
        return self.run(self.server.wait_for_call(method, timeout=timeout, **kwargs), timeout + 10)

    def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        return self.run(self.server.wait_for_callback_answer(query_id, timeout), timeout + 10)

    def wait_updates_consumed(self, timeout: float = 5.0) -> None:
        self.run(self.server.wait_updates_consumed(timeout), timeout + 10)
