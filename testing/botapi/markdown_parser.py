"""MarkdownV2 and legacy Markdown message text, parsed like tdlib's ``parse_markdown_v2`` and
``parse_markdown``. Part of :mod:`testing.botapi.entities`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from testing.botapi.entity import (
    _TD_NAMES,
    Entity,
    EntityParseError,
    FormattedText,
    _sorted,
    check_link,
    get_link_user_id,
)
from testing.botapi.html_parser import _encode, _is_space, _show, _utf16_units

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


def _url_in_parens(data: bytes, begin: int, what: str) -> tuple[str, int]:
    """The URL of ``[text](URL)`` from ``begin`` (after the "("), "\\" escaping the next ASCII
    byte, and the index of its ")"."""
    n, i = len(data), begin
    raw = bytearray()
    while i < n and data[i] != ord(")"):
        if data[i] == ord("\\") and i + 1 < n and 0 < data[i + 1] <= 126:
            raw.append(data[i + 1])
            i += 2
            continue
        raw.append(data[i])
        i += 1
    if i >= n:
        raise EntityParseError(f"Can't find end of {what} at byte offset {begin}")
    return raw.decode("utf-8", "replace"), i


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
                url, i = _url_in_parens(data, i + 2, "a URL")
            new_entity = _link_entity(top.offset, utf16 - top.offset, url)
            skip = skip or new_entity is None
        elif kind == "custom_emoji":
            if at(i + 1) != ord("("):
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            emoji_url, i = _url_in_parens(data, i + 2, "a custom emoji URL")
            match = re.fullmatch(r"(?i)tg://emoji\?id=([0-9]{1,19})", emoji_url)
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
