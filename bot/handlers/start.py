"""/start (with deep-link payloads such as ``brief_rare-earths``) and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.handlers.brief import keyboard_of
from bot.replies import reply_messages

HELP = """<b>Commands</b>
/brief [beat] [topic] — the briefing on the whole beat or one topic
/who &lt;name&gt; — a profile: titles, quotes, actions
/topics [beat] — the topics of a beat
/beats — the beats this bot follows
/timeline [beat] [topic] — dated events
/sources — outlets in the briefing
/subscribe [HH:MM] [Area/City] [beat] [topics…] — a daily digest at your local time
/unsubscribe — stop the digest
/settings — your digest settings
/help — this list"""


async def start(update: Update, context: BotContext) -> None:
    payload = context.args[0] if context.args else ""
    if payload.startswith("brief_"):
        topic = context.beats.check_topic(payload.removeprefix("brief_") or None)
        screen = await call(context.reading.screen, None, topic)
        await reply_messages(update, [screen.text], keyboard_of(context, screen))
        return
    if payload.startswith("who_"):
        _result, messages = await call(
            context.reading.who_messages, payload.removeprefix("who_").replace("_", " ")
        )
        await reply_messages(update, messages)
        return
    beat = context.beats.default.title
    await reply_messages(update, [f"Welcome to the <b>{_escape(beat)}</b> bot.\n\n{HELP}"])


async def help_command(update: Update, context: BotContext) -> None:
    await reply_messages(update, [HELP])


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


HANDLERS = [CommandHandler("start", start), CommandHandler("help", help_command)]
