"""Answers for what no other handler takes: a button whose data this version of the bot does not
know (from an older version, or forged) is answered, so that the client stops waiting."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.replies import answer

log = logging.getLogger(__name__)
STALE = "This button no longer works. Send the command again."


async def unknown_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    log.info("answered a button with unknown data from user %s", query.from_user.id)
    await answer(query, STALE, alert=True)


#: registered last: only what the other modules' handlers do not match gets here
HANDLERS = [CallbackQueryHandler(unknown_button)]
