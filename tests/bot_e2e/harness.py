"""The corpus database, the service and the running bot for end-to-end tests against the local server.

* :func:`corpus_file` ingests ``examples/articles`` once per test session into a SQLite file
  (articles dated as ingested the day before the digest day, so digests have news in them);
  :func:`fresh_db_url` copies it per test, as tests add subscriptions and deliveries;
* :func:`make_settings` builds :class:`Settings` from field names (it maps them to the
  environment names, see ``test_bot_settings.py`` for why) and never reads the developer's
  environment for anything a test depends on;
* :func:`running_bot` runs ``bot.app.build_application(service)`` with long polling against the
  server; :func:`assert_clean` checks that the server accepted every call the bot made.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from telegram.request import HTTPXRequest

from bot.app import build_application
from bot.context import BotApp
from bot.ratelimit import FLOOD_CLUSTER
from briefings.config import Settings, load_settings
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import ingest_articles
from briefings.service.app import BriefingService
from briefings.service.clock import Clock, FixedClock
from briefings.storage.db import Database
from briefings.storage.tables import Article
from testing.botapi import BotApiServer, ThreadedBotApiServer
from testing.botapi.fixtures import polling
from testing.botapi.records import CallRecord

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "articles"
#: 07:59 in Kolkata on the digest day; 02:30Z is 08:00 there
START = dt.datetime(2025, 6, 13, 2, 29, tzinfo=dt.UTC)
INGESTED = dt.datetime(2025, 6, 12, 12, 0, tzinfo=dt.UTC)
ADMIN = 1001
CHANNEL = -1009876543210


def corpus_file(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Path:
    """The sample corpus ingested into a SQLite file, built once per test session (per worker)."""
    path = tmp_path_factory.getbasetemp() / "bot-e2e-corpus" / "corpus.db"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for leftover in building.parent.glob(building.name + "*"):  # from a build that failed
        leftover.unlink()
    url = f"sqlite:///{building}"
    db = Database(url)
    try:
        report = ingest_articles(db, [str(CORPUS)], FetchPolicy(allow_private=True), extractor)
        assert report.ingested >= 8, report.summary()
        with db.transaction() as session:
            session.execute(update(Article).values(ingested_at=INGESTED))
    finally:
        db.dispose()
    with sqlite3.connect(building) as conn:  # fold the WAL into the file so one copy is complete
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    building.rename(path)
    return path


def fresh_db_url(corpus: Path, folder: Path) -> str:
    """A private copy of the corpus database for one test."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "briefings.db"
    shutil.copyfile(corpus, target)
    return f"sqlite:///{target}"


def make_settings(server: BotApiServer | ThreadedBotApiServer | None = None, **fields: Any) -> Settings:
    """Settings from field names; everything the tests rely on is set explicitly."""
    values: dict[str, Any] = {
        "telegram_bot_token": server.token if server else "1:unused",
        "admin_ids": [ADMIN],
        "channel_id": "",
        "timezone": "UTC",
        "digest_time": "08:00",
        "sources": [],
        "allow_private_urls": False,
        "beat_name": "India–China briefing",
        "topics_file": None,
        "database_url": "",
    }
    if server is not None:
        values["telegram_base_url"] = server.base_url
        values["telegram_base_file_url"] = server.base_file_url
    values.update(fields)
    aliased = {}
    for name, value in values.items():
        alias = Settings.model_fields[name].validation_alias
        aliased[alias if isinstance(alias, str) else name] = value
    return load_settings(**aliased)


def make_service(
    db_url: str,
    server: BotApiServer | ThreadedBotApiServer | None = None,
    *,
    clock: Clock | None = None,
    extractor: Extractor | None = None,
    **fields: Any,
) -> BriefingService:
    settings = make_settings(server, database_url=db_url, **fields)
    return BriefingService(
        settings, db=Database(db_url), clock=clock or FixedClock(START), extractor=extractor
    )


@asynccontextmanager
async def running_bot(service: BriefingService, *, jobs: bool = False) -> AsyncIterator[BotApp]:
    """The real Application, long polling the server, for the duration of the block."""
    app = build_application(service, with_jobs=jobs)
    async with polling(app):
        yield app


def describe(calls: Iterable[CallRecord]) -> str:
    return "\n".join(f"  {c}" for c in calls)


def assert_clean(server: BotApiServer, *, violations: bool = True) -> None:
    """Every call the bot made was accepted, except injected faults (and abandoned long polls)."""
    failed = server.failed_calls()
    assert failed == [], f"the server rejected calls:\n{describe(failed)}"
    assert server.internal_errors == []
    if violations:
        assert server.violations == [], f"rate limits broken: {server.violations}"


@asynccontextmanager
async def initialized(service: BriefingService, *, jobs: bool = False) -> AsyncIterator[BotApp]:
    """The real Application, initialised (getMe) but not polling: for driving jobs and the sender."""
    app = build_application(service, with_jobs=jobs)
    async with app:
        yield app


