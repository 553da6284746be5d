"""/who <name>: a profile, or buttons to choose when several people match."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import WHO, parse_callback, people_keyboard
from bot.replies import answer, edit_into, reply_messages

USAGE = "Usage: /who &lt;name&gt; — for example <code>/who wang</code>. Any alias works, in any case."


async def who(update: Update, context: BotContext) -> None:
    query = " ".join(context.args or []).strip()
    if not query:
        await reply_messages(update, [USAGE])
        return
    result, messages = await call(context.reading.who_messages, query[:200])
    keyboard = people_keyboard([c.name for c in result.candidates]) if result.candidates else None
    await reply_messages(update, messages, keyboard)


async def who_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    name = parsed[1] if parsed else ""
    messages = await call(context.reading.profile_messages, name)
    if messages is None:
        await answer(query, "No profile for that name any more.")
        return
    await answer(query)
    await edit_into(update, messages)


HANDLERS = [CommandHandler("who", who), CallbackQueryHandler(who_button, pattern=f"^{WHO}:")]
