"""Admin commands (only for BRIEFINGS_ADMIN_IDS): /ingest <url>, /post [beat] [topic], /stats."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.calls import call
from bot.context import BotContext
from bot.replies import reply_messages
from briefings.addresses import is_web_address

log = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
REFUSAL = "Sorry, that command is for the bot's admins."
USAGE = "Usage: /ingest &lt;url&gt; (a page or an RSS/Atom feed)"


def admin_only(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or user.id not in context.settings.admin_ids:
            log.warning(
                "refused /%s from user %s in chat %s: not in BRIEFINGS_ADMIN_IDS",
                handler.__name__,
                user.id if user else None,
                chat.id if chat else None,
            )
            await reply_messages(update, [REFUSAL])
            return
        await handler(update, context)

    return guarded


def for_log(url: str, limit: int = 300) -> str:
    """A URL as logged: without user, password, query or fragment (they may hold secrets), at most
    ``limit`` characters, with control and invisible characters escaped (one log line stays one)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        bare = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:  # a malformed port or address: the part before any query
        bare = url.split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    bare = bare if len(bare) <= limit else bare[: limit - 1] + "…"
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in bare)


@admin_only
async def ingest(update: Update, context: BotContext) -> None:
    url = (context.args or [""])[0].strip()
    if not url:
        await reply_messages(update, [USAGE])
        return
    admin = update.effective_user.id if update.effective_user else None
    if not is_web_address(url):  # not urlsplit: it raises on a malformed URL, which the fetch rejects
        # the service also reads files and folders; from a chat, only the safe fetch of a URL
        log.warning("/ingest by %s: refused %s: not an http(s) URL", admin, for_log(url))
        await reply_messages(update, [f"Only http and https URLs can be ingested from here. {USAGE}"])
        return
    report = await call(context.ingestion.ingest_url, url[:2048])
    log.info("/ingest by %s of %s: %s", admin, for_log(url), report.summary())
    for rejected in report.rejected:  # a private address (unless allowed), a failed fetch, bad content
        log.warning("/ingest by %s: rejected %s: %s", admin, for_log(rejected.source), rejected.reason)
    lines = [html.escape(report.summary())]
    lines += [f"• {html.escape(r.line())}" for r in report.rejected[:10]]
    await reply_messages(update, ["\n".join(lines)])


@admin_only
async def post(update: Update, context: BotContext) -> None:
    channel = context.settings.channel_id
    if not channel:
        await reply_messages(update, ["No channel configured: set BRIEFINGS_CHANNEL_ID."])
        return
    beat, topic = context.beats.split_args(list(context.args or []))
    messages = await call(context.reading.channel_post_messages, topic, beat)
    target: int | str = channel if channel.startswith("@") else int(channel)
    try:
        await context.sender.send_now(target, messages)
    except (Forbidden, BadRequest) as exc:  # the admin can fix these: say what Telegram said
        log.warning("/post to %s refused: %s", channel, exc.message)
        text = f"Could not post to {html.escape(channel)}: {html.escape(exc.message)}"
        await reply_messages(update, [text])
        return
    await reply_messages(update, [f"Posted to {html.escape(channel)} ({len(messages)} message(s))."])


@admin_only
async def stats(update: Update, context: BotContext) -> None:
    s = await call(context.reading.stats)
    text = (
        "<b>Stats</b>\n"
        f"articles: {s.articles}\nofficials: {s.officials}\nsubscribers: {s.subscribers}\n"
        f"deliveries sent: {s.sent}\nfailed: {s.failed}\npending: {s.pending}"
    )
    await reply_messages(update, [text])


HANDLERS: list[CommandHandler[BotContext, None]] = [
    CommandHandler("ingest", ingest),
    CommandHandler("post", post),
    CommandHandler("stats", stats),
]
