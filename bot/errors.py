"""The one error handler: domain errors become a short reply; anything else is logged, and the user told."""

from __future__ import annotations

import html
import logging
import re

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.context import BotContext
from briefings.errors import BriefingsError

log = logging.getLogger(__name__)
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
#: a domain error's message is one line for a user; one that echoes too much input is cut
MAX_ERROR_CHARS = 1000


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, BriefingsError):
        message = str(error)
        if len(message) > MAX_ERROR_CHARS:
            message = message[: MAX_ERROR_CHARS - 1] + "…"
        text = html.escape(message, quote=False)
    elif isinstance(error, BadRequest):
        log.error("Telegram refused a call while handling an update: %s", error.message, exc_info=error)
        text = SORRY
    elif isinstance(error, Forbidden):
        log.info("cannot reply: %s", error)
        return
    elif isinstance(error, NetworkError):
        log.warning("network error while handling an update: %s", error)
        return
    else:
        log.error("unhandled error while handling an update", exc_info=error)
        text = SORRY
    if isinstance(update, Update) and update.callback_query is not None:
        try:  # a button press is answered on the button, not with a new message
            await update.callback_query.answer(_plain(text)[:200], show_alert=True)
        except TelegramError:
            log.info("could not answer the callback query", exc_info=True)
        return
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_html(text, do_quote=True)
        except Exception:  # the reply is best effort; the error is logged above
            log.warning("could not send the error reply", exc_info=True)


def _plain(text: str) -> str:
    """Callback answers are plain text: drop the tags and unescape."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
