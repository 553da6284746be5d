"""Sending rendered views: every message in Telegram HTML, threaded to the command in groups."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def reply_messages(
    update: Update, messages: Sequence[str], keyboard: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send the chunks in order; the keyboard goes on the last one. Replies thread to the command."""
    message = update.effective_message
    if message is None:
        return []
    sent: list[Message] = []
    reply_to = ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        sent.append(
            await message.reply_html(
                text,
                reply_parameters=reply_to if index == 0 else None,
                reply_markup=keyboard if last else None,
                link_preview_options=NO_PREVIEW,
            )
        )
    return sent


async def edit_into(
    update: Update, messages: Sequence[str], keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message into the first chunk; send any further chunks after it."""
    query = update.callback_query
    if query is None or not messages:
        return
    first, rest = messages[0], list(messages[1:])
    try:
        await query.edit_message_text(
            first,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if not rest else None,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if "message is not modified" not in exc.message.lower():
            raise
        return  # the button of what is already shown: nothing to do
    target = query.message
    if rest and isinstance(target, Message):
        for index, text in enumerate(rest):
            await target.reply_html(
                text,
                reply_markup=keyboard if index == len(rest) - 1 else None,
                link_preview_options=NO_PREVIEW,
                do_quote=False,
            )


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; a query too old to answer (the user waited, or the bot was down) is
    no reason not to do what was asked."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower() and "query id is invalid" not in exc.message.lower():
            raise
