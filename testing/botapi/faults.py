"""Fault injection for the local Bot API test server: the rules ``BotApiServer.inject`` adds
(:class:`Fault`) and the plan that picks the one a call meets (:class:`FaultPlan`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["too_many_requests", "internal_error", "bad_gateway", "hang", "drop", "error"]
#: what an injected 429 holds: the chat the message was for, or every chat of the bot
FloodScope = Literal["chat", "bot"]
FAULT_KINDS: tuple[str, ...] = ("too_many_requests", "internal_error", "bad_gateway", "hang", "drop", "error")


@dataclass(slots=True)
class Fault:
    """One injected failure rule (see ``BotApiServer.inject``).

    A call matches when ``method`` (case-insensitive, ``None`` = any) and ``chat_id`` (``None`` =
    any) match; then it fires with ``probability`` (seeded RNG) until it fired ``times`` times
    (``None`` = forever).  ``after=True`` lets the call take effect first (the message *is*
    delivered) and only then fails the response: the case that creates duplicates when the bot
    retries blindly.
    """

    kind: FaultKind
    method: str | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    probability: float = 1.0
    retry_after: int = 5
    scope: FloodScope = "chat"
    hang_seconds: float = 30.0
    status: int = 500
    description: str = "Internal Server Error"
    after: bool = False
    triggered: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.triggered >= self.times

    def matches(self, method: str, chat_id: object, after: bool) -> bool:
        if self.exhausted or self.after != after:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


class FaultPlan:
    def __init__(self, seed: int) -> None:
        self.faults: list[Fault] = []
        self.rng = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; use one of {FAULT_KINDS}")
        if not 0.0 <= fault.probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def pick(self, method: str, chat_id: object, *, after: bool) -> Fault | None:
        for fault in self.faults:
            if not fault.matches(method, chat_id, after):
                continue
            if fault.probability < 1.0 and self.rng.random() >= fault.probability:
                continue
            fault.triggered += 1
            return fault
        return None
