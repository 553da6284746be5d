"""The entity parser of the local Bot API server (testing/botapi/entities) on its own: HTML and
MarkdownV2 as Telegram parses them, UTF-16 offsets, detected and explicit entities, with hypothesis
properties (escaped text, valid nesting, arbitrary input, stored entities round-tripping)."""

from __future__ import annotations

import datetime as dtm
import html
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from telegram import Chat, Message, MessageEntity
from telegram.helpers import escape_markdown

from testing.botapi.entities import (
    EmptyTextError,
    Entity,
    EntityParseError,
    entities_to_html,
    entity_text,
    normalize,
    parse_html,
    parse_markdown_v2,
    parse_text,
    utf16_len,
)


def spans(entities: Sequence[Entity]) -> list[tuple[str, int, int]]:
    return [(e.type, e.offset, e.length) for e in entities]


def test_parse_html_examples() -> None:
    result = parse_html(
        "<b>b</b><strong>s</strong> <i>i</i><em>e</em> <u>u</u><ins>n</ins>"
        " <s>s</s><strike>k</strike><del>d</del>"
        ' <tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span> <code>c</code>'
        ' <pre><code class="language-python">x = 1</code></pre> <blockquote expandable>bq</blockquote>'
        ' <a href="tg://user?id=42">m</a> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert result.text == "bs ie un skd pq c x = 1 bq m 👍"
    assert spans(result.entities) == [
        ("bold", 0, 1),
        ("bold", 1, 1),
        ("italic", 3, 1),
        ("italic", 4, 1),
        ("underline", 6, 1),
        ("underline", 7, 1),
        ("strikethrough", 9, 1),
        ("strikethrough", 10, 1),
        ("strikethrough", 11, 1),
        ("spoiler", 13, 1),
        ("spoiler", 14, 1),
        ("code", 16, 1),
        ("pre", 18, 5),
        ("expandable_blockquote", 24, 2),
        ("text_mention", 27, 1),
        ("custom_emoji", 29, 2),
    ]
    assert result.entities[12].language == "python"
    assert result.entities[14].user_id == 42
    # normalisation merges adjacent entities of the same type, as Telegram does
    assert spans(normalize(result.text, result.entities).entities)[:3] == [
        ("bold", 0, 2),
        ("italic", 3, 2),
        ("underline", 6, 2),
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ('<a href=x"y">z</a>', "Unexpected end of name token at byte offset 8"),
        ("<a =x>z</a>", 'Empty attribute name in the tag "a" at byte offset 0'),
        ('<span class="x">z</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">z</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("é<x>", 'Unsupported start tag "x" at byte offset 2'),
        ("😀 < 1", 'Unsupported start tag "" at byte offset 5'),
    ],
)
def test_parse_html_errors(source: str, message: str) -> None:
    with pytest.raises(EntityParseError) as info:
        parse_html(source)
    assert str(info.value) == message


def test_strict_mode_only_adds_documented_rules() -> None:
    for source in (
        "Tom & Jerry",
        "&nbsp;",
        '<a href="https://x.org/?a=1&b=2">q</a>',
        "<a>x</a>",
        '<a href="ftp://x.org">f</a>',
    ):
        with pytest.raises(EntityParseError):
            parse_html(source, strict=True)
        parse_html(source)  # Telegram itself accepts these
    assert parse_html("Tom & Jerry &nbsp;").text == "Tom & Jerry &nbsp;"
    assert spans(parse_html('<a href="ftp://x.org">f</a>').entities) == []  # Telegram drops the link
    assert parse_html("<a>https://t.me</a>").entities[0].url == "https://t.me/"  # text used as URL
    assert parse_html("&lt;&gt;&amp;&quot;&#39;&#x1F600;&lt").text == "<>&\"'😀<"


def test_utf16_offsets_and_trimming() -> None:
    result = parse_text("\n  😀 <b>𝄞x</b>\t\r\n", "HTML")
    assert result.text == "😀 𝄞x"
    assert spans(result.entities) == [("bold", 3, 3)]
    assert entity_text(result.text, result.entities[0]) == "𝄞x"
    assert utf16_len(result.text) == 6
    with pytest.raises(EmptyTextError):
        parse_text("<i> \n </i>", "HTML")


def test_nested_entities_are_split_like_telegram() -> None:
    result = parse_text("<b>bold <i>both</i></b> <b>x<code>y</code>z</b>", "HTML")
    assert spans(result.entities) == [
        ("bold", 0, 5),
        ("bold", 5, 4),
        ("italic", 5, 4),
        ("bold", 10, 1),
        ("code", 11, 1),
        ("bold", 12, 1),
    ]


def test_detected_entities() -> None:
    result = parse_text(
        "/brief@BriefBot for @someone #budget $EUR https://example.org/a. and mail@example.org"
    )
    assert [(e.type, entity_text(result.text, e)) for e in result.entities] == [
        ("bot_command", "/brief@BriefBot"),
        ("mention", "@someone"),
        ("hashtag", "#budget"),
        ("cashtag", "$EUR"),
        ("url", "https://example.org/a"),
        ("email", "mail@example.org"),
    ]
    assert parse_text("<code>/not_a_command</code>", "HTML").to_api() == [
        {"offset": 0, "length": 14, "type": "code"}
    ]


def test_explicit_entities_are_validated() -> None:
    ok = parse_text("Hello world", entities=[{"type": "bold", "offset": 6, "length": 5}])
    assert spans(ok.entities) == [("bold", 6, 5)]
    with pytest.raises(ValueError, match="ends after the end of the text"):
        parse_text("Hi", entities=[{"type": "bold", "offset": 0, "length": 5}])
    with pytest.raises(ValueError, match="middle of a UTF-16 symbol"):
        parse_text("😀", entities=[{"type": "bold", "offset": 1, "length": 1}])


def test_markdown_v2_examples() -> None:
    result = parse_markdown_v2(
        r"*b _bi_* __u__ ~s~ ||p|| `c` [l](https://t.me) ```py" + "\nx\n```" + "\n>q\n>r"
    )
    assert result.text == "b bi u s p c l x\n\nq\nr"
    assert spans(result.entities) == [
        ("bold", 0, 4),
        ("italic", 2, 2),
        ("underline", 5, 1),
        ("strikethrough", 7, 1),
        ("spoiler", 9, 1),
        ("code", 11, 1),
        ("text_link", 13, 1),
        ("pre", 15, 2),
        ("blockquote", 18, 3),
    ]
    assert (result.entities[6].url, result.entities[7].language) == ("https://t.me/", "py")
    with pytest.raises(EntityParseError, match="Can't find end of Italic entity at byte offset 0"):
        parse_markdown_v2("_open")
    with pytest.raises(EntityParseError, match="Character '!' is reserved"):
        parse_markdown_v2("Hi!")


# ---- hypothesis ----------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
TAGS: list[tuple[str, str, dict[str, Any]]] = [
    ("b", "bold", {}),
    ("strong", "bold", {}),
    ("i", "italic", {}),
    ("em", "italic", {}),
    ("u", "underline", {}),
    ("ins", "underline", {}),
    ("s", "strikethrough", {}),
    ("del", "strikethrough", {}),
    ("tg-spoiler", "spoiler", {}),
    ('span class="tg-spoiler"', "spoiler", {}),
    ("code", "code", {}),
    ("pre", "pre", {}),
    ("blockquote", "blockquote", {}),
    ("blockquote expandable", "expandable_blockquote", {}),
    ('a href="https://example.com/x?a=1&amp;b=2"', "text_link", {"url": "https://example.com/x?a=1&b=2"}),
    ('a href="tg://user?id=7"', "text_mention", {"user_id": 7}),
    ('tg-emoji emoji-id="5368324170671202286"', "custom_emoji", {"custom_emoji_id": "5368324170671202286"}),
]
Tree = Any  # str | tuple[int, list[Tree]]
TREES = st.recursive(
    TEXT,
    lambda children: st.tuples(st.integers(0, len(TAGS) - 1), st.lists(children, max_size=3)),
    max_leaves=12,
)


def render(tree: Tree, offset: int, entities: list[Entity]) -> tuple[str, str]:
    """(html, plain text) of a tree; appends the entities Telegram must find."""
    if isinstance(tree, str):
        return html.escape(tree, quote=False), tree
    index, children = tree
    tag, kind, extra = TAGS[index]
    html_parts: list[str] = []
    text_parts: list[str] = []
    position = offset
    for child in children:
        child_html, child_text = render(child, position, entities)
        html_parts.append(child_html)
        text_parts.append(child_text)
        position += utf16_len(child_text)
    text = "".join(text_parts)
    if text:
        entities.append(Entity(kind, offset, utf16_len(text), **extra))
    name = tag.split()[0]
    return f"<{tag}>{''.join(html_parts)}</{name}>", text


def key(entity: Entity) -> tuple[Any, ...]:
    return (entity.type, entity.offset, entity.length, entity.url, entity.user_id, entity.custom_emoji_id)


@given(TEXT)
def test_escaped_text_parses_to_itself(text: str) -> None:
    for strict in (False, True):
        assert parse_html(html.escape(text), strict=strict).text == text
        assert parse_html(html.escape(text, quote=False), strict=strict).entities == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TREES, min_size=1, max_size=4))
