"""/topics [beat], /beats and /sources."""

from __future__ import annotations

import datetime as dt
import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.keyboards import beats_keyboard, topics_keyboard
from bot.replies import reply_messages
from briefings.printable import printable
from briefings.render import split_messages
from briefings.service.polling import SourceHealth


async def topics(update: Update, context: BotContext) -> None:
    beat, _ = context.beats.split_args(list(context.args or []))
    chosen = context.beats.check(beat)
    lines = [f"<code>{html.escape(slug)}</code> — {html.escape(label)}" for slug, label in chosen.topics]
    text = "<b>Topics</b>\n" + "\n".join(lines) + "\n\nUse /brief &lt;topic&gt; or press a button."
    if chosen.slug != context.beats.default.slug:
        text = (
            f"<b>{html.escape(chosen.name)}</b>: "
            + text
            + f" (with the beat: /brief {chosen.slug} &lt;topic&gt;)"
        )
    other = None if chosen.slug == context.beats.default.slug else chosen.slug
    await reply_messages(update, split_messages(text), topics_keyboard(chosen.topics, beat=other))


async def beats(update: Update, context: BotContext) -> None:
    """The beats this bot follows, each with a button to its brief."""
    listed = await call(context.reading.beat_list)
    lines = [
        f"• <b>{html.escape(b.name)}</b> (<code>{html.escape(b.slug)}</code>): {html.escape(b.parties_text)};"
        f" {b.articles} article{'s' if b.articles != 1 else ''}"
        for b in listed
    ]
    text = "<b>Beats</b>\n" + "\n".join(lines) + "\n\n/brief &lt;beat&gt; [topic], /subscribe … &lt;beat&gt;"
    keyboard = beats_keyboard([(b.slug, b.name) for b in listed], default=context.beats.default.slug)
    await reply_messages(update, split_messages(text), keyboard)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%d %b %H:%M UTC") if value is not None else "—"


def _polled_line(source: SourceHealth) -> str:
    """One polled source: its state, entries seen and next poll (escaped)."""
    if source.failures and source.failing_since is not None:
        state = f"failing since {_when(source.failing_since)} ({source.last_error or '?'})"
    elif source.last_success is not None:
        state = f"ok {_when(source.last_success)}"
    else:
        state = "not polled yet"
    seen = f"{source.entries_seen} entries; next {_when(source.next_poll)}"
    text = f"{printable(source.url)[:200]} — {state[:200]}; {seen}"
    return "• " + html.escape(text)


async def sources(update: Update, context: BotContext) -> None:
    """The outlets with their articles, then the polled sources with their health."""
    rows = await call(context.reading.sources)
    polled = await call(context.ingestion.source_health)
    if not rows and not polled:
        await reply_messages(update, ["No articles yet."])
        return
    lines = [f"• {html.escape(name)} — {n} article{'s' if n != 1 else ''}" for name, n in rows]
    text = "<b>Sources</b>\n" + ("\n".join(lines) if lines else "No articles yet.")
    if polled:
        text += "\n\n<b>Polled</b>\n" + "\n".join(_polled_line(s) for s in polled)
    await reply_messages(update, split_messages(text))


HANDLERS = [
    CommandHandler("topics", topics),
    CommandHandler("beats", beats),
    CommandHandler("sources", sources),
]
