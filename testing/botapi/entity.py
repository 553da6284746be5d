"""Telegram message entities as the local Bot API server keeps them: :class:`Entity` (UTF-16
offsets, like the Bot API), :class:`FormattedText`, the parse errors, and the link checks of tdlib's
``LinkManager``. Part of :mod:`testing.botapi.entities`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]


class EntityParseError(ValueError):
    """The text can't be parsed; the Bot API answers ``400 Bad Request: can't parse entities: <msg>``."""


class EntityRangeError(ValueError):
    """Explicit ``entities`` that don't fit the text (``400 Bad Request: <msg>``)."""


class EmptyTextError(ValueError):
    """Nothing is left after parsing and trimming (``400 Bad Request: message text is empty``)."""


# --------------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------------

SPLITTABLE = ("bold", "italic", "underline", "strikethrough", "spoiler")
_SPLIT_INDEX = {name: index for index, name in enumerate(SPLITTABLE)}
BLOCKQUOTES = frozenset({"blockquote", "expandable_blockquote"})
PRE_KINDS = frozenset({"pre", "pre_code", "code"})
CONTINUOUS = frozenset(
    {
        "mention",
        "hashtag",
        "bot_command",
        "url",
        "email",
        "text_link",
        "text_mention",
        "cashtag",
        "phone_number",
        "custom_emoji",
        "date_time",
    }
)
#: entity types a sender can create (the others are detected by Telegram in the text)
USER_TYPES = frozenset(
    {*SPLITTABLE, *BLOCKQUOTES, "pre", "code", "text_link", "text_mention", "custom_emoji", "date_time"}
)
ALL_TYPES = frozenset({*USER_TYPES, *CONTINUOUS})

# tdlib's MessageEntity::get_type_priority: the tie-breaker when offset and length are equal
_PRIORITY = {
    "mention": 50,
    "hashtag": 50,
    "bot_command": 50,
    "url": 50,
    "email": 50,
    "bold": 90,
    "italic": 91,
    "code": 20,
    "pre": 11,
    "pre_code": 10,
    "text_link": 49,
    "text_mention": 49,
    "cashtag": 50,
    "phone_number": 50,
    "underline": 92,
    "strikethrough": 93,
    "blockquote": 0,
    "spoiler": 94,
    "custom_emoji": 99,
    "expandable_blockquote": 0,
    "date_time": 50,
}

# names used by tdlib in MarkdownV2 error messages ("Can't find end of Bold entity at byte offset 0")
_TD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
    "expandable_blockquote": "ExpandableBlockQuote",
}

_DATE_TIME_FORMAT = re.compile(r"r|w?[dDtT]?")


@dataclass(slots=True)
class Entity:
    """One message entity with UTF-16 ``offset``/``length`` (Bot API ``MessageEntity``)."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    user_id: int | None = None
    custom_emoji_id: str | None = None
    unix_time: int | None = None
    date_time_format: str | None = None

    @property
    def end(self) -> int:
        return self.offset + self.length

    @property
    def kind(self) -> str:
        """tdlib's entity type: ``pre`` with a language is ``pre_code``."""
        return "pre_code" if self.type == "pre" and self.language else self.type

    def sort_key(self) -> tuple[int, int, int]:
        return (self.offset, -self.length, _PRIORITY.get(self.kind, 50))

    def to_api(self, user: Callable[[int], JSONDict] | None = None) -> JSONDict:
        """The Bot API JSON object; ``user`` resolves the user of a ``text_mention``."""
        data: JSONDict = {"offset": self.offset, "length": self.length, "type": self.type}
        if self.type == "text_link":
            data["url"] = self.url
        elif self.type == "pre" and self.language:
            data["language"] = self.language
        elif self.type == "text_mention":
            uid = self.user_id or 0
            data["user"] = user(uid) if user else {"id": uid, "is_bot": False, "first_name": ""}
        elif self.type == "custom_emoji":
            data["custom_emoji_id"] = self.custom_emoji_id
        elif self.type == "date_time":
            data["unix_time"] = self.unix_time
            if self.date_time_format:
                data["date_time_format"] = self.date_time_format
        return data

    @classmethod
    def from_api(cls, data: object) -> Entity:
        """Validate one entity of an ``entities`` request parameter."""
        if not isinstance(data, dict):
            raise EntityParseError("entity must be an Object")
        kind = data.get("type")
        offset, length = data.get("offset"), data.get("length")
        if not isinstance(kind, str) or kind not in ALL_TYPES:
            raise EntityParseError(f"Unsupported entity type {kind!r}")
        if not isinstance(offset, int) or not isinstance(length, int) or isinstance(offset, bool):
            raise EntityParseError("entity offset and length must be Integers")
        entity = cls(kind, offset, length)
        if kind == "text_link":
            url = data.get("url")
            checked = check_link(url) if isinstance(url, str) else None
            if checked is None:
                raise EntityRangeError(f"Entity text_link URL {url!r} is invalid")
            user_id = get_link_user_id(checked)
            if user_id is not None:
                return cls("text_mention", offset, length, user_id=user_id)
            entity.url = checked
        elif kind == "pre":
            language = data.get("language")
            entity.language = language if isinstance(language, str) and language else None
        elif kind == "text_mention":
            user = data.get("user")
            uid = user.get("id") if isinstance(user, dict) else None
            if not isinstance(uid, int) or uid <= 0:
                raise EntityParseError("text_mention entity must have a user with a valid id")
            entity.user_id = uid
        elif kind == "custom_emoji":
            emoji_id = str(data.get("custom_emoji_id", ""))
            if not emoji_id.isdigit() or int(emoji_id) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            entity.custom_emoji_id = emoji_id
        elif kind == "date_time":
            unix_time = data.get("unix_time")
            if not isinstance(unix_time, int):
                raise EntityParseError("Invalid Unix time specified")
            entity.unix_time = unix_time
            fmt = data.get("date_time_format")
            if fmt is not None and (not isinstance(fmt, str) or not _DATE_TIME_FORMAT.fullmatch(fmt)):
                raise EntityParseError("Invalid date and time format specified")
            entity.date_time_format = fmt or None
        return entity