def test_valid_nesting_round_trips(trees: list[Tree]) -> None:
    expected: list[Entity] = []
    html_parts: list[str] = []
    text_parts: list[str] = []
    for tree in trees:
        tree_html, tree_text = render(tree, utf16_len("".join(text_parts)), expected)
        html_parts.append(tree_html)
        text_parts.append(tree_text)
    parsed = parse_html("".join(html_parts), strict=True)
    assert parsed.text == "".join(text_parts)
    assert sorted(map(key, parsed.entities)) == sorted(map(key, expected))

    # what Telegram stores survives a trip through HTML (ours and python-telegram-bot's)
    try:
        stored = normalize(parsed.text, parsed.entities)
    except EmptyTextError:
        return
    again = parse_html(entities_to_html(stored.text, stored.entities), strict=True)
    assert normalize(again.text, again.entities) == stored
    message = Message(
        1,
        dtm.datetime.now(dtm.UTC),
        Chat(1, Chat.PRIVATE),
        text=stored.text,
        entities=[MessageEntity.de_json(e, None) for e in stored.to_api()],
    )
    via_ptb = parse_html(message.text_html)  # not strict: PTB doesn't escape "&" in href
    assert normalize(via_ptb.text, via_ptb.entities) == stored


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("<>/&;#abiuspreclqtgx=\"' -é😀")), max_size=40))
def test_arbitrary_input_is_parsed_or_rejected_cleanly(source: str) -> None:
    try:
        result = parse_text(source, "HTML")
    except (EntityParseError, EmptyTextError):
        return
    length = utf16_len(result.text)
    assert all(e.offset >= 0 and e.length > 0 and e.end <= length for e in result.entities)
    assert [e.sort_key() for e in result.entities] == sorted(e.sort_key() for e in result.entities)