def subscribe_many(
    service: BriefingService, server: BotApiServer, chats: Iterable[int], *args: str
) -> list[int]:
    """Private subscribers who started the bot, subscribed with ``/subscribe`` arguments ``args``."""
    out = []
    for chat in chats:
        server.add_user(chat, started=True)
        service.subscriptions.subscribe(chat, "private", list(args))
        out.append(chat)
    return out


def sent_texts(server: BotApiServer, chat: int) -> list[str]:
    """What the chat received, in delivery order (deleted messages included)."""
    return [d.text for d in server.deliveries if d.chat_id == chat]


def retry_after_ignored(server: BotApiServer, *, slack: float = 0.05) -> list[str]:
    """Requests to a chat that came before the ``retry_after`` of an injected 429 for it was over."""
    problems = []
    calls = server.calls_to("sendMessage")
    for index, call in enumerate(calls):
        if call.fault != "too_many_requests" or call.response is None:
            continue
        wait = float(call.response["parameters"]["retry_after"])
        chat = call.params.get("chat_id")
        following = next((c for c in calls[index + 1 :] if c.params.get("chat_id") == chat), None)
        if following is not None and following.at < call.at + wait - slack:
            problems.append(
                f"#{following.seq} to {chat} {following.at - call.at:.2f}s after a 429 of {wait:g}s"
            )
    return problems


@dataclass
class ClientCall:
    """One HTTP request as the bot's PTB client made it (times on the bot's event loop clock)."""

    method: str
    chat_id: object
    left: float
    back: float | None = None
    status: int | None = None
    retry_after: float | None = None


@contextmanager
def client_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ClientCall]]:
    """Record when each Bot API request leaves the bot and when its answer is back (client side:
    unlike arrival times at the server, free of the test server's own delays)."""
    calls: list[ClientCall] = []
    original = HTTPXRequest.do_request

    async def do_request(
        self: HTTPXRequest, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        parameters = request_data.parameters if request_data is not None else {}
        entry = ClientCall(url.rsplit("/", 1)[-1], parameters.get("chat_id"), loop.time())
        calls.append(entry)
        try:
            status, payload = await original(self, url, method, request_data, *args, **kwargs)
        finally:
            entry.back = loop.time()
        entry.status = status
        if status == 429:
            entry.retry_after = float(json.loads(payload)["parameters"]["retry_after"])
        return status, payload

    monkeypatch.setattr(HTTPXRequest, "do_request", do_request)
    yield calls


def left_during_a_pause(calls: list[ClientCall]) -> list[str]:
    """Requests that left the bot after it had a 429 answer and before its ``retry_after`` was over.

    A 429 on a message to one chat holds that chat only, unless another chat had a 429 within
    ``FLOOD_CLUSTER`` seconds before it: then it holds every request (getUpdates aside), as does a
    429 on any other request."""
    problems = []
    floods = sorted((c for c in calls if c.retry_after is not None and c.back is not None), key=_back)
    for pause in floods:
        assert pause.back is not None and pause.retry_after is not None
        end = pause.back + pause.retry_after
        alone = pause.method == "sendMessage" and not any(
            other.method == "sendMessage"
            and other.chat_id != pause.chat_id
            and pause.back - FLOOD_CLUSTER <= _back(other) <= pause.back
            for other in floods
        )
        problems += [
            f"{c.method} to {c.chat_id} {c.left - pause.back:.3f}s into a pause of {pause.retry_after:g}s"
            + (" (of that chat)" if alone else "")
            for c in calls
            if c.method != "getUpdates"
            and pause.back < c.left < end
            and (not alone or c.chat_id == pause.chat_id)
        ]
    return problems


def _back(call: ClientCall) -> float:
    return call.back if call.back is not None else float("inf")


def busiest_second(calls: list[ClientCall], chat: object = None) -> int:
    """Most sendMessage requests (to ``chat``, or to any chat) that left the bot within one second."""
    times = sorted(c.left for c in calls if c.method == "sendMessage" and (chat is None or c.chat_id == chat))
    return max((sum(1 for t in times if start <= t < start + 1.0) for start in times), default=0)


def closest_sends(calls: list[ClientCall], chat: object) -> float:
    """The shortest time between two sendMessage requests to one chat (inf with fewer than two)."""
    times = sorted(c.left for c in calls if c.method == "sendMessage" and c.chat_id == chat)
    return min((b - a for a, b in itertools.pairwise(times)), default=float("inf"))


async def ask(
    server: BotApiServer, user: int, text: str, expect: str, *, chat: int | None = None, timeout: float = 10
) -> dict[str, Any]:
    """``user`` sends ``text`` (in ``chat``, default their private chat) and the bot's reply that
    contains ``expect`` is returned. The bot keeps 1 message/s per chat, so flows that do not
    depend on each other run faster in different chats (``asyncio.gather``)."""
    server.user_sends(user, text, chat=chat)
    return await server.wait_for_message(chat if chat is not None else user, expect, timeout=timeout)
