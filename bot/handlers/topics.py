"""/topics and /sources."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import topics_keyboard
from bot.replies import reply_messages
from briefings.render import split_messages


async def topics(update: Update, context: BotContext) -> None:
    lines = [
        f"<code>{html.escape(slug)}</code> — {html.escape(label)}" for slug, label in context.service.topics()
    ]
    text = "<b>Topics</b>\n" + "\n".join(lines) + "\n\nUse /brief &lt;topic&gt; or press a button."
    await reply_messages(update, split_messages(text), topics_keyboard(context.service.topics()))


async def sources(update: Update, context: BotContext) -> None:
    rows = await call(context.service.sources)
    if not rows:
        await reply_messages(update, ["No articles yet."])
        return
    lines = [f"• {html.escape(name)} — {n} article{'s' if n != 1 else ''}" for name, n in rows]
    await reply_messages(update, split_messages("<b>Sources</b>\n" + "\n".join(lines)))


HANDLERS = [CommandHandler("topics", topics), CommandHandler("sources", sources)]
