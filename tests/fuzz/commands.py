"""The command fuzz target: hostile arguments to the real bot through the local Bot API server.

A case is a command with an argument (``/brief``, ``/who``, ``/subscribe``, ``/timeline``,
``/start`` payloads, the admin commands, as a user or the admin, in a private chat or as
``/cmd@BriefBot`` in a group) or a button press with any callback data. Each case has a chat of
its own, so the bot's per-chat pacing never delays the next one. For any argument:

* the bot answers: a message threaded to the command, or the button's callback query answered;
* the server accepted every call the bot made (Telegram HTML that parses, ≤ 4096 UTF-16 units,
  buttons ≤ 64 bytes...), and the bot logged no error and never said "something went wrong";
* nothing logged (the bot's INFO lines included) holds the bot token or a password from a URL;
* what the user typed is shown as typed: an argument starts with a marker such as ``<b>Q7Z</b>``
  or ``&amp;Q7Z``, and wherever ``Q7Z`` appears in what the bot sent (the text as Telegram shows
  it), the whole marker appears literally around it — markup from a user is never interpreted.

:class:`CommandTarget` runs the server and the bot on one event loop in a background thread and
offers a blocking :meth:`CommandTarget.check`, so that Hypothesis can drive it synchronously.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import strategies as st

from bot.errors import SORRY
from briefings.extract import Extractor
from briefings.service.app import BriefingService
from testing.botapi import BotApiServer, ThreadedBotApiServer
from testing.botapi.records import CallRecord
from tests.bot_e2e.harness import ADMIN, make_service, running_bot
from tests.fuzz.ingest import PropertyFailed, expect
from tests.fuzz.texts import fit_utf16, hostile_text, repeated

T = TypeVar("T")
CORE = "Q7Z"
MARKERS = (
    f"<b>{CORE}</b>",
    f"<i>{CORE}",
    f"</code>{CORE}",
    f"&amp;{CORE}",
    f"&lt;b&gt;{CORE}",
    f"<tg-spoiler>{CORE}",
    f"<pre>{CORE}</pre>",
    f"{CORE}&",
    f"<{CORE}>",
)
#: commands that take an argument, and how often a case picks each
ARGUMENT_COMMANDS = ("brief", "who", "subscribe", "timeline", "start", "ingest", "post")
OTHER_COMMANDS = ("stats", "topics", "sources", "settings", "unsubscribe", "help")
TOPICS = ("flights", "rare-earths", "visas", "terrorism", "border", "*")
#: /ingest URLs: IP literals only (private, refused without a request) and other schemes
INGEST_URLS = (
    "http://127.0.0.1:9/",
    "http://10.1.2.3/",
    "https://192.168.0.1/",
    "http://[::1]:8080/",
    "http://169.254.169.254/latest/meta-data/",
    "http://user:hunter2@127.0.0.1/",
    "ftp://127.0.0.1/",
    "file:///etc/passwd",
    "gopher://127.0.0.1/",
    "HTTP://127.0.0.1/",
)
TELEGRAM_LIMIT = 4096
USERNAME = "BriefBot"


@dataclass(frozen=True)
class CommandCase:
    """One hostile interaction: a command (``kind`` "command"), or a button press ("button")."""

    kind: str
    command: str
    argument: str
    marker: str | None
    admin: bool = False
    group: bool = False
    group_admin: bool = False

    def text(self) -> str:
        """The message the user sends (within Telegram's 4096 UTF-16 units)."""
        name = f"/{self.command}@{USERNAME}" if self.group else f"/{self.command}"
        return fit_utf16(f"{name} {self.argument}" if self.argument else name, TELEGRAM_LIMIT)


def _argument(draw: st.DrawFn, command: str) -> tuple[str, str | None]:
    marker = draw(st.one_of(st.none(), st.sampled_from(MARKERS)))
    body = draw(hostile_text(max_atoms=12))
    size = draw(st.sampled_from(["small", "small", "small", "large", "huge"]))
    if size == "large":
        body = repeated(body, draw(st.integers(200, 1200)))
    elif size == "huge":
        body = repeated(body, draw(st.integers(3900, 4200)))
    lead = marker or ""
    if command == "start":  # a deep-link payload is one word
        prefix = draw(st.sampled_from(["", "brief_", "who_", "brief_flights", "who_misri_"]))
        return (prefix + lead + body).replace(" ", "_"), marker
    if command == "ingest" and draw(st.booleans()):
        return draw(st.sampled_from(INGEST_URLS)) + lead + body, marker
    if command in ("brief", "timeline", "subscribe", "post") and draw(st.booleans()):
        body = draw(st.sampled_from(TOPICS)) + " " + body
    return (f"{lead} {body}" if marker else body), marker


@st.composite
def command_case(draw: st.DrawFn) -> CommandCase:
    kind = draw(st.sampled_from(["command"] * 6 + ["button"]))
    if kind == "button":
        prefix = draw(st.sampled_from(["brief:", "who:", "", "x:", "brief:*", "who:Xi Jinping"]))
        rest = draw(hostile_text(max_atoms=4, control=False))
        data = (prefix + rest).encode("utf-8")[:64].decode("utf-8", "ignore") or "x"
        return CommandCase("button", "", data, None)
    command = draw(st.sampled_from(ARGUMENT_COMMANDS * 3 + OTHER_COMMANDS))
    argument, marker = _argument(draw, command) if command in ARGUMENT_COMMANDS else ("", None)
    return CommandCase(
        "command",
        command,
        argument,
        marker,
        admin=draw(st.booleans()) if command in ("ingest", "post", "stats") else False,
        group=draw(st.integers(0, 3)) == 0,
        group_admin=draw(st.booleans()),
    )


def command_cases() -> st.SearchStrategy[CommandCase]:
    return command_case()


class _Watch(logging.Handler):
    """Every record: those of ERROR and above are kept, and so is any that holds a secret."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.secrets = secrets
        self.records: list[logging.LogRecord] = []
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.records.append(record)
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            self.leaks.append(f"{record.name}: {message[:300]}")


def check_shown_as_typed(text: str, marker: str, core: str, where: str) -> None:
    """Every ``core`` in what Telegram shows is inside the marker, literally."""
    found = len(re.findall(re.escape(core), text, re.IGNORECASE))
    whole = len(re.findall(re.escape(marker), text, re.IGNORECASE))
    expect(
        found == whole,
        f"{where}: the user's {marker!r} was interpreted as markup: {text[:400]!r}",
    )


class CommandTarget:
    """The Bot API test server and the real bot, in a background thread; blocking checks."""

    def __init__(self, db_url: str, extractor: Extractor | None = None) -> None:
        self.threaded = ThreadedBotApiServer()
        self.db_url = db_url
        self.extractor = extractor
        self.errors = _Watch(["hunter2"])  # the password in INGEST_URLS; the token is added below
        self._stack = AsyncExitStack()
        self._service: BriefingService | None = None
        self.cases = 0
        self.replies = 0
        self._next_user = 10_000
        self._next_group = -1_000_000_000_001
        self._checked_calls = 0

    @property
    def server(self) -> BotApiServer:
        return self.threaded.server

    @property
    def service(self) -> BriefingService:
        assert self._service is not None
        return self._service

    def __enter__(self) -> CommandTarget:
        self.threaded.start()
        # the extractor loaded once; /ingest never needs it here
        self._service = make_service(self.db_url, self.server, extractor=self.extractor)
        self.errors.secrets += [self.server.token, self.server.token.split(":", 1)[1]]
        logging.getLogger().addHandler(self.errors)
        self._bot_level = logging.getLogger("bot").level
        logging.getLogger("bot").setLevel(logging.INFO)  # its INFO lines are checked for secrets too
        self.threaded.run(self._stack.enter_async_context(running_bot(self.service)), timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.threaded.run(self._stack.aclose(), timeout=60)
        finally:
            logging.getLogger().removeHandler(self.errors)
            logging.getLogger("bot").setLevel(self._bot_level)
            self.service.close()
            self.threaded.stop()

    @property
    def calls(self) -> int:
        return self.threaded.call(lambda: len(self.server.calls))

    @property
    def rejected_calls(self) -> list[CallRecord]:
        return list(self.threaded.call(self.server.failed_calls))

    def check(self, case: CommandCase) -> None:
        self.cases += 1
        errors_before = len(self.errors.records)
        self.threaded.run(self._case(case), timeout=120)
        logged = self.errors.records[errors_before:]
        expect(
            not logged,
            "the bot logged an error: " + "; ".join(f"{r.name}: {r.getMessage()[:300]}" for r in logged),
        )
        expect(not self.errors.leaks, f"a secret in the log: {self.errors.leaks[:3]}")

    def finish(self) -> None:
        """Wait until every update is handled and the last messages are out; check the calls again."""
        self.threaded.run(self._settle(), timeout=120)

    async def _settle(self) -> None:
        await self.server.wait_updates_consumed(timeout=60)
        await asyncio.sleep(3)  # the last chunks of multi-message replies (1 message/s per chat)
        self._check_calls()

    def _check_calls(self) -> None:
        calls = self.server.calls
        fresh, self._checked_calls = calls[self._checked_calls :], len(calls)
        # a call still in flight is checked next time
        pending = [c for c in fresh if not c.done]
        if pending:
            self._checked_calls = calls.index(pending[0])
        rejected = [c for c in fresh if c.done and not c.ok and c.fault is None and not c.abandoned]
        expect(
            not rejected,
            "the server rejected calls: "
            + "; ".join(f"{c.method} {(c.response or {}).get('description')}" for c in rejected[:5]),
        )

    async def _case(self, case: CommandCase) -> None:
        if case.kind == "button":
            await self._press(case)
        else:
            await self._command(case)
        self._check_calls()

    async def _command(self, case: CommandCase) -> None:
        server = self.server
        self._next_user += 1
        user = ADMIN if case.admin else self._next_user
        chat = user
        if case.group:
            self._next_group -= 1
            chat = self._next_group
            server.add_group(chat, "Fuzz group", creator=user if case.group_admin else None)
        elif case.admin:  # the admin's private chat is shared: keep its replies apart
            await asyncio.sleep(1.05)
        # a core of this case's own (Q<n>Z), so that replies to other cases never count here
        core = f"Q{self.cases}Z"
        text = fit_utf16(case.text().replace(CORE, core), TELEGRAM_LIMIT)
        sent = server.user_sends(user, text, chat=None if chat == user else chat)
        reply = await self._outcome(
            lambda: next(
                (
                    m
                    for m in server.messages(chat)
                    if (m.get("reply_to_message") or {}).get("message_id") == sent["message_id"]
                ),
                None,
            ),
            f"{text[:200]!r}: no reply",
        )
        self.replies += 1
        expect(SORRY not in str(reply.get("text", "")), f"{text[:200]!r}: the bot said something went wrong")
        if case.marker is not None:
            marker = case.marker.replace(CORE, core)
            for message in server.messages(chat):
                if message["message_id"] > sent["message_id"]:
                    check_shown_as_typed(str(message.get("text", "")), marker, core, f"/{case.command} reply")

    async def _press(self, case: CommandCase) -> None:
        server = self.server
        self._next_user += 1
        user = self._next_user
        sent = server.user_sends(user, "/help")
        shown = await server.wait_for_message(
            user, lambda m: (m.get("reply_to_message") or {}).get("message_id") == sent["message_id"]
        )
        query: dict[str, Any] = server.user_presses(user, shown, case.argument, check=False)
        await self._outcome(
            lambda: next((a for a in server.callback_answers if a.callback_query_id == query["id"]), None),
            f"button {case.argument!r}: the press was never answered",
            timeout=10,
        )
        self.replies += 1

    async def _outcome(self, done: Callable[[], T | None], missing: str, *, timeout: float = 30) -> T:
        """What ``done`` finds, as soon as it is there; a rejected call or an error log line as
        soon as one of those is there instead (not after a timeout)."""
        errors, calls = len(self.errors.records), len(self.server.calls)

        def settled() -> tuple[T | None, str | None] | None:
            found = done()
            if found is not None:
                return found, None
            if len(self.errors.records) > errors:
                return None, f"{missing}; the bot logged: {self.errors.records[errors].getMessage()[:300]}"
            rejected = [c for c in self.server.calls[calls:] if c.done and not c.ok and c.fault is None]
            if rejected:
                return None, f"{missing}; the server rejected {rejected[0].method}: {rejected[0].response}"
            return None

        try:
            result = await self.server.wait_until(settled, timeout=timeout)
        except TimeoutError as exc:
            raise PropertyFailed(missing) from exc
        assert result is not None
        found, trouble = result
        if found is None:
            raise PropertyFailed(str(trouble))
        return found
