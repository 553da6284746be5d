"""The bot's own membership: blocked by a user, removed from a group or channel → the digest there
is paused at once (instead of failing with 403 on the next delivery)."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.calls import call
from bot.context import BotContext

log = logging.getLogger(__name__)
GONE = {ChatMember.LEFT, ChatMember.BANNED}  # BANNED is "kicked"; for a private chat, blocked


async def my_status(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None or change.new_chat_member.status not in GONE:
        return
    status = change.new_chat_member.status
    if await call(context.subscriptions.unsubscribe, change.chat.id):
        log.info("digest paused in chat %s: the bot is %s there", change.chat.id, status)


HANDLERS = [ChatMemberHandler(my_status, ChatMemberHandler.MY_CHAT_MEMBER)]
