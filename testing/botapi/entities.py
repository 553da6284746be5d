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

This module is the pipeline (:func:`parse_text`) and the way back (:func:`entities_to_html`); the
parts are :mod:`~testing.botapi.entity` (entities, errors, links), :mod:`~testing.botapi.html_parser`,
:mod:`~testing.botapi.markdown_parser`, :mod:`~testing.botapi.autodetect` (entities Telegram finds by
itself) and :mod:`~testing.botapi.normalizing` (the entity rules).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from testing.botapi.autodetect import find_entities
from testing.botapi.entity import (
    EmptyTextError,
    Entity,
    EntityParseError,
    EntityRangeError,
    FormattedText,
    JSONDict,
    _sorted,
    check_link,
    entity_text,
    utf16_len,
)
from testing.botapi.html_parser import parse_html
from testing.botapi.markdown_parser import parse_markdown, parse_markdown_v2
from testing.botapi.normalizing import normalize

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
