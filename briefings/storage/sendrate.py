"""The overall sending rate of one bot, shared by all its processes through PostgreSQL.

Telegram's overall limit (about 30 messages a second) is per bot token, not per process: two
processes each pacing themselves at the configured rate would together send twice that. With
PostgreSQL every process takes its slots from one row per bot instead, a GCRA (generic cell rate
algorithm): ``next_at`` is the moment the next message may leave; taking a slot moves it on by
one interval, atomically (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` locks the row for
the statement). Its clock is the database server's (``clock_timestamp()``), so the processes'
clocks need not agree; each process is told how long to wait, not when. A process takes one slot
at a time (see :mod:`bot.ratelimit`), so slots are not hoarded by a process that then dies.

A 429 that means the bot's own limit moves ``next_at`` past its ``retry_after`` for every
process. SQLite is for one process: there the pace is kept in memory.

Every message waits for its slot, so taking one must be quick: the transaction commits without
waiting for its WAL record to reach the disk (``synchronous_commit = off`` for that transaction
only; 0.8 ms instead of 4 ms a slot on the benchmark machine). A database crash can lose the last
few slots taken, which costs nothing: the next ones are taken from the row as it was.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_RESERVE = text(
    """
    INSERT INTO send_rate AS r (bot, next_at)
    VALUES (:bot, clock_timestamp() + make_interval(secs => :interval))
    ON CONFLICT (bot) DO UPDATE
    SET next_at = GREATEST(r.next_at, clock_timestamp() - make_interval(secs => :slack))
        + make_interval(secs => :interval)
    RETURNING EXTRACT(EPOCH FROM (r.next_at - clock_timestamp()))::float8 - :interval
    """
)

_NO_FLUSH_WAIT = text("SET LOCAL synchronous_commit = off")

_HOLD = text(
    """
    INSERT INTO send_rate AS r (bot, next_at)
    VALUES (:bot, clock_timestamp() + make_interval(secs => :seconds))
    ON CONFLICT (bot) DO UPDATE SET next_at = GREATEST(r.next_at, EXCLUDED.next_at)
    """
)


def reserve(connection: Connection, bot: str, interval: float, slack: float) -> float:
    """Take the next slot of ``bot`` (one every ``interval`` seconds; a slot up to ``slack`` seconds
    in the past is still given, so that a late process does not lose it); seconds until it."""
    connection.execute(_NO_FLUSH_WAIT)
    delay = connection.execute(
        _RESERVE, {"bot": bot, "interval": float(interval), "slack": float(slack)}
    ).scalar_one()
    return max(0.0, float(delay))


def hold(connection: Connection, bot: str, seconds: float) -> None:
    """No slot of ``bot`` within ``seconds`` from now (a 429's ``retry_after``)."""
    connection.execute(_NO_FLUSH_WAIT)
    connection.execute(_HOLD, {"bot": bot, "seconds": float(seconds)})
