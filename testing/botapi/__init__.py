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

Module map: :mod:`testing.botapi.server` (HTTP, Bot API methods, test-side API),
:mod:`testing.botapi.entities` (HTML/MarkdownV2 parsing and entity rules, a port of tdlib's),
:mod:`testing.botapi.state` (clock, rate limiter, faults, records), :mod:`testing.botapi.fixtures`
(``botapi_server``/``threaded_botapi_server`` fixtures and ``polling(app)``).  For manual runs:
``python -m testing.botapi --port 8081`` serves until Ctrl-C.
"""

from testing.botapi.entities import (
    EntityParseError,
    FormattedText,
    entities_to_html,
    parse_html,
    parse_text,
    utf16_len,
)
from testing.botapi.server import (
    DEFAULT_TOKEN,
    ApiError,
    BotApiServer,
    CallContext,
    MessagePredicate,
    ThreadedBotApiServer,
)
from testing.botapi.state import (
    CallbackAnswer,
    CallRecord,
    Duplicate,
    EditRecord,
    Fault,
    ManualClock,
    RateLimits,
    RealClock,
    Stats,
    Violation,
)

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
