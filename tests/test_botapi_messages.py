"""Messages through the local Bot API server (testing/botapi): HTML and MarkdownV2 parse modes,
length limits, inline keyboards, edits, deletes, replies and threads, checked through the real
python-telegram-bot client."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest

from testing.botapi import BotApiServer
from tests.botapi_support import NO_LIMITS, client


async def test_html_is_parsed_into_text_and_entities() -> None:
    async with BotApiServer() as server, client(server) as bot:
        server.add_user(42, started=True)
        message = await bot.send_message(
            42,
            '<b>Brief</b> for <i>today</i> 😀 <a href="https://example.com">more</a> &amp; /brief',
            parse_mode="HTML",
        )
        assert message.text == "Brief for today 😀 more & /brief"
        assert [(e.type, e.offset, e.length) for e in message.entities] == [
            ("bold", 0, 5),
            ("italic", 10, 5),
            ("text_link", 19, 4),
            ("bot_command", 26, 6),
        ]
        assert message.entities[2].url == "https://example.com/"
        assert message.parse_entity(message.entities[2]) == "more"
        assert (
            message.text_html
            == '<b>Brief</b> for <i>today</i> 😀 <a href="https://example.com/">more</a> &amp; /brief'
        )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>bold", "can't parse entities: can't find end tag corresponding to start tag \"b\""),
        ("a <br> b", 'can\'t parse entities: unsupported start tag "br" at byte offset 2'),
        ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'unescaped "&" at byte offset 4'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
        ("Привет <x>", 'unsupported start tag "x" at byte offset 13'),  # byte, not character, offset
        ("<b></b>", "message text is empty"),
        ("   ", "message text is empty"),
    ],
)
async def test_invalid_html_is_rejected_like_telegram(text: str, error: str) -> None:
    async with BotApiServer() as server, client(server) as bot:
        server.add_user(42, started=True)
        with pytest.raises(BadRequest) as info:
            await bot.send_message(42, text, parse_mode="HTML")
        assert error in info.value.message.lower()
        assert server.stats.messages_delivered == 0


async def test_markdown_v2_errors() -> None:
    async with BotApiServer() as server, client(server) as bot:
        server.add_user(42, started=True)
        with pytest.raises(BadRequest, match="reserved and must be escaped"):
            await bot.send_message(42, "Done.", parse_mode="MarkdownV2")
        message = await bot.send_message(42, r"*Done*\.", parse_mode="MarkdownV2")
        assert (message.text, message.entities[0].type) == ("Done.", "bold")


async def test_message_length_counts_utf16_units_after_parsing() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        server.add_user(42, started=True)
        await bot.send_message(42, "😀" * 2048)  # 2048 characters, 4096 UTF-16 units
        await bot.send_message(42, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")  # tags don't count
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(42, "😀" * 2048 + "!")
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(42, "a" * 4097)


async def test_inline_keyboard_validation() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        server.add_user(42, started=True)

        def keyboard(*data: str) -> InlineKeyboardMarkup:
            return InlineKeyboardMarkup([[InlineKeyboardButton(d[:10], callback_data=d)] for d in data])

        await bot.send_message(42, "ok", reply_markup=keyboard("x" * 64))
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(42, "too long", reply_markup=keyboard("x" * 65))
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(42, "bytes, not chars", reply_markup=keyboard("é" * 33))
        with pytest.raises(BadRequest, match="Reply markup is too long"):
            await bot.send_message(42, "101", reply_markup=keyboard(*(str(i) for i in range(101))))
        with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
            await bot.send_message(
                42, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("no action")]])
            )
        assert server.calls_to("sendMessage")[0].params["reply_markup"] == {
            "inline_keyboard": [[{"text": "xxxxxxxxxx", "callback_data": "x" * 64}]]
        }


async def test_edit_and_delete_errors() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        server.add_user(42, started=True)
        message = await bot.send_message(42, "<b>Brief</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("<b>Brief</b>", 42, message.message_id, parse_mode="HTML")
        edited = await bot.edit_message_text("Brief", 42, message.message_id)  # entities differ
        assert isinstance(edited, Message) and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", 42, 999)
        user_message = server.user_sends(42, "mine")
        with pytest.raises(BadRequest, match="Message can't be edited"):
            await bot.edit_message_text("x", 42, user_message["message_id"])
        assert await bot.delete_message(42, message.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(42, message.message_id)
        assert server.messages(42) == []
        assert [e.before["text"] for e in server.edits(42)] == ["Brief"]


async def test_replies_threads_and_link_previews() -> None:
    async with BotApiServer(limits=NO_LIMITS) as server, client(server) as bot:
        forum = -1000000000042
        server.add_group(forum, "Forum", is_forum=True)
        question = server.user_sends(5, "When is the summit?", chat=forum, message_thread_id=3)
        answer = await bot.send_message(
            forum,
            "Tuesday",
            reply_parameters=ReplyParameters(question["message_id"]),
            message_thread_id=3,
            disable_web_page_preview=True,
        )
        assert answer.reply_to_message is not None and answer.reply_to_message.text == "When is the summit?"
        assert answer.message_thread_id == 3 and answer.is_topic_message
        assert answer.link_preview_options is not None and answer.link_preview_options.is_disabled
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(forum, "x", reply_parameters=ReplyParameters(12345))
        await bot.send_message(
            forum, "x", reply_parameters=ReplyParameters(12345, allow_sending_without_reply=True)
        )
