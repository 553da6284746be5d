"""``briefbot check``: is this deployment fit to run? One line per check, for people and health checks.

- ``config``: the settings load from the environment (and ``.env``), the beat files load, the
  channel's beat is one of them;
- ``database``: it opens, and its schema is at the newest revision this code knows;
- ``token``: the Bot API server at ``TELEGRAM_BASE_URL`` accepts it (``getMe``).

Each line starts with ``ok``, ``FAIL`` or ``skip`` (a check that needs the configuration when it
did not load); :func:`run_checks` returns them, and ``briefbot check`` exits 1 when any is not ok.
Nothing is written: a SQLite file that does not exist is reported, not created.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.app import protect_token
from briefings.beats import load_beats
from briefings.config import Settings, load_settings
from briefings.errors import BriefingsError
from briefings.storage.db import current_revision, head_revision, make_engine

#: seconds to wait for PostgreSQL to answer before the database is reported down
CONNECT_TIMEOUT = 5
UPGRADE = "start briefbot or run briefings db upgrade"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "FAIL" or "skip"
    detail: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"


def run_checks() -> list[Check]:
    """The configuration, then the database and the token (skipped when the settings did not load)."""
    try:
        settings = load_settings()
    except BriefingsError as exc:
        reason = "the settings did not load"
        return [Check("config", "FAIL", str(exc)), Check("database", "skip", reason),
                Check("token", "skip", reason)]  # fmt: skip
    protect_token(settings.telegram_bot_token)  # PTB's errors and logs may quote it
    return [check_config(settings), check_database(settings), check_token(settings)]


def check_config(settings: Settings) -> Check:
    try:
        beats = load_beats(settings.beat_files, title=settings.beat_name or None)
    except BriefingsError as exc:
        return Check("config", "FAIL", str(exc))
    slugs = [beat.slug for beat in beats]
    channel = settings.channel_beat.strip().lower()
    if channel and channel not in slugs:
        return Check(
            "config",
            "FAIL",
            f"BRIEFINGS_CHANNEL_BEAT: unknown beat {settings.channel_beat!r} (the beats: {', '.join(slugs)})",
        )
    return Check("config", "ok", f"settings loaded; beats: {', '.join(slugs)} (the first is the default)")


def check_database(settings: Settings) -> Check:
    try:
        url = make_url(settings.effective_database_url)
    except ArgumentError as exc:
        return Check("database", "FAIL", f"bad database URL: {exc}")
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        path = Path(database).expanduser()
        if database and database != ":memory:" and not path.is_file():
            problem = "not a file" if path.exists() else f"no such file ({UPGRADE})"
            return Check("database", "FAIL", f"{shown}: {problem}")
    elif "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT)})
    try:
        engine = make_engine(url.render_as_string(hide_password=False))
    except BriefingsError as exc:
        return Check("database", "FAIL", str(exc))
    try:
        current, head = current_revision(engine), head_revision(engine)
    except SQLAlchemyError as exc:
        return Check("database", "FAIL", f"{shown}: cannot open it: {_first_line(exc)}")
    finally:
        engine.dispose()
    return _schema_check(shown, current, head)


def _schema_check(shown: str, current: str | None, head: str | None) -> Check:
    if current == head:
        return Check("database", "ok", f"{shown}, schema at revision {head} (the newest)")
    if current is None:
        return Check("database", "FAIL", f"{shown}: no schema ({UPGRADE})")
    return Check(
        "database",
        "FAIL",
        f"{shown}: schema at revision {current}, this code expects {head}"
        " (run briefings db upgrade, or this code is older than the database)",
    )


def check_token(settings: Settings) -> Check:
    token = settings.telegram_bot_token.strip()
    if not token:
        return Check("token", "FAIL", "TELEGRAM_BOT_TOKEN: not set (get one from @BotFather)")
    server = _server_name(settings.telegram_base_url)
    try:
        username = asyncio.run(_get_me(settings))
    except InvalidToken:  # PTB's message quotes the token
        return Check("token", "FAIL", f"{server} rejected the token")
    except NetworkError as exc:  # TimedOut included
        return Check("token", "FAIL", f"cannot reach {server}: {_scrub(str(exc), token)}")
    except TelegramError as exc:
        return Check("token", "FAIL", f"{server}: getMe failed: {_scrub(str(exc), token)}")
    return Check("token", "ok", f"@{username} on {server}")


async def _get_me(settings: Settings) -> str:
    bot = Bot(
        settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
    )
    async with bot:  # initialize() asks getMe
        return bot.username


def _server_name(base_url: str) -> str:
    """The Bot API server as ``scheme://host[:port]``: no path, no user or password."""
    parts = urlsplit(base_url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname}{port}" if parts.hostname else "the Bot API server"


def _scrub(text: str, token: str) -> str:
    return text.replace(token, "<token>") if token else text


def _first_line(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
