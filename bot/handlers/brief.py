"""/brief [topic], the topic keyboard, and /timeline [topic]."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import BRIEF, WHOLE_BEAT, marked_data, parse_callback, topics_keyboard
from bot.replies import answer, edit_into, reply_messages


def _topic_arg(context: BotContext) -> str | None:
    return " ".join(context.args).strip() or None if context.args else None


async def brief(update: Update, context: BotContext) -> None:
    topic = _topic_arg(context)
    messages = await call(context.service.brief_messages, topic)
    slug = context.service.check_topic(topic) or WHOLE_BEAT
    await reply_messages(update, messages, topics_keyboard(context.service.topics(), current=slug))


async def brief_button(update: Update, context: BotContext) -> None:
    """Edit the pressed message into that topic's brief (an unknown topic is answered on the button)."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    value = parsed[1] if parsed else WHOLE_BEAT
    message = query.message
    if isinstance(message, Message) and marked_data(message.reply_markup) == query.data:
        await answer(query, "Already shown.")
        return
    topic = None if value == WHOLE_BEAT else value
    messages = await call(context.service.brief_messages, topic)
    await answer(query)
    await edit_into(update, messages, topics_keyboard(context.service.topics(), current=value))


async def timeline(update: Update, context: BotContext) -> None:
    messages = await call(context.service.timeline_messages, _topic_arg(context))
    await reply_messages(update, messages)


HANDLERS = [
    CommandHandler("brief", brief),
    CommandHandler("timeline", timeline),
    CallbackQueryHandler(brief_button, pattern=f"^{BRIEF}:"),
]
