"""Configuration: one pydantic-settings ``Settings``, built in the entry point and passed down.

Every setting is read from the environment or a ``.env`` file; ``.env.example`` documents them.
A bad value raises :class:`~briefings.errors.ConfigError` with one line naming the setting.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from briefings.errors import ConfigError
from briefings.timezones import is_zone, zone_error

DEFAULT_DATA_DIR = Path("data")
#: Telegram's overall limit for one bot token, in messages per second (paid broadcasts aside)
MAX_SEND_RATE = 30.0
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _split_list(value: object) -> object:
    """Accept comma- or whitespace-separated strings for list settings."""
    if isinstance(value, str):
        return [part for part in re.split(r"[,\s]+", value.strip()) if part]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        validate_by_name=True,
        validate_by_alias=True,
    )

    # Storage
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, validation_alias="BRIEFINGS_DATA_DIR")
    database_url: str = Field(default="", validation_alias="BRIEFINGS_DATABASE_URL")

    # Telegram
    telegram_bot_token: str = Field(default="", validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="TELEGRAM_BASE_URL"
    )
    telegram_base_file_url: str = Field(
        default="https://api.telegram.org/file/bot", validation_alias="TELEGRAM_BASE_FILE_URL"
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias="BRIEFINGS_ADMIN_IDS"
    )
    channel_id: str = Field(default="", validation_alias="BRIEFINGS_CHANNEL_ID")
    channel_post_time: str = Field(default="09:00", validation_alias="BRIEFINGS_CHANNEL_POST_TIME")
    # the beat of the daily channel post (a slug from BRIEFINGS_BEATS); empty: the default beat
    channel_beat: str = Field(default="", validation_alias="BRIEFINGS_CHANNEL_BEAT")
    webhook_url: str = Field(default="", validation_alias="BRIEFINGS_WEBHOOK_URL")
    webhook_secret: str = Field(default="", validation_alias="BRIEFINGS_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="127.0.0.1", validation_alias="BRIEFINGS_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, validation_alias="BRIEFINGS_WEBHOOK_PORT")
    webhook_path: str = Field(default="telegram", validation_alias="BRIEFINGS_WEBHOOK_PATH")

    # Beat and schedule
    # the default beat's brief title; empty: the beat file's own title ("India–China briefing")
    beat_name: str = Field(default="", validation_alias="BRIEFINGS_BEAT_NAME")
    beats: Annotated[list[Path], NoDecode] = Field(default_factory=list, validation_alias="BRIEFINGS_BEATS")
    timezone: str = Field(default="UTC", validation_alias="BRIEFINGS_TIMEZONE")
    digest_time: str = Field(default="08:00", validation_alias="BRIEFINGS_DIGEST_TIME")
    sources: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="BRIEFINGS_SOURCES"
    )
    topics_file: Path | None = Field(default=None, validation_alias="BRIEFINGS_TOPICS_FILE")
    ingest_interval_minutes: int = Field(
        default=30, ge=1, le=24 * 60, validation_alias="BRIEFINGS_INGEST_INTERVAL_MINUTES"
    )

    # Limits
    max_article_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, validation_alias="BRIEFINGS_MAX_ARTICLE_BYTES"
    )
    fetch_timeout: float = Field(default=15.0, gt=0, le=300, validation_alias="BRIEFINGS_FETCH_TIMEOUT")
    max_feed_entries: int = Field(
        default=200, ge=1, le=100_000, validation_alias="BRIEFINGS_MAX_FEED_ENTRIES"
    )
    allow_private_urls: bool = Field(default=False, validation_alias="BRIEFINGS_ALLOW_PRIVATE_URLS")
    send_rate: float = Field(default=25.0, validation_alias="BRIEFINGS_SEND_RATE")

    # Polling (politeness towards the sites polled)
    # where a site's operator can reach whoever runs this bot: sent in the User-Agent
    contact_url: str = Field(default="", validation_alias="BRIEFINGS_CONTACT_URL")
    host_concurrency: int = Field(default=2, ge=1, le=16, validation_alias="BRIEFINGS_HOST_CONCURRENCY")
    host_min_gap: float = Field(default=1.0, ge=0, le=60, validation_alias="BRIEFINGS_HOST_MIN_GAP")
    poll_workers: int = Field(default=8, ge=1, le=64, validation_alias="BRIEFINGS_POLL_WORKERS")
    poll_deadline: float = Field(
        default=600.0, gt=0, le=24 * 3600, validation_alias="BRIEFINGS_POLL_DEADLINE"
    )
    backoff_max_minutes: int = Field(
        default=360, ge=1, le=7 * 24 * 60, validation_alias="BRIEFINGS_BACKOFF_MAX_MINUTES"
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("beats", mode="before")
    @classmethod
    def _beats(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if not is_zone(value):  # not ZoneInfo(value): a region is a folder (IsADirectoryError)
            raise ValueError(zone_error(value, " (use an IANA name such as Asia/Kolkata)"))
        return value

    @field_validator("digest_time", "channel_post_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        m = _HHMM.match(value.strip())
        if not m:
            raise ValueError(f"{value!r} is not a time of day HH:MM")
        return f"{int(m.group(1)):02d}:{m.group(2)}"

    @field_validator("send_rate")
    @classmethod
    def _send_rate(cls, value: float) -> float:
        if not 0 < value <= MAX_SEND_RATE:
            raise ValueError(
                f"{value:g} messages/s is not a sending rate: use more than 0 and at most"
                f" {MAX_SEND_RATE:g} (Telegram's limit for a bot)"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        if value and not re.match(r"^[A-Za-z0-9_-]{1,256}$", value):
            raise ValueError("only A-Z, a-z, 0-9, _ and - are allowed, at most 256 characters")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @field_validator("contact_url")
    @classmethod
    def _contact_url(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^(https?://[^\s/]+\S*|mailto:[^\s@]+@[^\s@]+)$", value):
            raise ValueError(f"{value[:80]!r} is not an http(s) or mailto: URL")
        return value

    @field_validator("telegram_base_url", "telegram_base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("channel_id")
    @classmethod
    def _channel(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^(@[A-Za-z][A-Za-z0-9_]{3,}|-?\d+)$", value):
            raise ValueError(f"{value!r} is neither @channelname nor a numeric chat id")
        return value

    @property
    def channel_chat_id(self) -> int:
        """Numeric chat id of the channel (delivery rows key on it); @names hash to a stable negative id."""
        if re.match(r"^-?\d+$", self.channel_id):
            return int(self.channel_id)
        return -(int.from_bytes(self.channel_id.lower().encode()[:7], "big") % (10**12)) - 10**13

    @property
    def beat_files(self) -> list[Path]:
        """The beat files of this deployment, the default beat first: ``BRIEFINGS_BEATS``, else
        ``BRIEFINGS_TOPICS_FILE``, else none (the bundled India–China beat)."""
        if self.beats:
            return list(self.beats)
        return [self.topics_file] if self.topics_file is not None else []

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'briefings.db').as_posix()}"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment; one-line :class:`ConfigError` on a bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err.get("loc") or ("?",)
        field = str(loc[0])
        env = _env_name(field)
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        raise ConfigError(f"{env}: {msg}") from None


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    return str(alias) if isinstance(alias, str) else field.upper()
