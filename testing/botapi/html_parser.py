"""HTML message text, parsed like tdlib's ``parse_html`` (same errors, same byte offsets). Part of
:mod:`testing.botapi.entities`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from testing.botapi.entity import (
    _DATE_TIME_FORMAT,
    Entity,
    EntityParseError,
    EntityRangeError,
    FormattedText,
    _sorted,
    check_link,
    get_link_user_id,
)

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
