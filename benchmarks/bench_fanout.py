"""Digest fan-out: thousands of subscribers over 30 time zones, all due at once, sent by the real bot.

    .venv/bin/python -m benchmarks.bench_fanout [--subscribers 10000] [--groups 50] [--rate 30]
        [--database-url postgresql://.../bench_fanout] [--processes 2] [--kill] [--seed 7] [--quick]

Deterministic by seed: N private subscribers spread over 30 time zones (whole, half and
three-quarter hour offsets; a quarter with one or two topics), G supergroups, and a small database
of synthetic articles (bench_render's builder) ingested six hours before the digest moment, so that
every digest has news in it. Every subscription's local time has come by that moment, so the whole
audience is due at once: the worst case of a fan-out.

The bot runs as it does in production: ``briefbot send-due`` processes (plan what is due, send it,
exit), with ``BRIEFINGS_SEND_RATE`` as the configured overall rate, against the local Bot API
server (``testing/botapi``) in this process, which enforces Telegram's limits (30/s overall, 1/s per
private chat with a burst of 3, 20/min per group) and injects faults: 429s, 500s and 502s, requests
that are never answered (the client times out; the server never processes them), and 403s (users
who blocked the bot or deleted their account, a group that kicked it; and users who never started
it, "400 chat not found"). Those chats get nothing, are deactivated, and do not count as losses.

``--processes 2`` runs two bot processes on one database (PostgreSQL); ``--kill`` sends SIGKILL to
one of them at a random (seeded) moment of the fan-out and starts it again. Deliveries it held when
it died are retaken after the lease (two minutes): once the running processes are done, one more
``send-due`` runs with its clock moved past the lease instead of waiting for it (a "sweep").

Everything is checked from the server's record against the database: each deliverable chat got its
digest exactly once, every part in order (losses, duplicates, damaged parts); 403 chats got nothing
and were deactivated; genuine 429s (a limit the bot broke, or a message sent inside an injected
429's flood wait, which the server holds like Telegram) against injected ones; per-chat and
per-group limits as the server saw the messages arrive. The sustained rate is the messages delivered
between the first and the last, per second, as a share of the configured rate (also without the
pauses for every chat that injected 429s impose: those on two chats within a second). Where the
slots of that span went: the requests that arrived in it by outcome (a refused or failed request
uses a slot as much as a delivered one), the slots no request used, and the time before the first
delivery and after the last. With PostgreSQL, the bench works in a schema of its own that it drops
at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import update

from benchmarks._common import build_synthetic, busiest, busiest_at, union_length
from benchmarks._fanout import (
    DUE,
    ZONES,
    Chat,
    audit,
    inject_faults,
    open_chats,
    outcome_of,
    population,
    slot_use,
    statuses,
    store_subscriptions,
    unfinished_after,
)
from bot.ratelimit import FLOOD_CLUSTER
from briefings import render
from briefings.config import Settings
from briefings.service.app import BriefingService
from briefings.service.clock import FixedClock
from briefings.storage.db import Database
from briefings.storage.tables import Article
from testing.botapi import ThreadedBotApiServer, parse_text
from testing.processes import run_briefbot, start_briefbot
from tests.pgschema import pg_schema

INGESTED = DUE - dt.timedelta(hours=6)


# --------------------------------------------------------------------------- the audience


def build_database(db: Database, articles: int, seed: int) -> None:
    """A small beat: ``articles`` synthetic stories with their facts and picture, ingested six hours
    before the digests are due."""
    build_synthetic(db, articles, seed)
    with db.transaction() as session:
        session.execute(update(Article).values(ingested_at=INGESTED))


# --------------------------------------------------------------------------- what each chat should get


def plain(html: str) -> str:
    return parse_text(html, "HTML").text


def expected_messages(service: BriefingService, chats: Sequence[Chat]) -> dict[int, list[str]]:
    """The digest each deliverable chat should receive, as plain text (what the server records)."""
    memo: dict[tuple[tuple[str, ...], str], list[str]] = {}
    out: dict[int, list[str]] = {}
    for c in chats:
        if not c.deliverable:
            continue
        key = (c.topics, c.zone)
        if key not in memo:
            digest = service.reading.digest(None, DUE, list(c.topics), c.zone)
            memo[key] = [plain(m) for m in [render.digest_message(digest)]]
        out[c.chat_id] = memo[key]
    return out


# --------------------------------------------------------------------------- databases


@contextmanager
def database_url(url: str, folder: Path, keep: bool) -> Iterator[str]:
    """SQLite: a file in ``folder``. PostgreSQL: a schema of this run's own, dropped afterwards."""
    if not url:
        yield f"sqlite:///{folder / 'fanout.db'}"
        return
    if not url.startswith("postgresql"):
        raise SystemExit("--database-url: sqlite (the default, no URL) or postgresql://...")
    with pg_schema(url, prefix="bench_fanout", keep=keep) as scoped:
        yield scoped


