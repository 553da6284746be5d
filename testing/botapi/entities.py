"""Telegram message text: HTML / MarkdownV2 / Markdown parsing and entity normalisation.

This module reproduces what the Bot API does with the ``text`` + ``parse_mode`` (or ``entities``) of
``sendMessage``/``editMessageText`` so that the local test server accepts and rejects exactly what
Telegram would.  It is a close port of tdlib's ``td/telegram/MessageEntity.cpp`` (``parse_html``,
``parse_markdown_v2``, ``parse_markdown``, ``fix_formatted_text``): the same error messages with the
same *byte* offsets into the UTF-8 text, the same UTF-16 entity offsets, the same trimming, merging
and splitting of entities and (in a simplified form) the same automatic detection of bot commands,
mentions, hashtags, cashtags, URLs and e-mail addresses.

Typical use::

    from testing.botapi.entities import EntityParseError, parse_text

    result = parse_text("<b>Brief</b> for /today", "HTML")
    result.text                  # 'Brief for /today'
    result.to_api()              # [{'type': 'bold', 'offset': 0, 'length': 5},
                                 #  {'type': 'bot_command', 'offset': 10, 'length': 6}]
    parse_text("<br>", "HTML")   # EntityParseError('Unsupported start tag "br" at byte offset 0')

Strict mode (``strict=True``, what the test server uses by default) additionally rejects inputs that
Telegram silently accepts but that the Bot API documentation forbids, so that a bot which only works
by luck fails in tests:

* a bare ``&`` that does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or a numeric reference
  (Telegram keeps it literally);
* ``<a>`` without ``href`` or with a link that is not ``http(s)://`` or ``tg://`` (Telegram would
  silently drop the link or use the link text as the URL).

Everything else (unknown tags, unclosed or mis-nested tags, a bare ``<``, bad ``span`` classes...) is
rejected by Telegram itself and therefore in both modes.

Entity offsets and lengths are UTF-16 code units, like in the Bot API: ``utf16_len("😀") == 2``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "EmptyTextError",
    "Entity",
    "EntityParseError",
    "EntityRangeError",
    "FormattedText",
    "check_link",
    "entities_to_html",
    "entity_text",
    "find_entities",
    "normalize",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "parse_text",
    "utf16_len",
]

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


# --------------------------------------------------------------------------------------------------
# HTML (tdlib parse_html)
# --------------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SPACES = frozenset(b" \t\r\n\v\f\x00")


def _is_space(c: int) -> bool:
    return c in _SPACES


def _is_alnum(c: int) -> bool:
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


def _is_alpha(c: int) -> bool:
    return 65 <= c <= 90 or 97 <= c <= 122


def _utf16_units(first_byte: int) -> int:
    """UTF-16 units contributed by a UTF-8 byte (0 for continuation bytes)."""
    if 0x80 <= first_byte < 0xC0:
        return 0
    return 2 if first_byte >= 0xF0 else 1


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise EntityRangeError("Strings must be encoded in UTF-8") from None


def _show(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _decode_html_entity(data: bytes, pos: int) -> tuple[int, int] | None:
    """(code point, position after the entity) for ``&...`` at ``pos``, or ``None``."""
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    end = pos + 1
    code = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while chr(at(end)) in "0123456789abcdefABCDEF" and at(end) != 0:
                code = code * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while 48 <= at(end) <= 57:
                code = code * 10 + at(end) - 48
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
    else:
        while _is_alpha(at(end)):
            end += 1
        name = data[pos + 1 : end]
        named = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(name)
        if named is None:
            return None
        code = named
    if at(end) == ord(";"):
        end += 1
    return code, end


def _append_code_point(out: bytearray, code: int) -> None:
    out += chr(code).encode("utf-8", "surrogatepass")


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the result
    begin: int  # byte position in the result
    byte_offset: int  # byte position of '<' in the input


def parse_html(text: str, *, strict: bool = False) -> FormattedText:
    """Parse Telegram HTML exactly like tdlib's ``parse_html`` (no trimming, no auto-detection).

    Raises :class:`EntityParseError` with Telegram's message, e.g.
    ``Unsupported start tag "br" at byte offset 5``.
    """
    data = _encode(text)
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    out = bytearray()
    entities: list[Entity] = []
    stack: list[_OpenTag] = []
    utf16 = 0
    i = 0
    while i < n:
        c = data[i]
        if c == 0x26:  # '&'
            decoded = _decode_html_entity(data, i)
            if decoded is not None:
                code, i = decoded
                utf16 += 2 if code > 0xFFFF else 1
                _append_code_point(out, code)
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {i} (strict test server: write &amp; — Telegram only'
                    " tolerates a bare & by accident)"
                )
        if c != 0x3C:  # not '<'
            utf16 += _utf16_units(c)
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            # start tag
            while not _is_space(at(i)) and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = _show(data[begin + 1 : i].lower())
            if tag not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            href_seen = False
            extra: dict[str, str] = {}
            while at(i) != ord(">"):
                while at(i) != 0 and _is_space(at(i)):
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while not _is_space(at(i)) and at(i) not in b"=>/\"'":
                    i += 1
                attr = data[attr_begin:i]
                if not attr:
                    raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
                while at(i) != 0 and _is_space(at(i)):
                    i += 1
                if at(i) != ord("="):
                    if at(i) == 0:
                        raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    if tag == "blockquote" and attr == b"expandable":
                        argument = "1"
                    continue
                i += 1
                while at(i) != 0 and _is_space(at(i)):
                    i += 1
                if at(i) == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value = bytearray()
                if at(i) not in b"'\"":
                    token_begin = i
                    while _is_alnum(at(i)) or at(i) in b".-":
                        i += 1
                    value += data[token_begin:i].lower()
                    if not _is_space(at(i)) and at(i) != ord(">"):
                        raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
                else:
                    quote = at(i)
                    i += 1
                    while at(i) != quote and at(i) != 0:
                        if at(i) == 0x26:
                            decoded = _decode_html_entity(data, i)
                            if decoded is not None:
                                _append_code_point(value, decoded[0])
                                i = decoded[1]
                                continue
                            if strict:
                                raise EntityParseError(
                                    f'Unescaped "&" at byte offset {i} in an attribute of the tag "{tag}"'
                                    " (strict test server: write &amp;)"
                                )
                        value.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                if at(i) == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                val = value.decode("utf-8", "surrogatepass")
                if tag == "a" and attr == b"href":
                    argument, href_seen = val, True
                elif tag == "code" and attr == b"class" and val.startswith("language-"):
                    argument = val[9:]
                elif tag == "span" and attr == b"class" and val.startswith("tg-"):
                    argument = val[3:]
                elif (tag == "tg-emoji" and attr == b"emoji-id") or (tag == "tg-time" and attr == b"unix"):
                    argument = val
                elif tag == "tg-time" and attr == b"format":
                    extra["format"] = val
                elif tag == "blockquote" and attr == b"expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            if strict and tag == "a":
                if not href_seen or not argument:
                    raise EntityParseError(
                        f'Tag "a" must have a non-empty attribute "href" at byte offset {begin}'
                        " (strict test server)"
                    )
                if get_link_user_id(argument) is None and check_link(argument, strict=True) is None:
                    raise EntityParseError(
                        f'Unsupported URL "{argument}" in the tag "a" at byte offset {begin}'
                        " (strict test server: use an http://, https:// or tg:// link)"
                    )
            if tag == "tg-time" and "format" in extra:
                argument = f"{argument}|{extra['format']}"
            stack.append(_OpenTag(tag, argument, utf16, len(out), begin))
            i += 1  # past '>'
            continue

        # end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while not _is_space(at(i)) and at(i) != ord(">"):
            i += 1
        end_tag = _show(data[begin + 2 : i].lower())
        while _is_space(at(i)) and at(i) != 0:
            i += 1
        if at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        top = stack[-1]
        if end_tag and end_tag != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", found "</{end_tag}>"'
            )
        if utf16 > top.offset:
            _close_html_entity(top, utf16 - top.offset, out, entities)
        stack.pop()
        i += 1  # past '>'

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity.type == "code":
            entity.language = None
    try:
        result = out.decode("utf-8")
    except UnicodeDecodeError:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched"
            " surrogate code units"
        ) from None
    return FormattedText(result, _sorted(entities))


def _close_html_entity(top: _OpenTag, length: int, out: bytearray, entities: list[Entity]) -> None:
    offset, tag, argument = top.offset, top.name, top.argument
    simple = {
        "i": "italic",
        "em": "italic",
        "b": "bold",
        "strong": "bold",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "u": "underline",
        "ins": "underline",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    if tag in simple:
        entities.append(Entity(simple[tag], offset, length))
    elif tag == "tg-emoji":
        if not re.fullmatch(r"[+-]?[0-9]{1,19}", argument) or int(argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append(Entity("custom_emoji", offset, length, custom_emoji_id=str(int(argument))))
    elif tag == "tg-time":
        unix, _, fmt = argument.partition("|")
        if not re.fullmatch(r"-?[0-9]{1,19}", unix):
            raise EntityParseError("Invalid Unix time specified")
        if fmt and not _DATE_TIME_FORMAT.fullmatch(fmt):
            raise EntityParseError("Invalid date and time format specified")
        entities.append(
            Entity("date_time", offset, length, unix_time=int(unix), date_time_format=fmt or None)
        )
    elif tag == "a":
        url = argument or out[top.begin :].decode("utf-8", "replace")
        user_id = get_link_user_id(url)
        if user_id is not None:
            entities.append(Entity("text_mention", offset, length, user_id=user_id))
        else:
            checked = check_link(url)
            if checked is not None:
                entities.append(Entity("text_link", offset, length, url=checked))
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "code"
            and last.offset == offset
            and last.length == length
            and last.language
        ):
            last.type = "pre"
        else:
            entities.append(Entity("pre", offset, length))
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last.type == "pre"
            and not last.language
            and last.offset == offset
            and last.length == length
            and argument
        ):
            last.language = argument
        else:
            entities.append(Entity("code", offset, length, language=argument or None))
    elif tag == "blockquote":
        entities.append(Entity("expandable_blockquote" if argument else "blockquote", offset, length))


# --------------------------------------------------------------------------------------------------
# MarkdownV2 and legacy Markdown (tdlib parse_markdown_v2 / parse_markdown)
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _OpenMd:
    kind: str
    argument: str
    offset: int
    byte_offset: int
    begin: int


def _link_entity(kind_offset: int, length: int, url: str) -> Entity | None:
    user_id = get_link_user_id(url)
    if user_id is not None:
        return Entity("text_mention", kind_offset, length, user_id=user_id)
    checked = check_link(url)
    return Entity("text_link", kind_offset, length, url=checked) if checked else None


def parse_markdown_v2(text: str) -> FormattedText:
    """Parse ``parse_mode=MarkdownV2`` exactly like tdlib's ``parse_markdown_v2``."""
    data = _encode(text)
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    def reserved(c: int) -> EntityParseError:
        return EntityParseError(
            f"Character '{chr(c)}' is reserved and must be escaped with the preceding '\\'"
        )

    out = bytearray()
    entities: list[Entity] = []
    stack: list[_OpenMd] = []
    utf16 = 0
    have_blockquote = False
    can_start_blockquote = True
    i = 0
    while i < n:
        c = data[i]
        if c == ord("\\") and 0 < at(i + 1) <= 126:
            i += 1
            utf16 += 1
            out.append(data[i])
            if data[i] != ord("\r"):
                can_start_blockquote = data[i] == ord("\n")
            i += 1
            continue
        reserved_chars = b"_*[]()~`>#+-=|{}.!\n"
        if stack and stack[-1].kind in ("code", "pre", "pre_code"):
            reserved_chars = b"`"
        if c not in reserved_chars:
            units = _utf16_units(c)
            if units:
                utf16 += units
                if c != ord("\r"):
                    can_start_blockquote = False
            out.append(c)
            i += 1
            continue

        is_end = False
        if stack:
            top_kind = stack[-1].kind
            if have_blockquote and c == ord("\n") and (i + 1 == n or at(i + 1) != ord(">")):
                is_end = True
            elif top_kind == "bold":
                is_end = c == ord("*")
            elif top_kind == "italic":
                is_end = c == ord("_") and at(i + 1) != ord("_")
            elif top_kind == "code":
                is_end = c == ord("`")
            elif top_kind in ("pre", "pre_code"):
                is_end = c == ord("`") and at(i + 1) == ord("`") and at(i + 2) == ord("`")
            elif top_kind in ("text_link", "custom_emoji"):
                is_end = c == ord("]")
            elif top_kind == "underline":
                is_end = c == ord("_") and at(i + 1) == ord("_")
            elif top_kind == "strikethrough":
                is_end = c == ord("~")
            elif top_kind == "spoiler":
                is_end = c == ord("|") and at(i + 1) == ord("|")

        if not is_end:
            kind: str | None = None
            argument = ""
            byte_offset = i
            if c == ord("_"):
                if at(i + 1) == ord("_"):
                    kind = "underline"
                    i += 1
                else:
                    kind = "italic"
            elif c == ord("*"):
                kind = "bold"
            elif c == ord("~"):
                kind = "strikethrough"
            elif c == ord("|"):
                if at(i + 1) != ord("|"):
                    raise reserved(c)
                i += 1
                kind = "spoiler"
            elif c == ord("["):
                kind = "text_link"
            elif c == ord("`"):
                if at(i + 1) == ord("`") and at(i + 2) == ord("`"):
                    i += 3
                    kind = "pre"
                    language_end = i
                    while not _is_space(at(language_end)) and at(language_end) != ord("`"):
                        language_end += 1
                    if i != language_end and language_end < n and at(language_end) != ord("`"):
                        kind = "pre_code"
                        argument = _show(data[i:language_end])
                        i = language_end
                    if at(i) in b"\n\r":
                        if at(i + 1) in b"\n\r" and at(i) != at(i + 1):
                            i += 2
                        else:
                            i += 1
                    i -= 1
                else:
                    kind = "code"
            elif c == ord("!"):
                if at(i + 1) != ord("["):
                    raise reserved(c)
                i += 1
                kind = "custom_emoji"
            elif c == ord("\n"):
                utf16 += 1
                out.append(c)
                can_start_blockquote = True
            elif c == ord(">"):
                if not can_start_blockquote:
                    raise reserved(c)
                if not have_blockquote:
                    kind = "blockquote"
                    have_blockquote = True
            else:
                raise reserved(c)
            if kind is not None:
                stack.append(_OpenMd(kind, argument, utf16, byte_offset, len(out)))
            i += 1
            continue

        # end of an entity
        kind = stack[-1].kind
        if c == ord("\n") and kind != "blockquote":
            top = stack[-1]
            ends_spoiler = kind == "spoiler" and (
                top.byte_offset == i - 2 or (top.byte_offset == i - 3 and out and out[-1] == ord("\r"))
            )
            if not ends_spoiler:
                raise EntityParseError(
                    f"Can't find end of {_TD_NAMES[kind]} entity at byte offset {top.byte_offset}"
                )
            stack.pop()
            kind = stack[-1].kind
            if kind != "blockquote":
                raise EntityParseError(
                    f"Can't find end of {_TD_NAMES[kind]} entity at byte offset {stack[-1].byte_offset}"
                )
            kind = "expandable_blockquote"
        top = stack[-1]
        argument = top.argument
        skip = utf16 == top.offset
        new_entity: Entity | None = None
        if kind in ("underline", "spoiler"):
            i += 1
        elif kind in ("pre", "pre_code"):
            i += 2
        elif kind == "text_link":
            if at(i + 1) != ord("("):
                url = out[top.begin :].decode("utf-8", "replace")
            else:
                i += 2
                url_begin = i
                raw = bytearray()
                while i < n and data[i] != ord(")"):
                    if data[i] == ord("\\") and 0 < at(i + 1) <= 126:
                        raw.append(data[i + 1])
                        i += 2
                        continue
                    raw.append(data[i])
                    i += 1
                if at(i) != ord(")"):
                    raise EntityParseError(f"Can't find end of a URL at byte offset {url_begin}")
                url = raw.decode("utf-8", "replace")
            new_entity = _link_entity(top.offset, utf16 - top.offset, url)
            skip = skip or new_entity is None
        elif kind == "custom_emoji":
            if at(i + 1) != ord("("):
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            i += 2
            url_begin = i
            raw = bytearray()
            while i < n and data[i] != ord(")"):
                if data[i] == ord("\\") and 0 < at(i + 1) <= 126:
                    raw.append(data[i + 1])
                    i += 2
                    continue
                raw.append(data[i])
                i += 1
            if at(i) != ord(")"):
                raise EntityParseError(f"Can't find end of a custom emoji URL at byte offset {url_begin}")
            match = re.fullmatch(r"(?i)tg://emoji\?id=([0-9]{1,19})", raw.decode("utf-8", "replace"))
            if not match or int(match.group(1)) == 0:
                raise EntityParseError("Invalid custom emoji identifier specified")
            new_entity = Entity(
                "custom_emoji", top.offset, utf16 - top.offset, custom_emoji_id=match.group(1)
            )
        elif kind in ("blockquote", "expandable_blockquote"):
            have_blockquote = False
            out.append(c)
            can_start_blockquote = True
            utf16 += 1
            skip = False
        if not skip:
            length = utf16 - top.offset
            if new_entity is None:
                if kind == "pre_code":
                    new_entity = Entity("pre", top.offset, length, language=argument)
                else:
                    new_entity = Entity(kind, top.offset, length)
            entities.append(new_entity)
        stack.pop()
        i += 1

    if have_blockquote:
        kind = "blockquote"
        if stack[-1].kind == "spoiler" and stack[-1].byte_offset == n - 2:
            stack.pop()
            kind = "expandable_blockquote"
        if stack[-1].kind == "blockquote":
            top = stack.pop()
            if utf16 != top.offset:
                entities.append(Entity(kind, top.offset, utf16 - top.offset))
    if stack:
        top = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_TD_NAMES[top.kind]} entity at byte offset {top.byte_offset}"
        )
    return FormattedText(out.decode("utf-8", "replace"), _sorted(entities))


