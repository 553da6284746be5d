"""What the benchmarks that run the real bot share: a database of synthetic articles, counting
events in a window, percentiles, the load of the machine and the bot process's log and end."""

from __future__ import annotations

import bisect
import math
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_consolidate import articles as synthetic_summaries
from benchmarks.bench_render import build as build_articles
from briefings.storage.db import Database


def build_synthetic(db: Database, articles: int, seed: int) -> None:
    """``articles`` synthetic stories with their facts and picture (bench_render's builder over
    bench_consolidate's summaries), the same for the same seed."""
    build_articles(db, synthetic_summaries(articles, seed))


def busiest(times: Sequence[float], window: float) -> int:
    return busiest_at(times, window)[0]


def busiest_at(times: Sequence[float], window: float) -> tuple[int, float]:
    """The most events in any ``window`` seconds, and when that window starts."""
    ordered = sorted(times)
    return max(
        ((bisect.bisect_left(ordered, t + window) - i, t) for i, t in enumerate(ordered)), default=(0, 0.0)
    )


def union_length(intervals: Sequence[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def load() -> str:
    """The 1-minute load average over the number of cores."""
    return f"{os.getloadavg()[0]:.1f}/{os.cpu_count()}"


def tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:]


def stop_bot(bot: subprocess.Popen[str]) -> None:
    """SIGINT (the bot stops polling and exits), then SIGKILL if it has not within 15 s."""
    if bot.poll() is not None:
        return
    bot.send_signal(signal.SIGINT)
    try:
        bot.wait(15)
    except subprocess.TimeoutExpired:
        bot.kill()
        bot.wait(5)
