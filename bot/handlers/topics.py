"""/topics [beat], /beats and /sources."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import beats_keyboard, topics_keyboard
from bot.replies import reply_messages
from briefings.render import split_messages


async def topics(update: Update, context: BotContext) -> None:
    beat, _ = context.service.beat_and_rest(list(context.args or []))
    chosen = context.service.check_beat(beat)
    lines = [f"<code>{html.escape(slug)}</code> — {html.escape(label)}" for slug, label in chosen.topics]
    text = "<b>Topics</b>\n" + "\n".join(lines) + "\n\nUse /brief &lt;topic&gt; or press a button."
    if chosen.slug != context.service.beat.slug:
        text = (
            f"<b>{html.escape(chosen.name)}</b>: "
            + text
            + f" (with the beat: /brief {chosen.slug} &lt;topic&gt;)"
        )
    other = None if chosen.slug == context.service.beat.slug else chosen.slug
    await reply_messages(update, split_messages(text), topics_keyboard(chosen.topics, beat=other))


async def beats(update: Update, context: BotContext) -> None:
    """The beats this bot follows, each with a button to its brief."""
    listed = await call(context.service.beat_list)
    lines = [
        f"• <b>{html.escape(b.name)}</b> (<code>{html.escape(b.slug)}</code>): {html.escape(b.parties_text)};"
        f" {b.articles} article{'s' if b.articles != 1 else ''}"
        for b in listed
    ]
    text = "<b>Beats</b>\n" + "\n".join(lines) + "\n\n/brief &lt;beat&gt; [topic], /subscribe … &lt;beat&gt;"
    keyboard = beats_keyboard([(b.slug, b.name) for b in listed], default=context.service.beat.slug)
    await reply_messages(update, split_messages(text), keyboard)


async def sources(update: Update, context: BotContext) -> None:
    rows = await call(context.service.sources)
    if not rows:
        await reply_messages(update, ["No articles yet."])
        return
    lines = [f"• {html.escape(name)} — {n} article{'s' if n != 1 else ''}" for name, n in rows]
    await reply_messages(update, split_messages("<b>Sources</b>\n" + "\n".join(lines)))


HANDLERS = [
    CommandHandler("topics", topics),
    CommandHandler("beats", beats),
    CommandHandler("sources", sources),
]
