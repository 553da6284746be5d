"""What the local Bot API test server records, as tests meet it: one HTTP call of the bot
(:class:`CallRecord`: decoded parameters, status, response JSON, the fault injected into it, timings),
edits, callback answers, duplicates and the counters of ``server.stats``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from testing.botapi.limits import Violation

JSONDict = dict[str, Any]


@dataclass(slots=True)
class CallRecord:
    """One HTTP request the bot made.

    ``params`` are decoded (numbers are ints, ``reply_markup``/``entities``/... are dicts and
    lists); ``response`` is the JSON body sent back (``None`` when the connection was dropped or
    the body was not JSON); ``fault`` names the injected fault, if any; ``abandoned`` is set when
    the client had already gone when the answer was ready (e.g. a long poll cancelled at shutdown).
    ``at`` is the server clock's monotonic time at arrival.
    """

    seq: int
    token: str
    method: str
    params: JSONDict
    at: float
    wall_time: float
    http_method: str = "POST"
    status: int = 0
    response: JSONDict | None = None
    fault: str | None = None
    abandoned: bool = False
    duration: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def done(self) -> bool:
        return self.status != 0

    @property
    def description(self) -> str | None:
        if self.response is None:
            return None
        value = self.response.get("description")
        return value if isinstance(value, str) else None

    @property
    def result(self) -> Any:
        return None if self.response is None else self.response.get("result")

    def __str__(self) -> str:
        outcome = "pending" if not self.done else (self.description or str(self.status))
        fault = f" [fault: {self.fault}]" if self.fault else ""
        gone = " [client gone]" if self.abandoned else ""
        return f"#{self.seq} {self.method}({_short(self.params)}) -> {self.status} {outcome}{fault}{gone}"


def _short(params: JSONDict, limit: int = 120) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class EditRecord:
    """A successful ``editMessageText``/``editMessageReplyMarkup``: the message before and after."""

    method: str
    chat_id: int
    message_id: int
    before: JSONDict
    after: JSONDict
    at: float


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An ``answerCallbackQuery`` call with the query it answered."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    query: JSONDict | None
    at: float


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The same text delivered more than once to the same chat."""

    chat_id: int
    text: str
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Stats:
    """A snapshot of counters (``server.stats``).

    ``rate_limit_violations`` counts only genuine 429s caused by the bot's sending rate (including
    ``retry_after_ignored``, messages sent while a flood wait was still running); injected faults are
    counted separately in ``injected_faults``.
    """

    total_calls: int
    calls_by_method: dict[str, int]
    responses_by_status: dict[int, int]
    rate_limit_violations: int
    retry_after_ignored: int
    violations: tuple[Violation, ...]
    injected_faults: int
    injected_by_kind: dict[str, int]
    messages_delivered: int
    messages_by_chat: dict[int, int]

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.responses_by_status.items() if status != 200)


def count_by(values: Iterable[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


@dataclass(slots=True)
class CallbackQueryState:
    query: JSONDict
    token: str
    at: float
    answered: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message the bot delivered (in delivery order; kept after deletion)."""

    chat_id: int
    message_id: int
    text: str
    token: str
    at: float


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook."""

    token: str
    update_id: int
    status: int | None
    error: str | None
    at: float


@dataclass(slots=True)
class ChatAction:
    chat_id: int
    action: str
    at: float
    token: str = field(default="")
