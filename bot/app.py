"""Build the Application: settings and services in, handlers and jobs assembled in one place."""

from __future__ import annotations

import gc
import logging

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder

from bot.calls import call
from bot.context import CONTEXT_TYPES, BotApp, service_of
from bot.delivery import Sender
from bot.errors import on_error
from bot.handlers import admin, brief, fallback, membership, start, subscribe, topics, who
from bot.jobs import schedule
from bot.ratelimit import LocalPacer, Pacer, SharedPacer, TelegramRateLimiter
from briefings.service.app import BriefingService
from briefings.service.delivering import Delivery

COMMANDS = [
    BotCommand("brief", "The briefing, whole beat or one topic"),
    BotCommand("who", "Profile of an official"),
    BotCommand("topics", "Topics of the beat"),
    BotCommand("beats", "The beats this bot follows"),
    BotCommand("timeline", "Dated events"),
    BotCommand("sources", "Outlets in the briefing"),
    BotCommand("subscribe", "Daily digest: [HH:MM] [Area/City] [beat] [topics]"),
    BotCommand("unsubscribe", "Stop the daily digest"),
    BotCommand("settings", "Your digest settings"),
    BotCommand("help", "How to use this bot"),
]


#: updates handled at once. A handler spends most of its time waiting for Telegram's limits (a brief
#: in five parts takes four seconds at 1 message/s per chat), so with a small cap the waiting
#: handlers would hold up new commands; the work itself is bounded by the worker threads of
#: ``bot.calls.call`` and the sending by ``bot.ratelimit``.
UPDATES_IN_FLIGHT = 256

#: loggers whose records carry the bot token (request URLs, "Set Bot API URL" at DEBUG, PTB's
#: "The token `…` was rejected"): each gets the redaction too, for handlers added after start-up
TOKEN_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram",
    "telegram.Bot",
    "telegram.ext",
    "telegram.ext.ExtBot",
    "telegram.ext.Updater",
    "telegram.ext.Application",
)
MASK = "<token>"


def quiet_http_logs() -> None:
    """httpx logs request URLs, which carry the bot token, at INFO."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


class Redact(logging.Filter):
    """Replaces the token, and its secret half, in a record's message, its traceback and its stack.

    A filter on a handler sees every record that handler writes, whichever logger made it; the
    traceback is formatted here (as ``logging.Formatter`` would) so that its text can be redacted:
    exception messages quote the token (PTB's ``InvalidToken``) and no message filter sees them.
    """

    _formatter = logging.Formatter()

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        secret = token.split(":", 1)[1] if ":" in token else ""
        self.secrets = [token, *([secret] if len(secret) >= 8 else [])]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def protect_token(token: str) -> None:
    """The token is replaced in whatever is logged, at any level: on every handler of the root
    logger (and the last-resort handler used when there is none), and on the loggers that quote it."""
    if not token:
        return
    targets: list[logging.Filterer] = [*logging.getLogger().handlers]
    if logging.lastResort is not None:
        targets.append(logging.lastResort)
    targets += [logging.getLogger(name) for name in TOKEN_LOGGERS]
    for target in targets:
        if not any(isinstance(f, Redact) and f.token == token for f in target.filters):
            target.addFilter(Redact(token))


def pacer_for(delivery: Delivery, token: str) -> Pacer:
    """With PostgreSQL the bot's processes share one overall rate through the database (two
    processes at the configured rate each would send at twice Telegram's limit); SQLite serves one
    process, which paces itself."""
    if not delivery.shares_send_rate:
        return LocalPacer()
    bot = f"bot{token.split(':', 1)[0]}"  # the bot's id, not the secret

    def reserve(interval: float, slack: float) -> float:
        return delivery.reserve_send_slot(bot, interval, slack)

    def hold(seconds: float) -> None:
        delivery.hold_sending(bot, seconds)

    return SharedPacer(reserve, hold)


def concurrency_for(rate: float) -> int:
    """Deliveries in flight per process: enough to keep the overall rate while each chat gets at
    most one message a second (three seconds' worth), and few enough that each one's turn comes
    well within the claim's lease."""
    return max(32, min(200, round(3 * rate)))


async def _post_init(app: BotApp) -> None:
    await app.bot.set_my_commands(COMMANDS)
    service = service_of(app)
    await call(service.prepare)  # before the first update: pictures repaired and loaded, up front
    service.on_picture_loaded(freeze_long_lived)
    freeze_long_lived()


def freeze_long_lived() -> None:
    """Move what is alive now (modules, the picture just loaded: some 300,000 objects over ten
    thousand articles) out of the garbage collector's sight until the process ends. A full
    collection walks every tracked object with all threads stopped: 0.1-0.2 s with the picture,
    seen as a latency spike for every command in flight. The picture holds no reference cycles, so
    a replaced one is still freed when its last reference goes."""
    gc.collect()
    gc.freeze()


def build_application(service: BriefingService, *, with_jobs: bool = True) -> BotApp:
    settings = service.settings
    quiet_http_logs()
    protect_token(settings.telegram_bot_token)
    builder: ApplicationBuilder = (  # type: ignore[type-arg]
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(
            TelegramRateLimiter(
                overall_per_second=settings.send_rate,
                max_retries=3,
                pacer=pacer_for(service.delivery, settings.telegram_bot_token),
            )
        )
        .concurrent_updates(UPDATES_IN_FLIGHT)
        .post_init(_post_init)
    )
    app: BotApp = builder.build()
    app.bot_data.install(
        service, Sender(app.bot, service.delivery, concurrency=concurrency_for(settings.send_rate))
    )
    for module in (start, brief, who, topics, subscribe, admin, membership, fallback):
        app.add_handlers(module.HANDLERS)
    app.add_error_handler(on_error)
    if with_jobs:
        schedule(app)
    return app


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.CHANNEL_POST, Update.MY_CHAT_MEMBER]
