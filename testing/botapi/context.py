"""What a Bot API method handler of the local test server works with: the call's context
(:class:`CallContext`, typed access to its parameters) and the error answer (:class:`ApiError`)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from testing.botapi.records import CallRecord, JSONDict
from testing.botapi.world import BotInfo

if TYPE_CHECKING:
    from testing.botapi.server import BotApiServer

DEFAULT_TOKEN = "123456789:TEST-local-bot-api-token"

MessagePredicate = Callable[[JSONDict], bool] | str | re.Pattern[str] | None

MethodHandler = Callable[["CallContext"], Awaitable[Any]]


class BotKwargs(TypedDict):
    """``telegram.Bot(**server.bot_kwargs())``."""

    token: str
    base_url: str
    base_file_url: str


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSONDict:
        data: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(slots=True)
class CallContext:
    """What a method handler gets: the bot, the decoded parameters and the call record."""

    server: BotApiServer
    bot: BotInfo
    method: str
    params: JSONDict
    record: CallRecord
    description: str | None = None  # optional "description" next to a successful result

    # typed parameter access -----------------------------------------------------------------
    def has(self, name: str) -> bool:
        return self.params.get(name) is not None

    def get_str(self, name: str, *, required: bool = False, empty: str | None = None) -> str | None:
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(empty or f"parameter {name} is required")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise bad_request(f"field {name!r} must be of type String")
        return value

    def get_int(self, name: str, *, required: bool = False, empty: str | None = None) -> int | None:
        value = self.params.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(empty or f"parameter {name} is required")
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value.strip())
        raise bad_request(f"invalid {name} specified")

    def get_float(self, name: str) -> float | None:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return float(value)
        raise bad_request(f"invalid {name} specified")

    def get_bool(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return False

    def get_chat(self, name: str = "chat_id") -> int | str:
        value = self.params.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request(f"invalid {name} specified")
        return value