def parse_markdown(text: str) -> FormattedText:
    """Parse the legacy ``parse_mode=Markdown`` like tdlib's ``parse_markdown``."""
    data = _encode(text)
    n = len(data)

    def at(i: int) -> int:
        return data[i] if i < n else 0

    out = bytearray()
    entities: list[Entity] = []
    utf16 = 0
    i = 0
    while i < n:
        c = data[i]
        if c == ord("\\") and at(i + 1) in b"_*`[" and at(i + 1) != 0:
            out.append(data[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in b"_*`[":
            utf16 += _utf16_units(c)
            out.append(c)
            i += 1
            continue
        begin = i
        end_char = ord("]") if c == ord("[") else c
        is_pre = False
        language = ""
        i += 1
        if c == ord("`") and at(i) == ord("`") and at(i + 1) == ord("`"):
            i += 2
            is_pre = True
            language_end = i
            while not _is_space(at(language_end)) and at(language_end) != ord("`"):
                language_end += 1
            if i != language_end and language_end < n and at(language_end) != ord("`"):
                language = _show(data[i:language_end])
                i = language_end
            if at(i) in b"\n\r":
                if at(i + 1) in b"\n\r" and at(i) != at(i + 1):
                    i += 2
                else:
                    i += 1
        entity_offset = utf16
        text_begin = len(out)
        while i < n and (
            data[i] != end_char or (is_pre and not (at(i + 1) == ord("`") and at(i + 2) == ord("`")))
        ):
            utf16 += _utf16_units(data[i])
            out.append(data[i])
            i += 1
        if i == n:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {begin}")
        if entity_offset != utf16:
            length = utf16 - entity_offset
            if c == ord("_"):
                entities.append(Entity("italic", entity_offset, length))
            elif c == ord("*"):
                entities.append(Entity("bold", entity_offset, length))
            elif c == ord("["):
                if at(i + 1) != ord("("):
                    url = out[text_begin:].decode("utf-8", "replace")
                else:
                    i += 2
                    raw = bytearray()
                    while i < n and data[i] != ord(")"):
                        raw.append(data[i])
                        i += 1
                    url = raw.decode("utf-8", "replace")
                link = _link_entity(entity_offset, length, url)
                if link is not None:
                    entities.append(link)
            elif is_pre:
                entities.append(Entity("pre", entity_offset, length, language=language or None))
            else:
                entities.append(Entity("code", entity_offset, length))
        if is_pre:
            i += 2
        i += 1
    return FormattedText(out.decode("utf-8", "replace"), _sorted(entities))


# --------------------------------------------------------------------------------------------------
# Automatic entities (tdlib find_entities, simplified URL detection)
# --------------------------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    return ch == "_" or unicodedata.category(ch)[0] in ("L", "N")


def _is_hashtag_letter(ch: str) -> bool:
    o = ord(ch)
    if ch == "_" or o in (0x200C, 0xB7) or 0xD80 <= o <= 0xDFF:
        return True
    cat = unicodedata.category(ch)
    return cat == "Nd" or cat[0] == "L"


_ASCII_WORD = re.compile(r"[A-Za-z0-9_]*")
_TLD_LIST = (
    "com org net edu gov mil int info biz io ai app dev co me tv us uk eu de fr it es nl ru ua by kz pl "
    "cz ch at be se no fi dk ie pt gr tr il in cn jp kr br ar mx ca au nz za news online site tech xyz "
    "ly gl gg to cc ws fm am pro blog page store shop club"
)
_COMMON_TLDS = frozenset(_TLD_LIST.split())
_URL = re.compile(
    r"(?i)\b(?:(?:https?|ftp|tonsite)://[^\s<>\"'`]+"
    r"|(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,12}(?::[0-9]{1,5})?(?:[/?#][^\s<>\"'`]*)?)"
)
_EMAIL = re.compile(r"(?i)(?<![\w.+\-@])[a-z0-9._+\-]+@(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,12}\b")


def _prev(text: str, index: int) -> str:
    return text[index - 1] if index > 0 else ""


def _next(text: str, index: int) -> str:
    return text[index] if index < len(text) else ""


def _match_mentions(text: str) -> list[tuple[int, int]]:
    found = []
    pos = text.find("@")
    while pos != -1:
        prev = _prev(text, pos)
        if prev and _is_word_char(prev):
            pos = text.find("@", pos + 1)
            continue
        match = _ASCII_WORD.match(text, pos + 1)
        assert match is not None
        end = match.end()
        size = end - pos - 1
        nxt = _next(text, end)
        name = text[pos + 1 : end]
        if (
            2 <= size <= 32
            and not (nxt and _is_word_char(nxt))
            and (size >= 4 or name.lower() in ("gif", "vid", "pic"))
        ):
            found.append((pos, end))
        pos = text.find("@", max(end, pos + 1))
    return found


def _match_bot_commands(text: str) -> list[tuple[int, int]]:
    found = []
    pos = text.find("/")
    while pos != -1:
        prev = _prev(text, pos)
        if prev and (_is_word_char(prev) or prev in "/<>"):
            pos = text.find("/", pos + 1)
            continue
        match = _ASCII_WORD.match(text, pos + 1)
        assert match is not None
        end = match.end()
        ok = 1 <= end - pos - 1 <= 64
        if ok and _next(text, end) == "@":
            mention = _ASCII_WORD.match(text, end + 1)
            assert mention is not None
            ok = 3 <= mention.end() - end - 1 <= 32
            end = mention.end()
        nxt = _next(text, end)
        if ok and not (nxt and (_is_word_char(nxt) or nxt in "/<>")):
            found.append((pos, end))
        pos = text.find("/", max(end, pos + 1))
    return found


def _match_hashtags(text: str) -> list[tuple[int, int]]:
    found = []
    pos = text.find("#")
    while pos != -1:
        prev = _prev(text, pos)
        if prev and _is_hashtag_letter(prev):
            pos = text.find("#", pos + 1)
            continue
        end = pos + 1
        while end < len(text) and _is_hashtag_letter(text[end]):
            end += 1
        body = text[pos + 1 : end]
        cut = pos + 1 + min(len(body), 256)
        if body and _next(text, end) != "#" and any(unicodedata.category(ch)[0] == "L" for ch in body[:256]):
            found.append((pos, cut))
        pos = text.find("#", max(end, pos + 1))
    return found


def _match_cashtags(text: str) -> list[tuple[int, int]]:
    found = []
    for match in re.finditer(r"\$(1INCH|[A-Z]{1,8})", text):
        start, end = match.span()
        prev, nxt = _prev(text, start), _next(text, end)
        if prev and (_is_hashtag_letter(prev) or prev == "$"):
            continue
        if nxt and (_is_hashtag_letter(nxt) or nxt == "$"):
            continue
        found.append((start, end))
    return found


def _trim_url(url: str) -> str:
    balance = {"(": 0, "[": 0, "{": 0}
    closing = {")": "(", "]": "[", "}": "{"}
    for index, ch in enumerate(url):
        if ch in balance:
            balance[ch] += 1
        elif ch in closing:
            balance[closing[ch]] -= 1
            if balance[closing[ch]] < 0:
                url = url[:index]
                break
    while url and url[-1] in ".:;,('?!`":
        url = url[:-1]
    return url


def _match_urls(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for match in _EMAIL.finditer(text):
        found.append((match.start(), match.end(), "email"))
    for match in _URL.finditer(text):
        start = match.start()
        if _prev(text, start) in ("@", ".") and _prev(text, start):
            continue
        url = _trim_url(match.group(0))
        if not url:
            continue
        if "://" not in url:
            host = re.split(r"[:/?#]", url, maxsplit=1)[0]
            if host.rsplit(".", 1)[-1].lower() not in _COMMON_TLDS:
                continue
        found.append((start, start + len(url), "url"))
    return found


def find_entities(text: str) -> list[Entity]:
    """Entities Telegram detects by itself: bot_command, mention, hashtag, cashtag, url, email."""
    spans: list[tuple[int, int, str]] = []
    spans += [(s, e, "mention") for s, e in _match_mentions(text)]
    spans += [(s, e, "bot_command") for s, e in _match_bot_commands(text)]
    spans += [(s, e, "hashtag") for s, e in _match_hashtags(text)]
    spans += [(s, e, "cashtag") for s, e in _match_cashtags(text)]
    spans += _match_urls(text)
    if not spans:
        return []
    # fix_entity_offsets: sort, drop intersecting, convert code point positions to UTF-16
    spans.sort(key=lambda span: (span[0], -(span[1] - span[0]), _PRIORITY[span[2]]))
    kept: list[tuple[int, int, str]] = []
    last_end = 0
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return [Entity(kind, prefix[s], prefix[e] - prefix[s]) for s, e, kind in kept]


# --------------------------------------------------------------------------------------------------
# Normalisation (tdlib fix_formatted_text and friends)
# --------------------------------------------------------------------------------------------------


def _remove_empty(entities: Iterable[Entity]) -> list[Entity]:
    result = []
    for entity in entities:
        if entity.length <= 0:
            continue
        if entity.type == "text_link" and not entity.url:
            continue
        if entity.type == "text_mention" and not entity.user_id:
            continue
        if entity.type == "custom_emoji" and not entity.custom_emoji_id:
            continue
        result.append(entity)
    return result


def _are_entities_valid(entities: Sequence[Entity]) -> bool:
    end_pos = [-1] * len(SPLITTABLE)
    stack: list[Entity] = []
    nested: Counter[str] = Counter()
    for entity in entities:
        while stack and entity.offset >= stack[-1].end:
            nested[stack.pop().kind] -= 1
        if stack:
            kinds = {kind for kind, count in nested.items() if count > 0}
            if entity.end > stack[-1].end or entity.kind in kinds or stack[-1].kind in PRE_KINDS:
                return False
            if entity.kind in PRE_KINDS and kinds - BLOCKQUOTES:
                return False
            if (entity.kind in CONTINUOUS or entity.kind in BLOCKQUOTES) and kinds & CONTINUOUS:
                return False
            if entity.kind in BLOCKQUOTES and kinds & BLOCKQUOTES:
                return False
            if kinds & set(SPLITTABLE):
                return False
        if entity.kind in _SPLIT_INDEX:
            index = _SPLIT_INDEX[entity.kind]
            if end_pos[index] >= entity.offset:
                return False
            end_pos[index] = entity.end
        stack.append(entity)
        nested[entity.kind] += 1
    return True


def _remove_intersecting(entities: Sequence[Entity]) -> list[Entity]:
    """Keep entities that neither intersect nor nest in an earlier kept one."""
    result = []
    last_end = 0
    for entity in entities:
        if entity.offset >= last_end:
            last_end = entity.end
            result.append(entity)
    return result


def _remove_intersecting_blockquote(
    entities: Sequence[Entity], blockquotes: Sequence[Entity]
) -> list[Entity]:
    result = []
    index = 0
    for entity in entities:
        while index < len(blockquotes) and blockquotes[index].end <= entity.offset:
            index += 1
        if index < len(blockquotes):
            quote = blockquotes[index]
            if quote.end < entity.end or entity.offset < quote.offset < entity.end:
                continue
        result.append(entity)
    return result


def _split_entities(entities: Sequence[Entity], others: Sequence[Entity]) -> list[Entity]:
    """Merge same-type splittable entities and split them at the borders of the other entities."""
    count = len(SPLITTABLE)
    begin_pos = [0] * count
    end_pos = [0] * count
    result: list[Entity] = []
    cursor = 0

    def flush(offset: int) -> None:
        for index, kind in enumerate(SPLITTABLE):
            if end_pos[index] != 0 and begin_pos[index] < offset:
                if end_pos[index] <= offset:
                    result.append(Entity(kind, begin_pos[index], end_pos[index] - begin_pos[index]))
                    begin_pos[index] = end_pos[index] = 0
                else:
                    result.append(Entity(kind, begin_pos[index], offset - begin_pos[index]))
                    begin_pos[index] = offset

    def add_entities(end_offset: int) -> None:
        nonlocal cursor
        while cursor < len(entities):
            entity = entities[cursor]
            if entity.offset >= end_offset:
                break
            index = _SPLIT_INDEX[entity.kind]
            if end_pos[index] != 0 and entity.offset <= end_pos[index]:
                end_pos[index] = max(end_pos[index], entity.end)
            else:
                flush(entity.offset)
                begin_pos[index] = entity.offset
                end_pos[index] = entity.end
            cursor += 1
        flush(end_offset)

    stack: list[Entity] = []

    def add_offset(offset: int) -> None:
        while stack and offset >= stack[-1].end:
            old_size = len(result)
            add_entities(stack[-1].end)
            if stack[-1].kind in PRE_KINDS:
                del result[old_size:]
            stack.pop()
        add_entities(offset)

    for other in others:
        add_offset(other.offset)
        stack.append(other)
    add_offset(1 << 62)
    return _sorted(result)


def _resplit(splittable: list[Entity], entities: list[Entity]) -> list[Entity]:
    if not splittable:
        return entities
    split = _split_entities(splittable, entities)
    if not entities:
        return split
    return _sorted(entities + split)


def _fix_entities(entities: list[Entity]) -> list[Entity]:
    entities = _sorted(entities)
    if _are_entities_valid(entities):
        return entities
    continuous: list[Entity] = []
    blockquotes: list[Entity] = []
    splittable: list[Entity] = []
    for entity in entities:
        if entity.kind in _SPLIT_INDEX:
            splittable.append(entity)
        elif entity.kind in BLOCKQUOTES:
            blockquotes.append(entity)
        else:
            continuous.append(entity)
    continuous = _remove_intersecting(continuous)
    if blockquotes:
        blockquotes = _remove_intersecting(blockquotes)
        continuous = _remove_intersecting_blockquote(continuous, blockquotes)
        continuous = _sorted(continuous + blockquotes)
    return _resplit(splittable, continuous)


def _merge_new_entities(entities: list[Entity], new_entities: list[Entity]) -> list[Entity]:
    if not new_entities:
        return entities
    continuous: list[Entity] = []
    blockquotes: list[Entity] = []
    splittable: list[Entity] = []
    for entity in entities:
        if entity.kind in _SPLIT_INDEX:
            splittable.append(entity)
        elif entity.kind in BLOCKQUOTES:
            blockquotes.append(entity)
        else:
            continuous.append(entity)
    new_entities = _remove_intersecting_blockquote(new_entities, blockquotes)
    merged: list[Entity] = []
    index = 0
    for old in continuous:
        while index < len(new_entities) and new_entities[index].end <= old.offset:
            merged.append(new_entities[index])
            index += 1
        merged.append(old)
        while index < len(new_entities) and new_entities[index].offset < old.end:
            index += 1
    merged += new_entities[index:]
    if blockquotes:
        merged = _sorted(merged + blockquotes)
    return _resplit(splittable, merged)


_REMOVED = frozenset({0x0D, 0x0333, 0x033F, 0x030A, *range(0x2028, 0x202F)})
_EMPTY_CHARS = frozenset(
    " \n\t\u00a0\u034f\u115f\u1160\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u202f\u205f\u2060\u2800\u3000\u3164\ufeff\uffa0"
)


def _clean(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Replace control characters by spaces, drop ``\\r`` and a few invisible characters."""
    boundaries = {0}
    removed_at: list[int] = []
    result: list[str] = []
    pos = 0
    for ch in text:
        code = ord(ch)
        width = 2 if code > 0xFFFF else 1
        if code in _REMOVED:
            removed_at.append(pos)
        elif code < 32 and code != 10:
            result.append(" ")
        else:
            result.append(ch)
        pos += width
        boundaries.add(pos)
    total = pos
    if not entities:
        return "".join(result), []
    removed_at.sort()

    def shift(position: int) -> int:
        return position - sum(1 for r in removed_at if r < position)

    fixed = []
    for entity in entities:
        if entity.offset > total:
            raise EntityRangeError(
                f"Entity begins after the end of the text at UTF-16 offset {entity.offset}"
            )
        if entity.end > total:
            raise EntityRangeError(
                f"Entity beginning at UTF-16 offset {entity.offset} ends after the end of the text at UTF-16"
                f" offset {entity.end}"
            )
        if entity.offset not in boundaries:
            raise EntityRangeError("Entity begins in a middle of a UTF-16 symbol")
        if entity.end not in boundaries:
            raise EntityRangeError(
                f"Entity beginning at UTF-16 offset {entity.offset} ends in a middle of a UTF-16 symbol"
            )
        start, end = shift(entity.offset), shift(entity.end)
        fixed.append(replace(entity, offset=start, length=end - start))
    return "".join(result), fixed


def normalize(
    text: str, entities: Sequence[Entity] = (), *, detect: bool = True, allow_empty: bool = False
) -> FormattedText:
    """What Telegram stores for a text with entities (tdlib ``fix_formatted_text``).

    Cleans control characters, drops empty/invalid entities, merges and splits overlapping entities,
    trims leading/trailing spaces and newlines and (``detect``) adds the automatically detected
    entities.  Raises :class:`EmptyTextError` when nothing visible is left.
    """
    _encode(text)
    ents = [replace(entity) for entity in entities]
    for entity in ents:
        if not 0 <= entity.offset <= 1_000_000:
            raise EntityRangeError(f"Receive an entity with incorrect offset {entity.offset}")
        if not 0 <= entity.length <= 1_000_000:
            raise EntityRangeError(f"Receive an entity with incorrect length {entity.length}")
    if ents:
        ents = _fix_entities(_remove_empty(ents))
    cleaned, ents = _clean(text, ents)
    ents = _remove_empty(ents)

    last_pos = -1
    last_utf16 = -1
    pos16 = 0
    for index, ch in enumerate(cleaned):
        width = 2 if ord(ch) > 0xFFFF else 1
        if ch not in " \n":
            last_pos = index
            last_utf16 = pos16 + width - 1
        pos16 += width
    if last_pos == -1:
        if allow_empty:
            return FormattedText("", [])
        raise EmptyTextError("Text must be non-empty")
    if ents:
        ents = _fix_entities(ents)

    # rtrim
    cleaned = cleaned[: last_pos + 1]
    ents = [entity for entity in ents if entity.offset <= last_utf16]
    for entity in ents:
        if entity.end > last_utf16 + 1:
            entity.length = last_utf16 + 1 - entity.offset
    ents = _sorted(ents)
    # ltrim (never past the first entity)
    first_entity = ents[0].offset if ents else len(cleaned)
    strip = 0
    while strip < first_entity and strip < len(cleaned) and cleaned[strip] in " \n":
        strip += 1
    if strip:
        cleaned = cleaned[strip:]
        for entity in ents:
            entity.offset -= strip
    if all(ch in _EMPTY_CHARS for ch in cleaned):
        if allow_empty:
            return FormattedText("", [])
        raise EmptyTextError("Text must be non-empty")
    if detect:
        ents = _merge_new_entities(ents, find_entities(cleaned))
    return FormattedText(cleaned, ents)


PARSE_MODES = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}


def parse_text(
    text: str,
    parse_mode: str | None = None,
    *,
    entities: Sequence[JSONDict] | None = None,
    strict: bool = False,
    detect: bool = True,
) -> FormattedText:
    """The whole Bot API pipeline for a message text: parse, then :func:`normalize`.

    ``parse_mode`` is ``HTML``, ``MarkdownV2``, ``Markdown`` (case-insensitive) or ``None``; when
    it is set, ``entities`` are ignored like in the Bot API.  Unknown modes raise ``ValueError``.
    """
    mode = (parse_mode or "").strip().lower()
    if mode and mode != "none":
        if mode not in PARSE_MODES:
            raise ValueError(f"unsupported parse_mode {parse_mode!r}")
        parser = {"html": lambda t: parse_html(t, strict=strict), "markdownv2": parse_markdown_v2}.get(
            mode, parse_markdown
        )
        parsed = parser(text)
        return normalize(parsed.text, parsed.entities, detect=detect)
    explicit = [Entity.from_api(entity) for entity in entities or ()]
    return normalize(text, explicit, detect=detect)


# --------------------------------------------------------------------------------------------------
# Back to HTML
# --------------------------------------------------------------------------------------------------


def _tags(entity: Entity) -> tuple[str, str] | None:
    simple = {
        "bold": "b",
        "italic": "i",
        "underline": "u",
        "strikethrough": "s",
        "spoiler": "tg-spoiler",
        "code": "code",
        "blockquote": "blockquote",
    }
    if entity.type in simple:
        name = simple[entity.type]
        return f"<{name}>", f"</{name}>"
    if entity.type == "pre":
        if entity.language:
            return f'<pre><code class="language-{html.escape(entity.language)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if entity.type == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    if entity.type == "text_link":
        return f'<a href="{html.escape(entity.url or "")}">', "</a>"
    if entity.type == "text_mention":
        return f'<a href="tg://user?id={entity.user_id}">', "</a>"
    if entity.type == "custom_emoji":
        return f'<tg-emoji emoji-id="{entity.custom_emoji_id}">', "</tg-emoji>"
    if entity.type == "date_time":
        fmt = f' format="{entity.date_time_format}"' if entity.date_time_format else ""
        return f'<tg-time unix="{entity.unix_time}"{fmt}>', "</tg-time>"
    return None


def entities_to_html(text: str, entities: Iterable[Entity | JSONDict]) -> str:
    """Render text + entities as Telegram HTML (crossing entities are closed and reopened).

    Detected entities (commands, mentions, URLs...) produce no markup.
    """
    ents = [e if isinstance(e, Entity) else Entity.from_api(e) for e in entities]
    tagged = [(entity, tags) for entity in _sorted(ents) if (tags := _tags(entity)) is not None]
    units = text.encode("utf-16-le", "surrogatepass")
    total = len(units) // 2
    points = sorted({0, total, *(e.offset for e, _ in tagged), *(e.end for e, _ in tagged)})
    out: list[str] = []
    stack: list[tuple[Entity, tuple[str, str]]] = []
    for index, point in enumerate(points):
        # close everything down to the deepest entity ending here, reopen the rest
        deepest = next((k for k, (e, _) in enumerate(stack) if e.end <= point), None)
        reopen: list[tuple[Entity, tuple[str, str]]] = []
        if deepest is not None:
            while len(stack) > deepest:
                entry = stack.pop()
                out.append(entry[1][1])
                if entry[0].end > point:
                    reopen.append(entry)
        starting = [(e, t) for e, t in tagged if e.offset == point and e.length > 0]
        for entry in sorted(reopen + starting, key=lambda item: (-item[0].end, item[0].sort_key())):
            out.append(entry[1][0])
            stack.append(entry)
        if index + 1 < len(points):
            chunk = units[2 * point : 2 * points[index + 1]].decode("utf-16-le", "surrogatepass")
            out.append(html.escape(chunk, quote=False))
    while stack:
        out.append(stack.pop()[1][1])
    return "".join(out)
