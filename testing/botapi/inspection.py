"""What a test reads from the local Bot API test server (calls, messages, edits, statistics,
duplicates) and how it waits for the bot (``wait_for_message`` and friends)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import TypeVar

from testing.botapi.commands import scope_key
from testing.botapi.context import MessagePredicate
from testing.botapi.core import ServerCore
from testing.botapi.limits import RateLimiter, RateLimits, Violation
from testing.botapi.records import (
    CallbackAnswer,
    CallRecord,
    ChatAction,
    Delivery,
    Duplicate,
    EditRecord,
    JSONDict,
    Stats,
    WebhookDelivery,
    count_by,
)
from testing.botapi.updates import webhook_info_of

T = TypeVar("T")


class Inspection(ServerCore):
    """Inspecting and waiting (test side)."""

    @property
    def calls(self) -> list[CallRecord]:
        """Every HTTP call so far, in arrival order (live records)."""
        return list(self._calls)

    def calls_to(self, method: str, *, token: str | None = None) -> list[CallRecord]:
        """Calls of one Bot API method (case-insensitive)."""
        return [
            c
            for c in self._calls
            if c.method.lower() == method.lower() and (token is None or c.token == token)
        ]

    def failed_calls(
        self, *, include_faults: bool = False, include_abandoned: bool = False
    ) -> list[CallRecord]:
        """Finished calls that did not answer 200 (injected faults and abandoned polls excluded)."""
        return [
            c
            for c in self._calls
            if c.done
            and not c.ok
            and (include_faults or c.fault is None)
            and (include_abandoned or not c.abandoned)
        ]

    def messages(
        self, chat_id: int, *, token: str | None = None, include_deleted: bool = False
    ) -> list[JSONDict]:
        """Messages the bot(s) sent to ``chat_id``, as they are now (after edits), oldest first."""
        return [
            copy.deepcopy(m.payload)
            for m in self._chat_messages(chat_id)
            if m.from_bot and (token is None or m.token == token) and (include_deleted or not m.deleted)
        ]

    def texts(self, chat_id: int, *, token: str | None = None) -> list[str]:
        """Texts of :meth:`messages`."""
        return [str(m.get("text", "")) for m in self.messages(chat_id, token=token)]

    def history(self, chat_id: int, *, include_deleted: bool = False) -> list[JSONDict]:
        """Everything in the chat: user, channel and bot messages, oldest first."""
        return [
            copy.deepcopy(m.payload) for m in self._chat_messages(chat_id) if include_deleted or not m.deleted
        ]

    def message(self, chat_id: int, message_id: int) -> JSONDict:
        return copy.deepcopy(self._messages[chat_id][message_id].payload)

    def is_deleted(self, chat_id: int, message_id: int) -> bool:
        return self._messages[chat_id][message_id].deleted

    def edits(self, chat_id: int | None = None) -> list[EditRecord]:
        return [e for e in self._edits if chat_id is None or e.chat_id == chat_id]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._answers)

    def chat_actions(self, chat_id: int | None = None) -> list[ChatAction]:
        return [a for a in self._actions if chat_id is None or a.chat_id == chat_id]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every message delivered by a bot, in order (also the ones deleted later)."""
        return list(self._deliveries)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        return list(self._webhook_log)

    def pending_updates(self, token: str | None = None) -> list[JSONDict]:
        """Updates not yet acknowledged by the bot (via getUpdates ``offset`` or webhook 2xx)."""
        return copy.deepcopy(list(self._bot(token).updates))

    def commands(
        self, scope: JSONDict | None = None, language_code: str = "", *, token: str | None = None
    ) -> list[JSONDict]:
        """Commands stored with setMyCommands for a scope (default scope by default)."""
        return copy.deepcopy(
            self._bot(token).commands.get(scope_key(scope or {"type": "default"}, language_code), [])
        )

    def webhook_info(self, token: str | None = None) -> JSONDict:
        return webhook_info_of(self._bot(token))

    @property
    def internal_errors(self) -> list[tuple[CallRecord, Exception]]:
        """Exceptions raised by method handlers (answered 500); should stay empty."""
        return list(self._internal_errors)

    @property
    def violations(self) -> list[Violation]:
        return list(self._violations)

    @property
    def stats(self) -> Stats:
        """Counters so far (see :class:`~testing.botapi.records.Stats`)."""
        return Stats(
            total_calls=len(self._calls),
            calls_by_method=count_by(c.method for c in self._calls),
            responses_by_status=count_by(c.status for c in self._calls if c.done),
            rate_limit_violations=len(self._violations),
            retry_after_ignored=sum(1 for v in self._violations if v.scope == "flood_wait"),
            violations=tuple(self._violations),
            injected_faults=sum(self._injected.values()),
            injected_by_kind=dict(self._injected),
            messages_delivered=len(self._deliveries),
            messages_by_chat=count_by(d.chat_id for d in self._deliveries),
        )

    def duplicates(self, chat_id: int | None = None, *, within: float | None = None) -> list[Duplicate]:
        """Same chat + same text delivered more than once (optionally within ``within`` seconds)."""
        groups: dict[tuple[int, str], list[Delivery]] = {}
        for delivery in self._deliveries:
            if chat_id is None or delivery.chat_id == chat_id:
                groups.setdefault((delivery.chat_id, delivery.text), []).append(delivery)
        result = []
        for (chat, text), items in groups.items():
            if within is not None:
                items = [
                    d
                    for i, d in enumerate(items)
                    if any(abs(d.at - o.at) <= within for j, o in enumerate(items) if j != i)
                ]
            if len(items) > 1:
                result.append(Duplicate(chat, text, tuple(d.message_id for d in items)))
        return result

    def clear_records(self) -> None:
        """Forget calls, edits, answers, deliveries, violations and fault counters (not the chats)."""
        self._calls.clear()
        self._edits.clear()
        self._answers.clear()
        self._actions.clear()
        self._deliveries.clear()
        self._violations.clear()
        self._injected.clear()
        self._webhook_log.clear()
        self._seen.clear()

    def reset_rate_limits(self) -> None:
        self._limiter.reset()

    def set_limits(self, limits: RateLimits) -> None:
        self.limits = limits
        self._limiter = RateLimiter(limits, self.clock)

    async def wait_until(self, condition: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until ``condition()`` (re-checked whenever the server state changes) is truthy
        and return its value."""

        def check() -> T | None:
            value = condition()
            return value if value else None

        result = await self._wait_for(check, timeout)
        if result is None:
            raise TimeoutError(f"condition not met within {timeout}s\n{self._diagnose(None)}")
        return result

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: MessagePredicate = None,
        timeout: float = 5.0,
        *,
        include_seen: bool = False,
        token: str | None = None,
    ) -> JSONDict:
        """Wait until the bot has sent a matching message to ``chat_id`` and return it.

        ``predicate`` is a callable on the Message, a substring of its text or a compiled regex.
        Mailbox semantics: each call returns the oldest matching message that no earlier
        ``wait_for_message`` returned (``include_seen=True`` to look at all of them), so the same
        flow can be waited for twice in one test.  On timeout ``TimeoutError`` lists what the chat
        contains and the bot's recent failed calls.
        """
        seen = self._seen.setdefault(chat_id, set())

        def check() -> JSONDict | None:
            for stored in self._chat_messages(chat_id):
                if not stored.from_bot or stored.deleted or (token is not None and stored.token != token):
                    continue
                if not include_seen and stored.message_id in seen:
                    continue
                if _matches(stored.payload, predicate):
                    seen.add(stored.message_id)
                    return copy.deepcopy(stored.payload)
            return None

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(
                f"no message matching {_describe(predicate)} from the bot in chat {chat_id}"
                f" within {timeout}s\n{self._diagnose(chat_id)}"
            )
        return found

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 5.0, *, token: str | None = None
    ) -> list[JSONDict]:
        """Wait until the bot has sent at least ``count`` messages to the chat; return them all."""

        def check() -> list[JSONDict] | None:
            found = self.messages(chat_id, token=token)
            return found if len(found) >= count else None

        result = await self._wait_for(check, timeout)
        if result is None:
            raise TimeoutError(
                f"the bot sent {len(self.messages(chat_id))} of {count} messages to chat {chat_id} within"
                f" {timeout}s\n{self._diagnose(chat_id)}"
            )
        return result

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int | None = None,
        predicate: MessagePredicate = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
    ) -> EditRecord:
        """Wait for an edit (of ``message_id`` if given) whose new version matches ``predicate``.

        ``after`` skips the first N edits of the chat (``len(server.edits(chat))`` before acting).
        """

        def check() -> EditRecord | None:
            for edit in self.edits(chat_id)[after:]:
                if (message_id is None or edit.message_id == message_id) and _matches(edit.after, predicate):
                    return edit
            return None

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(
                f"no edit matching {_describe(predicate)} in chat {chat_id} within {timeout}s\n"
                + self._diagnose(chat_id)
            )
        return found

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[CallRecord], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
        finished: bool = True,
    ) -> CallRecord:
        """Wait for a call of ``method`` (by default a finished one) matching ``predicate``.

        ``after`` skips the first N calls of that method.
        """

        def check() -> CallRecord | None:
            for call in self.calls_to(method)[after:]:
                if (not finished or call.done) and (predicate is None or predicate(call)):
                    return call
            return None

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(f"no {method} call within {timeout}s\n{self._diagnose(None)}")
        return found

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """Wait until the bot answered callback query ``query_id``."""

        def check() -> CallbackAnswer | None:
            return next((a for a in self._answers if a.callback_query_id == query_id), None)

        found = await self._wait_for(check, timeout)
        if found is None:
            raise TimeoutError(
                f"callback query {query_id} not answered within {timeout}s\n{self._diagnose(None)}"
            )
        return found

    async def wait_updates_consumed(self, timeout: float = 5.0, *, token: str | None = None) -> None:
        """Wait until the bot acknowledged every queued update (the next getUpdates offset)."""
        bot = self._bot(token)
        if await self._wait_for(lambda: True if not bot.updates else None, timeout) is None:
            raise TimeoutError(
                f"{len(bot.updates)} updates still pending after {timeout}s\n{self._diagnose(None)}"
            )

    def _diagnose(self, chat_id: int | None) -> str:
        lines = []
        if chat_id is not None:
            lines.append(f"chat {chat_id} contains:")
            for stored in self._chat_messages(chat_id)[-10:]:
                flag = " (deleted)" if stored.deleted else ""
                lines.append(
                    f"  [{stored.message_id}] {stored.sender}: {stored.payload.get('text', '')!r}{flag}"
                )
            if len(lines) == 1:
                lines.append("  (nothing)")
        failed = self.failed_calls(include_faults=True)[-5:]
        if failed:
            lines.append("recent failed calls:")
            lines += [f"  {call}" for call in failed]
        lines.append(f"{len(self._calls)} calls so far; pending updates: {len(self.bot.updates)}")
        return "\n".join(lines)


def _matches(message: JSONDict, predicate: MessagePredicate) -> bool:
    if predicate is None:
        return True
    text = str(message.get("text", ""))
    if isinstance(predicate, str):
        return predicate in text
    if isinstance(predicate, re.Pattern):
        return predicate.search(text) is not None
    return bool(predicate(message))


def _describe(predicate: MessagePredicate) -> str:
    if predicate is None:
        return "anything"
    if isinstance(predicate, str):
        return f"text containing {predicate!r}"
    if isinstance(predicate, re.Pattern):
        return f"regex {predicate.pattern!r}"
    return getattr(predicate, "__name__", "the predicate")
