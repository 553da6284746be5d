"""A local Telegram Bot API server for end-to-end tests of the bot.

Telegram is not reachable from tests, so the bot talks to this server instead: python-telegram-bot
is pointed at it with ``base_url``/``base_file_url`` and the test plays the users.

In-process (the bot's ``Application`` runs in the test's event loop)::

    from telegram.ext import CommandHandler
    from testing.botapi import BotApiServer, RateLimits

    async def test_brief_command() -> None:
        async with BotApiServer(username="BriefBot", limits=RateLimits(private_burst=1)) as server:
            app = server.application_builder().build()     # token + base_url + base_file_url
            app.add_handler(CommandHandler("brief", brief))
            async with app:
                await app.updater.start_polling(timeout=1, poll_interval=0)
                await app.start()
                server.user_sends(42, "/brief")              # private chat with user 42
                server.user_sends(7, "/brief@BriefBot", chat=-100123)   # a supergroup
                message = await server.wait_for_message(42, "Brief")
                server.user_presses(42, message, "more")      # a callback_query update
                await app.updater.stop()
                await app.stop()
        assert server.stats.rate_limit_violations == 0
        assert server.duplicates() == []

In another process (``briefbot`` launched with ``subprocess``): :class:`ThreadedBotApiServer` runs
the same server in a background thread and offers blocking helpers::

    with ThreadedBotApiServer(username="BriefBot") as server:
        env = {**os.environ, "TELEGRAM_API_BASE": server.base_url, "TELEGRAM_BOT_TOKEN": server.token}
        ...
        server.user_sends(42, "/start")
        server.wait_for_message(42, "Welcome", timeout=10)

Test-side API (all on :class:`BotApiServer`):

* set up: ``add_user``, ``add_group`` (admins, creator, bot status), ``add_channel``, ``add_bot``;
* act as users: ``user_sends``, ``user_presses``, ``user_edits``, ``channel_post``,
  ``user_blocks_bot``, ``kick_bot``, ``deactivate_user``, ``add_bot_to_chat``;
* inspect: ``calls``/``calls_to``/``failed_calls``, ``messages``/``texts``/``history``, ``edits``,
  ``callback_answers``, ``chat_actions``, ``commands``, ``webhook_info``, ``stats``,
  ``violations``, ``duplicates``, ``deliveries``, ``pending_updates``;
* wait: ``wait_for_message``, ``wait_for_messages``, ``wait_for_edit``, ``wait_for_call``,
  ``wait_for_callback_answer``, ``wait_updates_consumed``, ``wait_until``;
* disturb: ``inject`` (429/500/502/custom error/hang/drop, per method and chat, counted or seeded
  random), ``latency``/``method_latency``, :class:`RateLimits` on a :class:`ManualClock`.

Module map: :mod:`~testing.botapi.server` (the server: HTTP plumbing, routing, faults) composed of
the test side, :mod:`~testing.botapi.people` (users, groups, channels), :mod:`~testing.botapi.acting`
(what users do) and :mod:`~testing.botapi.inspection` (records, waiting), and of the Bot API by area,
:mod:`~testing.botapi.updates` (getUpdates, webhooks), :mod:`~testing.botapi.messages` (sending,
editing, deleting, callback answers), :mod:`~testing.botapi.chats` (chats and members) and
:mod:`~testing.botapi.commands` (getMe, commands, names and descriptions), over
:mod:`~testing.botapi.core` (state and the checks every method makes), :mod:`~testing.botapi.context`
and :mod:`~testing.botapi.params` (a call's parameters); :mod:`~testing.botapi.threaded` (the server
in a background thread); :mod:`~testing.botapi.entities` (HTML/MarkdownV2 parsing and entity rules, a
port of tdlib's, in :mod:`~testing.botapi.html_parser`, :mod:`~testing.botapi.markdown_parser`,
:mod:`~testing.botapi.autodetect`, :mod:`~testing.botapi.normalizing` and
:mod:`~testing.botapi.entity`); :mod:`~testing.botapi.limits` (clock, flood limits),
:mod:`~testing.botapi.faults`, :mod:`~testing.botapi.records`, :mod:`~testing.botapi.world`;
:mod:`~testing.botapi.fixtures` (``botapi_server``/``threaded_botapi_server`` fixtures and
``polling(app)``).  For manual runs: ``python -m testing.botapi --port 8081`` serves until Ctrl-C.
"""

from testing.botapi.context import DEFAULT_TOKEN, ApiError, CallContext, MessagePredicate
from testing.botapi.entities import (
    EntityParseError,
    FormattedText,
    entities_to_html,
    parse_html,
    parse_text,
    utf16_len,
)
from testing.botapi.faults import Fault
from testing.botapi.limits import ManualClock, RateLimits, RealClock, Violation
from testing.botapi.records import CallbackAnswer, CallRecord, Duplicate, EditRecord, Stats
from testing.botapi.server import BotApiServer
from testing.botapi.threaded import ThreadedBotApiServer

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiServer",
    "CallContext",
    "CallRecord",
    "CallbackAnswer",
    "Duplicate",
    "EditRecord",
    "EntityParseError",
    "Fault",
    "FormattedText",
    "ManualClock",
    "MessagePredicate",
    "RateLimits",
    "RealClock",
    "Stats",
    "ThreadedBotApiServer",
    "Violation",
    "entities_to_html",
    "parse_html",
    "parse_text",
    "utf16_len",
]