# --------------------------------------------------------------------------- the bot processes


class Fleet:
    """``briefbot send-due`` processes sharing one clock: the bot's clock reads :data:`DUE` at
    ``anchor`` (this process's wall time) and runs at real speed, in every process started."""

    def __init__(self, server: ThreadedBotApiServer, db_url: str, folder: Path, rate: float) -> None:
        self.server = server
        self.db_url = db_url
        self.folder = folder
        self.rate = rate
        self.anchor = time.time()
        self.started = 0
        self.logs: list[Path] = []

    def now(self) -> dt.datetime:
        return DUE + dt.timedelta(seconds=time.time() - self.anchor)

    def settings(self, clock: dt.datetime) -> dict[str, str]:
        return {
            "BRIEFINGS_DATABASE_URL": self.db_url,
            "BRIEFINGS_CLOCK_START": clock.isoformat(),
            "BRIEFINGS_SEND_RATE": f"{self.rate:g}",
        }

    def start(self, clock: dt.datetime | None = None) -> subprocess.Popen[str]:
        self.started += 1
        log = self.folder / f"send-due-{self.started}.log"
        self.logs.append(log)
        with log.open("w") as out:  # in the bench's folder: no developer's .env is read
            return start_briefbot(
                self.server, self.folder, "send-due", output=out, **self.settings(clock or self.now())
            )

    def tail(self, lines: int = 5) -> str:
        return "\n".join(
            f"  [{log.name}] {line}"
            for log in self.logs
            for line in log.read_text(errors="replace").splitlines()[-lines:]
        )


# --------------------------------------------------------------------------- measuring


# --------------------------------------------------------------------------- the run


