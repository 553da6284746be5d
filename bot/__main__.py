"""``briefbot``: run the bot (long polling, or --webhook), ``briefbot send-due`` for cron and tests, or
``briefbot check`` (configuration, database, token) for health checks."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Annotated

import typer
from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, build_application, quiet_http_logs
from bot.check import run_checks
from bot.context import sender_of
from bot.webhook import run as receive_webhooks
from briefings.config import Settings, load_settings
from briefings.errors import BriefingsError
from briefings.service.app import BriefingService
from briefings.service.clock import clock_from_env

cli = typer.Typer(add_completion=False, pretty_exceptions_enable=False, invoke_without_command=True)
log = logging.getLogger("briefbot")


def _settings() -> Settings:
    settings = load_settings()
    if not settings.telegram_bot_token:
        raise BriefingsError("TELEGRAM_BOT_TOKEN: not set (get one from @BotFather)")
    return settings


def _service(settings: Settings) -> BriefingService:
    return BriefingService(settings, clock=clock_from_env())


@cli.callback()
def run(
    ctx: typer.Context,
    webhook: Annotated[
        bool, typer.Option("--webhook", help="Receive updates by webhook instead of polling.")
    ] = False,
) -> None:
    """Run the bot until interrupted."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings()
    if webhook:
        _check_webhook(settings)  # before anything is opened
    service = _service(settings)
    app = build_application(service)
    log.info("briefbot starting (%s)", "webhook" if webhook else "long polling")
    try:
        if webhook:  # our receiver, not PTB's: it logs every refused request (see bot.webhook)
            receive_webhooks(
                app,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                path=settings.webhook_path,
                url=settings.webhook_url,
                secret=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        service.close()


def _check_webhook(settings: Settings) -> None:
    if not settings.webhook_url:
        raise BriefingsError("BRIEFINGS_WEBHOOK_URL: required with --webhook")
    if not settings.webhook_secret:
        raise BriefingsError(
            "BRIEFINGS_WEBHOOK_SECRET: required with --webhook (Telegram echoes it in a header)"
        )


@cli.command("send-due")
def send_due() -> None:
    """Plan what is due now, send it all, and exit (for cron, and for tests)."""
    service = _service(_settings())
    app = build_application(service, with_jobs=False)

    async def once() -> None:
        async with app:
            planned = await asyncio.to_thread(service.delivery.plan)
            report = await sender_of(app).drain()
            typer.echo(
                f"planned {planned}, sent {report.sent}, failed {report.failed}, deferred {report.deferred}"
            )

    try:
        asyncio.run(once())
    finally:
        service.close()


@cli.command("check")
def check() -> None:
    """Check the configuration, the database and the token; one line each; exit 1 if any fails."""
    checks = run_checks()
    for result in checks:
        typer.echo(result.line())
    raise typer.Exit(0 if all(result.ok for result in checks) else 1)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_http_logs()
    try:
        cli()
    except BriefingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except InvalidToken:  # PTB's message quotes the token
        print("error: TELEGRAM_BOT_TOKEN: the Bot API server rejected the token", file=sys.stderr)
        sys.exit(2)
    except NetworkError as exc:
        print(f"error: cannot reach the Bot API server: {_scrub(str(exc))}", file=sys.stderr)
        sys.exit(1)


def _scrub(text: str) -> str:
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    return text.replace(token, "<token>") if token else text


if __name__ == "__main__":
    main()