@dataclass(slots=True)
class FormattedText:
    """Plain text plus entities, as stored in a Message."""

    text: str
    entities: list[Entity] = field(default_factory=list)

    def to_api(self, user: Callable[[int], JSONDict] | None = None) -> list[JSONDict]:
        return [entity.to_api(user) for entity in self.entities]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's offsets and of the 4096 limit."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def entity_text(text: str, entity: Entity | JSONDict) -> str:
    """The part of ``text`` covered by ``entity`` (UTF-16 slicing, like PTB's ``parse_entity``)."""
    offset = entity.offset if isinstance(entity, Entity) else int(entity["offset"])
    length = entity.length if isinstance(entity, Entity) else int(entity["length"])
    units = text.encode("utf-16-le", "surrogatepass")
    return units[2 * offset : 2 * (offset + length)].decode("utf-16-le", "surrogatepass")


def _sorted(entities: Iterable[Entity]) -> list[Entity]:
    return sorted(entities, key=Entity.sort_key)


# --------------------------------------------------------------------------------------------------
# Links (LinkManager::get_link_user_id / get_checked_link)
# --------------------------------------------------------------------------------------------------

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")
_HOST = re.compile(r"[^\s/?#@:\[\]]+")


def get_link_user_id(url: str) -> int | None:
    """The user id of a ``tg://user?id=<id>`` link, else ``None``."""
    link = url.lower()
    if not link.startswith("tg:"):
        return None
    link = link[3:].removeprefix("//")
    if not link.startswith("user") or (len(link) > 4 and link[4] not in "/?#"):
        return None
    link = link[4:].removeprefix("/")
    if not link.startswith("?"):
        return None
    query = link[1:].split("#", 1)[0]
    for parameter in query.split("&"):
        key, _, value = parameter.partition("=")
        if key == "id":
            if re.fullmatch(r"-?[0-9]{1,19}", value) and int(value) > 0:
                return int(value)
            return None
    return None


def check_link(url: str, *, strict: bool = False) -> str | None:
    """Telegram's normalised form of a link (``https://t.me`` → ``https://t.me/``) or ``None``.

    Accepted: ``http``/``https`` URLs (a missing scheme means ``http``), ``tg://`` and ``ton://``
    links.  With ``strict`` only explicit ``http://``, ``https://`` and ``tg://`` links pass.
    """
    if not url or any(ord(ch) <= 0x20 for ch in url):
        return None
    lower = url.lower()
    for scheme in ("tg", "ton"):
        if lower.startswith(scheme + ":"):
            if strict and scheme == "ton":
                return None
            rest = url[len(scheme) + 1 :].removeprefix("//")
            match = re.match(r"([^/?#]*)(.*)", rest, re.DOTALL)
            assert match is not None
            host, tail = match.group(1), match.group(2)
            if not host or not re.fullmatch(r"[A-Za-z0-9_\-]+", host) or lower.startswith(scheme + "://http"):
                return None
            tail = tail if tail.startswith("/") else "/" + tail
            if len(tail) > 1 and tail[1] == "?":
                tail = tail[1:]
            return f"{scheme}://{host.lower()}{tail}"
    match = _SCHEME.match(url)
    if match:
        scheme = match.group(1).lower()
        if scheme not in ("http", "https"):
            return None
        rest = url[match.end() :]
    else:
        if strict:
            return None
        scheme, rest = "http", url
    split = re.match(r"([^/?#]*)(.*)", rest, re.DOTALL)
    assert split is not None
    authority, tail = split.group(1), split.group(2)
    userinfo, _, hostport = authority.rpartition("@")
    host, _, port = hostport.partition(":")
    if not host or not _HOST.fullmatch(host) or (port and not port.isdigit()):
        return None
    if "." not in host or host.startswith(".") or host.endswith(".") or ".." in host:
        return None
    if not tail.startswith("/"):
        tail = "/" + tail
    prefix = f"{userinfo}@" if userinfo else ""
    return f"{scheme}://{prefix}{host.lower()}{':' + port if port else ''}{tail}"
