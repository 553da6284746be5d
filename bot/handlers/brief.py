"""/brief [beat] [topic]: the first screen with a button per section; the section buttons (paged,
with a way back), the beat and topic keyboards, and /timeline [beat] [topic]."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import (
    BRIEF,
    SCREEN,
    TOPICS,
    WHOLE_BEAT,
    beats_keyboard,
    marked_data,
    parse_brief_value,
    parse_callback,
    parse_screen,
    screen_keyboard,
    topics_keyboard,
)
from bot.replies import answer, edit_into, reply_messages
from briefings.render import SECTIONS
from briefings.service.reading import Screen

STALE = "The briefing has changed since: this is the current one."


def keyboard_of(context: BotContext, screen: Screen) -> InlineKeyboardMarkup:
    index = context.beats.slugs.index(screen.beat)
    return screen_keyboard(
        SECTIONS,
        version=screen.version,
        beat=index,
        topic=screen.topic,
        section=screen.section,
        page=screen.page,
        pages=screen.pages,
    )


async def brief(update: Update, context: BotContext) -> None:
    beats = context.beats
    args = list(context.args or [])
    if not args and len(beats) > 1:
        choices = [(b.slug, b.name) for b in beats]
        await reply_messages(
            update, ["<b>Which beat?</b>"], beats_keyboard(choices, default=beats.default.slug)
        )
        return
    beat, topic = beats.split_args(args)
    beats.check_topic(topic, beat)
    screen = await call(context.reading.screen, beat, topic)
    await reply_messages(update, [screen.text], keyboard_of(context, screen))


async def screen_button(update: Update, context: BotContext) -> None:
    """A section, a page of it, or the way back: the pressed message becomes it. A button from
    before the picture changed says so and shows the current data."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    target = parse_screen(parsed[1]) if parsed else None
    beats = context.beats.all
    if target is None or target[1] >= len(beats):
        await answer(query, "This button no longer works: send /brief.")
        return
    version, index, section, page, topic = target
    beat = beats[index].slug
    current = await call(context.reading.current_version, beat)
    stale = version != current
    screen = await call(context.reading.screen, beat, topic, section, 1 if stale else page)
    await answer(query, STALE if stale else None)
    await edit_into(update, [screen.text], keyboard_of(context, screen))


async def brief_button(update: Update, context: BotContext) -> None:
    """A beat or topic button: the pressed message becomes that first screen."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    beat, value = parse_brief_value(parsed[1] if parsed else WHOLE_BEAT)
    message = query.message
    if isinstance(message, Message) and marked_data(message.reply_markup) == query.data:
        await answer(query, "Already shown.")
        return
    topic = None if value == WHOLE_BEAT else value
    context.beats.check_topic(topic, beat)
    screen = await call(context.reading.screen, beat, topic)
    await answer(query)
    await edit_into(update, [screen.text], keyboard_of(context, screen))


async def topics_button(update: Update, context: BotContext) -> None:
    """The topics of the beat, each a button to its own first screen."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    beats = context.beats.all
    index = int(parsed[1]) if parsed and parsed[1].isdigit() and int(parsed[1]) < len(beats) else 0
    chosen = beats[index]
    other = None if index == 0 else chosen.slug
    await answer(query)
    text = f"<b>{html.escape(chosen.title, quote=False)}</b> · topics"
    await edit_into(update, [text], topics_keyboard(chosen.topics, beat=other))


async def timeline(update: Update, context: BotContext) -> None:
    beat, topic = context.beats.split_args(list(context.args or []))
    messages = await call(context.reading.timeline_messages, topic, beat)
    await reply_messages(update, messages)


HANDLERS = [
    CommandHandler("brief", brief),
    CommandHandler("timeline", timeline),
    CallbackQueryHandler(brief_button, pattern=f"^{BRIEF}:"),
    CallbackQueryHandler(screen_button, pattern=f"^{SCREEN}:"),
    CallbackQueryHandler(topics_button, pattern=f"^{TOPICS}:"),
]
