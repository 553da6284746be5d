"""Entity rules: tdlib's ``fix_formatted_text`` (trimming, merging, splitting and validating
entities, cleaning the text). Part of :mod:`testing.botapi.entities`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from testing.botapi.autodetect import find_entities
from testing.botapi.entity import (
    _SPLIT_INDEX,
    BLOCKQUOTES,
    CONTINUOUS,
    PRE_KINDS,
    SPLITTABLE,
    EmptyTextError,
    Entity,
    EntityRangeError,
    FormattedText,
    _sorted,
)
from testing.botapi.html_parser import _encode

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


def _partition(entities: list[Entity]) -> tuple[list[Entity], list[Entity], list[Entity]]:
    """The entities that may not intersect, the blockquotes, and the splittable ones (bold …)."""
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
    return continuous, blockquotes, splittable


def _fix_entities(entities: list[Entity]) -> list[Entity]:
    entities = _sorted(entities)
    if _are_entities_valid(entities):
        return entities
    continuous, blockquotes, splittable = _partition(entities)
    continuous = _remove_intersecting(continuous)
    if blockquotes:
        blockquotes = _remove_intersecting(blockquotes)
        continuous = _remove_intersecting_blockquote(continuous, blockquotes)
        continuous = _sorted(continuous + blockquotes)
    return _resplit(splittable, continuous)


def _merge_new_entities(entities: list[Entity], new_entities: list[Entity]) -> list[Entity]:
    if not new_entities:
        return entities
    continuous, blockquotes, splittable = _partition(entities)
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