def run(args: argparse.Namespace, folder: Path) -> int:
    t_setup = time.perf_counter()
    with database_url(args.database_url, folder, args.keep) as url:
        db = Database(url)
        settings = Settings(_env_file=None, BRIEFINGS_DATABASE_URL=url)  # type: ignore[call-arg]
        service = BriefingService(settings, db=db, clock=FixedClock(DUE))
        build_database(db, args.articles, args.seed)
        topics = [slug for slug, _ in service.beats.topics()]
        chats = population(args.subscribers, args.groups, topics, args.seed)
        store_subscriptions(db, chats)
        expected = expected_messages(service, chats)
        total = sum(len(m) for m in expected.values())
        parts = Counter(len(m) for m in expected.values())
        print(
            f"audience: {args.subscribers} subscribers + {args.groups} groups over {len(ZONES)} time zones,"
            f" {sum(1 for c in chats if c.topics)} with topics; {sum(1 for c in chats if not c.deliverable)}"
            f" answer 403 or 400; {len(expected)} digests to deliver, {total} messages"
            f" (parts per digest: {dict(sorted(parts.items()))})"
        )
        print(f"database: {db.engine.url.get_backend_name()}, {args.articles} articles")

        with ThreadedBotApiServer(seed=args.seed) as server:
            server.call(open_chats, server.server, chats)
            if not args.no_faults:
                server.call(inject_faults, server.server, total)
            fleet = Fleet(server, url, folder, args.rate)
            print(
                f"set up in {time.perf_counter() - t_setup:.1f} s; {args.processes} bot process(es) at"
                f" BRIEFINGS_SEND_RATE={args.rate:g}"
            )
            rng = random.Random(args.seed * 7919 + 1)
            kill_at = int(total * rng.uniform(0.2, 0.8)) if args.kill else None
            victim = rng.randrange(args.processes)
            # the server runs in this process: no garbage collection pauses while it counts arrivals
            # (a pass over its records would stall it, and the requests queued meanwhile would be
            # stamped as arriving together)
            gc.collect()
            gc.freeze()
            gc.disable()
            started = time.perf_counter()
            started_at = time.monotonic()  # the server's clock (RealClock)
            procs = [fleet.start() for _ in range(args.processes)]
            kill_note = ""
            killed_at: float | None = None  # on the server's clock
            deadline = started + args.timeout
            while any(p.poll() is None for p in procs):
                if time.perf_counter() > deadline:
                    for p in procs:
                        p.kill()
                    print(f"timed out after {args.timeout:.0f} s\n{fleet.tail()}")
                    return 1
                if kill_at is not None:
                    delivered = server.call(lambda: len(server.server.deliveries))
                    if delivered >= kill_at and procs[victim].poll() is None:
                        procs[victim].send_signal(signal.SIGKILL)
                        procs[victim].wait()
                        killed_at = server.call(server.server.clock.monotonic)
                        held = statuses(db).get("sending", 0)
                        kill_note = (
                            f"SIGKILL to process {victim + 1} after {delivered} of {total} messages"
                            f" ({time.perf_counter() - started:.1f} s in), {held} deliveries claimed at that"
                            " moment; started again at once"
                        )
                        procs[victim] = fleet.start()
                        kill_at = None
                time.sleep(0.05)
            if args.kill and not kill_note:
                kill_note = "no SIGKILL: the process ended before its moment came"
            fanout_s = time.perf_counter() - started
            ended_at = time.monotonic()
            codes = [p.returncode for p in procs]
            main_phase = server.call(lambda: len(server.server.deliveries))
            sweeps, swept = 0, []
            while (after := unfinished_after(db)) is not None and sweeps < 4:
                sweeps += 1
                clock = max(fleet.now(), after + dt.timedelta(seconds=1))
                before = server.call(lambda: len(server.server.deliveries))
                done = run_briefbot(server, folder, "send-due", timeout=args.timeout, **fleet.settings(clock))
                swept.append(
                    f"sweep {sweeps}: clock +{(clock - fleet.now()).total_seconds():.0f} s, exit"
                    f" {done.returncode}, {server.call(lambda: len(server.server.deliveries)) - before}"
                    " messages"
                )
            total_s = time.perf_counter() - started
            gc.enable()
            calls = server.calls_to("sendMessage")
            records = server.call(lambda: server.server.deliveries)
            violations = server.call(lambda: server.server.violations)
            stats = server.stats

        received: dict[int, list[str]] = defaultdict(list)
        for d in records:
            received[d.chat_id].append(d.text)
        result = audit(chats, expected, received, db)
        final = statuses(db)
        service.close()

    # ------------------------------------------------------------------ report
    delivered_at = [d.at for d in records[:main_phase]]
    span = (max(delivered_at) - min(delivered_at)) if len(delivered_at) > 1 else 0.0
    floods = [c for c in calls if c.fault == "too_many_requests"]
    paused = union_length(  # a lone 429 holds its chat only (bot.ratelimit): these hold everyone
        [
            (c.at, c.at + float((c.response or {}).get("parameters", {}).get("retry_after", 0)))
            for c in floods
            if any(
                o.params.get("chat_id") != c.params.get("chat_id") and c.at - FLOOD_CLUSTER <= o.at <= c.at
                for o in floods
            )
        ]
    )
    rate = (len(delivered_at) - 1) / span if span > 0 else 0.0
    unpaused = (len(delivered_at) - 1) / (span - paused) if span > paused else 0.0
    by_scope = Counter(v.scope for v in violations)
    group_ids = {c.chat_id for c in chats if c.chat_type != "private"}
    private_gaps = []
    per_group_minute = 0
    by_chat: dict[int, list[float]] = defaultdict(list)
    for c in calls:
        if c.status == 200:
            by_chat[int(c.params["chat_id"])].append(c.at)
    for chat, times in by_chat.items():
        times.sort()
        if chat in group_ids:
            per_group_minute = max(per_group_minute, busiest(times, 60.0))
        else:
            private_gaps += [b - a for a, b in itertools.pairwise(times)]
    injected = {k: v for k, v in sorted(stats.injected_by_kind.items())}
    statuses_403 = sum(1 for c in calls if c.status == 403)

    print(f"processes: {args.processes}, exit codes {codes}{'; ' + kill_note if kill_note else ''}")
    for line in swept:
        print(line)
    print(f"digests delivered complete: {result.complete} of {result.deliverable}")
    print(f"messages delivered: {len(records)} (expected {total}); sendMessage calls: {len(calls)}")
    print(
        f"fan-out wall time: {fanout_s:.1f} s (process start to the last exit); with sweeps {total_s:.1f} s"
    )
    print(
        f"first to last message: {span:.1f} s; sustained {rate:.2f} msg/s = {100 * rate / args.rate:.1f}%"
        f" of the configured {args.rate:g}/s ({100 * unpaused / args.rate:.1f}% without the"
        f" {paused:.1f} s in which injected 429s on two chats within {FLOOD_CLUSTER:g} s paused every chat)"
    )
    asked = [c.at for c in calls if c.at <= max(delivered_at, default=0.0)]
    asked_rate = (len(asked) - 1) / (span - paused) if span > paused and len(asked) > 1 else 0.0
    print(
        f"sendMessage requests (delivered or not: 403, 5xx, timeouts use a slot too) between the first"
        f" and the last delivery, without the pauses: {asked_rate:.2f}/s ="
        f" {100 * asked_rate / args.rate:.1f}% of the configured rate"
    )
    if delivered_at:
        first, last = min(delivered_at), max(delivered_at)
        print(
            f"where the slots went between the first and the last delivery ({span * args.rate:.0f} at"
            f" {args.rate:g}/s): {slot_use(calls, first, last, span * args.rate)}; before the first"
            f" delivery {first - started_at:.1f} s (processes starting, planning), after the last"
            f" {ended_at - last:.1f} s (until the last exit)"
        )
    peak, peak_at = busiest_at(delivered_at, 1.0)
    print(
        f"busiest second: {peak} delivered ({peak_at - min(delivered_at, default=0.0):.1f} s in, as the"
        f" messages arrived at the server: arrival jitter included),"
        f" {busiest([c.at for c in calls], 1.0)} sendMessage arrivals"
    )
    print(
        f"429s for a real limit violation: {len(violations)} {dict(by_scope) or ''}"
        f"(per chat: {by_scope.get('private', 0)}, per group: {by_scope.get('group', 0)},"
        f" global: {by_scope.get('global', 0)}, during a flood wait: {by_scope.get('flood_wait', 0)})"
    )
    print(f"injected faults: {injected}; 403 answers: {statuses_403}")
    print(
        f"closest two messages to one private chat: {min(private_gaps, default=float('inf')):.3f} s;"
        f" most messages to one group in any 60 s: {per_group_minute}"
    )
    print(
        f"403/400 chats: {result.to_403} (not deliverable, not losses); delivered to anyway:"
        f" {len(result.got_403_and_delivered)}; left active: {len(result.not_deactivated)}"
    )
    # a part whose request had left without an answer when its process was killed is on record as
    # sent (at most once: it was most likely delivered); if the request was in fact lost (an injected
    # hang, which the server never processes), the part is lost: the one case the bot cannot tell
    in_flight = [
        chat
        for chat in result.lost
        if killed_at is not None
        and any(
            c.params.get("chat_id") == chat and c.fault == "hang" and c.at < killed_at < c.at + 5.5
            for c in calls
        )
    ]
    unexplained = [chat for chat in result.lost if chat not in in_flight]
    print(
        f"losses: {len(unexplained)}"
        + (
            f" (and {len(in_flight)} whose request was lost by the network while it was in flight"
            " when its process was killed: on record as sent, never delivered)"
            if in_flight
            else ""
        )
        + f"; duplicates: {len(result.duplicated)} chats ({result.extra_parts} extra"
        f" messages); damaged: {len(result.damaged)}"
    )
    print(f"outbox: {final}")
    if args.verbose and delivered_at:
        first = min(delivered_at)
        per_second = Counter(int(t - first) for t in delivered_at)
        print(
            "delivered per second:", " ".join(str(per_second.get(i, 0)) for i in range(max(per_second) + 1))
        )
    for name, which in (
        ("lost", result.lost),
        ("duplicated", result.duplicated),
        ("damaged", result.damaged),
    ):
        for chat in which[:10]:
            tried = [outcome_of(c) for c in calls if c.params.get("chat_id") == chat]
            print(f"  {name}: chat {chat}, its sendMessage calls: {', '.join(tried) or 'none'}")
    ok = (
        not unexplained
        and not result.duplicated
        and not result.damaged
        and not violations
        and not result.got_403_and_delivered
        and not result.not_deactivated
    )
    if not ok:
        print("FAILED: see above")
        return 1
    if not args.quick and rate < 0.95 * args.rate:
        print(f"below 95% of the configured rate ({rate:.2f} < {0.95 * args.rate:.2f} msg/s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscribers", type=int, default=10_000)
    ap.add_argument("--groups", type=int, default=50)
    ap.add_argument("--articles", type=int, default=12, help="synthetic articles in the digest window")
    ap.add_argument("--rate", type=float, default=30.0, help="BRIEFINGS_SEND_RATE of the bot processes")
    ap.add_argument("--database-url", default="", help="postgresql://... (default: a SQLite file)")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--kill", action="store_true", help="SIGKILL one process mid-way, start it again")
    ap.add_argument("--no-faults", action="store_true", help="no injected 429/5xx/timeouts (403s stay)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder / PostgreSQL schema")
    ap.add_argument("--quick", action="store_true", help="small sizes for CI (no thresholds)")
    ap.add_argument("--verbose", action="store_true", help="also print the messages delivered each second")
    args = ap.parse_args(argv)
    if args.quick:
        args.subscribers, args.groups = min(args.subscribers, 300), min(args.groups, 5)
    if args.processes > 1 and not args.database_url:
        print("note: several processes on one SQLite file; PostgreSQL is the database for that")
    folder = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    try:
        return run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
