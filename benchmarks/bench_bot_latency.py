"""Latency of /brief and /who through the real bot, with many users at once.

    .venv/bin/python -m benchmarks.bench_bot_latency [--users 50] [--rounds 20] [--articles 10000]
        [--database-url URL] [--reuse [PATH]] [--seed 7] [--quick]

What runs: the local Bot API test server (``testing/botapi``: Telegram's flood limits, its HTML
parser) in this process, and ``briefbot`` itself in another process (``python -m bot``: the
Application of ``bot.app.build_application``, long polling with PTB's HTTP client, jobs and all),
both on loopback, over a database of N synthetic articles built like ``bench_render.py`` does.

Workload (deterministic by ``--seed``): ``--users`` people, each in a private chat with the bot,
each sending ``--rounds`` commands: /brief (30 %), /brief <topic> (30 %, a topic with news),
/who <surname> (30 %, a surname of the picture: a profile, or buttons when several people share
it) and /who <a name nobody has> (10 %, suggestions). A user starts at a random moment within the
first think time, waits for the whole answer (every part), reads it for a think time drawn from
``--think`` (3-10 s by default), then sends the next command. So the users are active at once
(about 5 commands/s and, a brief over 10,000 articles being five messages, about 17 messages/s:
a heavy load for 50 people, two thirds of the bot's sending rate), but nobody's command waits
behind the bot's previous answer to them: the bot keeps Telegram's 1 message/s per private chat
(``bot/ratelimit.py``), which an answer in several parts does wait for. The overall rate (25
messages/s by default) is shared by everyone: the report shows the first replies by how many
messages the bot had sent in the second before, so the part of the latency that is waiting for
that rate can be told apart.

Latency is measured on the server, in the way Telegram would see it: from the moment the server
hands the update to the bot in a getUpdates answer to the moment the server receives the bot's
first sendMessage answering it (and its last, for answers in several parts: those wait at least
one second per further part for the per-chat limit). Every reply is checked against what the
service renders for that command, and every Bot API call must be accepted (no 429, no 400).

Full mode checks the targets of issue #6 (median < 50 ms, p99 < 200 ms for the first reply, for
/brief and /who each) and exits 1 when one is missed; ``--quick`` (200 articles, 5 users,
3 rounds) only checks that every reply arrived and every call was accepted.

``--reuse PATH`` keeps the SQLite database in PATH (built on the first run); with
``--database-url`` (SQLite or PostgreSQL), ``--reuse`` uses the articles already there when they
are the ones asked for, and without it the database must be empty.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks._common import build_synthetic, load, stop_bot, tail
from benchmarks._latency import Command, Sent, outcomes, report, write_samples
from briefings.config import Settings, load_settings
from briefings.errors import BriefingsError
from briefings.service.app import BriefingService
from briefings.storage.db import Database
from briefings.storage.tables import Article, Picture
from testing.botapi import BotApiServer
from testing.processes import start_briefbot

USER_BASE = 700_000_000
#: /brief, /brief <topic>, /who <surname>, /who <unknown>
KINDS = ("brief", "brief topic", "who", "who unknown")
WEIGHTS = (0.3, 0.3, 0.3, 0.1)
REPLY_TIMEOUT = 60.0


# ------------------------------------------------------------------------------------------ setup


def settings_for(url: str) -> Settings:
    """The same settings in this process (for the expected answers)."""
    values: dict[str, Any] = {
        "database_url": url,
        "timezone": "UTC",
        "beat_name": "Benchmark beat",
        "topics_file": None,
        "admin_ids": [],
        "channel_id": "",
        "sources": [],
    }
    aliased: dict[str, Any] = {}
    for name, value in values.items():
        alias = Settings.model_fields[name].validation_alias
        aliased[alias if isinstance(alias, str) else name] = value
    return load_settings(**aliased)


def prepare_database(url: str, articles: int, seed: int, reuse: bool) -> str:
    """Build the database (or check the one to reuse); returns what was done, for the report."""
    db = Database(url)
    try:
        with db.transaction() as session:
            stored = session.scalar(select(func.count()).select_from(Article)) or 0
            has_picture = session.scalar(select(func.count()).select_from(Picture)) == 1
        if stored and reuse:
            if stored != articles or not has_picture:
                raise SystemExit(
                    f"error: {url} holds {stored} articles{'' if has_picture else ' and no picture'};"
                    f" asked for {articles}: use another database"
                )
            return f"reused {stored} articles"
        if stored:
            raise SystemExit(f"error: {url} is not empty ({stored} articles): use --reuse or an empty one")
        t0 = time.perf_counter()
        build_synthetic(db, articles, seed)
        return f"built {articles} articles in {time.perf_counter() - t0:.1f} s"
    finally:
        db.dispose()


def unknown_names(rng: random.Random, count: int) -> list[str]:
    """Names made of letters the synthetic beat never uses together (checked against it later)."""
    parts = ["qu", "ix", "oz", "wy", "bb", "xe", "ug", "ph"]
    return [
        "".join(rng.choice(parts) for _ in range(3)).capitalize() + rng.choice(["ley", "worth", "ski"])
        for _ in range(count)
    ]


def command_pool(service: BriefingService, rng: random.Random) -> dict[str, list[Command]]:
    """The commands users choose from, by kind."""
    snapshot = service.reading.snapshot()
    picture = snapshot.picture
    topics_with_news = {a.topic for a in picture.agreements if a.topic} | {i.topic for i in picture.issues}
    topics = [slug for slug, _ in service.beats.topics() if slug in topics_with_news] or [
        service.beats.topics()[0][0]
    ]
    surnames = sorted({person.name.split()[-1] for person in picture.officials})
    rng.shuffle(surnames)
    unknown = [name for name in unknown_names(rng, 40) if not _known(service, name)][:10]
    return {
        "brief": [Command("brief", "/brief")],
        "brief topic": [Command("brief topic", f"/brief {slug}") for slug in topics],
        "who": [Command("who", f"/who {name}") for name in surnames[:60]],
        "who unknown": [Command("who unknown", f"/who {name}") for name in unknown],
    }


def _known(service: BriefingService, name: str) -> bool:
    result = service.reading.who(name)
    return result.profile is not None or bool(result.candidates)


def plan(users: int, rounds: int, pool: dict[str, list[Command]], seed: int) -> dict[int, list[Command]]:
    """Each user's commands, in order (the first users start with one kind each, so that even a
    short run has every kind)."""
    rng = random.Random(seed)
    plans = {}
    for u in range(users):
        kinds = rng.choices(KINDS, WEIGHTS, k=rounds)
        if u < len(KINDS) and kinds:
            kinds[0] = KINDS[u]
        plans[USER_BASE + u] = [rng.choice(pool[kind]) for kind in kinds]
    return plans


def expected_messages(service: BriefingService, command: Command) -> list[str]:
    """What the bot should send for the command (the service's rendering, as the handlers call it)."""
    name, _, argument = command.text.partition(" ")
    if name == "/brief":
        return service.reading.brief_messages(argument or None)
    if name == "/who":
        return service.reading.who_messages(argument)[1]
    raise ValueError(command.text)


# ------------------------------------------------------------------------------------------ run


class Mailboxes:
    """Counts the messages the bot delivered per chat and wakes the users waiting for them."""

    def __init__(self, server: BotApiServer) -> None:
        self.server = server
        self.counts: dict[int, int] = defaultdict(int)
        self.waiting: dict[int, tuple[int, asyncio.Future[None]]] = {}
        self.seen = 0
        self.stopped = False

    def expect(self, chat: int, count: int) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[chat] = (self.counts[chat] + count, future)
        return future

    async def run(self) -> None:
        while not self.stopped:
            try:
                await self.server.wait_until(
                    lambda: self.stopped or len(self.server.deliveries) > self.seen, timeout=1.0
                )
            except TimeoutError:
                continue
            deliveries = self.server.deliveries
            for delivery in deliveries[self.seen :]:
                self.counts[delivery.chat_id] += 1
                target = self.waiting.get(delivery.chat_id)
                if target is not None and self.counts[delivery.chat_id] >= target[0]:
                    del self.waiting[delivery.chat_id]
                    if not target[1].done():
                        target[1].set_result(None)
            self.seen = len(deliveries)


async def user(
    server: BotApiServer,
    mail: Mailboxes,
    user_id: int,
    commands: list[Command],
    expected: dict[Command, list[str]],
    think: tuple[float, float],
    rng: random.Random,
    sent: list[Sent],
) -> None:
    await asyncio.sleep(rng.uniform(0, think[1]))
    for command in commands:
        answer = expected[command]
        done = mail.expect(user_id, len(answer))
        message = server.user_sends(user_id, command.text)
        sent.append(Sent(user_id, command, int(message["message_id"]), answer))
        try:
            await asyncio.wait_for(done, REPLY_TIMEOUT)
        except TimeoutError:  # reported as missing; this user stops here
            print(f"user {user_id}: no complete answer to {command.text!r} in {REPLY_TIMEOUT:g} s")
            return
        await asyncio.sleep(rng.uniform(*think))


async def wait_ready(server: BotApiServer, bot: subprocess.Popen[str], timeout: float, log: Path) -> None:
    """Until the bot polls (it has then run post_init)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.poll() is not None:
            raise SystemExit(f"error: the bot exited with status {bot.returncode}:\n{tail(log)}")
        if server.calls_to("getUpdates"):
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"error: the bot did not start polling within {timeout:g} s:\n{tail(log)}")


async def run_load(
    url: str,
    plans: dict[int, list[Command]],
    expected: dict[Command, list[str]],
    think: tuple[float, float],
    seed: int,
    log_path: Path,
) -> tuple[BotApiServer, list[Sent], float]:
    async with BotApiServer(username="BriefBot", seed=seed) as server:
        for user_id in plans:
            server.add_user(user_id, f"Reader{user_id - USER_BASE}")
        with log_path.open("w") as log:
            bot = start_briefbot(  # in the bench's folder: no .env there
                server,
                log_path.parent,
                output=log,
                BRIEFINGS_DATABASE_URL=url,
                BRIEFINGS_TIMEZONE="UTC",
                BRIEFINGS_BEAT_NAME="Benchmark beat",
            )
            try:
                t0 = time.perf_counter()
                await wait_ready(server, bot, 120, log_path)
                print(f"bot started (pid {bot.pid}) in {time.perf_counter() - t0:.1f} s")
                mail = Mailboxes(server)
                watcher = asyncio.create_task(mail.run())
                sent: list[Sent] = []
                rng = random.Random(seed)
                t0 = time.perf_counter()
                await asyncio.gather(
                    *(
                        user(server, mail, uid, commands, expected, think, random.Random(rng.random()), sent)
                        for uid, commands in plans.items()
                    )
                )
                elapsed = time.perf_counter() - t0
                mail.stopped = True
                await watcher
            finally:
                await asyncio.to_thread(stop_bot, bot)
        return server, sent, elapsed


# ------------------------------------------------------------------------------------------ analysis


# ------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=20, help="commands per user")
    ap.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(3.0, 10.0),
        metavar=("MIN", "MAX"),
        help="seconds a user reads an answer before the next command (uniform; at least 1)",
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--database-url", default="", help="SQLite or PostgreSQL (default: a temporary SQLite file)"
    )
    ap.add_argument(
        "--reuse",
        nargs="?",
        const=True,
        default=None,
        metavar="PATH",
        help="a SQLite file built on the first run and reused after; with --database-url, reuse its articles",
    )
    ap.add_argument("--quick", action="store_true", help="small sizes for CI (no thresholds)")
    ap.add_argument("--samples", type=Path, help="write one JSON line per command (timings in s) here")
    args = ap.parse_args(argv)
    if args.quick:
        args.articles, args.users, args.rounds, args.think = 200, 5, 3, (1.0, 1.5)
    think = (max(1.0, args.think[0]), max(1.0, args.think[0], args.think[1]))
    if isinstance(args.reuse, str) and args.database_url:
        ap.error("give either --reuse PATH (a SQLite file) or --database-url URL [--reuse]")

    with tempfile.TemporaryDirectory(prefix="bench-bot-latency-") as tmp:
        if args.database_url:
            url = args.database_url
        elif isinstance(args.reuse, str):
            url = f"sqlite:///{Path(args.reuse).resolve()}"
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        done = prepare_database(url, args.articles, args.seed, reuse=args.reuse is not None)
        service = BriefingService(settings_for(url), db=Database(url))
        try:
            print(f"database: {done} ({service.db.engine.url.get_backend_name()})")
            pool = command_pool(service, random.Random(args.seed))
            plans = plan(args.users, args.rounds, pool, args.seed)
            expected = {c: expected_messages(service, c) for c in {c for cs in plans.values() for c in cs}}
        except BriefingsError as exc:
            raise SystemExit(f"error: {exc}") from None
        finally:
            service.close()
        parts = sorted({len(m) for m in expected.values()})
        total = sum(len(cs) for cs in plans.values())
        print(
            f"workload: {args.users} users in private chats, {args.rounds} commands each ({total}),"
            f" {think[0]:g}-{think[1]:g} s between an answer and the next command;"
            f" /brief 30%, /brief <topic> 30% ({len(pool['brief topic'])} topics),"
            f" /who <surname> 30%, /who <unknown> 10%; answers of {'/'.join(map(str, parts))} messages"
        )
        log_path = Path(tmp) / "briefbot.log"
        load_before = load()
        server, sent, elapsed = asyncio.run(run_load(url, plans, expected, think, args.seed, log_path))
        messages = len(server.calls_to("sendMessage"))
        print(
            f"ran {len(sent)} commands in {elapsed:.1f} s: {len(sent) / elapsed:.1f} commands/s,"
            f" {messages / elapsed:.1f} messages/s on average; machine load {load_before} before,"
            f" {load()} after (other work on the machine shows in the tail)"
        )
        results = outcomes(server, sent)
        if args.samples:
            write_samples(args.samples, results, server)
        ok = report(server, results, check_targets=not args.quick)
        if not ok:
            print(tail(log_path), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
