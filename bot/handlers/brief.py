"""/brief [beat] [topic], the beat and topic keyboards, and /timeline [beat] [topic]."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import (
    BRIEF,
    WHOLE_BEAT,
    beats_keyboard,
    marked_data,
    parse_brief_value,
    parse_callback,
    topics_keyboard,
)
from bot.replies import answer, edit_into, reply_messages


def keyboard(context: BotContext, beat: str | None, current: str) -> InlineKeyboardMarkup:
    """The topics of ``beat`` (None: the default one), ``current`` marked."""
    slug = context.service.check_beat(beat).slug
    other = None if slug == context.service.beat.slug else slug
    return topics_keyboard(context.service.topics(slug), current=current, beat=other)


async def brief(update: Update, context: BotContext) -> None:
    service = context.service
    args = list(context.args or [])
    if not args and len(service.beats) > 1:
        beats = [(b.slug, b.name) for b in service.beats]
        await reply_messages(update, ["<b>Which beat?</b>"], beats_keyboard(beats, default=service.beat.slug))
        return
    beat, topic = service.beat_and_rest(args)
    messages = await call(service.brief_messages, topic, None, beat)
    slug = service.check_topic(topic, beat) or WHOLE_BEAT
    await reply_messages(update, messages, keyboard(context, beat, slug))


async def brief_button(update: Update, context: BotContext) -> None:
    """Edit the pressed message into that topic's brief (an unknown topic is answered on the button)."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    beat, value = parse_brief_value(parsed[1] if parsed else WHOLE_BEAT)
    message = query.message
    if isinstance(message, Message) and marked_data(message.reply_markup) == query.data:
        await answer(query, "Already shown.")
        return
    topic = None if value == WHOLE_BEAT else value
    messages = await call(context.service.brief_messages, topic, None, beat)
    await answer(query)
    await edit_into(update, messages, keyboard(context, beat, value))


async def timeline(update: Update, context: BotContext) -> None:
    beat, topic = context.service.beat_and_rest(list(context.args or []))
    messages = await call(context.service.timeline_messages, topic, beat)
    await reply_messages(update, messages)


HANDLERS = [
    CommandHandler("brief", brief),
    CommandHandler("timeline", timeline),
    CallbackQueryHandler(brief_button, pattern=f"^{BRIEF}:"),
]
