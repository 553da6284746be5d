"""/brief [topic], the topic keyboard, and /timeline [topic]."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import BRIEF, parse_callback, topics_keyboard
from bot.replies import edit_into, reply_messages


def _topic_arg(context: BotContext) -> str | None:
    return " ".join(context.args).strip() or None if context.args else None


async def brief(update: Update, context: BotContext) -> None:
    topic = _topic_arg(context)
    messages = await call(context.service.brief_messages, topic)
    slug = context.service.check_topic(topic)
    await reply_messages(update, messages, topics_keyboard(context.service.topics(), current=slug))


async def brief_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    value = parsed[1] if parsed else "*"
    topic = None if value == "*" else value
    try:
        messages = await call(context.service.brief_messages, topic)
    except Exception:
        await query.answer("That topic is no longer available.", show_alert=False)
        raise
    await query.answer()
    await edit_into(update, messages, topics_keyboard(context.service.topics(), current=topic))


async def timeline(update: Update, context: BotContext) -> None:
    messages = await call(context.service.timeline_messages, _topic_arg(context))
    await reply_messages(update, messages)


HANDLERS = [
    CommandHandler("brief", brief),
    CommandHandler("timeline", timeline),
    CallbackQueryHandler(brief_button, pattern=f"^{BRIEF}:"),
]