@given(TEXT)
def test_escaped_markdown_v2_parses_to_itself(text: str) -> None:
    assume("\r" not in text)  # tdlib keeps an escaped \r but the escaper never produces one
    assert parse_markdown_v2(escape_markdown(text, version=2)).text == text


@st.composite
def text_with_entities(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """A text with arbitrary, possibly crossing or nested, explicit entities."""
    text = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20))
    size = utf16_len(text)
    kinds = [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "pre",
        "blockquote",
        "text_link",
    ]
    entities = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, size))
        entity: dict[str, Any] = {
            "type": draw(st.sampled_from(kinds)),
            "offset": start,
            "length": end - start,
        }
        if entity["type"] == "text_link":
            entity["url"] = "https://example.org/a?b=1&c=2"
        elif entity["type"] == "pre" and draw(st.booleans()):
            entity["language"] = "python"
        entities.append(entity)
    return text, entities


@settings(max_examples=200, deadline=None)
@given(text_with_entities())
def test_stored_entities_survive_html(case: tuple[str, list[dict[str, Any]]]) -> None:
    """Whatever entities Telegram keeps (merged, split, trimmed) render to HTML that parses back."""
    text, entities = case
    try:
        stored = parse_text(text, entities=entities)
    except (EmptyTextError, ValueError):
        return  # an entity inside a surrogate pair, or nothing visible
    assert parse_text(entities_to_html(stored.text, stored.entities), "HTML", strict=True) == stored


def test_ptb_text_html_loses_the_code_language() -> None:
    """python-telegram-bot renders ``pre`` with a language as ``class="python"``, which Telegram
    does not read (it wants ``class="language-python"``): round-tripping text_html drops it."""
    stored = parse_text('<pre><code class="language-python">x = 1</code></pre>', "HTML")
    message = Message(
        1,
        dtm.datetime.now(dtm.UTC),
        Chat(1, Chat.PRIVATE),
        text=stored.text,
        entities=[MessageEntity.de_json(e, None) for e in stored.to_api()],
    )
    assert message.text_html == '<pre><code class="python">x = 1</code></pre>'
    assert parse_html(message.text_html).entities[0].language is None
    assert "language-python" in entities_to_html(stored.text, stored.entities)
