"""/subscribe, /unsubscribe and /settings. In groups, only the group's admins may change the digest."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.replies import reply_messages
from briefings.service.subscribing import SubscriptionInfo

ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def _may_change(update: Update, context: BotContext) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status in ADMIN_STATUSES:
        return True
    await reply_messages(update, ["Only this group's admins can change its digest."])
    return False


def describe(info: SubscriptionInfo) -> str:
    topics = ", ".join(info.topics) if info.topics else "all topics"
    if info.beat:
        topics = f"{info.beat}: {topics}"
    state = "" if info.active else " (paused: /subscribe to resume)"
    return (
        f"Daily digest at <b>{info.local_time}</b> {html.escape(info.timezone)} time, "
        f"{html.escape(topics)}{state}."
    )


async def subscribe(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or not await _may_change(update, context):
        return
    info = await call(context.subscriptions.subscribe, chat.id, chat.type, list(context.args or []))
    await reply_messages(update, [f"Subscribed. {describe(info)}\n/unsubscribe stops it."])


async def unsubscribe(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or not await _may_change(update, context):
        return
    stopped = await call(context.subscriptions.unsubscribe, chat.id)
    await reply_messages(
        update, ["Unsubscribed: no more digests here." if stopped else "You have no digest to stop."]
    )


async def settings(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    info = await call(context.subscriptions.subscription, chat.id)
    if info is None:
        text = "No digest here yet. Try <code>/subscribe 08:00 Asia/Kolkata</code>."
    else:
        text = describe(info)
    await reply_messages(update, [text])


HANDLERS = [
    CommandHandler("subscribe", subscribe),
    CommandHandler("unsubscribe", unsubscribe),
    CommandHandler("settings", settings),
]
